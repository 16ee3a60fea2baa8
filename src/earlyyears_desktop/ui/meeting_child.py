"""The right side of the meeting editor (`ui/meeting_editor.py`): one child discussed.

What the meeting reads first (the referral's reason and questions, the family's answers to the
questionnaire), then what it records: who of the family was there (a team around the child
meeting; kept with the child, never among the meeting's people), the summary, the decisions,
the actions, the answers to each of the family's own questions, and the outcome for the
family in plain words, what happens next and who to contact (the family's letter). It saves
nothing: it tells the editor what was typed (`edited`, `answer_edited`) and what was asked for.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Mapping
from itertools import pairwise
from typing import TypeVar

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from earlyyears_desktop.services.meeting_views import (
    ActionView,
    DecisionView,
    DiscussionView,
    NotificationRow,
)
from earlyyears_desktop.services.meetings import DiscussionInput
from earlyyears_desktop.services.referrals import ReferralView
from earlyyears_desktop.ui.meeting_letters import letter_state
from earlyyears_desktop.ui.widgets import heading, push_button, rich_block, short_date

W = TypeVar("W", bound=QWidget)
CONTACT_CHARS = 300
FAMILY_CHARS = 300
NO_DECISION = "No decision recorded yet: Add a decision… (Alt+D)."
NO_ACTION = "No action yet: Add an action… (Alt+I): what, who, by when."
NO_REFERRAL = "Not on the agenda from a referral: there is no questionnaire to show."
NOT_ANSWERED = "Not answered: the family's questionnaire has not come back."
NO_QUESTIONS = "The family asked no questions of their own."


def due_words(due_on: dt.date, today: dt.date) -> str:
    """'Overdue (3 days)', 'Due today', 'Due in 5 days'."""
    days = (due_on - today).days
    if days < 0:
        late = -days
        return f"Overdue ({late} day{'' if late == 1 else 's'})"
    if days == 0:
        return "Due today"
    return f"Due in {days} day{'' if days == 1 else 's'}"


def action_text(action: ActionView, today: dt.date) -> str:
    owner = action.owner_name or "no one named"
    state = (
        f"Done on {short_date(action.done_on)}"
        if action.done_on is not None
        else due_words(action.due_on, today)
    )
    return f"{action.what} · {owner} · by {short_date(action.due_on)} · {state}"


def decision_text(decision: DecisionView, notification: NotificationRow | None) -> str:
    if notification is None:
        return decision.text
    role = f" ({notification.notified_by_role})" if notification.notified_by_role else ""
    told = (
        f"Parents told on {short_date(notification.parents_told_on)} "
        f"({notification.parents_told_how})"
        if notification.parents_told_on is not None
        else "Parents not told yet: Parents told… (Alt+T)"
    )
    return (
        f"{decision.text}\nNotified by {notification.notified_by}{role}: "
        f"{notification.reason}\n{told}\n{notification.delivery.words}"
    )


def _para(title: str, text: str) -> str:
    body = html.escape(text).replace("\n", "<br>") if text else "<i>(not said)</i>"
    return f"<p><b>{html.escape(title)}</b><br>{body}</p>"


def questionnaire_html(referral: ReferralView | None) -> str:
    if referral is None:
        return html.escape(NO_REFERRAL)
    answers = referral.answers
    parts = [
        _para("Referred by", f"{referral.referrer}, on {short_date(referral.referred_on)}"),
        _para("Why referred", referral.reason),
    ]
    if referral.questions:
        parts.append(_para("The referrer's questions", referral.questions))
    if answers is None:
        parts.append(f"<p><b>The family's questionnaire</b><br>{html.escape(NOT_ANSWERED)}</p>")
        return "".join(parts)
    taken = f", taken by {answers.taken_by_name}" if answers.taken_by_name else ""
    how = answers.returned_how.label
    parts += [
        f"<p><b>The family's questionnaire</b><br>Answered {html.escape(how[0].lower() + how[1:])}"
        f" on {short_date(answers.returned_on)}{html.escape(taken)}</p>",
        _para("What is going well", answers.going_well),
        _para("Their concerns", answers.concerns),
        _para("What they would like the group to talk about", answers.to_talk_about),
        _para("How they would like to hear back", answers.hear_back_how),
    ]
    return "".join(parts)


def _box(name: str, placeholder: str, height: int = 76) -> QPlainTextEdit:
    box = QPlainTextEdit()
    box.setTabChangesFocus(True)
    box.setAccessibleName(name)
    box.setPlaceholderText(placeholder)
    box.setFixedHeight(height)
    return box


def _list(name: str, description: str) -> QListWidget:
    widget = QListWidget()
    widget.setAccessibleName(name)
    widget.setAccessibleDescription(description)
    widget.setWordWrap(True)
    widget.setMaximumHeight(130)
    return widget


class ChildPanel(QWidget):
    """One child discussed at the meeting."""

    #: the summary, outcome, next steps or contact was typed
    edited = Signal()
    #: the answer to this question (id) was typed
    answer_edited = Signal(str)
    add_decision = Signal()
    withdraw_decision = Signal(str)
    #: the notification (id) the parents were told of
    parents_told = Signal(str)
    add_action = Signal()
    #: the action (id) to mark done, or open again
    toggle_action = Signal(str)
    remove_action = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.discussion: DiscussionView | None = None
        self.notifications: Mapping[str, NotificationRow] = {}
        self.answer_boxes: dict[str, QPlainTextEdit] = {}
        self._loading = False
        column = QVBoxLayout(self)
        self.title = heading("", 2)
        self.before = rich_block("The referral and the family's questionnaire")
        column.addWidget(self.title)
        column.addWidget(self.before)

        # A team around the child meeting: who of the family was there. Kept with the child,
        # under the child's consent: the meeting's people are sent to the central service
        # without one (a liaison group has no family there: the field is hidden for it).
        self.family_caption = QLabel("&Family there:")
        self.family = QLineEdit()
        self.family_caption.setBuddy(self.family)
        self.family.setAccessibleName("Family there")
        self.family.setMaxLength(FAMILY_CHARS)
        self.family.setPlaceholderText("Who of the family came, for example: Mother, Leila Haddad")
        self.family.textEdited.connect(lambda _t: self._typed())
        column.addWidget(self.family_caption)
        column.addWidget(self.family)

        self.summary = self._captioned(
            column, "Su&mmary of the discussion:", _box("Summary", "What the group discussed")
        )
        self.summary.textChanged.connect(self._typed)

        column.addWidget(QLabel("<b>Decisions</b>"))
        self.decision_list = _list(
            "Decisions", "What the meeting decided for this child; the buttons below add one"
        )
        self.decision_list.currentRowChanged.connect(lambda _r: self._enable())
        column.addWidget(self.decision_list)
        self.decide_button = push_button(
            "Add a &decision…", "Add a decision", self.add_decision.emit
        )
        self.told_button = push_button("Parents &told…", "Parents told", self._told)
        self.withdraw_button = push_button(
            "Withdraw the decision…", "Withdraw the decision", self._withdraw
        )
        column.addLayout(self._row(self.decide_button, self.told_button, self.withdraw_button))

        column.addWidget(QLabel("<b>Actions</b>"))
        self.action_list = _list(
            "Actions",
            "Who will do what, and whether it is done: Enter marks the chosen action done, "
            "or not done",
        )
        self.action_list.currentRowChanged.connect(lambda _r: self._enable())
        self.action_list.itemActivated.connect(lambda _i: self._toggle())
        column.addWidget(self.action_list)
        self.action_button = push_button("Add an act&ion…", "Add an action", self.add_action.emit)
        self.done_button = push_button("Mark d&one", "Mark the action done", self._toggle)
        self.remove_action_button = push_button(
            "Remove the action…", "Remove the action", self._remove_action
        )
        column.addLayout(self._row(self.action_button, self.done_button, self.remove_action_button))

        column.addWidget(QLabel("<b>Answers to the family's questions</b>"))
        self.questions_form = QFormLayout()
        self.questions_form.setFieldGrowthPolicy(
            QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow
        )
        column.addLayout(self.questions_form)
        self.no_questions = QLabel()
        self.no_questions.setWordWrap(True)
        self.no_questions.setAccessibleName("No questions to answer")
        column.addWidget(self.no_questions)

        column.addWidget(QLabel("<b>For the family's letter</b>"))
        self.outcome = self._captioned(
            column,
            "Outcome for the famil&y:",
            _box("Outcome for the family", "In plain words: what the group thinks, for the letter"),
        )
        self.next_steps = self._captioned(
            column, "What happens ne&xt:", _box("What happens next", "Who will do what, when")
        )
        self.contact = self._captioned(column, "&Who to contact:", QLineEdit())
        self.contact.setAccessibleName("Who to contact")
        self.contact.setMaxLength(CONTACT_CHARS)  # never a refusal that would hold up the words
        self.contact.setPlaceholderText("Mei Lin Chen, Portage practitioner, 01632 960 123")
        for widget in (self.outcome, self.next_steps):
            widget.textChanged.connect(self._typed)
        self.contact.textEdited.connect(lambda _t: self._typed())
        self.letter = QLabel()
        self.letter.setWordWrap(True)
        self.letter.setAccessibleName("The family's letter")
        column.addWidget(self.letter)
        column.addStretch(1)

    @staticmethod
    def _captioned(column: QVBoxLayout, caption: str, widget: W) -> W:
        label = QLabel(caption)
        label.setBuddy(widget)
        column.addWidget(label)
        column.addWidget(widget)
        return widget

    @staticmethod
    def _row(*buttons: QPushButton) -> QHBoxLayout:
        row = QHBoxLayout()
        for button in buttons:
            button.setAutoDefault(False)
            row.addWidget(button)
        row.addStretch(1)
        return row

    # ---- showing ----

    def show_discussion(
        self,
        discussion: DiscussionView,
        referral: ReferralView | None,
        notifications: Mapping[str, NotificationRow],
        today: dt.date,
        *,
        fields: bool,
        refresh: bool = False,
    ) -> None:
        """The child's discussion; the typed fields when asked (a child newly chosen), or
        with `refresh` (nothing typed waits to be saved) each box still holding what was last
        shown in it, never over typing in progress."""
        previous = self.discussion
        self.discussion = discussion
        self.notifications = notifications
        self.title.setText(discussion.child_name)
        self.before.setText(questionnaire_html(referral))
        decision_row, action_row = self.decision_list.currentRow(), self.action_list.currentRow()
        self.decision_list.clear()
        for decision in discussion.decisions:
            notified = notifications.get(decision.notification_id or "")
            item = QListWidgetItem(decision_text(decision, notified))
            item.setData(Qt.ItemDataRole.UserRole, decision.id)
            self.decision_list.addItem(item)
        if not discussion.decisions:
            self.decision_list.addItem(NO_DECISION)
        self.action_list.clear()
        for action in discussion.actions:
            item = QListWidgetItem(action_text(action, today))
            item.setData(Qt.ItemDataRole.UserRole, action.id)
            self.action_list.addItem(item)
        if not discussion.actions:
            self.action_list.addItem(NO_ACTION)
        self.decision_list.setCurrentRow(min(max(decision_row, 0), self.decision_list.count() - 1))
        self.action_list.setCurrentRow(min(max(action_row, 0), self.action_list.count() - 1))
        ids = [q.id for q in discussion.questions]
        if fields or ids != list(self.answer_boxes):
            self._show_questions(discussion, referral)
        elif refresh and previous is not None and previous.id == discussion.id:
            self._refresh(previous, discussion)
        if fields:
            self._loading = True
            try:
                self.family.setText(discussion.family_present)
                self.summary.setPlainText(discussion.summary)
                self.outcome.setPlainText(discussion.outcome)
                self.next_steps.setPlainText(discussion.next_steps)
                self.contact.setText(discussion.contact)
            finally:
                self._loading = False
        self.letter.setText(f"The family's letter: {letter_state(discussion)}")
        self._enable()

    def _boxes(self, discussion: DiscussionView) -> list[tuple[QLineEdit | QPlainTextEdit, str]]:
        """Each box of the discussion's, with the discussion's words for it."""
        answers = {q.id: q.answer for q in discussion.questions}
        return [
            (self.family, discussion.family_present),
            (self.summary, discussion.summary),
            (self.outcome, discussion.outcome),
            (self.next_steps, discussion.next_steps),
            (self.contact, discussion.contact),
            *((box, answers.get(q, "")) for q, box in self.answer_boxes.items()),
        ]

    def _refresh(self, previous: DiscussionView, discussion: DiscussionView) -> None:
        """The vault's words in each box that still holds what was shown in it before."""
        self._loading = True
        try:
            for (box, before), (_same, now) in zip(
                self._boxes(previous), self._boxes(discussion), strict=True
            ):
                text = box.text() if isinstance(box, QLineEdit) else box.toPlainText()
                if text == before and now != before:
                    if isinstance(box, QLineEdit):
                        box.setText(now)
                    else:
                        box.setPlainText(now)
        finally:
            self._loading = False

    def show_family(self, shown: bool) -> None:
        """The family there: a team around the child meeting's (a liaison group has none)."""
        self.family_caption.setVisible(shown)
        self.family.setVisible(shown)

    def _show_questions(self, discussion: DiscussionView, referral: ReferralView | None) -> None:
        clear_grid_form(self.questions_form)
        self.answer_boxes = {}
        for n, question in enumerate(discussion.questions, start=1):
            quoted = QLabel(f"{n}. “{question.question}”")
            quoted.setTextFormat(Qt.TextFormat.PlainText)
            quoted.setWordWrap(True)
            quoted.setAccessibleName(f"The family's question {n}")
            quoted.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            box = _box(f"Answer to question {n}", "The group's answer, for the family's letter")
            box.setPlainText(question.answer)
            caption = QLabel("Answer to &question 1:" if n == 1 else f"Answer to question {n}:")
            caption.setBuddy(box)
            box.textChanged.connect(lambda q=question.id: self._answer_typed(q))
            self.questions_form.addRow(quoted)
            self.questions_form.addRow(caption, box)
            for widget in (quoted, caption, box):
                widget.show()  # now, not on the next pass of the event loop: Alt+Q finds it
            self.answer_boxes[question.id] = box
        # Boxes made after the panel come last in the focus chain: Tab goes from the actions
        # through each answer to the outcome.
        chain: list[QWidget] = [
            self.remove_action_button,
            *self.answer_boxes.values(),
            self.outcome,
        ]
        for before, after in pairwise(chain):
            QWidget.setTabOrder(before, after)
        if referral is None:
            empty = NO_REFERRAL
        elif referral.answers is None:
            empty = NOT_ANSWERED
        else:
            empty = NO_QUESTIONS
        self.no_questions.setText(empty)
        self.no_questions.setVisible(not discussion.questions)

    def clear(self) -> None:
        self.discussion = None
        self.title.clear()
        self.before.clear()
        self.decision_list.clear()
        self.action_list.clear()
        clear_grid_form(self.questions_form)
        self.answer_boxes = {}
        self._loading = True
        try:
            for box in (self.summary, self.outcome, self.next_steps):
                box.clear()
            self.contact.clear()
            self.family.clear()
        finally:
            self._loading = False

    # ---- what is typed ----

    def _typed(self) -> None:
        if not self._loading and self.discussion is not None:
            self.edited.emit()

    def _answer_typed(self, question_id: str) -> None:
        if not self._loading and self.discussion is not None:
            self.answer_edited.emit(question_id)

    def typed(self) -> DiscussionInput:
        return DiscussionInput(
            summary=self.summary.toPlainText(),
            outcome=self.outcome.toPlainText(),
            next_steps=self.next_steps.toPlainText(),
            contact=self.contact.text(),
            family_present=self.family.text(),
        )

    def answer(self, question_id: str) -> str | None:
        box = self.answer_boxes.get(question_id)
        return box.toPlainText() if box is not None else None

    # ---- the lists' buttons ----

    def chosen_decision(self) -> DecisionView | None:
        if self.discussion is None:
            return None
        row = self.decision_list.currentRow()
        found = self.discussion.decisions
        return found[row] if 0 <= row < len(found) else None

    def chosen_action(self) -> ActionView | None:
        if self.discussion is None:
            return None
        row = self.action_list.currentRow()
        found = self.discussion.actions
        return found[row] if 0 <= row < len(found) else None

    def choose_decision(self, decision_id: str) -> None:
        for n in range(self.decision_list.count()):
            if self.decision_list.item(n).data(Qt.ItemDataRole.UserRole) == decision_id:
                self.decision_list.setCurrentRow(n)

    def _enable(self) -> None:
        decision = self.chosen_decision()
        self.told_button.setEnabled(decision is not None and bool(decision.notification_id))
        self.withdraw_button.setEnabled(decision is not None)
        action = self.chosen_action()
        self.done_button.setEnabled(action is not None)
        self.done_button.setText(
            "Not d&one" if action is not None and action.done_on else "Mark d&one"
        )
        self.done_button.setAccessibleName(
            "Open the action again" if action is not None and action.done_on else "Mark done"
        )
        self.remove_action_button.setEnabled(action is not None)

    def _told(self) -> None:
        decision = self.chosen_decision()
        if decision is not None and decision.notification_id:
            self.parents_told.emit(decision.notification_id)

    def _withdraw(self) -> None:
        decision = self.chosen_decision()
        if decision is not None:
            self.withdraw_decision.emit(decision.id)

    def _toggle(self) -> None:
        action = self.chosen_action()
        if action is not None:
            self.toggle_action.emit(action.id)

    def _remove_action(self) -> None:
        action = self.chosen_action()
        if action is not None:
            self.remove_action.emit(action.id)


def clear_grid_form(form: QFormLayout) -> None:
    """Take every row out of `form` and delete its widgets."""
    while form.rowCount():
        form.removeRow(0)


__all__ = ["ChildPanel", "action_text", "decision_text", "due_words", "questionnaire_html"]
