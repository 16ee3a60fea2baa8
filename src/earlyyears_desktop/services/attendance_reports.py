"""Attendance summaries, the follow-up list and the CSV export. No Qt.

A session counts once it is held, or once its date has passed and it was not cancelled
(a leader who forgot to press "End session" should not hide absences). A child is counted
for a session only while enrolled (or if marked as a visitor). An absence is apologies, did
not attend, or no mark at all on a session that counts.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import or_, select

from earlyyears_desktop.domain.enums import AttendanceStatus, ChildStatus, SessionStatus
from earlyyears_desktop.domain.models import (
    Attendance,
    Carer,
    Child,
    Enrolment,
    Group,
    GroupSession,
)
from earlyyears_desktop.services.access_log import AccessLog
from earlyyears_desktop.services.children import display_name
from earlyyears_desktop.services.unit_of_work import UnitOfWork, get_live

#: the register's one-letter codes, as on a paper register
CODES = {
    AttendanceStatus.PRESENT.value: "P",
    AttendanceStatus.LATE.value: "L",
    AttendanceStatus.LEFT_EARLY.value: "E",
    AttendanceStatus.APOLOGIES.value: "A",
    AttendanceStatus.DID_NOT_ATTEND.value: "D",
}
DEFAULT_MISSED_IN_A_ROW = 2
DEFAULT_THRESHOLD = 0.6


def school_term(day: dt.date) -> tuple[dt.date, dt.date]:
    """The English school term a date falls in (autumn, spring, summer), as a default range."""
    if day.month >= 9:
        return dt.date(day.year, 9, 1), dt.date(day.year, 12, 31)
    if day.month >= 4:
        return dt.date(day.year, 4, 1), dt.date(day.year, 8, 31)
    return dt.date(day.year, 1, 1), dt.date(day.year, 3, 31)


@dataclass(frozen=True)
class SessionSummary:
    session_id: str
    date: dt.date
    theme: str
    status: str
    counts: bool
    present: int
    late: int
    left_early: int
    apologies: int
    did_not_attend: int
    unmarked: int
    expected: int
    carers: int

    @property
    def attended(self) -> int:
        return self.present + self.late + self.left_early


@dataclass(frozen=True)
class ChildSummary:
    child_id: str
    name: str
    marks: tuple[str | None, ...]  # per session in the term (None: not enrolled or no mark)
    sessions: int
    attended: int
    apologies: int
    did_not_attend: int
    unmarked: int
    missed_in_a_row: int
    last_attended: dt.date | None
    enrolment_ended: bool
    visitor: bool

    @property
    def rate(self) -> float | None:
        return self.attended / self.sessions if self.sessions else None


@dataclass(frozen=True)
class GroupTermSummary:
    group_id: str
    group_name: str
    start: dt.date
    end: dt.date
    sessions: tuple[SessionSummary, ...]
    children: tuple[ChildSummary, ...]

    @property
    def rate(self) -> float | None:
        total = sum(c.sessions for c in self.children if not c.visitor)
        came = sum(c.attended for c in self.children if not c.visitor)
        return came / total if total else None


@dataclass(frozen=True)
class FollowUp:
    child_id: str
    name: str
    group_id: str
    group_name: str
    carer: str
    phone: str
    missed_in_a_row: int
    attended: int
    sessions: int
    last_attended: dt.date | None
    reasons: tuple[str, ...]

    @property
    def rate(self) -> float | None:
        return self.attended / self.sessions if self.sessions else None


class AttendanceReports:
    """Reports over the vault (read only; a saved spreadsheet is recorded in the audit
    trail); `today` is the attendance service's clock (there
    is no default: a report that read the wall clock could disagree with the register)."""

    def __init__(self, uow: UnitOfWork, today: Callable[[], dt.date]) -> None:
        self.uow = uow
        self.today = today

    def save_group_term(self, summary: GroupTermSummary, path: Path) -> None:
        """Save the term's register as CSV at `path`, recorded in the audit trail first (one
        "export-spreadsheet" event per child in it; `NotRecorded`: nothing is saved)."""
        AccessLog(self.uow).exported_to_spreadsheet(c.child_id for c in summary.children)
        write_csv(path, group_term_csv(summary))

    def save_follow_up(self, rows: Iterable[FollowUp], path: Path) -> None:
        """Save the follow-up list as CSV at `path`, recorded first as `save_group_term`."""
        rows = list(rows)
        AccessLog(self.uow).exported_to_spreadsheet(r.child_id for r in rows)
        write_csv(path, follow_up_csv(rows))

    def group_term(self, group_id: str, start: dt.date, end: dt.date) -> GroupTermSummary:
        """Every session of the group in the range and every child's attendance at them."""
        today = self.today()
        with self.uow.read() as db:
            group = get_live(db, Group, group_id)
            sessions = list(
                db.scalars(
                    select(GroupSession)
                    .where(
                        GroupSession.group_id == group_id,
                        GroupSession.date >= start,
                        GroupSession.date <= end,
                    )
                    .order_by(GroupSession.date, GroupSession.id)
                )
            )
            enrolments = db.execute(
                select(Enrolment.child_id, Enrolment.starts_on, Enrolment.ends_on)
                .join(Child, Child.id == Enrolment.child_id)
                .where(
                    Enrolment.group_id == group_id,
                    Enrolment.starts_on <= end,
                    or_(Enrolment.ends_on.is_(None), Enrolment.ends_on >= start),
                )
            ).all()
            marks = db.execute(
                select(
                    Attendance.session_id,
                    Attendance.child_id,
                    Attendance.status,
                    Attendance.came_with,
                    Attendance.is_visitor,
                ).where(Attendance.session_id.in_([s.id for s in sessions]))
            ).all()
            child_ids = {e.child_id for e in enrolments} | {m.child_id for m in marks}
            names = {
                c.id: display_name(c.preferred_name, c.legal_given_names, c.legal_family_name)
                for c in db.scalars(select(Child).where(Child.id.in_(list(child_ids))))
            }
            group_name = group.name
        return _summarise(
            group_id, group_name, start, end, today, sessions, enrolments, marks, names
        )

    def session(self, session_id: str) -> SessionSummary:
        with self.uow.read() as db:
            session = get_live(db, GroupSession, session_id)
            group_id, date = session.group_id, session.date
        summary = self.group_term(group_id, date, date)
        return next(s for s in summary.sessions if s.session_id == session_id)

    def child(self, child_id: str, start: dt.date, end: dt.date) -> list[tuple[str, ChildSummary]]:
        """A child's attendance in each of their groups over a range: (group name, summary)."""
        with self.uow.read() as db:
            get_live(db, Child, child_id)
            group_ids = set(
                db.scalars(select(Enrolment.group_id).where(Enrolment.child_id == child_id))
            ) | set(
                db.scalars(
                    select(GroupSession.group_id)
                    .join(Attendance, Attendance.session_id == GroupSession.id)
                    .where(Attendance.child_id == child_id)
                )
            )
        found = []
        for group_id in sorted(group_ids):
            summary = self.group_term(group_id, start, end)
            for row in summary.children:
                if row.child_id == child_id:
                    found.append((summary.group_name, row))
        return sorted(found, key=lambda pair: pair[0].casefold())

    def follow_up(
        self,
        start: dt.date,
        end: dt.date,
        *,
        group_id: str | None = None,
        missed_in_a_row: int = DEFAULT_MISSED_IN_A_ROW,
        threshold: float = DEFAULT_THRESHOLD,
        minimum_sessions: int = 3,
    ) -> list[FollowUp]:
        """Children still enrolled who missed the last `missed_in_a_row` sessions or more, or
        whose attendance over the range is under `threshold` (once they have had
        `minimum_sessions` sessions). Most missed first."""
        with self.uow.read() as db:
            query = select(Group.id).order_by(Group.name)
            if group_id:
                query = query.where(Group.id == group_id)
            group_ids = list(db.scalars(query))
            # A closed or transferred child's family is not chased for attendance.
            active = set(
                db.scalars(select(Child.id).where(Child.status == ChildStatus.ACTIVE.value))
            )
        rows: list[FollowUp] = []
        flagged: list[tuple[GroupTermSummary, ChildSummary, tuple[str, ...]]] = []
        for gid in group_ids:
            summary = self.group_term(gid, start, end)
            for child in summary.children:
                if child.visitor or child.enrolment_ended or child.child_id not in active:
                    continue
                why: list[str] = []
                if child.missed_in_a_row >= missed_in_a_row:
                    why.append(f"Missed the last {child.missed_in_a_row} sessions")
                rate = child.rate
                if rate is not None and child.sessions >= minimum_sessions and rate < threshold:
                    why.append(f"Attended {child.attended} of {child.sessions} sessions")
                if why:
                    flagged.append((summary, child, tuple(why)))
        contacts = self._main_carers({child.child_id for _, child, _ in flagged})
        for summary, child, reasons in flagged:
            carer, phone = contacts.get(child.child_id, ("", ""))
            rows.append(
                FollowUp(
                    child.child_id,
                    child.name,
                    summary.group_id,
                    summary.group_name,
                    carer,
                    phone,
                    child.missed_in_a_row,
                    child.attended,
                    child.sessions,
                    child.last_attended,
                    reasons,
                )
            )
        rows.sort(key=lambda r: (-r.missed_in_a_row, r.rate or 0.0, r.name.casefold()))
        return rows

    def _main_carers(self, child_ids: set[str]) -> dict[str, tuple[str, str]]:
        if not child_ids:
            return {}
        found: dict[str, tuple[str, str]] = {}
        with self.uow.read() as db:
            for carer in db.scalars(
                select(Carer)
                .where(Carer.child_id.in_(list(child_ids)))
                .order_by(Carer.is_main_contact.desc(), Carer.created_at)
            ):
                found.setdefault(carer.child_id, (carer.name, carer.phone))
        return found


def _summarise(
    group_id: str,
    group_name: str,
    start: dt.date,
    end: dt.date,
    today: dt.date,
    sessions: list[GroupSession],
    enrolments: Iterable[tuple[str, dt.date, dt.date | None]],
    marks: Iterable[tuple[str, str, str, str, bool]],
    names: dict[str, str],
) -> GroupTermSummary:
    spans: dict[str, list[tuple[dt.date, dt.date | None]]] = {}
    for child_id, starts_on, ends_on in enrolments:
        spans.setdefault(child_id, []).append((starts_on, ends_on))
    by_pair: dict[tuple[str, str], tuple[str, str]] = {}
    visitors: set[str] = set()
    for session_id, child_id, status, came_with, is_visitor in marks:
        by_pair[(session_id, child_id)] = (status, came_with)
        if is_visitor and child_id not in spans:
            visitors.add(child_id)

    def enrolled(child_id: str, day: dt.date) -> bool:
        return any(s <= day and (e is None or e >= day) for s, e in spans.get(child_id, []))

    counted = [
        s.status == SessionStatus.HELD or (s.status != SessionStatus.CANCELLED and s.date < today)
        for s in sessions
    ]
    session_rows = []
    for session, counts in zip(sessions, counted, strict=True):
        tally = dict.fromkeys(CODES, 0)
        unmarked = expected = carers = 0
        for child_id in names:
            mark = by_pair.get((session.id, child_id))
            if enrolled(child_id, session.date):
                expected += 1
                if mark is None:
                    unmarked += 1
            if mark is not None:
                tally[mark[0]] += 1
                carers += bool(mark[1]) and AttendanceStatus(mark[0]).attended
        session_rows.append(
            SessionSummary(
                session.id,
                session.date,
                session.theme,
                session.status,
                counts,
                tally[AttendanceStatus.PRESENT.value],
                tally[AttendanceStatus.LATE.value],
                tally[AttendanceStatus.LEFT_EARLY.value],
                tally[AttendanceStatus.APOLOGIES.value],
                tally[AttendanceStatus.DID_NOT_ATTEND.value],
                unmarked if counts else 0,
                expected,
                carers,
            )
        )
    child_rows = []
    for child_id, name in names.items():
        per_session: list[str | None] = []
        attended = apologies = dna = unmarked = total = run = 0
        last: dt.date | None = None
        for session, counts in zip(sessions, counted, strict=True):
            mark = by_pair.get((session.id, child_id))
            mark_status: str | None = mark[0] if mark else None
            per_session.append(mark_status)
            if not counts or not (mark or enrolled(child_id, session.date)):
                continue
            total += 1
            if mark_status and AttendanceStatus(mark_status).attended:
                attended += 1
                run = 0
                last = session.date
                continue
            run += 1
            if mark_status == AttendanceStatus.APOLOGIES:
                apologies += 1
            elif mark_status == AttendanceStatus.DID_NOT_ATTEND:
                dna += 1
            else:
                unmarked += 1
        current = [e for s, e in spans.get(child_id, []) if s <= min(today, end)]
        ended = bool(current) and all(e is not None and e < min(today, end) for e in current)
        child_rows.append(
            ChildSummary(
                child_id,
                name,
                tuple(per_session),
                total,
                attended,
                apologies,
                dna,
                unmarked,
                run,
                last,
                ended,
                child_id in visitors,
            )
        )
    child_rows.sort(key=lambda c: (c.visitor, c.name.casefold(), c.child_id))
    return GroupTermSummary(
        group_id, group_name, start, end, tuple(session_rows), tuple(child_rows)
    )


# ---- CSV ----


def _cell(value: object) -> str:
    """A spreadsheet cell that is never read as a formula (names can start with '=' or '-')."""
    text = "" if value is None else str(value)
    if text and text[0] in "=+-@\t\r":
        return "'" + text
    return text


def _percent(rate: float | None) -> str:
    return "" if rate is None else f"{round(rate * 100)}%"


def group_term_csv(summary: GroupTermSummary) -> str:
    """The term's register as a grid: one row per child, one column per session."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    dates = [s.date.isoformat() for s in summary.sessions]
    writer.writerow(
        [
            "Child",
            *dates,
            "Attended",
            "Apologies",
            "Did not attend",
            "Not marked",
            "Sessions",
            "Attendance",
        ]
    )
    for child in summary.children:
        name = child.name + (" (visitor)" if child.visitor else "")
        cells = [
            "cancelled" if s.status == SessionStatus.CANCELLED else CODES.get(m or "", "")
            for s, m in zip(summary.sessions, child.marks, strict=True)
        ]
        writer.writerow(
            [
                _cell(name),
                *cells,
                child.attended,
                child.apologies,
                child.did_not_attend,
                child.unmarked,
                child.sessions,
                _percent(child.rate),
            ]
        )
    writer.writerow([])
    writer.writerow(["Attended", *[s.attended for s in summary.sessions]])
    writer.writerow(["Expected", *[s.expected for s in summary.sessions]])
    writer.writerow(["Key: P present, L late, E left early, A apologies, D did not attend"])
    return out.getvalue()


def follow_up_csv(rows: Iterable[FollowUp]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(
        [
            "Child",
            "Group",
            "Carer",
            "Phone",
            "Missed in a row",
            "Attended",
            "Sessions",
            "Last attended",
            "Why",
        ]
    )
    for r in rows:
        writer.writerow(
            [
                _cell(r.name),
                _cell(r.group_name),
                _cell(r.carer),
                _cell(r.phone),
                r.missed_in_a_row,
                r.attended,
                r.sessions,
                r.last_attended.isoformat() if r.last_attended else "",
                _cell("; ".join(r.reasons)),
            ]
        )
    return out.getvalue()


def write_csv(path: Path, text: str) -> None:
    """Write a CSV the user chose to export: UTF-8 with a BOM, so a spreadsheet reads Zoë."""
    path.write_text(text, encoding="utf-8-sig", newline="")
