"""The Groups page: groups and their sessions on the left, the chosen session's register on
the right, and the follow-up list and term summary for the group leader."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QSplitter,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from earlyyears_desktop.services.container import Services
from earlyyears_desktop.services.unit_of_work import Changes
from earlyyears_desktop.ui.attendance_view import AttendanceView
from earlyyears_desktop.ui.operations import OpRunner
from earlyyears_desktop.ui.register import RegisterView

WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
SESSION_ID = Qt.ItemDataRole.UserRole


class GroupsPage(QWidget):
    """Groups, sessions and the attendance register."""

    def __init__(self, services: Services, runner: OpRunner, parent: QWidget | None = None):
        super().__init__(parent)
        self.services = services
        self.runner = runner
        self._groups: list[Any] = []
        self._epoch = 0

        self.group_box = QComboBox()
        self.group_box.setAccessibleName("Group")
        self.group_box.currentIndexChanged.connect(self._group_chosen)
        self.group_info = QLabel()
        self.group_info.setWordWrap(True)
        self.session_list = QListWidget()
        self.session_list.setAccessibleName("Sessions")
        self.session_list.itemActivated.connect(self._session_activated)
        self.session_list.itemClicked.connect(self._session_activated)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(QLabel("<b>Group</b>"))
        left_layout.addWidget(self.group_box)
        left_layout.addWidget(self.group_info)
        left_layout.addWidget(QLabel("<b>Sessions</b>"))
        left_layout.addWidget(self.session_list, 1)

        self.stack = QStackedWidget()
        self.placeholder = QLabel("Choose a session to take its register.")
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.stack.addWidget(self.placeholder)
        self.register_view: QWidget | None = None

        self.attendance_view = AttendanceView(services, runner)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.stack, "Register")
        self.tabs.addTab(self.attendance_view, "Attendance and follow-up")

        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(self.tabs)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([260, 1000])
        layout = QHBoxLayout(self)
        layout.addWidget(splitter)
        runner.changed.connect(self._changed)

    # ---- the page's contract with the main window ----

    def reload(self) -> None:
        epoch = self._epoch
        self.runner.run(
            self.services.groups.groups,
            on_done=lambda groups: self._show_groups(groups) if epoch == self._epoch else None,
        )

    def clear_personal_data(self) -> None:
        self._epoch += 1  # results of work started before the lock are dropped
        self._groups = []
        self.group_box.blockSignals(True)
        self.group_box.clear()
        self.group_box.blockSignals(False)
        self.group_info.clear()
        self.session_list.clear()
        self.attendance_view.clear_personal_data()
        if self.register_view is not None:
            self.register_view.clear_personal_data()
            self.stack.removeWidget(self.register_view)
            self.register_view.deleteLater()
            self.register_view = None
        self.stack.setCurrentWidget(self.placeholder)

    def open_session(self, session_id: str) -> None:
        if self.register_view is not None:
            self.register_view.flush_pending()
            self.register_view.clear_personal_data()
            self.stack.removeWidget(self.register_view)
            self.register_view.deleteLater()
        view = RegisterView(self.services, self.runner, session_id, self)
        view.loaded.connect(lambda: self._follow_group(view))
        self.register_view = view
        self.stack.addWidget(view)
        self.stack.setCurrentWidget(view)
        self.tabs.setCurrentWidget(self.stack)
        view.setFocus()

    # ---- internals ----

    def _show_groups(self, groups: list[Any]) -> None:
        self._groups = groups
        self.group_box.blockSignals(True)
        self.group_box.clear()
        for g in groups:
            self.group_box.addItem(g.name, g.id)
        self.group_box.blockSignals(False)
        if groups:
            self._group_chosen(0)

    def _group_chosen(self, index: int) -> None:
        if not 0 <= index < len(self._groups):
            return
        g = self._groups[index]
        when = WEEKDAYS[g.weekday] if g.weekday is not None else ""
        if g.start_time:
            when += f" {g.start_time:%H:%M}"
        self.group_info.setText(
            f"{g.venue_name}\n{when}\n{g.enrolled} enrolled"
            + (f" of {g.capacity}" if g.capacity else "")
        )
        group_id, epoch = g.id, self._epoch
        self.attendance_view.set_group(group_id)
        self.runner.run(
            lambda: self.services.groups.sessions(group_id=group_id),
            on_done=lambda rows: self._show_sessions(rows) if epoch == self._epoch else None,
        )

    def _show_sessions(self, sessions: list[Any]) -> None:
        self.session_list.clear()
        today = self.services.groups.today()
        opened = self.register_view.session_id if self.register_view is not None else None
        current = None
        for s in sessions:
            text = f"{s.date:%a %d %b}  {s.theme or ''}"
            if s.status != "planned":
                text += f"  ({s.status})"
            item = QListWidgetItem(text)
            item.setData(SESSION_ID, s.id)
            self.session_list.addItem(item)
            if s.id == opened or (opened is None and current is None and s.date >= today):
                current = item
        if current is not None:
            self.session_list.setCurrentItem(current)
            self.session_list.scrollToItem(current)
            session_id = current.data(SESSION_ID)
            starts_today = any(s.id == session_id and s.date == today for s in sessions)
            if opened is None and starts_today:
                # At the door the register should already be there.
                self.open_session(session_id)

    def _session_activated(self, item: QListWidgetItem) -> None:
        self.open_session(item.data(SESSION_ID))

    def _follow_group(self, view: Any) -> None:
        """Show the opened session's group on the left, so the two sides agree."""
        register = view.register
        if register is None:
            return
        index = self.group_box.findData(register.group_id)
        if index >= 0 and index != self.group_box.currentIndex():
            self.group_box.setCurrentIndex(index)

    def _changed(self, changes: Changes) -> None:
        if changes.touches("group", "session", "enrolment", "venue") and self._groups:
            index = self.group_box.currentIndex()
            self._group_chosen(index)
