"""Practitioners: the people who use this device."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from earlyyears_desktop.domain.enums import Discipline, Role
from earlyyears_desktop.domain.errors import NotFound, ValidationError
from earlyyears_desktop.domain.models import Practitioner
from earlyyears_desktop.domain.rules import required_name
from earlyyears_desktop.services.unit_of_work import INCLUDE_DELETED, Saved, UnitOfWork


@dataclass(frozen=True)
class PractitionerRow:
    id: str
    name: str
    role: str
    discipline: str
    active: bool

    @property
    def role_label(self) -> str:
        return Role(self.role).label


def check_role(role: str) -> str:
    try:
        return Role(role).value
    except ValueError:
        raise ValidationError("role", "Please choose a role from the list.") from None


def check_discipline(discipline: str) -> str:
    if not discipline:
        return ""
    try:
        return Discipline(discipline).value
    except ValueError:
        raise ValidationError("discipline", "Please choose a discipline from the list.") from None


class PractitionerService:
    def __init__(self, uow: UnitOfWork) -> None:
        self.uow = uow

    def add(
        self,
        name: str,
        role: str,
        discipline: str = "",
        *,
        practitioner_id: str | None = None,
        key_slot_id: str | None = None,
    ) -> Saved[str]:
        record = Practitioner(
            name=required_name("name", name, "practitioner's name"),
            role=check_role(role),
            discipline=check_discipline(discipline),
            key_slot_id=key_slot_id,
        )
        if practitioner_id:
            record.id = practitioner_id
        with self.uow.write() as tx:
            tx.session.add(record)
        return Saved(tx.changes, record.id)

    def set_key_slot(self, practitioner_id: str, key_slot_id: str) -> Saved[None]:
        with self.uow.write() as tx:
            record = tx.session.get(
                Practitioner, practitioner_id, execution_options=INCLUDE_DELETED
            )
            if record is None:
                raise NotFound("That practitioner is not in this vault.")
            record.key_slot_id = key_slot_id
        return Saved(tx.changes, None)

    def get(self, practitioner_id: str) -> PractitionerRow:
        with self.uow.read() as session:
            # A practitioner marked deleted may still hold a key slot: they are still named.
            record = session.get(Practitioner, practitioner_id, execution_options=INCLUDE_DELETED)
            if record is None:
                raise NotFound("That practitioner is not in this vault.")
            return _row(record)

    def list(self) -> list[PractitionerRow]:
        with self.uow.read() as session:
            records = session.scalars(select(Practitioner).order_by(Practitioner.name))
            return [_row(r) for r in records]


def _row(record: Practitioner) -> PractitionerRow:
    return PractitionerRow(
        record.id, record.name, record.role, record.discipline, bool(record.active)
    )
