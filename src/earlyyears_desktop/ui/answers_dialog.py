"""Typing in the family's answers to the questionnaire, as they came back (on paper, by phone):
when, how, who took them, what is going well, their concerns, what they would like the group
to talk about, how they would like to hear back, and their own questions, one a row, in the
order they asked them (each is answered at the meeting and quoted in the family's letter).

Answers of any length are kept (a box scrolls); saving calls `ReferralService.record_answers`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from earlyyears_desktop.domain.enums import QuestionnaireReturn
from earlyyears_desktop.services.container import Services
from earlyyears_desktop.services.practitioners import PractitionerRow
from earlyyears_desktop.services.referrals import AnswersInput, QuestionInput, ReferralView
from earlyyears_desktop.ui.caseload_dialogs import worker_combo
from earlyyears_desktop.ui.enum_combo import EnumCombo
from earlyyears_desktop.ui.forms import FormDialog, date_edit, py_date
from earlyyears_desktop.ui.operations import OpRunner
from earlyyears_desktop.ui.referral_dialogs import editable_combo, text_box

#: how families commonly ask to hear back after the meeting (the field takes any words)
HEAR_BACK = (
    "A letter in the post",
    "A letter by email",
    "A phone call, then the letter",
    "A letter in large print",
)


class QuestionsEditor(QWidget):
    """The family's questions, one a row: add, edit (F2), move up or down, remove."""

    changed = Signal()

    def __init__(self, questions: Sequence[QuestionInput], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("The family's questions")
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        self.list = QListWidget()
        self.list.setAccessibleName("The family's questions, in their order")
        self.list.setAccessibleDescription("F2 changes the question chosen")
        self.list.setWordWrap(True)
        self.list.setEditTriggers(
            QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.DoubleClicked
        )
        for question in questions:
            self._add_item(question.text, question.id)
        grid.addWidget(self.list, 0, 0)
        buttons = QVBoxLayout()
        self.edit_button = self._button("&Edit", "Change the question chosen", self.edit_chosen)
        self.up_button = self._button(
            "Move &up", "Move the question up", lambda: self.move_chosen(-1)
        )
        self.down_button = self._button(
            "Move do&wn", "Move the question down", lambda: self.move_chosen(1)
        )
        self.remove_button = self._button(
            "&Remove", "Remove the question chosen", self.remove_chosen
        )
        for button in (self.edit_button, self.up_button, self.down_button, self.remove_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        grid.addLayout(buttons, 0, 1)
        self.new_question = QLineEdit()
        self.new_question.setAccessibleName("A new question")
        self.new_question.setPlaceholderText("Type a question, then Enter or Add")
        self.new_question.installEventFilter(self)
        label = QLabel("&New question:")
        label.setBuddy(self.new_question)
        grid.addWidget(label, 1, 0, 1, 2)
        grid.addWidget(self.new_question, 2, 0)
        self.add_button = self._button("A&dd", "Add the question typed", self.add_typed)
        grid.addWidget(self.add_button, 2, 1)
        self.list.currentRowChanged.connect(lambda _r: self._enable())
        self.setFocusProxy(self.list)
        self._enable()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Enter in the new question adds it (a dialog would take Enter as "Save")."""
        if (
            watched is self.new_question
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        ):
            self.add_typed()
            return True
        return super().eventFilter(watched, event)

    def _button(self, text: str, name: str, on_click: Callable[[], object]) -> QPushButton:
        button = QPushButton(text)
        button.setAccessibleName(name)
        button.setAutoDefault(False)  # Enter in the new question adds it, never saves
        button.clicked.connect(lambda _=False: on_click())
        return button

    def _add_item(self, text: str, question_id: str | None = None) -> QListWidgetItem:
        item = QListWidgetItem(text)
        # the record it was read from (None: typed in now), so that its answer stays with it
        item.setData(Qt.ItemDataRole.UserRole, question_id)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsEditable)
        self.list.addItem(item)
        return item

    def _enable(self) -> None:
        row, count = self.list.currentRow(), self.list.count()
        self.edit_button.setEnabled(row >= 0)
        self.remove_button.setEnabled(row >= 0)
        self.up_button.setEnabled(row > 0)
        self.down_button.setEnabled(0 <= row < count - 1)

    def questions(self) -> tuple[QuestionInput, ...]:
        items = (self.list.item(n) for n in range(self.list.count()))
        found = (
            QuestionInput(item.text().strip(), item.data(Qt.ItemDataRole.UserRole))
            for item in items
        )
        return tuple(q for q in found if q.text)

    def add_typed(self) -> None:
        text = self.new_question.text().strip()
        if not text:
            return
        item = self._add_item(text)
        self.list.setCurrentItem(item)
        self.new_question.clear()
        self.new_question.setFocus()
        self.changed.emit()

    def edit_chosen(self) -> None:
        item = self.list.currentItem()
        if item is not None:
            self.list.setFocus()
            self.list.editItem(item)

    def move_chosen(self, by: int) -> None:
        row = self.list.currentRow()
        to = row + by
        if row < 0 or not 0 <= to < self.list.count():
            return
        item = self.list.takeItem(row)
        self.list.insertItem(to, item)
        self.list.setCurrentRow(to)
        self.changed.emit()

    def remove_chosen(self) -> None:
        row = self.list.currentRow()
        if row >= 0:
            self.list.takeItem(row)
            self.list.setCurrentRow(min(row, self.list.count() - 1))
            self.changed.emit()


class AnswersDialog(FormDialog):
    """The family's answers to the questionnaire, typed in (or corrected)."""

    def __init__(
        self,
        services: Services,
        runner: OpRunner,
        view: ReferralView,
        practitioners: Sequence[PractitionerRow],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(
            f"{view.child_name}'s family: answers to the questionnaire",
            runner,
            parent,
            intro="Type in the family's own words. The group reads them before the meeting, "
            "and the letter after it answers each of their questions.",
            save_text="&Save the answers",
        )
        self.setMinimumWidth(860)
        self.setSizeGripEnabled(True)
        self.services = services
        self.view = view
        answers = view.answers
        today = services.referrals.clock.today()
        columns = QHBoxLayout()
        left, right = QFormLayout(), QFormLayout()
        for form in (left, right):
            form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        columns.addLayout(left, 1)
        columns.addLayout(right, 1)
        self.outer.addLayout(columns, 1)
        self.returned_on = self.add_field(
            "returned_on",
            "Returned &on:",
            date_edit(answers.returned_on if answers else today, "Date the answers came back"),
            left,
        )
        self.returned_how = self.add_field(
            "returned_how",
            "&How they came back:",
            EnumCombo(
                QuestionnaireReturn,
                "How the answers came back",
                none_label="Choose…",
                value=answers.returned_how.value if answers else None,
            ),
            left,
        )
        me = services.actor.practitioner_id
        taker = next(
            (p.id for p in practitioners if answers and p.name == answers.taken_by_name), me
        )
        self.taken_by = self.add_field(
            "taken_by",
            "&Taken by:",
            worker_combo(
                [p for p in practitioners if p.active or p.id == taker],
                taker,
                "Who took the answers",
            ),
            left,
        )
        self.hear_back = self.add_field(
            "hear_back_how",
            "How they'd like to hear &back:",
            editable_combo(
                HEAR_BACK,
                "How the family would like to hear back",
                answers.hear_back_how if answers else "",
            ),
            left,
        )
        self.questions = QuestionsEditor(
            [QuestionInput(q.question, q.id) for q in answers.questions] if answers else ()
        )
        self.add_field("questions", "Their &questions:", self.questions, left)
        for label in self.findChildren(QLabel):
            if label.buddy() is self.questions:
                label.setBuddy(self.questions.list)  # Alt+Q into the list itself
        self.going_well = self.add_field(
            "going_well",
            "What is &going well:",
            text_box("What is going well", 4, answers.going_well if answers else ""),
            right,
        )
        self.concerns = self.add_field(
            "concerns",
            "Their &concerns:",
            text_box("The family's concerns", 4, answers.concerns if answers else ""),
            right,
        )
        self.to_talk_about = self.add_field(
            "to_talk_about",
            "What to talk &about:",
            text_box(
                "What they would like the group to talk about",
                4,
                answers.to_talk_about if answers else "",
            ),
            right,
        )
        self.finish_layout()
        self.returned_on.setFocus()

    def work(self) -> Callable[[], Any]:
        given = AnswersInput(
            returned_on=py_date(self.returned_on),
            returned_how=self.returned_how.value() or "",
            going_well=self.going_well.toPlainText(),
            concerns=self.concerns.toPlainText(),
            to_talk_about=self.to_talk_about.toPlainText(),
            hear_back_how=self.hear_back.currentText(),
            questions=self.questions.questions(),
            taken_by=self.taken_by.currentData(),
        )
        referrals, referral = self.services.referrals, self.view.id
        return lambda: referrals.record_answers(referral, given)
