"""The dialogs of a support plan: the plan itself (new or edited, with its outcomes), the
parents told that SEN support has started, a specialist involved with the parents' agreement,
and the one-page profile. The review has its own dialog (ui/plan_review_dialog.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from earlyyears_desktop.domain.enums import AreaOfNeed
from earlyyears_desktop.domain.errors import ValidationError
from earlyyears_desktop.services.container import Services
from earlyyears_desktop.services.support_views import (
    OutcomeEnd,
    OutcomeInput,
    OutcomeView,
    PlanInput,
    PlanView,
    Profile,
)
from earlyyears_desktop.ui.enum_combo import EnumCombo
from earlyyears_desktop.ui.forms import FormDialog, date_edit, py_date
from earlyyears_desktop.ui.operations import OpRunner
from earlyyears_desktop.ui.widgets import FieldError

#: the review date a new plan is given unless changed: a term's work, twelve weeks on
FIRST_REVIEW_WEEKS = 12
HOW_TOLD = ("In person", "By phone", "By letter", "By email", "In person, with an interpreter")
SPECIALIST_ROLES = (
    "Speech and language therapist",
    "Educational psychologist",
    "Specialist teacher",
    "Portage worker",
    "Health visitor",
    "Physiotherapist",
    "Occupational therapist",
)


def text_box(name: str, text: str = "", lines: int = 3) -> QPlainTextEdit:
    """A few lines of text where Tab moves on, so the form works by keyboard alone."""
    box = QPlainTextEdit(text)
    box.setTabChangesFocus(True)
    box.setAccessibleName(name)
    box.setFixedHeight(box.fontMetrics().lineSpacing() * lines + 14)
    return box


def line(name: str, text: str = "") -> QLineEdit:
    edit = QLineEdit(text)
    edit.setAccessibleName(name)
    return edit


def choice_or_own(name: str, choices: Sequence[str], text: str = "") -> QComboBox:
    """A list to choose from, or words of one's own."""
    combo = QComboBox()
    combo.setEditable(True)
    combo.addItems(list(choices))
    combo.setCurrentText(text or choices[0])
    combo.setAccessibleName(name)
    return combo


class OutcomeEditor(QGroupBox):
    """One outcome sought: what, the area of need, the support, the expected impact and who
    is responsible; for an outcome already in the plan, ending it with a reason."""

    def __init__(
        self, dialog: FormDialog, n: int, outcome: OutcomeView | None, can_end: bool
    ) -> None:
        super().__init__(f"Outcome {n + 1}")
        self.n = n
        self.outcome_id = outcome.id if outcome else None
        self.setAccessibleName(f"Outcome {n + 1}")
        form = QFormLayout(self)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        name = f"Outcome {n + 1}"
        o = outcome
        self.text = dialog.add_field(
            f"outcome_{n}",
            "Outcome sought:",
            line(f"{name}: outcome sought", o.outcome if o else ""),
            form,
        )
        self.area = dialog.add_field(
            f"area_{n}",
            "Area of need:",
            EnumCombo(AreaOfNeed, f"{name}: area of need", none_label="(not given)"),
            form,
        )
        self.area.set_value(o.area_of_need if o and o.area_of_need else None)
        self.support = dialog.add_field(
            f"support_{n}",
            "Interventions and support:",
            text_box(f"{name}: interventions and support", o.support if o else "", 2),
            form,
        )
        self.impact = dialog.add_field(
            f"impact_{n}",
            "Expected impact:",
            line(f"{name}: expected impact", o.expected_impact if o else ""),
            form,
        )
        self.responsible = dialog.add_field(
            f"responsible_{n}",
            "Who is responsible:",
            line(f"{name}: who is responsible", o.responsible if o else ""),
            form,
        )
        self.responsible.setPlaceholderText("For example: key person daily; Mum at bath time")
        self.end: QCheckBox | None = None
        self.end_reason: QLineEdit | None = None
        if can_end and o is not None:
            self.end = QCheckBox("End this outcome (it stays in the plan's history)")
            self.end.setAccessibleName(f"{name}: end this outcome")
            form.addRow(self.end)
            self.end_reason = dialog.add_field(
                f"end_reason_{n}", "Why it ends:", line(f"{name}: why it ends"), form
            )
            self.end_reason.setPlaceholderText("For example: met at the review")
            self.end_reason.setEnabled(False)
            self.end.toggled.connect(self.end_reason.setEnabled)

    def value(self) -> OutcomeInput:
        return OutcomeInput(
            self.text.text(),
            self.area.value() or "",
            self.support.toPlainText(),
            self.impact.text(),
            self.responsible.text(),
            self.outcome_id,
        )

    def ending(self) -> OutcomeEnd | None:
        if self.end is None or self.end_reason is None or not self.end.isChecked():
            return None
        assert self.outcome_id is not None
        reason = self.end_reason.text()
        if not reason.strip():
            raise ValidationError(
                f"end_reason_{self.n}", "Please say why this outcome ends (met, or changed)."
            )
        return OutcomeEnd(self.outcome_id, reason)


class PlanDialog(FormDialog):
    """A new support plan (for a child given, or chosen from `children`), or a plan edited:
    assess (the summary), plan (the outcomes and their support, the review date), do (the key
    person)."""

    def __init__(
        self,
        services: Services,
        runner: OpRunner,
        parent: QWidget | None = None,
        *,
        plan: PlanView | None = None,
        child_id: str | None = None,
        children: Sequence[tuple[str, str]] = (),
    ) -> None:
        editing = plan is not None
        super().__init__(
            "Edit the support plan" if editing else "New support plan",
            runner,
            parent,
            intro=(
                "Agree the plan with the parents: the outcomes you are seeking, the support "
                "for each, its expected impact, who is responsible, and a clear date for review."
            ),
            save_text="&Save plan",
        )
        self.setMinimumSize(680, 640)
        self.services = services
        self.plan = plan
        today = services.clock.today()
        self.child_id = plan.child_id if plan else child_id
        self.child: QComboBox | None = None
        if self.child_id is None:
            self.child = self.add_field("child_id", "&Child:", QComboBox())
            self.child.setAccessibleName("Child")
            for cid, name in children:
                self.child.addItem(name, cid)
        self.title_edit = self.add_field(
            "title", "&Title:", line("Title", plan.title if plan else "Support plan")
        )
        self.started_on = self.add_field(
            "started_on", "Starts o&n:", date_edit(plan.started_on if plan else today, "Starts on")
        )
        review_on = plan.review_on if plan else today + dt.timedelta(weeks=FIRST_REVIEW_WEEKS)
        self.review_on = self.add_field(
            "review_on", "&Review date:", date_edit(review_on, "Review date")
        )
        self.key_person = self.add_field(
            "key_person",
            "&Key person (day to day):",
            line(
                "Key person, who works with the child day to day", plan.key_person if plan else ""
            ),
        )
        self.assessment = self.add_field(
            "assessment_summary",
            "&Assessment summary:",
            text_box("Assessment summary", plan.assessment_summary if plan else "", 4),
        )
        self.interventions = self.add_field(
            "interventions",
            "Support across the &plan:",
            text_box("Support across the plan", plan.interventions if plan else "", 2),
        )
        self.on: Any = None
        if editing:
            self.on = self.add_field(
                "on", "Date of these &changes:", date_edit(today, "Date of these changes")
            )
        self.outcomes_error = FieldError("outcomes")
        self.errors["outcomes"] = self.outcomes_error
        self.outcome_list = QWidget()
        self.outcome_column = QVBoxLayout(self.outcome_list)
        self.outcome_column.setContentsMargins(0, 0, 0, 0)
        self.editors: list[OutcomeEditor] = []
        for outcome in plan.current_outcomes if plan else ():
            self._add_editor(outcome)
        if not self.editors:
            self._add_editor(None)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.outcome_list)
        scroll.setAccessibleName("The outcomes sought")
        self.outer.addWidget(self.outcomes_error)
        self.outer.addWidget(scroll, 1)
        row = QHBoxLayout()
        self.add_outcome_button = QPushButton("A&dd another outcome")
        self.add_outcome_button.setAccessibleName("Add another outcome")
        self.add_outcome_button.clicked.connect(lambda _=False: self.add_outcome())
        row.addWidget(self.add_outcome_button)
        row.addStretch(1)
        self.outer.addLayout(row)
        self.finish_layout()

    def _add_editor(self, outcome: OutcomeView | None) -> OutcomeEditor:
        editor = OutcomeEditor(self, len(self.editors), outcome, self.plan is not None)
        self.editors.append(editor)
        self.outcome_column.addWidget(editor)
        return editor

    def add_outcome(self) -> None:
        editor = self._add_editor(None)
        editor.text.setFocus(Qt.FocusReason.OtherFocusReason)

    def work(self) -> Callable[[], Any]:
        child_id = self.child_id
        if self.child is not None:
            chosen = self.child.currentData()
            if not isinstance(chosen, str):
                raise ValidationError("child_id", "Please choose the child.")
            child_id = chosen
        assert child_id is not None
        plan = PlanInput(
            child_id,
            py_date(self.started_on),
            py_date(self.review_on),
            [e.value() for e in self.editors],
            self.title_edit.text(),
            self.assessment.toPlainText(),
            self.key_person.text(),
            self.interventions.toPlainText(),
        )
        service = self.services.support
        if self.plan is None:
            return lambda: service.add_plan(plan)
        ended = [end for e in self.editors if (end := e.ending()) is not None]
        plan_id, on = self.plan.id, py_date(self.on)
        return lambda: service.edit_plan(plan_id, plan, ended=ended, on=on)


class ParentsToldDialog(FormDialog):
    """The record that the parents were told SEN support has started."""

    def __init__(
        self, services: Services, runner: OpRunner, plan: PlanView, parent: QWidget | None = None
    ) -> None:
        super().__init__(
            "Parents told",
            runner,
            parent,
            intro=(
                "Where a setting makes special educational provision for a child, it must tell "
                "the parents. Record when and how they were told that SEN support has started."
            ),
        )
        self.services = services
        self.plan_id = plan.id
        self.on = self.add_field(
            "on",
            "&Date told:",
            date_edit(plan.parents_told_on or services.clock.today(), "Date told"),
        )
        self.how = self.add_field(
            "how",
            "&How:",
            choice_or_own("How the parents were told", HOW_TOLD, plan.parents_told_how),
        )
        self.finish_layout()

    def work(self) -> Callable[[], Any]:
        service, plan_id = self.services.support, self.plan_id
        on, how = py_date(self.on), self.how.currentText()
        return lambda: service.parents_told(plan_id, on, how)


class SpecialistDialog(FormDialog):
    """A specialist involved in the plan, only with the parents' agreement."""

    def __init__(
        self, services: Services, runner: OpRunner, plan: PlanView, parent: QWidget | None = None
    ) -> None:
        super().__init__(
            "Add a specialist",
            runner,
            parent,
            intro=(
                "The decision to involve a specialist is taken with the child's parents. "
                "Record who, from where, and when the parents agreed."
            ),
            save_text="&Add specialist",
        )
        self.services = services
        self.plan_id = plan.id
        self.name = self.add_field("name", "&Name:", line("Specialist's name"))
        self.role = self.add_field("role", "&Role:", choice_or_own("Role", SPECIALIST_ROLES))
        self.agency = self.add_field("agency", "Agenc&y or service:", line("Agency or service"))
        holder = QWidget()
        holder.setAccessibleName("The parents' agreement")
        row = QHBoxLayout(holder)
        row.setContentsMargins(0, 0, 0, 0)
        self.agreed = QCheckBox("The parents have a&greed, on")
        self.agreed.setAccessibleName("The parents have agreed")
        self.agreed_on = date_edit(services.clock.today(), "Date the parents agreed")
        self.agreed_on.setEnabled(False)
        self.agreed.toggled.connect(self.agreed_on.setEnabled)
        row.addWidget(self.agreed)
        row.addWidget(self.agreed_on, 1)
        self.add_field("parents_agreed_on", "Parents' agreement:", holder)
        self.fields["parents_agreed_on"] = self.agreed
        self.agreed_by = self.add_field(
            "parents_agreed_by", "Agreed &by:", line("Which parent or carer agreed")
        )
        self.agreed_by.setPlaceholderText("For example: Mum")
        self.finish_layout()

    def work(self) -> Callable[[], Any]:
        service, plan_id = self.services.support, self.plan_id
        name, role, agency = self.name.text(), self.role.currentText(), self.agency.text()
        agreed_on = py_date(self.agreed_on) if self.agreed.isChecked() else None
        by = self.agreed_by.text()
        return lambda: service.add_specialist(plan_id, name, role, agency, agreed_on, by)


class ProfileDialog(FormDialog):
    """The one-page profile."""

    def __init__(
        self, services: Services, runner: OpRunner, plan: PlanView, parent: QWidget | None = None
    ) -> None:
        super().__init__(
            "One-page profile",
            runner,
            parent,
            intro=f"{plan.child_name}'s one-page profile, written with the family.",
            save_text="&Save profile",
        )
        self.setMinimumWidth(560)
        self.services = services
        self.plan_id = plan.id
        p = plan.profile
        self.admire = self.add_field(
            "admire",
            "What people &like and admire:",
            text_box("What people like and admire about the child", p.admire),
        )
        self.important = self.add_field(
            "important",
            "What is &important to them:",
            text_box("What is important to the child", p.important),
        )
        self.support = self.add_field(
            "support",
            "How &best to support them:",
            text_box("How best to support the child", p.support),
        )
        self.finish_layout()

    def work(self) -> Callable[[], Any]:
        service, plan_id = self.services.support, self.plan_id
        profile = Profile(
            self.admire.toPlainText(), self.important.toPlainText(), self.support.toPlainText()
        )
        return lambda: service.save_profile(plan_id, profile)
