"""Who is enrolled in a group: the list, enrolling a child, changing the dates, ending an
enrolment."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from earlyyears_desktop.services.container import Services
from earlyyears_desktop.services.groups import EnrolmentRow, GroupRow
from earlyyears_desktop.services.unit_of_work import Changes
from earlyyears_desktop.ui.child_search import ChildSearch
from earlyyears_desktop.ui.forms import FormDialog, date_edit, py_date
from earlyyears_desktop.ui.operations import OpRunner
from earlyyears_desktop.ui.widgets import FieldError, children_found, described, short_date

ID = Qt.ItemDataRole.UserRole


class EnrolmentsDialog(QDialog):
    """Who is enrolled in a group, from when and until when; enrol, change dates, end."""

    def __init__(
        self, services: Services, runner: OpRunner, group: GroupRow, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.services = services
        self.runner = runner
        self.group = group
        self.rows: list[EnrolmentRow] = []
        self.child_dialog: QDialog | None = None
        title = f"Children in {group.name}"
        self.setWindowTitle(title)
        self.setAccessibleName(title)
        self.resize(620, 480)
        layout = QVBoxLayout(self)
        intro = QLabel(
            "Children enrolled in this group appear on its registers from their start date "
            "until their end date (if any)."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels(["Child", "From", "Until"])
        described(
            self.table,
            "Enrolled children",
            "Each child in the group with the dates of their enrolment: Enter changes the "
            "chosen child's dates",
        )
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in (1, 2):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.table.itemActivated.connect(lambda _item: self.change_dates())
        layout.addWidget(self.table, 1)
        self.empty = QLabel("No children enrolled yet. Use “Enrol a child…” to add one.")
        self.empty.setWordWrap(True)
        layout.addWidget(self.empty)
        self.message = FieldError("enrolment")
        layout.addWidget(self.message)
        row = QHBoxLayout()
        self.enrol_button = QPushButton("&Enrol a child…")
        self.enrol_button.clicked.connect(self.enrol_child)
        self.dates_button = QPushButton("&Change dates…")
        self.dates_button.clicked.connect(self.change_dates)
        self.end_button = QPushButton("E&nd enrolment…")
        self.end_button.setToolTip("The child leaves the group: set the last day")
        self.end_button.clicked.connect(self.end_enrolment)
        for button in (self.enrol_button, self.dates_button, self.end_button):
            row.addWidget(button)
        row.addStretch(1)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        row.addWidget(close)
        layout.addLayout(row)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        runner.changed.connect(self._changed)
        self.reload()

    def reload(self) -> None:
        groups, group_id = self.services.groups, self.group.id
        self.runner.run(lambda: groups.enrolments(group_id), on_done=self._show)

    def _changed(self, changes: Changes) -> None:
        if changes.touches("enrolment") and self.isVisible():
            self.reload()

    def _show(self, rows: list[EnrolmentRow]) -> None:
        keep = self.selected()
        self.rows = rows
        self.table.setRowCount(len(rows))
        for n, r in enumerate(rows):
            for column, text in enumerate(
                (r.child_name, short_date(r.starts_on), short_date(r.ends_on) or "–")
            ):
                item = QTableWidgetItem(text)
                item.setData(ID, r.id)
                self.table.setItem(n, column, item)
            if keep is not None and r.id == keep.id:
                self.table.selectRow(n)
        if rows and self.table.currentRow() < 0:
            self.table.selectRow(0)
        self.empty.setVisible(not rows)
        self._selection_changed()

    def _selection_changed(self) -> None:
        chosen = self.selected() is not None
        self.dates_button.setEnabled(chosen)
        self.end_button.setEnabled(chosen)

    def selected(self) -> EnrolmentRow | None:
        row = self.table.currentRow()
        items = self.table.selectedItems()
        if not items or not 0 <= row < len(self.rows):
            return None
        return self.rows[row]

    def enrol_child(self) -> None:
        dialog = EnrolChildDialog(self.services, self.runner, self.group, self)
        self.child_dialog = dialog
        dialog.open()

    def change_dates(self) -> None:
        row = self.selected()
        if row is not None:
            dialog = EnrolmentDatesDialog(self.services, self.runner, row, self)
            self.child_dialog = dialog
            dialog.open()

    def end_enrolment(self) -> None:
        row = self.selected()
        if row is not None:
            dialog = EndEnrolmentDialog(self.services, self.runner, row, self)
            self.child_dialog = dialog
            dialog.open()


class EnrolChildDialog(FormDialog, ChildSearch):
    """Find a child by name and enrol them from a date (and, if known, until a date)."""

    def __init__(
        self, services: Services, runner: OpRunner, group: GroupRow, parent: QWidget | None = None
    ) -> None:
        super().__init__(f"Enrol a child in {group.name}", runner, parent, save_text="&Enrol")
        self.services = services
        self.group = group
        self.search = QLineEdit()
        self.search.setPlaceholderText("Type part of the child's name")
        self.search.setAccessibleName("Search for a child")
        self.add_field("search", "&Child:", self.search)
        self.results = children_found(8)
        self.add_field("child", "", self.results)
        self.alias("group", "child")
        today = services.groups.today()
        self.starts = self.add_field("starts_on", "&From:", date_edit(today, "Enrolled from"))
        until = QWidget()
        row = QHBoxLayout(until)
        row.setContentsMargins(0, 0, 0, 0)
        self.has_end = QCheckBox("&Until")
        self.has_end.setAccessibleName("Has an end date")
        self.ends = date_edit(today + dt.timedelta(days=90), "Enrolled until")
        self.ends.setEnabled(False)
        self.has_end.toggled.connect(self.ends.setEnabled)
        row.addWidget(self.has_end)
        row.addWidget(self.ends, 1)
        self.add_field("ends_on", "", until)
        self.fields["ends_on"] = self.ends
        self.finish_layout()
        self.search_as_typed()
        self.search.setFocus()

    def work(self) -> Callable[[], Any]:
        child_id, group_id = self.required_child_id(), self.group.id
        starts = py_date(self.starts)
        ends = py_date(self.ends) if self.has_end.isChecked() else None
        groups = self.services.groups
        return lambda: groups.enrol(child_id, group_id, starts, ends)


class EnrolmentDatesDialog(FormDialog):
    def __init__(
        self, services: Services, runner: OpRunner, row: EnrolmentRow, parent: QWidget | None
    ) -> None:
        super().__init__(f"Enrolment dates for {row.child_name}", runner, parent)
        self.services = services
        self.row = row
        self.starts = self.add_field("starts_on", "&From:", date_edit(row.starts_on, "From"))
        until = QWidget()
        line = QHBoxLayout(until)
        line.setContentsMargins(0, 0, 0, 0)
        self.has_end = QCheckBox("&Until")
        self.has_end.setAccessibleName("Has an end date")
        self.has_end.setChecked(row.ends_on is not None)
        self.ends = date_edit(row.ends_on or services.groups.today(), "Until")
        self.ends.setEnabled(row.ends_on is not None)
        self.has_end.toggled.connect(self.ends.setEnabled)
        line.addWidget(self.has_end)
        line.addWidget(self.ends, 1)
        self.add_field("ends_on", "", until)
        self.fields["ends_on"] = self.ends
        self.finish_layout()

    def work(self) -> Callable[[], Any]:
        starts = py_date(self.starts)
        ends = py_date(self.ends) if self.has_end.isChecked() else None
        groups, enrolment_id = self.services.groups, self.row.id
        return lambda: groups.update_enrolment(enrolment_id, starts, ends)


class EndEnrolmentDialog(FormDialog):
    def __init__(
        self, services: Services, runner: OpRunner, row: EnrolmentRow, parent: QWidget | None
    ) -> None:
        super().__init__(
            f"End {row.child_name}'s enrolment",
            runner,
            parent,
            intro="From the day after this date the child no longer appears on this group's "
            "registers. Their attendance so far is kept.",
            save_text="&End enrolment",
        )
        self.services = services
        self.row = row
        self.ends = self.add_field(
            "ends_on", "&Last day:", date_edit(services.groups.today(), "Last day")
        )
        self.finish_layout()

    def work(self) -> Callable[[], Any]:
        ends, groups, enrolment_id = py_date(self.ends), self.services.groups, self.row.id
        return lambda: groups.end_enrolment(enrolment_id, ends)
