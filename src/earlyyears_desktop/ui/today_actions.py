"""The Today page's box "Your actions from meetings": the actions the signed-in practitioner
owns and has not done, soonest due first, each with its child, meeting and due date, and how
overdue it is in words. Enter opens the meeting; *Mark done* records it done today."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from earlyyears_desktop.services.meeting_views import ActionRow
from earlyyears_desktop.ui.meeting_child import due_words
from earlyyears_desktop.ui.widgets import push_button, short_date

NOTHING_WAITING = (
    "No action from a meeting is waiting for you. Actions are given to someone of the team "
    "when a meeting records them; yours are listed here until they are done."
)
ROWS_SHOWN = 8


def action_row_text(action: ActionRow, today: dt.date) -> str:
    """'Ask the nursery for a report · Zofia Wiśniewska · Kingsford pre-school liaison group,
    29 Feb 2028 · due 14 Mar 2028 · Overdue (3 days)'."""
    return " · ".join(
        (
            action.what,
            action.child_name,
            f"{action.meeting_name}, {short_date(action.meeting_on)}",
            f"due {short_date(action.due_on)}",
            due_words(action.due_on, today),
        )
    )


class MeetingActionsBox(QGroupBox):
    """The signed-in practitioner's open actions from meetings."""

    #: the meeting (id) of the action chosen, to open
    meeting_requested = Signal(str)
    #: the action (id) done
    done_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Your actions from meetings", parent)
        self.rows: tuple[ActionRow, ...] = ()
        layout = QVBoxLayout(self)
        self.list = QListWidget()
        self.list.setAccessibleName("Your actions from meetings")
        self.list.setAccessibleDescription(
            "Press Enter to open the meeting; Alt+D marks the action done"
        )
        self.list.setToolTip("Double-click or press Enter to open the meeting")
        self.list.setSpacing(2)
        self.list.setWordWrap(True)
        self.list.itemActivated.connect(self._open)
        self.empty = QLabel(NOTHING_WAITING)
        self.empty.setWordWrap(True)
        self.empty.setTextFormat(Qt.TextFormat.PlainText)
        self.empty.setAccessibleName("No action waiting")
        self.done_button = push_button("Mark &done", "Mark the action done", self._done)
        self.done_button.setAutoDefault(False)
        self.open_button = push_button("Open the meeting (Enter)", "Open the meeting", self._open)
        self.open_button.setAutoDefault(False)
        buttons = QHBoxLayout()
        buttons.addWidget(self.done_button)
        buttons.addWidget(self.open_button)
        buttons.addStretch(1)
        layout.addWidget(self.list)
        layout.addWidget(self.empty)
        layout.addLayout(buttons)

    def show_actions(self, rows: Sequence[ActionRow], today: dt.date) -> None:
        row = self.list.currentRow()
        self.rows = tuple(rows)
        self.list.clear()
        for action in rows:
            item = QListWidgetItem(action_row_text(action, today))
            item.setData(Qt.ItemDataRole.UserRole, action.id)
            self.list.addItem(item)
        found = bool(rows)
        self.list.setVisible(found)
        self.done_button.setVisible(found)
        self.open_button.setVisible(found)
        self.empty.setVisible(not found)
        if found:
            self.list.setCurrentRow(min(max(row, 0), len(rows) - 1))
        shown = min(max(len(rows), 1), ROWS_SHOWN)
        frame = 2 * self.list.frameWidth() + 4
        self.list.setFixedHeight(
            shown * (self.list.sizeHintForRow(0) + 2 * self.list.spacing()) + frame
        )

    def chosen(self) -> ActionRow | None:
        row = self.list.currentRow()
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def _open(self, *_args: object) -> None:
        action = self.chosen()
        if action is not None:
            self.meeting_requested.emit(action.meeting_id)

    def _done(self) -> None:
        action = self.chosen()
        if action is not None:
            self.done_requested.emit(action.id)
            self.list.setFocus()

    def clear_rows(self) -> None:
        self.rows = ()
        self.list.clear()


__all__ = ["NOTHING_WAITING", "MeetingActionsBox", "action_row_text"]
