"""A child's timeline: attendance, observations, strategies, home visits and plan events in
one list, newest first, read a page at a time.

Each event is read by its own small query (`SOURCES`), ordered by (date, time, id) descending
with a LIMIT, from where the last page ended (keyset pagination: never OFFSET, so the
thousandth page costs what the first does); the sources' pages are merged in Python. The
order of the whole timeline is (date, time or "", event, id), newest first: entries of one
day with a time of day come before those without, and ties fall to the event's name and the
record's id, so every entry is on exactly one page however many share a day.

A later record type (meetings, referrals) is one query function and one line in `SOURCES`.
"""

from __future__ import annotations

import datetime as dt
import enum
import heapq
import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, false, func, or_, select, true
from sqlalchemy.orm import InstrumentedAttribute, Session

from earlyyears_desktop.domain.enums import (
    AreaOfNeed,
    AttendanceStatus,
    LabelledEnum,
    ObservationContext,
)
from earlyyears_desktop.domain.models import (
    Attendance,
    ChildStrategy,
    Group,
    GroupSession,
    HomeVisit,
    Observation,
    PlanReview,
    Strategy,
    SupportPlan,
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

    @property
    def label(self) -> str:
        return _KIND_LABELS[self]


_KIND_LABELS = {
    TimelineKind.ATTENDANCE: "Attendance",
    TimelineKind.OBSERVATION: "Observations",
    TimelineKind.STRATEGY: "Strategies",
    TimelineKind.HOME_VISIT: "Home visits",
    TimelineKind.PLAN: "Plans",
}


@dataclass(frozen=True, order=True)
class TimelineCursor:
    """Where a page ended: the last entry's place in the timeline's order."""

    date: dt.date
    #: the time of day as "HH:MM:SS[.ffffff]", or "" when the event has none
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

    @property
    def cursor(self) -> TimelineCursor:
        return TimelineCursor(
            self.date, self.time.isoformat() if self.time else "", self.event, self.record_id
        )


@dataclass(frozen=True)
class TimelinePage:
    entries: tuple[TimelineEntry, ...]
    #: where the next page starts, or None when this page is the last
    next_cursor: TimelineCursor | None


#: a source's query: (session, child id, where to start after or None, how many) -> entries,
#: newest first
Query = Callable[[Session, str, "TimelineCursor | None", int], list[TimelineEntry]]


@dataclass(frozen=True)
class Source:
    event: str
    kind: TimelineKind
    read: Query


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


# ---- the keyset: what comes after a cursor, for one source ----


def _after(
    event: str,
    day: InstrumentedAttribute[Any],
    time: InstrumentedAttribute[Any] | None,
    record_id: InstrumentedAttribute[str],
    cursor: TimelineCursor | None,
) -> ColumnElement[bool]:
    """The rows of one source that come after `cursor` in the timeline's order."""
    if cursor is None:
        return true()
    if event < cursor.event:
        same_slot: ColumnElement[bool] = true()
    elif event == cursor.event:
        same_slot = record_id < cursor.record_id
    else:
        same_slot = false()
    if time is None:  # this source's entries have no time of day: "" sorts below any time
        same_day: ColumnElement[bool] = true() if cursor.time else same_slot
    elif cursor.time:
        at = dt.time.fromisoformat(cursor.time)
        same_day = or_(time.is_(None), time < at, and_(time == at, same_slot))
    else:
        same_day = and_(time.is_(None), same_slot)
    return or_(day < cursor.date, and_(day == cursor.date, same_day))


def _newest_first(
    query: Select[Any],
    event: str,
    day: InstrumentedAttribute[Any],
    time: InstrumentedAttribute[Any] | None,
    record_id: InstrumentedAttribute[str],
    cursor: TimelineCursor | None,
    limit: int,
) -> Select[Any]:
    # SQLite sorts NULL below any value, so an untimed entry follows the timed ones of its day.
    order = [day.desc(), *([time.desc()] if time is not None else []), record_id.desc()]
    return query.where(_after(event, day, time, record_id, cursor)).order_by(*order).limit(limit)


# ---- the sources ----


def _attendance(
    session: Session, child_id: str, cursor: TimelineCursor | None, limit: int
) -> list[TimelineEntry]:
    query = (
        select(
            Attendance.id,
            GroupSession.date,
            GroupSession.start_time,
            Group.name,
            GroupSession.theme,
            Attendance.status,
            Attendance.came_with,
            func.substr(Attendance.note, 1, _SNIPPET_CHARS),
        )
        .join(GroupSession, GroupSession.id == Attendance.session_id)
        .join(Group, Group.id == GroupSession.group_id)
        .where(Attendance.child_id == child_id)
    )
    rows = session.execute(
        _newest_first(
            query,
            "attendance",
            GroupSession.date,
            GroupSession.start_time,
            Attendance.id,
            cursor,
            limit,
        )
    )
    return [
        TimelineEntry(
            TimelineKind.ATTENDANCE,
            "attendance",
            "attendance",
            id_,
            day,
            start,
            f"{_label(AttendanceStatus, status)}: {group}",
            _joined(theme, f"came with {came_with}" if came_with else "", _first_line(note)),
        )
        for id_, day, start, group, theme, status, came_with, note in rows
    ]


def _observations(
    session: Session, child_id: str, cursor: TimelineCursor | None, limit: int
) -> list[TimelineEntry]:
    query = select(
        Observation.id,
        Observation.observed_on,
        Observation.observed_at,
        func.substr(Observation.text, 1, _SNIPPET_CHARS),
        Observation.context,
        Observation.area_of_need,
        Observation.share_with_parents,
    ).where(Observation.child_id == child_id)
    rows = session.execute(
        _newest_first(
            query,
            "observation",
            Observation.observed_on,
            Observation.observed_at,
            Observation.id,
            cursor,
            limit,
        )
    )
    return [
        TimelineEntry(
            TimelineKind.OBSERVATION,
            "observation",
            "observation",
            id_,
            day,
            at,
            _first_line(text) or "Observation",
            _joined(
                _label(ObservationContext, context),
                _label(AreaOfNeed, area) if area else "",
                "shared with parents" if shared else "",
            ),
        )
        for id_, day, at, text, context, area, shared in rows
    ]


def _strategy_columns() -> Select[Any]:
    return select(
        ChildStrategy.id,
        ChildStrategy.assigned_on,
        ChildStrategy.stopped_on,
        func.coalesce(Strategy.title, ChildStrategy.title),
        ChildStrategy.agreed_with,
        func.substr(ChildStrategy.stop_reason, 1, _SNIPPET_CHARS),
    ).outerjoin(Strategy, Strategy.id == ChildStrategy.strategy_id)


def _strategies_agreed(
    session: Session, child_id: str, cursor: TimelineCursor | None, limit: int
) -> list[TimelineEntry]:
    query = _strategy_columns().where(ChildStrategy.child_id == child_id)
    rows = session.execute(
        _newest_first(
            query,
            "strategy_agreed",
            ChildStrategy.assigned_on,
            None,
            ChildStrategy.id,
            cursor,
            limit,
        )
    )
    return [
        TimelineEntry(
            TimelineKind.STRATEGY,
            "strategy_agreed",
            "child_strategy",
            id_,
            agreed,
            None,
            f"Strategy agreed: {title or 'a strategy'}",
            f"Agreed with {agreed_with}" if agreed_with else "",
        )
        for id_, agreed, _stopped, title, agreed_with, _reason in rows
    ]


def _strategies_stopped(
    session: Session, child_id: str, cursor: TimelineCursor | None, limit: int
) -> list[TimelineEntry]:
    query = _strategy_columns().where(
        ChildStrategy.child_id == child_id, ChildStrategy.stopped_on.is_not(None)
    )
    rows = session.execute(
        _newest_first(
            query,
            "strategy_stopped",
            ChildStrategy.stopped_on,
            None,
            ChildStrategy.id,
            cursor,
            limit,
        )
    )
    return [
        TimelineEntry(
            TimelineKind.STRATEGY,
            "strategy_stopped",
            "child_strategy",
            id_,
            stopped,
            None,
            f"Strategy stopped: {title or 'a strategy'}",
            _first_line(reason),
        )
        for id_, _agreed, stopped, title, _with, reason in rows
    ]


def _home_visits(
    session: Session, child_id: str, cursor: TimelineCursor | None, limit: int
) -> list[TimelineEntry]:
    query = select(
        HomeVisit.id,
        HomeVisit.visited_on,
        HomeVisit.carers_present,
        func.substr(HomeVisit.activities, 1, _SNIPPET_CHARS),
    ).where(HomeVisit.child_id == child_id)
    rows = session.execute(
        _newest_first(query, "home_visit", HomeVisit.visited_on, None, HomeVisit.id, cursor, limit)
    )
    return [
        TimelineEntry(
            TimelineKind.HOME_VISIT,
            "home_visit",
            "home_visit",
            id_,
            day,
            None,
            f"Home visit with {carers}" if carers else "Home visit",
            _first_line(activities),
        )
        for id_, day, carers, activities in rows
    ]


def _plans_started(
    session: Session, child_id: str, cursor: TimelineCursor | None, limit: int
) -> list[TimelineEntry]:
    query = select(
        SupportPlan.id,
        SupportPlan.started_on,
        SupportPlan.title,
        func.substr(SupportPlan.interventions, 1, _SNIPPET_CHARS),
    ).where(SupportPlan.child_id == child_id)
    rows = session.execute(
        _newest_first(
            query, "plan_started", SupportPlan.started_on, None, SupportPlan.id, cursor, limit
        )
    )
    return [
        TimelineEntry(
            TimelineKind.PLAN,
            "plan_started",
            "support_plan",
            id_,
            day,
            None,
            f"Plan started: {title}",
            _first_line(support),
        )
        for id_, day, title, support in rows
    ]


def _plans_reviewed(
    session: Session, child_id: str, cursor: TimelineCursor | None, limit: int
) -> list[TimelineEntry]:
    query = (
        select(
            PlanReview.id,
            PlanReview.reviewed_on,
            SupportPlan.title,
            func.substr(PlanReview.progress, 1, _SNIPPET_CHARS),
        )
        .join(SupportPlan, SupportPlan.id == PlanReview.plan_id)
        .where(SupportPlan.child_id == child_id)
    )
    rows = session.execute(
        _newest_first(
            query, "plan_reviewed", PlanReview.reviewed_on, None, PlanReview.id, cursor, limit
        )
    )
    return [
        TimelineEntry(
            TimelineKind.PLAN,
            "plan_reviewed",
            "plan_review",
            id_,
            day,
            None,
            f"Plan reviewed: {title}",
            _first_line(progress),
        )
        for id_, day, title, progress in rows
    ]


#: every event the timeline shows: one query each
SOURCES: tuple[Source, ...] = (
    Source("attendance", TimelineKind.ATTENDANCE, _attendance),
    Source("observation", TimelineKind.OBSERVATION, _observations),
    Source("strategy_agreed", TimelineKind.STRATEGY, _strategies_agreed),
    Source("strategy_stopped", TimelineKind.STRATEGY, _strategies_stopped),
    Source("home_visit", TimelineKind.HOME_VISIT, _home_visits),
    Source("plan_started", TimelineKind.PLAN, _plans_started),
    Source("plan_reviewed", TimelineKind.PLAN, _plans_reviewed),
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
