"""Finding a child by name in a dialog: a search box and the children whose names match."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtWidgets import QLineEdit, QListWidget, QListWidgetItem

from earlyyears_desktop.domain.errors import ValidationError
from earlyyears_desktop.services.children import ChildFilter
from earlyyears_desktop.services.container import Services
from earlyyears_desktop.ui.operations import OpRunner
from earlyyears_desktop.ui.widgets import short_date

#: The item data role that holds a found child's id.
CHILD_ID = Qt.ItemDataRole.UserRole


class ChildSearch:
    """For a dialog with `search` (a QLineEdit) and `results` (a QListWidget): 200 ms after the
    last key, the first 30 children whose names match are listed, the first one chosen.

    The dialog calls `search_as_typed()` once its widgets exist, and `required_child_id()` for
    the child chosen.
    """

    services: Services
    runner: OpRunner
    search: QLineEdit
    results: QListWidget

    def search_as_typed(self) -> None:
        assert isinstance(self, QObject)
        self._timer = QTimer(self, singleShot=True, interval=200)
        self._timer.timeout.connect(self.find_matches)
        self.search.textChanged.connect(lambda _t: self._timer.start())

    def child_text(self, row: Any) -> str:
        """How a child found is listed (a dialog may say it otherwise)."""
        return f"{row.display_name}  (born {short_date(row.date_of_birth)})"

    def chosen_child_id(self) -> str | None:
        item = self.results.currentItem()
        return str(item.data(CHILD_ID)) if item else None

    def required_child_id(self) -> str:
        """The child chosen in the list; refused beside the search when there is none."""
        child_id = self.chosen_child_id()
        if child_id is None:
            raise ValidationError("child", "Please find the child and choose them in the list.")
        return child_id

    def find_matches(self) -> None:
        text = self.search.text().strip()
        if len(text) < 2:
            self.results.clear()
            return
        children = self.services.children

        def work() -> list[Any]:
            return children.rows(children.search_ids(ChildFilter(text=text))[:30])

        self.runner.run(work, on_done=self._show)

    def _show(self, rows: list[Any]) -> None:
        self.results.clear()
        for row in rows:
            item = QListWidgetItem(self.child_text(row))
            item.setData(CHILD_ID, row.id)
            self.results.addItem(item)
        if rows:
            self.results.setCurrentRow(0)
