"""The dialogs of a referral to the pre-school liaison group: refer a child (or change the
referral), record that the questionnaire went to the family, and withdraw the referral.

A referral is refused without the parents' agreement (who agreed, when and how): the service
says which field, and the message shows beside it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from earlyyears_desktop.domain.enums import LIAISON_ROLES
from earlyyears_desktop.services.container import Services
from earlyyears_desktop.services.referrals import ReferralInput, ReferralRow, ReferralView
from earlyyears_desktop.ui.child_search import ChildSearch
from earlyyears_desktop.ui.forms import FormDialog, date_edit, py_date
from earlyyears_desktop.ui.meetings_model import (
    lower_first,
    questionnaire_words,
    referral_state_words,
)
from earlyyears_desktop.ui.operations import OpRunner
from earlyyears_desktop.ui.widgets import children_found, short_date

#: how parents commonly agree to a referral (the field takes any words)
AGREED_HOW = ("In person", "By phone", "In writing", "By email", "At a home visit")
#: why a referral is commonly withdrawn (the field takes any words)
WITHDRAW_REASONS = (
    "The family asked to withdraw it",
    "The family moved out of the area",
    "Support now from another service",
    "Referred in error",
)
WHY_AGREEMENT = (
    "Families do not come to the liaison group. A child is referred only after a talk with "
    "the parents or carers, once they agree that the child has, or is likely to have, special "
    "educational needs or a disability (SEND)."
)


def editable_combo(choices: Iterable[str], accessible_name: str, text: str = "") -> QComboBox:
    """A list to choose from that also takes any words typed."""
    combo = QComboBox()
    combo.setEditable(True)
    combo.addItems(list(choices))
    combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
    combo.setAccessibleName(accessible_name)
    combo.setCurrentIndex(-1)
    combo.setEditText(text)
    return combo


def text_box(accessible_name: str, lines: int, text: str = "") -> QPlainTextEdit:
    """A box for a few lines of words; Tab moves on (the text scrolls however long)."""
    box = QPlainTextEdit(text)
    box.setAccessibleName(accessible_name)
    box.setTabChangesFocus(True)
    box.setMinimumHeight(box.fontMetrics().lineSpacing() * lines + 12)
    return box


def referral_summary(view: ReferralView, row: ReferralRow | None, today: dt.date) -> str:
    """One line on where a referral is, for the top of its dialog."""
    parts = [f"{view.child_name}, referred {short_date(view.referred_on)}"]
    if row is not None:
        parts += [
            f"questionnaire: {lower_first(questionnaire_words(row, today))}",
            lower_first(referral_state_words(row, today)),
        ]
    if view.answers is not None and view.answers.taken_by_name:
        parts.append(f"answers taken by {view.answers.taken_by_name}")
    return " · ".join(parts)


class ReferralDialog(FormDialog, ChildSearch):
    """Refer a child to the pre-school liaison group (`view` None, the child found by name or
    given), or change a referral."""

    def __init__(
        self,
        services: Services,
        runner: OpRunner,
        parent: QWidget | None = None,
        *,
        view: ReferralView | None = None,
        row: ReferralRow | None = None,
        child_id: str | None = None,
        child_name: str = "",
    ) -> None:
        today = services.referrals.clock.today()
        super().__init__(
            "Refer a child to the liaison group"
            if view is None
            else "Referral to the liaison group",
            runner,
            parent,
            intro=(
                "The pre-school liaison group talks about each child referred, and writes to the "
                "family after the meeting."
                if view is None
                else referral_summary(view, row, today)
            ),
            save_text="&Save the referral" if view is None else "&Save changes",
        )
        self.setMinimumWidth(620)
        self.services = services
        self.view = view
        self.given_child = view.child_id if view is not None else child_id
        if self.given_child is None:
            self.search = QLineEdit()
            self.search.setPlaceholderText("Type part of the child's name")
            self.search.setAccessibleName("Search for a child")
            self.add_field("search", "&Find the child:", self.search)
            self.results = children_found(6)
            self.add_field("child", "", self.results)
        else:
            shown = QLabel(view.child_name if view is not None else child_name)
            shown.setTextFormat(Qt.TextFormat.PlainText)
            shown.setAccessibleName("Child referred")
            self.add_field("child", "Child:", shown)
        self.referred_on = self.add_field(
            "referred_on",
            "Referred &on:",
            date_edit(view.referred_on if view else today, "Date of the referral"),
        )
        self.referrer_name = self.add_field(
            "referrer_name", "&Referrer's name:", QLineEdit(view.referrer_name if view else "")
        )
        self.referrer_name.setAccessibleName("Referrer's name")
        self.referrer_role = self.add_field(
            "referrer_role",
            "Ro&le:",
            editable_combo(LIAISON_ROLES, "Referrer's role", view.referrer_role if view else ""),
        )
        self.referrer_agency = self.add_field(
            "referrer_agency", "A&gency:", QLineEdit(view.referrer_agency if view else "")
        )
        self.referrer_agency.setAccessibleName("Referrer's agency")
        self.referrer_agency.setPlaceholderText("For example: Kingsford NHS Trust")
        self.discussed_on = self.add_field(
            "discussed_with_parents_on",
            "&Discussed with the parents on:",
            date_edit(
                view.discussed_with_parents_on if view else today,
                "Date of the discussion with the parents",
            ),
        )
        self.agreement = QGroupBox("The parents' agreement")
        self.agreement.setAccessibleName("The parents' agreement")
        box = QVBoxLayout(self.agreement)
        why = QLabel(WHY_AGREEMENT)
        why.setWordWrap(True)
        why.setTextFormat(Qt.TextFormat.PlainText)
        box.addWidget(why)
        agreement_form = QFormLayout()
        agreement_form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        box.addLayout(agreement_form)
        self.agreed_by = self.add_field(
            "parents_agreed_by",
            "Agreed &by:",
            QLineEdit(view.parents_agreed_by if view else ""),
            agreement_form,
        )
        self.agreed_by.setAccessibleName("Which parent or carer agreed")
        self.agreed_by.setPlaceholderText("For example: Agnieszka Wiśniewska (mother)")
        self.agreed_on = self.add_field(
            "parents_agreed_on",
            "&When they agreed:",
            date_edit(view.parents_agreed_on if view else today, "Date the parents agreed"),
            agreement_form,
        )
        self.agreed_how = self.add_field(
            "parents_agreed_how",
            "&How they agreed:",
            editable_combo(
                AGREED_HOW, "How the parents agreed", view.parents_agreed_how if view else ""
            ),
            agreement_form,
        )
        self.outer.addWidget(self.agreement)
        rest = QFormLayout()
        rest.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.outer.addLayout(rest)
        self.reason = self.add_field(
            "reason",
            "Re&ason:",
            text_box("Why the child is referred", 3, view.reason if view else ""),
            rest,
        )
        self.questions = self.add_field(
            "questions",
            "&Questions for the group:",
            text_box("The referrer's questions for the group", 3, view.questions if view else ""),
            rest,
        )
        self.questions.setPlaceholderText("One question a line")
        self.finish_layout()
        if self.given_child is None:
            self.search_as_typed()
            self.search.setFocus()
        else:
            self.referred_on.setFocus()

    def work(self) -> Callable[[], Any]:
        child_id = self.given_child or self.required_child_id()
        given = ReferralInput(
            child_id=child_id,
            referred_on=py_date(self.referred_on),
            referrer_name=self.referrer_name.text(),
            referrer_role=self.referrer_role.currentText(),
            referrer_agency=self.referrer_agency.text(),
            discussed_with_parents_on=py_date(self.discussed_on),
            parents_agreed_by=self.agreed_by.text(),
            parents_agreed_on=py_date(self.agreed_on),
            parents_agreed_how=self.agreed_how.currentText(),
            reason=self.reason.toPlainText(),
            questions=self.questions.toPlainText(),
        )
        referrals = self.services.referrals
        if self.view is None:
            return lambda: referrals.refer(given)
        referral_id = self.view.id
        return lambda: referrals.edit(referral_id, given)


class QuestionnaireSentDialog(FormDialog):
    """The day the questionnaire went to the family."""

    def __init__(
        self,
        services: Services,
        runner: OpRunner,
        row: ReferralRow,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(
            f"Questionnaire sent to {row.child_name}'s family",
            runner,
            parent,
            intro="The family's answers are typed in with Answers… when they come back.",
        )
        self.services = services
        self.row = row
        self.sent_on = self.add_field(
            "questionnaire_sent_on",
            "Sent &on:",
            date_edit(row.questionnaire_sent_on or services.referrals.clock.today(), "Date sent"),
        )
        self.finish_layout()
        self.sent_on.setFocus()

    def work(self) -> Callable[[], Any]:
        referrals, referral, sent_on = self.services.referrals, self.row.id, py_date(self.sent_on)
        return lambda: referrals.questionnaire_sent(referral, sent_on)


class WithdrawReferralDialog(FormDialog):
    """Withdraw a referral: the date and why. It is kept, no longer waiting."""

    def __init__(
        self,
        services: Services,
        runner: OpRunner,
        row: ReferralRow,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(
            f"Withdraw {row.child_name}'s referral",
            runner,
            parent,
            intro="The referral is kept in the child's record; it no longer waits for a meeting.",
            save_text="&Withdraw the referral",
        )
        self.services = services
        self.row = row
        self.withdrawn_on = self.add_field(
            "withdrawn_on",
            "Withdrawn &on:",
            date_edit(services.referrals.clock.today(), "Date withdrawn"),
        )
        self.reason = editable_combo(WITHDRAW_REASONS, "Why the referral is withdrawn")
        line = self.reason.lineEdit()
        if line is not None:
            line.setPlaceholderText("Choose or type the reason")
        self.add_field("withdrawn_reason", "&Reason:", self.reason)
        self.finish_layout()
        self.withdrawn_on.setFocus()

    def work(self) -> Callable[[], Any]:
        referrals, referral = self.services.referrals, self.row.id
        on, reason = py_date(self.withdrawn_on), self.reason.currentText()
        return lambda: referrals.withdraw(referral, on, reason)


__all__ = [
    "QuestionnaireSentDialog",
    "ReferralDialog",
    "WithdrawReferralDialog",
    "editable_combo",
    "text_box",
]
