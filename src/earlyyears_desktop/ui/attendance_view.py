"""A group's attendance over a term: chart, per-child summary, follow-up list, CSV export."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QChart,
    QChartView,
    QLineSeries,
    QValueAxis,
)
from PySide6.QtCore import QDate, QMargins, QPointF, Qt
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from earlyyears_desktop.services.attendance_reports import (
    AttendanceReports,
    FollowUp,
    GroupTermSummary,
    school_term,
)
from earlyyears_desktop.services.container import Services
from earlyyears_desktop.services.unit_of_work import Changes
from earlyyears_desktop.ui import file_dialogs
from earlyyears_desktop.ui.error_text import error_text
from earlyyears_desktop.ui.file_dialogs import FolderKind
from earlyyears_desktop.ui.operations import OpRunner
from earlyyears_desktop.ui.preferences import preferences_of
from earlyyears_desktop.ui.widgets import described


def _qdate(day: dt.date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _pydate(day: QDate) -> dt.date:
    return dt.date(day.year(), day.month(), day.day())


def _percent(rate: float | None) -> str:
    return "–" if rate is None else f"{round(rate * 100)}%"


class AttendanceView(QWidget):
    """Summaries for the group chosen on the Groups page; reloads when attendance changes."""

    def __init__(self, services: Services, runner: OpRunner, parent: QWidget | None = None):
        super().__init__(parent)
        self.services = services
        self.runner = runner
        self.reports = AttendanceReports(services.uow, services.attendance.today)
        self.group_id: str | None = None
        self.summary: GroupTermSummary | None = None
        self.follow_ups: list[FollowUp] = []
        self._stale = False

        start, end = school_term(services.attendance.today())
        self.start = QDateEdit(_qdate(start))
        self.end = QDateEdit(_qdate(end))
        for edit in (self.start, self.end):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("d MMM yyyy")
            edit.dateChanged.connect(lambda _d: self.refresh(force=True))
        described(self.start, "From", "The first day of the weeks summarised")
        described(self.end, "To", "The last day of the weeks summarised")
        self.headline = QLabel()
        self.headline.setStyleSheet("font-size: 16px")
        self.export_button = QPushButton("Export term register (CSV)…")
        described(
            self.export_button,
            "Export term register",
            "Save each child's marks for these weeks as a spreadsheet file (CSV)",
        )
        self.export_button.clicked.connect(self.export_csv)
        self.export_follow_up_button = QPushButton("Export follow-up list (CSV)…")
        described(
            self.export_follow_up_button,
            "Export follow-up list",
            "Save the children to contact, with their carers' phone numbers, as a "
            "spreadsheet file (CSV)",
        )
        self.export_follow_up_button.clicked.connect(self.export_follow_up_csv)

        self.chart = QChart()
        self.chart.setTitle("Attendance over the term")
        self.chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        self.chart.setMargins(QMargins(4, 4, 4, 4))
        self.chart_view = QChartView(self.chart)
        self.chart_view.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.chart_view.setMinimumHeight(220)
        described(
            self.chart_view,
            "Attendance over the term",
            "A chart of how many children attended and were expected at each session; the "
            "table below gives each child's figures",
        )

        # Short headings (their full words in the tooltips) leave room for the children's names.
        self.children_table = _table(
            ["Child", "Attended", "Apologies", "DNA", "Not marked", "Rate"],
            {
                3: "Did not attend (no apologies given)",
                4: "Sessions held with no mark for the child",
                5: "Attendance: sessions attended of those held",
            },
        )
        self.follow_table = _table(
            ["Child", "Carer", "Phone", "Why", "Last came"], {4: "Last attended"}, stretch=3
        )
        # The reasons wrap onto a second line rather than being cut short.
        self.follow_table.setWordWrap(True)
        self.follow_table.verticalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents
        )
        described(
            self.children_table,
            "Each child this term",
            "Sessions attended, apologies, did not attend, not marked and the attendance rate",
        )
        described(
            self.follow_table,
            "To contact",
            "Children whose attendance needs a call: their carer, phone, why and when they "
            "last came",
        )
        self.follow_title = QLabel("<b>To contact</b>")

        controls = QHBoxLayout()
        controls.addWidget(QLabel("From"))
        controls.addWidget(self.start)
        controls.addWidget(QLabel("to"))
        controls.addWidget(self.end)
        controls.addStretch(1)
        controls.addWidget(self.export_button)
        controls.addWidget(self.export_follow_up_button)

        lower = QSplitter()
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(QLabel("<b>Each child this term</b>"))
        left_layout.addWidget(self.children_table)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.follow_title)
        right_layout.addWidget(self.follow_table)
        lower.addWidget(left)
        lower.addWidget(right)
        lower.setStretchFactor(0, 1)
        lower.setStretchFactor(1, 1)

        layout = QVBoxLayout(self)
        layout.addLayout(controls)
        layout.addWidget(self.headline)
        layout.addWidget(self.chart_view, 2)
        layout.addWidget(lower, 3)
        runner.changed.connect(self._changed)

    def set_group(self, group_id: str | None) -> None:
        self.group_id = group_id
        self.refresh(force=True)

    def refresh(self, *, force: bool = False) -> None:
        """Load the summary now if it is on screen (or `force`), else when it is shown."""
        if not self.group_id:
            return
        if not (force or self.isVisible()):
            self._stale = True
            return
        self._stale = False
        group_id, reports = self.group_id, self.reports
        start, end = _pydate(self.start.date()), _pydate(self.end.date())

        def work() -> tuple[GroupTermSummary, list[FollowUp]]:
            return reports.group_term(group_id, start, end), reports.follow_up(
                start, end, group_id=group_id
            )

        self.runner.run(work, on_done=self._show, on_error=self._failed)

    def showEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        super().showEvent(event)
        if self._stale:
            self.refresh()

    def _show(self, result: tuple[GroupTermSummary, list[FollowUp]]) -> None:
        summary, follow_ups = result
        if summary.group_id != self.group_id:  # cleared on lock, or another group chosen
            return
        self.summary, self.follow_ups = summary, follow_ups
        held = sum(1 for s in summary.sessions if s.counts)
        self.headline.setText(
            f"{summary.group_name}: {held} sessions held of {len(summary.sessions)} planned"
            f" · attendance {_percent(summary.rate)}"
        )
        self._show_chart(summary)
        rows = [c for c in summary.children]
        self.children_table.setRowCount(len(rows))
        for r, c in enumerate(rows):
            name = c.name + (" (visitor)" if c.visitor else "")
            name += " (left)" if c.enrolment_ended else ""
            values = [name, c.attended, c.apologies, c.did_not_attend, c.unmarked]
            _fill(self.children_table, r, [*values, _percent(c.rate)])
        self.follow_title.setText(f"<b>To contact ({len(follow_ups)})</b>")
        self.follow_table.setRowCount(len(follow_ups))
        for r, f in enumerate(follow_ups):
            last = f"{f.last_attended:%d %b}" if f.last_attended else "not this term"
            _fill(self.follow_table, r, [f.name, f.carer, f.phone, "; ".join(f.reasons), last])

    def _show_chart(self, summary: GroupTermSummary) -> None:
        self.chart.removeAllSeries()
        for axis in self.chart.axes():
            self.chart.removeAxis(axis)
        counted = [s for s in summary.sessions if s.counts]
        attended = QLineSeries()
        attended.setName("Attended")
        expected = QLineSeries()
        expected.setName("Expected")
        for i, s in enumerate(counted):
            attended.append(QPointF(i, s.attended))
            expected.append(QPointF(i, s.expected))
        for series in (attended, expected):
            series.setPointsVisible(True)
            self.chart.addSeries(series)
        x_axis = QBarCategoryAxis()
        x_axis.append([f"{s.date:%d %b}" for s in counted] or [""])
        y_axis = QValueAxis()
        y_axis.setRange(0, max([s.expected for s in counted] + [1]))
        y_axis.setLabelFormat("%d")
        y_axis.applyNiceNumbers()
        self.chart.addAxis(x_axis, Qt.AlignmentFlag.AlignBottom)
        self.chart.addAxis(y_axis, Qt.AlignmentFlag.AlignLeft)
        for series in (attended, expected):
            series.attachAxis(x_axis)
            series.attachAxis(y_axis)

    def export_csv(self, path: Path | None = None) -> None:
        if self.summary is None:
            return
        summary = self.summary
        path = path or self._ask_path(f"{summary.group_name} attendance {summary.start}.csv")
        if path is None:
            return
        self.runner.run(
            lambda: self.reports.save_group_term(summary, path),
            on_done=lambda _r: self.headline.setText(f"Saved {path.name}"),
            on_error=self._failed,
        )

    def export_follow_up_csv(self, path: Path | None = None) -> None:
        rows = list(self.follow_ups)
        path = path or self._ask_path("follow-up.csv")
        if path is None:
            return
        self.runner.run(
            lambda: self.reports.save_follow_up(rows, path),
            on_done=lambda _r: self.headline.setText(f"Saved {path.name}"),
            on_error=self._failed,
        )

    def _ask_path(self, suggested: str) -> Path | None:
        return file_dialogs.save_file(
            self,
            preferences_of(self.services),
            FolderKind.SPREADSHEETS,
            "Export to a spreadsheet",
            suggested,
            "CSV files (*.csv)",
            ".csv",
        )

    def _failed(self, error: BaseException) -> None:
        if isinstance(error, OSError):
            self.headline.setText("The file could not be written. Choose another folder.")
        else:
            self.headline.setText(error_text(error))

    def _changed(self, changes: Changes) -> None:
        if changes.touches("attendance", "session", "enrolment"):
            self.refresh()

    def clear_personal_data(self) -> None:
        self.summary, self.follow_ups, self.group_id = None, [], None
        self.children_table.setRowCount(0)
        self.follow_table.setRowCount(0)
        self.chart.removeAllSeries()
        self.headline.clear()


def _table(
    headers: list[str], tooltips: dict[int, str] | None = None, stretch: int = 0
) -> QTableWidget:
    """A read-only table: column `stretch` takes the spare width, the others fit their
    contents."""
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    for column, tip in (tooltips or {}).items():
        header = table.horizontalHeaderItem(column)
        if header is not None:  # set by setHorizontalHeaderLabels just above
            header.setToolTip(tip)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.verticalHeader().setVisible(False)
    table.setWordWrap(False)
    sections = table.horizontalHeader()
    sections.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    sections.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    return table


def _fill(table: QTableWidget, row: int, values: list[object]) -> None:
    for column, value in enumerate(values):
        item = QTableWidgetItem(str(value))
        if isinstance(value, int):
            item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        else:
            item.setToolTip(str(value))  # the whole text where a narrow column cuts it
        table.setItem(row, column, item)
