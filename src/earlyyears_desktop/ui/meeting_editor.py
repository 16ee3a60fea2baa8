"""A meeting, run from its agenda to its decisions: a pre-school liaison group (many children,
the families not there) or a team around the child meeting (one child, the family there).

The window shows the meeting whole: its details (*Edit details…*), the people there and who
sent apologies (`ui/meeting_lists.py`), the agenda, and on the right the child chosen on it
(`ui/meeting_child.py`): the referral and the family's questionnaire, then the summary, the
decisions, the actions, the answers to the family's questions and the outcome for their
letter. What is typed is saved as it is typed (`AUTOSAVE_DELAY_MS` after the typing stops)
and at once when another child is chosen or the window closes (Esc, the window's close
button, the lock): nothing typed is lost. Decisions, actions and people are saved by their
own small dialogs (`ui/meeting_dialogs.py`, `ui/meeting_decisions.py`), which ask before Esc
throws away what was typed in them.

*Meeting held*, *Cancel meeting…*, *Letters for the families…* (which emits
`letters_requested(meeting_id)` once the letters held back, and why, are shown:
`ui/meeting_letters.py`) and *Letters sent…* are at the bottom.

`open_meeting_editor(parent, services, runner, meeting_id)` opens it (or brings forward the
one already open on the meeting).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from earlyyears_desktop.domain.enums import DecisionKind, MeetingKind, MeetingStatus
from earlyyears_desktop.domain.errors import ValidationError
from earlyyears_desktop.services.container import Services
from earlyyears_desktop.services.meeting_views import DiscussionView
from earlyyears_desktop.services.meetings import AttendeeInput, DiscussionInput
from earlyyears_desktop.services.referrals import ReferralRow
from earlyyears_desktop.services.unit_of_work import Changes, Saved
from earlyyears_desktop.ui.error_text import error_text
from earlyyears_desktop.ui.forms import confirm
from earlyyears_desktop.ui.meeting_child import ChildPanel
from earlyyears_desktop.ui.meeting_decisions import (
    ActionDialog,
    DecisionDialog,
    ParentsToldDialog,
)
from earlyyears_desktop.ui.meeting_dialogs import (
    ChildDialog,
    KeepTypedDialog,
    MeetingDetailsDialog,
    PersonDialog,
    ReferralsDialog,
)
from earlyyears_desktop.ui.meeting_letters import LettersDialog, LettersSentDialog
from earlyyears_desktop.ui.meeting_lists import AgendaBox, PeopleBox
from earlyyears_desktop.ui.meeting_screen import MeetingScreen, details_text, read_meeting
from earlyyears_desktop.ui.operations import OpRunner
from earlyyears_desktop.ui.widgets import FieldError, heading, long_date, push_button

AUTOSAVE_DELAY_MS = 800
SAVED = "Saved ✓"
SAVING = "Saving…"
NEXT_CHILD, PREVIOUS_CHILD = "Ctrl+PgDown", "Ctrl+PgUp"
HINT = (
    "Saved as you type. Ctrl+Page Down: next child · Ctrl+Page Up: previous child · "
    "Esc closes (what is typed is saved first)."
)
CHOOSE_A_CHILD = "Choose a child on the agenda to record what the meeting said."
#: entities whose change the editor shows
SHOWN = (
    "meeting",
    "meeting_attendee",
    "meeting_discussion",
    "meeting_decision",
    "meeting_action",
    "parent_question",
    "la_notification",
    "referral",
    "questionnaire_reply",
    "child",
    "practitioner",
)
#: an action's first due date offered: two weeks after the meeting (or today, if later)
ACTION_DAYS = 14


class MeetingEditor(QDialog):
    """One meeting, run by keyboard from its agenda to its decisions."""

    #: the families' letters of this meeting are to be made (the meeting's id)
    letters_requested = Signal(str)

    def __init__(
        self, services: Services, runner: OpRunner, meeting_id: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.services = services
        self.runner = runner
        self.meeting_id = meeting_id
        self.shown: MeetingScreen | None = None
        self.closed = False
        #: the discussion whose summary, outcome... were typed and not saved yet
        self._pending_fields: str | None = None
        #: question id -> the discussion it is answered in, typed and not saved yet
        self._pending_answers: dict[str, str] = {}
        #: what was sent to the vault and not read back yet (discussion id -> its fields,
        #: question id -> its answer): laid over every screen read meanwhile
        self._sent_fields: dict[str, DiscussionInput] = {}
        self._sent_answers: dict[str, str] = {}
        self._in_flight = 0
        self._then_choose: str | None = None
        self.setModal(False)
        self.setWindowTitle("Meeting")
        self.setAccessibleName("Meeting")
        self.setMinimumSize(900, 560)
        self.resize(1260, 720)
        self.setSizeGripEnabled(True)
        self._timer = QTimer(self, singleShot=True, interval=AUTOSAVE_DELAY_MS)
        self._timer.timeout.connect(self.save_now)

        self.title = heading("Meeting")
        self.details = QLabel()
        self.details.setWordWrap(True)
        self.details.setAccessibleName("The meeting's details")
        self.edit_button = push_button("&Edit details…", "Edit the details", self.edit_details)
        self.hint = QLabel(HINT)
        self.hint.setWordWrap(True)
        self.hint.setAccessibleName("Keys")
        top = QHBoxLayout()
        about = QVBoxLayout()
        about.addWidget(self.title)
        about.addWidget(self.details)
        about.addWidget(self.hint)
        top.addLayout(about, 1)
        top.addWidget(self.edit_button, 0, Qt.AlignmentFlag.AlignTop)

        self.people = PeopleBox()
        self.people.add_requested.connect(lambda: self.person_dialog(None))
        self.people.change_requested.connect(self.person_dialog)
        self.people.save_requested.connect(self.save_people)
        self.agenda = AgendaBox()
        self.agenda.chosen.connect(self._choose)
        self.agenda.add_referrals_requested.connect(self.add_referrals)
        self.agenda.add_child_requested.connect(self.add_child)
        self.agenda.remove_requested.connect(self.remove_child)
        left = QWidget()
        left_column = QVBoxLayout(left)
        left_column.setContentsMargins(0, 0, 0, 0)
        left_column.addWidget(self.people, 2)
        left_column.addWidget(self.agenda, 3)

        self.panel = ChildPanel()
        self.panel.edited.connect(self._fields_typed)
        self.panel.answer_edited.connect(self._answer_typed)
        self.panel.add_decision.connect(self.add_decision)
        self.panel.withdraw_decision.connect(self.withdraw_decision)
        self.panel.parents_told.connect(self.parents_told)
        self.panel.add_action.connect(self.add_action)
        self.panel.toggle_action.connect(self.toggle_action)
        self.panel.remove_action.connect(self.remove_action)
        self.child_area = QScrollArea()
        self.child_area.setWidgetResizable(True)
        self.child_area.setAccessibleName("The child chosen on the agenda")
        self.child_area.setWidget(self.panel)
        self.no_child = QLabel(CHOOSE_A_CHILD)
        self.no_child.setWordWrap(True)
        self.no_child.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.no_child.setAccessibleName("No child chosen")
        right = QWidget()
        right_column = QVBoxLayout(right)
        right_column.setContentsMargins(0, 0, 0, 0)
        right_column.addWidget(self.child_area, 1)
        right_column.addWidget(self.no_child, 1)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([400, 860])

        self.state = QLabel()
        self.state.setWordWrap(True)
        self.state.setAccessibleName("Saving state")
        self.held_error = FieldError("held_on")
        self.held_error.setAccessibleName("Why the meeting cannot be held yet")
        self.held_button = push_button("Meeting &held", "Meeting held", self.mark_held)
        self.cancel_button = push_button("Cancel meeting…", "Cancel the meeting", self.cancel)
        self.letters_button = push_button(
            "&Letters for the families…", "Letters for the families", self.letters
        )
        self.sent_button = push_button("Letters &sent…", "Letters sent", self.letters_sent)
        self.close_button = push_button("Close (Esc)", "Close", self.reject)
        bar = QHBoxLayout()
        status = QVBoxLayout()
        status.addWidget(self.state)
        status.addWidget(self.held_error)
        bar.addLayout(status, 1)
        for button in (
            self.held_button,
            self.cancel_button,
            self.letters_button,
            self.sent_button,
            self.close_button,
        ):
            button.setAutoDefault(False)
            bar.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(splitter, 1)
        layout.addLayout(bar)
        for keys, delta in ((NEXT_CHILD, 1), (PREVIOUS_CHILD, -1)):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
            shortcut.activated.connect(lambda d=delta: self.agenda.step(d))
        self.setEnabled(False)  # until the meeting is read
        runner.changed.connect(self._changed)
        self.reload()

    # ---- reading ----

    def reload(self) -> None:
        services, meeting_id = self.services, self.meeting_id
        self.runner.run(
            lambda: read_meeting(services, meeting_id),
            on_done=self.show_screen,
            on_error=self._read_failed,
        )

    def show_screen(self, screen: MeetingScreen) -> None:
        if self.closed:
            return
        opening = self.shown is None
        if self._in_flight == 0:  # read after every write of the editor: it holds them all
            self._sent_fields.clear()
            self._sent_answers.clear()
        self.shown = screen = screen.with_typed(self._sent_fields, self._sent_answers)
        view = screen.meeting
        self.title.setText(view.name)
        self.setWindowTitle(f"Meeting: {view.name}, {long_date(view.held_on)}")
        self.details.setText(details_text(view))
        planned = view.status is MeetingStatus.PLANNED
        self.held_button.setVisible(planned)
        self.cancel_button.setVisible(planned)
        if not planned:
            self.held_error.clear_message()
        self.people.show_people(view.people)
        self.panel.show_family(view.kind is MeetingKind.TEAM_AROUND_THE_CHILD)
        self.agenda.show_agenda(view.kind, view.discussions)
        self._show_child(self.agenda.current_id(), fields=False)
        if self._then_choose is not None:
            self.panel.choose_decision(self._then_choose)
            self._then_choose = None
            if self.panel.told_button.isEnabled():
                self.panel.told_button.setFocus()
        self.setEnabled(True)
        if opening:
            start = self.agenda.list if view.discussions else self.agenda.referrals_button
            if view.kind is MeetingKind.TEAM_AROUND_THE_CHILD and not view.discussions:
                start = self.agenda.child_button
            start.setFocus()

    def _show_child(self, discussion_id: str | None, *, fields: bool) -> None:
        screen = self.shown
        discussion = screen.discussion(discussion_id) if screen is not None else None
        self.child_area.setVisible(discussion is not None)
        self.no_child.setVisible(discussion is None)
        if discussion is None or screen is None:
            self.panel.clear()
            return
        shown = self.panel.discussion
        fields = fields or shown is None or shown.id != discussion.id
        # Nothing typed waits and nothing is on its way: a box still holding what was last
        # shown in it takes what the vault now holds.
        settled = not (self._pending_fields or self._pending_answers or self._in_flight)
        referral = screen.referrals.get(discussion.referral_id or "")
        self.panel.show_discussion(
            discussion,
            referral,
            screen.notifications,
            screen.today,
            fields=fields,
            refresh=settled,
        )

    def _choose(self, discussion_id: str | None) -> None:
        """Another child chosen on the agenda: what was typed for the last one is saved."""
        self.save_now()
        self._show_child(discussion_id, fields=True)

    def _read_failed(self, error: BaseException) -> None:
        if not self.closed:
            self.state.setText(error_text(error))
            self.setEnabled(True)

    def _changed(self, changes: Changes) -> None:
        if not self.closed and self.shown is not None and changes.touches(*SHOWN):
            self.reload()

    # ---- the autosave ----

    def _fields_typed(self) -> None:
        if self.panel.discussion is not None:
            self._pending_fields = self.panel.discussion.id
            self.state.setText(SAVING)
            self._timer.start()

    def _answer_typed(self, question_id: str) -> None:
        if self.panel.discussion is not None:
            self._pending_answers[question_id] = self.panel.discussion.id
            self.state.setText(SAVING)
            self._timer.start()

    def save_now(self) -> None:
        """Send what was typed for the child shown to the vault."""
        self._timer.stop()
        meetings, shown = self.services.meetings, self.panel.discussion
        pending, self._pending_fields = self._pending_fields, None
        if pending is not None and shown is not None and shown.id == pending:
            given = self.panel.typed()
            self._sent_fields[pending] = given
            self.write(lambda: meetings.record_discussion(pending, given))
        answers, self._pending_answers = self._pending_answers, {}
        for question_id, discussion_id in answers.items():
            text = self.panel.answer(question_id)
            if text is not None:
                self._sent_answers[question_id] = text
                self.write(
                    lambda q=question_id, d=discussion_id, t=text: meetings.answer(q, d, t)  # type: ignore[misc]
                )
        if self.shown is not None:  # a child chosen again at once shows what was typed
            self.shown = self.shown.with_typed(self._sent_fields, self._sent_answers)

    def write(
        self,
        work: Callable[[], Saved[Any]],
        *,
        refused: Callable[[ValidationError], None] | None = None,
    ) -> None:
        """One write of the editor's; a refusal is said at the bottom (or by `refused`)."""
        self._in_flight += 1
        self.state.setText(SAVING)
        self.runner.run(
            work,
            on_done=lambda _saved: self._written(),
            on_error=lambda error: self._not_written(error, refused),
            changes=lambda saved: saved.changes,
        )

    def _written(self) -> None:
        self._in_flight -= 1
        if not self.closed and self._in_flight == 0 and not self._timer.isActive():
            self.state.setText(SAVED)

    def _not_written(
        self, error: BaseException, refused: Callable[[ValidationError], None] | None
    ) -> None:
        self._in_flight -= 1
        if self.closed:
            return
        if refused is not None and isinstance(error, ValidationError):
            self.state.clear()
            refused(error)
        else:
            self.state.setText(f"Not saved: {error_text(error)}")

    def done(self, result: int) -> None:
        """Closing (Esc, the window's close button, the lock): what is typed is saved first,
        and the editor's own dialogs close with it."""
        if not self.closed:
            self.save_now()
            self.closed = True
            for dialog in self.findChildren(QDialog):
                if dialog.isVisible():
                    dialog.discard() if isinstance(dialog, KeepTypedDialog) else dialog.reject()
        super().done(result)
        self.deleteLater()

    # ---- the dialogs ----

    def _open(self, dialog: QDialog) -> QDialog:
        came_from = QApplication.focusWidget()

        def closed(_result: int) -> None:
            dialog.deleteLater()
            if not self.closed:
                self.activateWindow()
                if came_from is not None and self.isAncestorOf(came_from):
                    came_from.setFocus()

        dialog.finished.connect(closed)
        dialog.open()
        return dialog

    def edit_details(self) -> None:
        if self.shown is not None:
            self._open(MeetingDetailsDialog(self.services, self.runner, self.shown.meeting, self))

    def person_dialog(self, row: int | None) -> None:
        if self.shown is None:
            return
        people = self.people.inputs()
        meetings, meeting_id = self.services.meetings, self.meeting_id
        current = None if row is None else self.shown.meeting.people[row]

        def save(person: AttendeeInput) -> Callable[[], Saved[None]]:
            changed = [*people, person] if row is None else people
            if row is not None:
                changed[row] = person
            return lambda: meetings.set_people(meeting_id, changed)

        self._open(PersonDialog(self.runner, self.shown.team, current, save, self))

    def save_people(self, people: list[AttendeeInput]) -> None:
        meetings, meeting_id = self.services.meetings, self.meeting_id
        self.write(lambda: meetings.set_people(meeting_id, people))

    def add_referrals(self) -> None:
        referrals = self.services.referrals
        self.runner.run(
            lambda: referrals.rows(waiting_only=True),
            on_done=self._choose_referrals,
            on_error=self._read_failed,
        )

    def _choose_referrals(self, rows: list[ReferralRow]) -> None:
        if self.closed or self.shown is None:
            return
        on_agenda = {d.child_id for d in self.shown.meeting.discussions}
        self._open(
            ReferralsDialog(self.services, self.runner, self.meeting_id, rows, on_agenda, self)
        )

    def add_child(self) -> None:
        self._open(ChildDialog(self.services, self.runner, self.meeting_id, self))

    def remove_child(self, discussion_id: str) -> None:
        meetings = self.services.meetings
        self.write(lambda: meetings.remove_child(discussion_id))

    def _chosen(self) -> DiscussionView | None:
        screen = self.shown
        return screen.discussion(self.agenda.current_id()) if screen is not None else None

    def add_decision(self) -> None:
        chosen, screen = self._chosen(), self.shown
        if chosen is None or screen is None:
            return
        chair = (screen.meeting.chair_name, screen.meeting.chair_role)
        dialog = DecisionDialog(
            self.services, self.runner, chosen.id, chosen.child_name, chair, self
        )
        dialog.saved.connect(lambda saved: self._decided(dialog, saved))
        self._open(dialog)

    def _decided(self, dialog: DecisionDialog, saved: Saved[str]) -> None:
        if dialog.kind.value() == DecisionKind.NOTIFY_LOCAL_AUTHORITY.value:
            self._then_choose = saved.id  # then Parents told… is the next step

    def withdraw_decision(self, decision_id: str) -> None:
        meetings = self.services.meetings
        confirm(
            self,
            "Withdraw the decision",
            "Withdraw this decision, recorded by mistake? A notification to the local "
            "authority it made is withdrawn with it.",
            "&Withdraw",
            lambda: self.write(lambda: meetings.withdraw_decision(decision_id)),
        )

    def parents_told(self, notification_id: str) -> None:
        screen = self.shown
        if screen is None:
            return
        notification = screen.notifications.get(notification_id)
        told = (
            (notification.parents_told_on, notification.parents_told_how)
            if notification is not None
            else (None, "")
        )
        self._open(ParentsToldDialog(self.services, self.runner, notification_id, told, self))

    def add_action(self) -> None:
        chosen, screen = self._chosen(), self.shown
        if chosen is None or screen is None:
            return
        due = max(screen.meeting.held_on, screen.today) + dt.timedelta(days=ACTION_DAYS)
        self._open(
            ActionDialog(
                self.services, self.runner, chosen.id, chosen.child_name, screen.team, due, self
            )
        )

    def toggle_action(self, action_id: str) -> None:
        action = self.panel.chosen_action()
        meetings = self.services.meetings
        if action is None or action.id != action_id:
            return
        if action.done_on is not None:
            self.write(lambda: meetings.action_not_done(action_id))
        else:
            today = meetings.today()
            self.write(lambda: meetings.action_done(action_id, today))

    def remove_action(self, action_id: str) -> None:
        meetings = self.services.meetings
        confirm(
            self,
            "Remove the action",
            "Remove this action, added by mistake? (An action that was done is marked done, "
            "not removed.)",
            "&Remove",
            lambda: self.write(lambda: meetings.remove_action(action_id)),
        )

    # ---- the meeting: held, cancelled, the letters ----

    def mark_held(self) -> None:
        self.save_now()
        self.held_error.clear_message()
        meetings, meeting_id = self.services.meetings, self.meeting_id
        self.write(
            lambda: meetings.mark_held(meeting_id),
            refused=lambda error: self.held_error.show_message(error.message),
        )

    def cancel(self) -> None:
        meetings, meeting_id = self.services.meetings, self.meeting_id
        confirm(
            self,
            "Cancel the meeting",
            "Cancel this meeting? The children on its agenda wait for the next one.",
            "&Cancel the meeting",
            lambda: self.write(lambda: meetings.cancel(meeting_id)),
        )

    def letters(self) -> None:
        if self.shown is None:
            return
        self.save_now()  # the letters read what was typed, saved first (one worker, in order)
        meeting = self.shown.meeting
        dialog = LettersDialog(meeting.discussions, self, held=meeting.status is MeetingStatus.HELD)
        dialog.make_requested.connect(lambda: self.letters_requested.emit(self.meeting_id))
        self._open(dialog)

    def letters_sent(self) -> None:
        if self.shown is not None:
            self.save_now()
            discussions = self.shown.meeting.discussions
            self._open(LettersSentDialog(self.services, self.runner, discussions, self))


def open_meeting_editor(
    parent: QWidget,
    services: Services,
    runner: OpRunner,
    meeting_id: str,
    *,
    on_letters: Callable[[str], object] | None = None,
) -> MeetingEditor:
    """Open the meeting's editor over `parent`'s window, or bring forward the one already open
    on it. `on_letters(meeting_id)` makes the families' letters (connected to a new editor's
    `letters_requested`)."""
    for editor in parent.window().findChildren(MeetingEditor):
        if editor.meeting_id == meeting_id and not editor.closed:
            editor.raise_()
            editor.activateWindow()
            return editor
    editor = MeetingEditor(services, runner, meeting_id, parent.window())
    if on_letters is not None:
        editor.letters_requested.connect(on_letters)
    editor.show()
    editor.raise_()
    editor.activateWindow()
    return editor


__all__ = ["AUTOSAVE_DELAY_MS", "MeetingEditor", "open_meeting_editor"]
