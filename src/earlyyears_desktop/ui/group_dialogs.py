"""The Groups page's dialogs: a group (venue, day, times, capacity, focus, staff), who is
enrolled, a term of sessions, a one-off session, a session's date, theme and planned
activities, and cancelling a session."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, QTime
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from earlyyears_desktop.domain.enums import Discipline, SessionStatus
from earlyyears_desktop.domain.errors import DomainError, ValidationError
from earlyyears_desktop.services.attendance import Register
from earlyyears_desktop.services.container import Services
from earlyyears_desktop.services.groups import (
    EnrolmentRow,
    GroupInput,
    GroupRow,
    SessionRow,
    StaffInput,
    StaffRow,
    VenueRow,
)
from earlyyears_desktop.ui.child_search import ChildSearch
from earlyyears_desktop.ui.forms import FormDialog, date_edit, py_date, qdate
from earlyyears_desktop.ui.operations import OpRunner
from earlyyears_desktop.ui.widgets import FieldError, long_date, short_date

WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
ID = Qt.ItemDataRole.UserRole


def _time_edit(value: dt.time | None, default: dt.time, name: str) -> QTimeEdit:
    edit = QTimeEdit()
    edit.setDisplayFormat("HH:mm")
    t = value or default
    edit.setTime(QTime(t.hour, t.minute))
    edit.setAccessibleName(name)
    return edit


def _py_time(edit: QTimeEdit) -> dt.time:
    t = edit.time()
    return dt.time(t.hour(), t.minute())


# ---- a group ----


class GroupDialog(FormDialog):
    """Add a group or change one: its venue, day and times, capacity, focus and staff.

    Everything (a new venue, the group, staff added or removed) is saved in one unit of work.
    """

    def __init__(
        self,
        services: Services,
        runner: OpRunner,
        venues: list[VenueRow],
        group: GroupRow | None = None,
        staff: list[StaffRow] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__("Edit the group" if group else "Add a group", runner, parent)
        self.services = services
        self.group = group
        self.venues = venues
        self.staff_rows = list(staff or [])
        self.removed_staff: list[str] = []
        self.added_staff: list[StaffInput] = []
        g = group
        self.name = self.add_field("group_name", "&Name:", QLineEdit(g.name if g else ""))
        self.name.setPlaceholderText("e.g. Little Steps")
        self.venue = QComboBox()
        self.venue.setEditable(True)
        self.venue.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.venue.lineEdit().setPlaceholderText("Choose a venue or type a new one")
        for v in venues:
            self.venue.addItem(v.name, v.id)
        self.venue.setCurrentText(g.venue_name if g else "")
        self.venue.setAccessibleName("Venue")
        self.add_field("venue_name", "&Venue:", self.venue)
        self.day = QComboBox()
        self.day.addItem("No set day", None)
        for n, day in enumerate(WEEKDAYS):
            self.day.addItem(day, n)
        if g and g.weekday is not None:
            self.day.setCurrentIndex(g.weekday + 1)
        self.day.setAccessibleName("Day of the week")
        self.add_field("weekday", "&Day:", self.day)
        times = QWidget()
        row = QHBoxLayout(times)
        row.setContentsMargins(0, 0, 0, 0)
        self.start = _time_edit(g.start_time if g else None, dt.time(9, 30), "Starts at")
        self.end = _time_edit(g.end_time if g else None, dt.time(11, 0), "Ends at")
        row.addWidget(self.start)
        row.addWidget(QLabel("to"))
        row.addWidget(self.end)
        row.addStretch(1)
        times.setAccessibleName("Times")
        times.setFocusProxy(self.start)
        self.add_field("end_time", "&Times:", times)
        self.fields["end_time"] = self.end
        self.alias("start_time", "end_time")
        self.capacity = QSpinBox()
        self.capacity.setRange(0, 200)
        self.capacity.setSpecialValueText("No limit")
        self.capacity.setSuffix(" children")
        self.capacity.setValue((g.capacity or 0) if g else 0)
        self.capacity.setAccessibleName("Capacity")
        self.capacity.setMaximumWidth(self.fontMetrics().horizontalAdvance("200 children") + 48)
        self.add_field("capacity", "&Capacity:", self.capacity)
        self.focus_text = self.add_field("focus", "&Focus:", QLineEdit(g.focus if g else ""))
        self.focus_text.setPlaceholderText("e.g. Communication and early language")

        staff_box = QWidget()
        staff_layout = QVBoxLayout(staff_box)
        staff_layout.setContentsMargins(0, 0, 0, 0)
        self.staff = QListWidget()
        self.staff.setAccessibleName("Staff")
        self.staff.setMaximumHeight(self.fontMetrics().lineSpacing() * 7)
        staff_layout.addWidget(self.staff)
        adding = QHBoxLayout()
        self.staff_name = QLineEdit()
        self.staff_name.setPlaceholderText("Name")
        self.staff_name.setAccessibleName("New staff member's name")
        self.staff_name.returnPressed.connect(self.add_staff_member)
        self.staff_discipline = QComboBox()
        self.staff_discipline.addItem("(discipline not given)", "")
        for value, label in Discipline.choices():
            self.staff_discipline.addItem(label, value)
        self.staff_discipline.setAccessibleName("New staff member's discipline")
        self.staff_visiting = QCheckBox("Visiting")
        self.staff_visiting.setAccessibleName("Visiting professional")
        adding.addWidget(self.staff_name, 2)
        adding.addWidget(self.staff_discipline, 2)
        adding.addWidget(self.staff_visiting)
        staff_layout.addLayout(adding)
        buttons = QHBoxLayout()
        self.add_staff_button = QPushButton("&Add to staff")
        self.add_staff_button.clicked.connect(self.add_staff_member)
        self.remove_staff_button = QPushButton("&Remove from staff")
        self.remove_staff_button.clicked.connect(self.remove_staff_member)
        buttons.addWidget(self.add_staff_button)
        buttons.addWidget(self.remove_staff_button)
        buttons.addStretch(1)
        staff_layout.addLayout(buttons)
        self.add_field("staff_name", "Sta&ff:", staff_box)
        self.fields["staff_name"] = self.staff_name
        self.alias("discipline", "staff_name")
        self.alias("staff", "staff_name")
        self._show_staff()
        self.finish_layout()
        self.name.setFocus()

    def _show_staff(self) -> None:
        self.staff.clear()
        for s in self.staff_rows:
            if s.id in self.removed_staff:
                continue
            item = QListWidgetItem(_staff_text(s.name, s.discipline, s.visiting))
            item.setData(ID, ("saved", s.id))
            self.staff.addItem(item)
        for n, s in enumerate(self.added_staff):
            item = QListWidgetItem(_staff_text(s.name, s.discipline, s.visiting) + " (new)")
            item.setData(ID, ("new", n))
            self.staff.addItem(item)

    def add_staff_member(self) -> None:
        name = self.staff_name.text().strip()
        if not name:
            self.show_error("staff_name", "Please type the staff member's name.")
            return
        self.errors["staff_name"].clear_message()
        self.added_staff.append(
            StaffInput(name, self.staff_discipline.currentData(), self.staff_visiting.isChecked())
        )
        self.staff_name.clear()
        self.staff_visiting.setChecked(False)
        self._show_staff()

    def remove_staff_member(self) -> None:
        item = self.staff.currentItem()
        if item is None:
            return
        kind, key = item.data(ID)
        if kind == "saved":
            self.removed_staff.append(key)
        else:
            del self.added_staff[key]
        self._show_staff()

    def data(self) -> tuple[GroupInput, str]:
        typed = self.venue.currentText().strip()
        venue_id = next((v.id for v in self.venues if v.name == typed), None)
        new_venue = "" if venue_id or not typed else typed
        return (
            GroupInput(
                name=self.name.text(),
                venue_id=venue_id,
                weekday=self.day.currentData(),
                start_time=_py_time(self.start),
                end_time=_py_time(self.end),
                capacity=self.capacity.value() or None,
                focus=self.focus_text.text(),
            ),
            new_venue,
        )

    def work(self) -> Callable[[], Any]:
        if self.staff_name.text().strip():
            self.add_staff_member()  # typed but not yet added: the user means it
        data, new_venue = self.data()
        groups, group_id = self.services.groups, self.group.id if self.group else None
        add, remove = list(self.added_staff), list(self.removed_staff)
        return lambda: groups.save_group(
            group_id, data, new_venue=new_venue, add_staff=add, remove_staff=remove
        )


def _staff_text(name: str, discipline: str, visiting: bool) -> str:
    parts = [name]
    if discipline:
        try:
            parts.append(Discipline(discipline).label)
        except ValueError:
            parts.append(discipline)
    if visiting:
        parts.append("visiting")
    return ", ".join(parts)


# ---- enrolments ----


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
        self.table.setAccessibleName("Enrolled children")
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

    def _changed(self, changes) -> None:
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
        self.results = QListWidget()
        self.results.setAccessibleName("Children found")
        self.results.setMaximumHeight(self.fontMetrics().lineSpacing() * 8)
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

    def child_text(self, row: Any) -> str:
        return f"{row.display_name}  (born {short_date(row.date_of_birth)})"

    def work(self) -> Callable[[], Any]:
        item = self.results.currentItem()
        if item is None:
            raise ValidationError("child", "Please find the child and choose them in the list.")
        child_id, group_id = item.data(ID), self.group.id
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


# ---- sessions ----


def term_dates(weekday: int, first: dt.date, last: dt.date, skip: set[dt.date]) -> list[dt.date]:
    """The group's weekly dates between two days, without the skipped ones."""
    day = first + dt.timedelta(days=(weekday - first.weekday()) % 7)
    dates = []
    while day <= last:
        if day not in skip:
            dates.append(day)
        day += dt.timedelta(days=7)
    return dates


class ScheduleTermDialog(FormDialog):
    """A session on the group's day every week of a term, except the dates to skip."""

    def __init__(
        self, services: Services, runner: OpRunner, group: GroupRow, parent: QWidget | None = None
    ) -> None:
        day = WEEKDAYS[group.weekday] if group.weekday is not None else "its day"
        super().__init__(
            f"Schedule a term for {group.name}",
            runner,
            parent,
            intro=f"This adds a session every {day} from the first day to the last, except "
            "the dates you skip (half term, bank holidays). Dates that already have a session "
            "are left as they are.",
            save_text="&Schedule sessions",
        )
        self.services = services
        self.group = group
        today = services.groups.today()
        self.first = self.add_field("first_day", "&First day:", date_edit(today, "First day"))
        self.last = self.add_field(
            "last_day", "&Last day:", date_edit(today + dt.timedelta(weeks=12), "Last day")
        )
        skip_box = QWidget()
        skip_layout = QVBoxLayout(skip_box)
        skip_layout.setContentsMargins(0, 0, 0, 0)
        self.skip_list = QListWidget()
        self.skip_list.setAccessibleName("Dates to skip")
        self.skip_list.setMaximumHeight(self.fontMetrics().lineSpacing() * 6)
        skip_layout.addWidget(self.skip_list)
        adding = QHBoxLayout()
        self.skip_from = date_edit(today, "Skip from")
        self.skip_to = date_edit(today, "Skip to")
        self.skip_from.dateChanged.connect(
            lambda d: self.skip_to.setDate(d) if self.skip_to.date() < d else None
        )
        self.add_skip_button = QPushButton("S&kip these dates")
        self.add_skip_button.clicked.connect(self.add_skip)
        self.remove_skip_button = QPushButton("&Remove")
        self.remove_skip_button.setAccessibleName("Remove the chosen skipped dates")
        self.remove_skip_button.clicked.connect(self.remove_skip)
        adding.addWidget(self.skip_from)
        adding.addWidget(QLabel("to"))
        adding.addWidget(self.skip_to)
        adding.addWidget(self.add_skip_button)
        adding.addWidget(self.remove_skip_button)
        skip_layout.addLayout(adding)
        self.add_field("skip", "&Skip:", skip_box)
        self.fields["skip"] = self.skip_from
        self.preview = QLabel()
        self.preview.setWordWrap(True)
        self.preview.setAccessibleName("Sessions to be made")
        self.form.addRow(self.preview)
        self.alias("weekday", "first_day")
        self.skipped: list[tuple[dt.date, dt.date]] = []
        for edit in (self.first, self.last):
            edit.dateChanged.connect(lambda _d: self._update_preview())
        self.finish_layout()
        self._update_preview()
        self.first.setFocus()

    def skip_dates(self) -> set[dt.date]:
        days: set[dt.date] = set()
        for start, end in self.skipped:
            days |= {start + dt.timedelta(days=n) for n in range((end - start).days + 1)}
        return days

    def add_skip(self) -> None:
        start, end = py_date(self.skip_from), py_date(self.skip_to)
        if end < start:
            start, end = end, start
        self.skipped.append((start, end))
        text = long_date(start) if start == end else f"{long_date(start)} to {long_date(end)}"
        self.skip_list.addItem(text)
        self._update_preview()

    def remove_skip(self) -> None:
        row = self.skip_list.currentRow()
        if 0 <= row < len(self.skipped):
            del self.skipped[row]
            self.skip_list.takeItem(row)
            self._update_preview()

    def _update_preview(self) -> None:
        if self.group.weekday is None:
            self.preview.setText(
                "This group has no set day yet: choose one with “Edit group…” first."
            )
            return
        dates = term_dates(
            self.group.weekday, py_date(self.first), py_date(self.last), self.skip_dates()
        )
        if not dates:
            self.preview.setText("No sessions fall between these dates.")
            return
        self.preview.setText(
            f"Up to {len(dates)} session{'s' if len(dates) != 1 else ''}: "
            f"{short_date(dates[0])} to {short_date(dates[-1])}."
        )

    def work(self) -> Callable[[], Any]:
        first, last, skip = py_date(self.first), py_date(self.last), self.skip_dates()
        groups, group_id = self.services.groups, self.group.id
        return lambda: groups.schedule_term(group_id, first, last, skip=skip)


class AddSessionDialog(FormDialog):
    """A one-off session: an extra date outside the weekly pattern (a trip, a party)."""

    def __init__(
        self, services: Services, runner: OpRunner, group: GroupRow, parent: QWidget | None = None
    ) -> None:
        super().__init__(f"Add a session to {group.name}", runner, parent)
        self.services = services
        self.group = group
        self.date = self.add_field("date", "&Date:", date_edit(services.groups.today(), "Date"))
        self.theme = self.add_field("theme", "&Theme:", QLineEdit())
        self.theme.setPlaceholderText("e.g. Christmas party")
        self.activities = QPlainTextEdit()
        self.activities.setTabChangesFocus(True)
        self.activities.setFixedHeight(self.fontMetrics().lineSpacing() * 4 + 12)
        self.add_field("activities", "&Activities:", self.activities)
        self.finish_layout()
        self.date.setFocus()

    def work(self) -> Callable[[], Any]:
        date, theme = py_date(self.date), self.theme.text()
        activities = self.activities.toPlainText()
        groups, group_id = self.services.groups, self.group.id
        return lambda: groups.add_session(group_id, date, theme, activities)


class EditSessionDialog(FormDialog):
    """A session's date, theme and planned activities, saved together or not at all.

    The date of a session that has been held or has attendance marks is fixed: the field is
    disabled and says why (the service refuses it too, should a mark arrive meanwhile).
    """

    def __init__(
        self,
        services: Services,
        runner: OpRunner,
        session: Register,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(
            "Edit a session",
            runner,
            parent,
            intro=f"{session.group_name} on {long_date(session.date)}: its date, theme and "
            "planned activities (one per line; they go on the register and the handouts).",
        )
        self.services = services
        self.session = session
        self.date = self.add_field("date", "&Date:", date_edit(session.date, "Date"))
        self.date_note = QLabel(date_fixed_reason(session))
        self.date_note.setWordWrap(True)
        self.date_note.setTextFormat(Qt.TextFormat.PlainText)
        self.date_note.setAccessibleName("Why the date cannot change")
        self.date_note.setVisible(bool(self.date_note.text()))
        self.form.addRow("", self.date_note)
        if self.date_note.text():
            self.date.setEnabled(False)
            self.date.setToolTip(self.date_note.text())
            self.date.setAccessibleDescription(self.date_note.text())
        self.theme = self.add_field("theme", "&Theme:", QLineEdit(session.theme))
        self.theme.setPlaceholderText("e.g. Under the sea")
        self.activities = QPlainTextEdit(session.activities)
        self.activities.setTabChangesFocus(True)
        self.activities.setPlaceholderText("One activity per line, e.g. Sand and water trays")
        self.activities.setFixedHeight(self.fontMetrics().lineSpacing() * 5 + 12)
        self.add_field("activities", "&Activities:", self.activities)
        self.finish_layout()
        self.theme.setFocus()

    def work(self) -> Callable[[], Any]:
        date = py_date(self.date)
        moved = date if self.date.isEnabled() and date != self.session.date else None
        theme, activities = self.theme.text(), self.activities.toPlainText()
        groups, session_id = self.services.groups, self.session.session_id
        return lambda: groups.update_session(
            session_id, date=moved, theme=theme, activities=activities
        )


def date_fixed_reason(session: Register) -> str:
    """Why a session's date cannot be moved ("" when it can)."""
    if session.status == SessionStatus.HELD:
        return "This session has been held: its date is fixed."
    if any(card.mark.status for card in session.cards):
        return "This session has attendance marks: its date cannot change."
    return ""


class CancelSessionDialog(FormDialog):
    def __init__(
        self,
        services: Services,
        runner: OpRunner,
        session: SessionRow,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(
            "Cancel a session",
            runner,
            parent,
            intro=f"Cancel {session.group_name} on {long_date(session.date)}. The register "
            "then takes no marks. A session that already has marks cannot be cancelled.",
            save_text="Cancel the &session",
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("&Keep it")
        self.services = services
        self.session = session
        self.reason = self.add_field("cancel_reason", "&Reason:", QLineEdit())
        self.reason.setPlaceholderText("e.g. Venue closed for repairs")
        self.alias("status", "cancel_reason")
        self.finish_layout()
        self.reason.setFocus()

    def work(self) -> Callable[[], Any]:
        reason, groups, session_id = self.reason.text(), self.services.groups, self.session.id
        return lambda: groups.cancel_session(session_id, reason)


def describe_error(error: BaseException) -> str:
    return error.message if isinstance(error, DomainError) else "That could not be done."


__all__ = [
    "AddSessionDialog",
    "CancelSessionDialog",
    "EditSessionDialog",
    "EnrolmentsDialog",
    "GroupDialog",
    "ScheduleTermDialog",
    "qdate",
]
