"""Restoring a backup into a new vault folder: everything is proved before the folder appears.

`restore_backup(file, folder, secret)`:

1. the target is checked first: it must not exist, or be an empty folder (a file, a link or a
   folder with anything in it is refused, and nothing is written);
2. the backup's header is proved with the data key unwrapped from its own key slots;
3. every chunk is decrypted and proved into a private staging folder beside the target (same
   filesystem, 0700, named `.NAME.restoring-PID`), with the key-slot file beside it;
4. the database must open with the key, hold the backup's vault id, and pass SQLite's quick
   check over its whole file (every page read, every page's seal checked by SQLCipher);
5. only then is the staging folder renamed to the target, and the parent folder synced.

Any failure removes the staging folder and says why in one sentence (never a record's
contents). A process killed half-way leaves only the dot-named staging folder, which the next
restore beside it removes.

The restored vault keeps the device id it was backed up with: a restore is the same laptop's
records coming back (the old laptop lost or its disk broken), so the central service's
sequence of bundles from this device continues (see docs/sync.md, "Restoring a backup").
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import shutil
import stat
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from earlyyears_desktop.storage.atomic_file import sync_folder
from earlyyears_desktop.storage.backup import (
    BackupDamaged,
    BackupError,
    Progress,
    damaged_message,
    decrypt_chunks,
    open_backup,
    opened_file,
    process_alive,
)
from earlyyears_desktop.storage.engine import stored_vault_id
from earlyyears_desktop.storage.errors import VaultDamaged, VaultInaccessible
from earlyyears_desktop.storage.integrity import quick_check
from earlyyears_desktop.storage.keyslots import KeySlotFile
from earlyyears_desktop.storage.vault import DATABASE_NAME, KEYSLOTS_NAME

_STAGING_MARK = ".restoring-"


@dataclass(frozen=True)
class RestoredVault:
    """Where a backup was restored, and what it was."""

    folder: Path
    vault_id: str
    backed_up_at: dt.datetime
    #: how the backup was opened: "passphrase" or "recovery"
    opened_with: str


def check_restore_target(folder: Path) -> None:
    """Refuse a target that is a file, a link or a folder with anything in it; its parent
    must be a folder we can write to."""
    folder = Path(folder)
    try:
        mode = os.lstat(folder).st_mode
    except FileNotFoundError:
        mode = None
    except PermissionError:
        raise VaultInaccessible.permission_denied(folder) from None
    if mode is not None:
        if stat.S_ISLNK(mode):
            raise BackupError(f"{folder} is a link: choose a new folder to restore into.")
        if not stat.S_ISDIR(mode):
            raise BackupError(f"{folder} is a file: choose a new folder to restore into.")
        try:
            if any(os.scandir(folder)):
                raise BackupError(
                    f"{folder} is not empty: choose a new or empty folder to restore into."
                )
        except PermissionError:
            raise VaultInaccessible.permission_denied(folder) from None
    parent = folder.parent
    if not parent.is_dir():
        raise BackupError(f"The folder {parent} does not exist.")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise VaultInaccessible.permission_denied(parent)


def restore_backup(
    backup: Path, folder: Path, secret: str, *, progress: Progress | None = None
) -> RestoredVault:
    """Restore `backup` into the new vault folder `folder`, opened with `secret` (a
    passphrase or the recovery key that opened the vault when it was backed up)."""
    backup, folder = Path(backup), Path(folder).absolute()
    check_restore_target(folder)
    clear_staging(folder)
    with opened_file(backup) as f:
        opened = open_backup(f, backup, secret)
        staging = staging_beside(folder)
        shutil.rmtree(staging, ignore_errors=True)
        try:
            os.mkdir(staging, 0o700)
            os.chmod(staging, 0o700)
            database = staging / DATABASE_NAME
            _write_private(staging / KEYSLOTS_NAME, [opened.header.keyslots])
            _write_private(database, decrypt_chunks(f, backup, opened, progress))
            slots = KeySlotFile.load(staging / KEYSLOTS_NAME)
            if slots.vault_id != opened.header.vault_id:
                raise BackupDamaged(damaged_message(backup))
            if stored_vault_id(database, opened.data_key) != opened.header.vault_id:
                raise BackupDamaged(damaged_message(backup))
            try:
                quick_check(database, opened.data_key, full_below_pages=1 << 62)
            except VaultDamaged:
                raise BackupDamaged(
                    f"The database inside the backup {backup.name} fails SQLite's checks, so "
                    "nothing was restored from it."
                ) from None
            for name in os.listdir(staging):  # the check's journal files, if any
                if name not in (DATABASE_NAME, KEYSLOTS_NAME):
                    (staging / name).unlink()
            sync_folder(staging)
            _into_place(staging, folder)
            sync_folder(folder.parent)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
    return RestoredVault(folder, opened.header.vault_id, opened.header.created_at, opened.slot.kind)


def _write_private(path: Path, parts: Iterable[bytes]) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        for part in parts:
            out.write(part)
        out.flush()
        os.fsync(out.fileno())


def _into_place(staging: Path, folder: Path) -> None:
    """Rename the staging folder to the target: the target appears whole or not at all. An
    empty folder already there is replaced (rename over an empty folder)."""
    try:
        os.rename(staging, folder)
    except OSError:
        # Somebody made the folder, or put something in it, since the check.
        check_restore_target(folder)
        raise


def staging_beside(folder: Path) -> Path:
    """This process's private staging folder beside `folder` (same filesystem, so the last
    step is a rename); `clear_staging` removes it if the process is killed."""
    return folder.parent / f".{folder.name}{_STAGING_MARK}{os.getpid()}"


def clear_staging(folder: Path) -> None:
    """Remove staging folders that a killed restore left beside `folder`, including one a
    restore into a staging folder left beside that (a living process's own are kept)."""
    with contextlib.suppress(OSError):
        for entry in os.scandir(folder.parent):
            if _left_by_a_killed_restore(entry.name, folder.name):
                shutil.rmtree(entry.path, ignore_errors=True)


def _left_by_a_killed_restore(name: str, folder_name: str) -> bool:
    """`.NAME.restoring-PID`, or `..NAME.restoring-PID.restoring-PID` (the staging of a
    staging folder), every PID a process no longer running."""
    if not name.startswith(".") or not name.lstrip(".").startswith(folder_name + _STAGING_MARK):
        return False
    pids = name.lstrip(".")[len(folder_name) :].split(_STAGING_MARK)[1:]
    return all(pid.isdigit() for pid in pids) and not any(process_alive(int(p)) for p in pids)
