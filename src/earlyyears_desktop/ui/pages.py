"""What every page of the main window promises, and the plain page for work not built yet."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from earlyyears_desktop.ui.widgets import heading


@runtime_checkable
class Page(Protocol):
    """A page of the main window.

    `clear_personal_data()` empties every model, field and label that could show a child's or
    family's details (called before the vault locks). `reload()` reads afresh from the
    services (called when the page is shown).
    """

    def clear_personal_data(self) -> None: ...

    def reload(self) -> None: ...


class PlannedPage(QWidget):
    """A page nobody has built yet: it says plainly what it will hold, and offers nothing."""

    def __init__(self, title: str, will_hold: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(title)
        layout = QVBoxLayout(self)
        layout.addWidget(heading(title))
        text = QLabel(will_hold)
        text.setWordWrap(True)
        text.setTextFormat(Qt.TextFormat.PlainText)
        text.setAccessibleName(f"{title}: what this page will hold")
        text.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        layout.addWidget(text)
        note = QLabel("This part of the app is not ready yet. Nothing here is saved or shown.")
        note.setWordWrap(True)
        note.setEnabled(False)
        layout.addWidget(note)
        layout.addStretch(1)

    def clear_personal_data(self) -> None:
        """Nothing personal is ever shown here."""

    def reload(self) -> None:
        """Nothing to read."""
