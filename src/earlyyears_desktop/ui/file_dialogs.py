"""Every file and folder chooser of the app: each kind starts in the folder it last used.

The folder is kept in the vault's desktop preferences (`Preferences.remember_folder`): a folder
only, never a file's name, since a file's name may hold a child's name.

Qt's own file dialog keeps a history of its own: when one is destroyed it writes the folders
visited, the last one and its sidebar to `QSettings(UserScope, "QtProject")`, that is
`~/.config/QtProject.conf` (the registry on Windows), and nothing turns that off. So
`keep_qt_settings_private()` points Qt's per-user settings at a place that cannot be written
(below the null device): the app keeps no settings there (its own are in named INI files), and
Qt's dialogs then leave no trace. The dialogs are Qt's own, never the platform's: a native
chooser adds the files saved to the desktop's "recent files" list (GTK's
`recently-used.xbel`, Windows' Explorer history), names included.
"""

from __future__ import annotations

import os
from enum import StrEnum
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QFileDialog, QWidget

from earlyyears_desktop.ui.preferences import Preferences


class FolderKind(StrEnum):
    """What a chooser is for: each kind remembers its own folder."""

    BUNDLES = "bundles"  # sync bundles and enrolment files
    BACKUPS = "backups"
    DOCUMENTS = "documents"  # handouts, letters, plans and other PDFs
    SPREADSHEETS = "spreadsheets"


#: where Qt's per-user settings go: a folder below the null device, which no one can make
NOWHERE = os.path.join(os.devnull, "qt-settings")


def keep_qt_settings_private() -> None:
    """Qt's per-user settings (the file dialog's history) are written nowhere. Safe to call
    again; the app calls it at start and before each chooser."""
    for kind in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        QSettings.setPath(kind, QSettings.Scope.UserScope, NOWHERE)
    # On Windows and macOS the native format is the registry or a plist, which setPath does
    # not move: Qt's QSettings(scope, organisation) then uses the INI format, moved above.
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)


def start_folder(folders: Preferences | None, kind: FolderKind, start: Path | None = None) -> Path:
    """`start` if given and still there, else the folder `kind` last used, else home."""
    if start is not None and start.is_dir():
        return start
    remembered = folders.last_folder(kind) if folders is not None else None
    return remembered or Path.home()


def _run(dialog: QFileDialog, folders: Preferences | None, kind: FolderKind) -> Path | None:
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
    try:
        chosen = dialog.selectedFiles() if dialog.exec() else []
    finally:
        dialog.deleteLater()
    if not chosen:
        return None
    path = Path(chosen[0])
    if folders is not None:
        folder = path if dialog.fileMode() == QFileDialog.FileMode.Directory else path.parent
        folders.remember_folder(kind, folder)
    return path


def _dialog(parent: QWidget | None, title: str, folder: Path, filter_text: str) -> QFileDialog:
    keep_qt_settings_private()
    dialog = QFileDialog(parent, title, str(folder), filter_text)
    dialog.setAccessibleName(title)
    return dialog


def open_file(
    parent: QWidget | None,
    folders: Preferences | None,
    kind: FolderKind,
    title: str,
    filter_text: str,
    start: Path | None = None,
) -> Path | None:
    """A file to open, or None if cancelled."""
    dialog = _dialog(parent, title, start_folder(folders, kind, start), filter_text)
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptOpen)
    dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
    return _run(dialog, folders, kind)


def save_file(
    parent: QWidget | None,
    folders: Preferences | None,
    kind: FolderKind,
    title: str,
    suggested: str,
    filter_text: str,
    suffix: str = "",
) -> Path | None:
    """Where to save a file (`suggested` is its name, in the folder last used), or None.
    With a `suffix` (".pdf"), a name typed without it gets it: from the dialog, before it asks
    whether to replace a file of that name, or, for a name with a dot of its own ("Review 1.2"),
    added after it."""
    folder = start_folder(folders, kind)
    dialog = _dialog(parent, title, folder, filter_text)
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    dialog.setFileMode(QFileDialog.FileMode.AnyFile)
    dialog.selectFile(str(folder / suggested))
    if suffix:
        dialog.setDefaultSuffix(suffix.lstrip("."))
    path = _run(dialog, folders, kind)
    if path is not None and suffix and path.suffix.lower() != suffix:
        path = path.with_name(path.name + suffix)
    return path


def choose_folder(
    parent: QWidget | None,
    folders: Preferences | None,
    kind: FolderKind,
    title: str,
    start: Path | None = None,
) -> Path | None:
    """A folder, or None if cancelled."""
    dialog = _dialog(parent, title, start_folder(folders, kind, start), "")
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptOpen)
    dialog.setFileMode(QFileDialog.FileMode.Directory)
    dialog.setOption(QFileDialog.Option.ShowDirsOnly, True)
    return _run(dialog, folders, kind)
