"""The Observations page: search every observation, filter by child, area of need, author,
context and dates, and open one in its child's record.

The search runs as you type (after a short pause) on the database thread; each result shows
its date, child, context, area and author and a few words around the first match with the
matching words in bold. Enter or a double-click on a result asks the main window to open it
(`observation_requested`). Ctrl+F (the window's Records > Find action) comes here.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, QModelIndex, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QVBoxLayout,
    QWidget,
)

from earlyyears_desktop.domain.enums import AreaOfNeed, ObservationContext
from earlyyears_desktop.domain.errors import ValidationError
from earlyyears_desktop.services.container import Services
from earlyyears_desktop.services.observation_search import (
    Choice,
    ObservationQuery,
    ObservationResults,
)
from earlyyears_desktop.services.unit_of_work import Changes
from earlyyears_desktop.ui.enum_combo import EnumCombo
from earlyyears_desktop.ui.error_text import error_text
from earlyyears_desktop.ui.observation_results import ResultDelegate, ResultsModel
from earlyyears_desktop.ui.operations import OpRunner
from earlyyears_desktop.ui.pages import Page
from earlyyears_desktop.ui.widgets import DownIntoResults, FieldError, heading

SEARCH_DEBOUNCE_MS = 200
PLACEHOLDER = "Search observations, e.g. 'tower' or 'zoe'"
EMPTY_VAULT = "No observations written yet. Write one from a child's record or the register."
#: a change to any of these may change what a search finds or shows
_WATCHED = ("observation", "child", "practitioner")


class ObservationsPage(Page):
    #: (child id, observation id) of the result the user opened
    observation_requested = Signal(str, str)
    #: emitted when the results of a search are shown, with how many there are
    results_ready = Signal(int)

    def __init__(self, services: Services, runner: OpRunner, parent: QWidget | None = None):
        super().__init__(parent)
        self.services = services
        self.runner = runner
        self.setAccessibleName("Observations")
        self._generation = 0
        self._choices_loaded = False
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(SEARCH_DEBOUNCE_MS)
        self._debounce.timeout.connect(self.run_query)

        layout = QVBoxLayout(self)
        layout.addWidget(heading("Observations"))
        self.search = QLineEdit()
        self.search.setPlaceholderText(PLACEHOLDER)
        self.search.setAccessibleName("Search observations")
        self.search.setToolTip(
            "Every word must start a word of the observation; accents and capitals are "
            "ignored (Ctrl+F)"
        )
        self.search.setClearButtonEnabled(True)
        layout.addWidget(self.search)

        filters = QHBoxLayout()
        self.child = QComboBox()
        self.child.setAccessibleName("Filter: Child")
        self.child.addItem("Any child", None)
        self.area = EnumCombo(AreaOfNeed, "Filter: Area of need", none_label="Any area")
        self.author = QComboBox()
        self.author.setAccessibleName("Filter: Written by")
        self.author.addItem("Anyone", None)
        self.context = EnumCombo(ObservationContext, "Filter: Context", none_label="Any context")
        for combo, description in (
            (self.child, "Show only the observations of one child"),
            (self.area, "Show only the observations about this area of need"),
            (self.author, "Show only the observations written by one practitioner"),
            (self.context, "Show only the observations made in this context"),
        ):
            combo.setAccessibleDescription(description)
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContentsOnFirstShow)
            combo.currentIndexChanged.connect(self.run_query)
            filters.addWidget(combo, 1)
        layout.addLayout(filters)

        dates = QHBoxLayout()
        day = services.clock.today()
        today = QDate(day.year, day.month, day.day)
        self.use_from = QCheckBox("&From")
        self.use_from.setAccessibleName("Only observations from a date")
        self.date_from = self._date_edit("From date", today.addDays(-28))
        self.date_from.setAccessibleDescription(
            "The first day of the observations found, once From is ticked"
        )
        self.use_to = QCheckBox("&To")
        self.use_to.setAccessibleName("Only observations up to a date")
        self.date_to = self._date_edit("To date", today)
        self.date_to.setAccessibleDescription(
            "The last day of the observations found, once To is ticked"
        )
        for check, edit in ((self.use_from, self.date_from), (self.use_to, self.date_to)):
            check.toggled.connect(edit.setEnabled)
            check.toggled.connect(lambda _on: self.run_query())
            edit.dateChanged.connect(lambda _d, c=check: c.isChecked() and self._debounce.start())
            dates.addWidget(check)
            dates.addWidget(edit)
        self.date_error = FieldError("date_to")
        dates.addWidget(self.date_error, 1)
        dates.addStretch(1)
        layout.addLayout(dates)

        self.count = QLabel("")
        self.count.setTextFormat(Qt.TextFormat.PlainText)  # it may quote what was typed
        self.count.setWordWrap(True)
        self.count.setAccessibleName("Observations found")
        layout.addWidget(self.count)

        self.model = ResultsModel(self)
        self.results = QListView()
        DownIntoResults(self.search, self.results)
        self.results.setModel(self.model)
        self.results.setItemDelegate(ResultDelegate(self.results))
        self.results.setAccessibleName("Observations found")
        self.results.setAccessibleDescription(
            "The observations matching the search and the filters: Enter opens one in its "
            "child's record"
        )
        self.results.setWordWrap(True)
        self.results.setUniformItemSizes(False)
        self.results.setResizeMode(QListView.ResizeMode.Adjust)
        self.results.setAlternatingRowColors(True)
        self.results.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.results.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.results.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.results.activated.connect(self._open)
        layout.addWidget(self.results, 1)

        self.search.textChanged.connect(lambda _t: self._debounce.start())
        self.search.returnPressed.connect(self._search_now)
        runner.changed.connect(self._on_changes)

    def _date_edit(self, name: str, day: QDate) -> QDateEdit:
        edit = QDateEdit(day)
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("d MMM yyyy")
        edit.setAccessibleName(name)
        edit.setEnabled(False)
        return edit

    # ---- the protocol ----

    def reload(self) -> None:
        if not self._choices_loaded:
            search = self.services.observation_search
            self.runner.run(
                lambda: (search.children(), search.authors()), on_done=self._choices_ready
            )
        self.run_query()

    def clear_personal_data(self) -> None:
        self._generation += 1  # a search still running is ignored when it lands
        self._debounce.stop()
        self.search.clear()
        self.model.clear()
        self.count.setText("")
        self.date_error.clear_message()
        for combo in (self.child, self.author):
            combo.blockSignals(True)
            while combo.count() > 1:
                combo.removeItem(1)
            combo.setCurrentIndex(0)
            combo.blockSignals(False)
        self._choices_loaded = False

    def focus_search(self) -> bool:
        """Ctrl+F: the search box, its text selected to be typed over."""
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()
        return True

    # ---- the filters ----

    def _choices_ready(self, choices: tuple[list[Choice], list[Choice]]) -> None:
        children, authors = choices
        for combo, items in ((self.child, children), (self.author, authors)):
            current = combo.currentData()
            combo.blockSignals(True)
            while combo.count() > 1:
                combo.removeItem(1)
            for item in items:
                combo.addItem(item.label, item.id)
            combo.setCurrentIndex(max(combo.findData(current), 0))
            combo.blockSignals(False)
        self._choices_loaded = True

    def current_query(self) -> ObservationQuery:
        return ObservationQuery(
            text=self.search.text(),
            child_id=self.child.currentData(),
            area_of_need=self.area.value(),
            author_id=self.author.currentData(),
            context=self.context.value(),
            date_from=_day(self.date_from) if self.use_from.isChecked() else None,
            date_to=_day(self.date_to) if self.use_to.isChecked() else None,
        )

    # ---- searching ----

    def _search_now(self) -> None:
        self._debounce.stop()
        self.run_query()

    def run_query(self) -> None:
        self._debounce.stop()
        query = self.current_query()
        search = self.services.observation_search
        self._generation += 1
        generation = self._generation

        def work() -> tuple[ObservationResults, bool]:
            results = search.find(query)
            return results, bool(results.hits) or search.any_written()

        self.runner.run(
            work,
            on_done=lambda done: self._show(generation, query, *done),
            on_error=lambda error: self._failed(generation, error),
        )

    def _show(
        self, generation: int, query: ObservationQuery, results: ObservationResults, any_: bool
    ) -> None:
        if generation != self._generation:
            return
        self.date_error.clear_message()
        self.model.set_hits(results.hits)
        self.count.setText(_count_text(query, results, any_))
        if results.hits:
            self.results.setCurrentIndex(self.model.index(0, 0))
        self.results_ready.emit(len(results.hits))

    def _failed(self, generation: int, error: BaseException) -> None:
        if generation != self._generation:
            return
        self.model.clear()
        if isinstance(error, ValidationError) and error.field == "date_to":
            self.date_error.show_message(error.message)
            self.count.setText("")
        else:
            self.count.setText(error_text(error))
        self.results_ready.emit(0)

    def _open(self, index: QModelIndex) -> None:
        hit = self.model.hit(index.row()) if index.isValid() else None
        if hit is not None:
            self.observation_requested.emit(hit.child_id, hit.id)

    def open_current(self) -> None:
        """Open the highlighted result (what Enter does)."""
        self._open(self.results.currentIndex())

    def _on_changes(self, changes: Changes) -> None:
        if not changes.touches(*_WATCHED):
            return
        if changes.touches("child", "practitioner"):
            self._choices_loaded = False
        if self.isVisible():
            self.reload()


def _day(edit: QDateEdit) -> dt.date:
    day = edit.date()
    return dt.date(day.year(), day.month(), day.day())


def _count_text(query: ObservationQuery, results: ObservationResults, any_written: bool) -> str:
    n = len(results.hits)
    if results.too_short:
        return "Type at least two letters of a word to search."
    if not any_written:
        return EMPTY_VAULT
    if n == 0:
        typed = query.text.strip()
        if typed:
            quoted = typed if len(typed) <= 60 else typed[:60] + "…"
            extra = " with these filters" if query.filtered else ""
            return f"No observations match ‘{quoted}’{extra}."
        return "No observations match these filters."
    if results.more:
        return (
            f"Showing the first {results.limit} observations found, newest first. "
            "Add a word or a filter to narrow the search."
        )
    return f"{n} observation found" if n == 1 else f"{n} observations found"
