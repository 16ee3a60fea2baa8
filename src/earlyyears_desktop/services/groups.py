"""Groups, venues, enrolments and the sessions of a term."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from earlyyears_desktop.domain.enums import AttendanceStatus, Discipline, SessionStatus
from earlyyears_desktop.domain.errors import ValidationError
from earlyyears_desktop.domain.models import (
    Attendance,
    Child,
    Enrolment,
    Group,
    GroupSession,
    GroupStaff,
    Venue,
    utcnow,
)
from earlyyears_desktop.domain.rules import (
    check_capacity,
    check_times_in_order,
    check_weekday,
    optional_text,
    required_name,
    search_key,
)
from earlyyears_desktop.services.children import display_name
from earlyyears_desktop.services.clock import Clock
from earlyyears_desktop.services.unit_of_work import (
    Saved,
    UnitOfWork,
    assign_changed,
    get_live,
    mark_deleted,
)


@dataclass(frozen=True)
class GroupInput:
    name: str
    venue_id: str | None = None
    weekday: int | None = None
    start_time: dt.time | None = None
    end_time: dt.time | None = None
    capacity: int | None = None
    focus: str = ""


@dataclass(frozen=True)
class StaffInput:
    name: str
    discipline: str = ""
    visiting: bool = False


@dataclass(frozen=True)
class GroupRow:
    id: str
    name: str
    venue_name: str
    weekday: int | None
    start_time: dt.time | None
    end_time: dt.time | None
    capacity: int | None
    focus: str
    enrolled: int


@dataclass(frozen=True)
class SessionRow:
    id: str
    group_id: str
    group_name: str
    date: dt.date
    start_time: dt.time | None
    end_time: dt.time | None
    theme: str
    status: str
    cancel_reason: str
    present: tuple[str, ...]


@dataclass(frozen=True)
class VenueRow:
    id: str
    name: str
    address: str
    access_notes: str


@dataclass(frozen=True)
class StaffRow:
    id: str
    group_id: str
    name: str
    discipline: str
    practitioner_id: str | None
    visiting: bool


@dataclass(frozen=True)
class EnrolmentRow:
    id: str
    child_id: str
    child_name: str
    starts_on: dt.date
    ends_on: dt.date | None


class GroupService:
    def __init__(self, uow: UnitOfWork, clock: Clock | None = None) -> None:
        self.uow = uow
        self.clock = clock or Clock()

    def today(self) -> dt.date:
        return self.clock.today()

    # ---- venues and groups ----

    def add_venue(self, name: str, address: str = "", access_notes: str = "") -> Saved[str]:
        venue = Venue(
            name=required_name("venue_name", name, "venue's name"),
            address=optional_text(address),
            access_notes=optional_text(access_notes),
        )
        with self.uow.write() as tx:
            tx.session.add(venue)
        return Saved(tx.changes, venue.id)

    def add_group(self, data: GroupInput) -> Saved[str]:
        group = Group(**_group_values(data))
        with self.uow.write() as tx:
            tx.session.add(group)
        return Saved(tx.changes, group.id)

    def save_group(
        self,
        group_id: str | None,
        data: GroupInput,
        *,
        new_venue: str = "",
        add_staff: Sequence[StaffInput] = (),
        remove_staff: Sequence[str] = (),
    ) -> Saved[str]:
        """Add or change a group with its new venue and staff in one unit of work: all of
        it is saved, or (on any refusal) none of it."""
        values = _group_values(data)
        staff = [
            dict(
                name=required_name("staff_name", s.name, "staff member's name"),
                discipline=_discipline(s.discipline),
                visiting=s.visiting,
            )
            for s in add_staff
        ]
        venue = (
            Venue(name=required_name("venue_name", new_venue, "venue's name"))
            if new_venue.strip()
            else None
        )
        with self.uow.write() as tx:
            if venue is not None:
                tx.session.add(venue)
                tx.session.flush()
                values["venue_id"] = venue.id
            elif values["venue_id"]:
                get_live(tx.session, Venue, str(values["venue_id"]))
            if group_id is None:
                group = Group(**values)
                tx.session.add(group)
                tx.session.flush()
            else:
                group = get_live(tx.session, Group, group_id)
                assign_changed(group, values)
            for staff_id in remove_staff:
                member = get_live(tx.session, GroupStaff, staff_id)
                if member.group_id != group.id:
                    raise ValidationError("staff", "That staff member is not in this group.")
                member.deleted_at = utcnow()
            for fields in staff:
                tx.session.add(GroupStaff(group_id=group.id, **fields))
        return Saved(tx.changes, group.id)

    def update_venue(
        self, venue_id: str, name: str, address: str = "", access_notes: str = ""
    ) -> Saved[None]:
        with self.uow.write() as tx:
            venue = get_live(tx.session, Venue, venue_id)
            assign_changed(
                venue,
                {
                    "name": required_name("venue_name", name, "venue's name"),
                    "address": optional_text(address),
                    "access_notes": optional_text(access_notes),
                },
            )
        return Saved(tx.changes, None)

    def venues(self) -> list[VenueRow]:
        with self.uow.read() as session:
            return [
                VenueRow(v.id, v.name, v.address, v.access_notes)
                for v in session.scalars(select(Venue).order_by(Venue.name))
            ]

    def update_group(self, group_id: str, data: GroupInput) -> Saved[None]:
        values = _group_values(data)
        with self.uow.write() as tx:
            group = get_live(tx.session, Group, group_id)
            if data.venue_id:
                get_live(tx.session, Venue, data.venue_id)
            assign_changed(group, values)
        return Saved(tx.changes, None)

    def add_staff(
        self,
        group_id: str,
        name: str,
        discipline: str = "",
        practitioner_id: str | None = None,
        visiting: bool = False,
    ) -> Saved[str]:
        staff = GroupStaff(
            group_id=group_id,
            name=required_name("staff_name", name, "staff member's name"),
            discipline=_discipline(discipline),
            practitioner_id=practitioner_id,
            visiting=visiting,
        )
        with self.uow.write() as tx:
            get_live(tx.session, Group, group_id)
            tx.session.add(staff)
        return Saved(tx.changes, staff.id)

    def update_staff(
        self, staff_id: str, name: str, discipline: str = "", visiting: bool = False
    ) -> Saved[None]:
        with self.uow.write() as tx:
            staff = get_live(tx.session, GroupStaff, staff_id)
            assign_changed(
                staff,
                {
                    "name": required_name("staff_name", name, "staff member's name"),
                    "discipline": _discipline(discipline),
                    "visiting": visiting,
                },
            )
        return Saved(tx.changes, None)

    def remove_staff(self, staff_id: str) -> Saved[None]:
        with self.uow.write() as tx:
            mark_deleted(tx.session, GroupStaff, staff_id)
        return Saved(tx.changes, None)

    def staff(self, group_id: str) -> list[StaffRow]:
        """The group's staff: practitioners first, then visiting professionals, by name."""
        with self.uow.read() as session:
            return [
                StaffRow(s.id, s.group_id, s.name, s.discipline, s.practitioner_id, s.visiting)
                for s in session.scalars(
                    select(GroupStaff)
                    .where(GroupStaff.group_id == group_id)
                    .order_by(GroupStaff.visiting, GroupStaff.name)
                )
            ]

    def groups(self) -> list[GroupRow]:
        today = self.today()
        with self.uow.read() as session:
            enrolled = (
                select(Enrolment.group_id, func.count().label("n"))
                .where(Enrolment.starts_on <= today)
                .where(or_(Enrolment.ends_on.is_(None), Enrolment.ends_on >= today))
                .group_by(Enrolment.group_id)
                .subquery()
            )
            rows = session.execute(
                select(Group, Venue.name, enrolled.c.n)
                .outerjoin(Venue, Venue.id == Group.venue_id)
                .outerjoin(enrolled, enrolled.c.group_id == Group.id)
                .order_by(Group.name)
            ).all()
            return [
                GroupRow(
                    g.id,
                    g.name,
                    venue or "",
                    g.weekday,
                    g.start_time,
                    g.end_time,
                    g.capacity,
                    g.focus,
                    n or 0,
                )
                for g, venue, n in rows
            ]

    # ---- enrolments ----

    def enrol(
        self, child_id: str, group_id: str, starts_on: dt.date, ends_on: dt.date | None = None
    ) -> Saved[str]:
        if ends_on is not None and ends_on < starts_on:
            raise ValidationError("ends_on", "The enrolment ends before it starts.")
        with self.uow.write() as tx:
            get_live(tx.session, Child, child_id)
            get_live(tx.session, Group, group_id)
            current = tx.session.scalars(
                select(Enrolment).where(
                    Enrolment.child_id == child_id,
                    Enrolment.group_id == group_id,
                    or_(Enrolment.ends_on.is_(None), Enrolment.ends_on >= starts_on),
                )
            ).first()
            if current is not None:
                raise ValidationError("group", "This child is already enrolled in that group.")
            enrolment = Enrolment(
                child_id=child_id, group_id=group_id, starts_on=starts_on, ends_on=ends_on
            )
            tx.session.add(enrolment)
        return Saved(tx.changes, enrolment.id)

    def enrolments(self, group_id: str, *, on: dt.date | None = None) -> list[EnrolmentRow]:
        """The group's enrolments (those current on a date, if given), by child's name."""
        with self.uow.read() as session:
            query = (
                select(
                    Enrolment,
                    Child.preferred_name,
                    Child.legal_given_names,
                    Child.legal_family_name,
                )
                .join(Child, Child.id == Enrolment.child_id)
                .where(Enrolment.group_id == group_id)
            )
            if on is not None:
                query = query.where(Enrolment.starts_on <= on).where(
                    or_(Enrolment.ends_on.is_(None), Enrolment.ends_on >= on)
                )
            rows = [
                EnrolmentRow(e.id, e.child_id, display_name(p, g, f), e.starts_on, e.ends_on)
                for e, p, g, f in session.execute(query)
            ]
        return sorted(rows, key=lambda r: (search_key(r.child_name), r.starts_on))

    def update_enrolment(
        self, enrolment_id: str, starts_on: dt.date, ends_on: dt.date | None
    ) -> Saved[None]:
        if ends_on is not None and ends_on < starts_on:
            raise ValidationError("ends_on", "The enrolment ends before it starts.")
        with self.uow.write() as tx:
            enrolment = get_live(tx.session, Enrolment, enrolment_id)
            assign_changed(enrolment, {"starts_on": starts_on, "ends_on": ends_on})
        return Saved(tx.changes, None)

    def end_enrolment(self, enrolment_id: str, ends_on: dt.date) -> Saved[None]:
        with self.uow.write() as tx:
            enrolment = get_live(tx.session, Enrolment, enrolment_id)
            if ends_on < enrolment.starts_on:
                raise ValidationError("ends_on", "The enrolment ends before it starts.")
            enrolment.ends_on = ends_on
        return Saved(tx.changes, None)

    # ---- sessions ----

    def schedule_term(
        self,
        group_id: str,
        first_day: dt.date,
        last_day: dt.date,
        *,
        skip: Iterable[dt.date] = (),
        themes: Sequence[str] = (),
    ) -> Saved[tuple[str, ...]]:
        """Weekly sessions on the group's weekday between two dates, skipping given dates
        and days that already have one; the value is the new sessions' ids."""
        if last_day < first_day:
            raise ValidationError("last_day", "The term ends before it starts.")
        skipped = set(skip)
        with self.uow.write() as tx:
            group = get_live(tx.session, Group, group_id)
            if group.weekday is None:
                raise ValidationError("weekday", "Set the group's day of the week first.")
            existing = set(
                tx.session.scalars(
                    select(GroupSession.date).where(GroupSession.group_id == group_id)
                )
            )
            day = first_day + dt.timedelta(days=(group.weekday - first_day.weekday()) % 7)
            ids: list[str] = []
            while day <= last_day:
                if day not in skipped and day not in existing:
                    theme = themes[len(ids) % len(themes)] if themes else ""
                    session = GroupSession(
                        group_id=group_id,
                        date=day,
                        start_time=group.start_time,
                        end_time=group.end_time,
                        theme=theme,
                    )
                    tx.session.add(session)
                    tx.session.flush()
                    ids.append(session.id)
                day += dt.timedelta(days=7)
        return Saved(tx.changes, tuple(ids))

    def add_session(
        self, group_id: str, date: dt.date, theme: str = "", activities: str = ""
    ) -> Saved[str]:
        with self.uow.write() as tx:
            group = get_live(tx.session, Group, group_id)
            _refuse_second_session_on(tx.session, group_id, date)
            session = GroupSession(
                group_id=group_id,
                date=date,
                start_time=group.start_time,
                end_time=group.end_time,
                theme=optional_text(theme),
                activities=optional_text(activities),
            )
            tx.session.add(session)
        return Saved(tx.changes, session.id)

    def update_session(
        self,
        session_id: str,
        *,
        date: dt.date | None = None,
        theme: str | None = None,
        activities: str | None = None,
    ) -> Saved[None]:
        """Change a session's date, theme or planned activities (None keeps the value)."""
        with self.uow.write() as tx:
            session = get_live(tx.session, GroupSession, session_id)
            if date is not None and date != session.date:
                if session.status == SessionStatus.HELD:
                    raise ValidationError("date", "This session has been held: its date is fixed.")
                if _has_marks(tx.session, session_id):
                    raise ValidationError(
                        "date", "This session has attendance marks: its date cannot change."
                    )
                _refuse_second_session_on(tx.session, session.group_id, date)
                session.date = date
            if theme is not None:
                assign_changed(session, {"theme": optional_text(theme)})
            if activities is not None:
                assign_changed(session, {"activities": optional_text(activities)})
        return Saved(tx.changes, None)

    def cancel_session(self, session_id: str, reason: str) -> Saved[None]:
        with self.uow.write() as tx:
            session = get_live(tx.session, GroupSession, session_id)
            if session.status == SessionStatus.HELD:
                raise ValidationError("status", "This session has already been held.")
            if _has_marks(tx.session, session_id):
                raise ValidationError(
                    "status", "This session has attendance marks: it cannot be cancelled."
                )
            session.status = SessionStatus.CANCELLED.value
            session.cancel_reason = required_name("cancel_reason", reason, "reason")
        return Saved(tx.changes, None)

    def next_sessions(self, after: dt.date) -> list[SessionRow]:
        """The sessions on the first day after `after` that has one not cancelled (none if no
        session is planned later): what the Today page offers on a holiday or a weekend."""
        with self.uow.read() as session:
            day = session.scalar(
                select(func.min(GroupSession.date)).where(
                    GroupSession.status != SessionStatus.CANCELLED.value,
                    GroupSession.date > after,
                )
            )
        return self.sessions(on=day) if day is not None else []

    def sessions(
        self, *, group_id: str | None = None, on: dt.date | None = None
    ) -> list[SessionRow]:
        """Sessions, oldest first, with the preferred names of those present or late
        (sorted by name, so the output is stable)."""
        with self.uow.read() as session:
            query = (
                select(GroupSession, Group.name)
                .join(Group, Group.id == GroupSession.group_id)
                .order_by(GroupSession.date, Group.name, GroupSession.id)
            )
            if group_id:
                query = query.where(GroupSession.group_id == group_id)
            if on:
                query = query.where(GroupSession.date == on)
            found = session.execute(query).all()
            # "Present" in the session list means present or late (the CLI's contract).
            present: dict[str, list[tuple[str, str]]] = {}
            attended = [AttendanceStatus.PRESENT.value, AttendanceStatus.LATE.value]
            marks = session.execute(
                select(
                    Attendance.session_id,
                    Child.id,
                    Child.preferred_name,
                    Child.legal_given_names,
                )
                .join(Child, Child.id == Attendance.child_id)
                .where(Attendance.status.in_(attended))
                .where(Attendance.session_id.in_([s.id for s, _ in found]))
            ).all()
            for session_id, child_id, preferred, given in marks:
                name = preferred or given.split(" ")[0]
                present.setdefault(session_id, []).append((name, child_id))
            names = {
                sid: tuple(n for n, _ in sorted(rows, key=lambda r: (search_key(r[0]), r)))
                for sid, rows in present.items()
            }
            return [
                SessionRow(
                    s.id,
                    s.group_id,
                    name,
                    s.date,
                    s.start_time,
                    s.end_time,
                    s.theme,
                    s.status,
                    s.cancel_reason,
                    names.get(s.id, ()),
                )
                for s, name in found
            ]


def _group_values(data: GroupInput) -> dict[str, object]:
    check_weekday(data.weekday)
    check_times_in_order(data.start_time, data.end_time, "The group")
    check_capacity(data.capacity)
    return dict(
        name=required_name("group_name", data.name, "group's name"),
        venue_id=data.venue_id,
        weekday=data.weekday,
        start_time=data.start_time,
        end_time=data.end_time,
        capacity=data.capacity,
        focus=optional_text(data.focus),
    )


def _discipline(value: str) -> str:
    if not value:
        return ""
    try:
        return Discipline(value).value
    except ValueError:
        raise ValidationError("discipline", "Please choose a discipline from the list.") from None


def _refuse_second_session_on(session: Session, group_id: str, date: dt.date) -> None:
    taken = session.scalars(
        select(GroupSession.id).where(
            GroupSession.group_id == group_id,
            GroupSession.date == date,
            GroupSession.status != SessionStatus.CANCELLED.value,
        )
    ).first()
    if taken is not None:
        raise ValidationError("date", "This group already has a session on that date.")


def _has_marks(session: Session, session_id: str) -> bool:
    return (
        session.scalars(
            select(Attendance.id).where(Attendance.session_id == session_id).limit(1)
        ).first()
        is not None
    )
