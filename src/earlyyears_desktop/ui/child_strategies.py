"""The Strategies box of a child's record: the strategies agreed with the family, how each is
going, and the stopped ones with their reasons; agree, note progress and stop from here.

The box reads its own rows (through the runner) when the record shows a child, and again
when a change touches a strategy, so the record view only has to say which child it shows.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from earlyyears_desktop.domain.enums import AreaOfNeed, StrategyProgress
from earlyyears_desktop.services.child_strategies import ChildStrategyRow
from earlyyears_desktop.services.container import Services
from earlyyears_desktop.services.strategies import StrategyRow
from earlyyears_desktop.ui.child_box import ChildBox
from earlyyears_desktop.ui.child_strategy_dialogs import (
    AgreeStrategyDialog,
    NoteProgressDialog,
    StopStrategyDialog,
    escape,
    label_of,
)
from earlyyears_desktop.ui.forms import FormDialog
from earlyyears_desktop.ui.operations import OpRunner
from earlyyears_desktop.ui.widgets import clear_grid, rich_block, short_date

#: the changes after which the box reads its rows again
STRATEGY_ENTITIES = ("child_strategy", "child_strategy_note", "strategy", "practitioner")


def _origin(row: ChildStrategyRow) -> str:
    if row.own:
        return "written for this child"
    if row.from_central:
        return "from the local authority's library"
    return "from the library"


def _agreed(row: ChildStrategyRow) -> str:
    with_whom = f" with {escape(row.agreed_with)}" if row.agreed_with else ""
    by = f" by {escape(row.agreed_by_name)}" if row.agreed_by_name else ""
    return f"Agreed{with_whom} on {short_date(row.agreed_on)}{by}"


def active_html(row: ChildStrategyRow) -> str:
    head = f"<b>{escape(row.title)}</b>"
    if row.area_of_need:
        head += f" · {escape(label_of(AreaOfNeed, row.area_of_need))}"
    lines = [head, f"<i>{_origin(row)}</i>", _agreed(row)]
    going = f"How it is going: <b>{escape(label_of(StrategyProgress, row.progress))}</b>"
    if row.notes:
        latest = row.notes[0]
        going += f" (noted {short_date(latest.noted_on)})"
        if latest.note:
            going += f"<br>“{escape(latest.note)}”"
    lines.append(going)
    return "<br>".join(lines)


def stopped_html(row: ChildStrategyRow) -> str:
    return "<br>".join(
        [
            f"<b>{escape(row.title)}</b> · stopped {short_date(row.stopped_on)}",
            f"Why: {escape(row.stop_reason)}",
            f"<i>{_origin(row)}</i> · {_agreed(row)}",
        ]
    )


class StrategiesBox(ChildBox):
    """The child's strategies on their record."""

    #: emitted once the rows of the child shown are on screen (with the child's id)
    loaded = Signal(str)

    entities = STRATEGY_ENTITIES

    def __init__(self, services: Services, runner: OpRunner, parent: QWidget | None = None):
        super().__init__(
            "Strategies", services, runner, "strategies", "Problem with the strategies", parent
        )
        self.setAccessibleName("Strategies agreed with the family")
        self.rows: tuple[ChildStrategyRow, ...] = ()
        self.note_buttons: list[QPushButton] = []
        self.stop_buttons: list[QPushButton] = []
        self.dialog: FormDialog | None = None

        layout = QVBoxLayout(self)
        self.active = QWidget()
        self.active.setAccessibleName("Active strategies")
        self.active_grid = QGridLayout(self.active)
        self.active_grid.setContentsMargins(0, 0, 0, 0)
        self.active_grid.setColumnStretch(0, 1)
        layout.addWidget(self.active)

        layout.addWidget(self.message)

        buttons = QHBoxLayout()
        self.agree_button = QPushButton("Agree a &strategy…")
        self.agree_button.setAccessibleName("Agree a strategy with the family")
        self.agree_button.clicked.connect(lambda _=False: self.agree())
        buttons.addWidget(self.agree_button)
        self.stopped_button = QPushButton("Show stopped")
        self.stopped_button.setCheckable(True)
        self.stopped_button.setAccessibleName("Show the stopped strategies")
        self.stopped_button.toggled.connect(self._toggle_stopped)
        buttons.addWidget(self.stopped_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)

        self.stopped = QWidget()
        self.stopped.setAccessibleName("Stopped strategies")
        self.stopped_grid = QGridLayout(self.stopped)
        self.stopped_grid.setContentsMargins(0, 0, 0, 0)
        self.stopped.hide()
        layout.addWidget(self.stopped)
        self.clear()

    # ---- showing ----

    def read(self, child_id: str) -> Callable[[], Any]:
        service = self.services.child_strategies
        return lambda: service.for_child(child_id)

    def forget(self) -> None:
        self.rows = ()
        clear_grid(self.active_grid)
        clear_grid(self.stopped_grid)
        self.note_buttons, self.stop_buttons = [], []
        self.stopped_button.setChecked(False)
        self.stopped_button.hide()

    def show_rows(self, child_id: str, rows: Sequence[ChildStrategyRow]) -> None:
        self.rows = tuple(rows)
        active = [r for r in rows if r.active]
        stopped = [r for r in rows if not r.active]
        clear_grid(self.active_grid)
        clear_grid(self.stopped_grid)
        self.note_buttons, self.stop_buttons = [], []
        if not active:
            empty = QLabel(
                "No strategies agreed yet. Agree a strategy… with the family: its home wording "
                "goes into their handouts."
            )
            empty.setWordWrap(True)
            self.active_grid.addWidget(empty, 0, 0)
        for n, row in enumerate(active):
            self.active_grid.addWidget(rich_block(row.title, active_html(row)), n, 0)
            actions = QWidget()
            column = QVBoxLayout(actions)
            column.setContentsMargins(0, 0, 0, 0)
            column.setSpacing(2)
            note = QPushButton("Note progress…")
            note.setAccessibleName(f"Note progress on {row.title}")
            note.clicked.connect(lambda _=False, r=row: self.note_progress(r))
            stop = QPushButton("Stop…")
            stop.setAccessibleName(f"Stop {row.title}")
            stop.clicked.connect(lambda _=False, r=row: self.stop(r))
            column.addWidget(note)
            column.addWidget(stop)
            self.active_grid.addWidget(actions, n, 1, Qt.AlignmentFlag.AlignTop)
            self.note_buttons.append(note)
            self.stop_buttons.append(stop)
        for n, row in enumerate(stopped):
            self.stopped_grid.addWidget(
                rich_block(f"{row.title}, stopped", stopped_html(row)), n, 0
            )
        self.stopped_button.setText(f"Show stopped ({len(stopped)})")
        self.stopped_button.setVisible(bool(stopped))
        if not stopped:
            self.stopped_button.setChecked(False)
        self.stopped.setVisible(bool(stopped) and self.stopped_button.isChecked())
        self.loaded.emit(child_id)

    def show_strategy(self, child_strategy_id: str) -> None:
        """Take the keyboard to one of the child's strategies (opened from the timeline): its
        "Note progress…" button while it is going, else the stopped list, shown."""
        active = [r.id for r in self.rows if r.active]
        if child_strategy_id in active:
            target = self.note_buttons[active.index(child_strategy_id)]
        elif any(r.id == child_strategy_id for r in self.rows):
            self.stopped_button.setChecked(True)
            target = self.stopped_button
        else:
            return
        parent = self.parentWidget()
        while parent is not None and not isinstance(parent, QScrollArea):
            parent = parent.parentWidget()
        if isinstance(parent, QScrollArea):
            parent.ensureWidgetVisible(target)
        target.setFocus(Qt.FocusReason.OtherFocusReason)

    def _toggle_stopped(self, on: bool) -> None:
        self.stopped.setVisible(on)
        self.stopped_button.setAccessibleName(
            "Hide the stopped strategies" if on else "Show the stopped strategies"
        )

    # ---- actions ----

    def agree(self) -> None:
        """Read the library, then ask which strategy (or one written for this child)."""
        child_id = self.child_id
        if child_id is None:
            return
        library = self.services.strategies
        self.runner.run(
            library.find,
            on_done=lambda library: self._open_agree(child_id, library),
            on_error=self._failed,
        )

    def _open_agree(self, child_id: str, library: Sequence[StrategyRow]) -> None:
        if child_id != self.child_id:
            return
        going = {r.strategy_id for r in self.rows if r.active and r.strategy_id is not None}
        self._open(
            AgreeStrategyDialog(
                self.services, self.runner, child_id, library, self, already_agreed=going
            )
        )

    def note_progress(self, row: ChildStrategyRow) -> None:
        self._open(NoteProgressDialog(self.services, self.runner, row, self))

    def stop(self, row: ChildStrategyRow) -> None:
        self._open(StopStrategyDialog(self.services, self.runner, row, self))

    def _open(self, dialog: FormDialog) -> None:
        self.dialog = dialog
        dialog.open()
