"""The Groups page's dialogs for a group itself: its venue, day, times, capacity, focus and
staff. Who is enrolled is in `enrolment_dialogs.py`; sessions in `session_dialogs.py`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, QTime
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from earlyyears_desktop.domain.enums import Discipline
from earlyyears_desktop.services.container import Services
from earlyyears_desktop.services.groups import GroupInput, GroupRow, StaffInput, StaffRow, VenueRow
from earlyyears_desktop.ui.enum_combo import EnumCombo
from earlyyears_desktop.ui.forms import FormDialog
from earlyyears_desktop.ui.operations import OpRunner

WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
ID = Qt.ItemDataRole.UserRole


def _time_edit(value: dt.time | None, default: dt.time, name: str, what: str) -> QTimeEdit:
    edit = QTimeEdit()
    edit.setDisplayFormat("HH:mm")
    t = value or default
    edit.setTime(QTime(t.hour, t.minute))
    edit.setAccessibleName(name)
    edit.setAccessibleDescription(what)
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
        typed = self.venue.lineEdit()
        if typed is not None:  # an editable combo box has one
            typed.setPlaceholderText("Choose a venue or type a new one")
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
        self.start = _time_edit(
            g.start_time if g else None,
            dt.time(9, 30),
            "Starts at",
            "When the group's sessions start, in hours and minutes; Up and Down change it",
        )
        self.end = _time_edit(
            g.end_time if g else None,
            dt.time(11, 0),
            "Ends at",
            "When the group's sessions end, in hours and minutes; Up and Down change it",
        )
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
        self.staff.setAccessibleDescription(
            "The people who run the group's sessions; the fields below add one"
        )
        self.staff.setMaximumHeight(self.fontMetrics().lineSpacing() * 7)
        staff_layout.addWidget(self.staff)
        adding = QHBoxLayout()
        self.staff_name = QLineEdit()
        self.staff_name.setPlaceholderText("Name")
        self.staff_name.setAccessibleName("New staff member's name")
        self.staff_name.returnPressed.connect(self.add_staff_member)
        self.staff_discipline = EnumCombo(
            Discipline, "New staff member's discipline", none_label="(discipline not given)"
        )
        self.staff_discipline.setAccessibleDescription(
            "Their profession, if they have one: shown beside their name in the list of staff"
        )
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
        for n, new in enumerate(self.added_staff):
            item = QListWidgetItem(_staff_text(new.name, new.discipline, new.visiting) + " (new)")
            item.setData(ID, ("new", n))
            self.staff.addItem(item)

    def add_staff_member(self) -> None:
        name = self.staff_name.text().strip()
        if not name:
            self.show_error("staff_name", "Please type the staff member's name.")
            return
        self.errors["staff_name"].clear_message()
        self.added_staff.append(
            StaffInput(name, self.staff_discipline.value() or "", self.staff_visiting.isChecked())
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
