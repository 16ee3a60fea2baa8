"""A Portage worker's caseload: the families they visit, how often, and who is due or overdue.

A child is on at most one open caseload entry at a time. The next visit of a family is the
date agreed at its last visit, else the last visit plus the rhythm's days, else the first
visit date given when the family joined the caseload (`opened_on`). A visit made before the
family (re)joined the caseload does not plan the next one: a family closed in June and added
again in November is due on the date given in November, not overdue since June.

The caseload is read in one SQL statement (`CASELOAD_SQL`), naming `deleted_at IS NULL` for
each table itself (raw SQL is not seen by the unit of work's tombstone hook).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, text

from earlyyears_desktop.domain.enums import VisitRhythm, VisitStatus
from earlyyears_desktop.domain.errors import ValidationError
from earlyyears_desktop.domain.models import CaseloadEntry, Child, HomeVisit, Practitioner
from earlyyears_desktop.domain.rules import optional_text
from earlyyears_desktop.services.children import display_name
from earlyyears_desktop.services.clock import Clock
from earlyyears_desktop.services.unit_of_work import (
    INCLUDE_DELETED,
    Saved,
    UnitOfWork,
    assign_changed,
    get_live,
)

#: the open caseload entries (of one worker, or of all with :worker NULL), each with its
#: child's names, the main carer, the worker's name, the child's latest visit (finished or
#: in progress) and the visit in progress if there is one
CASELOAD_SQL = (
    "SELECT e.id, e.child_id, e.practitioner_id, e.rhythm, e.opened_on, "
    "c.preferred_name, c.legal_given_names, c.legal_family_name, "
    "(SELECT k.name FROM carers k WHERE k.child_id = e.child_id AND k.deleted_at IS NULL "
    " ORDER BY k.is_main_contact DESC, k.created_at, k.id LIMIT 1), "
    "p.name, v.visited_on, v.next_visit_on, "
    "(SELECT w.id FROM home_visits w WHERE w.child_id = e.child_id AND w.deleted_at IS NULL "
    " AND w.status = 'in_progress' ORDER BY w.visited_on DESC, w.created_at DESC LIMIT 1) "
    "FROM caseload_entries e "
    "JOIN children c ON c.id = e.child_id AND c.deleted_at IS NULL "
    "LEFT JOIN practitioners p ON p.id = e.practitioner_id "
    "LEFT JOIN home_visits v ON v.id = ("
    " SELECT x.id FROM home_visits x WHERE x.child_id = e.child_id AND x.deleted_at IS NULL "
    " ORDER BY x.visited_on DESC, x.created_at DESC, x.id DESC LIMIT 1) "
    "WHERE e.deleted_at IS NULL AND e.closed_on IS NULL "
    "AND (:worker IS NULL OR e.practitioner_id = :worker)"
)


def week_of(day: dt.date) -> tuple[dt.date, dt.date]:
    """Monday and Sunday of `day`'s week."""
    monday = day - dt.timedelta(days=day.weekday())
    return monday, monday + dt.timedelta(days=6)


def next_visit(
    rhythm: VisitRhythm,
    opened_on: dt.date,
    last_visit_on: dt.date | None,
    agreed_next: dt.date | None,
) -> dt.date:
    """When the family is next due: agreed at the last visit, else the last visit plus the
    rhythm, else the first visit date (also when the last visit is from before the family
    joined the caseload)."""
    if last_visit_on is None or last_visit_on < opened_on:
        return opened_on
    if agreed_next is not None:
        return agreed_next
    return last_visit_on + dt.timedelta(days=rhythm.days)


@dataclass(frozen=True)
class CaseloadRow:
    """One family on a caseload, as the Home visits page shows it."""

    entry_id: str
    child_id: str
    child_name: str
    #: the main carer (the first carer when none is marked main); "" when none is recorded
    carer_name: str
    practitioner_id: str | None
    practitioner_name: str
    rhythm: VisitRhythm
    opened_on: dt.date
    last_visit_on: dt.date | None
    next_visit_on: dt.date
    #: the next visit falls from today to this Sunday
    due_this_week: bool
    #: the next visit was before today and no visit has been made since
    overdue: bool
    days_overdue: int
    #: the child's visit still being written, if any
    visit_in_progress: str | None

    @property
    def status(self) -> str:
        """The row's state in words (never colour alone)."""
        if self.overdue:
            return "Overdue"
        if self.due_this_week:
            return "Due this week"
        return ""


@dataclass(frozen=True)
class VisitRow:
    """One visit of a family, for the list under the caseload."""

    id: str
    visited_on: dt.date
    status: VisitStatus
    practitioner_name: str


def _date(value: Any) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def caseload_row(raw: Any, today: dt.date) -> CaseloadRow:
    """A row of `CASELOAD_SQL` in the page's terms."""
    (
        entry_id,
        child_id,
        practitioner_id,
        rhythm_value,
        opened,
        preferred,
        given,
        family,
        carer,
        worker,
        last,
        agreed,
        in_progress,
    ) = raw
    rhythm = VisitRhythm(rhythm_value)
    opened_on = _date(opened)
    assert opened_on is not None
    last_visit_on = _date(last)
    due = next_visit(rhythm, opened_on, last_visit_on, _date(agreed))
    overdue = due < today
    _, sunday = week_of(today)
    return CaseloadRow(
        entry_id=entry_id,
        child_id=child_id,
        child_name=display_name(preferred, given, family),
        carer_name=carer or "",
        practitioner_id=practitioner_id,
        practitioner_name=worker or "",
        rhythm=rhythm,
        opened_on=opened_on,
        last_visit_on=last_visit_on,
        next_visit_on=due,
        due_this_week=not overdue and due <= sunday,
        overdue=overdue,
        days_overdue=(today - due).days if overdue else 0,
        visit_in_progress=in_progress,
    )


def check_rhythm(rhythm: str) -> str:
    try:
        return VisitRhythm(rhythm).value
    except ValueError:
        raise ValidationError("rhythm", "Please choose how often the family is visited.") from None


class CaseloadService:
    def __init__(self, uow: UnitOfWork, clock: Clock | None = None) -> None:
        self.uow = uow
        self.clock = clock or Clock()

    def today(self) -> dt.date:
        return self.clock.today()

    # ---- writes ----

    def add(
        self,
        child_id: str,
        *,
        rhythm: str,
        opened_on: dt.date,
        practitioner_id: str | None = None,
    ) -> Saved[str]:
        """Put a family on a worker's caseload (the signed-in worker's unless another is
        named), visited at `rhythm`, the first visit due on `opened_on`."""
        worker = practitioner_id or self.uow.actor.practitioner_id
        entry = CaseloadEntry(
            child_id=child_id,
            practitioner_id=worker,
            rhythm=check_rhythm(rhythm),
            opened_on=opened_on,
        )
        with self.uow.write() as tx:
            child = get_live(tx.session, Child, child_id)
            _check_worker(tx.session, worker)
            if opened_on < child.date_of_birth:
                raise ValidationError(
                    "opened_on", "The first visit date is before the child was born."
                )
            holder = tx.session.execute(
                select(Practitioner.name)
                .select_from(CaseloadEntry)
                .outerjoin(Practitioner, Practitioner.id == CaseloadEntry.practitioner_id)
                .where(CaseloadEntry.child_id == child_id, CaseloadEntry.closed_on.is_(None))
                .limit(1)
            ).first()
            if holder is not None:
                whose = f"{holder[0]}'s caseload" if holder[0] else "a caseload"
                raise ValidationError(
                    "child",
                    f"This child is already on {whose}. Close that entry first, or change "
                    "its worker.",
                )
            tx.session.add(entry)
        return Saved(tx.changes, entry.id)

    def change(
        self, entry_id: str, *, rhythm: str | None = None, practitioner_id: str | None = None
    ) -> Saved[None]:
        """A new rhythm, or the family handed to another worker (what is None is kept)."""
        with self.uow.write() as tx:
            entry = get_live(tx.session, CaseloadEntry, entry_id)
            if entry.closed_on is not None:
                raise ValidationError("form", "This family's caseload entry is closed.")
            values: dict[str, object] = {}
            if rhythm is not None:
                values["rhythm"] = check_rhythm(rhythm)
            if practitioner_id is not None:
                _check_worker(tx.session, practitioner_id)
                values["practitioner_id"] = practitioner_id
            assign_changed(entry, values)
        return Saved(tx.changes, None)

    def close(self, entry_id: str, *, closed_on: dt.date, reason: str) -> Saved[None]:
        """Take the family off the caseload from `closed_on`, saying why."""
        why = optional_text(reason)
        if not why:
            raise ValidationError("close_reason", "Please say why the family leaves the caseload.")
        if closed_on > self.today():
            raise ValidationError("closed_on", "The closing date is in the future.")
        with self.uow.write() as tx:
            entry = get_live(tx.session, CaseloadEntry, entry_id)
            if entry.closed_on is not None:
                raise ValidationError("form", "This family's caseload entry is already closed.")
            if closed_on < entry.opened_on <= self.today():
                raise ValidationError(
                    "closed_on", "The closing date is before the family joined the caseload."
                )
            entry.closed_on = closed_on
            entry.close_reason = why
        return Saved(tx.changes, None)

    # ---- reads ----

    def caseload(
        self, practitioner_id: str | None, today: dt.date | None = None
    ) -> list[CaseloadRow]:
        """The open caseload of one worker (or of every worker with None): overdue first,
        then by the next visit, then by name."""
        day = today or self.today()
        with self.uow.read() as session:
            raw = session.execute(text(CASELOAD_SQL), {"worker": practitioner_id}).all()
        rows = [caseload_row(r, day) for r in raw]
        rows.sort(key=lambda r: (not r.overdue, r.next_visit_on, r.child_name.casefold()))
        return rows

    def overdue(
        self, today: dt.date | None = None, *, practitioner_id: str | None = None
    ) -> list[CaseloadRow]:
        """The families whose next visit was before today, longest overdue first (every
        worker's, or one worker's)."""
        return [r for r in self.caseload(practitioner_id, today) if r.overdue]

    def visits(self, child_id: str) -> list[VisitRow]:
        """The child's home visits, newest first, with who made each."""
        with self.uow.read() as session:
            found = session.execute(
                select(HomeVisit.id, HomeVisit.visited_on, HomeVisit.status, Practitioner.name)
                .outerjoin(
                    Practitioner,
                    Practitioner.id == HomeVisit.practitioner_id,
                )
                .where(HomeVisit.child_id == child_id)
                .order_by(HomeVisit.visited_on.desc(), HomeVisit.created_at.desc())
                .execution_options(**INCLUDE_DELETED)
                .where(HomeVisit.deleted_at.is_(None))
            ).all()
        return [
            VisitRow(visit_id, day, VisitStatus(status), name or "")
            for visit_id, day, status, name in found
        ]


def _check_worker(session: Any, practitioner_id: str) -> None:
    worker = session.get(Practitioner, practitioner_id)
    if worker is None or worker.deleted_at is not None:
        raise ValidationError("practitioner", "Please choose a worker from the list.")


__all__ = [
    "CASELOAD_SQL",
    "CaseloadRow",
    "CaseloadService",
    "VisitRow",
    "caseload_row",
    "next_visit",
    "week_of",
]
