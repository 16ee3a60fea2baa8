"""The account use cases (services/accounts.py, services/first_run.py) on real vaults.

Real SQLCipher files in tmp_path, real Argon2id at the tests' cost, a real failed write of the
key-slot file: what the unlock screen, the setup wizard and Settings rely on, without Qt.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from earlyyears_desktop.domain.enums import Role
from earlyyears_desktop.services.accounts import (
    DomainError,
    UnlockedVault,
    ValidationError,
    WrongPassphrase,
    unlock,
    unlock_choices,
    unlock_with_recovery_key,
    vault_exists,
)
from earlyyears_desktop.services.first_run import needs_set_up, set_up
from earlyyears_desktop.storage.keyslots import KeySlotFile

from .conftest import FAST, PASSPHRASE, TODAY, VaultUnderTest, files_in

DEEPA = "kettle orange harbour 7"
NEW = "lantern meadow otter 42"


@pytest.fixture
def unlocked(fresh: VaultUnderTest) -> UnlockedVault:
    return UnlockedVault.of(fresh.services)


def _slot_ids(folder: Path) -> list[str]:
    return [s.id for s in KeySlotFile.load(folder / "keyslots.json").slots]


# ---- unlocking ----


def test_unlock_hands_back_services_and_accounts(fresh: VaultUnderTest) -> None:
    amira = fresh.vault.practitioner_id
    fresh.vault.lock()
    opened = unlock(fresh.folder, PASSPHRASE, practitioner_id=amira)
    try:
        assert opened.practitioner_id == amira and not opened.is_locked
        assert opened.services.practitioner_name() == "Amira Haddad"
        assert not opened.accounts.opened_with_recovery_key
    finally:
        opened.lock()
    assert opened.is_locked


def test_wrong_passphrase_is_refused_and_changes_nothing(fresh: VaultUnderTest) -> None:
    fresh.vault.lock()
    before = files_in(fresh.folder)
    for wrong in ("correct horse battery stapler", PASSPHRASE.upper()):
        with pytest.raises(WrongPassphrase):
            unlock(fresh.folder, wrong)
    assert files_in(fresh.folder) == before
    unlock(fresh.folder, PASSPHRASE).lock()


def test_unlock_choices_and_vault_exists(fresh: VaultUnderTest, tmp_path: Path) -> None:
    assert vault_exists(fresh.folder) and not needs_set_up(fresh.folder)
    assert not vault_exists(tmp_path / "nothing here") and needs_set_up(tmp_path / "nothing")
    assert [c.label for c in unlock_choices(fresh.folder)] == ["Amira Haddad"]


# ---- adding a practitioner ----


def test_add_practitioner_who_then_unlocks(fresh: VaultUnderTest, unlocked: UnlockedVault) -> None:
    deepa = unlocked.accounts.add_practitioner(
        "Deepa Nair", Role.THERAPIST.value, "", DEEPA, params=FAST
    )
    assert [c.label for c in unlock_choices(fresh.folder)] == ["Amira Haddad", "Deepa Nair"]
    assert deepa in {p.id for p in unlocked.services.practitioners.list()}
    opened = unlock(fresh.folder, DEEPA, practitioner_id=deepa)
    assert opened.services.practitioner_name() == "Deepa Nair"
    opened.lock()
    # Her passphrase is not Amira's.
    with pytest.raises(WrongPassphrase):
        unlock(fresh.folder, DEEPA, practitioner_id=fresh.vault.practitioner_id)


def test_add_practitioner_refuses_before_writing(
    fresh: VaultUnderTest, unlocked: UnlockedVault
) -> None:
    slots = _slot_ids(fresh.folder)
    with pytest.raises(ValidationError) as weak:
        unlocked.accounts.add_practitioner("Deepa Nair", "therapist", "", "short", params=FAST)
    assert weak.value.field == "passphrase"
    with pytest.raises(ValidationError) as unnamed:
        unlocked.accounts.add_practitioner("  ", "therapist", "", DEEPA, params=FAST)
    assert unnamed.value.field == "name"
    assert _slot_ids(fresh.folder) == slots


def test_add_practitioner_takes_the_slot_back_when_the_record_is_refused(
    fresh: VaultUnderTest, unlocked: UnlockedVault
) -> None:
    """The slot is written first; the record after it is refused (an unknown discipline):
    the slot goes again, so no passphrase opens the vault for nobody."""
    slots = _slot_ids(fresh.folder)
    people = unlocked.services.practitioners.list()
    with pytest.raises(ValidationError) as refused:
        unlocked.accounts.add_practitioner(
            "Deepa Nair", "therapist", "astrology", DEEPA, params=FAST
        )
    assert refused.value.field == "discipline"
    assert _slot_ids(fresh.folder) == slots
    assert unlocked.services.practitioners.list() == people
    fresh.vault.lock()
    with pytest.raises(WrongPassphrase):
        unlock(fresh.folder, DEEPA)


def test_add_practitioner_takes_the_slot_back_when_the_record_write_fails(
    fresh: VaultUnderTest, unlocked: UnlockedVault
) -> None:
    """Not a refusal but a failure at the moment of writing (moved here from the GUI tests)."""
    services = unlocked.services
    slots = _slot_ids(fresh.folder)

    class Refusing(type(services.practitioners)):  # type: ignore[misc]
        def add(self, *args: object, **kwargs: object) -> None:
            raise OSError("disk full")

    services.practitioners = Refusing(services.uow)
    with pytest.raises(OSError):
        unlocked.accounts.add_practitioner(
            "Tomasz Nowak", "therapist", "", "willow bridge copper 42", params=FAST
        )
    assert _slot_ids(fresh.folder) == slots
    assert [c.label for c in unlock_choices(fresh.folder)] == ["Amira Haddad"]


def test_add_practitioner_when_the_slot_write_fails(
    fresh: VaultUnderTest, unlocked: UnlockedVault
) -> None:
    """The key-slot file cannot be replaced (a folder stands where it goes): no record is
    made, and the slot that was never saved is not saved later by another change either."""
    keyslots = fresh.folder / "keyslots.json"
    people = unlocked.services.practitioners.list()
    saved = keyslots.read_bytes()
    keyslots.unlink()
    (keyslots / "in-the-way").mkdir(parents=True)
    with pytest.raises(OSError):
        unlocked.accounts.add_practitioner("Deepa Nair", "therapist", "", DEEPA, params=FAST)
    shutil.rmtree(keyslots)
    keyslots.write_bytes(saved)
    assert unlocked.services.practitioners.list() == people

    # The next save of the key-slot file holds the slots it held before, and one new key.
    before = set(_slot_ids(fresh.folder))
    unlocked.accounts.new_recovery_key(params=FAST)
    after = KeySlotFile.load(keyslots)
    assert [s.label for s in after.passphrase_slots()] == ["Amira Haddad"]
    assert len(after.slots) == len(before)
    assert [c.label for c in unlock_choices(fresh.folder)] == ["Amira Haddad"]


# ---- my passphrase ----


def test_change_own_passphrase(fresh: VaultUnderTest, unlocked: UnlockedVault) -> None:
    accounts = unlocked.accounts
    with pytest.raises(ValidationError) as wrong:
        accounts.change_own_passphrase("not my passphrase", NEW, NEW)
    assert wrong.value.field == "current"
    with pytest.raises(ValidationError) as weak:
        accounts.change_own_passphrase(PASSPHRASE, "short", "short")
    assert weak.value.field == "passphrase"
    with pytest.raises(ValidationError) as differ:
        accounts.change_own_passphrase(PASSPHRASE, NEW, NEW + "!")
    assert differ.value.field == "again"
    with pytest.raises(ValidationError) as same:
        accounts.change_own_passphrase(PASSPHRASE, PASSPHRASE, PASSPHRASE)
    assert same.value.field == "passphrase"
    unlock(fresh.folder, PASSPHRASE).lock()  # nothing changed yet

    accounts.change_own_passphrase(PASSPHRASE, NEW, NEW)
    with pytest.raises(WrongPassphrase):
        unlock(fresh.folder, PASSPHRASE)
    unlock(fresh.folder, NEW).lock()
    unlock(fresh.folder, fresh.recovery_key).lock()  # the recovery key still works


def test_change_own_passphrase_needs_a_passphrase_unlock(fresh: VaultUnderTest) -> None:
    fresh.vault.lock()
    recovered = unlock_with_recovery_key(fresh.folder, fresh.recovery_key).unlocked
    try:
        with pytest.raises(DomainError, match="recovery key"):
            recovered.accounts.change_own_passphrase(fresh.recovery_key, NEW, NEW)
    finally:
        recovered.lock()


# ---- the recovery key ----


def test_forgotten_passphrase_with_the_recovery_key(fresh: VaultUnderTest) -> None:
    amira = fresh.vault.practitioner_id
    assert amira
    fresh.vault.lock()
    with pytest.raises(WrongPassphrase):
        unlock_with_recovery_key(fresh.folder, "ABCDE-FGHJK-LMNPQ-RSTUV-WXYZ2-34567-89ABC-DEFGH")
    with pytest.raises(WrongPassphrase, match="not the recovery key"):
        unlock_with_recovery_key(fresh.folder, PASSPHRASE)

    typed = fresh.recovery_key.lower().replace("-", " ")
    recovery = unlock_with_recovery_key(fresh.folder, typed)
    try:
        assert [(p.practitioner_id, p.name) for p in recovery.practitioners] == [
            (amira, "Amira Haddad")
        ]
        with pytest.raises(ValidationError) as differ:
            recovery.unlocked.accounts.set_passphrase_after_recovery(amira, NEW, NEW + "!")
        assert differ.value.field == "again"
        recovery.unlocked.accounts.set_passphrase_after_recovery(amira, NEW, NEW)
    finally:
        recovery.unlocked.lock()
    with pytest.raises(WrongPassphrase):
        unlock(fresh.folder, PASSPHRASE)
    opened = unlock(fresh.folder, NEW)
    assert opened.practitioner_id == amira
    opened.lock()


def test_setting_a_passphrase_needs_the_recovery_key(
    fresh: VaultUnderTest, unlocked: UnlockedVault
) -> None:
    """A passphrase unlock cannot set a colleague's passphrase without knowing it."""
    deepa = unlocked.accounts.add_practitioner("Deepa Nair", "therapist", "", DEEPA, params=FAST)
    with pytest.raises(DomainError, match="recovery key"):
        unlocked.accounts.set_passphrase_after_recovery(deepa, NEW, NEW)
    unlock(fresh.folder, DEEPA, practitioner_id=deepa).lock()


def test_new_recovery_key_retires_the_old_one(
    fresh: VaultUnderTest, unlocked: UnlockedVault
) -> None:
    made = unlocked.accounts.new_recovery_key(params=FAST)
    assert made.team_name == "Test Early Years Team"
    assert made.key != fresh.recovery_key and len(made.key.split("-")) == 8
    with pytest.raises(WrongPassphrase):
        unlock(fresh.folder, fresh.recovery_key)
    unlock_with_recovery_key(fresh.folder, made.key).unlocked.lock()
    unlock(fresh.folder, PASSPHRASE).lock()  # passphrases are untouched


# ---- first run ----


def test_first_run_set_up(tmp_path: Path) -> None:
    from earlyyears_desktop.services.clock import Clock

    folder = tmp_path / "new-vault"
    assert needs_set_up(folder)
    with pytest.raises(ValidationError) as no_team:
        set_up(
            folder,
            team_name=" ",
            practitioner_name="Bethan Rees",
            role="senco",
            passphrase=NEW,
            params=FAST,
        )
    assert no_team.value.field == "team_name" and needs_set_up(folder)
    with pytest.raises(ValidationError) as weak:
        set_up(
            folder,
            team_name="Test team",
            practitioner_name="Bethan Rees",
            role="senco",
            passphrase="short",
            params=FAST,
        )
    assert weak.value.field == "passphrase" and needs_set_up(folder)

    made = set_up(
        folder,
        team_name="Test team",
        practitioner_name="Bethan Rees",
        role="senco",
        discipline="portage",
        passphrase=NEW,
        params=FAST,
        clock=Clock.fixed(TODAY),
    )
    try:
        assert not needs_set_up(folder) and not made.unlocked.is_locked
        assert made.unlocked.services.practitioner_name() == "Bethan Rees"
        assert made.unlocked.services.clock.today() == TODAY
        assert made.unlocked.practitioner_id
    finally:
        made.unlocked.lock()
    assert [c.label for c in unlock_choices(folder)] == ["Bethan Rees"]
    unlock(folder, NEW).lock()
    unlock_with_recovery_key(folder, made.recovery_key).unlocked.lock()
    with pytest.raises(DomainError):  # never over an existing vault
        set_up(
            folder,
            team_name="Test team",
            practitioner_name="Someone Else",
            role="senco",
            passphrase=NEW,
            params=FAST,
        )
