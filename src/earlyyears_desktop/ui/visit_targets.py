"""The teaching targets of a home visit: each active target's current step, rated Emerging,
Developing or Achieved with a note.

Keys on a target row (its rating buttons have the keyboard): **1** or **E** Emerging, **2** or
**D** Developing, **3** or **A** Achieved, **0** or **Delete** clears the rating. Each rating is
saved at once; its note is saved with the visit's other typing, a moment after it stops.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from html import escape

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from earlyyears_desktop.domain.enums import ProgressRating
from earlyyears_desktop.services.visit_views import TargetRating
from earlyyears_desktop.ui.widgets import FieldError

RATINGS = (ProgressRating.EMERGING, ProgressRating.DEVELOPING, ProgressRating.ACHIEVED)
#: the keys that rate a step (two for each rating), and those that clear it
RATING_KEYS: dict[int, ProgressRating | None] = {
    Qt.Key.Key_1: ProgressRating.EMERGING,
    Qt.Key.Key_E: ProgressRating.EMERGING,
    Qt.Key.Key_2: ProgressRating.DEVELOPING,
    Qt.Key.Key_D: ProgressRating.DEVELOPING,
    Qt.Key.Key_3: ProgressRating.ACHIEVED,
    Qt.Key.Key_A: ProgressRating.ACHIEVED,
    Qt.Key.Key_0: None,
    Qt.Key.Key_Delete: None,
    Qt.Key.Key_Backspace: None,
}
KEYS_HINT = "Keys: 1 or E Emerging · 2 or D Developing · 3 or A Achieved · 0 clears"
NO_TARGETS = (
    "No teaching targets are active for this child. Targets are set with the family on the "
    "child's Targets (they appear here to rate at each visit)."
)
NO_RATINGS = "No target was rated at this visit."


def step_words(row: TargetRating) -> str:
    if row.steps_total == 0:
        return "This target has no steps yet: add them with Edit… on the child's record."
    if row.step_id is None:
        return "Every step is achieved."
    return f"Step {row.step_number} of {row.steps_total}: {row.step_text}"


class TargetRow(QFrame):
    """One target: its area, the target, the current step, three rating buttons and a note.

    The row itself takes the keyboard (one Tab stop, then its note): the rating keys work on
    it, and the buttons are for the mouse."""

    #: the user rated the step (None: cleared)
    rated = Signal(str, object)
    #: the user typed in the note
    note_edited = Signal(str)

    def __init__(self, row: TargetRating, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.target_id = row.target_id
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setObjectName("targetRow")
        self.setStyleSheet("QFrame#targetRow:focus { border: 2px solid palette(highlight) }")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAccessibleName(f"Target: {row.target}")
        self.setAccessibleDescription(f"{step_words(row)}. {KEYS_HINT}")
        self._quiet = False
        self.read_only = False
        title = QLabel(f"<b>{escape(row.skill_area)}</b>: {escape(row.target)}")
        title.setWordWrap(True)
        title.setTextFormat(Qt.TextFormat.RichText)
        self.step = QLabel(step_words(row))
        self.step.setWordWrap(True)
        self.step.setTextFormat(Qt.TextFormat.PlainText)
        self.step.setAccessibleName("Current step")
        self.group = QButtonGroup(self)
        self.buttons: dict[ProgressRating, QRadioButton] = {}
        keys = QHBoxLayout()
        for number, rating in enumerate(RATINGS, 1):
            button = QRadioButton(f"{rating.label} ({number})")
            button.setAccessibleName(f"{rating.label}: {row.target}")
            button.setToolTip(f"{rating.label}: press {number} or {rating.label[0]}")
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            self.group.addButton(button)
            self.buttons[rating] = button
            keys.addWidget(button)
            button.toggled.connect(lambda on, r=rating: self._toggled(on, r))
        keys.addStretch(1)
        self.note = QLineEdit(row.note)
        self.note.setPlaceholderText("A note about this step (how, with whom, what helped)")
        self.note.setAccessibleName(f"Note about the step: {row.target}")
        self.note.textEdited.connect(lambda _t: self.note_edited.emit(self.target_id))
        self.error = FieldError(f"target {row.target_id}")
        self.error.setAccessibleName("Problem with this rating")
        self.step_id = row.step_id
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(self.step)
        layout.addLayout(keys)
        layout.addWidget(self.note)
        layout.addWidget(self.error)
        self.show_rating(row.rating)
        self.setEnabled(row.step_id is not None)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        no_modifier = event.modifiers() in (
            Qt.KeyboardModifier.NoModifier,
            Qt.KeyboardModifier.KeypadModifier,
        )
        if no_modifier and event.key() in RATING_KEYS:
            self.choose(RATING_KEYS[event.key()])
            event.accept()
            return
        super().keyPressEvent(event)

    def _toggled(self, on: bool, rating: ProgressRating) -> None:
        if on and not self._quiet:
            self.note.setEnabled(True)
            self.rated.emit(self.target_id, rating)

    def rating(self) -> ProgressRating | None:
        return next((r for r, b in self.buttons.items() if b.isChecked()), None)

    def show_rating(self, rating: ProgressRating | None) -> None:
        """Show a rating without saving it."""
        self._quiet = True
        self.group.setExclusive(False)
        for value, button in self.buttons.items():
            button.setChecked(value == rating)
        self.group.setExclusive(True)
        self._quiet = False
        self.note.setEnabled(rating is not None or self.read_only)

    def choose(self, rating: ProgressRating | None) -> None:
        """A rating chosen by key: checked (or cleared) and saved."""
        if self.read_only or not self.isEnabled() or rating == self.rating():
            return
        if rating is None:
            self.show_rating(None)
            self.rated.emit(self.target_id, None)
        else:
            self.buttons[rating].setChecked(True)

    def set_read_only(self, read_only: bool) -> None:
        self.read_only = read_only
        for button in self.buttons.values():
            button.setEnabled(not read_only)
        self.note.setReadOnly(read_only)
        self.note.setEnabled(read_only or self.rating() is not None)


class TargetsBox(QWidget):
    """The targets of the visit, one row each, and the keys to rate them."""

    rated = Signal(str, object)
    note_edited = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Teaching targets")
        self.rows: dict[str, TargetRow] = {}
        self.hint = QLabel(KEYS_HINT)
        self.hint.setStyleSheet("color: #555; font-size: 12px")
        self.empty = QLabel()
        self.empty.setWordWrap(True)
        self.empty.setAccessibleName("No targets")
        self.layout_ = QVBoxLayout(self)
        self.layout_.setContentsMargins(0, 0, 0, 0)
        self.layout_.addWidget(self.hint)
        self.layout_.addWidget(self.empty)

    def structure(self) -> list[tuple[str, str | None]]:
        return [(t, r.step_id) for t, r in self.rows.items()]

    def show_targets(
        self,
        targets: Sequence[TargetRating],
        *,
        finished: bool,
        typing: Collection[str] = (),
    ) -> None:
        """Rebuild the rows when the targets or their steps changed; else show the ratings
        (and the notes, but for the targets in `typing`: notes typed and not saved yet)."""
        wanted = [(t.target_id, t.step_id) for t in targets]
        self.hint.setVisible(bool(targets) and not finished)
        if wanted == self.structure():
            for t in targets:
                row = self.rows[t.target_id]
                row.show_rating(t.rating)
                if t.target_id not in typing and not row.note.hasFocus():
                    row.note.setText(t.note)
                row.set_read_only(finished)
            return
        for row in self.rows.values():
            row.hide()
            row.setParent(None)
            row.deleteLater()
        self.rows = {}
        for t in targets:
            row = TargetRow(t, self)
            row.rated.connect(self.rated)
            row.note_edited.connect(self.note_edited)
            row.set_read_only(finished)
            row.show_rating(t.rating)
            self.layout_.addWidget(row)
            row.show()  # at once, not when the event loop next runs: Tab may come first
            self.rows[t.target_id] = row
        self.empty.setText("" if targets else (NO_RATINGS if finished else NO_TARGETS))
        self.empty.setVisible(not targets)

    def notes(self, target_ids: Sequence[str]) -> list[tuple[str, ProgressRating | None, str]]:
        return [
            (t, self.rows[t].rating(), self.rows[t].note.text())
            for t in target_ids
            if t in self.rows
        ]

    def show_error(self, target_id: str, message: str) -> None:
        row = self.rows.get(target_id)
        if row is not None:
            row.error.show_message(message)

    def clear_errors(self) -> None:
        for row in self.rows.values():
            row.error.clear_message()
