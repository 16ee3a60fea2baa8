"""Screenshots of the register's notes, for docs/user-guide.md (called by scripts/screenshots.py).

`register_note_shots` is called with the main window on the demo vault, showing today's
register in "Register only": it writes two notes through the register as a group leader would
(N, type, save), then opens the note box on another child and saves the window with the
box drawn where it sits over the register (`register-note.png`). Every name is the demo's.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPoint
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget

from earlyyears_desktop.ui.register import RegisterView

NOTES = (
    ("Built a tower of five bricks and knocked it down laughing", True),
    ("Signed 'more' at snack time without a prompt", False),
)
TYPED = "Joined in with the hello song and clapped her name"


def register_note_shots(app: QApplication, window: QWidget, view: RegisterView, out: Path) -> None:
    from screenshots import wait_until  # the runner of all the shots

    # Notes on the first and third cards of the top row; the box opens for the one between.
    for index, (text, shared) in zip((0, 2), NOTES, strict=True):
        view.current = index
        view.write_note()
        dialog = view.observations.dialog
        assert dialog is not None
        wait_until(app, dialog.isVisible)
        dialog.text.setPlainText(text)
        dialog.share.setChecked(shared)
        dialog.request_save()  # as Ctrl+Return does
        wait_until(app, lambda: view.observations.dialog is None and view.runner.running == 0)

    view.current = 1
    view.write_note()
    dialog = view.observations.dialog
    assert dialog is not None
    wait_until(app, dialog.isVisible)
    QTest.keyClicks(dialog.text, TYPED)
    dialog.share.setChecked(True)

    picture = window.grab()
    box = dialog.grab()
    # Where the box sits over the window; centred when the platform placed it elsewhere.
    at = dialog.frameGeometry().topLeft() - window.geometry().topLeft()
    if not picture.rect().contains(at) or not picture.rect().contains(
        at + box.rect().bottomRight()
    ):
        at = QPoint((picture.width() - box.width()) // 2, (picture.height() - box.height()) // 2)
    painter = QPainter(picture)
    painter.drawPixmap(at, box)
    painter.setPen(QPen(QColor("#6b6f76"), 1))
    painter.drawRect(at.x(), at.y(), box.width() - 1, box.height() - 1)
    painter.end()
    path = out / "register-note.png"
    picture.save(str(path), "PNG", 9)
    print(f"{path}  {path.stat().st_size // 1024} KiB")
    dialog.reject()
    wait_until(app, lambda: view.observations.dialog is None)
