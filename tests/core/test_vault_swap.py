"""Replacing a vault's database and key slots together (storage/vault_swap.py): a real swap,
and each state a crash can leave, finished or rolled back by the next unlock."""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path

import pytest

from earlyyears_desktop.storage import vault_swap
from earlyyears_desktop.storage.app_lock import AppLock
from earlyyears_desktop.storage.errors import VaultInUse, WrongPassphrase
from earlyyears_desktop.storage.vault import open_vault

from ..fast_vaults import PASSPHRASE, make_vault


def _vault_with_a_copy(tmp_path: Path) -> tuple[Path, Path]:
    """A locked vault, and a copy of its database and slots as they were (the "old" pair)."""
    folder = tmp_path / "vault"
    created = make_vault(folder)
    created.vault.lock()
    old = tmp_path / "old"
    old.mkdir()
    shutil.copy2(folder / "vault.db", old / "vault.db")
    shutil.copy2(folder / "keyslots.json", old / "keyslots.json")
    return folder, old


def _team(folder: Path) -> str:
    vault = open_vault(folder, PASSPHRASE)
    try:
        return vault.setting("team_name")
    finally:
        vault.lock()


def test_a_swap_replaces_both_files_and_leaves_nothing_staged(tmp_path: Path) -> None:
    folder = tmp_path / "vault"
    make_vault(folder, team_name="Before").vault.lock()
    other = tmp_path / "other"
    other_vault = make_vault(other, team_name="After").vault
    closed: list[bool] = []

    def write_database(path: Path) -> None:
        other_vault.backup_database(path)

    slots = (other / "keyslots.json").read_bytes()
    vault_swap.swap_in(folder, write_database, slots, before_commit=lambda: closed.append(True))
    other_vault.lock()

    assert closed == [True]
    assert not vault_swap.staged(folder)
    assert _team(folder) == "After"
    for name in ("vault.db", "keyslots.json"):
        assert stat.S_IMODE(os.stat(folder / name).st_mode) == 0o600


def test_a_failure_before_the_commit_leaves_the_old_pair(tmp_path: Path) -> None:
    folder, _ = _vault_with_a_copy(tmp_path)
    before = (folder / "keyslots.json").read_bytes()

    def broken(path: Path) -> None:
        path.write_bytes(b"half a database")
        raise OSError("disk full")

    with pytest.raises(OSError):
        vault_swap.swap_in(folder, broken, b"{}", before_commit=lambda: None)
    assert not vault_swap.staged(folder)
    assert (folder / "keyslots.json").read_bytes() == before
    assert _team(folder) == "Test Early Years Team"


def test_a_database_still_open_elsewhere_is_not_replaced(tmp_path: Path) -> None:
    folder, old = _vault_with_a_copy(tmp_path)
    (folder / "vault.db-wal").write_bytes(b"frames of another connection")
    with pytest.raises(VaultInUse):
        vault_swap.swap_in(
            folder,
            lambda p: shutil.copyfile(old / "vault.db", p),
            (old / "keyslots.json").read_bytes(),
            before_commit=lambda: None,
        )
    assert not vault_swap.staged(folder)
    (folder / "vault.db-wal").unlink()


def test_staged_files_before_the_commit_are_rolled_back_at_unlock(tmp_path: Path) -> None:
    folder, _ = _vault_with_a_copy(tmp_path)
    (folder / vault_swap.STAGED_DATABASE).write_bytes(b"a database half written")
    (folder / vault_swap.STAGED_KEYSLOTS).write_bytes(b"{}")
    assert _team(folder) == "Test Early Years Team"
    assert not vault_swap.staged(folder)


def test_staged_slots_after_the_commit_are_finished_at_unlock(tmp_path: Path) -> None:
    # The new database (another vault's, for the test) was renamed in; its slots were not.
    folder = tmp_path / "vault"
    make_vault(folder, team_name="Before").vault.lock()
    other = tmp_path / "other"
    make_vault(other, team_name="After").vault.lock()
    shutil.copyfile(other / "keyslots.json", folder / vault_swap.STAGED_KEYSLOTS)
    shutil.copyfile(other / "vault.db", folder / "vault.db")
    # A mistyped passphrase proves nothing: it is refused, and nothing is finished.
    with pytest.raises(WrongPassphrase):
        open_vault(folder, "a passphrase typed wrong")
    assert (folder / vault_swap.STAGED_KEYSLOTS).exists()
    assert _team(folder) == "After"
    assert not vault_swap.staged(folder)
    assert (folder / "keyslots.json").read_bytes() == (other / "keyslots.json").read_bytes()


def test_staged_slots_that_do_not_open_the_database_are_rolled_back(tmp_path: Path) -> None:
    # The old key still opens the database in place: the staged slots are not its own.
    folder = tmp_path / "vault"
    make_vault(folder).vault.lock()
    other = tmp_path / "other"
    make_vault(other).vault.lock()
    shutil.copyfile(other / "keyslots.json", folder / vault_swap.STAGED_KEYSLOTS)
    assert _team(folder) == "Test Early Years Team"
    assert not vault_swap.staged(folder)


def test_a_half_done_swap_is_left_alone_while_the_app_holds_the_vault(tmp_path: Path) -> None:
    folder, _ = _vault_with_a_copy(tmp_path)
    (folder / vault_swap.STAGED_DATABASE).write_bytes(b"being written by the app")
    held = AppLock.take(folder)
    try:
        with pytest.raises(VaultInUse):
            open_vault(folder, PASSPHRASE)
        assert (folder / vault_swap.STAGED_DATABASE).exists()
    finally:
        held.release()


def _new_slots_staged_beside_the_old_database(tmp_path: Path) -> tuple[Path, str]:
    """A locked vault with the key slots of a re-key staged beside its old database (the new
    data key opens nothing here): what a crash while removing staged files could leave."""
    folder = tmp_path / "vault"
    created = make_vault(folder)
    vault = created.vault
    new_slots = vault.key_slots.rekeyed(vault.current_data_key(), os.urandom(32), set())
    vault.lock()
    (folder / vault_swap.STAGED_KEYSLOTS).write_bytes(new_slots.to_bytes())
    return folder, created.recovery_key


def test_a_wrong_passphrase_never_finishes_a_swap(tmp_path: Path) -> None:
    folder, recovery_key = _new_slots_staged_beside_the_old_database(tmp_path)
    before = (folder / "keyslots.json").read_bytes()
    with pytest.raises(WrongPassphrase):
        open_vault(folder, "a passphrase typed wrong")
    # Nothing finished, nothing rolled back: the slots in place are the old ones still.
    assert (folder / "keyslots.json").read_bytes() == before
    assert (folder / vault_swap.STAGED_KEYSLOTS).exists()
    # The right secrets still open the vault (and prove the staged slots are not its own).
    assert _team(folder) == "Test Early Years Team"
    assert not vault_swap.staged(folder)
    open_vault(folder, recovery_key).lock()


def test_staged_slots_are_removed_before_the_staged_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A process killed between the two removals must not leave the staged slots alone (which
    # would read as "the database was committed").
    folder, _ = _new_slots_staged_beside_the_old_database(tmp_path)
    (folder / vault_swap.STAGED_DATABASE).write_bytes(b"a database half written")
    real_unlink = Path.unlink
    removed: list[str] = []

    class Killed(BaseException):
        pass

    def unlink_then_die(path: Path, missing_ok: bool = False) -> None:
        if path.exists() and removed:
            raise Killed  # the process dies here (fault injection)
        if path.exists():
            removed.append(path.name)
        real_unlink(path, missing_ok=missing_ok)

    monkeypatch.setattr(Path, "unlink", unlink_then_die)
    with pytest.raises(Killed):
        vault_swap._remove_staged(folder)
    monkeypatch.undo()
    assert removed == [vault_swap.STAGED_KEYSLOTS]
    assert (folder / vault_swap.STAGED_DATABASE).exists()
    with pytest.raises(WrongPassphrase):
        open_vault(folder, "a passphrase typed wrong")
    assert _team(folder) == "Test Early Years Team"
    assert not vault_swap.staged(folder)
