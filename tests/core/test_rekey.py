"""Removing a practitioner and re-keying the vault: who still opens it, what the old key
opens, and what a crash at each step of the re-key leaves (a real process, SIGKILLed)."""

from __future__ import annotations

import base64
import datetime as dt
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from earlyyears_desktop.domain.errors import DomainError
from earlyyears_desktop.domain.models import Practitioner
from earlyyears_desktop.services.accounts import Accounts, NotAnAdministrator
from earlyyears_desktop.services.children import ChildInput
from earlyyears_desktop.services.container import Services
from earlyyears_desktop.services.leaving import OLD_COPIES, OLD_RECOVERY_KEY
from earlyyears_desktop.storage import slot_sealing, vault_swap
from earlyyears_desktop.storage.engine import connect
from earlyyears_desktop.storage.errors import VaultDamaged, WrongPassphrase
from earlyyears_desktop.storage.keyslots import KeySlotFile, normalise_passphrase
from earlyyears_desktop.storage.slot_sealing import SlotIdentity
from earlyyears_desktop.storage.vault import open_vault

from ..fast_vaults import FAST_KDF, PASSPHRASE, make_vault

DEEPA = "Deepa's own passphrase, 2026"
TOMASZ = "Tomasz Wiśniewski passes"
DAY = dt.date(2024, 2, 29)
WORKER = Path(__file__).with_name("rekey_worker.py")


@dataclass
class Team:
    folder: Path
    recovery_key: str
    deepa: str
    tomasz: str


def _team(folder: Path) -> Team:
    """A locked vault: Amira (administrator), Deepa and Tomasz, and one child."""
    created = make_vault(folder)
    services = Services(created.vault, today=lambda: DAY)
    accounts = Accounts(services)
    deepa = accounts.add_practitioner("Deepa Nair", "therapist", "", DEEPA, params=FAST_KDF)
    tomasz = accounts.add_practitioner(
        "Tomasz Wiśniewski", "portage_worker", "", TOMASZ, params=FAST_KDF
    )
    services.children.create_child(ChildInput("Ayşe", "Demir", dt.date(2023, 2, 28)))
    created.vault.lock()
    return Team(folder, created.recovery_key, deepa, tomasz)


def _opens(folder: Path, secret: str) -> bool:
    try:
        vault = open_vault(folder, secret)
    except WrongPassphrase:
        return False
    vault.lock()
    return True


def _consistent(folder: Path) -> Services:
    """The vault opened (its quick check passed), its audit chain verified, its child there."""
    services = Services(open_vault(folder, PASSPHRASE), today=lambda: DAY)
    assert services.verify_audit().ok
    assert services.info().counts.get("child") == 1
    assert not vault_swap.staged(folder)
    return services


def _data_key(folder: Path) -> bytes:
    vault = open_vault(folder, PASSPHRASE)
    try:
        return vault.current_data_key()
    finally:
        vault.lock()


def test_remove_and_rekey(tmp_path: Path) -> None:
    team = _team(tmp_path / "vault")
    old_key = _data_key(team.folder)
    services = Services(open_vault(team.folder, PASSPHRASE, exclusive=True), today=lambda: DAY)
    accounts = Accounts(services)
    plan = accounts.removal_plan(team.tomasz)
    assert plan.name == "Tomasz Wiśniewski" and plan.need_new_passphrase == ()

    removal = accounts.remove_practitioner(team.tomasz, rekey=True)
    # Administrators hold the recovery key: a re-key always replaces it, or a leaving
    # administrator would keep a way into the live vault.
    assert removal.rekeyed and removal.recovery_key
    assert removal.recovery_key != team.recovery_key
    assert removal.old_copies == OLD_COPIES
    # The open vault goes on, with the new key.
    assert services.info().counts.get("child") == 1
    with services.uow.read() as session:
        person = session.get(Practitioner, team.tomasz)
        assert person is not None and not person.active and person.key_slot_id is None
    services.vault.lock()

    assert _opens(team.folder, PASSPHRASE) and _opens(team.folder, DEEPA)
    assert _opens(team.folder, removal.recovery_key)
    assert not _opens(team.folder, team.recovery_key)
    assert not _opens(team.folder, TOMASZ)
    with pytest.raises(VaultDamaged):
        connect(team.folder / "vault.db", old_key)
    _consistent(team.folder).vault.lock()


def test_only_an_administrator_removes_and_never_themself(tmp_path: Path) -> None:
    team = _team(tmp_path / "vault")
    as_deepa = Accounts(Services(open_vault(team.folder, DEEPA), today=lambda: DAY))
    with pytest.raises(NotAnAdministrator):
        as_deepa.remove_practitioner(team.tomasz, rekey=True)
    as_deepa._services.vault.lock()
    as_amira = Accounts(Services(open_vault(team.folder, PASSPHRASE), today=lambda: DAY))
    me = as_amira.practitioner_id
    assert me
    with pytest.raises(DomainError, match="cannot remove yourself"):
        as_amira.remove_practitioner(me, rekey=True)
    # Without a re-key: their slot goes, the vault key stays.
    removal = as_amira.remove_practitioner(team.deepa, rekey=False)
    assert not removal.rekeyed and "Remove and re-key" in removal.old_copies
    as_amira._services.vault.lock()
    assert not _opens(team.folder, DEEPA) and _opens(team.folder, TOMASZ)


def test_a_version_1_slot_is_named_and_a_version_1_recovery_key_replaced(
    tmp_path: Path,
) -> None:
    team = _team(tmp_path / "vault")
    key = _data_key(team.folder)
    slots = KeySlotFile.load(team.folder / "keyslots.json")
    # Deepa and the recovery key as an app before version 2 wrote them.
    for slot in slots.passphrase_slots(team.deepa) + slots.recovery_slots():
        slots.remove_slot(slot.id)
    slots.add_slot(
        key,
        normalise_passphrase(DEEPA),
        kind="passphrase",
        params=FAST_KDF,
        practitioner_id=team.deepa,
    )
    slots.add_slot(key, b"OLDRECOVERY", kind="recovery", params=FAST_KDF)
    slots.save(team.folder / "keyslots.json")

    services = Services(open_vault(team.folder, PASSPHRASE, exclusive=True), today=lambda: DAY)
    accounts = Accounts(services)
    plan = accounts.removal_plan(team.tomasz)
    assert plan.need_new_passphrase == ("Deepa Nair",)
    removal = accounts.remove_practitioner(team.tomasz, rekey=True, recovery_params=FAST_KDF)
    assert removal.need_new_passphrase == ("Deepa Nair",)
    assert removal.recovery_key
    services.vault.lock()
    assert not _opens(team.folder, DEEPA)
    assert _opens(team.folder, removal.recovery_key)


def test_a_leaver_who_kept_the_old_key_cannot_fool_a_colleague_who_unlocked_since(
    tmp_path: Path,
) -> None:
    team = _team(tmp_path / "vault")
    old_key = _data_key(team.folder)
    services = Services(open_vault(team.folder, PASSPHRASE, exclusive=True), today=lambda: DAY)
    Accounts(services).remove_practitioner(team.tomasz, rekey=True)
    services.vault.lock()
    open_vault(team.folder, PASSPHRASE, exclusive=True).lock()  # Amira anchors at epoch 1

    # Tomasz writes the folder: the old key sealed to Amira's slot at a later epoch, with the
    # old key's endorsement of it.
    path = team.folder / "keyslots.json"
    slots = KeySlotFile.load(path)
    doc = json.loads(path.read_bytes())
    index = next(i for i, s in enumerate(slots.slots) if s.label == "Amira Haddad")
    slot = slots.slots[index]
    assert slot.public_key is not None
    identity = SlotIdentity(
        "earlyyears-vault-keyslots/2", slots.vault_id, slot.id, slot.kind, slot.practitioner_id
    )
    forged = slot_sealing.seal_data_key(slot.public_key, old_key, identity, 2)
    doc["key_epoch"] = 2
    doc["slots"][index]["data_key"]["sealed"] = base64.b64encode(forged).decode()
    mac = slot_sealing.endorsement(old_key, 0, old_key, 2, slots.vault_id)
    doc["endorsements"] = {"0": base64.b64encode(mac).decode()}
    path.write_text(json.dumps(doc))
    with pytest.raises(VaultDamaged):
        open_vault(team.folder, PASSPHRASE)


def _kill_at(folder: Path, step: str, leaver: str) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("EARLYYEARS_")}
    env["EARLYYEARS_PASSPHRASE"] = PASSPHRASE
    done = subprocess.run(
        [sys.executable, str(WORKER), str(folder), step, leaver],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == -9, done.stderr[-2000:]


def test_sigkill_at_each_step_of_a_rekey(tmp_path: Path) -> None:
    team = _team(tmp_path / "vault")
    old_key = _data_key(team.folder)
    # Before the commit: the old pair is the vault; everyone, Tomasz too, still opens it.
    for step in ("export", "stage-slots", "commit"):
        _kill_at(team.folder, step, team.tomasz)
        assert vault_swap.staged(team.folder), step
        _consistent(team.folder).vault.lock()
        assert _opens(team.folder, TOMASZ) and _opens(team.folder, DEEPA), step
        connect(team.folder / "vault.db", old_key).close()

    # After the commit: the new database is the vault; the next unlock finishes the slots.
    _kill_at(team.folder, "slots", team.tomasz)
    assert (team.folder / vault_swap.STAGED_KEYSLOTS).exists()
    _consistent(team.folder).vault.lock()
    assert _opens(team.folder, DEEPA) and not _opens(team.folder, team.recovery_key)
    assert not _opens(team.folder, TOMASZ)
    with pytest.raises(VaultDamaged):
        connect(team.folder / "vault.db", old_key)

    # Everything done, killed before locking: Deepa is gone, the rest holds.
    _kill_at(team.folder, "after", team.deepa)
    services = _consistent(team.folder)
    with services.uow.read() as session:
        person = session.get(Practitioner, team.deepa)
        assert person is not None and not person.active
    services.vault.lock()
    assert not _opens(team.folder, DEEPA)


def test_the_rekey_command(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:  # type: ignore[no-untyped-def]
    from earlyyears_desktop.cli.main import main
    from earlyyears_desktop.storage.app_lock import AppLock

    team = _team(tmp_path / "vault")
    monkeypatch.setenv("EARLYYEARS_PASSPHRASE", PASSPHRASE)
    held = AppLock.take(team.folder)  # the app has it open: refused, nothing changed
    try:
        before = (team.folder / "keyslots.json").read_bytes()
        assert main(["rekey", str(team.folder), "--remove", "Tomasz Wiśniewski"]) == 3
        assert "open in another Early Years window" in capsys.readouterr().err
        assert (team.folder / "keyslots.json").read_bytes() == before
    finally:
        held.release()
    assert main(["rekey", str(team.folder), "--remove", "tomasz wiśniewski"]) == 0
    out = capsys.readouterr().out
    assert "Tomasz Wiśniewski is removed and the vault has a new key." in out
    assert OLD_COPIES in out and OLD_RECOVERY_KEY in out
    printed = [line for line in out.splitlines() if "new recovery key" in line]
    assert len(printed) == 1  # once
    new_recovery = printed[0].rsplit(": ", 1)[1]
    assert _opens(team.folder, new_recovery) and not _opens(team.folder, team.recovery_key)
    assert not _opens(team.folder, TOMASZ) and _opens(team.folder, DEEPA)
    monkeypatch.setenv("EARLYYEARS_PASSPHRASE", DEEPA)
    assert main(["rekey", str(team.folder)]) == 4  # Deepa is not an administrator
    assert "Only an administrator" in capsys.readouterr().err


def test_a_failure_after_the_commit_goes_on_with_the_new_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The folder's sync fails right after the key slots are renamed in: the new pair is the
    # vault (the database's rename was the commit), so the open vault must go on with the new
    # key, and a later key-slot save must not write the old slots over the new ones.
    team = _team(tmp_path / "vault")
    services = Services(open_vault(team.folder, PASSPHRASE, exclusive=True), today=lambda: DAY)
    accounts = Accounts(services)
    real_fsync_dir = vault_swap.fsync_dir
    staged: list[bool] = []

    def fsync_dir_fails_after_the_slots(folder: Path) -> None:
        if (folder / vault_swap.STAGED_KEYSLOTS).exists():
            staged.append(True)
        elif staged:  # both renamed in: the disk's sync fails (fault injection)
            raise OSError(5, "Input/output error")
        real_fsync_dir(folder)

    monkeypatch.setattr(vault_swap, "fsync_dir", fsync_dir_fails_after_the_slots)
    removal = accounts.remove_practitioner(team.tomasz, rekey=True)
    monkeypatch.undo()
    assert removal.rekeyed and removal.recovery_key
    assert services.info().counts.get("child") == 1  # the open vault reads the new database
    lan = "Lan's passphrase, 2026"
    accounts.add_practitioner("Nguyễn Thị Lan", "senco", "", lan, params=FAST_KDF)  # a save
    services.vault.lock()
    for secret in (PASSPHRASE, DEEPA, lan, removal.recovery_key):
        assert _opens(team.folder, secret), secret
    assert not _opens(team.folder, TOMASZ) and not _opens(team.folder, team.recovery_key)
