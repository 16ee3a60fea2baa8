"""The dialogs of a child's teaching targets: set a target with the family (or change one),
mark its current step achieved, finish it, stop it with a reason."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from html import escape
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QPlainTextEdit, QWidget

from earlyyears_desktop.services.container import Services
from earlyyears_desktop.services.targets import (
    SKILL_AREAS,
    StepView,
    TargetView,
    steps_from_lines,
)
from earlyyears_desktop.ui.forms import FormDialog, date_edit, py_date
from earlyyears_desktop.ui.operations import OpRunner
from earlyyears_desktop.ui.widgets import short_date


def text_box(name: str, lines: int) -> QPlainTextEdit:
    """A few lines of text where Tab moves on, so the form works by keyboard alone."""
    box = QPlainTextEdit()
    box.setTabChangesFocus(True)
    box.setAccessibleName(name)
    box.setFixedHeight(box.fontMetrics().lineSpacing() * lines + 14)
    return box


def step_words(target: TargetView, step: StepView) -> str:
    """ "Step 2 of 4: Reaches or points to ask for more"."""
    return f"Step {target.number(step)} of {len(target.steps)}: {step.text}"


class TargetDialog(FormDialog):
    """Set a target with the family (`target` None), or change a going one: its wording, skill
    area, who it was set with, and the steps not yet achieved (the achieved ones stay)."""

    def __init__(
        self,
        services: Services,
        runner: OpRunner,
        child_id: str,
        target: TargetView | None = None,
        parent: QWidget | None = None,
    ) -> None:
        new = target is None
        super().__init__(
            "Add a teaching target" if new else "Change a teaching target",
            runner,
            parent,
            intro="A target set with the family, taught in small steps in order: the first "
            "step not yet achieved is the one worked on at each visit. Write one step a line."
            if new
            else "Change the words, or add, reword and reorder the steps not yet achieved "
            "(one a line). The steps already achieved stay as they are.",
            save_text="&Save target",
        )
        self.services = services
        self.child_id = child_id
        self.target = target

        self.skill_area = QComboBox()
        self.skill_area.setEditable(True)
        self.skill_area.addItems(SKILL_AREAS)
        self.skill_area.setCurrentIndex(-1)
        self.skill_area.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        line = self.skill_area.lineEdit()
        if line is not None:
            line.setPlaceholderText("Choose one, or type another")
            line.setAccessibleName("Skill area")
        self.add_field("skill_area", "S&kill area:", self.skill_area)
        self.skill_area.setAccessibleName("Skill area")
        self.wording = self.add_field("target", "&Target:", QLineEdit())
        self.wording.setPlaceholderText("Will ask for 'more' using a word or sign")
        self.wording.setAccessibleName("The target")

        self.achieved = QLabel()
        self.achieved.setWordWrap(True)
        self.achieved.setTextFormat(Qt.TextFormat.RichText)
        self.achieved.setAccessibleName("Steps already achieved, which stay as they are")
        self.steps = self.add_field(
            "steps", "Small ste&ps:", text_box("Small steps, one a line, in order", 5)
        )
        # The steps take whatever room the dialog is given.
        self.steps.setMinimumHeight(self.steps.height())
        self.steps.setMaximumHeight(16777215)
        self.steps.setPlaceholderText(
            "One small step a line, in order:\nLooks at the adult when the activity stops\n"
            "Reaches or points to ask for more"
        )
        self.set_with = self.add_field("set_with", "Set &with:", QLineEdit())
        self.set_with.setPlaceholderText("Who in the family: Mum (Funmi), Grandad…")
        self.set_with.setAccessibleName("Who in the family it was set with")
        today = services.clock.today()
        self.set_on = self.add_field(
            "set_on", "Set &on:", date_edit(target.set_on if target else today, "Date set")
        )
        self.finish_layout()
        if target is None:
            self.achieved.hide()
            return
        self.skill_area.setCurrentText(target.skill_area)
        self.wording.setText(target.target)
        self.set_with.setText(target.set_with)
        self.set_on.setEnabled(False)
        done = [s for s in target.steps if s.achieved_on is not None]
        self.pending = [s for s in target.steps if s.achieved_on is None]
        self.steps.setPlainText("\n".join(s.text for s in self.pending))
        if done:
            self.achieved.setText(
                "Achieved (these stay as they are):<br>"
                + "<br>".join(
                    f"{target.number(s)}. {escape(s.text)} ({short_date(s.achieved_on)})"
                    for s in done
                )
            )
            self.form.insertRow(2, "", self.achieved)
        else:
            self.achieved.hide()

    def work(self) -> Callable[[], Any]:
        service = self.services.targets
        skill_area = self.skill_area.currentText()
        wording = self.wording.text()
        lines = self.steps.toPlainText().splitlines()
        set_with = self.set_with.text()
        if self.target is None:
            child_id, set_on = self.child_id, py_date(self.set_on)
            return lambda: service.add(
                child_id, skill_area, wording, lines, set_on=set_on, set_with=set_with
            )
        target_id = self.target.id
        steps = steps_from_lines(self.pending, lines)
        return lambda: service.edit(
            target_id, skill_area=skill_area, target=wording, set_with=set_with, steps=steps
        )


class AchieveStepDialog(FormDialog):
    """Mark the current step achieved on a date: the worker's decision; the next step becomes
    the one worked on."""

    def __init__(
        self,
        services: Services,
        runner: OpRunner,
        target: TargetView,
        step: StepView,
        on: dt.date,
        parent: QWidget | None = None,
    ) -> None:
        following = next((s for s in target.steps if s.position > step.position), None)
        then = (
            f" Then step {target.number(following)} is worked on: “{following.text}”."
            if following
            else " It is the last step: finish the target when you and the family agree."
        )
        super().__init__(
            "Step achieved",
            runner,
            parent,
            intro=f"Mark step {target.number(step)} of {len(target.steps)} achieved, "
            f"“{step.text}”: it is secure across visits.{then}",
            save_text="&Mark achieved",
        )
        self.services = services
        self.step = step
        self.achieved_on = self.add_field(
            "achieved_on", "&Achieved on:", date_edit(on, "Date the step was achieved")
        )
        self.alias("step", "achieved_on")
        self.finish_layout()

    def work(self) -> Callable[[], Any]:
        service = self.services.targets
        step_id, on = self.step.id, py_date(self.achieved_on)
        return lambda: service.achieve_step(step_id, on)


class EndTargetDialog(FormDialog):
    """Finish a target (met) or stop it (a reason is required)."""

    def __init__(
        self,
        services: Services,
        runner: OpRunner,
        target: TargetView,
        *,
        stop: bool,
        parent: QWidget | None = None,
    ) -> None:
        if stop:
            title, save = "Stop a target", "S&top target"
            intro = (
                f"Stop “{target.target}” before it is met. It stays on the child's record "
                "with the reason, and is no longer rated at visits."
            )
        else:
            title, save = "Finish a target", "&Finish target"
            intro = (
                f"Finish “{target.target}”: the child has met it. It stays on the child's "
                "record, and is no longer rated at visits."
            )
        super().__init__(title, runner, parent, intro=intro, save_text=save)
        self.services = services
        self.target = target
        self.stopping = stop
        today = services.clock.today()
        field = "stopped_on" if stop else "achieved_on"
        self.on = self.add_field(
            field,
            "&Stopped on:" if stop else "F&inished on:",
            date_edit(today, "Date stopped" if stop else "Date finished"),
        )
        self.reason = self.add_field(
            "end_reason",
            "&Why:" if stop else "&Note (optional):",
            text_box("Why it was stopped" if stop else "Note on how it was met", 3),
        )
        self.alias("status", "end_reason")
        self.finish_layout()

    def work(self) -> Callable[[], Any]:
        service = self.services.targets
        target_id, on, reason = self.target.id, py_date(self.on), self.reason.toPlainText()
        if self.stopping:
            return lambda: service.stop(target_id, on, reason)
        return lambda: service.finish(target_id, on, reason)
