"""File dialogs remember their folder in the vault's desktop preferences, and Qt writes
nothing to ~/.config/QtProject.conf; the preferences file is 0600 whatever the umask."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from earlyyears_desktop.ui.preferences import PREFERENCES_NAME, Preferences

from ..fast_vaults import make_vault

#: run in a process of its own: Qt reads where its settings go from HOME and XDG_CONFIG_HOME
#: once, at the first QSettings
CHOOSE_TWICE = r"""
import sys
from pathlib import Path

from PySide6.QtCore import QEvent, QTimer
from PySide6.QtWidgets import QApplication, QFileDialog

from earlyyears_desktop.ui import file_dialogs
from earlyyears_desktop.ui.file_dialogs import FolderKind
from earlyyears_desktop.ui.preferences import Preferences
from fast_vaults import make_vault

root = Path(sys.argv[1])
app = QApplication([])
make_vault(root / "vault").vault.lock()
folders = Preferences(root / "vault")
usb = root / "usb stick"
usb.mkdir()
destroyed = []


def answer(act):
    def go():
        dialog = app.activeModalWidget()
        if not isinstance(dialog, QFileDialog):
            QTimer.singleShot(20, go)
            return
        dialog.destroyed.connect(lambda: destroyed.append(1))
        act(dialog)

    QTimer.singleShot(0, go)


def pick(dialog):
    dialog.setDirectory(str(usb))
    dialog.selectFile(str(usb / "Handouts for Zoë Nakamura"))
    dialog.accept()


started = []


def look(dialog):
    started.append(dialog.directory().absolutePath())
    dialog.reject()


def forget_dialogs():
    app.sendPostedEvents(None, QEvent.Type.DeferredDelete)


answer(pick)
saved = file_dialogs.save_file(
    None, folders, FolderKind.DOCUMENTS, "Save the handouts", "handouts.pdf", "PDF (*.pdf)", ".pdf"
)
forget_dialogs()
print("saved", saved)
answer(look)
file_dialogs.save_file(None, folders, FolderKind.DOCUMENTS, "Save", "x.pdf", "PDF (*.pdf)")
forget_dialogs()
answer(look)
file_dialogs.choose_folder(None, folders, FolderKind.BUNDLES, "Export to folder or USB stick")
forget_dialogs()
print("started", started[0])
print("bundles", started[1])
print("destroyed", len(destroyed))
"""


def test_a_dialog_starts_where_its_kind_last_chose_and_qt_keeps_no_history(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("EARLYYEARS_")}
    env |= {
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_DATA_HOME": str(home / ".local" / "share"),
        "QT_QPA_PLATFORM": "offscreen",
        "PYTHONPATH": os.pathsep.join(
            [str(Path(__file__).parents[1]), *(p for p in sys.path if p)]
        ),
    }
    done = subprocess.run(
        [sys.executable, "-c", CHOOSE_TWICE, str(tmp_path)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    lines = dict(line.split(" ", 1) for line in done.stdout.splitlines())
    usb = tmp_path / "usb stick"
    assert lines["saved"] == str(usb / "Handouts for Zoë Nakamura.pdf")
    assert lines["started"] == str(usb)  # the next dialog of that kind starts there
    assert lines["bundles"] == str(home)  # another kind has its own folder
    assert lines["destroyed"] == "3"  # Qt's dialogs were destroyed: their history was written
    assert [p for p in tmp_path.rglob("*") if p.name.startswith("QtProject")] == []
    assert not list(tmp_path.rglob("recently-used.xbel"))
    kept = (tmp_path / "vault" / PREFERENCES_NAME).read_text(encoding="utf-8")
    assert str(usb) in kept and "Zo" not in kept  # the folder only, not the file's name


@pytest.mark.parametrize("umask", [0o022, 0o002])
def test_desktop_preferences_are_0600_whatever_the_umask(tmp_path, umask):
    make_vault(tmp_path).vault.lock()
    before = os.umask(umask)
    try:
        preferences = Preferences(tmp_path)
        path = tmp_path / PREFERENCES_NAME
        preferences.high_contrast = True
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        preferences.auto_lock_minutes = 12
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        preferences.remember_folder("bundles", tmp_path)
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert Preferences(tmp_path).last_folder("bundles") == tmp_path
        assert Preferences(tmp_path).auto_lock_minutes == 12
    finally:
        os.umask(before)


def test_a_remembered_folder_that_is_gone_is_not_offered(tmp_path):
    make_vault(tmp_path / "vault").vault.lock()
    gone = tmp_path / "usb"
    gone.mkdir()
    Preferences(tmp_path / "vault").remember_folder("backups", gone)
    gone.rmdir()
    assert Preferences(tmp_path / "vault").last_folder("backups") is None


def test_no_file_dialog_is_opened_but_through_the_helper():
    """Qt's static choosers use the platform's dialog and keep a history: only
    ui/file_dialogs.py may make a QFileDialog."""
    ui = Path(__file__).resolve().parents[2] / "src" / "earlyyears_desktop" / "ui"
    users = sorted(p.name for p in ui.glob("*.py") if "QFileDialog" in p.read_text("utf-8"))
    assert users == ["file_dialogs.py"]


@pytest.mark.parametrize(
    ("typed", "saved"), [("notes", "notes.pdf"), ("Review 1.2", "Review 1.2.pdf")]
)
def test_a_name_typed_without_its_suffix_gets_it_and_keeps_its_own_dots(
    qtbot, tmp_path: Path, typed: str, saved: str
) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QFileDialog

    from earlyyears_desktop.ui import file_dialogs
    from earlyyears_desktop.ui.file_dialogs import FolderKind

    folders = Preferences(tmp_path / "vault")
    folders.remember_folder(FolderKind.DOCUMENTS.value, tmp_path)

    def answer() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, QFileDialog):
            QTimer.singleShot(20, answer)
            return
        dialog.selectFile(str(tmp_path / typed))
        dialog.accept()

    QTimer.singleShot(0, answer)
    chosen = file_dialogs.save_file(
        None, folders, FolderKind.DOCUMENTS, "Save", "handout.pdf", "PDF (*.pdf)", ".pdf"
    )
    assert chosen == tmp_path / saved
