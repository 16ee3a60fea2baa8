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
from earlyyears_desktop.storage.errors import VaultInUse
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
