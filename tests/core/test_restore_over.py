"""Restoring a backup over the open vault (services/restore.py), and what a damaged vault
offers: real vaults, real backup files, the swap of storage/vault_swap.py (whose crash cases
are its own tests')."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import select

from earlyyears_desktop.domain.errors import DomainError
from earlyyears_desktop.domain.models import Child
from earlyyears_desktop.services.accounts import Accounts
from earlyyears_desktop.services.administrators import NotAnAdministrator
from earlyyears_desktop.services.children import ChildInput
from earlyyears_desktop.services.restore import (
    NotThisVault,
    backup_for_damaged_vault,
    suggested_restore_folder,
)
from earlyyears_desktop.storage.backup import WRONG_SECRET
from earlyyears_desktop.storage.errors import WrongPassphrase
from earlyyears_desktop.storage.keyslots import KdfParams
from earlyyears_desktop.storage.vault import open_vault

from ..fast_vaults import make_vault
from .conftest import PASSPHRASE, TODAY, VaultUnderTest, services_on_test_day

COLLEAGUE_PASSPHRASE = "a colleague's own passphrase"


def _ids(fresh: VaultUnderTest) -> set[str]:
    with fresh.services.uow.read() as session:
        return set(session.scalars(select(Child.id)))


def test_restore_over_the_open_vault_brings_back_the_backup(
    fresh: VaultUnderTest, tmp_path: Path
) -> None:
    backups = tmp_path / "usb"
    backups.mkdir()
    services = fresh.services
    services.backups.set_schedule(backups, services.backups.schedule().every)
    ngozi = services.children.create_child(ChildInput("Ngozi", "Okafor", dt.date(2023, 2, 28))).id
    chosen = services.backups.back_up_now(backups).path
    soren = services.children.create_child(
        ChildInput("Søren", "Lindqvist", dt.date(2024, 2, 29))
    ).id
    assert _ids(fresh) == {ngozi, soren}

    with pytest.raises(WrongPassphrase, match=WRONG_SECRET):
        services.restore.restore_over(chosen, "not the passphrase at all")
    assert not fresh.vault.is_locked  # refused before anything was touched

    done = services.restore.restore_over(chosen, PASSPHRASE)
    assert fresh.vault.is_locked  # the app shows the unlock screen now
    assert done.last_backup.path.is_file() and done.last_backup.path != chosen
    assert not [p for p in fresh.folder.parent.iterdir() if ".restoring-" in p.name]
    assert not [p for p in fresh.folder.iterdir() if p.name.endswith(".next")]

    fresh.services = services_on_test_day(open_vault(fresh.folder, PASSPHRASE))
    assert _ids(fresh) == {ngozi}  # the later record is gone, the earlier one there
    # The last backup holds the vault as it was just before: Søren too.
    fresh.services.restore.restore_over(done.last_backup.path, PASSPHRASE)
    fresh.services = services_on_test_day(open_vault(fresh.folder, PASSPHRASE))
    assert _ids(fresh) == {ngozi, soren}


def test_only_an_administrator_restores_over_the_vault(
    fresh: VaultUnderTest, tmp_path: Path
) -> None:
    chosen = fresh.services.backups.back_up_now(tmp_path).path
    colleague = Accounts(fresh.services).add_practitioner(
        "Mateus Oliveira", "group_leader", "", COLLEAGUE_PASSPHRASE, params=KdfParams.for_tests()
    )
    fresh.vault.lock()
    fresh.services = services_on_test_day(
        open_vault(fresh.folder, COLLEAGUE_PASSPHRASE, practitioner_id=colleague)
    )
    with pytest.raises(NotAnAdministrator, match="Only an administrator can restore a backup"):
        fresh.services.restore.restore_over(chosen, COLLEAGUE_PASSPHRASE)
    assert not fresh.vault.is_locked
    assert len(list(tmp_path.glob("*.eybackup"))) == 1  # no last backup made either


def test_a_backup_of_another_vault_is_refused(fresh: VaultUnderTest, tmp_path: Path) -> None:
    other = make_vault(tmp_path / "other")
    other_backup = services_on_test_day(other.vault).backups.back_up_now(tmp_path).path
    other.vault.lock()
    with pytest.raises(NotThisVault, match="another vault"):
        fresh.services.restore.restore_over(other_backup, PASSPHRASE)
    assert isinstance(NotThisVault("x"), DomainError)
    assert not fresh.vault.is_locked


def test_a_damaged_vault_is_offered_its_newest_backup(
    fresh: VaultUnderTest, tmp_path: Path
) -> None:
    folder = tmp_path / "usb"
    folder.mkdir()
    assert backup_for_damaged_vault(fresh.folder, folder) is None  # none yet
    assert backup_for_damaged_vault(fresh.folder, None) is None
    fresh.services.backups.back_up_now(folder)
    other = make_vault(tmp_path / "other")
    services_on_test_day(other.vault).backups.back_up_now(folder)  # newer, of another vault
    other.vault.lock()
    offered = backup_for_damaged_vault(fresh.folder, folder)
    assert offered is not None and offered.vault_id == fresh.vault.vault_id

    suggested = suggested_restore_folder(fresh.folder, TODAY)
    assert suggested == fresh.folder.parent / "vault-restored-20261125"
    suggested.mkdir()
    assert suggested_restore_folder(fresh.folder, TODAY).name == "vault-restored-20261125-2"


def test_what_a_killed_restore_over_left_is_removed_at_the_next_unlock(
    fresh: VaultUnderTest,
) -> None:
    """A restore over the vault killed half-way leaves its staging folder (a copy of the
    records) beside the vault; the next unlock removes it, and a living process's is kept."""
    dead = _pid_of_an_ended_process()
    name = fresh.folder.name
    left = [
        fresh.folder.parent / f".{name}.restoring-{dead}",
        fresh.folder.parent / f"..{name}.restoring-{dead}.restoring-{dead}",
    ]
    living = fresh.folder.parent / f".{name}.restoring-{os.getpid()}"
    for folder in [*left, living]:
        folder.mkdir(mode=0o700)
        (folder / "vault.db").write_bytes(b"staged")
    fresh.reopen().after_unlock()
    assert not any(folder.exists() for folder in left)
    assert living.is_dir()


def _pid_of_an_ended_process() -> int:
    child = subprocess.Popen(["true"])
    child.wait()
    return child.pid
