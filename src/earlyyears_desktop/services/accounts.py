"""Accounts: unlocking and locking, practitioners' passphrases and the recovery key.

These are the security use cases of the app. The screens call them and are handed what they
return (`UnlockedVault`: the services and these account actions), never the storage layer's
open vault; the errors they catch (`WrongPassphrase`, `ValidationError`, `DomainError`) are
named here too, so `ui/` imports no `storage/` module (an import-linter contract says so).

Everything here that derives a key (unlocking, a new passphrase, a new recovery key) takes
Argon2id's time: the app runs it on its database thread.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from earlyyears_desktop.domain.errors import DomainError, ValidationError
from earlyyears_desktop.domain.models import new_id
from earlyyears_desktop.domain.rules import required_name
from earlyyears_desktop.services.administrators import NotAnAdministrator
from earlyyears_desktop.services.clock import Clock
from earlyyears_desktop.services.container import Services
from earlyyears_desktop.services.practitioners import check_role
from earlyyears_desktop.storage.errors import VaultInUse, WrongPassphrase
from earlyyears_desktop.storage.keyslots import (
    MIN_PASSPHRASE_LENGTH,
    KdfParams,
    KeySlotFile,
    looks_like_recovery_key,
    normalise_passphrase,
    normalise_recovery_key,
)
from earlyyears_desktop.storage.passphrase_rules import (
    check_new_passphrase,
    check_passphrase_strength,
)
from earlyyears_desktop.storage.process import harden_process
from earlyyears_desktop.storage.vault import (
    OpenVault,
    UnlockChoice,
    is_vault,
    open_vault,
    practitioner_for_recovery,
    unlock_choices,
)

OPENED_WITH_RECOVERY_KEY = (
    "The records were opened with the recovery key: lock them and unlock with your own "
    "passphrase to change it."
)
NOT_THE_RECOVERY_KEY = "That is a passphrase, not the recovery key."
ONLY_AFTER_RECOVERY = (
    "A colleague's passphrase can only be set here after unlocking with the recovery key."
)


@dataclass(frozen=True)
class NewRecoveryKey:
    """A recovery key just made (shown once) and the team's name, for the printed page."""

    key: str
    team_name: str


@dataclass(frozen=True)
class PractitionerChoice:
    """Someone who can be given a new passphrase after a recovery unlock."""

    practitioner_id: str
    name: str


class Accounts:
    """What may be done to the ways into an unlocked vault: add a practitioner with their own
    passphrase, change my passphrase, set one after a recovery unlock, replace the recovery
    key. Each runs on the database thread."""

    def __init__(self, services: Services) -> None:
        self._services = services
        self._vault: OpenVault = services.vault

    @property
    def practitioner_id(self) -> str | None:
        """Who unlocked (None after a recovery unlock)."""
        return self._vault.practitioner_id

    @property
    def opened_with_recovery_key(self) -> bool:
        slot = self._vault.slot
        return slot is not None and slot.kind == "recovery"

    def add_practitioner(
        self,
        name: str,
        role: str,
        discipline: str,
        passphrase: str,
        *,
        params: KdfParams | None = None,
    ) -> str:
        """A colleague with their own passphrase slot; their new id.

        The slot first, then the record naming it in one transaction. If the record cannot be
        written the slot goes again, so there is never a person who cannot unlock, nor a slot
        that names nobody; if the slot cannot be written no record is made.
        """
        self._services.administrators.require_administrator("add a practitioner")
        check_passphrase_strength(passphrase)
        required_name("name", name, "colleague's name")
        check_role(role)
        practitioner_id = new_id()
        slot = self._vault.add_passphrase(practitioner_id, name.strip(), passphrase, params)
        try:
            self._services.practitioners.add(
                name, role, discipline, practitioner_id=practitioner_id, key_slot_id=slot.id
            )
        except BaseException:
            self._vault.remove_passphrase_slot(slot.id)
            raise
        return practitioner_id

    def change_own_passphrase(self, current: str, new: str, again: str) -> None:
        """Check the current passphrase, then rewrap the data key under the new one.

        Refusals are `ValidationError`s naming the field: "current", "passphrase", "again".
        """
        practitioner_id = self._vault.practitioner_id
        if not practitioner_id:
            raise DomainError(OPENED_WITH_RECOVERY_KEY)
        slots = KeySlotFile.load(self._vault.paths.keyslots)
        try:
            slots.unwrap(normalise_passphrase(current), slots.passphrase_slots(practitioner_id))
        except WrongPassphrase:
            raise ValidationError("current", "That is not your current passphrase.") from None
        check_passphrase_strength(new)
        if new != again:
            raise ValidationError("again", "The two new passphrases are not the same.")
        if new == current:
            raise ValidationError(
                "passphrase", "The new passphrase is the same as the current one."
            )
        self._vault.change_passphrase(practitioner_id, new)

    def recovery_choices(self) -> list[PractitionerChoice]:
        """The practitioners who can be given a new passphrase after a recovery unlock: the
        administrators (the key names nobody, so it only gives an administrator a way back in;
        an administrator then resets a colleague's passphrase in Settings)."""
        administrators = set(self._services.administrators.administrators())
        return [
            PractitionerChoice(pid, name)
            for pid, name in practitioner_for_recovery(self._vault)
            if pid in administrators
        ]

    def set_passphrase_after_recovery(self, practitioner_id: str, new: str, again: str) -> None:
        """A forgotten administrator's passphrase replaced, with the vault opened by the
        recovery key; anyone else's is reset by an administrator (`reset_passphrase`)."""
        if not self.opened_with_recovery_key:
            raise DomainError(ONLY_AFTER_RECOVERY)
        administrators = self._services.administrators
        if practitioner_id not in administrators.administrators():
            names = " or ".join(administrators.names())
            raise NotAnAdministrator(
                "The recovery key gives only an administrator a new passphrase here. "
                f"Ask {names} to reset this one in Settings."
            )
        check_new_passphrase(new, again)
        self._vault.change_passphrase(practitioner_id, new)

    def colleagues(self) -> list[PractitionerChoice]:
        """Everyone else in this vault, whose passphrase an administrator may reset."""
        me = self._vault.practitioner_id
        return [
            PractitionerChoice(pid, name)
            for pid, name in practitioner_for_recovery(self._vault)
            if pid != me
        ]

    def reset_passphrase(
        self, practitioner_id: str, recovery_key: str, new: str, again: str
    ) -> None:
        """An administrator gives a colleague who forgot theirs a new passphrase, with the
        recovery key to show the team agrees. Refusals: `NotAnAdministrator`, and
        `ValidationError`s naming "recovery_key", "passphrase" or "again"."""
        self._services.administrators.require_administrator("reset a colleague's passphrase")
        if practitioner_id == self._vault.practitioner_id:
            raise DomainError("Change your own passphrase with Change my passphrase.")
        if practitioner_id not in {pid for pid, _ in practitioner_for_recovery(self._vault)}:
            raise DomainError("That practitioner is not in this vault.")
        slots = KeySlotFile.load(self._vault.paths.keyslots)
        try:
            key = normalise_recovery_key(recovery_key)
            slots.unwrap(key, slots.recovery_slots())
        except WrongPassphrase:
            raise ValidationError(
                "recovery_key", "That recovery key is not right for these records."
            ) from None
        check_new_passphrase(new, again)
        self._vault.change_passphrase(practitioner_id, new)

    def new_recovery_key(self, *, params: KdfParams | None = None) -> NewRecoveryKey:
        """A new recovery key; the old one stops working at once. Only an administrator makes
        one: the recovery key is what resets a colleague's passphrase."""
        self._services.administrators.require_administrator("make a new recovery key")
        return NewRecoveryKey(
            self._vault.new_recovery_key(params), self._vault.setting("team_name")
        )


@dataclass(frozen=True)
class UnlockedVault:
    """What the app holds while the records are open: the services and the account actions."""

    services: Services
    accounts: Accounts

    @classmethod
    def of(cls, services: Services) -> UnlockedVault:
        return cls(services, Accounts(services))

    @property
    def practitioner_id(self) -> str | None:
        return self.accounts.practitioner_id

    @property
    def is_locked(self) -> bool:
        return self.services.vault.is_locked

    def lock(self) -> None:
        """Fold the journal back, forget the data key, close every connection."""
        self.services.vault.lock()


@dataclass(frozen=True)
class RecoveryUnlock:
    """The vault opened with the recovery key, and whose passphrase can be set."""

    unlocked: UnlockedVault
    practitioners: list[PractitionerChoice]


def vault_exists(folder: Path) -> bool:
    """Whether `folder` holds a vault (else the app offers first-run set-up)."""
    return is_vault(Path(folder))


def unlock(
    folder: Path,
    secret: str,
    *,
    practitioner_id: str | None = None,
    clock: Clock | None = None,
) -> UnlockedVault:
    """Open the vault with a practitioner's passphrase (or the recovery key), migrating its
    schema if needed. Raises `WrongPassphrase` for a wrong secret.

    The app holds the vault's app lock from before any key is derived until it is locked:
    while another Early Years window has it open, `VaultInUse` says by whom (the computer's
    user and name) and since when, and nothing is derived or written."""
    vault = open_vault(Path(folder), secret, practitioner_id=practitioner_id, exclusive=True)
    try:
        services = Services(vault, clock=clock)
        services.after_unlock()
        return UnlockedVault.of(services)
    except BaseException:
        vault.lock()
        raise


def unlock_with_recovery_key(
    folder: Path, recovery_key: str, *, clock: Clock | None = None
) -> RecoveryUnlock:
    """Open the vault with the recovery key only (a passphrase is refused as a wrong key)."""
    unlocked = unlock(folder, recovery_key, clock=clock)
    try:
        if not unlocked.accounts.opened_with_recovery_key:
            raise WrongPassphrase(NOT_THE_RECOVERY_KEY)
        return RecoveryUnlock(unlocked, unlocked.accounts.recovery_choices())
    except BaseException:
        unlocked.lock()
        raise


__all__ = [
    "MIN_PASSPHRASE_LENGTH",
    "Accounts",
    "DomainError",
    "NewRecoveryKey",
    "NotAnAdministrator",
    "PractitionerChoice",
    "RecoveryUnlock",
    "UnlockChoice",
    "UnlockedVault",
    "ValidationError",
    "VaultInUse",
    "WrongPassphrase",
    "check_new_passphrase",
    "check_passphrase_strength",
    "harden_process",
    "looks_like_recovery_key",
    "unlock",
    "unlock_choices",
    "unlock_with_recovery_key",
    "vault_exists",
]
