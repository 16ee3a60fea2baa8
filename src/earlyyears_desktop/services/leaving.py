"""A practitioner leaves: their way in is taken away, and with "Remove and re-key" the vault
gets a new data key, so that a copy they kept and what they know open nothing written from now
on (storage/rekey.py).

Their Practitioner record stays (their past records keep their name as author): it is marked
inactive and names no key slot, so they are no longer listed to unlock, to be reset or to be
made an administrator. Both steps are audited with ids only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import select

from earlyyears_desktop.domain.errors import DomainError
from earlyyears_desktop.domain.models import Practitioner
from earlyyears_desktop.services import administrators as admins
from earlyyears_desktop.services.container import Services
from earlyyears_desktop.services.unit_of_work import get_live
from earlyyears_desktop.storage.keyslots import KdfParams
from earlyyears_desktop.storage.rekey import plan_rekey, rekey

OLD_COPIES = (
    "A copy of the vault or a backup made before today still opens with the old "
    "passphrases and the old recovery key: ask for it back or destroy it."
)
#: said beside a re-key's new recovery key
OLD_RECOVERY_KEY = "The old recovery key no longer works: destroy the old printout."
NOT_YOURSELF = "You cannot remove yourself: ask another administrator to do it."


@dataclass(frozen=True)
class RemovalPlan:
    """What removing someone will do, for the dialog that asks first."""

    practitioner_id: str
    name: str
    #: colleagues who have not unlocked since key slots became version 2: after a re-key
    #: they need a new passphrase from an administrator
    need_new_passphrase: tuple[str, ...]


@dataclass(frozen=True)
class Removal:
    """What was done."""

    name: str
    rekeyed: bool
    need_new_passphrase: tuple[str, ...]
    #: the new recovery key after a re-key (shown once: the old one no longer works), else None
    recovery_key: str | None
    #: what a copy made before still opens (one sentence to show)
    old_copies: str
    #: for the printed page of a new recovery key
    team_name: str = ""


class Leaving:
    """Removing a practitioner from this vault (administrators only)."""

    def __init__(self, services: Services) -> None:
        self._services = services
        self._vault = services.vault

    def plan(self, practitioner_id: str) -> RemovalPlan:
        self._check(practitioner_id)
        plan = plan_rekey(self._vault, practitioner_id)
        return RemovalPlan(
            practitioner_id,
            self._name(practitioner_id),
            tuple(self._name(p) for p in plan.needs_new_passphrase),
        )

    def remove(
        self,
        practitioner_id: str,
        *,
        rekey_vault: bool,
        recovery_params: KdfParams | None = None,
        progress: Callable[[str], None] | None = None,
    ) -> Removal:
        """Take their key slots away (re-keying the vault with `rekey_vault`), then mark them
        as left. The slots go first: if the second step fails they can no longer unlock, and
        removing them again finishes it."""
        self._check(practitioner_id)
        name = self._name(practitioner_id)
        need: tuple[str, ...] = ()
        recovery: str | None = None
        if rekey_vault:
            result = rekey(
                self._vault, practitioner_id, recovery_params=recovery_params, progress=progress
            )
            need = tuple(self._name(p) for p in result.needs_new_passphrase)
            recovery = result.recovery_key
        else:
            for slot in self._vault.key_slots.passphrase_slots(practitioner_id):
                self._vault.remove_passphrase_slot(slot.id)
        with self._services.uow.write() as tx:
            person = get_live(tx.session, Practitioner, practitioner_id)
            person.active = False
            person.key_slot_id = None
            ids = admins.administrator_ids(tx.session)
            if practitioner_id in ids:
                admins.save_administrators(tx.session, [i for i in ids if i != practitioner_id])
            tx.audit_only("practitioner-removed", "practitioner", practitioner_id)
            if rekey_vault:
                tx.audit_only("vault-rekeyed", "vault", self._vault.vault_id)
        old_copies = (
            OLD_COPIES
            if rekey_vault
            else (
                f"{name} can no longer unlock this laptop, but a copy of the vault made before "
                "today still opens with their passphrase: choose Remove and re-key to stop that."
            )
        )
        team = self._vault.setting("team_name")
        return Removal(name, rekey_vault, need, recovery, old_copies, team)

    def rekey_only(
        self,
        *,
        recovery_params: KdfParams | None = None,
        progress: Callable[[str], None] | None = None,
    ) -> Removal:
        """A new data key with nobody removed (after a laptop or a copy went astray)."""
        self._services.administrators.require_administrator("re-key the vault")
        result = rekey(self._vault, recovery_params=recovery_params, progress=progress)
        with self._services.uow.write() as tx:
            tx.audit_only("vault-rekeyed", "vault", self._vault.vault_id)
        need = tuple(self._name(p) for p in result.needs_new_passphrase)
        team = self._vault.setting("team_name")
        return Removal("", True, need, result.recovery_key, OLD_COPIES, team)

    def _check(self, practitioner_id: str) -> None:
        self._services.administrators.require_administrator("remove a practitioner")
        if practitioner_id == self._vault.practitioner_id:
            raise DomainError(NOT_YOURSELF)
        with self._services.uow.read() as session:
            person = session.get(Practitioner, practitioner_id)
            if person is None or not person.active:
                raise DomainError("That practitioner is not in this vault.")
            ids = admins.administrator_ids(session)
        if ids == [practitioner_id]:
            raise DomainError(admins.KEEP_ONE)

    def _name(self, practitioner_id: str) -> str:
        with self._services.uow.read() as session:
            name = session.scalar(
                select(Practitioner.name).where(Practitioner.id == practitioner_id)
            )
        return name or "A colleague"
