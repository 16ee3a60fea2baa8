"""The families' letters from the meeting editor: which letters can be made and which are held
back, and why, before they are made (`LettersDialog`); the letters' sending recorded for the
children chosen (`LettersSentDialog`)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from earlyyears_desktop.domain.errors import ValidationError
from earlyyears_desktop.services.container import Services
from earlyyears_desktop.services.meeting_views import NOT_HELD, DiscussionView
from earlyyears_desktop.ui.forms import date_edit, py_date
from earlyyears_desktop.ui.meeting_dialogs import KeepTypedDialog
from earlyyears_desktop.ui.operations import OpRunner
from earlyyears_desktop.ui.widgets import short_date, ticked_ids

#: how letters commonly go (any words may be typed)
SENT_HOW = ("By post", "By email", "By hand")
NO_LETTER_READY = (
    "No letter can be made yet: a family's letter waits for the outcome for their child. "
    "Write it under “Outcome for the family” for each child."
)
TICK_SENT = "Please tick the children whose letters were sent."


def letter_state(discussion: DiscussionView) -> str:
    """'Ready' / 'Held back: …' / 'Sent on 3 Mar 2028 by post', for one child's letter."""
    problem = discussion.letter_problem
    if problem is not None:
        return f"Held back: {problem}"
    if discussion.letter_sent_on is not None:
        how = discussion.letter_sent_how
        return f"Sent on {short_date(discussion.letter_sent_on)}" + (
            f" ({how[0].lower()}{how[1:]})" if how else ""
        )
    return "Ready to make"


class LettersDialog(QDialog):
    """Each child's letter, ready or held back (and why), before the letters are made."""

    #: the letters are to be made
    make_requested = Signal()

    def __init__(
        self, discussions: Sequence[DiscussionView], parent: QWidget | None, *, held: bool = True
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Letters for the families")
        self.setAccessibleName("Letters for the families")
        self.setMinimumWidth(560)
        layout = QVBoxLayout(self)
        # a meeting not marked as held has no letters yet, whatever is recorded
        ready = [d for d in discussions if d.letter_problem is None] if held else []
        held_back = len(discussions) - len(ready) if held else 0
        said = (
            f"{len(ready)} of {len(discussions)} letters can be made, one for each family, "
            "each with the family's own questions and the answers."
        )
        if held_back:
            said += f" {held_back} {'is' if held_back == 1 else 'are'} held back, as said below."
        self.intro = QLabel(said if ready else NO_LETTER_READY if held else NOT_HELD)
        self.intro.setWordWrap(True)
        self.intro.setAccessibleName("About the letters")
        layout.addWidget(self.intro)
        caption = QLabel("&Children:")
        self.letters = QListWidget()
        self.letters.setAccessibleName("Each child's letter")
        caption.setBuddy(self.letters)
        for discussion in discussions:
            item = QListWidgetItem(f"{discussion.child_name}: {letter_state(discussion)}")
            item.setData(Qt.ItemDataRole.UserRole, discussion.id)
            self.letters.addItem(item)
        layout.addWidget(caption)
        layout.addWidget(self.letters, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.make_button = buttons.addButton(
            "&Make the letters", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.make_button.setAccessibleName("Make the letters")
        self.make_button.setEnabled(bool(ready))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setAccessibleName("Cancel")
        buttons.accepted.connect(self._make)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        (self.make_button if ready else self.letters).setFocus()

    def _make(self) -> None:
        self.accept()
        self.make_requested.emit()


class LettersSentDialog(KeepTypedDialog):
    """The letters sent: the children (those not sent yet ticked), the date and how."""

    def __init__(
        self,
        services: Services,
        runner: OpRunner,
        discussions: Sequence[DiscussionView],
        parent: QWidget | None,
    ) -> None:
        super().__init__(
            "Letters sent",
            runner,
            parent,
            intro="Tick the children whose families' letters went out (Space ticks the one "
            "chosen). A letter held back cannot be recorded as sent.",
            save_text="&Record",
        )
        self.services = services
        self.choices = self.add_field("children", "&Children:", QListWidget())
        self.choices.setAccessibleName("Children whose letters were sent")
        self.choices.setMinimumHeight(self.fontMetrics().lineSpacing() * 8)
        for discussion in discussions:
            if discussion.letter_problem is not None:
                continue
            item = QListWidgetItem(f"{discussion.child_name}: {letter_state(discussion)}")
            item.setData(Qt.ItemDataRole.UserRole, discussion.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            not_sent = discussion.letter_sent_on is None
            item.setCheckState(Qt.CheckState.Checked if not_sent else Qt.CheckState.Unchecked)
            self.choices.addItem(item)
        self.alias("outcome", "children")
        today = services.meetings.today()
        self.sent_on = self.add_field("letter_sent_on", "&On:", date_edit(today, "Sent on"))
        self.how = self.add_field("letter_sent_how", "&How:", QComboBox())
        self.how.setEditable(True)
        self.how.addItems(list(SENT_HOW))
        self.how.setAccessibleName("How the letters were sent")
        line = self.how.lineEdit()
        if line is not None:
            line.setAccessibleName("How the letters were sent")
        self.finish_layout()
        if self.choices.count():
            self.choices.setCurrentRow(0)
        self.choices.setFocus()

    def ticked(self) -> list[str]:
        return ticked_ids(self.choices)

    def work(self) -> Callable[[], Any]:
        ids = self.ticked()
        if not ids:
            raise ValidationError("children", TICK_SENT)
        on, how = py_date(self.sent_on), self.how.currentText()
        meetings = self.services.meetings
        return lambda: meetings.letters_sent(ids, on, how)


__all__ = ["SENT_HOW", "LettersDialog", "LettersSentDialog", "letter_state"]
