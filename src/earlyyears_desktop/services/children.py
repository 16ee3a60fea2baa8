"""Children and their families: details, carers, consents and the team around the child.

The carers' and team members' inputs, checks and rows are in services/family.py."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Select, exists, func, or_, select
from sqlalchemy.orm import Session

from earlyyears_desktop.domain.enums import (
    AreaOfNeed,
    ChildStatus,
    ConsentKind,
)
from earlyyears_desktop.domain.errors import ConflictError, ValidationError
from earlyyears_desktop.domain.models import (
    Carer,
    Child,
    Consent,
    Enrolment,
    SupportPlan,
    TeamMember,
)
from earlyyears_desktop.domain.rules import (
    check_date_of_birth,
    normalise_nhs_number,
    optional_text,
    required_name,
    search_key,
)
from earlyyears_desktop.services.access_log import AccessLog
from earlyyears_desktop.services.clock import Clock
from earlyyears_desktop.services.consent import (
    children_with_consent,
    given_and_not_withdrawn,
    kinds_in_force,
)
from earlyyears_desktop.services.family import (
    CarerInput,
    CarerRow,
    TeamMemberInput,
    TeamMemberRow,
    carer_row,
    carer_values,
    clear_lead,
    team_row,
    team_values,
)
from earlyyears_desktop.services.unit_of_work import (
    INCLUDE_DELETED,
    Saved,
    UnitOfWork,
    assign_changed,
    get_live,
    mark_deleted,
)


@dataclass(frozen=True)
class ChildInput:
    legal_given_names: str
    legal_family_name: str
    date_of_birth: dt.date | None
    preferred_name: str = ""
    nhs_number: str = ""
    areas_of_need: Sequence[str] = ()
    diagnoses_notes: str = ""
    key_person: str = ""
    setting_attended: str = ""
    status: str = ChildStatus.ACTIVE.value


@dataclass(frozen=True)
class ChildRow:
    """One line of the children list."""

    id: str
    display_name: str
    legal_name: str
    preferred_name: str
    date_of_birth: dt.date
    status: str
    areas_of_need: tuple[str, ...]
    review_on: dt.date | None


@dataclass(frozen=True)
class ConsentRow:
    id: str
    kind: str
    given: bool
    given_by: str
    given_on: dt.date
    withdrawn_on: dt.date | None
    note: str

    @property
    def in_force(self) -> bool:
        """This consent, on its own, is given and not withdrawn (so it can be withdrawn)."""
        return given_and_not_withdrawn(self.given, self.withdrawn_on)


@dataclass(frozen=True)
class ChildRecord:
    id: str
    version: int
    legal_given_names: str
    legal_family_name: str
    preferred_name: str
    date_of_birth: dt.date
    nhs_number: str | None
    areas_of_need: tuple[str, ...]
    diagnoses_notes: str
    key_person: str
    setting_attended: str
    status: str
    carers: tuple[CarerRow, ...] = ()
    consents: tuple[ConsentRow, ...] = ()
    team: tuple[TeamMemberRow, ...] = ()
    #: the kinds of consent in force (services/consent.py)
    consents_in_force: frozenset[str] = frozenset()

    @property
    def display_name(self) -> str:
        return display_name(self.preferred_name, self.legal_given_names, self.legal_family_name)

    @property
    def lead_professional(self) -> TeamMemberRow | None:
        return next((m for m in self.team if m.is_lead_professional), None)

    def consent_in_force(self, kind: str) -> bool:
        return kind in self.consents_in_force


@dataclass(frozen=True)
class ChildFilter:
    text: str = ""
    group_id: str | None = None
    area_of_need: str | None = None
    status: str | None = None
    review_due_by: dt.date | None = None
    sort: str = "name"  # name, date_of_birth, review
    descending: bool = False
    include_deleted: bool = field(default=False)


def display_name(preferred: str, given: str, family: str) -> str:
    first = preferred or given.split(" ")[0]
    return f"{first} {family}".strip()


class ChildrenService:
    def __init__(self, uow: UnitOfWork, clock: Clock | None = None) -> None:
        self.uow = uow
        self.clock = clock or Clock()

    def today(self) -> dt.date:
        return self.clock.today()

    # ---- children ----

    def _validated(self, data: ChildInput) -> tuple[dict[str, object], str | None]:
        given = required_name("legal_given_names", data.legal_given_names, "given name")
        family = required_name("legal_family_name", data.legal_family_name, "family name")
        preferred = optional_text(data.preferred_name)
        age = check_date_of_birth(data.date_of_birth, self.today())
        nhs = normalise_nhs_number(data.nhs_number)
        areas = _check_areas(data.areas_of_need)
        try:
            status = ChildStatus(data.status).value
        except ValueError:
            raise ValidationError("status", "Please choose a status from the list.") from None
        values: dict[str, object] = dict(
            legal_given_names=given,
            legal_family_name=family,
            preferred_name=preferred,
            search_key=search_key(f"{given} {family} {preferred}"),
            date_of_birth=data.date_of_birth,
            nhs_number=nhs,
            areas_of_need=",".join(areas),
            diagnoses_notes=optional_text(data.diagnoses_notes),
            key_person=optional_text(data.key_person),
            setting_attended=optional_text(data.setting_attended),
            status=status,
        )
        return values, age.warning

    def create_child(
        self,
        data: ChildInput,
        carers: Sequence[CarerInput] = (),
        consents: Sequence[tuple[str, str, dt.date]] = (),
    ) -> Saved[str]:
        """Create a child, with carers and consents (kind, given by, date), all or nothing."""
        values, warning = self._validated(data)
        carer_fields = [carer_values(c) for c in carers]
        consent_values = [_consent_values(k, by, on, self.today()) for k, by, on in consents]
        with self.uow.write() as tx:
            _refuse_duplicate_nhs(tx.session, values["nhs_number"], None)
            child = Child(**values)
            tx.session.add(child)
            tx.session.flush()
            for cv in carer_fields:
                tx.session.add(Carer(child_id=child.id, **cv))
            for kv in consent_values:
                tx.session.add(
                    Consent(child_id=child.id, recorded_by=self.uow.actor.practitioner_id, **kv)
                )
        return Saved(tx.changes, child.id, warning)

    def update_child(
        self, child_id: str, data: ChildInput, expected_version: int | None = None
    ) -> Saved[str]:
        values, warning = self._validated(data)
        with self.uow.write() as tx:
            child = get_live(tx.session, Child, child_id)
            if expected_version is not None and child.version != expected_version:
                raise ConflictError(
                    "Someone else changed this record while you were editing it. "
                    "Please reopen it and make your change again."
                )
            _refuse_duplicate_nhs(tx.session, values["nhs_number"], child_id)
            assign_changed(child, values)
        return Saved(tx.changes, child_id, warning)

    def open_record(self, child_id: str) -> ChildRecord:
        """The child's record, opened to read: as `get_child`, and the opening recorded in the
        audit trail (`services/access_log.py`; shown even if the vault cannot record it). Ask
        once per opening, never for a refresh of a record already open."""
        record = self.get_child(child_id)
        AccessLog(self.uow).opened("child", child_id)
        return record

    def get_child(self, child_id: str) -> ChildRecord:
        with self.uow.read() as session:
            child = get_live(session, Child, child_id)
            carers = session.scalars(
                select(Carer)
                .where(Carer.child_id == child_id)
                .order_by(Carer.is_main_contact.desc(), Carer.created_at)
            ).all()
            consents = session.scalars(
                select(Consent)
                .where(Consent.child_id == child_id)
                .order_by(Consent.given_on, Consent.created_at)
            ).all()
            team = session.scalars(
                select(TeamMember)
                .where(TeamMember.child_id == child_id)
                .order_by(TeamMember.is_lead_professional.desc(), TeamMember.name)
            ).all()
            return ChildRecord(
                id=child.id,
                version=child.version,
                legal_given_names=child.legal_given_names,
                legal_family_name=child.legal_family_name,
                preferred_name=child.preferred_name,
                date_of_birth=child.date_of_birth,
                nhs_number=child.nhs_number,
                areas_of_need=_split(child.areas_of_need),
                diagnoses_notes=child.diagnoses_notes,
                key_person=child.key_person,
                setting_attended=child.setting_attended,
                status=child.status,
                carers=tuple(carer_row(c) for c in carers),
                consents=tuple(_consent_row(c) for c in consents),
                team=tuple(team_row(m) for m in team),
                consents_in_force=kinds_in_force(consents),
            )

    def delete_child(self, child_id: str) -> Saved[None]:
        """Mark a record deleted (a tombstone that syncs); erasure is a separate feature."""
        with self.uow.write() as tx:
            mark_deleted(tx.session, Child, child_id)
        return Saved(tx.changes, None)

    # ---- the list ----

    def _filtered(self, flt: ChildFilter) -> Select[Any]:
        # Plans and enrolments keep their own tombstone test: a list that includes deleted
        # children (INCLUDE_DELETED, for the whole statement) must still skip deleted plans.
        review = (
            select(func.min(SupportPlan.review_on))
            .where(
                SupportPlan.child_id == Child.id,
                SupportPlan.status == "active",
                SupportPlan.deleted_at.is_(None),
            )
            .scalar_subquery()
        )
        query = select(Child.id)
        # Each word is in the child's names or in the name of one of the child's carers: a
        # practitioner at the door knows "Priya" before she knows whose mother Priya is.
        for word in search_key(flt.text).split():
            query = query.where(
                or_(
                    Child.search_key.contains(word, autoescape=True),
                    exists().where(
                        Carer.child_id == Child.id,
                        Carer.deleted_at.is_(None),
                        func.ey_fold(Carer.name).contains(word, autoescape=True),
                    ),
                )
            )
        if flt.status:
            query = query.where(Child.status == flt.status)
        if flt.area_of_need:
            padded = "," + Child.areas_of_need + ","
            query = query.where(padded.contains(f",{flt.area_of_need},", autoescape=True))
        if flt.group_id:
            today = self.today()
            query = query.where(
                exists().where(
                    Enrolment.child_id == Child.id,
                    Enrolment.group_id == flt.group_id,
                    Enrolment.deleted_at.is_(None),
                    Enrolment.starts_on <= today,
                    or_(Enrolment.ends_on.is_(None), Enrolment.ends_on >= today),
                )
            )
        if flt.review_due_by:
            query = query.where(review <= flt.review_due_by)
        # ey_fold (registered on every vault connection) folds case and diacritics, so that
        # Émile sorts with the Es and Łucja with the Ls, not after Z.
        orders: dict[str, list[Any]] = {
            "name": [
                func.ey_fold(
                    func.coalesce(func.nullif(Child.preferred_name, ""), Child.legal_given_names)
                ),
                func.ey_fold(Child.legal_family_name),
            ],
            "family_name": [
                func.ey_fold(Child.legal_family_name),
                func.ey_fold(Child.legal_given_names),
            ],
            "date_of_birth": [Child.date_of_birth],
            "review": [func.coalesce(review, "9999-12-31")],
            "status": [Child.status],
        }
        order = orders.get(flt.sort)
        if order is None:
            raise ValidationError("sort", "The children list cannot be sorted that way.")
        return query.order_by(*[o.desc() if flt.descending else o for o in order], Child.id)

    def search_ids(self, flt: ChildFilter = ChildFilter()) -> list[str]:
        """The ids of the children matching a filter, in order: the list model's backbone."""
        query = self._filtered(flt)
        if flt.include_deleted:
            query = query.execution_options(**INCLUDE_DELETED)
        with self.uow.read() as session:
            return list(session.scalars(query))

    def rows(self, ids: Sequence[str]) -> list[ChildRow]:
        """List rows for a page of ids, in the order given."""
        if not ids:
            return []
        with self.uow.read() as session:
            review = (
                select(SupportPlan.child_id, func.min(SupportPlan.review_on).label("review_on"))
                .where(SupportPlan.status == "active", SupportPlan.child_id.in_(ids))
                .group_by(SupportPlan.child_id)
                .subquery()
            )
            found = session.execute(
                select(Child, review.c.review_on)
                .outerjoin(review, review.c.child_id == Child.id)
                .where(Child.id.in_(ids))
            ).all()
        by_id = {child.id: (child, review_on) for child, review_on in found}
        rows = []
        for child_id in ids:
            if child_id not in by_id:
                continue
            child, review_on = by_id[child_id]
            rows.append(
                ChildRow(
                    id=child.id,
                    display_name=display_name(
                        child.preferred_name, child.legal_given_names, child.legal_family_name
                    ),
                    legal_name=f"{child.legal_given_names} {child.legal_family_name}",
                    preferred_name=child.preferred_name,
                    date_of_birth=child.date_of_birth,
                    status=child.status,
                    areas_of_need=_split(child.areas_of_need),
                    review_on=review_on,
                )
            )
        return rows

    # ---- carers ----

    def add_carer(self, child_id: str, data: CarerInput) -> Saved[str]:
        values = carer_values(data)
        with self.uow.write() as tx:
            get_live(tx.session, Child, child_id)
            carer = Carer(child_id=child_id, **values)
            tx.session.add(carer)
        return Saved(tx.changes, carer.id)

    def update_carer(self, carer_id: str, data: CarerInput) -> Saved[str]:
        values = carer_values(data)
        with self.uow.write() as tx:
            carer = get_live(tx.session, Carer, carer_id)
            assign_changed(carer, values)
        return Saved(tx.changes, carer_id)

    def remove_carer(self, carer_id: str) -> Saved[None]:
        with self.uow.write() as tx:
            mark_deleted(tx.session, Carer, carer_id)
        return Saved(tx.changes, None)

    # ---- consents ----

    def record_consent(
        self, child_id: str, kind: str, given_by: str, given_on: dt.date, note: str = ""
    ) -> Saved[str]:
        values = _consent_values(kind, given_by, given_on, self.today())
        values["note"] = optional_text(note)
        with self.uow.write() as tx:
            get_live(tx.session, Child, child_id)
            consent = Consent(
                child_id=child_id, recorded_by=self.uow.actor.practitioner_id, **values
            )
            tx.session.add(consent)
        return Saved(tx.changes, consent.id)

    def withdraw_consent(
        self, consent_id: str, withdrawn_on: dt.date, note: str = ""
    ) -> Saved[str]:
        with self.uow.write() as tx:
            consent = get_live(tx.session, Consent, consent_id)
            if consent.withdrawn_on is not None:
                raise ValidationError("withdrawn_on", "This consent has already been withdrawn.")
            if withdrawn_on < consent.given_on:
                raise ValidationError(
                    "withdrawn_on", "Consent cannot be withdrawn before the date it was given."
                )
            if withdrawn_on > self.today():
                raise ValidationError("withdrawn_on", "The withdrawal date is in the future.")
            consent.withdrawn_on = withdrawn_on
            if note:
                consent.note = (consent.note + "\n" + optional_text(note)).strip()
        return Saved(tx.changes, consent_id)

    def consent_in_force(self, child_id: str, kind: str) -> bool:
        """True when the child's latest consent of that kind is given and not withdrawn."""
        with self.uow.read() as session:
            return child_id in children_with_consent(session, kind, [child_id])

    # ---- team around the child ----

    def add_team_member(self, child_id: str, data: TeamMemberInput) -> Saved[str]:
        values = team_values(data)
        with self.uow.write() as tx:
            get_live(tx.session, Child, child_id)
            if data.is_lead_professional:
                clear_lead(tx.session, child_id)
            member = TeamMember(child_id=child_id, **values)
            tx.session.add(member)
        return Saved(tx.changes, member.id)

    def update_team_member(self, member_id: str, data: TeamMemberInput) -> Saved[str]:
        values = team_values(data)
        with self.uow.write() as tx:
            member = get_live(tx.session, TeamMember, member_id)
            if data.is_lead_professional and not member.is_lead_professional:
                clear_lead(tx.session, member.child_id)
            assign_changed(member, values)
        return Saved(tx.changes, member_id)

    def remove_team_member(self, member_id: str) -> Saved[None]:
        with self.uow.write() as tx:
            mark_deleted(tx.session, TeamMember, member_id)
        return Saved(tx.changes, None)


# ---- helpers private to this module ----


def _split(csv: str) -> tuple[str, ...]:
    return tuple(a for a in csv.split(",") if a)


def _check_areas(areas: Sequence[str]) -> list[str]:
    checked = []
    for area in areas:
        try:
            checked.append(AreaOfNeed(area).value)
        except ValueError:
            raise ValidationError(
                "areas_of_need", "Please choose areas of need from the list."
            ) from None
    return sorted(set(checked), key=checked.index)


def _consent_values(
    kind: str, given_by: str, given_on: dt.date, today: dt.date
) -> dict[str, object]:
    try:
        kind = ConsentKind(kind).value
    except ValueError:
        raise ValidationError("consent_kind", "Please choose what the consent is for.") from None
    if given_on > today:
        raise ValidationError("given_on", "The consent date is in the future.")
    return dict(
        kind=kind,
        given=True,
        given_by=required_name("given_by", given_by, "name of the person giving consent"),
        given_on=given_on,
    )


def _refuse_duplicate_nhs(session: Session, nhs: object, child_id: str | None) -> None:
    if not nhs:
        return
    query = select(Child.id).where(Child.nhs_number == nhs)
    if child_id:
        query = query.where(Child.id != child_id)
    if session.scalars(query).first():
        raise ValidationError(
            "nhs_number", "Another child in this vault already has that NHS number."
        )


def _consent_row(c: Consent) -> ConsentRow:
    return ConsentRow(c.id, c.kind, bool(c.given), c.given_by, c.given_on, c.withdrawn_on, c.note)


__all__ = [
    "CarerInput",
    "CarerRow",
    "ChildFilter",
    "ChildInput",
    "ChildRecord",
    "ChildRow",
    "ChildrenService",
    "ConsentRow",
    "Saved",
    "TeamMemberInput",
    "TeamMemberRow",
]
