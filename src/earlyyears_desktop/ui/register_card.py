"""One child's card on the register: name, the carer expected, the mark and its save state."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QFrame, QGridLayout, QHBoxLayout, QLabel, QPushButton, QVBoxLayout

from earlyyears_desktop.domain.enums import AttendanceStatus
from earlyyears_desktop.services.attendance import MarkState, RegisterCard

#: the buttons on a card, in order, with the key that makes the same mark
MARKS: tuple[tuple[AttendanceStatus, str, str], ...] = (
    (AttendanceStatus.PRESENT, "Present", "P"),
    (AttendanceStatus.LATE, "Late", "L"),
    (AttendanceStatus.APOLOGIES, "Apologies", "A"),
    (AttendanceStatus.DID_NOT_ATTEND, "Did not attend", "D"),
    (AttendanceStatus.LEFT_EARLY, "Left early", "E"),
)
SHORT_LABELS = {
    AttendanceStatus.DID_NOT_ATTEND: "DNA",
}

CARD_MIN_WIDTH = 340
CARD_STYLE = """
ChildCard { background: #ffffff; border: 2px solid #c9ced6; border-radius: 10px; }
ChildCard[current="true"] { border: 4px solid #1f5fbf; }
ChildCard[mark="present"] { background: #e3f4e6; }
ChildCard[mark="late"] { background: #fff2d6; }
ChildCard[mark="left_early"] { background: #efe6f7; }
ChildCard[mark="apologies"] { background: #e8edf3; }
ChildCard[mark="did_not_attend"] { background: #fbe3e3; }
ChildCard[ended="true"] { background: #f2f2f2; }
ChildCard QLabel#name { font-size: 20px; font-weight: 600; color: #111; }
ChildCard QLabel#carer { font-size: 14px; color: #333; }
ChildCard QLabel#state { font-size: 14px; color: #222; }
ChildCard QLabel#saved { font-size: 14px; color: #1d6b2c; font-weight: 600; }
ChildCard QLabel#saved[error="true"] { color: #a11b1b; }
ChildCard QLabel#badge { font-size: 12px; color: #fff; background: #6b6f76;
    border-radius: 6px; padding: 1px 6px; }
ChildCard QPushButton { min-height: 44px; font-size: 14px; border: 1px solid #9aa3ad;
    border-radius: 6px; background: #fafbfc; padding: 0 4px; }
ChildCard QPushButton:checked { background: #1f5fbf; color: white; border-color: #1f5fbf; }
ChildCard QPushButton:disabled { color: #999; }
ChildCard QPushButton#details { min-height: 30px; font-size: 13px; }
"""


class ChildCard(QFrame):
    """A card; it never saves anything itself: it asks the register through its signals."""

    chosen = Signal(str)
    mark_requested = Signal(str, str)
    details_requested = Signal(str)

    def __init__(self, card: RegisterCard, parent: QFrame | None = None) -> None:
        super().__init__(parent)
        self.child_id = card.child_id
        self.info = card
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setProperty("current", False)
        self.setMinimumWidth(CARD_MIN_WIDTH)

        self.name = QLabel(card.display_name, objectName="name")
        self.badge = QLabel(objectName="badge")
        self.badge.setVisible(False)
        self.carer = QLabel(objectName="carer")
        self.state = QLabel(objectName="state")
        self.saved = QLabel(objectName="saved")
        self.details = QPushButton("Details…", objectName="details")
        self.details.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.details.setToolTip("Who came, arrival time and a note (Enter)")
        self.details.clicked.connect(lambda: self.details_requested.emit(self.child_id))

        top = QHBoxLayout()
        top.addWidget(self.name, 1)
        top.addWidget(self.badge)
        top.addWidget(self.saved)
        buttons = QGridLayout()
        buttons.setSpacing(4)
        self.buttons: dict[str, QPushButton] = {}
        for column, (status, label, key) in enumerate(MARKS):
            button = QPushButton(SHORT_LABELS.get(status, label))
            button.setCheckable(True)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.setToolTip(f"{label} ({key})")
            button.setAccessibleName(label)
            button.clicked.connect(
                lambda _checked=False, s=status.value: self.mark_requested.emit(self.child_id, s)
            )
            buttons.addWidget(button, 0, column)
            buttons.setColumnStretch(column, 3 if status == AttendanceStatus.APOLOGIES else 2)
            self.buttons[status.value] = button
        bottom = QHBoxLayout()
        bottom.addWidget(self.state, 1)
        bottom.addWidget(self.details)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 10)
        layout.setSpacing(6)
        layout.addLayout(top)
        layout.addWidget(self.carer)
        layout.addLayout(buttons)
        layout.addLayout(bottom)

        if card.is_visitor:
            self._badge("Visitor")
        elif card.enrolment_ended:
            self._badge("Enrolment ended")
            self.setProperty("ended", True)
        expected = card.expected_carer
        self.carer.setText(f"Expected with {expected}" if expected else "No carer recorded")

    def _badge(self, text: str) -> None:
        self.badge.setText(text)
        self.badge.setVisible(True)

    def show_mark(self, mark: MarkState, *, saving: bool, error: str = "") -> None:
        status = mark.status or ""
        for value, button in self.buttons.items():
            button.setChecked(value == status)
        parts = []
        if status:
            parts.append(AttendanceStatus(status).label)
            if mark.arrived_at and AttendanceStatus(status).attended:
                parts.append(f"{mark.arrived_at:%H:%M}")
            if mark.came_with:
                parts.append(f"with {mark.came_with}")
            if mark.note:
                parts.append("note ✎")
        else:
            parts.append("Not marked yet")
        self.state.setText(" · ".join(parts))
        if error:
            self.saved.setText("Not saved ✗")
            self.saved.setToolTip(error)
        elif saving:
            self.saved.setText("Saving…")
        elif status or mark != MarkState(None):
            self.saved.setText("Saved ✓")
        else:
            self.saved.setText("")
        self.saved.setProperty("error", bool(error))
        self._set_property("mark", status)

    def set_current(self, current: bool) -> None:
        self._set_property("current", current)

    def set_markable(self, markable: bool) -> None:
        for button in self.buttons.values():
            button.setEnabled(markable)
        self.details.setEnabled(markable)

    def _set_property(self, name: str, value: object) -> None:
        if self.property(name) == value:
            return
        self.setProperty(name, value)
        self.style().unpolish(self)
        self.style().polish(self)
        for label in (self.saved,):
            label.style().unpolish(label)
            label.style().polish(label)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self.chosen.emit(self.child_id)
        super().mousePressEvent(event)
