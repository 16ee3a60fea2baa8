"""A new team's first minutes: the Today page's guide on a brand-new vault.

Three next steps, each with its button: add a group, add a child (the same dialogs the Groups
and Children pages open), or enrol with the central service to receive the team's roster (the
Sync page, where the enrolment request is made). Each step ticks itself once done. The guide
goes once the vault has a group and a child, or has received a roster from the central
service, or when the user hides it; either way it stays gone (a desktop preference), so an
established vault never reads for it again.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QGridLayout,
    QGroupBox,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from earlyyears_desktop.services.container import Services
from earlyyears_desktop.services.groups import VenueRow
from earlyyears_desktop.sync.device import DeviceSync
from earlyyears_desktop.ui.child_form import ChildForm
from earlyyears_desktop.ui.group_dialogs import GroupDialog
from earlyyears_desktop.ui.operations import OpRunner
from earlyyears_desktop.ui.page_list import PAGE_SHORTCUTS
from earlyyears_desktop.ui.preferences import Preferences
from earlyyears_desktop.ui.widgets import push_button

TICK, TO_DO = "✓", "○"  # ✓ and ○: read aloud as the step's state, below


@dataclass(frozen=True)
class FirstSteps:
    """How far a new vault is: what the guide ticks."""

    has_group: bool
    has_child: bool
    enrolled: bool
    #: a bundle from the central service was imported: the team's roster came that way
    roster_received: bool

    @property
    def done(self) -> bool:
        return (self.has_group and self.has_child) or self.roster_received


def read_first_steps(services: Services) -> FirstSteps:
    sync = DeviceSync(services)
    return FirstSteps(
        has_group=bool(services.groups.groups()),
        has_child=bool(services.children.search_ids()),
        enrolled=sync.state().enrolled,
        roster_received=any(row.direction == "import" for row in sync.history(limit=20)),
    )


@dataclass(frozen=True)
class Step:
    key: str
    title: str
    button: str
    accessible: str
    why: str


STEPS = (
    Step(
        "group",
        "Add a group",
        "Add a gro&up…",
        "Add a group",
        "A group meets at a venue on set days; its sessions and register follow from it.",
    ),
    Step(
        "child",
        "Add a child",
        "Add a c&hild…",
        "Add a child",
        "Each child's record: carers, consent, observations and plans.",
    ),
    Step(
        "enrol",
        "Enrol with the central service to receive your team's roster",
        "E&nrol with the central service…",
        "Enrol with the central service",
        "Opens Sync (" + PAGE_SHORTCUTS["sync"] + "): create an enrolment request, send it to "
        "your administrator, and load the reply; your team's groups and children then "
        "arrive in a bundle.",
    ),
)


class FirstStepsBox(QGroupBox):
    """The guide. `sync_requested` asks the window for the Sync page; `gone` when hidden or
    done."""

    sync_requested = Signal()
    gone = Signal()

    def __init__(
        self,
        services: Services,
        runner: OpRunner,
        preferences: Preferences,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__("Your first steps", parent)
        self.services = services
        self.runner = runner
        self.preferences = preferences
        self.steps: FirstSteps | None = None
        self.dialog: QDialog | None = None
        self.setAccessibleName("Your first steps")
        layout = QVBoxLayout(self)
        intro = QLabel(
            "This vault is new. Start with one of these: set up your own groups and children, "
            "or, if your local authority's central service holds your team's roster, enrol "
            "with it and the roster arrives by itself."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        grid = QGridLayout()
        grid.setColumnStretch(1, 1)
        self.marks: dict[str, QLabel] = {}
        self.buttons: dict[str, QPushButton] = {}
        actions = {"group": self.add_group, "child": self.add_child, "enrol": self.enrol}
        for row, step in enumerate(STEPS):
            mark = QLabel(TO_DO)
            mark.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignHCenter)
            mark.setMinimumWidth(mark.fontMetrics().horizontalAdvance("✓✓"))
            text = QLabel(f"<b>{row + 1}. {step.title}</b><br>{step.why}")
            text.setWordWrap(True)
            text.setTextFormat(Qt.TextFormat.RichText)
            text.setAccessibleName(f"Step {row + 1}: {step.title}")
            button = push_button(step.button, step.accessible, actions[step.key])
            button.setAccessibleDescription(step.why)
            grid.addWidget(mark, row, 0)
            grid.addWidget(text, row, 1)
            grid.addWidget(button, row, 2, Qt.AlignmentFlag.AlignTop)
            self.marks[step.key] = mark
            self.buttons[step.key] = button
        layout.addLayout(grid)
        self.hide_button = push_button(
            "H&ide this guide", "Hide the first steps guide", self.dismiss
        )
        self.hide_button.setToolTip("The guide does not come back; the pages' buttons stay")
        layout.addWidget(self.hide_button, 0, Qt.AlignmentFlag.AlignRight)
        self.hide()

    @property
    def wanted(self) -> bool:
        """Not hidden for good (by the user, or because the steps were done)."""
        return not self.preferences.first_steps_hidden

    def show_steps(self, steps: FirstSteps) -> None:
        self.steps = steps
        if steps.done:
            self.preferences.first_steps_hidden = True
            self.hide()
            self.gone.emit()
            return
        done = {"group": steps.has_group, "child": steps.has_child, "enrol": steps.enrolled}
        for key, mark in self.marks.items():
            mark.setText(TICK if done[key] else TO_DO)
            mark.setAccessibleName("Done" if done[key] else "To do")
        self.show()

    def dismiss(self) -> None:
        self.preferences.first_steps_hidden = True
        self.hide()
        self.gone.emit()

    # ---- the steps: the same dialogs the Groups and Children pages open ----

    def add_group(self) -> None:
        services, runner = self.services, self.runner

        def ask(venues: list[VenueRow]) -> None:
            self.dialog = GroupDialog(services, runner, venues, None, None, self)
            self.dialog.open()

        runner.run(services.groups.venues, on_done=ask)

    def add_child(self) -> None:
        self.dialog = ChildForm(self.services, self.runner, None, self)
        self.dialog.open()

    def enrol(self) -> None:
        self.sync_requested.emit()
