"""A group's sessions: a term of them, a one-off session, a session's date, theme and planned
activities, and cancelling a session."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from earlyyears_desktop.domain.enums import SessionStatus
from earlyyears_desktop.services.attendance import Register
from earlyyears_desktop.services.container import Services
from earlyyears_desktop.services.groups import GroupRow, SessionRow
from earlyyears_desktop.ui.forms import FormDialog, date_edit, py_date
from earlyyears_desktop.ui.group_dialogs import WEEKDAYS
from earlyyears_desktop.ui.operations import OpRunner
from earlyyears_desktop.ui.widgets import long_date, short_date


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
        self.skip_list.setAccessibleDescription(
            "Holidays and closures: no session is scheduled on these dates"
        )
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
