"""The vault: key slots, locking, refusals. Real SQLCipher files, real Argon2id."""

from __future__ import annotations

import hashlib
import json
import os
import stat
from pathlib import Path

import pytest
from sqlalchemy import text

from earlyyears_desktop.domain.enums import Role
from earlyyears_desktop.services.container import Services, set_up_vault
from earlyyears_desktop.storage.errors import (
    NotAVault,
    VaultExists,
    VaultLocked,
    VaultTooNew,
    WrongPassphrase,
)
from earlyyears_desktop.storage.keyslots import KdfParams
from earlyyears_desktop.storage.vault import open_vault

from .conftest import FAST, PASSPHRASE, TODAY, VaultUnderTest, files_in

SECOND_PASSPHRASE = "Deepa's own passphrase, 2026"


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _add_second_practitioner(fresh: VaultUnderTest) -> str:
    deepa = fresh.services.practitioners.add(
        "Deepa Nair", Role.THERAPIST.value, "speech_and_language_therapy"
    ).id
    slot = fresh.vault.add_passphrase(deepa, "Deepa Nair", SECOND_PASSPHRASE, params=FAST)
    fresh.services.practitioners.set_key_slot(deepa, slot.id)
    return deepa


def test_new_vault_opens_with_its_passphrase(fresh: VaultUnderTest) -> None:
    first = fresh.vault.practitioner_id
    assert first and fresh.services.practitioner_name() == "Amira Haddad"
    services = fresh.reopen()
    assert services.vault.practitioner_id == first
    assert services.vault.device_id and services.vault.device_id == fresh.vault.device_id
    assert services.info().team_name == "Test Early Years Team"


def test_each_key_slot_opens_the_vault(fresh: VaultUnderTest) -> None:
    amira = fresh.vault.practitioner_id
    deepa = _add_second_practitioner(fresh)

    as_deepa = fresh.reopen(SECOND_PASSPHRASE)
    assert as_deepa.vault.practitioner_id == deepa
    assert as_deepa.practitioner_name() == "Deepa Nair"

    as_amira = fresh.reopen(PASSPHRASE)
    assert as_amira.vault.practitioner_id == amira

    # The recovery key as someone might type it from paper: lower case, spaces not hyphens.
    typed = fresh.recovery_key.lower().replace("-", " ")
    recovered = fresh.reopen(typed)
    assert recovered.vault.slot is not None and recovered.vault.slot.kind == "recovery"
    assert recovered.vault.practitioner_id is None
    assert len(recovered.practitioners.list()) == 2


def test_a_practitioner_can_choose_their_own_slot(fresh: VaultUnderTest) -> None:
    amira = fresh.vault.practitioner_id
    deepa = _add_second_practitioner(fresh)
    fresh.vault.lock()
    with pytest.raises(WrongPassphrase):
        open_vault(fresh.folder, PASSPHRASE, practitioner_id=deepa)
    vault = open_vault(fresh.folder, PASSPHRASE, practitioner_id=amira)
    assert vault.practitioner_id == amira
    vault.lock()


def test_wrong_passphrase_is_refused_and_changes_nothing(fresh: VaultUnderTest) -> None:
    fresh.vault.lock()
    before = files_in(fresh.folder)
    for wrong in ("correct horse battery stapler", "", PASSPHRASE.upper(), "A" * 40):
        with pytest.raises(WrongPassphrase):
            open_vault(fresh.folder, wrong)
    assert files_in(fresh.folder) == before
    # and the right one still works
    open_vault(fresh.folder, PASSPHRASE).lock()


def test_passphrase_change_rewraps_without_reencrypting(fresh: VaultUnderTest) -> None:
    amira = fresh.vault.practitioner_id
    assert amira
    database = fresh.vault.paths.database
    fresh.reopen()
    db_before, wal_before = _digest(database), _digest(database.with_name("vault.db-wal"))
    mtime_before = database.stat().st_mtime_ns
    slots_before = fresh.vault.paths.keyslots.read_bytes()

    new = "a brand new passphrase for Amira"
    fresh.vault.change_passphrase(amira, new)

    assert fresh.vault.paths.keyslots.read_bytes() != slots_before
    assert _digest(database) == db_before
    assert _digest(database.with_name("vault.db-wal")) == wal_before
    assert database.stat().st_mtime_ns == mtime_before

    fresh.vault.lock()
    with pytest.raises(WrongPassphrase):
        open_vault(fresh.folder, PASSPHRASE)
    vault = open_vault(fresh.folder, new)
    assert vault.practitioner_id == amira
    vault.lock()
    # The recovery slot was not disturbed.
    open_vault(fresh.folder, fresh.recovery_key).lock()


def test_recovery_key_lets_a_new_passphrase_be_set(fresh: VaultUnderTest) -> None:
    amira = fresh.vault.practitioner_id
    assert amira
    fresh.vault.lock()
    recovered = open_vault(fresh.folder, fresh.recovery_key)
    forgotten_fixed = "remembered at last, 2026!"
    recovered.change_passphrase(amira, forgotten_fixed)
    recovered.lock()
    with pytest.raises(WrongPassphrase):
        open_vault(fresh.folder, PASSPHRASE)
    vault = open_vault(fresh.folder, forgotten_fixed)
    assert vault.practitioner_id == amira
    vault.lock()


def test_replacing_the_recovery_key_retires_the_old_one(fresh: VaultUnderTest) -> None:
    old = fresh.recovery_key
    new = fresh.vault.new_recovery_key(params=FAST)
    assert new != old
    fresh.vault.lock()
    with pytest.raises(WrongPassphrase):
        open_vault(fresh.folder, old)
    open_vault(fresh.folder, new).lock()


def test_a_folder_that_is_not_a_vault(tmp_path: Path) -> None:
    with pytest.raises(NotAVault):
        open_vault(tmp_path / "nowhere", PASSPHRASE)
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(NotAVault):
        open_vault(empty, PASSPHRASE)
    other = tmp_path / "other"
    other.mkdir()
    (other / "keyslots.json").write_text(json.dumps({"format": "something-else"}))
    with pytest.raises(NotAVault):
        open_vault(other, PASSPHRASE)


@pytest.mark.parametrize(
    "damage",
    [
        lambda raw: raw[: len(raw) // 2],
        lambda raw: b"",
        lambda raw: b"\x00\xff" * 100,
        lambda raw: raw.replace(b'"slots"', b'"slotz"'),
    ],
    ids=["truncated", "empty", "binary", "missing-slots"],
)
def test_damaged_key_slot_file_is_refused(fresh: VaultUnderTest, damage) -> None:  # type: ignore[no-untyped-def]
    fresh.vault.lock()
    path = fresh.vault.paths.keyslots
    path.write_bytes(damage(path.read_bytes()))
    with pytest.raises(NotAVault, match=r"damaged|not a vault"):
        open_vault(fresh.folder, PASSPHRASE)


def test_altered_wrapped_key_does_not_open(fresh: VaultUnderTest) -> None:
    fresh.vault.lock()
    path = fresh.vault.paths.keyslots
    doc = json.loads(path.read_bytes())
    # Swap two slots' ciphertexts: the associated data binds each to its own slot id.
    doc["slots"][0]["private"], doc["slots"][1]["private"] = (
        doc["slots"][1]["private"],
        doc["slots"][0]["private"],
    )
    path.write_text(json.dumps(doc))
    with pytest.raises(WrongPassphrase):
        open_vault(fresh.folder, PASSPHRASE)


def test_lost_database_file_is_reported(fresh: VaultUnderTest) -> None:
    fresh.vault.lock()
    fresh.vault.paths.database.unlink()
    with pytest.raises(NotAVault, match="lost its database"):
        open_vault(fresh.folder, PASSPHRASE)


def test_a_vault_made_by_a_newer_version_is_refused(fresh: VaultUnderTest) -> None:
    with fresh.vault.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999_from_the_future'"))
    fresh.vault.lock()
    before = files_in(fresh.folder)
    with pytest.raises(VaultTooNew, match="newer version"):
        open_vault(fresh.folder, PASSPHRASE)
    assert not (fresh.folder / "backups").exists()
    assert files_in(fresh.folder).keys() == before.keys()


def test_creating_over_an_existing_vault_is_refused(fresh: VaultUnderTest) -> None:
    with pytest.raises(VaultExists):
        set_up_vault(
            fresh.folder,
            team_name="Another",
            practitioner_name="Someone Else",
            role=Role.GROUP_LEADER.value,
            passphrase="another long passphrase",
            params=FAST,
        )
    open_vault(fresh.folder, PASSPHRASE).lock()


def test_lock_disposes_the_engine_and_forgets_the_key(fresh: VaultUnderTest) -> None:
    vault = fresh.vault
    fresh.services.children.search_ids()
    wal = vault.paths.database.with_name("vault.db-wal")
    assert wal.exists()
    vault.lock()
    assert vault.is_locked
    with pytest.raises(VaultLocked):
        _ = vault.engine
    with pytest.raises(VaultLocked):
        vault.backup_database(fresh.folder / "copy.db")
    with pytest.raises(VaultLocked):
        Services(vault)
    # Every connection closed: the last close checkpoints and removes the WAL.
    assert not wal.exists()
    vault.lock()  # locking twice is harmless


def test_vault_folder_and_files_are_private(fresh: VaultUnderTest) -> None:
    assert stat.S_IMODE(fresh.folder.stat().st_mode) == 0o700
    for name in ("vault.db", "keyslots.json"):
        mode = stat.S_IMODE((fresh.folder / name).stat().st_mode)
        assert mode & 0o077 == 0, f"{name} is readable by others: {oct(mode)}"


def test_an_existing_folder_is_made_private(tmp_path: Path) -> None:
    folder = tmp_path / "shared"
    folder.mkdir(mode=0o755)
    os.chmod(folder, 0o755)
    created = set_up_vault(
        folder,
        team_name="Team",
        practitioner_name="Amira Haddad",
        role=Role.GROUP_LEADER.value,
        passphrase=PASSPHRASE,
        params=FAST,
    )
    created.vault.lock()
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700


def test_key_slot_file_holds_no_personal_data(fresh: VaultUnderTest) -> None:
    raw = fresh.vault.paths.keyslots.read_bytes()
    doc = json.loads(raw)
    assert {s["kind"] for s in doc["slots"]} == {"passphrase", "recovery"}
    assert PASSPHRASE.encode() not in raw
    assert fresh.recovery_key.encode() not in raw


def test_real_calibrated_kdf(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The default parameters, as a real vault gets them, tuned on this machine: no variable
    of the environment (such as the old test switch) makes them cheap."""
    monkeypatch.setenv("EARLYYEARS_TEST_FAST_KDF", "1")
    created = set_up_vault(
        tmp_path / "vault",
        team_name="Real KDF Team",
        practitioner_name="Amira Haddad",
        role=Role.GROUP_LEADER.value,
        passphrase=PASSPHRASE,
    )
    created.vault.lock()
    doc = json.loads((tmp_path / "vault" / "keyslots.json").read_bytes())
    for slot in doc["slots"]:
        kdf = slot["kdf"]
        assert kdf["name"] == "argon2id"
        assert kdf["memory_kib"] >= 65_536 and kdf["iterations"] >= 3 and kdf["lanes"] == 4
        assert KdfParams(kdf["memory_kib"], kdf["iterations"], kdf["lanes"]) != FAST
    vault = open_vault(tmp_path / "vault", PASSPHRASE)
    assert vault.slot is not None and vault.slot.params.memory_kib >= 65_536
    vault.lock()
    with pytest.raises(WrongPassphrase):
        open_vault(tmp_path / "vault", "not the passphrase at all")


def test_writing_after_a_recovery_unlock_is_not_a_database_error(fresh: VaultUnderTest) -> None:
    import datetime as dt

    from earlyyears_desktop.domain.errors import DomainError
    from earlyyears_desktop.services.children import ChildInput
    from earlyyears_desktop.services.observations import ObservationInput

    child = fresh.services.children.create_child(
        ChildInput("Ffion", "Llewellyn", TODAY - dt.timedelta(days=700))
    ).id
    services = fresh.reopen(fresh.recovery_key)
    with pytest.raises(DomainError, match="recovery key"):
        services.observations.add(ObservationInput(child, "Waved bye-bye", TODAY))
    assert services.observations.for_child(child) == []
