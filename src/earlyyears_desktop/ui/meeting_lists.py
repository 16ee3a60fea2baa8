"""The left side of the meeting editor (`ui/meeting_editor.py`): the people at the meeting
(the professionals, present or sent apologies, in order: the family there is recorded with the
child, as the meeting's people are sent to the central service without the child's consent)
and the agenda (the children discussed, each saying whether the family answered the
questionnaire). They save nothing: they ask the editor."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QGridLayout,
    QGroupBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from earlyyears_desktop.domain.enums import MeetingKind
from earlyyears_desktop.services.meeting_views import AttendeeView, DiscussionView
from earlyyears_desktop.services.meetings import AttendeeInput
from earlyyears_desktop.ui.meeting_dialogs import person_input
from earlyyears_desktop.ui.widgets import push_button

NOBODY_YET = (
    "Nobody is listed yet: Add a person… (Alt+A) for each professional there or sending apologies."
)
PEOPLE_CAPTION = (
    "&People at the meeting (professionals; the family there is recorded with the child):"
)
AGENDA_EMPTY = {
    MeetingKind.LIAISON_GROUP: "No child on the agenda yet: Add from referrals waiting… (Alt+F).",
    MeetingKind.TEAM_AROUND_THE_CHILD: "No child yet: Add the child… (Alt+C).",
}


def person_text(person: AttendeeView) -> str:
    """'Dr Farah Siddiqui, Community paediatrician (Kingsford NHS Trust) · sent apologies'."""
    text = person.name + (f", {person.role}" if person.role else "")
    if person.agency:
        text += f" ({person.agency})"
    return text if person.present else f"{text} · sent apologies"


def answered_words(discussion: DiscussionView) -> str:
    """Whether the family answered the questionnaire, in words."""
    if discussion.referral_id is None:
        return "No referral"
    if discussion.answered_how is None:
        return "Not answered"
    label = discussion.answered_how.label
    return f"Answered {label[0].lower()}{label[1:]}"


def _list(name: str, description: str) -> QListWidget:
    widget = QListWidget()
    widget.setAccessibleName(name)
    widget.setAccessibleDescription(description)
    widget.setWordWrap(True)
    return widget


class PeopleBox(QGroupBox):
    """Who is there and who sent apologies, with their roles, in the order they are listed."""

    #: the whole list, in order, to save in place of the one before
    save_requested = Signal(object)
    add_requested = Signal()
    #: the person at this row to change
    change_requested = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)  # titled by its "People at the meeting" caption
        self.people: tuple[AttendeeView, ...] = ()
        self._keep_row: int | None = None
        layout = QVBoxLayout(self)
        caption = QLabel(PEOPLE_CAPTION)
        caption.setWordWrap(True)
        self.list = _list(
            "People at the meeting (professionals)",
            "Enter changes the person chosen. The family there is recorded with the child.",
        )
        caption.setBuddy(self.list)
        self.list.itemActivated.connect(lambda _item: self._change())
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setAccessibleName("How many are there")
        self.add_button = push_button("&Add a person…", "Add a person", self.add_requested.emit)
        self.change_button = push_button("Change… (Enter)", "Change the person", self._change)
        self.remove_button = push_button("&Remove", "Remove the person", self._remove)
        self.up_button = push_button("Move &up", "Move the person up", lambda: self._move(-1))
        self.down_button = push_button("Move dow&n", "Move the person down", lambda: self._move(1))
        buttons = QGridLayout()
        for at, button in enumerate(
            (self.add_button, self.change_button, self.remove_button, self.up_button)
        ):
            button.setAutoDefault(False)
            buttons.addWidget(button, at // 2, at % 2)
        self.down_button.setAutoDefault(False)
        buttons.addWidget(self.down_button, 2, 1)
        layout.addWidget(caption)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.summary)
        layout.addLayout(buttons)
        self.list.currentRowChanged.connect(lambda _r: self._enable())

    def show_people(self, people: Sequence[AttendeeView]) -> None:
        row = self._keep_row if self._keep_row is not None else self.list.currentRow()
        self._keep_row = None
        self.people = tuple(people)
        self.list.clear()
        for person in people:
            self.list.addItem(QListWidgetItem(person_text(person)))
        there = sum(p.present for p in people)
        away = len(people) - there
        self.summary.setText(f"{there} there, {away} sent apologies" if people else NOBODY_YET)
        if people:
            self.list.setCurrentRow(min(max(row, 0), len(people) - 1))
        self._enable()

    def _enable(self) -> None:
        row = self.list.currentRow()
        chosen = 0 <= row < len(self.people)
        for button in (self.change_button, self.remove_button):
            button.setEnabled(chosen)
        self.up_button.setEnabled(chosen and row > 0)
        self.down_button.setEnabled(chosen and row < len(self.people) - 1)

    def inputs(self) -> list[AttendeeInput]:
        return [person_input(p) for p in self.people]

    def _change(self) -> None:
        row = self.list.currentRow()
        if 0 <= row < len(self.people):
            self.change_requested.emit(row)

    def _remove(self) -> None:
        row = self.list.currentRow()
        if 0 <= row < len(self.people):
            people = self.inputs()
            del people[row]
            self._keep_row = row
            self.save_requested.emit(people)

    def _move(self, delta: int) -> None:
        row = self.list.currentRow()
        to = row + delta
        if 0 <= row < len(self.people) and 0 <= to < len(self.people):
            people = self.inputs()
            people[row], people[to] = people[to], people[row]
            self._keep_row = to
            self.save_requested.emit(people)
            self.list.setFocus()


class AgendaBox(QGroupBox):
    """The children discussed, in order; choosing one shows it on the right."""

    #: the discussion chosen (None: none)
    chosen = Signal(object)
    add_referrals_requested = Signal()
    add_child_requested = Signal()
    #: the discussion to take off the agenda
    remove_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)  # titled by its "Agenda:" caption
        self.discussions: tuple[DiscussionView, ...] = ()
        self.kind = MeetingKind.LIAISON_GROUP
        layout = QVBoxLayout(self)
        caption = QLabel("A&genda:")
        self.list = _list(
            "Children on the agenda", "The child chosen is shown on the right; Tab goes there"
        )
        caption.setBuddy(self.list)
        self.empty = QLabel()
        self.empty.setWordWrap(True)
        self.empty.setAccessibleName("Agenda empty")
        self.referrals_button = push_button(
            "Add from re&ferrals waiting…",
            "Add from referrals waiting",
            self.add_referrals_requested.emit,
        )
        self.child_button = push_button(
            "Add the &child…", "Add the child", self.add_child_requested.emit
        )
        self.remove_button = push_button(
            "Ta&ke off the agenda", "Take the child off the agenda", self._remove
        )
        layout.addWidget(caption)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.empty)
        for button in (self.referrals_button, self.child_button, self.remove_button):
            button.setAutoDefault(False)
            layout.addWidget(button)
        self.list.currentRowChanged.connect(self._row_changed)

    def current_id(self) -> str | None:
        row = self.list.currentRow()
        return self.discussions[row].id if 0 <= row < len(self.discussions) else None

    def show_agenda(self, kind: MeetingKind, discussions: Sequence[DiscussionView]) -> None:
        """The agenda, the same child kept chosen (the first when none was)."""
        keep = self.current_id()
        self.kind = kind
        self.discussions = tuple(discussions)
        self.list.blockSignals(True)
        self.list.clear()
        for n, discussion in enumerate(discussions, start=1):
            item = QListWidgetItem(f"{n}. {discussion.child_name} · {answered_words(discussion)}")
            item.setData(Qt.ItemDataRole.UserRole, discussion.id)
            self.list.addItem(item)
        ids = [d.id for d in discussions]
        row = ids.index(keep) if keep in ids else (0 if ids else -1)
        self.list.setCurrentRow(row)
        self.list.blockSignals(False)
        liaison = kind is MeetingKind.LIAISON_GROUP
        self.referrals_button.setVisible(liaison)
        self.child_button.setVisible(not liaison)
        self.child_button.setEnabled(not discussions)
        self.remove_button.setEnabled(bool(discussions))
        self.empty.setText(AGENDA_EMPTY[kind])
        self.empty.setVisible(not discussions)
        self.list.setVisible(bool(discussions))
        if self.current_id() != keep:
            self.chosen.emit(self.current_id())

    def _row_changed(self, _row: int) -> None:
        self.chosen.emit(self.current_id())

    def step(self, delta: int) -> None:
        """The next (or the previous) child on the agenda."""
        if self.discussions:
            row = min(max(self.list.currentRow() + delta, 0), len(self.discussions) - 1)
            self.list.setCurrentRow(row)

    def _remove(self) -> None:
        chosen = self.current_id()
        if chosen is not None:
            self.remove_requested.emit(chosen)


__all__ = ["AgendaBox", "PeopleBox", "answered_words", "person_text"]
