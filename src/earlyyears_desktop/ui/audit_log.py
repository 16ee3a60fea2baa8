"""Records ▸ Audit log…: who opened, changed, printed or exported which child's records, and
when, for an administrator (`services/audit_views.py` reads it and refuses anyone else).

The menu entry (`AuditLogEntry`) is enabled for an administrator; anyone else sees it disabled
with the reason in its tooltip and status tip. The window (`AuditLogDialog`) reads 200 events
at a time, newest first, with "Load more"; its filters run in SQL. "Check the audit trail…"
is Records ▸ Check the vault… (the database's checks, then every link of the trail): one
check, one results box.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QDate,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QStringListModel,
    Qt,
    QTimer,
)
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QCompleter,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from earlyyears_desktop.services.audit_views import (
    WHAT,
    AuditKind,
    AuditPage,
    AuditQuery,
    AuditRow,
)
from earlyyears_desktop.services.children import ChildFilter, ChildRow
from earlyyears_desktop.services.container import Services
from earlyyears_desktop.services.unit_of_work import Changes
from earlyyears_desktop.ui.error_text import error_text
from earlyyears_desktop.ui.operations import OpRunner
from earlyyears_desktop.ui.vault_check import start_vault_check
from earlyyears_desktop.ui.widgets import heading, short_date

TITLE = "Audit log"
COLUMNS = ("When", "Who", "What", "Child", "Record")
#: the earliest day the date filters offer; shown as "Any day"
ANY_DAY = QDate(2000, 1, 1)
SEARCH_DEBOUNCE_MS = 150
CHILD_CHOICES = 20
EMPTY_FILTERED = (
    "No events match these filters. Set Person to “Anyone”, clear Child, set Kind to "
    "“Every kind” and the dates to “Any day” to see every event."
)
EMPTY = "Nothing is in the audit log yet: every change, opening, document and export adds one."
AVAILABLE_TIP = "Who opened, changed, printed or exported which child's records, and when"


Index = QModelIndex | QPersistentModelIndex


def _when(row: AuditRow) -> str:
    return f"{short_date(row.at.date())} {row.at:%H:%M}"


class AuditLogModel(QAbstractTableModel):
    """The events read so far; sorting reorders them (the time column by `seq`)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.rows: list[AuditRow] = []
        self._order = (0, Qt.SortOrder.DescendingOrder)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or role not in (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.ToolTipRole,
        ):
            return None
        row = self.rows[index.row()]
        if index.column() == 0 and role == Qt.ItemDataRole.ToolTipRole:
            return f"{row.at:%d %B %Y, %H:%M:%S}"
        return self._cells(row)[index.column()]

    @staticmethod
    def _cells(row: AuditRow) -> tuple[str, ...]:
        return (_when(row), row.who, row.what, row.child, row.record_kind)

    def clear(self) -> None:
        self.beginResetModel()
        self.rows = []
        self.endResetModel()

    def append(self, rows: tuple[AuditRow, ...]) -> None:
        self.beginResetModel()
        self.rows.extend(rows)
        self._sorted()
        self.endResetModel()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self.layoutAboutToBeChanged.emit()
        self._order = (column, order)
        self._sorted()
        self.layoutChanged.emit()

    def _sorted(self) -> None:
        column, order = self._order
        if column == 0:
            self.rows.sort(key=lambda r: r.seq)
        else:
            self.rows.sort(key=lambda r: (self._cells(r)[column].casefold(), r.seq))
        if order == Qt.SortOrder.DescendingOrder:
            self.rows.reverse()


class AuditLogDialog(QDialog):
    def __init__(self, services: Services, runner: OpRunner, parent: QWidget | None = None):
        super().__init__(parent)
        self.services = services
        self.runner = runner
        self.setWindowTitle(TITLE)
        self.setAccessibleName(TITLE)
        self.resize(980, 620)
        self._generation = 0
        self._next_before: int | None = None
        self._child_id: str | None = None
        self._choices: dict[str, str] = {}
        #: how many events match the filters (counted once per query)
        self._total = 0
        layout = QVBoxLayout(self)
        layout.addWidget(heading(TITLE))
        intro = QLabel(
            "Every opening of a child's record, every change, document and export, by whom "
            "and when. Names are looked up now: the log itself holds ids only."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)

        filters = QFormLayout()
        self.person = QComboBox()
        self.person.setAccessibleName("Filter: person")
        self.person.addItem("Anyone", None)
        filters.addRow("&Person:", self.person)
        self.child = QLineEdit()
        self.child.setAccessibleName("Filter: child (type a name)")
        self.child.setPlaceholderText("Every child: type a name to choose one…")
        self.child.setClearButtonEnabled(True)
        self._names = QStringListModel(self)
        completer = QCompleter(self._names, self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.activated.connect(self._child_chosen)
        self.child.setCompleter(completer)
        filters.addRow("C&hild:", self.child)
        self.kind = QComboBox()
        self.kind.setAccessibleName("Filter: kind of event")
        self.kind.addItem("Every kind", None)
        for kind in AuditKind:
            self.kind.addItem(kind.label, kind)
        filters.addRow("&Kind:", self.kind)
        dates = QHBoxLayout()
        self.from_date = self._date_edit("Filter: from this day")
        self.to_date = self._date_edit("Filter: to this day")
        from_label = QLabel("&From:")
        from_label.setBuddy(self.from_date)
        to_label = QLabel("&To:")
        to_label.setBuddy(self.to_date)
        for widget in (from_label, self.from_date, to_label, self.to_date):
            dates.addWidget(widget)
        dates.addStretch(1)
        filters.addRow("Dates:", dates)
        layout.addLayout(filters)

        self.count = QLabel("")
        self.count.setAccessibleName("Number of events")
        layout.addWidget(self.count)
        self.empty = QLabel("")
        self.empty.setWordWrap(True)
        self.empty.setAccessibleName("No events to show")
        self.empty.hide()
        layout.addWidget(self.empty)
        self.model = AuditLogModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName("Audit log events")
        self.table.setAccessibleDescription(
            "One event a row, newest first: when, who, what was done, the child and the "
            "record; Load more reads the next events"
        )
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.DescendingOrder)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for column, width in enumerate((140, 170, 290, 200)):
            self.table.setColumnWidth(column, width)
        layout.addWidget(self.table, 1)

        buttons = QHBoxLayout()
        self.more_button = QPushButton("Load &more")
        self.more_button.setAccessibleName("Load the next 200 events")
        self.more_button.clicked.connect(self.load_more)
        self.more_button.setEnabled(False)
        buttons.addWidget(self.more_button)
        self.check_button = QPushButton("Check the &audit trail…")
        self.check_button.setAccessibleName("Check the audit trail")
        self.check_button.setToolTip(
            "The same as Records ▸ Check the vault…: the database's checks, then every link "
            "of the audit trail. Nothing is changed."
        )
        self.check_button.clicked.connect(
            lambda: start_vault_check(self, self.services, self.runner)
        )
        buttons.addWidget(self.check_button)
        buttons.addStretch(1)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        buttons.addWidget(close)
        layout.addLayout(buttons)

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(SEARCH_DEBOUNCE_MS)
        self._debounce.timeout.connect(self._search_children)
        self.child.textEdited.connect(self._child_typed)
        for combo in (self.person, self.kind):
            combo.currentIndexChanged.connect(self.run_query)
        for edit in (self.from_date, self.to_date):
            edit.dateChanged.connect(self.run_query)
        self.setTabOrder(self.person, self.child)
        self.setTabOrder(self.child, self.kind)
        self.setTabOrder(self.kind, self.from_date)
        self.setTabOrder(self.from_date, self.to_date)
        self.setTabOrder(self.to_date, self.table)
        self.setTabOrder(self.table, self.more_button)
        self.setTabOrder(self.more_button, self.check_button)
        views = services.audit_views
        runner.run(views.people, on_done=self._people_ready, on_error=self._refused)
        self.run_query()

    def _date_edit(self, name: str) -> QDateEdit:
        edit = QDateEdit()
        edit.setAccessibleName(name)
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("d MMM yyyy")
        edit.setMinimumDate(ANY_DAY)
        edit.setSpecialValueText("Any day")
        edit.setDate(ANY_DAY)
        return edit

    # ---- filters ----

    def set_day(self, edit: QDateEdit, day: dt.date | None) -> None:
        edit.setDate(ANY_DAY if day is None else QDate(day.year, day.month, day.day))

    @staticmethod
    def _day(edit: QDateEdit) -> dt.date | None:
        value = edit.date()
        if value == ANY_DAY:
            return None
        return dt.date(value.year(), value.month(), value.day())

    def query(self) -> AuditQuery:
        kind = self.kind.currentData()
        return AuditQuery(
            person_id=self.person.currentData(),
            child_id=self._child_id,
            kinds=frozenset({kind}) if kind is not None else frozenset(),
            from_date=self._day(self.from_date),
            to_date=self._day(self.to_date),
        )

    def _filtering(self) -> bool:
        q = self.query()
        return bool(q.person_id or q.child_id or q.kinds or q.from_date or q.to_date)

    def _people_ready(self, people: list[tuple[str, str]]) -> None:
        for person_id, name in people:
            self.person.addItem(name, person_id)

    def _child_typed(self, text: str) -> None:
        if not text.strip():
            self._debounce.stop()
            self.choose_child(None)
            return
        self._debounce.start()

    def _search_children(self) -> None:
        text = self.child.text()
        children = self.services.children

        def work() -> list[ChildRow]:
            ids = children.search_ids(ChildFilter(text=text, include_deleted=True))
            return children.rows(ids[:CHILD_CHOICES])

        self.runner.run(work, on_done=self._children_found, on_error=self._failed)

    def _children_found(self, rows: list[ChildRow]) -> None:
        self._choices = {
            f"{r.display_name} (born {short_date(r.date_of_birth)})": r.id for r in rows
        }
        self._names.setStringList(list(self._choices))
        completer = self.child.completer()
        if self.child.hasFocus() and self._choices:
            completer.complete()

    def _child_chosen(self, text: str) -> None:
        self.choose_child(self._choices.get(text))

    def choose_child(self, child_id: str | None) -> None:
        """Show only the events about this child's records (None: every child)."""
        if child_id != self._child_id:
            self._child_id = child_id
            self.run_query()

    # ---- reading ----

    def run_query(self) -> None:
        self._generation += 1
        generation = self._generation
        self._next_before = None
        self.model.clear()
        self.more_button.setEnabled(False)
        self.count.setText("Reading the audit log…")
        self._read(generation, self.query(), None)

    def load_more(self) -> None:
        if self._next_before is not None:
            self.more_button.setEnabled(False)
            self._read(self._generation, self.query(), self._next_before)

    def _read(self, generation: int, query: AuditQuery, before: int | None) -> None:
        views = self.services.audit_views
        self.runner.run(
            lambda: views.page(query, before),
            on_done=lambda page: self._page_ready(generation, query, before, page),
            on_error=self._refused,
        )

    def _page_ready(
        self, generation: int, query: AuditQuery, before: int | None, page: AuditPage
    ) -> None:
        if generation != self._generation:
            return
        self.model.append(page.rows)
        self._next_before = page.next_before
        self.more_button.setEnabled(page.next_before is not None)
        shown = len(self.model.rows)
        if not shown:
            self.count.setText("0 events")
            self.empty.setText(EMPTY_FILTERED if self._filtering() else EMPTY)
            self.empty.show()
            return
        self.empty.hide()
        if page.next_before is None:
            self.count.setText(_events(shown))
        elif before is None:
            self.count.setText(f"The newest {shown:,} events (counting the rest…)")
            views = self.services.audit_views
            self.runner.run(
                lambda: views.count(query),
                on_done=lambda n: self._counted(generation, n),
                on_error=self._failed,
            )
        else:
            self._counted(generation, self._total)

    def _counted(self, generation: int, total: int) -> None:
        if generation != self._generation:
            return
        self._total = total
        shown = len(self.model.rows)
        self.count.setText(f"Showing the newest {shown:,} of {_events(total)}")

    def _refused(self, error: BaseException) -> None:
        for widget in (self.person, self.child, self.kind, self.from_date, self.to_date):
            widget.setEnabled(False)
        self.more_button.setEnabled(False)
        self.model.clear()
        self.count.setText("")
        self.empty.setText(error_text(error))
        self.empty.show()

    def _failed(self, error: BaseException) -> None:
        self.count.setText(error_text(error))


def _events(n: int) -> str:
    return f"{n:,} event" if n == 1 else f"{n:,} events"


class AuditLogEntry(QObject):
    """Records ▸ Audit log…: enabled for an administrator; for anyone else disabled, saying
    why in its tooltip and status tip. Follows changes of who is an administrator."""

    def __init__(self, parent: QWidget, runner: OpRunner) -> None:
        super().__init__(parent)
        self.window = parent
        self.runner = runner
        self.services: Services | None = None
        self.dialog: AuditLogDialog | None = None
        self.action = QAction("&Audit log…", parent)
        self.action.triggered.connect(self.open)
        runner.changed.connect(self._on_changes)
        self.attach(None)

    def attach(self, services: Services | None) -> None:
        """The vault unlocked (services) or locked (None)."""
        self.services = services
        self._set(False, "Unlock the vault to look at the audit log.")
        if services is not None:
            self.refresh()

    def refresh(self) -> None:
        services = self.services
        if services is None:
            return
        admins = services.administrators

        def work() -> str:
            try:
                admins.require_administrator(WHAT)
            except Exception as refused:
                return error_text(refused)
            return ""

        self.runner.run(work, on_done=lambda reason: self._checked(services, reason))

    def _checked(self, services: Services, reason: str) -> None:
        if services is self.services:
            self._set(not reason, reason or AVAILABLE_TIP)

    def _set(self, enabled: bool, tip: str) -> None:
        self.action.setEnabled(enabled)
        self.action.setToolTip(tip)
        self.action.setStatusTip(tip)

    def _on_changes(self, changes: Changes) -> None:
        if changes.touches("practitioner"):
            self.refresh()

    def open(self) -> None:
        if self.services is None:
            return
        if self.dialog is not None and self.dialog.isVisible():
            self.dialog.raise_()
            self.dialog.activateWindow()
            return
        self.dialog = AuditLogDialog(self.services, self.runner, self.window)
        self.dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.dialog.destroyed.connect(self._forget)
        self.dialog.show()

    def _forget(self) -> None:
        self.dialog = None
