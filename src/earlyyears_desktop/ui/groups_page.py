"""The Groups page: groups and their sessions on the left, the chosen session's register on
the right, and the follow-up list and term summary for the group leader.

The session highlighted on the left is always the one whose register is open on the right.
On opening, today's session (of whichever group has one) is chosen; on a day with none (a
holiday, a weekend) the group that meets next, at its next session.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from earlyyears_desktop.domain.enums import SessionStatus
from earlyyears_desktop.services.attendance import Register
from earlyyears_desktop.services.container import Services
from earlyyears_desktop.services.groups import GroupRow, SessionRow, StaffRow, VenueRow
from earlyyears_desktop.services.unit_of_work import Changes, Saved
from earlyyears_desktop.ui.attendance_view import AttendanceView
from earlyyears_desktop.ui.enrolment_dialogs import EnrolmentsDialog
from earlyyears_desktop.ui.group_dialogs import WEEKDAYS, GroupDialog
from earlyyears_desktop.ui.operations import OpRunner
from earlyyears_desktop.ui.pages import Page
from earlyyears_desktop.ui.preferences import Preferences
from earlyyears_desktop.ui.register import RegisterView
from earlyyears_desktop.ui.session_dialogs import (
    AddSessionDialog,
    CancelSessionDialog,
    EditSessionDialog,
    ScheduleTermDialog,
)
from earlyyears_desktop.ui.widgets import heading

SESSION_ID = Qt.ItemDataRole.UserRole
#: moving through the session list with the arrow keys opens each register after this pause
OPEN_DELAY_MS = 150


def _message(text: str = "") -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    return label


def session_text(s: SessionRow) -> str:
    text = f"{s.date:%a %-d %b}  {s.theme or ''}".rstrip()
    if s.status != SessionStatus.PLANNED:
        text += f"  ({SessionStatus(s.status).label.lower()})"
    return text


class GroupsPage(Page):
    """Groups, sessions and the attendance register.

    "Register only" (the register's button, or F11 from the main window; Esc leaves it)
    hides the groups and sessions, the tabs and the staff panel so that a whole group's cards
    fit on a laptop screen at the door; the main window hides its sections list too.
    """

    #: "Register only" was turned on or off
    focus_mode_changed = Signal(bool)

    def __init__(
        self,
        services: Services,
        runner: OpRunner,
        parent: QWidget | None = None,
        *,
        preferences: Preferences | None = None,
    ):
        """`preferences`: this laptop's, read for the register's keyboard setting."""
        super().__init__(parent)
        self.preferences = preferences
        self.focus_mode = False
        #: F11 pressed before the page had read its sessions: "Register only" once it opens
        self._focus_wanted = False
        self.services = services
        self.runner = runner
        self._groups: list[GroupRow] = []
        self._sessions: list[SessionRow] = []
        self._epoch = 0
        self._loaded = False
        self._want_group: str | None = None
        self.dialog: QDialog | None = None
        self.setAccessibleName("Groups and sessions")

        self.group_box = QComboBox()
        self.group_box.setAccessibleName("Group")
        self.group_box.currentIndexChanged.connect(self._group_chosen)
        group_label = QLabel("Grou&p:")
        group_label.setBuddy(self.group_box)
        self.group_info = QLabel()
        self.group_info.setWordWrap(True)
        self.group_info.setAccessibleName("About the group")
        self.new_group_button = self._button("&New group…", "Add a group", self.add_group)
        self.edit_group_button = self._button(
            "Edit gro&up…", "Edit the group: venue, day, times, staff", self.edit_group
        )
        self.enrol_button = self._button(
            "C&hildren…", "Children enrolled in the group", self.open_enrolments
        )
        self.session_list = QListWidget()
        self.session_list.setAccessibleName("Sessions")
        self.session_list.setAccessibleDescription(
            "The group's sessions by date: moving to one opens its register; Enter opens it at once"
        )
        self.session_list.currentItemChanged.connect(self._session_moved)
        self.session_list.itemActivated.connect(self._session_activated)
        sessions_label = QLabel("&Sessions:")
        sessions_label.setBuddy(self.session_list)
        self.schedule_button = self._button(
            "Schedule a &term…", "Schedule a term of weekly sessions", self.schedule_term
        )
        self.add_session_button = self._button(
            "Add a sessi&on…", "Add a one-off session", self.add_session
        )
        self.edit_session_button = self._button(
            "E&dit session…",
            "Edit the chosen session: date, theme, planned activities",
            self.edit_session,
        )
        self.cancel_button = self._button(
            "Cance&l session…", "Cancel the chosen session", self.cancel_session
        )
        self._open_timer = QTimer(self, singleShot=True, interval=OPEN_DELAY_MS)
        self._open_timer.timeout.connect(self._open_current)

        left = QWidget()
        self.left = left
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(group_label)
        left_layout.addWidget(self.group_box)
        left_layout.addWidget(self.group_info)
        group_buttons = QGridLayout()
        group_buttons.addWidget(self.new_group_button, 0, 0)
        group_buttons.addWidget(self.edit_group_button, 0, 1)
        group_buttons.addWidget(self.enrol_button, 1, 0, 1, 2)
        left_layout.addLayout(group_buttons)
        left_layout.addSpacing(8)
        left_layout.addWidget(sessions_label)
        left_layout.addWidget(self.session_list, 1)
        session_buttons = QGridLayout()
        session_buttons.addWidget(self.schedule_button, 0, 0)
        session_buttons.addWidget(self.add_session_button, 0, 1)
        session_buttons.addWidget(self.edit_session_button, 1, 0)
        session_buttons.addWidget(self.cancel_button, 1, 1)
        left_layout.addLayout(session_buttons)

        self.stack = QStackedWidget()
        self.placeholder = QWidget()
        holder = QVBoxLayout(self.placeholder)
        holder.addStretch(1)
        self.placeholder_title = heading("", 2)
        self.placeholder_title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.placeholder_text = _message("")
        self.placeholder_action = QPushButton()
        self.placeholder_action.clicked.connect(self._placeholder_clicked)
        holder.addWidget(self.placeholder_title)
        holder.addWidget(self.placeholder_text)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.placeholder_action)
        row.addStretch(1)
        holder.addLayout(row)
        holder.addStretch(2)
        self.stack.addWidget(self.placeholder)
        self.register_view: RegisterView | None = None

        self.attendance_view = AttendanceView(services, runner)
        self.tabs = QTabWidget()
        self.tabs.setAccessibleName("The session's register, or the group's attendance")
        self.tabs.addTab(self.stack, "Reg&ister")
        self.tabs.addTab(self.attendance_view, "&Attendance and follow-up")

        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(self.tabs)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([max(290, left.minimumSizeHint().width()), 1000])
        splitter.setChildrenCollapsible(False)
        layout = QHBoxLayout(self)
        layout.addWidget(splitter)
        self._layout = layout
        self._normal_margins = layout.contentsMargins()
        self.leave_focus_shortcut = QShortcut(QKeySequence(Qt.Key.Key_Escape), self)
        self.leave_focus_shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.leave_focus_shortcut.activated.connect(lambda: self.set_focus_mode(False))
        self.leave_focus_shortcut.setEnabled(False)
        self._show_placeholder("loading")
        self._enable_actions()
        runner.changed.connect(self._changed)

    def _button(self, text: str, name: str, slot: Callable[[], None]) -> QPushButton:
        button = QPushButton(text)
        button.setAccessibleName(name)
        button.setToolTip(name)
        button.clicked.connect(lambda _=False: slot())
        return button

    # ---- the page's contract with the main window ----

    def reload(self) -> None:
        epoch, groups = self._epoch, self.services.groups

        def work() -> tuple[list[GroupRow], list[SessionRow]]:
            today = groups.today()
            soonest = groups.sessions(on=today) or groups.next_sessions(after=today)
            return groups.groups(), soonest

        self.runner.run(
            work,
            on_done=lambda result: self._show_groups(*result) if epoch == self._epoch else None,
        )

    def clear_personal_data(self) -> None:
        self._epoch += 1  # results of work started before the lock are dropped
        self._open_timer.stop()
        self.set_focus_mode(False)
        self._groups = []
        self._sessions = []
        self._loaded = False
        if self.dialog is not None:
            self.dialog.reject()
            self.dialog = None
        self.group_box.blockSignals(True)
        self.group_box.clear()
        self.group_box.blockSignals(False)
        self.group_info.clear()
        self.session_list.blockSignals(True)
        self.session_list.clear()
        self.session_list.blockSignals(False)
        self.attendance_view.clear_personal_data()
        self._close_register()
        self._show_placeholder("loading")

    def set_focus_mode(self, on: bool) -> None:
        """ "Register only": hide the groups and sessions and the tabs, fold the staff panel
        away. The register itself keeps its keys, marks and undo."""
        # Asked before the page has read its groups (F11 straight after unlocking): done
        # when the register opens.
        self._focus_wanted = bool(on) and self.register_view is None and not self._loaded
        on = bool(on) and self.register_view is not None
        if on:
            self.tabs.setCurrentWidget(self.stack)
        self.left.setVisible(not on)
        self.tabs.tabBar().setVisible(not on)
        # Its hidden tab bar would take Tab from the session notes and keep it: nowhere.
        self.tabs.setFocusPolicy(Qt.FocusPolicy.NoFocus if on else Qt.FocusPolicy.TabFocus)
        self.tabs.setDocumentMode(on)
        margins = self._normal_margins
        self._layout.setContentsMargins(
            *(
                (4, 4, 4, 4)
                if on
                else (margins.left(), margins.top(), margins.right(), margins.bottom())
            )
        )
        self.leave_focus_shortcut.setEnabled(on)
        if self.register_view is not None:
            self.register_view.show_focus_mode(on)
            if on:
                self.register_view.setFocus()  # P, L, A, D, E straight away
        changed = on != self.focus_mode
        self.focus_mode = on
        if changed:
            self.focus_mode_changed.emit(on)

    def open_session(self, session_id: str, *, focus: bool = True) -> None:
        """Open a session's register (and, once it has loaded, show its group on the left)."""
        self._open_timer.stop()
        self._close_register()
        prefs = self.preferences
        view = RegisterView(
            self.services,
            self.runner,
            session_id,
            self,
            move_on=(lambda: prefs.move_to_next_unmarked) if prefs is not None else None,
        )
        view.loaded.connect(lambda: self._follow_group(view))
        view.focus_mode_requested.connect(self.set_focus_mode)
        if self.focus_mode:
            view.show_focus_mode(True)
        self.register_view = view
        self.stack.addWidget(view)
        self.stack.setCurrentWidget(view)
        self.tabs.setCurrentWidget(self.stack)
        self._select_session(session_id)
        self._enable_actions()
        if self._focus_wanted:
            self.set_focus_mode(True)  # the keyboard goes to the register too
        elif focus:
            view.setFocus()

    # ---- groups ----

    def _show_groups(self, groups: list[GroupRow], today: list[SessionRow]) -> None:
        """`today`: today's sessions, or on a day without any the next day's."""
        self._loaded = True
        self._groups = groups
        current = self._want_group or self.group_box.currentData()
        self._want_group = None
        if self.register_view is not None and self.register_view.register is not None:
            current = self.register_view.register.group_id
        elif current is None and today:
            current = next((s.group_id for s in today if s.status != "cancelled"), None)
            current = current or today[0].group_id
        self.group_box.blockSignals(True)
        self.group_box.clear()
        for g in groups:
            self.group_box.addItem(g.name, g.id)
        self.group_box.setCurrentIndex(max(self.group_box.findData(current), 0))
        self.group_box.blockSignals(False)
        if groups:
            self._group_chosen(self.group_box.currentIndex())
        else:
            self.group_info.setText("")
            self._sessions = []
            self.session_list.clear()
            self._close_register()
            self._show_placeholder("no-groups")
        self._enable_actions()

    def current_group(self) -> GroupRow | None:
        index = self.group_box.currentIndex()
        return self._groups[index] if 0 <= index < len(self._groups) else None

    def _group_chosen(self, index: int) -> None:
        if not 0 <= index < len(self._groups):
            return
        g = self._groups[index]
        when = WEEKDAYS[g.weekday] + "s" if g.weekday is not None else "No set day"
        if g.start_time:
            when += f", {g.start_time:%H:%M}"
            if g.end_time:
                when += f"–{g.end_time:%H:%M}"
        enrolled = f"{g.enrolled} enrolled" + (f" of {g.capacity}" if g.capacity else "")
        lines = [g.venue_name or "No venue set", when, enrolled]
        if g.focus:
            lines.append(f"Focus: {g.focus}")
        self.group_info.setText("\n".join(lines))
        self.attendance_view.set_group(g.id)
        self._enable_actions()
        self._load_sessions(g.id)

    def _load_sessions(self, group_id: str) -> None:
        epoch = self._epoch
        self.runner.run(
            lambda: self.services.groups.sessions(group_id=group_id),
            on_done=lambda rows: (
                self._show_sessions(group_id, rows) if epoch == self._epoch else None
            ),
        )

    def _show_sessions(self, group_id: str, sessions: list[SessionRow]) -> None:
        group = self.current_group()
        if group is None or group.id != group_id:
            return  # the user has chosen another group meanwhile
        self._sessions = sessions
        today = self.services.groups.today()
        opened = self.register_view.session_id if self.register_view is not None else None
        self.session_list.blockSignals(True)
        self.session_list.clear()
        for s in sessions:
            item = QListWidgetItem(session_text(s))
            item.setData(SESSION_ID, s.id)
            if s.date == today:
                font = item.font()
                font.setBold(True)
                item.setFont(font)
                item.setToolTip("Today")
            self.session_list.addItem(item)
        self.session_list.blockSignals(False)
        ids = [s.id for s in sessions]
        if opened in ids:
            self._select_session(opened)
        elif sessions:
            # Today's session, else the next one, else the last one held.
            chosen = next((s for s in sessions if s.date >= today), sessions[-1])
            self.open_session(chosen.id, focus=False)
        else:
            self._close_register()
            self._show_placeholder("no-sessions")
        self._enable_actions()

    def _select_session(self, session_id: str) -> None:
        for row in range(self.session_list.count()):
            item = self.session_list.item(row)
            if item.data(SESSION_ID) == session_id:
                self.session_list.blockSignals(True)
                self.session_list.setCurrentItem(item)
                self.session_list.blockSignals(False)
                self.session_list.scrollToItem(item)
                return

    def current_session(self) -> SessionRow | None:
        opened = self.register_view.session_id if self.register_view is not None else None
        return next((s for s in self._sessions if s.id == opened), None)

    def _session_moved(
        self, current: QListWidgetItem | None, _previous: QListWidgetItem | None = None
    ) -> None:
        if current is not None:
            self._open_timer.start()

    def _open_current(self) -> None:
        item = self.session_list.currentItem()
        if item is not None and (
            self.register_view is None or self.register_view.session_id != item.data(SESSION_ID)
        ):
            self.open_session(item.data(SESSION_ID), focus=False)

    def _session_activated(self, item: QListWidgetItem) -> None:
        self.open_session(item.data(SESSION_ID))

    def _follow_group(self, view: RegisterView) -> None:
        """Show the opened session's group on the left, so the two sides agree."""
        register = view.register
        if register is None or view is not self.register_view:
            return
        index = self.group_box.findData(register.group_id)
        if index >= 0 and index != self.group_box.currentIndex():
            self.group_box.setCurrentIndex(index)
        else:
            self._select_session(view.session_id)
        self._enable_actions()

    def flush_pending(self) -> None:
        """Queue any unsaved notes of the open register (called before a lock)."""
        if self.register_view is not None:
            self.register_view.flush_pending()

    def _close_register(self) -> None:
        view, self.register_view = self.register_view, None
        if view is not None:
            view.flush_pending()
            view.clear_personal_data()
            self.stack.removeWidget(view)
            view.deleteLater()

    # ---- empty states ----

    def _show_placeholder(self, why: str) -> None:
        self._placeholder_why = why
        self.set_focus_mode(False)  # nothing to focus on: bring the lists back
        texts = {
            "loading": ("", "Reading the groups…", ""),
            "no-groups": (
                "No groups yet",
                "A group meets at a venue on a day of the week, with its own staff and "
                "children. Add your first group, then schedule its term and enrol children.",
                "Add a group…",
            ),
            "no-sessions": (
                "No sessions for this group yet",
                "Schedule the term's weekly sessions (skipping half term), or add a one-off "
                "session. Each session has its own register.",
                "Schedule a term…",
            ),
        }
        title, text, action = texts[why]
        self.placeholder_title.setText(title)
        self.placeholder_title.setVisible(bool(title))
        self.placeholder_text.setText(text)
        self.placeholder_action.setText(action)
        self.placeholder_action.setAccessibleName(action.replace("&", "").rstrip("…"))
        self.placeholder_action.setVisible(bool(action))
        self.stack.setCurrentWidget(self.placeholder)

    def _placeholder_clicked(self) -> None:
        if self._placeholder_why == "no-groups":
            self.add_group()
        elif self._placeholder_why == "no-sessions":
            self.schedule_term()

    def _enable_actions(self) -> None:
        has_group = self.current_group() is not None
        for button in (
            self.edit_group_button,
            self.enrol_button,
            self.schedule_button,
            self.add_session_button,
        ):
            button.setEnabled(has_group)
        session = self.current_session()
        self.edit_session_button.setEnabled(session is not None)
        self.cancel_button.setEnabled(
            session is not None and session.status == SessionStatus.PLANNED
        )

    # ---- dialogs ----

    def _open(self, dialog: QDialog) -> QDialog:
        self.dialog = dialog
        dialog.open()
        return dialog

    def add_group(self) -> None:
        groups = self.services.groups
        self.runner.run(groups.venues, on_done=lambda venues: self._group_dialog(venues, None))

    def edit_group(self) -> None:
        group = self.current_group()
        if group is None:
            return
        groups = self.services.groups
        self.runner.run(
            lambda: (groups.venues(), groups.staff(group.id)),
            on_done=lambda result: self._group_dialog(result[0], group, result[1]),
        )

    def _group_dialog(
        self, venues: list[VenueRow], group: GroupRow | None, staff: list[StaffRow] | None = None
    ) -> None:
        dialog = GroupDialog(self.services, self.runner, venues, group, staff, self)
        dialog.saved.connect(self._group_saved)
        self._open(dialog)

    def _group_saved(self, saved: Saved[str]) -> None:
        self._want_group = saved.id  # chosen once the list is read again
        self.reload()

    def open_enrolments(self) -> None:
        group = self.current_group()
        if group is not None:
            self._open(EnrolmentsDialog(self.services, self.runner, group, self))

    def schedule_term(self) -> None:
        group = self.current_group()
        if group is not None:
            self._open(ScheduleTermDialog(self.services, self.runner, group, self))

    def add_session(self) -> None:
        group = self.current_group()
        if group is not None:
            dialog = AddSessionDialog(self.services, self.runner, group, self)
            dialog.saved.connect(lambda saved: self.open_session(saved.id, focus=False))
            self._open(dialog)

    def edit_session(self) -> None:
        """The highlighted session's date, theme and planned activities. Its register is read
        first, for the activities and whether it has marks (which fix the date)."""
        session = self.current_session()
        if session is None:
            return
        epoch, attendance = self._epoch, self.services.attendance
        self.runner.run(
            lambda: attendance.register(session.id),
            on_done=lambda register: self._edit_session_dialog(register, epoch),
        )

    def _edit_session_dialog(self, register: Register, epoch: int) -> None:
        if epoch != self._epoch:
            return  # locked meanwhile
        # The list and the open register follow the saved change through runner.changed.
        self._open(EditSessionDialog(self.services, self.runner, register, self))

    def cancel_session(self) -> None:
        session = self.current_session()
        if session is not None:
            dialog = CancelSessionDialog(self.services, self.runner, session, self)
            dialog.saved.connect(lambda _c: self.open_session(session.id, focus=False))
            self._open(dialog)

    def _changed(self, changes: Changes) -> None:
        if not self._loaded:
            return
        if changes.touches("group", "venue", "group_staff", "enrolment"):
            self.reload()
        elif changes.touches("session") and (group := self.current_group()) is not None:
            self._load_sessions(group.id)


__all__ = ["GroupsPage", "session_text"]
