"""The attendance register: one mark per child per session, saved the moment it is made."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from earlyyears_desktop.domain.enums import AttendanceStatus, SessionStatus
from earlyyears_desktop.domain.errors import ValidationError
from earlyyears_desktop.domain.models import (
    Attendance,
    Carer,
    Child,
    Enrolment,
    Group,
    GroupSession,
    utcnow,
)
from earlyyears_desktop.domain.rules import optional_text
from earlyyears_desktop.services.children import display_name
from earlyyears_desktop.services.clock import Clock
from earlyyears_desktop.services.unit_of_work import (
    INCLUDE_DELETED,
    Saved,
    UnitOfWork,
    get_live,
)


@dataclass(frozen=True)
class MarkState:
    """A mark as it stands; None fields mean "no mark"."""

    status: str | None
    came_with: str = ""
    arrived_at: dt.time | None = None
    note: str = ""


NO_MARK = MarkState(None)


@dataclass(frozen=True)
class Mark:
    """A mark just saved (the value of the `Saved` that `mark` and `undo` return)."""

    attendance_id: str
    #: the state before this mark, so the register can undo it
    previous: MarkState
    version: int
    #: the mark as it stands after this change (arrival time stamped by the service)
    state: MarkState = NO_MARK


@dataclass(frozen=True)
class RegisterCard:
    child_id: str
    display_name: str
    expected_carer: str
    carers: tuple[str, ...]
    enrolment_ended: bool
    is_visitor: bool
    mark: MarkState
    attendance_id: str | None
    version: int

    @property
    def expected(self) -> bool:
        """Whether the child is expected at the session: enrolled on its day, not a visitor.
        The register's header counts and End session's list of those not marked read this
        one rule, so the two always agree."""
        return not self.is_visitor and not self.enrolment_ended


@dataclass(frozen=True)
class Register:
    session_id: str
    group_name: str
    date: dt.date
    status: str
    theme: str
    staff_present: str
    notes: str
    cards: tuple[RegisterCard, ...]
    group_id: str = ""
    cancel_reason: str = ""
    activities: str = ""

    @property
    def present(self) -> int:
        return sum(
            1 for c in self.cards if c.mark.status and AttendanceStatus(c.mark.status).attended
        )

    @property
    def carers_present(self) -> int:
        return sum(
            1
            for c in self.cards
            if c.mark.status and AttendanceStatus(c.mark.status).attended and c.mark.came_with
        )

    @property
    def expected(self) -> int:
        return sum(1 for c in self.cards if not c.is_visitor and not c.enrolment_ended)

    @property
    def unmarked(self) -> tuple[RegisterCard, ...]:
        return tuple(c for c in self.cards if c.mark.status is None and c.expected)


class AttendanceService:
    def __init__(self, uow: UnitOfWork, clock: Clock | None = None) -> None:
        self.uow = uow
        self.clock = clock or Clock()

    def today(self) -> dt.date:
        return self.clock.today()

    def register(self, session_id: str) -> Register:
        """Everyone invited to the session (and anyone marked), with their marks."""
        with self.uow.read() as db:
            session = get_live(db, GroupSession, session_id)
            group = get_live(db, Group, session.group_id)
            enrolled = db.execute(
                select(Child, Enrolment.ends_on)
                .join(Enrolment, Enrolment.child_id == Child.id)
                .where(
                    Enrolment.group_id == session.group_id,
                    Enrolment.starts_on <= session.date,
                    # Children whose enrolment ended before this term's session are hidden
                    # unless they have a mark; those who ended recently show as ended.
                    or_(
                        Enrolment.ends_on.is_(None),
                        Enrolment.ends_on >= session.date - dt.timedelta(days=28),
                    ),
                )
            ).all()
            marks = {
                a.child_id: a
                for a in db.scalars(select(Attendance).where(Attendance.session_id == session_id))
            }
            children: dict[str, tuple[Child, bool]] = {}
            for child, ends_on in enrolled:
                ended = ends_on is not None and ends_on < session.date
                if child.id in children:
                    ended = ended and children[child.id][1]
                children[child.id] = (child, ended)
            missing = [cid for cid in marks if cid not in children]
            if missing:
                for child in db.scalars(select(Child).where(Child.id.in_(missing))):
                    children[child.id] = (child, False)
            carers: dict[str, list[Carer]] = {}
            for carer in db.scalars(
                select(Carer)
                .where(Carer.child_id.in_(list(children)))
                .order_by(Carer.is_main_contact.desc(), Carer.created_at)
            ):
                carers.setdefault(carer.child_id, []).append(carer)
            cards = []
            for child, ended in children.values():
                mark = marks.get(child.id)
                names = tuple(c.name for c in carers.get(child.id, []))
                cards.append(
                    RegisterCard(
                        child_id=child.id,
                        display_name=display_name(
                            child.preferred_name, child.legal_given_names, child.legal_family_name
                        ),
                        expected_carer=names[0] if names else "",
                        carers=names,
                        enrolment_ended=ended,
                        is_visitor=bool(mark and mark.is_visitor),
                        mark=_state(mark),
                        attendance_id=mark.id if mark else None,
                        version=mark.version if mark else 0,
                    )
                )
            cards.sort(key=lambda c: (c.is_visitor, c.enrolment_ended, c.display_name.casefold()))
            return Register(
                session_id=session.id,
                group_name=group.name,
                date=session.date,
                status=session.status,
                theme=session.theme,
                staff_present=session.staff_present,
                notes=session.notes,
                cards=tuple(cards),
                group_id=session.group_id,
                cancel_reason=session.cancel_reason,
                activities=session.activities,
            )

    def mark(
        self,
        session_id: str,
        child_id: str,
        status: str | None,
        *,
        came_with: str | None = None,
        arrived_at: dt.time | None = None,
        note: str | None = None,
        visitor: bool = False,
        now: dt.datetime | None = None,
        clear_arrived_at: bool = False,
    ) -> Saved[Mark]:
        """Save one mark durably. The same mark again changes nothing and writes nothing.

        `status=None` clears the mark (used by undo). Fields left as None keep their value;
        `clear_arrived_at=True` removes the arrival time (and none is filled in for it).
        """
        if status is not None:
            try:
                status = AttendanceStatus(status).value
            except ValueError:
                raise ValidationError("status", "That is not an attendance mark.") from None
        # One reading of the clock for the whole mark: the day the rule checks and the arrival
        # time stamped can never fall either side of midnight.
        moment = self.clock.now()
        local_now = now or moment
        with self.uow.write() as tx:
            db = tx.session
            session = get_live(db, GroupSession, session_id)
            _check_markable(session, moment.date())
            get_live(db, Child, child_id)
            # A cleared mark is a tombstone: marking again brings the same record back.
            record = db.scalars(
                select(Attendance).where(
                    Attendance.session_id == session_id, Attendance.child_id == child_id
                ),
                execution_options=INCLUDE_DELETED,
            ).first()
            live = record if record is not None and record.deleted_at is None else None
            previous = _state(live)
            if status is None:
                if live is not None:
                    live.deleted_at = utcnow()
                target = live
            else:
                if record is None:
                    if not visitor and not _enrolled(db, child_id, session):
                        raise ValidationError(
                            "child",
                            "This child is not enrolled in the group: add them as a visitor.",
                        )
                    record = Attendance(
                        session_id=session_id, child_id=child_id, status=status, is_visitor=visitor
                    )
                    db.add(record)
                wanted = {
                    "status": status,
                    "came_with": optional_text(came_with) if came_with is not None else None,
                    "arrived_at": arrived_at,
                    "note": optional_text(note) if note is not None else None,
                }
                attends = AttendanceStatus(status).attended
                attended_before = live is not None and AttendanceStatus(live.status).attended
                # The arrival is stamped when a child arrives, not again on a repeated mark
                # (which must change nothing), and a child who did not come has none.
                if attends and not clear_arrived_at and arrived_at is None and not attended_before:
                    wanted["arrived_at"] = local_now.time().replace(second=0, microsecond=0)
                if not attends and arrived_at is None:
                    clear_arrived_at = True  # a time typed in on purpose is kept
                if record.deleted_at is not None:
                    record.deleted_at = None
                    record.came_with, record.note, record.arrived_at = "", "", None
                for key, value in wanted.items():
                    if value is not None and getattr(record, key) != value:
                        setattr(record, key, value)
                if clear_arrived_at and record.arrived_at is not None:
                    record.arrived_at = None
                if db.is_modified(record) or record in db.new:
                    record.recorded_by = self.uow.actor.practitioner_id
                    record.recorded_at = utcnow()
                target = record
            db.flush()
        attendance_id = target.id if target else ""
        version = target.version if target else 0
        state = _state(target if target is not None and target.deleted_at is None else None)
        return Saved(tx.changes, Mark(attendance_id, previous, version, state))

    def undo(self, session_id: str, child_id: str, previous: MarkState) -> Saved[Mark]:
        """Put a mark back as it was before the last change."""
        if previous.status is None:
            return self.mark(session_id, child_id, None)
        with self.uow.write() as tx:
            record = tx.session.scalars(
                select(Attendance).where(
                    Attendance.session_id == session_id, Attendance.child_id == child_id
                ),
                execution_options=INCLUDE_DELETED,
            ).first()
            if record is None:
                raise ValidationError("child", "There is no mark to undo.")
            _check_markable(get_live(tx.session, GroupSession, session_id), self.today())
            before = _state(record if record.deleted_at is None else None)
            record.deleted_at = None
            record.status = previous.status
            record.came_with = previous.came_with
            record.arrived_at = previous.arrived_at
            record.note = previous.note
            record.recorded_by = self.uow.actor.practitioner_id
            record.recorded_at = utcnow()
        return Saved(tx.changes, Mark(record.id, before, record.version, _state(record)))

    def set_session_details(
        self, session_id: str, *, staff_present: str | None = None, notes: str | None = None
    ) -> Saved[None]:
        with self.uow.write() as tx:
            session = get_live(tx.session, GroupSession, session_id)
            if staff_present is not None and session.staff_present != staff_present.strip():
                session.staff_present = staff_present.strip()
            if notes is not None and session.notes != notes.strip():
                session.notes = notes.strip()
        return Saved(tx.changes, None)

    def end_session(self, session_id: str) -> Saved[tuple[RegisterCard, ...]]:
        """Mark the session held; the value is the children left unmarked, for the leader to
        check."""
        register = self.register(session_id)
        with self.uow.write() as tx:
            session = get_live(tx.session, GroupSession, session_id)
            if session.status == SessionStatus.CANCELLED:
                raise ValidationError("status", "This session was cancelled.")
            if session.date > self.today():
                raise ValidationError(
                    "status", "A session on a later date cannot be marked as held."
                )
            if session.status != SessionStatus.HELD:
                session.status = SessionStatus.HELD.value
        return Saved(tx.changes, register.unmarked)


def _check_markable(session: GroupSession, today: dt.date) -> None:
    if session.status == SessionStatus.CANCELLED:
        raise ValidationError("status", "This session was cancelled: it takes no marks.")
    if session.date > today:
        raise ValidationError(
            "status", "This session is on a later date: marks can be made on the day."
        )


def _enrolled(db: Session, child_id: str, session: GroupSession) -> bool:
    return (
        db.scalars(
            select(Enrolment.id).where(
                Enrolment.child_id == child_id,
                Enrolment.group_id == session.group_id,
                Enrolment.starts_on <= session.date,
                or_(Enrolment.ends_on.is_(None), Enrolment.ends_on >= session.date),
            )
        ).first()
        is not None
    )


def _state(record: Attendance | None) -> MarkState:
    if record is None:
        return NO_MARK
    return MarkState(record.status, record.came_with, record.arrived_at, record.note)
