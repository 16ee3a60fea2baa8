"""The "Support plans" box of a child's record: the child's plans with where each stands
("Review overdue by 5 days", "Closed"), and a new plan started from here.

The box reads its own rows (through the runner) when the record shows a child, and again when
a change touches a plan, so the record view only has to say which child it shows. The plans
are seen whole, and reviewed, on the Plans & reviews page.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from earlyyears_desktop.services.container import Services
from earlyyears_desktop.services.support_views import PlanRow
from earlyyears_desktop.ui.child_box import ChildBox
from earlyyears_desktop.ui.operations import OpRunner
from earlyyears_desktop.ui.plan_dialogs import PlanDialog
from earlyyears_desktop.ui.plan_render import escape, plan_status
from earlyyears_desktop.ui.plans_page import PLAN_ENTITIES
from earlyyears_desktop.ui.widgets import clear_grid, rich_block, short_date


def plan_html(row: PlanRow, today: dt.date) -> str:
    lines = [
        f"<b>{escape(row.title)}</b> · {escape(plan_status(row, today))}",
        f"Started {short_date(row.started_on)}"
        + ("" if row.closed else f" · next review {short_date(row.review_on)}"),
    ]
    lines += [f"• {escape(o)}" for o in row.outcomes]
    return "<br>".join(lines)


class PlansBox(ChildBox):
    """The child's support plans on their record."""

    #: emitted once the plans of the child shown are on screen (with the child's id)
    loaded = Signal(str)
    #: a plan to be seen whole on the Plans & reviews page (its id)
    open_requested = Signal(str)

    entities = PLAN_ENTITIES

    def __init__(self, services: Services, runner: OpRunner, parent: QWidget | None = None):
        super().__init__(
            "Support plans",
            services,
            runner,
            "support_plans",
            "Problem with the support plans",
            parent,
        )
        self.setAccessibleName("Support plans")
        self.rows: tuple[PlanRow, ...] = ()
        self.dialog: PlanDialog | None = None
        layout = QVBoxLayout(self)
        self.list = QWidget()
        self.list.setAccessibleName("The child's support plans")
        self.grid = QGridLayout(self.list)
        self.grid.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.list)
        layout.addWidget(self.message)
        buttons = QHBoxLayout()
        self.new_button = QPushButton("New support p&lan…")
        self.new_button.setAccessibleName("New support plan for this child")
        self.new_button.clicked.connect(lambda _=False: self.new_plan())
        buttons.addWidget(self.new_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)

    def read(self, child_id: str) -> Callable[[], Any]:
        service = self.services.support
        return lambda: (service.for_child(child_id), service.today())

    def forget(self) -> None:
        self.rows = ()
        clear_grid(self.grid)
        if self.dialog is not None and isValid(self.dialog):
            self.dialog.reject()
        self.dialog = None

    def show_rows(self, child_id: str, answer: tuple[Sequence[PlanRow], dt.date]) -> None:
        rows, today = answer
        self.rows = tuple(rows)
        clear_grid(self.grid)
        if not rows:
            empty = QLabel(
                "No support plan yet. Where the child needs SEN support, New support plan… "
                "starts one, agreed with the parents: assess, plan, do, review."
            )
            empty.setWordWrap(True)
            self.grid.addWidget(empty, 0, 0)
        for n, row in enumerate(rows):
            spoken = f"{row.title}, {plan_status(row, today)}"
            self.grid.addWidget(rich_block(spoken, plan_html(row, today)), n, 0)
            opener = QPushButton("Open…")
            opener.setAccessibleName(f"Open {row.title} on the Plans and reviews page")
            opener.clicked.connect(lambda _=False, plan=row.id: self.open_requested.emit(plan))
            self.grid.addWidget(opener, n, 1, Qt.AlignmentFlag.AlignTop)
        self.loaded.emit(child_id)

    def new_plan(self) -> None:
        if self.child_id is None:
            return
        self.dialog = PlanDialog(self.services, self.runner, self, child_id=self.child_id)
        self.dialog.open()
