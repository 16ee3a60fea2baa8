"""The register's two small dialogs: a child's mark details, and adding a visitor."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import QTime
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from earlyyears_desktop.domain.enums import AttendanceStatus
from earlyyears_desktop.services.attendance import MarkState, RegisterCard
from earlyyears_desktop.services.container import Services
from earlyyears_desktop.ui.child_search import ChildSearch
from earlyyears_desktop.ui.enum_combo import EnumCombo
from earlyyears_desktop.ui.operations import OpRunner
from earlyyears_desktop.ui.widgets import described


class MarkDetailsDialog(QDialog):
    """Mark, who came with the child, arrival time and a note. Saving is the register's job."""

    def __init__(
        self,
        card: RegisterCard,
        mark: MarkState,
        now: dt.time,
        parent: QWidget | None = None,
    ):
        """`now` is the services' clock's time, offered as the arrival time of a new mark."""
        super().__init__(parent)
        self.setWindowTitle("Attendance details")
        self.setMinimumWidth(420)
        self.card = card
        self.status = EnumCombo(
            AttendanceStatus, "Mark", value=mark.status or AttendanceStatus.PRESENT.value
        )
        self.came_with = QComboBox()
        self.came_with.setEditable(True)
        self.came_with.addItems(list(card.carers))
        self.came_with.setCurrentText(mark.came_with or card.expected_carer)
        typed = self.came_with.lineEdit()
        if typed is not None:  # an editable combo box has one
            typed.setPlaceholderText("Choose a carer or type a name")
        self.came_with.setAccessibleName("Came with")
        self.has_time = QCheckBox("&Arrived at")
        self.has_time.setToolTip("Untick to clear the arrival time")
        self.has_time.setAccessibleName("Record an arrival time")
        self.has_time.setAccessibleDescription("Untick to clear the arrival time")
        self.arrived = QTimeEdit()
        self.arrived.setDisplayFormat("HH:mm")
        described(
            self.arrived,
            "Arrival time",
            "When the child arrived, hours and minutes: Up and Down change it",
        )
        time = mark.arrived_at or now
        self.arrived.setTime(QTime(time.hour, time.minute))
        self.has_time.setChecked(mark.arrived_at is not None or mark.status is None)
        self.arrived.setEnabled(self.has_time.isChecked())
        self.has_time.toggled.connect(self.arrived.setEnabled)
        self.note = QLineEdit(mark.note)
        self.note.setPlaceholderText("A short note (optional)")
        self.note.setAccessibleName("Note")
        self.note.setAccessibleDescription("About the child's attendance today, optional")
        self.came_with.setAccessibleDescription("The carer who brought the child")
        form = QFormLayout()
        form.addRow("&Mark:", self.status)
        form.addRow("&Came with:", self.came_with)
        form.addRow(self.has_time, self.arrived)
        form.addRow("&Note:", self.note)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        title = QLabel(f"<b>{_escape(card.display_name)}</b>")
        title.setStyleSheet("font-size: 18px")
        layout.addWidget(title)
        layout.addLayout(form)
        layout.addWidget(buttons)

    def values(self) -> dict[str, Any]:
        time = self.arrived.time()
        return {
            "status": self.status.currentData(),
            "came_with": self.came_with.currentText().strip(),
            "arrived_at": dt.time(time.hour(), time.minute())
            if self.has_time.isChecked()
            else None,
            "note": self.note.text().strip(),
        }


class VisitorDialog(QDialog, ChildSearch):
    """Find a child who is not enrolled in this group, to add them to the register."""

    def __init__(self, services: Services, runner: OpRunner, parent: QWidget | None = None):
        super().__init__(parent)
        self.services = services
        self.runner = runner
        self.setWindowTitle("Add a visitor")
        self.setMinimumSize(420, 360)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Type part of the child's name")
        self.search.setAccessibleName("Find a child by name")
        self.search.setAccessibleDescription(
            "Type part of the name; the first child found is chosen, Enter adds them"
        )
        self.results = described(
            QListWidget(),
            "Children found",
            "The children whose name holds what is typed above, not in this group: choose one "
            "with Up and Down, Enter adds them as a visitor",
        )
        self.results.itemActivated.connect(lambda _item: self.accept())
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        add = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        add.setText("Add as visitor")
        add.setAccessibleName("Add as visitor")
        add.setAccessibleDescription("Add the child chosen to this register, marked present")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("A visitor is a child who is not enrolled in this group."))
        layout.addWidget(self.search)
        layout.addWidget(self.results, 1)
        layout.addWidget(self.buttons)
        self.search_as_typed()

    def child_text(self, row: Any) -> str:
        return f"{row.display_name}  ({row.date_of_birth:%d %b %Y})"

    def clear(self) -> None:
        self.search.clear()
        self.results.clear()


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
