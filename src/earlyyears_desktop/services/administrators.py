"""Administrators: the practitioners who look after this vault's people and keys.

Being an administrator is about this vault (its key slots, the people who unlock it), so it is
kept here and not synchronised: a `VaultSetting` ("administrators", a JSON list of practitioner
ids), changed only through `make_administrator` and `stop_being_administrator`, each audited
(ids only). A vault made before administrators existed has no such setting: its first
practitioner (the oldest) is its administrator, so nobody is locked out of an old vault.

`require_administrator(what)` is the one rule every administrator's power calls: adding or
removing a practitioner, resetting a colleague's passphrase with the recovery key, and (when
they are built) erasing a child, changing retention and restoring a backup.
"""

from __future__ import annotations

import json

from sqlalchemy import select
from sqlalchemy.orm import Session

from earlyyears_desktop.domain.errors import DomainError
from earlyyears_desktop.domain.models import Practitioner, VaultSetting
from earlyyears_desktop.services.unit_of_work import Saved, Transaction, UnitOfWork, get_live

SETTING = "administrators"
KEEP_ONE = "A vault always keeps one administrator."


class NotAnAdministrator(DomainError):
    """A power only an administrator has, asked for by someone who is not one."""


def administrator_ids(session: Session) -> list[str]:
    """The live practitioners who are administrators, in the order they became one.

    With no setting (a vault made before administrators), or none of those named still here,
    the first practitioner made is the administrator: a vault always keeps one."""
    people = session.execute(
        select(Practitioner.id, Practitioner.created_at, Practitioner.key_slot_id)
    ).all()
    # Someone who unlocks this vault; a colleague known only from the roster cannot look
    # after it (unless nobody here has a slot of their own recorded: a very old vault).
    live = {p.id: p.created_at for p in people if p.key_slot_id} or {
        p.id: p.created_at for p in people
    }
    row = session.get(VaultSetting, SETTING)
    named = [pid for pid in _parse(row.value if row else "") if pid in live]
    if named:
        return named
    if not live:
        return []
    return [min(live, key=lambda pid: (live[pid], pid))]


def _parse(value: str) -> list[str]:
    try:
        ids = json.loads(value) if value else []
    except ValueError:
        return []
    if not isinstance(ids, list):
        return []
    return [i for i in ids if isinstance(i, str)]


def save_administrators(session: Session, ids: list[str]) -> None:
    """The administrators' list written (the caller audits the change)."""
    value = json.dumps(ids)
    row = session.get(VaultSetting, SETTING)
    if row is None:
        session.add(VaultSetting(key=SETTING, value=value))
    else:
        row.value = value


class AdministratorService:
    def __init__(self, uow: UnitOfWork) -> None:
        self.uow = uow

    def administrators(self) -> list[str]:
        """The ids of this vault's administrators (at least one while it has practitioners)."""
        with self.uow.read() as session:
            return administrator_ids(session)

    def names(self) -> list[str]:
        """The administrators' names, for a message that says whom to ask."""
        with self.uow.read() as session:
            ids = administrator_ids(session)
            rows = session.execute(
                select(Practitioner.id, Practitioner.name).where(Practitioner.id.in_(ids))
            )
            names = {row.id: row.name for row in rows}
        return [names[i] for i in ids if i in names]

    def is_administrator(self, practitioner_id: str | None) -> bool:
        return bool(practitioner_id) and practitioner_id in self.administrators()

    def require_administrator(self, what: str) -> None:
        """Refuse unless whoever unlocked is an administrator; `what` completes "Only an
        administrator can …" ("add a practitioner")."""
        if self.is_administrator(self.uow.actor.practitioner_id):
            return
        names = self.names()
        ask = f" Ask {_listed(names)}." if names else ""
        raise NotAnAdministrator(f"Only an administrator can {what}.{ask}")

    def make_administrator(self, practitioner_id: str) -> Saved[None]:
        """Another practitioner becomes an administrator (asked by an administrator)."""
        self.require_administrator("make someone an administrator")
        with self.uow.write() as tx:
            person = get_live(tx.session, Practitioner, practitioner_id)
            if not person.key_slot_id:
                raise DomainError(
                    "Only someone with a passphrase on this laptop can be an administrator."
                )
            ids = administrator_ids(tx.session)
            if practitioner_id in ids:
                return Saved(tx.changes, None)
            save_administrators(tx.session, [*ids, practitioner_id])
            _audit(tx, "administrator-made", practitioner_id)
        return Saved(tx.changes, None)

    def stop_being_administrator(self, practitioner_id: str) -> Saved[None]:
        """An administrator (oneself or another) stops being one; never the last one."""
        self.require_administrator("change who is an administrator")
        with self.uow.write() as tx:
            ids = administrator_ids(tx.session)
            if practitioner_id not in ids:
                return Saved(tx.changes, None)
            if len(ids) == 1:
                raise DomainError(KEEP_ONE)
            save_administrators(tx.session, [i for i in ids if i != practitioner_id])
            _audit(tx, "administrator-stopped", practitioner_id)
        return Saved(tx.changes, None)

    def start_with(self, practitioner_id: str) -> None:
        """A new vault's first practitioner is its administrator (set-up only, audited)."""
        with self.uow.write() as tx:
            if _parse(_value(tx.session)):
                raise DomainError("This vault already has an administrator.")
            save_administrators(tx.session, [practitioner_id])
            _audit(tx, "administrator-made", practitioner_id)


def _audit(tx: Transaction, action: str, practitioner_id: str) -> None:
    """The change audited (ids only), and the practitioner named as changed, so the screens
    that show who is an administrator refresh."""
    tx.audit_only(action, "practitioner", practitioner_id)
    tx.session.info["touched"].setdefault("practitioner", set()).add(practitioner_id)


def _value(session: Session) -> str:
    row = session.get(VaultSetting, SETTING)
    return row.value if row else ""


def _listed(names: list[str]) -> str:
    if len(names) == 1:
        return names[0]
    return ", ".join(names[:-1]) + " or " + names[-1]
