"""The Plans & reviews page: support plans following the graduated approach (assess, plan, do,
review), listed with where each stands ("Review overdue by 5 days"), and the chosen plan shown
whole: its four parts in order, the parents told, the specialists with the parents'
agreement, the one-page profile and the reviews, newest first.

A team holds tens of plans, not thousands: the list is read whole (the service filters it).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from earlyyears_desktop.services.children import ChildFilter
from earlyyears_desktop.services.container import Services
from earlyyears_desktop.services.support import PlanShow
from earlyyears_desktop.services.support_views import PlanRow, PlanView, SpecialistView
from earlyyears_desktop.services.unit_of_work import Changes, Saved
from earlyyears_desktop.ui.error_text import error_text
from earlyyears_desktop.ui.forms import FormDialog, confirm
from earlyyears_desktop.ui.operations import OpRunner
from earlyyears_desktop.ui.pages import Page
from earlyyears_desktop.ui.plan_dialogs import (
    ParentsToldDialog,
    PlanDialog,
    ProfileDialog,
    SpecialistDialog,
)
from earlyyears_desktop.ui.plan_render import (
    assess_html,
    do_html,
    escape,
    parents_told_html,
    plan_html,
    plan_status,
    profile_html,
    review_html,
    row_text,
)
from earlyyears_desktop.ui.plan_review_dialog import ReviewDialog
from earlyyears_desktop.ui.widgets import FieldError, clear_grid, heading, rich_block, short_date

#: the changes after which the page (and a child's "Support plans" box) reads again
PLAN_ENTITIES = (
    "support_plan",
    "plan_outcome",
    "plan_review",
    "outcome_review",
    "plan_specialist",
    "observation",
    "child",
)
ID_ROLE = Qt.ItemDataRole.UserRole
SHOW_CHOICES: tuple[tuple[str, PlanShow], ...] = (
    ("All plans", "all"),
    ("Reviews due and overdue", "due"),
    ("Closed plans", "closed"),
)
EMPTY_TEXT = {
    "all": "No support plans yet. Start one with New plan… (Ctrl+N), agreed with the parents: "
    "assess, plan, do, review.",
    "due": "No reviews due in the next four weeks, and none overdue.",
    "closed": "No closed plans. A plan closes at a review that sets no next review date.",
}


def _section(title: str) -> tuple[QLabel, QLabel]:
    head = heading(title, level=2)
    body = rich_block(title)
    body.setTextInteractionFlags(
        Qt.TextInteractionFlag.TextSelectableByMouse
        | Qt.TextInteractionFlag.TextSelectableByKeyboard
    )
    body.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
    return head, body


class PlansPage(Page):
    #: emitted once the list is on screen, with the number of plans shown
    list_ready = Signal(int)
    #: emitted once the chosen plan is shown whole (with its id)
    plan_shown = Signal(str)

    def __init__(self, services: Services, runner: OpRunner, parent: QWidget | None = None):
        super().__init__(parent)
        self.services = services
        self.runner = runner
        self.setAccessibleName("Plans & reviews")
        self._generation = 0
        self._plan_generation = 0
        self._rows: dict[str, PlanRow] = {}
        self._selected_id: str | None = None
        self.plan: PlanView | None = None
        self.dialog: QDialog | None = None

        layout = QVBoxLayout(self)
        layout.addWidget(heading("Plans & reviews"))
        intro = QLabel(
            "Support plans follow the graduated approach: assess, plan, do, review. Each is "
            "agreed with the parents and reviewed by its date, taking the child's views into "
            "account."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        layout.addLayout(self._build_actions())
        self.message = FieldError("plans")
        self.message.setAccessibleName("Problem with the plans")
        layout.addWidget(self.message)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self._build_list_side())
        splitter.addWidget(self._build_detail_side())
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        splitter.setSizes([400, 660])
        splitter.setChildrenCollapsible(False)
        layout.addWidget(splitter, 1)
        QShortcut(QKeySequence.StandardKey.New, self, self.new_plan)
        runner.changed.connect(self._on_changes)
        self._show_plan(None)

    def _build_actions(self) -> QHBoxLayout:
        row = QHBoxLayout()

        def button(text: str, name: str, act: Callable[[], None], tip: str = "") -> QPushButton:
            b = QPushButton(text)
            b.setAccessibleName(name)
            b.setToolTip(tip or name)
            b.clicked.connect(lambda _=False: act())
            row.addWidget(b)
            return b

        self.new_button = button(
            "&New plan…", "New support plan", self.new_plan, "New support plan (Ctrl+N)"
        )
        self.edit_button = button("&Edit…", "Edit the plan", self.edit_plan)
        self.told_button = button(
            "Parents &told…", "Record that the parents were told", self.parents_told
        )
        self.specialist_button = button(
            "Add a &specialist…",
            "Add a specialist, with the parents' agreement",
            self.add_specialist,
        )
        self.profile_button = button(
            "One-page &profile…", "The one-page profile", self.edit_profile
        )
        self.review_button = button("Re&view…", "Review the plan", self.review)
        self.family_copy_button = button(
            "Family's &copy…",
            "The family's copy of the plan and the one-page profile: preview, print or save",
            self.family_copy,
        )
        row.addStretch(1)
        self.plan_buttons = [
            self.edit_button,
            self.told_button,
            self.specialist_button,
            self.profile_button,
            self.review_button,
            self.family_copy_button,
        ]
        return row

    def _build_list_side(self) -> QWidget:
        side = QWidget()
        column = QVBoxLayout(side)
        column.setContentsMargins(0, 0, 0, 0)
        filters = QHBoxLayout()
        self.show_combo = QComboBox()
        self.show_combo.setAccessibleName("Show")
        for text, key in SHOW_CHOICES:
            self.show_combo.addItem(text, key)
        label = QLabel("Sho&w:")
        label.setBuddy(self.show_combo)
        filters.addWidget(label)
        filters.addWidget(self.show_combo, 1)
        column.addLayout(filters)
        self.count = QLabel("")
        self.count.setAccessibleName("Number of plans shown")
        column.addWidget(self.count)
        self.empty = QLabel("")
        self.empty.setWordWrap(True)
        self.empty.setAccessibleName("No plans to show")
        self.empty.hide()
        column.addWidget(self.empty)
        self.list = QListWidget()
        self.list.setAccessibleName("Support plans")
        self.list.setAccessibleDescription(
            "The support plans shown, one a line with where each stands: moving to one shows "
            "it whole beside the list; Enter goes to the plan"
        )
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setWordWrap(True)
        self.list.setAlternatingRowColors(True)
        self.list.setSpacing(2)
        self.list.currentItemChanged.connect(self._current_changed)
        self.list.installEventFilter(self)
        column.addWidget(self.list, 1)
        self.show_combo.currentIndexChanged.connect(lambda _i: self.run_query())
        return side

    def _build_detail_side(self) -> QWidget:
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setAccessibleName("The chosen plan")
        body = QWidget()
        column = QVBoxLayout(body)
        self.nothing = QLabel("")
        self.nothing.setWordWrap(True)
        self.nothing.setAccessibleName("No plan chosen")
        column.addWidget(self.nothing)
        self.title = heading("", level=1)
        self.status = rich_block("Where the plan stands")
        self.parts: list[QWidget] = [self.title, self.status]
        self.sections: dict[str, QLabel] = {}
        for key, title in (
            ("assess", "1. Assess"),
            ("plan", "2. Plan: the outcomes sought and the support"),
            ("do", "3. Do"),
            ("review", "4. Review"),
            ("told", "The parents told that SEN support has started"),
            ("specialists", "Specialists involved, with the parents' agreement"),
            ("profile", "One-page profile"),
        ):
            head, text = _section(title)
            self.sections[key] = text
            self.parts += [head, text]
            if key == "specialists":
                self.specialists = QWidget()
                self.specialists.setAccessibleName("Specialists involved")
                self.specialist_grid = QGridLayout(self.specialists)
                self.specialist_grid.setContentsMargins(0, 0, 0, 0)
                self.specialist_grid.setColumnStretch(0, 1)
                self.parts.append(self.specialists)
            if key == "review":
                self.reviews = QWidget()
                self.reviews.setAccessibleName("The reviews, newest first")
                self.review_column = QVBoxLayout(self.reviews)
                self.review_column.setContentsMargins(0, 0, 0, 0)
                self.parts.append(self.reviews)
        for part in self.parts:
            column.addWidget(part)
        column.addStretch(1)
        scroll.setWidget(body)
        return scroll

    # ---- the list ----

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            watched is self.list
            and isinstance(event, QKeyEvent)
            and event.type() == QEvent.Type.KeyPress
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and event.modifiers() == Qt.KeyboardModifier.NoModifier
        ):
            self.sections["assess"].setFocus(Qt.FocusReason.OtherFocusReason)
            return True
        return super().eventFilter(watched, event)

    def shown(self) -> PlanShow:
        key = self.show_combo.currentData()
        return key if key in ("due", "closed") else "all"

    def set_shown(self, show: PlanShow) -> None:
        self.show_combo.setCurrentIndex(next(i for i, c in enumerate(SHOW_CHOICES) if c[1] == show))

    def run_query(self) -> None:
        self._generation += 1
        generation = self._generation
        show = self.shown()
        service = self.services.support
        self.runner.run(
            lambda: (service.plans(show), service.today()),
            on_done=lambda answer: self._show_rows(generation, show, *answer),
            on_error=self._failed,
        )

    def _failed(self, error: BaseException) -> None:
        if isValid(self):
            self.message.show_message(error_text(error))

    def _show_rows(
        self, generation: int, show: PlanShow, rows: list[PlanRow], today: dt.date
    ) -> None:
        if generation != self._generation or not isValid(self):
            return
        self.message.clear_message()
        self._rows = {r.id: r for r in rows}
        keep = self._selected_id if self._selected_id in self._rows else None
        self.list.blockSignals(True)
        self.list.clear()
        for row in rows:
            item = QListWidgetItem(row_text(row, today))
            item.setData(ID_ROLE, row.id)
            item.setData(
                Qt.ItemDataRole.AccessibleTextRole,
                f"{row.child_name}, {row.title}, {plan_status(row, today)}",
            )
            self.list.addItem(item)
            if row.id == keep:
                self.list.setCurrentItem(item)
        self.list.blockSignals(False)
        n = len(rows)
        self.count.setText(f"{n} plan{'' if n == 1 else 's'}")
        self.empty.setText(EMPTY_TEXT[show])
        self.empty.setVisible(not rows)
        self.list.setVisible(bool(rows))
        if keep is None and rows:
            self.list.setCurrentRow(0)
        elif keep is not None:
            self._read_plan(keep)
        else:
            self._show_plan(None)
        self.list_ready.emit(n)

    def _current_changed(self, item: QListWidgetItem | None, _previous: object = None) -> None:
        plan_id = item.data(ID_ROLE) if item is not None else None
        if isinstance(plan_id, str):
            self._selected_id = plan_id
            self._read_plan(plan_id)
        else:
            self._show_plan(None)

    def open_plan(self, plan_id: str) -> None:
        """Show one plan (from a child's record, say), whatever the filter hid."""
        self._selected_id = plan_id
        if plan_id not in self._rows:
            self.set_shown("all")
        self.run_query()

    # ---- the chosen plan ----

    def _read_plan(self, plan_id: str) -> None:
        self._plan_generation += 1
        generation = self._plan_generation
        service = self.services.support
        self.runner.run(
            lambda: (service.plan(plan_id), service.today()),
            on_done=lambda answer: self._plan_read(generation, *answer),
            on_error=self._failed,
        )

    def _plan_read(self, generation: int, plan: PlanView, today: dt.date) -> None:
        if generation != self._plan_generation or not isValid(self):
            return
        self._show_plan(plan, today)
        self.plan_shown.emit(plan.id)

    def _show_plan(self, plan: PlanView | None, today: dt.date | None = None) -> None:
        self.plan = plan
        for part in self.parts:
            part.setVisible(plan is not None)
        self.nothing.setVisible(plan is None)
        self.nothing.setText("" if plan else "Choose a plan in the list to see it whole.")
        for b in self.plan_buttons:
            b.setEnabled(plan is not None)
        self.review_button.setEnabled(plan is not None and not plan.closed)
        clear_grid(self.specialist_grid)
        while self.review_column.count():
            item = self.review_column.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.hide()
                widget.setParent(None)
                widget.deleteLater()
        if plan is None:
            self.title.clear()
            self.status.clear()
            for label in self.sections.values():
                label.clear()
            return
        assert today is not None
        self.title.setText(f"{plan.child_name}: {plan.title}")
        self.title.setAccessibleName(f"{plan.child_name}: {plan.title}")
        self.status.setText(
            f"<b>{escape(plan_status(plan, today))}</b> · started {short_date(plan.started_on)}"
        )
        self.sections["assess"].setText(assess_html(plan))
        self.sections["plan"].setText(plan_html(plan))
        self.sections["do"].setText(do_html(plan))
        n = len(plan.reviews)
        self.sections["review"].setText(
            "No review yet: the first is due on " + short_date(plan.review_on) + "."
            if n == 0
            else f"{n} review{'' if n == 1 else 's'}, newest first."
        )
        for review in reversed(plan.reviews):
            block = rich_block(f"Review of {short_date(review.reviewed_on)}", review_html(review))
            block.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
            block.setFrameShape(QFrame.Shape.StyledPanel)
            self.review_column.addWidget(block)
        self.sections["told"].setText(parents_told_html(plan))
        self._show_specialists(plan.specialists)
        self.sections["profile"].setText(profile_html(plan))

    def _show_specialists(self, specialists: tuple[SpecialistView, ...]) -> None:
        self.sections["specialists"].setText(
            "" if specialists else "<i>No specialists involved.</i>"
        )
        self.sections["specialists"].setVisible(not specialists)
        for n, s in enumerate(specialists):
            what = " · ".join(escape(p) for p in (s.role, s.agency) if p)
            by = f" ({escape(s.parents_agreed_by)})" if s.parents_agreed_by else ""
            html = (
                f"<b>{escape(s.name)}</b>"
                + (f" · {what}" if what else "")
                + f"<br>The parents{by} agreed on {short_date(s.parents_agreed_on)}"
            )
            self.specialist_grid.addWidget(rich_block(s.name, html), n, 0)
            remove = QPushButton("Remove…")
            remove.setAccessibleName(f"Remove {s.name} from the plan")
            remove.clicked.connect(lambda _=False, s=s: self.remove_specialist(s))
            self.specialist_grid.addWidget(remove, n, 1, Qt.AlignmentFlag.AlignTop)

    # ---- actions ----

    def new_plan(self) -> None:
        """Read the children, then ask which child the plan is for."""
        children = self.services.children

        def read() -> list[tuple[str, str]]:
            return [
                (r.id, r.display_name) for r in children.rows(children.search_ids(ChildFilter()))
            ]

        self.runner.run(read, on_done=self._open_new, on_error=self._failed)

    def _open_new(self, children: list[tuple[str, str]]) -> None:
        if not isValid(self):
            return
        if not children:
            self.message.show_message(
                "Add a child on the Children page first: a plan is for one child."
            )
            return
        self._open(PlanDialog(self.services, self.runner, self, children=children))

    def edit_plan(self) -> None:
        if self.plan is not None:
            self._open(PlanDialog(self.services, self.runner, self, plan=self.plan))

    def parents_told(self) -> None:
        if self.plan is not None:
            self._open(ParentsToldDialog(self.services, self.runner, self.plan, self))

    def add_specialist(self) -> None:
        if self.plan is not None:
            self._open(SpecialistDialog(self.services, self.runner, self.plan, self))

    def edit_profile(self) -> None:
        if self.plan is not None:
            self._open(ProfileDialog(self.services, self.runner, self.plan, self))

    def family_copy(self) -> None:
        """The family's copy of the plan and the one-page profile, previewed to print or
        save."""
        from earlyyears_desktop.ui.document_preview import show_family_documents  # QtPdf

        if self.plan is not None:
            show_family_documents(self, self.services, self.runner, plan_id=self.plan.id)

    def review(self) -> None:
        plan = self.plan
        if plan is None or plan.closed:
            return
        service = self.services.support
        self.runner.run(
            lambda: service.evidence_for_review(plan.id, service.today()),
            on_done=lambda evidence: self._open(
                ReviewDialog(self.services, self.runner, plan, evidence, self)
            ),
            on_error=self._failed,
        )

    def remove_specialist(self, specialist: SpecialistView) -> None:
        service = self.services.support

        def remove() -> None:
            self.runner.run(
                lambda: service.remove_specialist(specialist.id),
                on_done=lambda _saved: None,
                on_error=self._failed,
                changes=lambda saved: saved.changes,
            )

        confirm(
            self,
            "Remove a specialist",
            f"Remove {specialist.name} from this plan?",
            "&Remove",
            remove,
        )

    def _open(self, dialog: FormDialog) -> None:
        if not isValid(self):
            return
        self.dialog = dialog
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.saved.connect(self._saved)
        dialog.finished.connect(lambda _r: self._closed(dialog))
        dialog.open()

    def _closed(self, dialog: QDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None

    def _saved(self, saved: Saved[object]) -> None:
        if isinstance(saved.value, str) and saved.value in saved.changes.ids("support_plan"):
            self.open_plan(saved.value)  # a new plan: shown whatever the filter was
        self.list.setFocus(Qt.FocusReason.OtherFocusReason)

    def _on_changes(self, changes: Changes) -> None:
        if changes.touches(*PLAN_ENTITIES) and self.isVisible():
            self.run_query()

    # ---- Page ----

    def reload(self) -> None:
        self.run_query()

    def clear_personal_data(self) -> None:
        self._generation += 1
        self._plan_generation += 1
        self._rows = {}
        self._selected_id = None
        self.list.clear()
        self.count.clear()
        self._show_plan(None)
        if self.dialog is not None:
            self.dialog.reject()
            self.dialog = None
