"""The Home visits page's tables: the families on a caseload, and the visits of the family
chosen. A caseload holds tens of families, read whole by one query: the models hold the rows.

The status of a family is in words ("Overdue", "Due this week"), in bold when overdue: never
colour alone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont

from earlyyears_desktop.services.caseload import CaseloadRow, VisitRow
from earlyyears_desktop.ui.widgets import short_date

Index = QModelIndex | QPersistentModelIndex

CASELOAD_COLUMNS = (
    "Family",
    "Main carer",
    "Visited",
    "Last visit",
    "Next visit",
    "Status",
    "Worker",
)
WORKER_COLUMN = CASELOAD_COLUMNS.index("Worker")
STATUS_COLUMN = CASELOAD_COLUMNS.index("Status")
VISIT_COLUMNS = ("Date", "Status", "Worker")
#: what each column is sized for (the widest usual text), instead of measuring every cell
CASELOAD_SAMPLES = (
    "Oisín Patrick Ó Briain",
    "Agnieszka Wiśniewska",
    "Every three weeks",
    "Not visited yet",
    "Today, 28 Nov 2026",
    "Overdue (10 days)",
    "Amira Haddad",
)
VISIT_SAMPLES = ("Wed 28 Nov 2026", "In progress", "Amira Haddad")


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def summary_text(rows: Sequence[CaseloadRow]) -> str:
    """'8 families · 2 due this week · 1 overdue'."""
    due = sum(r.due_this_week for r in rows)
    late = sum(r.overdue for r in rows)
    return f"{_plural(len(rows), 'family', 'families')} · {due} due this week · {late} overdue"


def status_words(row: CaseloadRow) -> str:
    if row.overdue:
        return f"Overdue ({_plural(row.days_overdue, 'day', 'days')})"
    return row.status


def next_visit_words(row: CaseloadRow, today: dt.date) -> str:
    if row.next_visit_on == today:
        return f"Today, {short_date(row.next_visit_on)}"
    return row.next_visit_on.strftime("%a ") + short_date(row.next_visit_on)


def caseload_texts(row: CaseloadRow, today: dt.date) -> tuple[str, ...]:
    """A family's cells, in the order of CASELOAD_COLUMNS."""
    return (
        row.child_name,
        row.carer_name,
        row.rhythm.label,
        short_date(row.last_visit_on) if row.last_visit_on else "Not visited yet",
        next_visit_words(row, today),
        status_words(row),
        row.practitioner_name or "Not allocated",
    )


def visit_texts(row: VisitRow) -> tuple[str, ...]:
    """A visit's cells, in the order of VISIT_COLUMNS."""
    return (
        row.visited_on.strftime("%a ") + short_date(row.visited_on),
        row.status.label,
        row.practitioner_name,
    )


class CaseloadModel(QAbstractTableModel):
    """The cells are put in words once, when the rows arrive: a view asks for them often."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: tuple[CaseloadRow, ...] = ()
        self._texts: tuple[tuple[str, ...], ...] = ()
        self._bold = QFont()
        self._bold.setBold(True)

    def set_rows(self, rows: Sequence[CaseloadRow], today: dt.date) -> None:
        self.beginResetModel()
        self._rows = tuple(rows)
        self._texts = tuple(caseload_texts(r, today) for r in self._rows)
        self.endResetModel()

    def clear(self) -> None:
        self.set_rows((), dt.date.min)

    def row_at(self, row: int) -> CaseloadRow | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, child_id: str) -> int:
        return next((n for n, r in enumerate(self._rows) if r.child_id == child_id), -1)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(CASELOAD_COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(CASELOAD_COLUMNS)
        ):
            return CASELOAD_COLUMNS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        row = self.row_at(index.row()) if index.isValid() else None
        if row is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._texts[index.row()][index.column()]
        if role == Qt.ItemDataRole.AccessibleTextRole:
            caption = CASELOAD_COLUMNS[index.column()]
            return f"{caption}: {self._texts[index.row()][index.column()] or 'none'}"
        if role == Qt.ItemDataRole.FontRole and row.overdue and index.column() == STATUS_COLUMN:
            return self._bold
        if role == Qt.ItemDataRole.ToolTipRole:
            action = "Continue the visit" if row.visit_in_progress else "Start a visit"
            return f"{action} with this family: press Enter or double-click"
        return None


class VisitsModel(QAbstractTableModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: tuple[VisitRow, ...] = ()
        self._texts: tuple[tuple[str, ...], ...] = ()

    def set_rows(self, rows: Sequence[VisitRow]) -> None:
        self.beginResetModel()
        self._rows = tuple(rows)
        self._texts = tuple(visit_texts(r) for r in self._rows)
        self.endResetModel()

    def clear(self) -> None:
        self.set_rows(())

    def row_at(self, row: int) -> VisitRow | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(VISIT_COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(VISIT_COLUMNS)
        ):
            return VISIT_COLUMNS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        row = self.row_at(index.row()) if index.isValid() else None
        if row is None:
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            text = self._texts[index.row()][index.column()]
            if role == Qt.ItemDataRole.AccessibleTextRole:
                return f"{VISIT_COLUMNS[index.column()]}: {text or 'not known'}"
            return text
        if role == Qt.ItemDataRole.ToolTipRole:
            return "Open this visit: press Enter or double-click"
        return None
