"""One child's card on the register, compact so that a whole group fits on a laptop screen.

Three rows: the child's name with the carer expected (or, once marked, the mark, arrival time
and who came) and the save state; the five mark buttons, Details and Note; then, in small
print, the notes written about the child at this session (how many, and the latest's first
line). Every row counts: a group of 14 still fits a 1366 x 768 screen in "Register only".
"""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize, Qt, Signal
from PySide6.QtGui import QColor, QMouseEvent, QPainter, QPaintEvent, QResizeEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from earlyyears_desktop.domain.enums import AttendanceStatus
from earlyyears_desktop.services.attendance import MarkState, RegisterCard
from earlyyears_desktop.services.observations import ObservationRow
from earlyyears_desktop.ui.key_button import KeyButton
from earlyyears_desktop.ui.widgets import described

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
#: the key that opens "Note…" on the highlighted card (no mark letter, no other shortcut)
NOTE_KEY = "N"
#: the key that opens "Details…" on the highlighted card
DETAILS_KEY = "Enter"
#: the most lines the carer expected (or the mark and who came) takes before "…"
STATE_LINES = 2
#: the most of one note a tooltip shows (the whole note is in the child's record)
TOOLTIP_NOTE_CHARS = 400
NO_NOTES = "No notes yet this session"
#: the most of a note's first line the card hands to its label (wider than any card)
FIRST_LINE_CHARS = 200

#: narrow enough for two cards side by side beside the staff panel, three in "Register only"
CARD_MIN_WIDTH = 380
#: every button on a card is at least this tall: a comfortable finger on a touch screen
TOUCH_HEIGHT = 40
CARD_STYLE = f"""
ChildCard {{ background: #ffffff; border: 2px solid #c9ced6; border-radius: 8px; }}
ChildCard[current="true"] {{ border: 3px solid #1f5fbf; }}
ChildCard[mark="present"] {{ background: #e3f4e6; }}
ChildCard[mark="late"] {{ background: #fff2d6; }}
ChildCard[mark="left_early"] {{ background: #efe6f7; }}
ChildCard[mark="apologies"] {{ background: #e8edf3; }}
ChildCard[mark="did_not_attend"] {{ background: #fbe3e3; }}
ChildCard[ended="true"] {{ background: #f2f2f2; }}
ChildCard QLabel#name {{ font-size: 17px; font-weight: 600; color: #111; }}
ChildCard QLabel#state {{ font-size: 13px; color: #333; }}
ChildCard QLabel#saved {{ font-size: 13px; color: #1d6b2c; font-weight: 600; }}
ChildCard QLabel#notes {{ font-size: 12px; color: #444; }}
ChildCard QLabel#notes[empty="true"] {{ color: #6b6f76; }}
ChildCard QLabel#saved[error="true"] {{ color: #a11b1b; }}
ChildCard QLabel#badge {{ font-size: 12px; color: #fff; background: #6b6f76;
    border-radius: 6px; padding: 1px 6px; }}
ChildCard QPushButton {{ min-height: {TOUCH_HEIGHT}px; font-size: 14px; color: #111;
    border: 1px solid #9aa3ad; border-radius: 6px; background: #fafbfc; padding: 0 3px; }}
ChildCard QPushButton:checked {{ background: #1f5fbf; color: white; border-color: #1f5fbf; }}
ChildCard QPushButton:disabled {{ color: #999; }}
ChildCard QPushButton#details, ChildCard QPushButton#note {{ font-size: 13px;
    color: #1f3f6f; }}
"""
#: the text colours of CARD_STYLE's buttons, for the key line the card's buttons draw
BUTTON_TEXT = {"plain": "#111", "checked": "#ffffff", "disabled": "#999", "link": "#1f3f6f"}


class CardButton(KeyButton):
    """A card's button, its key in small print under the label ("Present" over "P")."""

    def text_colour(self) -> QColor:
        if not self.isEnabled():
            return QColor(BUTTON_TEXT["disabled"])
        if self.isChecked():
            return QColor(BUTTON_TEXT["checked"])
        return QColor(BUTTON_TEXT["link" if self.objectName() else "plain"])


class TwoLineLabel(QLabel):
    """Plain text on one line, or wrapped onto a second when the card is too narrow; only a
    text longer than two lines ends in "…" (`text()` and the tooltip keep it all). A long
    carer's name ("Expected with Oluwaseun Adebayo-Richardson") is read whole at the door."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)

    def setText(self, text: str) -> None:
        super().setText(text)
        self.setToolTip(text)
        self._fit_height()

    def lines(self, width: int) -> list[str]:
        """The text as shown in `width` pixels: one line, or two (the second elided)."""
        metrics, text = self.fontMetrics(), self.text()
        if width <= 0 or metrics.horizontalAdvance(text) <= width:
            return [text]
        words = text.split(" ")
        first = words[0]
        for n in range(1, len(words)):
            wider = f"{first} {words[n]}"
            if metrics.horizontalAdvance(wider) > width:
                rest = " ".join(words[n:])
                break
            first = wider
        else:  # one word too long for a line: cut short
            return [metrics.elidedText(text, Qt.TextElideMode.ElideRight, width)]
        lines = [metrics.elidedText(first, Qt.TextElideMode.ElideRight, width), rest]
        lines[1] = metrics.elidedText(rest, Qt.TextElideMode.ElideRight, width)
        return lines[:STATE_LINES]

    def _fit_height(self) -> None:
        """One line's height, or two when the text needs them at the width it has now (a
        change of width or of text lays the card out again)."""
        margins = self.contentsMargins()
        count = len(self.lines(self.contentsRect().width()))
        needed = count * self.fontMetrics().lineSpacing() + margins.top() + margins.bottom()
        if self.minimumHeight() != needed:
            self.setMinimumHeight(needed)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_height()

    def minimumSizeHint(self) -> QSize:
        return QSize(0, self.fontMetrics().lineSpacing())

    def sizeHint(self) -> QSize:
        return QSize(self.fontMetrics().horizontalAdvance(self.text()), self.minimumHeight())

    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        rect = self.contentsRect()
        lines = self.lines(rect.width())
        step = self.fontMetrics().lineSpacing()
        top = rect.top() + max(0, (rect.height() - step * len(lines)) // 2)
        for n, line in enumerate(lines):
            self.style().drawItemText(
                painter,
                QRect(rect.left(), top + n * step, rect.width(), step),
                int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                self.palette(),
                self.isEnabled(),
                line,
                self.foregroundRole(),
            )


class ElidedLabel(QLabel):
    """A one-line label that shows "…" when narrow; `text()` and the tooltip keep it all."""

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.setTextFormat(Qt.TextFormat.PlainText)

    def setText(self, text: str) -> None:
        super().setText(text)
        self.setToolTip(text)

    def minimumSizeHint(self) -> QSize:
        return QSize(0, super().minimumSizeHint().height())

    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        rect = self.contentsRect()
        text = self.fontMetrics().elidedText(self.text(), Qt.TextElideMode.ElideRight, rect.width())
        self.style().drawItemText(
            painter,
            rect,
            int(self.alignment()),
            self.palette(),
            self.isEnabled(),
            text,
            self.foregroundRole(),
        )


class ChildCard(QFrame):
    """A card; it never saves anything itself: it asks the register through its signals."""

    chosen = Signal(str)
    mark_requested = Signal(str, str)
    details_requested = Signal(str)
    note_requested = Signal(str)

    def __init__(self, card: RegisterCard, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.child_id = card.child_id
        self.info = card
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setAccessibleName(card.display_name)
        self.setProperty("current", False)
        self.setMinimumWidth(CARD_MIN_WIDTH)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)

        self.name = QLabel(card.display_name)
        self.name.setObjectName("name")
        self.name.setTextFormat(Qt.TextFormat.PlainText)
        self.badge = QLabel()
        self.badge.setObjectName("badge")
        self.badge.setVisible(False)
        name = card.display_name
        self.name.setAccessibleName(f"Child: {name}")
        self.badge.setAccessibleName("About this child's place")
        #: the carer expected, or once marked: the mark, arrival time, who came, a note
        self.state = TwoLineLabel()
        self.state.setObjectName("state")
        self.state.setAccessibleName(f"{name}: expected with, or mark")
        self.saved = QLabel()
        self.saved.setObjectName("saved")
        self.saved.setAccessibleName(f"{name}: saved or not")
        self.details = CardButton(
            "Details…", DETAILS_KEY, f"Who came with {name}, arrival time and a note"
        )
        self.details.setObjectName("details")
        self.details.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.details.clicked.connect(lambda: self.details_requested.emit(self.child_id))
        self.note = CardButton(
            "Note…", NOTE_KEY, f"Write a note about what {name} did this session"
        )
        self.note.setObjectName("note")
        self.note.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        # Each card's buttons carry the child's name: a screen reader's list of buttons
        # would otherwise hold one "Present" per child.
        described(
            self.details,
            f"Details: {name}",
            f"Who came with {name}, arrival time and a note. The key Enter opens them for "
            "the highlighted child",
        )
        described(
            self.note,
            f"Note: {name}",
            f"Write a note about what {name} did this session. The key {NOTE_KEY} writes one "
            "for the highlighted child",
        )
        self.note.clicked.connect(lambda: self.note_requested.emit(self.child_id))
        #: the notes of this session: how many, and the latest's first line
        self.notes = ElidedLabel()
        self.notes.setObjectName("notes")
        self.notes.setAccessibleName("Notes this session")
        self.show_notes([])

        top = QHBoxLayout()
        top.setSpacing(8)
        top.addWidget(self.name)
        top.addWidget(self.state, 1)
        top.addWidget(self.badge)
        top.addWidget(self.saved)
        buttons = QHBoxLayout()
        buttons.setSpacing(4)
        self.buttons: dict[str, QPushButton] = {}
        for status, label, key in MARKS:
            button = CardButton(SHORT_LABELS.get(status, label), key)
            button.setCheckable(True)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.setToolTip(f"{label} ({key})")
            described(
                button,
                f"{label}: {name}",
                f"Mark {name}: {label.lower()}. The key {key} marks the highlighted child",
            )
            button.clicked.connect(
                lambda _checked=False, s=status.value: self.mark_requested.emit(self.child_id, s)
            )
            buttons.addWidget(button, 3 if status == AttendanceStatus.APOLOGIES else 2)
            self.buttons[status.value] = button
        buttons.addWidget(self.details, 2)
        buttons.addWidget(self.note, 2)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 5, 10, 5)
        layout.setSpacing(3)
        layout.addLayout(top)
        layout.addLayout(buttons)
        layout.addWidget(self.notes)

        if card.is_visitor:
            self._badge("Visitor")
        elif card.enrolment_ended:
            self._badge("Enrolment ended")
            self.setProperty("ended", True)

    def _badge(self, text: str) -> None:
        self.badge.setText(text)
        self.badge.setVisible(True)

    def carer_text(self) -> str:
        """What the card says before a mark: the carer to look out for at the door. A child
        whose enrolment has ended is not expected (its badge says so): only the carer is named."""
        carer = self.info.expected_carer
        if not carer:
            return "No carer recorded"
        return f"Carer: {carer}" if self.info.enrolment_ended else f"Expected with {carer}"

    def show_mark(self, mark: MarkState, *, saving: bool, error: str = "") -> None:
        status = mark.status or ""
        for value, button in self.buttons.items():
            button.setChecked(value == status)
        parts = []
        if status:
            first = AttendanceStatus(status).label
            if mark.arrived_at and AttendanceStatus(status).attended:
                first += f" {mark.arrived_at:%H:%M}"
            parts.append(first)
            if mark.came_with:
                parts.append(f"with {mark.came_with}")
            if mark.note:
                parts.append("note ✎")
        else:
            parts.append(self.carer_text())
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

    def show_notes(self, notes: list[ObservationRow]) -> None:
        """This session's notes about the child, newest first: a count and the latest's
        first line on the card; each note (long ones cut short) in the tooltip."""
        if not notes:
            self.notes.setText(NO_NOTES)
            self.notes.setAccessibleDescription(NO_NOTES)
            self._set_property("empty", True, self.notes)
            return
        count = "1 note" if len(notes) == 1 else f"{len(notes)} notes"
        text = notes[0].text.strip()
        # the label elides to its width; a 20,000-word note need not be measured to do so
        first_line = text.splitlines()[0][:FIRST_LINE_CHARS] if text else ""
        self.notes.setText(f"{count} · {first_line}")
        full = "\n\n".join(_tooltip_note(n) for n in notes)
        self.notes.setToolTip(f"{count} this session, newest first:\n\n{full}")
        self.notes.setAccessibleDescription(full)
        self._set_property("empty", False, self.notes)

    def set_current(self, current: bool) -> None:
        self._set_property("current", current)

    def set_markable(self, markable: bool) -> None:
        for button in self.buttons.values():
            button.setEnabled(markable)
        self.details.setEnabled(markable)
        # A note needs the day to have come (no note dated in the future) and a session that
        # is held: the same rule as a mark.
        self.note.setEnabled(markable)

    def _set_property(self, name: str, value: object, widget: QWidget | None = None) -> None:
        if widget is not None:
            if widget.property(name) != value:
                widget.setProperty(name, value)
                widget.style().unpolish(widget)
                widget.style().polish(widget)
            return
        if self.property(name) == value:
            return
        self.setProperty(name, value)
        self.style().unpolish(self)
        self.style().polish(self)
        for label in (self.saved, self.notes):
            label.style().unpolish(label)
            label.style().polish(label)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self.chosen.emit(self.child_id)
        super().mousePressEvent(event)


def _tooltip_note(note: ObservationRow) -> str:
    text = note.text.strip()
    if len(text) > TOOLTIP_NOTE_CHARS:
        text = text[:TOOLTIP_NOTE_CHARS].rstrip() + "… (the rest is in the child's record)"
    return f"{text}\n(shared with parents)" if note.share_with_parents else text
