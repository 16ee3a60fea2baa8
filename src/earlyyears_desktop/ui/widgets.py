"""Small building blocks shared by the pages: headings, field error labels, date text."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import TypeVar

from PySide6.QtCore import QAbstractItemModel, QEvent, QObject, Qt
from PySide6.QtGui import QFont, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFrame,
    QGridLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from earlyyears_desktop.ui.theme import ERROR_ROLE_STYLE

#: the widget handed to `described`, handed back with its own type
AnyWidget = TypeVar("AnyWidget", bound=QWidget)


def heading(text: str, level: int = 1, parent: QWidget | None = None) -> QLabel:
    """A heading sized relative to the system font, so it follows the user's font size."""
    label = QLabel(text, parent)
    label.setTextFormat(Qt.TextFormat.PlainText)
    font = QFont(label.font())
    font.setPointSizeF(font.pointSizeF() * (1.5 if level == 1 else 1.2))
    font.setBold(True)
    label.setFont(font)
    label.setAccessibleName(text)
    label.setWordWrap(True)
    return label


def push_button(text: str, accessible_name: str, on_click: Callable[[], object]) -> QPushButton:
    """A button with the name a screen reader says and what a click does."""
    button = QPushButton(text)
    button.setAccessibleName(accessible_name)
    button.clicked.connect(on_click)
    return button


def described(widget: AnyWidget, name: str, description: str) -> AnyWidget:
    """`widget` with the name a screen reader says and what it is for (or what Enter does
    there): every list, table and field of the app has both."""
    widget.setAccessibleName(name)
    widget.setAccessibleDescription(description)
    return widget


def scrolling_page(page: QWidget, name: str, description: str) -> QVBoxLayout:
    """The layout of a page whose contents scroll inside it: on a small screen the page
    scrolls rather than making the window taller than the screen
    (tests/ui/test_small_screen.py)."""
    outer = QVBoxLayout(page)
    outer.setContentsMargins(0, 0, 0, 0)
    scroll = described(QScrollArea(), name, description)
    scroll.setWidgetResizable(True)
    scroll.setFrameShape(QFrame.Shape.NoFrame)
    content = QWidget()
    scroll.setWidget(content)
    outer.addWidget(scroll)
    return QVBoxLayout(content)


def children_found(lines: int) -> QListWidget:
    """The list under a "type part of the child's name" box, `lines` high."""
    results = described(
        QListWidget(),
        "Children found",
        "The children whose name holds what is typed above: choose one with Up and Down",
    )
    results.setMaximumHeight(results.fontMetrics().lineSpacing() * lines)
    return results


def selectable_text(accessible_name: str) -> QLabel:
    """Plain, wrapped text the user can select and copy: messages and read-only values."""
    label = QLabel("")
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setAccessibleName(accessible_name)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def rich_block(accessible_name: str, html: str = "") -> QLabel:
    """Wrapped rich text the user can select, set at the top left of its cell: one entry of a
    record (a carer, a consent, a strategy). Escape whatever the user typed into `html`."""
    label = QLabel(html)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.RichText)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setAccessibleName(accessible_name)
    label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
    return label


def clear_grid(grid: QGridLayout) -> None:
    """Take every widget out of `grid` and delete it (rows shown again from fresh data)."""
    while grid.count():
        item = grid.takeAt(0)
        widget = item.widget() if item is not None else None
        if widget is not None:
            widget.hide()
            widget.setParent(None)
            widget.deleteLater()


class DownIntoResults(QObject):
    """Down in a search box moves the keyboard into its results, onto the first one if none
    is chosen yet: a keyboard user types, then arrows through what was found."""

    def __init__(self, search: QLineEdit, results: QAbstractItemView) -> None:
        super().__init__(search)
        self.results = results
        search.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() == Qt.Key.Key_Down
            and event.modifiers() == Qt.KeyboardModifier.NoModifier
        ):
            model = self.results.model()
            if model is None or model.rowCount() == 0:
                return False
            self.results.setFocus(Qt.FocusReason.TabFocusReason)
            if not self.results.currentIndex().isValid():
                self.results.setCurrentIndex(model.index(0, 0))
            return True
        return False


def passphrase_edit(accessible_name: str = "") -> QLineEdit:
    """A line edit that shows dots, never the passphrase typed into it."""
    edit = QLineEdit()
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    if accessible_name:
        edit.setAccessibleName(accessible_name)
    return edit


class FieldError(QLabel):
    """The message shown beside a field when the service refuses its value."""

    def __init__(self, field: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.field = field
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setWordWrap(True)
        self.setStyleSheet(ERROR_ROLE_STYLE)
        self.setAccessibleName(f"Problem with {field.replace('_', ' ')}")
        self.hide()

    def show_message(self, message: str) -> None:
        self.setText(message)
        self.setAccessibleDescription(message)
        self.show()

    def clear_message(self) -> None:
        self.clear()
        self.hide()


def long_date(day: dt.date | None) -> str:
    """'Thu 26 Nov 2026': unambiguous for UK readers, no locale surprises."""
    return day.strftime("%a %-d %b %Y") if day else ""


def short_date(day: dt.date | None) -> str:
    return day.strftime("%-d %b %Y") if day else ""


def age_text(date_of_birth: dt.date, today: dt.date) -> str:
    """Age in years and months, as practitioners say it for under-fives ('2y 7m')."""
    months = (today.year - date_of_birth.year) * 12 + today.month - date_of_birth.month
    if today.day < date_of_birth.day:
        months -= 1
    months = max(months, 0)
    return f"{months // 12}y {months % 12}m"


def parse_uk_date(text: str) -> dt.date | None:
    """Read 'dd/mm/yyyy' (also with '-' or '.'); None when empty. ValueError when unreadable."""
    cleaned = text.strip()
    if not cleaned:
        return None
    for sep in "-.":
        cleaned = cleaned.replace(sep, "/")
    parts = cleaned.split("/")
    if len(parts) != 3 or not all(p.strip().isdigit() for p in parts):
        raise ValueError("not a day/month/year date")
    day, month, year = (int(p) for p in parts)
    if year < 100:
        year += 2000
    return dt.date(year, month, day)


class VersionsDialog(QDialog):
    """Read-only: a record's earlier versions or changes, newest first, as text to read and
    copy (an observation's history, a finished visit's)."""

    def __init__(
        self,
        title: str,
        intro: str,
        versions_name: str,
        versions: Sequence[str],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setAccessibleName(title)
        self.setMinimumSize(520, 420)
        self.setSizeGripEnabled(True)
        layout = QVBoxLayout(self)
        said = QLabel(intro)
        said.setWordWrap(True)
        layout.addWidget(said)
        self.versions = QPlainTextEdit()
        self.versions.setReadOnly(True)
        self.versions.setTabChangesFocus(True)
        self.versions.setAccessibleName(versions_name)
        self.versions.setPlainText("\n\n".join(versions))
        layout.addWidget(self.versions, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        buttons.button(QDialogButtonBox.StandardButton.Close).setAccessibleName("Close")
        layout.addWidget(buttons)
        self.versions.setFocus()


def text_table(
    name: str, description: str, model: QAbstractItemModel, samples: tuple[str, ...]
) -> QTableView:
    """A read-only table of rows of text, one row chosen at a time, its columns sized for
    `samples`, reached by Tab and left by Tab (not moved through cell by cell)."""
    table = QTableView()
    table.setAccessibleName(name)
    table.setAccessibleDescription(description)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setTabKeyNavigation(False)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    table.verticalHeader().hide()
    header = table.horizontalHeader()
    # Sized for the usual text, in the user's font (measuring every cell of every read costs
    # more than the read); the user can widen a column.
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setStretchLastSection(True)
    table.setModel(model)
    metrics = table.fontMetrics()
    for column, sample in enumerate(samples):
        table.setColumnWidth(
            column, metrics.horizontalAdvance(sample) + 4 * metrics.averageCharWidth()
        )
    table.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
    return table


def ticked_ids(choices: QListWidget) -> list[str]:
    """The ids (each item's user data) of the items ticked in a list of checkable items."""
    return [
        str(choices.item(n).data(Qt.ItemDataRole.UserRole))
        for n in range(choices.count())
        if choices.item(n).checkState() == Qt.CheckState.Checked
    ]
