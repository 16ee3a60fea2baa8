"""The Home visits page: the Portage worker's caseload, who is due this week and who is
overdue, and the visits of the family chosen.

The page opens on the signed-in worker's caseload (a choice shows another worker's, or all).
Enter on a family starts a visit, or continues the one in progress; Enter on one of its visits
opens it. The page only asks: `start_visit_requested(child_id)` and
`open_visit_requested(visit_id)` are for the window to connect to the visit editor.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from earlyyears_desktop.services.caseload import CaseloadRow, VisitRow
from earlyyears_desktop.services.container import Services
from earlyyears_desktop.services.practitioners import PractitionerRow
from earlyyears_desktop.services.unit_of_work import Changes
from earlyyears_desktop.ui.caseload_dialogs import (
    AddFamilyDialog,
    ChangeEntryDialog,
    CloseEntryDialog,
)
from earlyyears_desktop.ui.caseload_model import (
    CASELOAD_SAMPLES,
    VISIT_SAMPLES,
    WORKER_COLUMN,
    CaseloadModel,
    VisitsModel,
    summary_text,
)
from earlyyears_desktop.ui.forms import FormDialog
from earlyyears_desktop.ui.operations import OpRunner
from earlyyears_desktop.ui.pages import Page
from earlyyears_desktop.ui.widgets import heading, push_button, text_table

#: the combo's entry for every worker's caseload
ALL_WORKERS = "*"
#: the records whose change can change what the page shows
WATCHED = ("caseload_entry", "home_visit", "child", "carer", "practitioner")


@dataclass(frozen=True)
class CaseloadView:
    today: dt.date
    #: whose caseload (None: every worker's)
    worker_id: str | None
    rows: tuple[CaseloadRow, ...]
    workers: tuple[PractitionerRow, ...]


def read_caseload(services: Services, worker_id: str | None) -> CaseloadView:
    today = services.caseload.today()
    return CaseloadView(
        today,
        worker_id,
        tuple(services.caseload.caseload(worker_id, today)),
        tuple(w for w in services.practitioners.list() if w.active),
    )


class HomeVisitsPage(Page):
    #: start a visit with this child's family (child id)
    start_visit_requested = Signal(str)
    #: open this visit (visit id): one in progress, or finished
    open_visit_requested = Signal(str)
    #: the caseload is shown (after each read)
    loaded = Signal()
    #: the chosen family's visits are shown
    visits_loaded = Signal()

    def __init__(self, services: Services, runner: OpRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.runner = runner
        self.me = services.actor.practitioner_id
        self.view: CaseloadView | None = None
        self.dialog: FormDialog | None = None
        self._generation = 0
        self._visits_for: str | None = None
        self.setAccessibleName("Home visits")

        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addWidget(heading("Home visits"), 1)
        whose = QLabel("Caseload &of:")
        self.worker = QComboBox()
        self.worker.setAccessibleName("Whose caseload")
        self.worker.addItem("My caseload", self.me)
        self.worker.addItem("All workers", ALL_WORKERS)
        self.worker.currentIndexChanged.connect(lambda _i: self.reload())
        whose.setBuddy(self.worker)
        top.addWidget(whose)
        top.addWidget(self.worker)
        layout.addLayout(top)

        actions = QHBoxLayout()
        self.add_button = push_button("&Add a family…", "Add a family", self.add_family)
        self.add_button.setToolTip("Put a family on a caseload (Ctrl+N)")
        self.visit_button = push_button("&Start a visit", "Start a visit", self.start_or_continue)
        self.visit_button.setToolTip("Start a visit with the family chosen (Enter)")
        self.change_button = push_button(
            "C&hange…", "Change the rhythm or the worker", self.change_entry
        )
        self.close_button = push_button(
            "C&lose…", "Close the family's caseload entry", self.close_entry
        )
        for button in (self.add_button, self.visit_button, self.change_button):
            actions.addWidget(button)
        actions.addWidget(self.close_button)
        actions.addStretch(1)
        layout.addLayout(actions)

        self.summary = QLabel("")
        self.summary.setAccessibleName("Caseload summary")
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(self.summary)
        self.empty = QLabel("")
        self.empty.setWordWrap(True)
        self.empty.setTextFormat(Qt.TextFormat.PlainText)
        self.empty.setAccessibleName("No families")
        self.empty.hide()
        layout.addWidget(self.empty)

        splitter = QSplitter(Qt.Orientation.Vertical)
        self.model = CaseloadModel(self)
        self.table = text_table(
            "Families on the caseload",
            "Enter starts a visit with the family, or continues the one in progress",
            self.model,
            CASELOAD_SAMPLES,
        )
        self.table.activated.connect(self._family_activated)
        selection = self.table.selectionModel()
        selection.currentRowChanged.connect(self._family_chosen)
        splitter.addWidget(self.table)

        self.visits_box = QGroupBox("Visits")
        self.visits_box.setAccessibleName("Visits with the family chosen")
        visits_layout = QVBoxLayout(self.visits_box)
        self.visits_model = VisitsModel(self)
        self.visits = text_table(
            "Visits with the family", "Enter opens the visit", self.visits_model, VISIT_SAMPLES
        )
        self.visits.activated.connect(self._visit_activated)
        self.visits_empty = QLabel("")
        self.visits_empty.setWordWrap(True)
        self.visits_empty.setAccessibleName("No visits")
        self.visits_empty.hide()
        visits_layout.addWidget(self.visits)
        visits_layout.addWidget(self.visits_empty)
        splitter.addWidget(self.visits_box)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setChildrenCollapsible(False)
        layout.addWidget(splitter, 1)

        self.setTabOrder(self.worker, self.table)
        self.setTabOrder(self.table, self.visits)
        self.setFocusProxy(self.table)
        QShortcut(QKeySequence.StandardKey.New, self, self.add_family)
        runner.changed.connect(self._on_changes)
        self._enable_actions(None)

    # ---- reading ----

    def worker_id(self) -> str | None:
        data = self.worker.currentData()
        return None if data == ALL_WORKERS else str(data or self.me)

    def reload(self) -> None:
        self._generation += 1
        generation, services, worker = self._generation, self.services, self.worker_id()
        self.runner.run(
            lambda: read_caseload(services, worker),
            on_done=lambda view: self._show(view, generation),
        )

    def _on_changes(self, changes: Changes) -> None:
        if self.isVisible() and changes.touches(*WATCHED):
            self.reload()

    def _show(self, view: CaseloadView, generation: int) -> None:
        if generation == self._generation:  # else a newer read is on its way
            self.show_caseload(view)

    def show_caseload(self, view: CaseloadView) -> None:
        """Show a caseload read by `read_caseload`, the family chosen kept chosen."""
        chosen = self.selected()
        self.view = view
        self._fill_workers(view.workers)
        self.model.set_rows(view.rows, view.today)
        self.table.setColumnHidden(WORKER_COLUMN, view.worker_id is not None)
        self.summary.setText(summary_text(view.rows) if view.rows else "")
        self.summary.setVisible(bool(view.rows))
        self.empty.setText(self._empty_text(view))
        self.empty.setVisible(not view.rows)
        self.table.setVisible(bool(view.rows))
        self.visits_box.setVisible(bool(view.rows))
        row = self.model.row_of(chosen.child_id) if chosen else -1
        if view.rows:
            self.table.setCurrentIndex(self.model.index(max(row, 0), 0))
        else:
            self._family_chosen(QModelIndex(), QModelIndex())
        self.loaded.emit()

    def _fill_workers(self, workers: tuple[PractitionerRow, ...]) -> None:
        """My caseload, each other worker's, all workers; the choice kept."""
        chosen = self.worker.currentData()
        self.worker.blockSignals(True)
        self.worker.clear()
        self.worker.addItem("My caseload", self.me)
        for w in workers:
            if w.id != self.me:
                self.worker.addItem(f"{w.name}'s caseload", w.id)
        self.worker.addItem("All workers", ALL_WORKERS)
        self.worker.setCurrentIndex(max(self.worker.findData(chosen), 0))
        self.worker.blockSignals(False)

    def _empty_text(self, view: CaseloadView) -> str:
        add = "Add a family… (Ctrl+N) puts a family on a caseload with how often they are visited."
        if view.worker_id is None:
            return f"No families on any caseload yet. {add}"
        if view.worker_id == self.me:
            return f"No families on your caseload yet. {add}"
        return f"No families on {self.worker.currentText()} yet. {add}"

    # ---- the family chosen and its visits ----

    def selected(self) -> CaseloadRow | None:
        return self.model.row_at(self.table.currentIndex().row())

    def _enable_actions(self, row: CaseloadRow | None) -> None:
        for button in (self.visit_button, self.change_button, self.close_button):
            button.setEnabled(row is not None)
        continuing = row is not None and row.visit_in_progress is not None
        self.visit_button.setText("Continue the &visit" if continuing else "&Start a visit")
        self.visit_button.setAccessibleName(
            "Continue the visit in progress" if continuing else "Start a visit"
        )

    def _family_chosen(self, current: QModelIndex, _previous: QModelIndex) -> None:
        row = self.model.row_at(current.row()) if current.isValid() else None
        self._enable_actions(row)
        if row is None:
            self._visits_for = None
            self.visits_model.clear_rows()
            self.visits_box.setTitle("Visits")
            return
        self.visits_box.setTitle(f"Visits with {row.child_name}'s family")
        self._visits_for = row.child_id
        caseload, child_id = self.services.caseload, row.child_id
        self.runner.run(
            lambda: caseload.visits(child_id),
            on_done=lambda visits: self._show_visits(child_id, visits),
        )

    def _show_visits(self, child_id: str, visits: list[VisitRow]) -> None:
        if child_id != self._visits_for:
            return
        self.visits_model.set_rows(visits)
        self.visits.setVisible(bool(visits))
        self.visits_empty.setText(
            "No visits with this family yet. Press Enter on the family to start the first."
        )
        self.visits_empty.setVisible(not visits)
        self.visits_loaded.emit()

    # ---- actions ----

    def _family_activated(self, index: QModelIndex) -> None:
        if index.isValid():
            self.start_or_continue()

    def start_or_continue(self) -> None:
        row = self.selected()
        if row is None:
            return
        if row.visit_in_progress is not None:
            self.open_visit_requested.emit(row.visit_in_progress)
        else:
            self.start_visit_requested.emit(row.child_id)

    def _visit_activated(self, index: QModelIndex) -> None:
        visit = self.visits_model.row_at(index.row()) if index.isValid() else None
        if visit is not None:
            self.open_visit_requested.emit(visit.id)

    def _workers(self) -> tuple[PractitionerRow, ...]:
        return self.view.workers if self.view is not None else ()

    def _open(self, dialog: FormDialog) -> None:
        self.dialog = dialog
        dialog.saved.connect(lambda _r: self.table.setFocus())
        dialog.open()

    def add_family(self) -> None:
        chosen = self.worker_id() or self.me
        self._open(
            AddFamilyDialog(self.services, self.runner, self._workers(), chosen, parent=self)
        )

    def change_entry(self) -> None:
        row = self.selected()
        if row is not None:
            self._open(
                ChangeEntryDialog(self.services, self.runner, row, self._workers(), parent=self)
            )

    def close_entry(self) -> None:
        row = self.selected()
        if row is not None:
            self._open(CloseEntryDialog(self.services, self.runner, row, parent=self))

    def clear_personal_data(self) -> None:
        self._generation += 1
        self.view = None
        self._visits_for = None
        self.model.clear_rows()
        self.visits_model.clear_rows()
        self.summary.clear()
        self.empty.clear()
        self.visits_box.setTitle("Visits")
        if self.dialog is not None:
            self.dialog.reject()
            self.dialog = None
