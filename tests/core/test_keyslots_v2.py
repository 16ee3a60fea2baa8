"""Version-2 key slots: a key pair per slot, the data key sealed to it, the anchor that vouches
for it. Every field is bound; a version-1 file still opens and is upgraded on unlock."""

from __future__ import annotations

import base64
import json
import os
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from earlyyears_desktop.storage import slot_sealing
from earlyyears_desktop.storage.errors import NotAVault, VaultDamaged, WrongPassphrase
from earlyyears_desktop.storage.keyslots import (
    KeySlotFile,
    normalise_passphrase,
    normalise_recovery_key,
)
from earlyyears_desktop.storage.slot_sealing import SlotIdentity
from earlyyears_desktop.storage.vault import open_vault

from ..fast_vaults import FAST_KDF, PASSPHRASE, make_vault

SECRET = normalise_passphrase(PASSPHRASE)


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, bytes, str]:
    """A new vault (locked): its folder, its key-slot file as made, its recovery key."""
    folder = tmp_path_factory.mktemp("v2") / "vault"
    created = make_vault(folder)
    created.vault.lock()
    return folder, (folder / "keyslots.json").read_bytes(), created.recovery_key


def _opens(data: bytes) -> bytes:
    slots = KeySlotFile.from_bytes(data, Path("."))
    return slots.open_with(SECRET, slots.passphrase_slots()).data_key


def test_a_new_vault_has_version_2_slots_in_a_private_file(made: tuple[Path, bytes, str]) -> None:
    folder, data, recovery = made
    doc = json.loads(data)
    assert doc["format_version"] == 2 and doc["key_epoch"] == 0
    assert {s["version"] for s in doc["slots"]} == {2}
    assert stat.S_IMODE(os.stat(folder / "keyslots.json").st_mode) == 0o600
    slots = KeySlotFile.from_bytes(data, folder)
    by_passphrase = slots.open_with(SECRET, slots.passphrase_slots()).data_key
    by_recovery = slots.open_with(normalise_recovery_key(recovery), slots.recovery_slots()).data_key
    assert by_passphrase == by_recovery and len(by_passphrase) == 32


def _flip(value: str) -> str:
    raw = bytearray(base64.b64decode(value))
    raw[-1] ^= 1
    return base64.b64encode(bytes(raw)).decode()


TAMPERINGS: dict[str, Callable[[dict[str, Any]], None]] = {
    "vault id": lambda d: d.update(vault_id="another-vault"),
    "key epoch": lambda d: d.update(key_epoch=1),
    "slot id": lambda d: d["slots"][0].update(id="another-slot"),
    "kind": lambda d: d["slots"][0].update(kind="recovery"),
    "practitioner": lambda d: d["slots"][0].update(practitioner_id="someone-else"),
    "salt": lambda d: d["slots"][0]["kdf"].update(salt=_flip(d["slots"][0]["kdf"]["salt"])),
    "public key": lambda d: d["slots"][0]["public_key"].update(
        key=_flip(d["slots"][0]["public_key"]["key"])
    ),
    "private nonce": lambda d: d["slots"][0]["private"].update(
        nonce=_flip(d["slots"][0]["private"]["nonce"])
    ),
    "private key": lambda d: d["slots"][0]["private"].update(
        ciphertext=_flip(d["slots"][0]["private"]["ciphertext"])
    ),
    "sealed data key": lambda d: d["slots"][0]["data_key"].update(
        sealed=_flip(d["slots"][0]["data_key"]["sealed"])
    ),
}


@pytest.mark.parametrize("field", list(TAMPERINGS))
def test_each_field_tampered_with_is_refused(made: tuple[Path, bytes, str], field: str) -> None:
    _, data, _ = made
    doc = json.loads(data)
    assert doc["slots"][0]["kind"] == "passphrase"
    TAMPERINGS[field](doc)
    with pytest.raises((WrongPassphrase, VaultDamaged, NotAVault)):
        _opens(json.dumps(doc).encode())


def _substituted(data: bytes, new_key: bytes, epoch: int) -> bytes:
    """The file after someone who can write the folder, but holds no data key, sealed a key
    of their own to the first slot's public key."""
    slots = KeySlotFile.from_bytes(data, Path("."))
    doc = json.loads(data)
    slot = slots.slots[0]
    assert slot.public_key is not None
    identity = SlotIdentity(
        "earlyyears-vault-keyslots/2", slots.vault_id, slot.id, slot.kind, slot.practitioner_id
    )
    sealed = slot_sealing.seal_data_key(slot.public_key, new_key, identity, epoch)
    doc["key_epoch"] = epoch
    doc["slots"][0]["data_key"]["sealed"] = base64.b64encode(sealed).decode()
    return json.dumps(doc).encode()


@pytest.mark.parametrize("epoch", [0, 1])
def test_a_key_sealed_by_someone_without_the_vault_key_is_refused(
    made: tuple[Path, bytes, str], epoch: int
) -> None:
    _, data, _ = made
    assert len(_opens(data)) == 32
    with pytest.raises(VaultDamaged, match="changed by someone"):
        _opens(_substituted(data, os.urandom(32), epoch))


def _as_version_1(folder: Path, key: bytes, practitioner_id: str, recovery: str) -> None:
    """Rewrite a vault's key slots as an app before version 2 wrote them."""
    v1 = KeySlotFile(KeySlotFile.load(folder / "keyslots.json").vault_id)
    v1.add_slot(key, SECRET, kind="passphrase", params=FAST_KDF, practitioner_id=practitioner_id)
    v1.add_slot(key, normalise_recovery_key(recovery), kind="recovery", params=FAST_KDF)
    v1.save(folder / "keyslots.json")


def test_a_version_1_file_opens_and_its_slot_is_upgraded_when_the_app_unlocks(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "vault"
    created = make_vault(folder)
    vault = created.vault
    practitioner = vault.practitioner_id
    assert practitioner
    key = vault.current_data_key()
    vault.lock()
    _as_version_1(folder, key, practitioner, created.recovery_key)
    doc = json.loads((folder / "keyslots.json").read_bytes())
    assert doc["format_version"] == 1 and "version" not in doc["slots"][0]

    # The command line reads it as it is, and writes nothing.
    before = (folder / "keyslots.json").read_bytes()
    open_vault(folder, PASSPHRASE).lock()
    assert (folder / "keyslots.json").read_bytes() == before

    # The app upgrades the slot that opened (same id); the recovery slot stays version 1.
    app = open_vault(folder, PASSPHRASE, exclusive=True)
    assert app.slot is not None and app.slot.version == 2
    app.lock()
    after = KeySlotFile.load(folder / "keyslots.json")
    assert [s.version for s in after.passphrase_slots()] == [2]
    assert after.passphrase_slots()[0].id == KeySlotFile.from_bytes(before, folder).slots[0].id
    assert [s.version for s in after.recovery_slots()] == [1]
    assert stat.S_IMODE(os.stat(folder / "keyslots.json").st_mode) == 0o600
    # Both still open the vault.
    open_vault(folder, PASSPHRASE).lock()
    open_vault(folder, created.recovery_key).lock()
