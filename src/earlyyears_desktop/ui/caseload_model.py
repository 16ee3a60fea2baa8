"""The Home visits page's tables: the families on a caseload, and the visits of the family
chosen. A caseload holds tens of families, read whole by one query: the models hold the rows,
put in words once per read.

The status of a family is in words ("Overdue", "Due this week"), in bold when overdue: never
colour alone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QFont, QStandardItem, QStandardItemModel

from earlyyears_desktop.services.caseload import CaseloadRow, VisitRow
from earlyyears_desktop.ui.widgets import short_date

ACCESSIBLE_TEXT = Qt.ItemDataRole.AccessibleTextRole

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


class TextTable(QStandardItemModel):
    """A table of words filled once per read: the view paints it from C++, with no call back
    into Python for each cell and role (which, for a page of rows, costs more than the read)."""

    def __init__(self, columns: tuple[str, ...], parent: QObject | None = None) -> None:
        super().__init__(0, len(columns), parent)
        self.setHorizontalHeaderLabels(list(columns))
        self.columns = columns

    def _fill(
        self, texts: Sequence[tuple[str, ...]], tooltips: Sequence[str]
    ) -> list[QStandardItem]:
        """Every row's cells (each with its caption for a screen reader), the model reset
        once; the items, row by row, for the caller to add to."""
        self.beginResetModel()
        self.blockSignals(True)  # one reset, not a signal for every cell
        try:
            self.setRowCount(0)
            self.setRowCount(len(texts))
            made: list[QStandardItem] = []
            for r, (cells, tip) in enumerate(zip(texts, tooltips, strict=True)):
                for c, text in enumerate(cells):
                    item = QStandardItem(text)
                    item.setEditable(False)
                    item.setData(f"{self.columns[c]}: {text or 'none'}", ACCESSIBLE_TEXT)
                    item.setToolTip(tip)
                    self.setItem(r, c, item)
                    made.append(item)
        finally:
            self.blockSignals(False)
            self.endResetModel()
        return made


class CaseloadModel(TextTable):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(CASELOAD_COLUMNS, parent)
        self._rows: tuple[CaseloadRow, ...] = ()

    def set_rows(self, rows: Sequence[CaseloadRow], today: dt.date) -> None:
        self._rows = tuple(rows)
        tips = [
            ("Continue the visit" if r.visit_in_progress else "Start a visit")
            + " with this family: press Enter or double-click"
            for r in self._rows
        ]
        self._fill([caseload_texts(r, today) for r in self._rows], tips)
        bold = QFont()
        bold.setBold(True)
        for n, row in enumerate(self._rows):
            if row.overdue:
                item = self.item(n, STATUS_COLUMN)
                if item is not None:
                    item.setFont(bold)

    def clear_rows(self) -> None:
        self.set_rows((), dt.date.min)

    def row_at(self, row: int) -> CaseloadRow | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, child_id: str) -> int:
        return next((n for n, r in enumerate(self._rows) if r.child_id == child_id), -1)


class VisitsModel(TextTable):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(VISIT_COLUMNS, parent)
        self._rows: tuple[VisitRow, ...] = ()

    def set_rows(self, rows: Sequence[VisitRow]) -> None:
        self._rows = tuple(rows)
        tip = "Open this visit: press Enter or double-click"
        self._fill([visit_texts(r) for r in self._rows], [tip] * len(self._rows))

    def clear_rows(self) -> None:
        self.set_rows(())

    def row_at(self, row: int) -> VisitRow | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None
