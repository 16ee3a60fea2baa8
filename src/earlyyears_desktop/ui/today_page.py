"""Today: the sessions on today, home visits coming up, and support plan reviews due."""

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
from earlyyears_desktop.ui.operations import OpRunner
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
class TodaySummary:
    today: dt.date
    sessions: tuple[SessionRow, ...]
    visits: tuple[DueItem, ...]
    reviews: tuple[DueItem, ...]


def read_today(services: Services) -> TodaySummary:
    today = services.groups.today()
    sessions = services.groups.sessions(on=today)
    visits = services.support.visits_due(today, today + dt.timedelta(days=VISITS_AHEAD_DAYS))
    plans = services.support.plans_due(today + dt.timedelta(days=REVIEWS_AHEAD_DAYS))
    ids = list({*(v.child_id for v in visits), *(p.child_id for p in plans)})
    names = {r.id: r.display_name for r in services.children.rows(ids)}
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
    )


class TodayPage(QWidget):
    loaded = Signal()
    #: a child to open on the Children page
    child_requested = Signal(str)

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
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)
        body = QWidget()
        scroll.setWidget(body)
        self.layout_ = QVBoxLayout(body)
        self.title = heading("Today")
        self.layout_.addWidget(self.title)

        self.sessions_box = QGroupBox("Sessions today")
        self.sessions_layout = QVBoxLayout(self.sessions_box)
        self.layout_.addWidget(self.sessions_box)

        self.visits_box = QGroupBox(f"Home visits planned in the next {VISITS_AHEAD_DAYS} days")
        visits_layout = QVBoxLayout(self.visits_box)
        self.visits = self._list("Home visits planned")
        visits_layout.addWidget(self.visits)
        self.layout_.addWidget(self.visits_box)

        self.reviews_box = QGroupBox("Support plan reviews overdue or due in the next 4 weeks")
        reviews_layout = QVBoxLayout(self.reviews_box)
        self.reviews = self._list("Support plan reviews due")
        reviews_layout.addWidget(self.reviews)
        self.layout_.addWidget(self.reviews_box)
        self.layout_.addStretch(1)
        runner.changed.connect(self._on_changes)

    def _list(self, name: str) -> QListWidget:
        widget = QListWidget()
        widget.setAccessibleName(name)
        widget.setMinimumHeight(self.fontMetrics().lineSpacing() * 4)
        widget.setMaximumHeight(self.fontMetrics().lineSpacing() * 12)
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

    def _on_changes(self, changes) -> None:
        if self.isVisible() and changes.touches(
            "group_session", "attendance", "home_visit", "support_plan", "child"
        ):
            self.reload()

    def _clear_sessions(self) -> None:
        while self.sessions_layout.count():
            item = self.sessions_layout.takeAt(0)
            widget = item.widget()
            if widget is not None:
                widget.hide()
                widget.setParent(None)
                widget.deleteLater()

    def _show(self, summary: TodaySummary) -> None:
        self.summary = summary
        self.title.setText(f"Today, {long_date(summary.today)}")
        self._clear_sessions()
        if not summary.sessions:
            self.sessions_layout.addWidget(QLabel("No group sessions today."))
        for s in summary.sessions:
            self.sessions_layout.addWidget(self._session_row(s))
        self._fill(self.visits, summary.visits, "No home visits planned.", overdue_word="")
        self._fill(self.reviews, summary.reviews, "No reviews due.", overdue_word="overdue")
        self.loaded.emit()

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
            button = QPushButton("Open the &register")
            button.setAccessibleName(f"Open the register for {s.group_name}")
            button.clicked.connect(lambda _=False, sid=s.id: self.open_register(sid))
            layout.addWidget(button)
        return row

    def _fill(self, widget: QListWidget, items, empty: str, overdue_word: str) -> None:
        widget.clear()
        today = self.summary.today if self.summary else dt.date.today()
        for item in items:
            late = f" ({overdue_word})" if overdue_word and item.on < today else ""
            text = f"{short_date(item.on)}{late} · {item.child_name} · {item.what}"
            entry = QListWidgetItem(text)
            entry.setData(Qt.ItemDataRole.UserRole, item.child_id)
            widget.addItem(entry)
        if not items:
            widget.addItem(empty)

    def clear_personal_data(self) -> None:
        self.summary = None
        self.title.setText("Today")
        self._clear_sessions()
        self.visits.clear()
        self.reviews.clear()
