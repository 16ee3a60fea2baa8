"""Today: the sessions on today (or, on a day without one, the next), the signed-in
practitioner's actions from meetings, home visits coming up, home visits overdue on the
caseloads, and support plan reviews due."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from earlyyears_desktop.domain.enums import SessionStatus
from earlyyears_desktop.services.container import Services
from earlyyears_desktop.services.groups import SessionRow
from earlyyears_desktop.services.meeting_views import ActionRow
from earlyyears_desktop.services.unit_of_work import Changes
from earlyyears_desktop.ui.first_steps import FirstStepsBox, read_first_steps
from earlyyears_desktop.ui.operations import OpRunner
from earlyyears_desktop.ui.pages import Page
from earlyyears_desktop.ui.preferences import preferences_of
from earlyyears_desktop.ui.today_actions import MeetingActionsBox
from earlyyears_desktop.ui.widgets import heading, long_date, short_date

VISITS_AHEAD_DAYS = 14
REVIEWS_AHEAD_DAYS = 28


@dataclass(frozen=True)
class DueItem:
    child_id: str
    child_name: str
    on: dt.date
    what: str


@dataclass(frozen=True)
class OverdueVisit:
    """A family on a caseload whose visit was due before today, and no visit since."""

    child_id: str
    child_name: str
    due_on: dt.date
    days_overdue: int
    #: whose caseload, when not the signed-in worker's ("" when it is)
    worker: str


@dataclass(frozen=True)
class TodaySummary:
    today: dt.date
    sessions: tuple[SessionRow, ...]
    visits: tuple[DueItem, ...]
    reviews: tuple[DueItem, ...]
    #: on a day with no session held (a holiday, a weekend): the sessions of the next day
    #: that has one, so the page says when the group meets again
    next_sessions: tuple[SessionRow, ...] = ()
    #: every caseload's overdue visits, longest overdue first
    overdue_visits: tuple[OverdueVisit, ...] = ()
    #: the signed-in practitioner's actions from meetings not done yet, soonest due first
    actions: tuple[ActionRow, ...] = ()


def read_today(services: Services) -> TodaySummary:
    today = services.groups.today()
    sessions = services.groups.sessions(on=today)
    meets_today = any(s.status != SessionStatus.CANCELLED for s in sessions)
    upcoming = () if meets_today else tuple(services.groups.next_sessions(after=today))
    visits = services.support.visits_due(today, today + dt.timedelta(days=VISITS_AHEAD_DAYS))
    plans = services.support.plans_due(today + dt.timedelta(days=REVIEWS_AHEAD_DAYS))
    ids = list({*(v.child_id for v in visits), *(p.child_id for p in plans)})
    names = {r.id: r.display_name for r in services.children.rows(ids)}
    me = services.actor.practitioner_id
    overdue = tuple(
        OverdueVisit(
            r.child_id,
            r.child_name,
            r.next_visit_on,
            r.days_overdue,
            "" if r.practitioner_id == me else r.practitioner_name or "no worker",
        )
        for r in services.caseload.overdue(today)
    )
    return TodaySummary(
        today,
        tuple(sessions),
        tuple(
            DueItem(v.child_id, names.get(v.child_id, ""), v.next_visit_on, "Home visit")
            for v in visits
            if v.child_id in names
        ),
        tuple(
            DueItem(p.child_id, names.get(p.child_id, ""), p.review_on, p.title)
            for p in plans
            if p.child_id in names
        ),
        upcoming,
        overdue,
        tuple(services.meetings.open_actions(me)) if me else (),
    )


def overdue_text(visit: OverdueVisit) -> str:
    """'Zoë Adeyemi · was due on 17 Nov 2026 · 8 days overdue'."""
    days = f"{visit.days_overdue} day{'' if visit.days_overdue == 1 else 's'} overdue"
    parts = [visit.child_name, f"was due on {short_date(visit.due_on)}", days]
    if visit.worker:
        parts.append(f"{visit.worker}'s caseload")
    return " · ".join(parts)


def _hint() -> QLabel:
    """A plain sentence for an empty section, saying what to do next."""
    label = QLabel()
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.hide()
    return label


class TodayPage(Page):
    loaded = Signal()
    #: a child to open on the Children page
    child_requested = Signal(str)
    #: a meeting to open in its editor (an action's, Enter on "Your actions from meetings")
    meeting_requested = Signal(str)
    #: a page to show (the first steps' "Enrol with the central service": "sync")
    page_requested = Signal(str)

    def __init__(
        self,
        services: Services,
        runner: OpRunner,
        open_register: Callable[[str], None] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.services = services
        self.runner = runner
        self.open_register = open_register
        self.summary: TodaySummary | None = None
        self.setAccessibleName("Today")
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setAccessibleName("Today's sessions, visits, reviews and actions")
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)
        body = QWidget()
        scroll.setWidget(body)
        # Not a Tab stop of its own: the first Tab lands on the first control (it scrolls into
        # view), not on the page's frame, where the keyboard seemed lost.
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.layout_ = QVBoxLayout(body)
        self.title = heading("Today")
        self.layout_.addWidget(self.title)

        self.first_steps = FirstStepsBox(services, runner, preferences_of(services))
        self.first_steps.sync_requested.connect(lambda: self.page_requested.emit("sync"))
        self.layout_.addWidget(self.first_steps)

        self.sessions_box = QGroupBox("Sessions today")
        self.sessions_layout = QVBoxLayout(self.sessions_box)
        self.layout_.addWidget(self.sessions_box)

        self.actions_box = MeetingActionsBox()
        self.actions_box.meeting_requested.connect(self.meeting_requested)
        self.actions_box.done_requested.connect(self.action_done)
        self.layout_.addWidget(self.actions_box)

        self.overdue_box = QGroupBox("Overdue visits")
        overdue_layout = QVBoxLayout(self.overdue_box)
        self.overdue = self._list("Overdue home visits")
        overdue_layout.addWidget(self.overdue)
        self.overdue_box.hide()
        self.layout_.addWidget(self.overdue_box)

        self.visits_box = QGroupBox(f"Home visits planned in the next {VISITS_AHEAD_DAYS} days")
        visits_layout = QVBoxLayout(self.visits_box)
        self.visits = self._list("Home visits planned")
        self.visits_empty = _hint()
        visits_layout.addWidget(self.visits)
        visits_layout.addWidget(self.visits_empty)
        self.layout_.addWidget(self.visits_box)

        self.reviews_box = QGroupBox("Support plan reviews overdue or due in the next 4 weeks")
        reviews_layout = QVBoxLayout(self.reviews_box)
        self.reviews = self._list("Support plan reviews due")
        self.reviews_empty = _hint()
        reviews_layout.addWidget(self.reviews)
        reviews_layout.addWidget(self.reviews_empty)
        self.layout_.addWidget(self.reviews_box)
        self.layout_.addStretch(1)
        runner.changed.connect(self._on_changes)

    def _list(self, name: str) -> QListWidget:
        widget = QListWidget()
        widget.setAccessibleName(name)
        widget.setAccessibleDescription("Press Enter to open the child's record")
        widget.setToolTip("Double-click or press Enter to open the child's record")
        widget.setSpacing(2)
        widget.itemActivated.connect(
            lambda item: (
                self.child_requested.emit(item.data(Qt.ItemDataRole.UserRole))
                if item.data(Qt.ItemDataRole.UserRole)
                else None
            )
        )
        return widget

    def reload(self) -> None:
        services = self.services
        self.runner.run(lambda: read_today(services), on_done=self._show)
        self._reload_first_steps()

    def _reload_first_steps(self) -> None:
        """Read for the guide only while it may show: never again once hidden or done."""
        if self.first_steps.wanted:
            services = self.services
            self.runner.run(lambda: read_first_steps(services), on_done=self.first_steps.show_steps)

    def _on_changes(self, changes: Changes) -> None:
        if self.isVisible() and self.first_steps.isVisible():
            self._reload_first_steps()  # a group or child added, or a bundle from the centre
        if self.isVisible() and changes.touches(
            "session",
            "attendance",
            "home_visit",
            "caseload_entry",
            "support_plan",
            "child",
            "group",
            "meeting",
            "meeting_discussion",
            "meeting_action",
        ):
            self.reload()

    def action_done(self, action_id: str) -> None:
        """An action from a meeting done today: it leaves the list."""
        meetings = self.services.meetings
        today = meetings.today()
        self.runner.run(
            lambda: meetings.action_done(action_id, today),
            changes=lambda saved: saved.changes,
            on_error=lambda _error: self.reload(),
        )

    def _clear_sessions(self) -> None:
        while self.sessions_layout.count():
            item = self.sessions_layout.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.hide()
                widget.setParent(None)
                widget.deleteLater()

    def _show(self, summary: TodaySummary) -> None:
        self.summary = summary
        self.title.setText(f"Today, {long_date(summary.today)}")
        self._clear_sessions()
        for s in summary.sessions:
            self.sessions_layout.addWidget(self._session_row(s))
        if summary.next_sessions:
            when = long_date(summary.next_sessions[0].date)
            self.sessions_layout.addWidget(
                self._note(
                    f"No group session today. The next is on {when}:"
                    if not summary.sessions
                    else f"The next group session is on {when}:"
                )
            )
            for s in summary.next_sessions:
                self.sessions_layout.addWidget(self._session_row(s))
        elif not summary.sessions:
            self.sessions_layout.addWidget(
                self._note(
                    "No group sessions today. To plan a term, open Groups & sessions (Ctrl+2): "
                    "add a group, then schedule its sessions."
                )
            )
        self._tab_to_registers_first()
        self.actions_box.show_actions(summary.actions, summary.today)
        self._fill(
            self.visits,
            self.visits_empty,
            summary.visits,
            f"No home visits planned in the next {VISITS_AHEAD_DAYS} days.",
            summary.today,
            overdue_word="",
        )
        self._fill_overdue(summary.overdue_visits)
        self._fill(
            self.reviews,
            self.reviews_empty,
            summary.reviews,
            "No support plan reviews due in the next 4 weeks.",
            summary.today,
            overdue_word="overdue",
        )
        self.loaded.emit()

    @staticmethod
    def _note(text: str) -> QLabel:
        """A sentence among the session rows. Never hidden by hand: the layout shows it with
        the rows (an explicitly hidden label would stay hidden once added)."""
        label = QLabel(text)
        label.setWordWrap(True)
        label.setTextFormat(Qt.TextFormat.PlainText)
        return label

    def _tab_to_registers_first(self) -> None:
        """The sessions' "Open the register" buttons in the Tab order where they are on the
        screen, before the actions from meetings (made after the rest of the page, they came
        last)."""
        following = next(
            (
                w
                for w in self.actions_box.findChildren(QWidget)
                if w.focusPolicy() & Qt.FocusPolicy.TabFocus
            ),
            None,
        )
        if following is None:
            return
        before: QWidget | None = following.previousInFocusChain()
        while before is not None and not before.focusPolicy() & Qt.FocusPolicy.TabFocus:
            before = before.previousInFocusChain()  # Qt orders focusable widgets only
        for button in self.sessions_box.findChildren(QPushButton, "open-register"):
            if before is not None:
                QWidget.setTabOrder(before, button)
            before = button

    def _session_row(self, s: SessionRow) -> QWidget:
        row = QWidget()
        layout = QHBoxLayout(row)
        layout.setContentsMargins(0, 0, 0, 0)
        times = ""
        if s.start_time and s.end_time:
            times = f"{s.start_time:%H:%M}–{s.end_time:%H:%M}  "
        status = "" if s.status == SessionStatus.PLANNED else f"  ({SessionStatus(s.status).label})"
        theme = f": {s.theme}" if s.theme else ""
        marked = f"  · {len(s.present)} marked present" if s.present else ""
        text = QLabel(f"{times}{s.group_name}{theme}{status}{marked}")
        text.setWordWrap(True)
        layout.addWidget(text, 1)
        if self.open_register is not None and s.status != SessionStatus.CANCELLED:
            # Alt+O for the first session's register only: the same letter on several buttons
            # would only move the focus between them.
            first = not self.sessions_box.findChildren(QPushButton, "open-register")
            button = QPushButton("&Open the register" if first else "Open the register")
            button.setObjectName("open-register")
            button.setAccessibleName(f"Open the register for {s.group_name}")
            button.clicked.connect(lambda _=False, sid=s.id: self.open_register(sid))
            layout.addWidget(button)
        return row

    def _fill(
        self,
        widget: QListWidget,
        empty_label: QLabel,
        items: tuple[DueItem, ...],
        empty: str,
        today: dt.date,
        overdue_word: str,
    ) -> None:
        widget.clear()
        for item in items:
            late = f" ({overdue_word})" if overdue_word and item.on < today else ""
            text = f"{short_date(item.on)}{late} · {item.child_name} · {item.what}"
            entry = QListWidgetItem(text)
            entry.setData(Qt.ItemDataRole.UserRole, item.child_id)
            widget.addItem(entry)
        widget.setVisible(bool(items))
        empty_label.setText(empty)
        empty_label.setVisible(not items)
        # As tall as its rows (up to ten), so a short list does not leave a white void.
        rows = min(max(len(items), 1), 10)
        frame = 2 * widget.frameWidth() + 4
        widget.setFixedHeight(rows * (widget.sizeHintForRow(0) + 2 * widget.spacing()) + frame)

    def _fill_overdue(self, visits: tuple[OverdueVisit, ...]) -> None:
        """Shown only when a visit is overdue: nothing to do otherwise."""
        self.overdue.clear()
        for visit in visits:
            entry = QListWidgetItem(overdue_text(visit))
            entry.setData(Qt.ItemDataRole.UserRole, visit.child_id)
            self.overdue.addItem(entry)
        self.overdue_box.setVisible(bool(visits))
        rows = min(max(len(visits), 1), 10)
        frame = 2 * self.overdue.frameWidth() + 4
        self.overdue.setFixedHeight(
            rows * (self.overdue.sizeHintForRow(0) + 2 * self.overdue.spacing()) + frame
        )

    def clear_personal_data(self) -> None:
        self.summary = None
        self.first_steps.hide()
        self.title.setText("Today")
        self._clear_sessions()
        self.visits.clear()
        self.reviews.clear()
        self.overdue.clear()
        self.overdue_box.hide()
        self.actions_box.clear_rows()
        self.visits_empty.clear()
        self.reviews_empty.clear()
