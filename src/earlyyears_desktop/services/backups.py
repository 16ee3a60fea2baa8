"""Backups: back up now, the schedule, the last backup's time and place, the backups in a folder.

The backup file itself is `storage/backup.py`; restoring into a new folder is
`storage/restore.py`. What is kept here is about this laptop's vault, so it stays local (a
`VaultSetting`, never synchronised): the last backup ("last_backup": when, which folder, the
file's name and size) and the schedule ("backup_schedule": the folder and every day, every
week or off). Each backup made appends an audit event "backup" (the vault's id, nothing else).

File names hold a date and time only (`earlyyears-backup-YYYYMMDD-HHMMSS.eybackup`), never a
child's or the team's name: a USB stick may be read by anyone who finds it.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from sqlalchemy.orm import Session

from earlyyears_desktop.domain.errors import DomainError
from earlyyears_desktop.domain.models import VaultSetting
from earlyyears_desktop.services.clock import Clock
from earlyyears_desktop.services.unit_of_work import Saved, UnitOfWork
from earlyyears_desktop.storage.backup import (
    SUFFIX,
    BackupDamaged,
    BackupError,
    NotABackup,
    backup_file_name,
    backup_header,
)
from earlyyears_desktop.storage.errors import VaultError, WrongPassphrase
from earlyyears_desktop.storage.restore import RestoredVault, restore_backup
from earlyyears_desktop.storage.vault import OpenVault

LAST_BACKUP = "last_backup"
SCHEDULE = "backup_schedule"
#: a backup older than this is overdue: the status bar warns
OVERDUE_AFTER = dt.timedelta(days=7)
NO_BACKUP_YET = "No backup yet: Records > Back up now…"
NO_FOLDER = "Choose a folder for backups first (Settings, Backups)."

Progress = Callable[[int, int], None]


class BackupFrequency(StrEnum):
    DAILY = "daily"
    WEEKLY = "weekly"
    OFF = "off"

    @property
    def interval(self) -> dt.timedelta | None:
        return {"daily": dt.timedelta(days=1), "weekly": dt.timedelta(days=7)}.get(self.value)

    @property
    def label(self) -> str:
        return {"daily": "Every day", "weekly": "Every week", "off": "Off"}[self.value]


@dataclass(frozen=True)
class BackupMade:
    path: Path
    #: local time, as the clock read it
    when: dt.datetime
    size: int


@dataclass(frozen=True)
class LastBackup:
    when: dt.datetime
    folder: Path
    name: str
    size: int


@dataclass(frozen=True)
class BackupSchedule:
    folder: Path | None
    every: BackupFrequency


@dataclass(frozen=True)
class BackupListed:
    """One backup file in a folder, as the restore screen lists it (no secret needed)."""

    path: Path
    name: str
    made_at: dt.datetime
    size: int
    vault_id: str


@dataclass(frozen=True)
class BackupStatus:
    """The status bar's words about backups, and whether they warn."""

    text: str
    warning: bool


class BackupService:
    def __init__(self, vault: OpenVault, uow: UnitOfWork, clock: Clock) -> None:
        self._vault = vault
        self.uow = uow
        self.clock = clock

    # ---- backing up ----

    def back_up_now(
        self, to_folder: Path | None = None, progress: Progress | None = None
    ) -> BackupMade:
        """A backup of the open vault in `to_folder` (the schedule's folder if None)."""
        folder = to_folder if to_folder is not None else self.schedule().folder
        if folder is None:
            raise DomainError(NO_FOLDER)
        folder = Path(folder)
        now = self.clock.now().replace(microsecond=0)
        target = _free_name(folder, now)
        written = self._vault.write_backup(target, now.astimezone(dt.UTC), progress)
        made = BackupMade(written.path, now, written.size)
        with self.uow.write() as tx:
            _put(
                tx.session,
                LAST_BACKUP,
                json.dumps(
                    {
                        "at": now.isoformat(),
                        "folder": str(folder),
                        "name": written.path.name,
                        "size": written.size,
                    }
                ),
            )
            tx.audit_only("backup", "vault", self._vault.vault_id)
        return made

    def last_backup(self) -> LastBackup | None:
        try:
            doc = json.loads(self._vault.setting(LAST_BACKUP))
            return LastBackup(
                dt.datetime.fromisoformat(doc["at"]),
                Path(doc["folder"]),
                str(doc["name"]),
                int(doc["size"]),
            )
        except (ValueError, KeyError, TypeError):
            return None

    def backup_overdue(self, today: dt.date | None = None) -> bool:
        """Whether the last backup is more than a week old, or there is none."""
        last = self.last_backup()
        day = today if today is not None else self.clock.today()
        return last is None or (day - last.when.date()) > OVERDUE_AFTER

    def status(self) -> BackupStatus:
        """ "Last backup: today 09:42", "Last backup: 9 days ago", or none yet."""
        last = self.last_backup()
        if last is None:
            return BackupStatus(NO_BACKUP_YET, True)
        days = (self.clock.today() - last.when.date()).days
        if days <= 0:
            text = f"Last backup: today {last.when:%H:%M}"
        elif days == 1:
            text = f"Last backup: yesterday {last.when:%H:%M}"
        else:
            text = f"Last backup: {days} days ago"
        overdue = self.backup_overdue()
        if overdue:
            text += ": back up soon (Records > Back up now…)"
        return BackupStatus(text, overdue)

    # ---- the schedule ----

    def schedule(self) -> BackupSchedule:
        try:
            doc = json.loads(self._vault.setting(SCHEDULE))
            folder = Path(doc["folder"]) if doc.get("folder") else None
            return BackupSchedule(folder, BackupFrequency(doc.get("every", "off")))
        except (ValueError, KeyError, TypeError, AttributeError):
            return BackupSchedule(None, BackupFrequency.OFF)

    def set_schedule(self, folder: Path | None, every: BackupFrequency) -> Saved[None]:
        """Where backups go and how often; a folder is needed unless backups are off."""
        if every is not BackupFrequency.OFF and folder is None:
            raise DomainError(NO_FOLDER)
        if folder is not None and not Path(folder).is_dir():
            raise DomainError(f"The folder {folder} does not exist.")
        value = json.dumps({"folder": str(folder) if folder else "", "every": every.value})
        with self.uow.write() as tx:
            _put(tx.session, SCHEDULE, value)
        return Saved(tx.changes, None)

    def backup_due(self) -> bool:
        """Whether the schedule asks for a backup now (its folder there, its interval passed)."""
        schedule = self.schedule()
        interval = schedule.every.interval
        if interval is None or schedule.folder is None or not schedule.folder.is_dir():
            return False
        last = self.last_backup()
        return last is None or self.clock.now() - last.when >= interval

    def run_due_backup(self, progress: Progress | None = None) -> BackupMade | None:
        """The scheduled backup, if one is due (the app calls this at unlock and on a timer)."""
        if not self.backup_due():
            return None
        return self.back_up_now(None, progress)


def _put(session: Session, key: str, value: str) -> None:
    row = session.get(VaultSetting, key)
    if row is None:
        session.add(VaultSetting(key=key, value=value))
    else:
        row.value = value


def _free_name(folder: Path, now: dt.datetime) -> Path:
    """The backup's file name in `folder`, with -2, -3... if one was made the same second."""
    target = folder / backup_file_name(now)
    n = 2
    while os.path.lexists(target):
        target = folder / backup_file_name(now).replace(SUFFIX, f"-{n}{SUFFIX}")
        n += 1
    return target


def list_backups(folder: Path) -> list[BackupListed]:
    """The backups in `folder`, newest first (read from their headers, no secret needed; a
    file that is not a backup is left out)."""
    found: list[BackupListed] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return []
    for entry in entries:
        if not entry.name.endswith(SUFFIX) or entry.name.startswith("."):
            continue
        path = Path(entry.path)
        try:
            header = backup_header(path)
            size = entry.stat(follow_symlinks=False).st_size
        except (VaultError, OSError):
            continue
        made = header.created_at.astimezone().replace(tzinfo=None)
        found.append(BackupListed(path, entry.name, made, size, header.vault_id))
    return sorted(found, key=lambda b: (b.made_at, b.name), reverse=True)


def latest_backup(folder: Path, vault_id: str | None = None) -> BackupListed | None:
    """The newest backup in `folder` (of that vault, if named): what a damaged vault offers."""
    for listed in list_backups(folder):
        if vault_id is None or listed.vault_id == vault_id:
            return listed
    return None


def restore_into_new_folder(
    backup: Path, folder: Path, secret: str, progress: Progress | None = None
) -> RestoredVault:
    """Restore a backup into a new vault folder (anyone who knows a passphrase or the
    recovery key that opens the backup): see `storage/restore.py`."""
    return restore_backup(backup, folder, secret, progress=progress)


__all__ = [
    "NO_BACKUP_YET",
    "BackupDamaged",
    "BackupError",
    "BackupFrequency",
    "BackupListed",
    "BackupMade",
    "BackupSchedule",
    "BackupService",
    "BackupStatus",
    "LastBackup",
    "NotABackup",
    "RestoredVault",
    "WrongPassphrase",
    "latest_backup",
    "list_backups",
    "restore_into_new_folder",
]
