"""The register's side panel: who of the staff is present, and the session's notes.

Both are saved a moment after the typing stops (`NOTES_SAVE_DELAY_MS`), and at once when the
page closes or the vault locks (`flush_pending`).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from earlyyears_desktop.domain.enums import SessionStatus
from earlyyears_desktop.services.attendance import Register
from earlyyears_desktop.services.container import Services
from earlyyears_desktop.services.unit_of_work import Changes
from earlyyears_desktop.ui.error_text import error_text
from earlyyears_desktop.ui.operations import OpRunner

NOTES_SAVE_DELAY_MS = 1200
#: the width of the staff-and-notes panel
SIDE_WIDTH = 260


class SessionNotesPanel(QWidget):
    """Staff present (ticked from the group's staff, or typed) and the session notes."""

    def __init__(
        self,
        services: Services,
        runner: OpRunner,
        session_id: str,
        *,
        own_changes: Callable[[Changes], Changes],
        retired: Callable[[], bool],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.services = services
        self.runner = runner
        self.session_id = session_id
        #: marks a change as made here (already on screen), so the register does not reload
        self._own_changes = own_changes
        #: true once the register is retired: late results are dropped
        self._retired = retired
        self.setFixedWidth(SIDE_WIDTH)
        self.staff_list = QListWidget()
        self.staff_list.setAccessibleName("Staff present")
        self.staff_list.setAccessibleDescription(
            "Tick who of the staff is here: Space ticks the highlighted name"
        )
        self.staff_list.setStyleSheet(
            "QListWidget { font-size: 14px } QListWidget::item { padding: 4px }"
        )
        self.staff_list.itemChanged.connect(lambda _item: self._details_edited())
        self.staff_extra = QLineEdit()
        self.staff_extra.setPlaceholderText("Someone else: type a name, press Enter")
        self.staff_extra.setAccessibleName("Someone else present")
        self.staff_extra.setAccessibleDescription(
            "Type the name of someone else who is here and press Enter to add them"
        )
        self.staff_extra.returnPressed.connect(self._add_staff_name)
        self.notes = QPlainTextEdit()
        # Tab goes on to the next control, as everywhere else: it is never typed into the
        # notes (and autosaved). Ctrl+Tab would type one, as in any Qt text box.
        self.notes.setTabChangesFocus(True)
        self.notes.setAccessibleName("Session notes")
        self.notes.setAccessibleDescription(
            "How the session went, saved as you type. Tab moves on; Control Shift S goes "
            "back to the cards"
        )
        self.notes.setPlaceholderText("How the session went, anything to follow up")
        self.notes.textChanged.connect(self._details_edited)
        self.details_state = QLabel()
        self.details_state.setAccessibleName("Staff and notes saved or not")
        self._details_timer = QTimer(self, singleShot=True, interval=NOTES_SAVE_DELAY_MS)
        self._details_timer.timeout.connect(self.save)
        self._loading_details = False

        side_layout = QVBoxLayout(self)
        side_layout.setContentsMargins(0, 0, 0, 0)
        staff_title = QLabel("<b>Staff present</b>")
        staff_title.setBuddy(self.staff_list)
        side_layout.addWidget(staff_title)
        side_layout.addWidget(self.staff_list, 1)
        side_layout.addWidget(self.staff_extra)
        notes_title = QLabel("<b>Session notes</b>")
        notes_title.setBuddy(self.notes)
        side_layout.addWidget(notes_title)
        side_layout.addWidget(self.notes, 2)
        side_layout.addWidget(self.details_state)

    def show_details(self, register: Register, staff_names: list[str]) -> None:
        self._loading_details = True
        present = [n for n in register.staff_present.splitlines() if n.strip()]
        self.staff_list.clear()
        for name in list(dict.fromkeys(staff_names + present)):
            item = QListWidgetItem(name)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(
                Qt.CheckState.Checked if name in present else Qt.CheckState.Unchecked
            )
            self.staff_list.addItem(item)
        if self.notes.toPlainText() != register.notes:
            self.notes.setPlainText(register.notes)
        self._loading_details = False
        enabled = register.status != SessionStatus.CANCELLED
        self.staff_list.setEnabled(enabled)
        self.notes.setEnabled(enabled)
        self.staff_extra.setEnabled(enabled)

    def _add_staff_name(self) -> None:
        name = self.staff_extra.text().strip()
        if not name:
            return
        item = QListWidgetItem(name)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(Qt.CheckState.Checked)
        self.staff_list.addItem(item)
        self.staff_extra.clear()
        self.save()

    def _details_edited(self) -> None:
        if self._loading_details:
            return
        self.details_state.setText("Saving…")
        self._details_timer.start()

    def staff_present(self) -> list[str]:
        return [
            self.staff_list.item(i).text()
            for i in range(self.staff_list.count())
            if self.staff_list.item(i).checkState() == Qt.CheckState.Checked
        ]

    def save(self) -> None:
        self._details_timer.stop()
        attendance, session_id = self.services.attendance, self.session_id
        staff, notes = "\n".join(self.staff_present()), self.notes.toPlainText()
        self.details_state.setText("Saving…")
        self.runner.run(
            lambda: attendance.set_session_details(session_id, staff_present=staff, notes=notes),
            on_done=lambda _c: self._details_said("Saved ✓"),
            on_error=lambda e: self._details_said(f"Not saved: {error_text(e)}"),
            changes=lambda saved: self._own_changes(saved.changes),
        )

    def _details_said(self, text: str) -> None:
        if not self._retired():
            self.details_state.setText(text)

    def flush_pending(self) -> None:
        """Save notes being typed now (before the page is closed or the vault locked)."""
        if self._details_timer.isActive():
            self.save()

    def clear_personal_data(self) -> None:
        self._details_timer.stop()
        self.staff_list.clear()
        self.notes.clear()
