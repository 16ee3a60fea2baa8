"""The "Teaching targets" box of a child's record: each Portage target with its skill area,
the step worked on, who it was set with and when; the app's suggestion to mark a step
achieved; set, change, mark a step, finish, stop, and see the progress chart from here.

The box reads its own rows (through the runner) when the record shows a child, and again when
a change touches a target, a step or a visit, so the record view only says which child it
shows.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from html import escape
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from earlyyears_desktop.domain.enums import ProgressRating, TargetStatus
from earlyyears_desktop.services.container import Services
from earlyyears_desktop.services.targets import TargetView
from earlyyears_desktop.ui.child_box import ChildBox
from earlyyears_desktop.ui.forms import confirm
from earlyyears_desktop.ui.operations import OpRunner
from earlyyears_desktop.ui.target_dialog import (
    AchieveStepDialog,
    EndTargetDialog,
    TargetDialog,
    step_words,
)
from earlyyears_desktop.ui.widgets import clear_grid, rich_block, short_date

#: the changes after which the box reads its rows again
TARGET_ENTITIES = ("teaching_target", "target_step", "visit_target_progress", "home_visit")
EMPTY = (
    "No teaching targets yet. Set one with the family: Add a target… (Alt+D). Its small "
    "steps are rated at each home visit."
)
SUGGESTION = "Achieved at the last two visits: mark this step achieved?"


def target_html(view: TargetView) -> str:
    lines = [f"<b>{escape(view.target)}</b> · {escape(view.skill_area)}"]
    current = view.current_step
    if view.status == TargetStatus.ACHIEVED:
        lines.append(f"<b>Finished</b> on {short_date(view.achieved_on)}")
    elif view.status == TargetStatus.STOPPED:
        lines.append(f"<b>Stopped</b> on {short_date(view.stopped_on)}")
    elif current is not None:
        lines.append(escape(step_words(view, current)))
    elif not view.steps:  # set before targets had steps of their own
        lines.append("No small steps yet: add them with Edit…")
    else:
        lines.append(
            f"All {len(view.steps)} steps achieved: finish the target when you and the family "
            "agree it is met."
        )
    if view.end_reason:
        lines.append(f"Why: {escape(view.end_reason)}")
    with_whom = f" with {escape(view.set_with)}" if view.set_with else ""
    lines.append(f"Set{with_whom} on {short_date(view.set_on)}")
    if view.ratings:
        last = view.ratings[-1]
        lines.append(f"Last visit ({short_date(last.visited_on)}): {last.rating.label}")
    return "<br>".join(lines)


class TargetsBox(ChildBox):
    """The child's teaching targets on their record."""

    #: emitted once the rows of the child shown are on screen (with the child's id)
    loaded = Signal(str)

    entities = TARGET_ENTITIES

    def __init__(self, services: Services, runner: OpRunner, parent: QWidget | None = None):
        super().__init__(
            "Teaching targets",
            services,
            runner,
            "targets",
            "Problem with the teaching targets",
            parent,
        )
        self.setAccessibleName("Teaching targets set with the family")
        self.rows: tuple[TargetView, ...] = ()
        #: each target's buttons by what they do ("achieve", "edit", "chart"...)
        self.buttons: dict[str, dict[str, QPushButton]] = {}
        #: the "mark it achieved" button of each target the app suggests a step for
        self.suggest_buttons: dict[str, QPushButton] = {}
        self.dialog: QDialog | QMessageBox | None = None

        layout = QVBoxLayout(self)
        self.active = QWidget()
        self.active.setAccessibleName("Targets being worked on")
        self.active_grid = QGridLayout(self.active)
        self.active_grid.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.active)
        layout.addWidget(self.message)

        buttons = QHBoxLayout()
        self.add_button = QPushButton("A&dd a target…")
        self.add_button.setAccessibleName("Add a teaching target set with the family")
        self.add_button.setToolTip("Alt+D")
        self.add_button.clicked.connect(lambda _=False: self.add())
        buttons.addWidget(self.add_button)
        self.ended_button = QPushButton("Show finished and stopped")
        self.ended_button.setCheckable(True)
        self.ended_button.setAccessibleName("Show the finished and stopped targets")
        self.ended_button.toggled.connect(self._toggle_ended)
        buttons.addWidget(self.ended_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)

        self.ended = QWidget()
        self.ended.setAccessibleName("Finished and stopped targets")
        self.ended_grid = QGridLayout(self.ended)
        self.ended_grid.setContentsMargins(0, 0, 0, 0)
        self.ended.hide()
        layout.addWidget(self.ended)
        self.clear()

    # ---- showing ----

    def read(self, child_id: str) -> Callable[[], Any]:
        service = self.services.targets
        return lambda: service.for_child(child_id)

    def forget(self) -> None:
        self.rows = ()
        clear_grid(self.active_grid)
        clear_grid(self.ended_grid)
        self.buttons, self.suggest_buttons = {}, {}
        self.ended_button.setChecked(False)
        self.ended_button.hide()

    def show_rows(self, child_id: str, rows: Sequence[TargetView]) -> None:
        self.rows = tuple(rows)
        clear_grid(self.active_grid)
        clear_grid(self.ended_grid)
        self.buttons, self.suggest_buttons = {}, {}
        active = [r for r in rows if r.status == TargetStatus.ACTIVE]
        ended = [r for r in rows if r.status != TargetStatus.ACTIVE]
        if not active:
            empty = QLabel(EMPTY)
            empty.setWordWrap(True)
            self.active_grid.addWidget(empty, 0, 0)
        for n, view in enumerate(active):
            self.active_grid.addWidget(self._card(view), n, 0)
        for n, view in enumerate(ended):
            self.ended_grid.addWidget(self._card(view), n, 0)
        self.ended_button.setText(f"Show finished and stopped ({len(ended)})")
        self.ended_button.setVisible(bool(ended))
        if not ended:
            self.ended_button.setChecked(False)
        self.ended.setVisible(bool(ended) and self.ended_button.isChecked())
        self.loaded.emit(child_id)

    def _card(self, view: TargetView) -> QFrame:
        """One target: its words, the app's suggestion if any, and its buttons."""
        card = QFrame()
        card.setFrameShape(QFrame.Shape.StyledPanel)
        card.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        card.setAccessibleName(f"Target: {view.target}")
        column = QVBoxLayout(card)
        column.addWidget(rich_block(f"Target: {view.target}", target_html(view)))
        suggested = view.suggested_step
        if suggested is not None:
            row = QHBoxLayout()
            text = QLabel(SUGGESTION)
            text.setWordWrap(True)
            font = text.font()
            font.setBold(True)
            text.setFont(font)
            text.setAccessibleName(f"{view.target}: {SUGGESTION}")
            row.addWidget(text, 1)
            mark = QPushButton("Mark it achieved…")
            mark.setAccessibleName(
                f"Mark step {view.number(suggested)} of {view.target} achieved, as suggested"
            )
            mark.clicked.connect(lambda _=False, v=view: self.achieve(v, suggested=True))
            row.addWidget(mark)
            column.addLayout(row)
            self.suggest_buttons[view.id] = mark
        actions = QHBoxLayout()
        made: dict[str, QPushButton] = {}

        def button(key: str, text: str, name: str, slot: Callable[[], object]) -> None:
            made[key] = QPushButton(text)
            made[key].setAccessibleName(f"{name}: {view.target}")
            made[key].clicked.connect(lambda _=False: slot())
            actions.addWidget(made[key])

        if view.status == TargetStatus.ACTIVE:
            if view.current_step is not None:
                button(
                    "achieve",
                    "Step achieved…",
                    "Mark the current step achieved",
                    lambda: self.achieve(view),
                )
            if view.can_undo:
                button(
                    "undo",
                    "Undo last step…",
                    "Undo the last step achieved",
                    lambda: self.undo(view),
                )
            button("edit", "Edit…", "Change the target", lambda: self.edit(view))
            button("finish", "Finish…", "Finish the target", lambda: self.end(view, stop=False))
            button("stop", "Stop…", "Stop the target", lambda: self.end(view, stop=True))
        button("chart", "Progress chart…", "Progress chart", lambda: self.chart(view))
        actions.addStretch(1)
        column.addLayout(actions)
        self.buttons[view.id] = made
        return card

    def show_target(self, record_id: str) -> None:
        """Take the keyboard to a target (opened from the timeline by the target's id or one
        of its steps'): its first button, the finished and stopped ones shown if it is one."""
        view = next(
            (v for v in self.rows if v.id == record_id or v.step(record_id) is not None), None
        )
        if view is None or view.id not in self.buttons:
            return
        if view.status != TargetStatus.ACTIVE:
            self.ended_button.setChecked(True)
        first = next(iter(self.buttons[view.id].values()))
        parent = self.parentWidget()
        while parent is not None and not isinstance(parent, QScrollArea):
            parent = parent.parentWidget()
        if isinstance(parent, QScrollArea):
            parent.ensureWidgetVisible(first)
        first.setFocus(Qt.FocusReason.OtherFocusReason)

    def _toggle_ended(self, on: bool) -> None:
        self.ended.setVisible(on)
        self.ended_button.setAccessibleName(
            "Hide the finished and stopped targets"
            if on
            else "Show the finished and stopped targets"
        )

    # ---- actions ----

    def add(self) -> None:
        if self.child_id is not None:
            self._open(TargetDialog(self.services, self.runner, self.child_id, None, self))

    def edit(self, view: TargetView) -> None:
        self._open(TargetDialog(self.services, self.runner, view.child_id, view, self))

    def achieve(self, view: TargetView, *, suggested: bool = False) -> None:
        """Ask the date the current step was achieved: the day of the last visit rating it
        Achieved when the app suggested it, else today."""
        step = view.current_step
        if step is None:
            return
        on = self.services.clock.today()
        if suggested:
            on = next(
                (
                    r.visited_on
                    for r in reversed(view.ratings)
                    if r.step_id == step.id and r.rating == ProgressRating.ACHIEVED
                ),
                on,
            )
        self._open(AchieveStepDialog(self.services, self.runner, view, step, on, self))

    def undo(self, view: TargetView) -> None:
        step = view.last_achieved
        if step is None:
            return
        service = self.services.targets
        self.dialog = confirm(
            self,
            "Undo a step achieved",
            f"Mark step {view.number(step)}, “{step.text}”, as not achieved after all? It "
            "becomes the step worked on again.",
            "&Undo",
            lambda: self.runner.run(
                lambda: service.undo_step(step.id),
                changes=lambda saved: saved.changes,
                on_error=self._failed,
            ),
        )

    def end(self, view: TargetView, *, stop: bool) -> None:
        self._open(EndTargetDialog(self.services, self.runner, view, stop=stop, parent=self))

    def chart(self, view: TargetView) -> None:
        """Read the target's progress, then show its chart (QtCharts loads only now)."""
        service = self.services.targets
        target_id = view.id
        self.runner.run(
            lambda: service.progress(target_id), on_done=self._open_chart, on_error=self._failed
        )

    def _open_chart(self, view: TargetView) -> None:
        if not isValid(self) or view.child_id != self.child_id:
            return
        from earlyyears_desktop.ui.target_chart import TargetChartDialog

        self._open(TargetChartDialog(view, self))

    def _open(self, dialog: QDialog) -> None:
        self.dialog = dialog
        dialog.open()
