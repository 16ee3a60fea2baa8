"""Finding a child by name in a dialog: a search box and the children whose names match."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtWidgets import QLineEdit, QListWidget, QListWidgetItem

from earlyyears_desktop.services.children import ChildFilter
from earlyyears_desktop.services.container import Services
from earlyyears_desktop.ui.operations import OpRunner

#: The item data role that holds a found child's id.
CHILD_ID = Qt.ItemDataRole.UserRole


class ChildSearch:
    """For a dialog with `search` (a QLineEdit) and `results` (a QListWidget): 200 ms after the
    last key, the first 30 children whose names match are listed, the first one chosen.

    The dialog calls `search_as_typed()` once its widgets exist and says how a child is shown
    in `child_text`.
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
        raise NotImplementedError

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
