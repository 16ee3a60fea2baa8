"""Reviewing a support plan: the progress against each outcome (with the observations linked to
it since the last review as evidence), the parents' views, the child's views and how they were
gathered, the changes agreed and the next review date (or none: the plan closes)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from earlyyears_desktop.domain.enums import OutcomeProgress
from earlyyears_desktop.services.container import Services
from earlyyears_desktop.services.support_views import (
    Evidence,
    OutcomeReviewInput,
    OutcomeView,
    PlanView,
    ReviewInput,
)
from earlyyears_desktop.ui.enum_combo import EnumCombo
from earlyyears_desktop.ui.forms import FormDialog, date_edit, py_date
from earlyyears_desktop.ui.operations import OpRunner
from earlyyears_desktop.ui.plan_dialogs import line, text_box
from earlyyears_desktop.ui.plan_render import evidence_html
from earlyyears_desktop.ui.widgets import short_date

#: the next review offered unless changed: reviews come round more often as the cycle repeats
NEXT_REVIEW_WEEKS = 8


class OutcomeProgressEditor(QGroupBox):
    """One outcome at the review: its progress, a note, and its evidence."""

    def __init__(
        self, dialog: FormDialog, n: int, outcome: OutcomeView, evidence: tuple[Evidence, ...]
    ) -> None:
        super().__init__(f"Outcome {n + 1}: {outcome.outcome}")
        self.outcome_id = outcome.id
        self.setAccessibleName(f"Outcome {n + 1}: {outcome.outcome}")
        form = QFormLayout(self)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.progress = dialog.add_field(
            f"progress_{outcome.id}",
            "Progress:",
            EnumCombo(
                OutcomeProgress,
                f"Progress on outcome {n + 1}",
                none_label="Choose the progress made…",
            ),
            form,
        )
        self.progress.setAccessibleDescription(
            f"How far outcome {n + 1} has come since the plan was made or last reviewed"
        )
        self.note = dialog.add_field(
            f"note_{outcome.id}", "Note:", line(f"Note on outcome {n + 1}"), form
        )
        self.evidence = QLabel(evidence_html(evidence))
        self.evidence.setWordWrap(True)
        self.evidence.setAccessibleName(f"Evidence for outcome {n + 1}")
        self.evidence_count = len(evidence)
        form.addRow("Evidence:", self.evidence)

    def value(self) -> OutcomeReviewInput | None:
        chosen = self.progress.value()
        if chosen is None:
            return None
        return OutcomeReviewInput(self.outcome_id, OutcomeProgress(chosen), self.note.text())


class ReviewDialog(FormDialog):
    def __init__(
        self,
        services: Services,
        runner: OpRunner,
        plan: PlanView,
        evidence: Mapping[str, tuple[Evidence, ...]],
        parent: QWidget | None = None,
    ) -> None:
        since = short_date(plan.reviewed_since)
        super().__init__(
            "Review the support plan",
            runner,
            parent,
            intro=(
                f"Review {plan.child_name}'s plan with the parents, taking into account "
                f"{plan.child_name}'s views. The evidence is the observations linked to each "
                f"outcome since {since}."
            ),
            save_text="&Save review",
        )
        self.setMinimumSize(680, 680)
        self.services = services
        self.plan_id = plan.id
        today = services.clock.today()
        self.reviewed_on = self.add_field(
            "reviewed_on", "&Date of the review:", date_edit(today, "Date of the review")
        )
        outcomes = QWidget()
        column = QVBoxLayout(outcomes)
        column.setContentsMargins(0, 0, 0, 0)
        self.editors = [
            OutcomeProgressEditor(self, n, o, tuple(evidence.get(o.id, ())))
            for n, o in enumerate(plan.current_outcomes)
        ]
        for editor in self.editors:
            column.addWidget(editor)
        column.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(outcomes)
        scroll.setAccessibleName("Progress against each outcome")
        self.form.addRow(scroll)
        self.add_field("outcomes", "", QWidget())
        self.overall = self.add_field(
            "progress", "Progress &overall:", line("Progress overall, in a sentence")
        )
        self.parent_views = self.add_field(
            "parent_views", "The &parents' views:", text_box("The parents' views", lines=2)
        )
        self.child_views = self.add_field(
            "child_views", "The c&hild's views:", text_box("The child's views", lines=2)
        )
        self.child_views_how = self.add_field(
            "child_views_how",
            "How they &were gathered:",
            line("How the child's views were gathered"),
        )
        self.child_views_how.setPlaceholderText(
            "For example: choosing between photos; watching play"
        )
        self.changes = self.add_field(
            "changes_agreed", "&Changes agreed:", text_box("Changes agreed", lines=2)
        )
        holder = QWidget()
        holder.setAccessibleName("Next review")
        row = QHBoxLayout(holder)
        row.setContentsMargins(0, 0, 0, 0)
        self.next_review_on = date_edit(
            today + dt.timedelta(weeks=NEXT_REVIEW_WEEKS), "Next review date"
        )
        self.closes = QCheckBox("No next review: the plan &ends here")
        self.closes.setAccessibleName("No next review: the plan ends here")
        self.closes.toggled.connect(lambda on: self.next_review_on.setEnabled(not on))
        row.addWidget(self.next_review_on, 1)
        row.addWidget(self.closes)
        self.add_field("next_review_on", "&Next review:", holder)
        self.fields["next_review_on"] = self.next_review_on
        self.finish_layout()

    def work(self) -> Callable[[], Any]:
        rated = [r for e in self.editors if (r := e.value()) is not None]
        review = ReviewInput(
            py_date(self.reviewed_on),
            rated,
            parent_views=self.parent_views.toPlainText(),
            child_views=self.child_views.toPlainText(),
            child_views_how=self.child_views_how.text(),
            changes_agreed=self.changes.toPlainText(),
            next_review_on=None if self.closes.isChecked() else py_date(self.next_review_on),
            progress=self.overall.text(),
        )
        service, plan_id = self.services.support, self.plan_id
        return lambda: service.review_plan(plan_id, review)
