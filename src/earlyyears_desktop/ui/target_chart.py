"""A teaching target's progress over the visits: the steps across time, one point for each
visit that rated the target, coloured by rating and with a marker shape of its own for each
rating (colour is never the only cue), the dates steps were achieved marked with a star; and
the same in a text table for screen readers and anyone who reads better in words.

Imported only when a chart is opened: QtCharts is not loaded before.
"""

from __future__ import annotations

import datetime as dt
from html import escape

from PySide6.QtCharts import (
    QCategoryAxis,
    QChart,
    QChartView,
    QDateTimeAxis,
    QLegend,
    QLineSeries,
    QScatterSeries,
)
from PySide6.QtCore import QDateTime, QPointF, Qt, QTime
from PySide6.QtGui import QColor, QCursor, QPainter, QPen
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from earlyyears_desktop.domain.enums import ProgressRating
from earlyyears_desktop.services.targets import TargetView
from earlyyears_desktop.ui.forms import qdate
from earlyyears_desktop.ui.widgets import short_date

Shape = QScatterSeries.MarkerShape
#: each rating's colour (Okabe and Ito's palette, told apart with colour-blindness too) and
#: marker shape (told apart without colour at all)
RATING_LOOK: dict[ProgressRating, tuple[str, Shape]] = {
    ProgressRating.EMERGING: ("#E69F00", Shape.MarkerShapeCircle),
    ProgressRating.DEVELOPING: ("#0072B2", Shape.MarkerShapeRectangle),
    ProgressRating.ACHIEVED: ("#009E73", Shape.MarkerShapeTriangle),
}
#: a step marked achieved by the worker
ACHIEVED_LOOK = ("#000000", Shape.MarkerShapeStar)
ACHIEVED_NAME = "Step marked achieved"
TABLE_HEADERS = ("Visit", "Step", "The step", "Rating", "Note")


def chart_x(day: dt.date) -> float:
    """A day on the chart's time axis (midday, so no time zone moves it to another day)."""
    return float(QDateTime(qdate(day), QTime(12, 0)).toMSecsSinceEpoch())


def chart_day(x: float) -> dt.date:
    day = QDateTime.fromMSecsSinceEpoch(int(x)).date()
    return dt.date(day.year(), day.month(), day.day())


def _scatter(name: str, colour: str, shape: Shape) -> QScatterSeries:
    series = QScatterSeries()
    series.setName(name)
    series.setColor(QColor(colour))
    series.setBorderColor(QColor("#000000"))
    series.setMarkerShape(shape)
    series.setMarkerSize(24 if shape == Shape.MarkerShapeStar else 13)
    return series


class TargetChartDialog(QDialog):
    """ "Progress: <target>": the chart, the steps, and the table of ratings."""

    def __init__(self, view: TargetView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.view = view
        title = f"Progress: {view.target}"
        self.setWindowTitle(title)
        self.setAccessibleName(title)
        self.resize(760, 720)
        layout = QVBoxLayout(self)
        #: what each point says in its tooltip, by (series name, x, y)
        self.tips: dict[tuple[str, float, float], str] = {}

        self.chart = QChart()
        self.chart.setTitle(f"{view.skill_area}: {view.target}")
        self.chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        self.chart.legend().setMarkerShape(QLegend.MarkerShape.MarkerShapeFromSeries)
        self.path = QLineSeries()
        self.path.setName("Step worked on")
        self.path.setPen(QPen(QColor("#9a9a9a"), 1.5, Qt.PenStyle.DashLine))
        self.chart.addSeries(self.path)
        self.series: dict[ProgressRating, QScatterSeries] = {}
        for rating, (colour, shape) in RATING_LOOK.items():
            self.series[rating] = _scatter(rating.label, colour, shape)
        self.achieved_series = _scatter(ACHIEVED_NAME, *ACHIEVED_LOOK)
        self._fill()
        # The star first, larger: a rating at the same visit is drawn over it, both seen.
        for series in [self.achieved_series, *self.series.values()]:
            self.chart.addSeries(series)
            name = series.name()
            series.hovered.connect(lambda point, state, name=name: self._tip(name, point, state))
        self.chart.legend().markers(self.path)[0].setVisible(False)
        self._axes()

        self.chart_view = QChartView(self.chart)
        self.chart_view.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.chart_view.setMinimumHeight(320)
        self.chart_view.setAccessibleName("Progress chart: the steps across the visits")
        self.chart_view.setAccessibleDescription(
            "The same ratings are in the table below the chart."
        )
        layout.addWidget(self.chart_view, 1)

        self.steps_label = QLabel(self._steps_html())
        self.steps_label.setWordWrap(True)
        self.steps_label.setTextFormat(Qt.TextFormat.RichText)
        self.steps_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.steps_label.setAccessibleName("The steps, in order, with the dates achieved")
        layout.addWidget(self.steps_label)

        self.empty = QLabel(
            "No visit has rated this target yet: each visit's rating of the step worked on "
            "appears here."
        )
        self.empty.setWordWrap(True)
        self.empty.setVisible(not view.ratings)
        layout.addWidget(self.empty)
        self.table = self._table()
        layout.addWidget(self.table, 1)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setAccessibleName("Close")
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.table.setFocus()

    def _fill(self) -> None:
        view = self.view
        for rating in view.ratings:
            step = view.step(rating.step_id)
            if step is None:
                continue  # rated before targets had steps of their own: in the table only
            x, y = chart_x(rating.visited_on), float(view.number(step))
            self.series[rating.rating].append(QPointF(x, y))
            self.path.append(QPointF(x, y))
            note = f"\n{rating.note}" if rating.note else ""
            self.tips[(rating.rating.label, x, y)] = (
                f"{short_date(rating.visited_on)}: {rating.rating.label}\n"
                f"Step {view.number(step)}: {step.text}{note}"
            )
        for step in view.steps:
            if step.achieved_on is not None:
                x, y = chart_x(step.achieved_on), float(view.number(step))
                self.achieved_series.append(QPointF(x, y))
                self.tips[(ACHIEVED_NAME, x, y)] = (
                    f"{short_date(step.achieved_on)}: step {view.number(step)} marked "
                    f"achieved\n{step.text}"
                )

    def _axes(self) -> None:
        view = self.view
        days = [view.set_on, *(r.visited_on for r in view.ratings)]
        days += [s.achieved_on for s in view.steps if s.achieved_on is not None]
        first, last = min(days), max(days)
        x_axis = QDateTimeAxis()
        x_axis.setTitleText("Visit date")
        x_axis.setFormat("d MMM")
        x_axis.setRange(
            QDateTime.fromMSecsSinceEpoch(int(chart_x(first - dt.timedelta(days=3)))),
            QDateTime.fromMSecsSinceEpoch(int(chart_x(last + dt.timedelta(days=3)))),
        )
        x_axis.setTickCount(min(8, max(2, len(set(days)))))
        y_axis = QCategoryAxis()
        y_axis.setTitleText("Step")
        y_axis.setLabelsPosition(QCategoryAxis.AxisLabelsPosition.AxisLabelsPositionOnValue)
        for number in range(1, len(view.steps) + 1):
            y_axis.append(f"Step {number}", number)
        y_axis.setRange(0.5, max(len(view.steps), 1) + 0.5)
        self.chart.addAxis(x_axis, Qt.AlignmentFlag.AlignBottom)
        self.chart.addAxis(y_axis, Qt.AlignmentFlag.AlignLeft)
        for series in self.chart.series():
            series.attachAxis(x_axis)
            series.attachAxis(y_axis)
        self.x_axis, self.y_axis = x_axis, y_axis

    def _tip(self, name: str, point: QPointF, state: bool) -> None:
        if not state:
            QToolTip.hideText()
            return
        text = self.tips.get((name, point.x(), point.y()))
        if text:
            QToolTip.showText(QCursor.pos(), text, self.chart_view)

    def _steps_html(self) -> str:
        view = self.view
        lines = []
        for step in view.steps:
            done = f" · achieved {short_date(step.achieved_on)}" if step.achieved_on else ""
            lines.append(f"<b>Step {view.number(step)}</b>: {escape(step.text)}{done}")
        return "<br>".join(lines)

    def _table(self) -> QTableWidget:
        """Each visit's rating in words, oldest first (a handful of rows: one a visit)."""
        view = self.view
        table = QTableWidget(len(view.ratings), len(TABLE_HEADERS))
        table.setAccessibleName("Ratings at each visit, oldest first")
        table.setAccessibleDescription(
            "One visit a row: its date, the step worked on and its words, the rating and the note"
        )
        table.setHorizontalHeaderLabels(list(TABLE_HEADERS))
        table.verticalHeader().hide()
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setTabKeyNavigation(False)
        table.setWordWrap(True)
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        for row, rating in enumerate(view.ratings):
            step = view.step(rating.step_id)
            cells = (
                short_date(rating.visited_on),
                f"{view.number(step)} of {len(view.steps)}" if step else "Not recorded",
                step.text if step else "",
                rating.rating.label,
                rating.note,
            )
            for column, text in enumerate(cells):
                table.setItem(row, column, QTableWidgetItem(text))
        table.setCurrentCell(0, 0)
        return table

    def table_rows(self) -> list[tuple[str, ...]]:
        """The table's text, row by row (what a screen reader reads)."""
        return [
            tuple(_text(self.table.item(r, c)) for c in range(self.table.columnCount()))
            for r in range(self.table.rowCount())
        ]


def _text(item: QTableWidgetItem | None) -> str:
    return item.text() if item is not None else ""
