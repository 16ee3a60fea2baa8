"""Restoring a backup from the app: into a new folder (the unlock screen), over the open vault
(an administrator), and what a damaged vault offers.

Into a new folder is `storage/restore.py` as it is (`services/backups.py`
`restore_into_new_folder`). Over the open vault (`RestoreService.restore_over`):

1. only an administrator (`require_administrator("restore a backup")`), and only a backup of
   this vault (the same vault id in its header): another vault's backup is refused before
   anything is written;
2. a last backup of the vault as it is now, into the backups folder (Settings ▸ Backups, else
   the vault's own `backups/` folder), so the restore can itself be undone;
3. the chosen backup is restored whole into a private staging folder beside the vault (every
   chunk decrypted and proved, the database's vault id and SQLite's checks: the same checks
   as `earlyyears restore`);
4. the vault is locked (every connection closed, the key forgotten; the app lock is kept), and
   the database and key-slot file are replaced together by `storage/vault_swap.py`: the
   database's rename is the commit point, and a crash before or after it is finished or
   rolled back by the next `open_vault`.

The restored vault opens with the passphrases and recovery key that opened the backup when it
was made. The staging folder is removed whatever happens.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from earlyyears_desktop.domain.errors import DomainError
from earlyyears_desktop.services.administrators import AdministratorService
from earlyyears_desktop.services.backups import (
    BackupListed,
    BackupMade,
    BackupService,
    latest_backup,
)
from earlyyears_desktop.storage import vault_swap
from earlyyears_desktop.storage.backup import backup_header
from earlyyears_desktop.storage.errors import NotAVault, VaultDamaged
from earlyyears_desktop.storage.keyslots import KeySlotFile
from earlyyears_desktop.storage.restore import clear_staging, restore_backup, staging_beside
from earlyyears_desktop.storage.vault import BACKUPS_NAME, KEYSLOTS_NAME, OpenVault

Progress = Callable[[int, int], None]

WHAT = "restore a backup"
OTHER_VAULT = (
    "That backup is of other records (another vault), so it cannot be restored over these: "
    "restore it into a new folder from the unlock screen instead."
)


class NotThisVault(DomainError):
    """A backup of another vault, chosen to restore over this one."""


@dataclass(frozen=True)
class RestoredOver:
    """A backup restored over the open vault: which, from when, and the last backup made."""

    backup: Path
    backed_up_at: dt.datetime
    last_backup: BackupMade


class RestoreService:
    def __init__(
        self, vault: OpenVault, administrators: AdministratorService, backups: BackupService
    ) -> None:
        self._vault = vault
        self._administrators = administrators
        self._backups = backups

    def check_allowed(self) -> None:
        """Refuse now (before any question is asked) unless an administrator unlocked."""
        self._administrators.require_administrator(WHAT)

    def restore_over(
        self, backup: Path, secret: str, progress: Progress | None = None
    ) -> RestoredOver:
        """Replace the open vault by `backup` (see the module's docstring). Afterwards the
        vault is locked: the app shows the unlock screen."""
        self._administrators.require_administrator(WHAT)
        vault = self._vault
        backup = Path(backup)
        if backup_header(backup).vault_id != vault.vault_id:
            raise NotThisVault(OTHER_VAULT)
        folder = vault.paths.folder
        clear_staging(folder)
        staging = staging_beside(folder)
        shutil.rmtree(staging, ignore_errors=True)
        try:
            # Proved whole before the vault is touched: a wrong secret or a damaged backup
            # stops here, and no last backup is made for nothing.
            restored = restore_backup(backup, staging, secret, progress=progress)
            last = self._backups.back_up_now(self._last_backup_folder(), progress)
            keyslots = (staging / KEYSLOTS_NAME).read_bytes()
            staged_database = staging / vault_swap.DATABASE_NAME
            app_lock = vault.app_lock
            vault.app_lock = None  # kept through the swap; let go of below

            def write_database(path: Path) -> None:
                os.replace(staged_database, path)  # same filesystem: a rename, 0600 kept

            try:
                vault_swap.swap_in(folder, write_database, keyslots, before_commit=vault.lock)
            finally:
                vault.lock()
                if app_lock is not None:
                    app_lock.release()
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        return RestoredOver(backup, restored.backed_up_at, last)

    def _last_backup_folder(self) -> Path:
        folder = self._backups.schedule().folder
        if folder is not None and folder.is_dir():
            return folder
        own = self._vault.paths.folder / BACKUPS_NAME
        own.mkdir(mode=0o700, exist_ok=True)
        return own


# ---- before unlocking: what a damaged vault offers, and where a restore goes ----


def vault_id_of(vault_folder: Path) -> str | None:
    """The vault id from the key-slot file (readable without a secret), if it can be read."""
    try:
        return KeySlotFile.load(Path(vault_folder) / KEYSLOTS_NAME).vault_id
    except (NotAVault, VaultDamaged, OSError, ValueError):
        return None


def backup_for_damaged_vault(vault_folder: Path, backup_folder: Path | None) -> BackupListed | None:
    """The newest backup of this vault in `backup_folder` (None if none is known)."""
    if backup_folder is None:
        return None
    vault_id = vault_id_of(vault_folder)
    if vault_id is None:
        return None
    return latest_backup(backup_folder, vault_id)


def suggested_restore_folder(vault_folder: Path, day: dt.date) -> Path:
    """A new folder beside the vault: "<vault>-restored-YYYYMMDD" (then -2, -3…)."""
    vault_folder = Path(vault_folder).absolute()
    base = vault_folder.parent / f"{vault_folder.name}-restored-{day:%Y%m%d}"
    target, n = base, 2
    while os.path.lexists(target):
        target = base.with_name(f"{base.name}-{n}")
        n += 1
    return target


__all__ = [
    "NotThisVault",
    "RestoreService",
    "RestoredOver",
    "VaultDamaged",
    "backup_for_damaged_vault",
    "suggested_restore_folder",
    "vault_id_of",
]
