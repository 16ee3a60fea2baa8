"""This laptop's display preferences (no personal data): auto-lock time, high contrast, the
folder each kind of file dialog last used, the register's keyboard.

Kept in a small INI file beside the vault, so each vault folder (and each test's temporary
folder) has its own, and nothing goes to a shared registry. The file is 0600 whatever the
umask, like every file the product writes: Qt writes it through a temporary file renamed over
the old one, so each write runs under a private umask and is followed by a chmod.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings, QStandardPaths

if TYPE_CHECKING:
    from earlyyears_desktop.services.container import Services

DEFAULT_AUTO_LOCK_MINUTES = 5
#: "After marking, move to the next child who is not marked" when nothing is set: at a busy
#: door a group leader working by keyboard marks child after child (P, P, A, P…); with the
#: setting off every mark needs an arrow key too, and the highlight stays on a child who is
#: done. A slip (a key pressed twice) is named on the status line and undone by Ctrl+Z.
DEFAULT_MOVE_TO_NEXT_UNMARKED = True
PREFERENCES_NAME = "desktop-preferences.ini"
#: the app's own settings file (which vault it opens), in the user's configuration folder
MEMORY_NAME = "earlyyears-desktop.ini"


@contextlib.contextmanager
def private_umask() -> Iterator[None]:
    """Files made inside are 0600 at birth (folders 0700), not only after a chmod."""
    before = os.umask(0o077)
    try:
        yield
    finally:
        os.umask(before)


def write_settings(settings: QSettings, path: Path) -> None:
    """Write `settings` to `path` now, 0600 whatever the umask."""
    with private_umask():
        settings.sync()
    if path.exists():
        path.chmod(0o600)


class Preferences:
    def __init__(self, vault_folder: Path) -> None:
        self._folder = Path(vault_folder)
        self._settings: QSettings | None = None

    def _store(self) -> QSettings | None:
        # The folder belongs to the vault: write nothing there until the vault exists.
        if self._settings is None and (self._folder / "keyslots.json").is_file():
            self._settings = QSettings(str(self.path), QSettings.Format.IniFormat)
        return self._settings

    def _get(self, key: str, default: object) -> object:
        store = self._store()
        return store.value(key, default) if store else default

    def _set(self, key: str, value: object) -> None:
        store = self._store()
        if store is not None:
            store.setValue(key, value)
            write_settings(store, self.path)

    def _flag(self, key: str, default: bool) -> bool:
        return str(self._get(key, "true" if default else "false")).lower() == "true"

    def _set_flag(self, key: str, on: bool) -> None:
        self._set(key, "true" if on else "false")

    @property
    def path(self) -> Path:
        return self._folder / PREFERENCES_NAME

    @property
    def auto_lock_minutes(self) -> int:
        stored = self._get("auto_lock_minutes", DEFAULT_AUTO_LOCK_MINUTES)
        # An INI file gives back a string; a hand-edited one may hold anything.
        if not isinstance(stored, int | str | float):
            return DEFAULT_AUTO_LOCK_MINUTES
        try:
            minutes = int(stored)
        except ValueError:
            return DEFAULT_AUTO_LOCK_MINUTES
        return min(max(minutes, 1), 60)

    @auto_lock_minutes.setter
    def auto_lock_minutes(self, minutes: int) -> None:
        self._set("auto_lock_minutes", int(minutes))

    @property
    def high_contrast(self) -> bool:
        return self._flag("high_contrast", False)

    @high_contrast.setter
    def high_contrast(self, on: bool) -> None:
        self._set_flag("high_contrast", on)

    @property
    def move_to_next_unmarked(self) -> bool:
        """The register: after a child's first mark, the keyboard moves to the next child
        who is not marked."""
        return self._flag("move_to_next_unmarked", DEFAULT_MOVE_TO_NEXT_UNMARKED)

    @move_to_next_unmarked.setter
    def move_to_next_unmarked(self, on: bool) -> None:
        self._set_flag("move_to_next_unmarked", on)

    @property
    def last_practitioner_id(self) -> str:
        return str(self._get("last_practitioner_id", ""))

    @last_practitioner_id.setter
    def last_practitioner_id(self, practitioner_id: str) -> None:
        self._set("last_practitioner_id", practitioner_id)

    @property
    def backup_folder(self) -> Path | None:
        """A copy of the backups folder chosen in Settings (a path, no personal data): the
        setting itself is inside the vault, which cannot be read if it is damaged, and the
        unlock screen then still names the latest backup."""
        stored = self._get("backup_folder", "")
        return Path(stored) if isinstance(stored, str) and stored else None

    @backup_folder.setter
    def backup_folder(self, folder: Path | None) -> None:
        self._set("backup_folder", str(folder) if folder else "")

    @property
    def first_steps_hidden(self) -> bool:
        """The Today page's first-steps guide: hidden by the user, or its steps done."""
        return self._flag("first_steps_hidden", False)

    @first_steps_hidden.setter
    def first_steps_hidden(self, hidden: bool) -> None:
        self._set_flag("first_steps_hidden", hidden)

    def last_folder(self, kind: str) -> Path | None:
        """The folder the file dialog for `kind` (bundles, backups...) last used, if it is
        still there. Only folders are kept: a file's name may hold a child's name."""
        stored = self._get(f"folders/{kind}", "")
        if not isinstance(stored, str) or not stored:
            return None
        folder = Path(stored)
        return folder if folder.is_dir() else None

    def remember_folder(self, kind: str, folder: Path) -> None:
        self._set(f"folders/{kind}", str(Path(folder).absolute()))


def preferences_of(services: Services) -> Preferences:
    """The desktop preferences of the open vault (its folder's INI file)."""
    return Preferences(services.vault.paths.folder)


class VaultMemory:
    """Which vault folder this app opens (a path, no personal data), kept in the user's own
    configuration folder: set when a backup is restored into a new folder, read at start when
    no `--vault` is given. A test names its own file."""

    def __init__(self, path: Path | None = None) -> None:
        if path is None:
            config = QStandardPaths.writableLocation(
                QStandardPaths.StandardLocation.AppConfigLocation
            )
            path = Path(config) / MEMORY_NAME
        self.path = path

    def _settings(self) -> QSettings:
        return QSettings(str(self.path), QSettings.Format.IniFormat)

    @property
    def vault_folder(self) -> Path | None:
        """The folder remembered, if it still holds a vault."""
        stored = self._settings().value("vault_folder", "")
        if not isinstance(stored, str) or not stored:
            return None
        folder = Path(stored)
        return folder if (folder / "keyslots.json").is_file() else None

    def remember(self, folder: Path) -> None:
        self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        settings = self._settings()
        settings.setValue("vault_folder", str(Path(folder).absolute()))
        write_settings(settings, self.path)
