"""A child's timeline: attendance, observations, strategies, home visits, plan events, teaching
targets, referrals to the pre-school liaison group, the meetings that discussed the child (once
held) and the local authority notified, in one list, newest first, read a page at a time.

Each event is read by its own small query (`SOURCES`), ordered by (date, time, id) descending
with a LIMIT, from where the last page ended (keyset pagination: never OFFSET, so the
thousandth page costs what the first does); the sources' pages are merged in Python. The
order of the whole timeline is (date, time or "", event, id), newest first: entries of one
day with a time of day come before those without, and ties fall to the event's name and the
record's id, so every entry is on exactly one page however many share a day.

The queries are SQL text, each naming `deleted_at IS NULL` for itself: on a child with 2,000
observations, building and caching the same seven statements through the ORM took two thirds
of the read (benchmarks/bench_timeline.py). A later record type is one entry in `SOURCES` and a
function saying what each of its rows is.
"""

from __future__ import annotations

import datetime as dt
import enum
import heapq
import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from earlyyears_desktop.domain.enums import (
    AreaOfNeed,
    AttendanceStatus,
    LabelledEnum,
    MeetingKind,
    ObservationContext,
)
from earlyyears_desktop.services.unit_of_work import UnitOfWork

#: entries per page unless asked otherwise
PAGE_SIZE = 50
#: how much of a long text is read to find its first line
_SNIPPET_CHARS = 400
_LINE_CHARS = 160


class TimelineKind(enum.StrEnum):
    """What the timeline can be filtered by."""

    ATTENDANCE = "attendance"
    OBSERVATION = "observation"
    STRATEGY = "strategy"
    HOME_VISIT = "home_visit"
    PLAN = "plan"
    TARGET = "target"
    REFERRAL = "referral"
    MEETING = "meeting"

    @property
    def label(self) -> str:
        """What the filter says: "Home visits"."""
        return _KIND_WORDS[self][0]

    @property
    def one(self) -> str:
        """What one entry says it is: "Home visit"."""
        return _KIND_WORDS[self][1]


_KIND_WORDS = {
    TimelineKind.ATTENDANCE: ("Attendance", "Attendance"),
    TimelineKind.OBSERVATION: ("Observations", "Observation"),
    TimelineKind.STRATEGY: ("Strategies", "Strategy"),
    TimelineKind.HOME_VISIT: ("Home visits", "Home visit"),
    TimelineKind.PLAN: ("Plans", "Plan"),
    TimelineKind.TARGET: ("Teaching targets", "Teaching target"),
    TimelineKind.REFERRAL: ("Referrals", "Referral"),
    TimelineKind.MEETING: ("Meetings", "Meeting"),
}


@dataclass(frozen=True, order=True)
class TimelineCursor:
    """Where a page ended: the last entry's place in the timeline's order."""

    date: dt.date
    #: the time of day as the vault stores it ("09:30:00.000000"), or "" when there is none
    time: str
    #: the event (`Source.event`): two events of one record differ here
    event: str
    record_id: str


@dataclass(frozen=True)
class TimelineEntry:
    kind: TimelineKind
    #: which event of the record: "strategy_agreed", "plan_reviewed", ...
    event: str
    #: the record to open: its entity name (as in the change log) and id
    entity: str
    record_id: str
    date: dt.date
    time: dt.time | None
    #: one line saying what happened ("Strategy agreed: Now and next board")
    title: str
    #: a short line more ("Group session · Communication and interaction"), or ""
    detail: str
    #: the time as stored, for the order (see `TimelineCursor.time`)
    stored_time: str = ""

    @property
    def cursor(self) -> TimelineCursor:
        return TimelineCursor(self.date, self.stored_time, self.event, self.record_id)


@dataclass(frozen=True)
class TimelinePage:
    entries: tuple[TimelineEntry, ...]
    #: where the next page starts, or None when this page is the last
    next_cursor: TimelineCursor | None


#: four columns of a source's row -> (title, detail)
Words = Callable[[Sequence[Any]], tuple[str, str]]


@dataclass(frozen=True)
class Source:
    """One event of the timeline and the SQL reading it.

    `sql` selects the record's id, its date, its time of day (or NULL) and four more columns
    for `words`, from the child's live records (`:child`; `deleted_at IS NULL` on each table:
    text SQL is not seen by the unit of work's tombstone filter), and ends with its WHERE
    clause: the keyset, the order and the limit are added to it. `day`, `time` and `id` name
    the columns the timeline is ordered by.
    """

    event: str
    kind: TimelineKind
    entity: str
    sql: str
    day: str
    time: str | None
    id: str
    words: Words

    def statement(self, cursor: TimelineCursor | None) -> str:
        """The SQL of the next rows after `cursor`, newest first (binds :child, :limit and,
        with a cursor, :cd, :ct and :cid)."""
        # SQLite sorts NULL below any value: an untimed entry follows the timed ones of its day.
        order = ", ".join(
            f"{column} DESC" for column in (self.day, self.time, self.id) if column is not None
        )
        return f"{self.sql} AND {self._after(cursor)} ORDER BY {order} LIMIT :limit"

    def _after(self, cursor: TimelineCursor | None) -> str:
        """The rows that come after `cursor` in the timeline's order of (date, time or "",
        event, id), newest first."""
        if cursor is None:
            return "1"
        if self.event < cursor.event:
            same_slot = "1"
        elif self.event == cursor.event:
            same_slot = f"{self.id} < :cid"
        else:
            same_slot = "0"
        if self.time is None:  # no time of day here: "" sorts below any time
            same_day = "1" if cursor.time else same_slot
        elif cursor.time:
            t = self.time
            same_day = f"({t} IS NULL OR {t} < :ct OR ({t} = :ct AND {same_slot}))"
        else:
            same_day = f"({self.time} IS NULL AND {same_slot})"
        return f"({self.day} < :cd OR ({self.day} = :cd AND {same_day}))"

    def read(
        self, session: Session, child_id: str, cursor: TimelineCursor | None, limit: int
    ) -> list[TimelineEntry]:
        params: dict[str, object] = {"child": child_id, "limit": limit}
        if cursor is not None:
            params.update(cd=cursor.date.isoformat(), ct=cursor.time, cid=cursor.record_id)
        entries = []
        for record_id, day, time, *more in session.execute(text(self.statement(cursor)), params):
            title, detail = self.words(more)
            entries.append(
                TimelineEntry(
                    self.kind,
                    self.event,
                    self.entity,
                    record_id,
                    dt.date.fromisoformat(day),
                    dt.time.fromisoformat(time) if time else None,
                    title,
                    detail,
                    time or "",
                )
            )
        return entries


class TimelineService:
    def __init__(self, uow: UnitOfWork) -> None:
        self.uow = uow

    def page(
        self,
        child_id: str,
        kinds: frozenset[TimelineKind] | None = None,
        before: TimelineCursor | None = None,
        limit: int = PAGE_SIZE,
    ) -> TimelinePage:
        """Up to `limit` entries of the child's timeline after `before` (from the newest when
        None), of the `kinds` asked for (every kind when None)."""
        sources = [s for s in SOURCES if kinds is None or s.kind in kinds]
        if not sources or limit <= 0:
            return TimelinePage((), None)
        with self.uow.read() as session:
            # One more than a page from each source tells whether another page follows.
            lists = [s.read(session, child_id, before, limit + 1) for s in sources]
        merged = list(
            itertools.islice(heapq.merge(*lists, key=lambda e: e.cursor, reverse=True), limit + 1)
        )
        entries = tuple(merged[:limit])
        more = len(merged) > limit
        return TimelinePage(entries, entries[-1].cursor if more else None)


# ---- the sources: what each says ----


def _attendance(row: Sequence[Any]) -> tuple[str, str]:
    group, theme, status, came_with, note = row
    return (
        f"{_label(AttendanceStatus, status)}: {group}",
        _joined(theme, f"came with {came_with}" if came_with else "", _first_line(note)),
    )


def _observation(row: Sequence[Any]) -> tuple[str, str]:
    text_start, context, area, shared = row
    return (
        _first_line(text_start) or "Observation",
        _joined(
            _label(ObservationContext, context),
            _label(AreaOfNeed, area) if area else "",
            "shared with parents" if shared else "",
        ),
    )


def _strategy_agreed(row: Sequence[Any]) -> tuple[str, str]:
    title, agreed_with, _reason = row
    return (
        f"Strategy agreed: {title or 'a strategy'}",
        f"Agreed with {agreed_with}" if agreed_with else "",
    )


def _strategy_stopped(row: Sequence[Any]) -> tuple[str, str]:
    title, _agreed_with, reason = row
    return f"Strategy stopped: {title or 'a strategy'}", _first_line(reason)


def _home_visit(row: Sequence[Any]) -> tuple[str, str]:
    carers, activities = row
    return (f"Home visit with {carers}" if carers else "Home visit"), _first_line(activities)


def _plan_started(row: Sequence[Any]) -> tuple[str, str]:
    title, support = row
    return f"Plan started: {title}", _first_line(support)


def _plan_reviewed(row: Sequence[Any]) -> tuple[str, str]:
    title, progress = row
    return f"Plan reviewed: {title}", _first_line(progress)


def _target_set(row: Sequence[Any]) -> tuple[str, str]:
    target, skill_area, set_with = row
    return f"Target set: {target}", _joined(skill_area, f"with {set_with}" if set_with else "")


def _step_achieved(row: Sequence[Any]) -> tuple[str, str]:
    text_start, position, target = row
    return f"Step {position + 1} achieved: {_first_line(text_start)}", f"Target: {target}"


def _target_finished(row: Sequence[Any]) -> tuple[str, str]:
    target, reason = row
    return f"Target finished: {target}", _first_line(reason)


def _target_stopped(row: Sequence[Any]) -> tuple[str, str]:
    target, reason = row
    return f"Target stopped: {target}", _first_line(reason)


def _referred(row: Sequence[Any]) -> tuple[str, str]:
    referrer, role, reason, withdrawn_on = row
    return (
        f"Referred to the pre-school liaison group by {referrer}",
        _joined(
            role, _first_line(reason), f"withdrawn {_day(withdrawn_on)}" if withdrawn_on else ""
        ),
    )


def _discussed(row: Sequence[Any]) -> tuple[str, str]:
    kind, name, outcome, summary = row
    if kind == MeetingKind.TEAM_AROUND_THE_CHILD.value:
        # the meeting's name often says what it is ("Team around the child, Bicester")
        title = (
            name
            if "team around the child" in name.lower()
            else _joined("Team around the child meeting", name)
        )
    else:
        title = "Discussed at " + (name if name.lower().startswith("the ") else f"the {name}")
    return title, _first_line(outcome) or _first_line(summary)


def _notified(row: Sequence[Any]) -> tuple[str, str]:
    by, role, reason, told_on = row
    return (
        f"The local authority was notified by {by}",
        _joined(role, _first_line(reason), f"parents told {_day(told_on)}" if told_on else ""),
    )


_N = _SNIPPET_CHARS
_TARGET_END_SQL = (
    "SELECT id, {day}, NULL, target, substr(end_reason, 1, {n}) FROM teaching_targets "
    "WHERE child_id = :child AND status = '{status}' AND {day} IS NOT NULL "
    "AND deleted_at IS NULL"
)
_STRATEGY_SQL = (
    "SELECT c.id, {day}, NULL, coalesce(s.title, c.title), c.agreed_with, "
    f"substr(c.stop_reason, 1, {_N}) FROM child_strategies c LEFT JOIN strategies s "
    "ON s.id = c.strategy_id AND s.deleted_at IS NULL "
    "WHERE c.child_id = :child AND {day} IS NOT NULL AND c.deleted_at IS NULL"
)

#: every event the timeline shows, with the SQL reading it (a later kind of record is a
#: line here and a function saying what it is)
SOURCES: tuple[Source, ...] = (
    Source(
        # a mark opens its session's register: one mark per child and session, so the
        # session's id also breaks ties
        "attendance",
        TimelineKind.ATTENDANCE,
        "session",
        "SELECT s.id, s.date, s.start_time, g.name, s.theme, a.status, a.came_with, "
        f"substr(a.note, 1, {_N}) FROM attendance a JOIN sessions s ON s.id = a.session_id "
        "JOIN groups g ON g.id = s.group_id WHERE a.child_id = :child "
        "AND a.deleted_at IS NULL AND s.deleted_at IS NULL AND g.deleted_at IS NULL",
        "s.date",
        "s.start_time",
        "s.id",
        _attendance,
    ),
    Source(
        "observation",
        TimelineKind.OBSERVATION,
        "observation",
        f"SELECT id, observed_on, observed_at, substr(text, 1, {_N}), context, area_of_need, "
        "share_with_parents FROM observations WHERE child_id = :child AND deleted_at IS NULL",
        "observed_on",
        "observed_at",
        "id",
        _observation,
    ),
    Source(
        "strategy_agreed",
        TimelineKind.STRATEGY,
        "child_strategy",
        _STRATEGY_SQL.format(day="c.assigned_on"),
        "c.assigned_on",
        None,
        "c.id",
        _strategy_agreed,
    ),
    Source(
        "strategy_stopped",
        TimelineKind.STRATEGY,
        "child_strategy",
        _STRATEGY_SQL.format(day="c.stopped_on"),
        "c.stopped_on",
        None,
        "c.id",
        _strategy_stopped,
    ),
    Source(
        "home_visit",
        TimelineKind.HOME_VISIT,
        "home_visit",
        f"SELECT id, visited_on, NULL, carers_present, substr(activities, 1, {_N}) "
        "FROM home_visits WHERE child_id = :child AND deleted_at IS NULL",
        "visited_on",
        None,
        "id",
        _home_visit,
    ),
    Source(
        "plan_started",
        TimelineKind.PLAN,
        "support_plan",
        f"SELECT id, started_on, NULL, title, substr(interventions, 1, {_N}) "
        "FROM support_plans WHERE child_id = :child AND deleted_at IS NULL",
        "started_on",
        None,
        "id",
        _plan_started,
    ),
    Source(
        "plan_reviewed",
        TimelineKind.PLAN,
        "plan_review",
        f"SELECT r.id, r.reviewed_on, NULL, p.title, substr(r.progress, 1, {_N}) "
        "FROM plan_reviews r JOIN support_plans p ON p.id = r.plan_id "
        "WHERE p.child_id = :child AND r.deleted_at IS NULL AND p.deleted_at IS NULL",
        "r.reviewed_on",
        None,
        "r.id",
        _plan_reviewed,
    ),
    Source(
        "target_set",
        TimelineKind.TARGET,
        "teaching_target",
        "SELECT id, set_on, NULL, target, skill_area, set_with FROM teaching_targets "
        "WHERE child_id = :child AND deleted_at IS NULL",
        "set_on",
        None,
        "id",
        _target_set,
    ),
    Source(
        # opens the target the step belongs to
        "target_step_achieved",
        TimelineKind.TARGET,
        "target_step",
        f"SELECT s.id, s.achieved_on, NULL, substr(s.text, 1, {_N}), s.position, t.target "
        "FROM target_steps s JOIN teaching_targets t ON t.id = s.target_id "
        "WHERE t.child_id = :child AND s.achieved_on IS NOT NULL "
        "AND s.deleted_at IS NULL AND t.deleted_at IS NULL",
        "s.achieved_on",
        None,
        "s.id",
        _step_achieved,
    ),
    Source(
        "target_finished",
        TimelineKind.TARGET,
        "teaching_target",
        _TARGET_END_SQL.format(day="achieved_on", n=_N, status="achieved"),
        "achieved_on",
        None,
        "id",
        _target_finished,
    ),
    Source(
        "target_stopped",
        TimelineKind.TARGET,
        "teaching_target",
        _TARGET_END_SQL.format(day="stopped_on", n=_N, status="stopped"),
        "stopped_on",
        None,
        "id",
        _target_stopped,
    ),
    Source(
        "referral",
        TimelineKind.REFERRAL,
        "referral",
        "SELECT id, referred_on, NULL, referrer_name, referrer_role, "
        f"substr(reason, 1, {_N}), withdrawn_on FROM referrals "
        "WHERE child_id = :child AND deleted_at IS NULL",
        "referred_on",
        None,
        "id",
        _referred,
    ),
    Source(
        # only once the meeting was held: a planned one's agenda is not yet an event
        "meeting_discussion",
        TimelineKind.MEETING,
        "meeting_discussion",
        f"SELECT d.id, m.held_on, m.starts_at, m.kind, m.name, substr(d.outcome, 1, {_N}), "
        f"substr(d.summary, 1, {_N}) FROM meeting_discussions d "
        "JOIN meetings m ON m.id = d.meeting_id WHERE d.child_id = :child "
        "AND m.status = 'held' AND d.deleted_at IS NULL AND m.deleted_at IS NULL",
        "m.held_on",
        "m.starts_at",
        "d.id",
        _discussed,
    ),
    Source(
        "la_notification",
        TimelineKind.MEETING,
        "la_notification",
        "SELECT id, notified_on, NULL, notified_by, notified_by_role, "
        f"substr(reason, 1, {_N}), parents_told_on FROM la_notifications "
        "WHERE child_id = :child AND deleted_at IS NULL",
        "notified_on",
        None,
        "id",
        _notified,
    ),
)

#: the entities whose changes can change a timeline (a screen reloads when one is touched)
TIMELINE_ENTITIES: tuple[str, ...] = (
    "attendance",
    "session",
    "group",
    "observation",
    "child_strategy",
    "strategy",
    "home_visit",
    "support_plan",
    "plan_review",
    "teaching_target",
    "target_step",
    "referral",
    "meeting",
    "meeting_discussion",
    "la_notification",
)


# ---- words ----


def _label(enum_type: type[LabelledEnum], value: str) -> str:
    try:
        return enum_type(value).label
    except ValueError:
        return value


def _first_line(text: str | None) -> str:
    """The first non-empty line of a text, cut to one line's length."""
    for line in (text or "").splitlines():
        line = " ".join(line.split())
        if line:
            return line if len(line) <= _LINE_CHARS else line[: _LINE_CHARS - 1].rstrip() + "…"
    return ""


def _day(value: str | dt.date) -> str:
    """ "12 March 2027" from a date or a date as SQLite holds it."""
    day = value if isinstance(value, dt.date) else dt.date.fromisoformat(value)
    return f"{day.day} {day:%B %Y}"


def _joined(*parts: str) -> str:
    return " · ".join(p for p in parts if p)


__all__: Sequence[str] = (
    "PAGE_SIZE",
    "SOURCES",
    "TIMELINE_ENTITIES",
    "Source",
    "TimelineCursor",
    "TimelineEntry",
    "TimelineKind",
    "TimelinePage",
    "TimelineService",
)
