"""The small dialogs of the visit editor (`ui/visit_editor.py`): sharing a strategy with the
family (from the library, found by typing, or written there and then), the reason for
changing a finished visit, and the finished visit's history of changes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Mapping, Sequence
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QWidget,
)

from earlyyears_desktop.domain.errors import ValidationError
from earlyyears_desktop.domain.rules import search_key
from earlyyears_desktop.services.container import Services
from earlyyears_desktop.services.strategies import StrategyRow
from earlyyears_desktop.services.visit_views import FIELD_LABELS, VisitRevisionRow
from earlyyears_desktop.ui.error_text import error_text
from earlyyears_desktop.ui.forms import FormDialog
from earlyyears_desktop.ui.operations import OpRunner
from earlyyears_desktop.ui.widgets import DownIntoResults, VersionsDialog, long_date

NOTHING_CHOSEN = "Please choose a strategy from the library, or write one below."
LIBRARY_EMPTY = "The strategy library is empty: write the strategy below."
NO_MATCH = "No strategy in the library has these words."


class ShareStrategyDialog(FormDialog):
    """A strategy shared at the visit: one found in the library by typing (Down goes to the
    list), or written here (its title and what to try at home)."""

    def __init__(
        self,
        services: Services,
        runner: OpRunner,
        visit_id: str,
        library: Sequence[StrategyRow],
        parent: QWidget | None = None,
        *,
        already_shared: Collection[str] = (),
    ) -> None:
        super().__init__(
            "Share a strategy",
            runner,
            parent,
            intro="Choose a strategy from the library, or write one for this family. Its "
            "“try at home” words go on the family's visit record.",
            save_text="&Share",
        )
        self.services = services
        self.visit_id = visit_id
        self.library = [s for s in library if s.id not in already_shared]
        self.search = self.add_field("search", "&Find:", QLineEdit())
        self.search.setPlaceholderText("Words in the title, tags or wording")
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName("Search the library")
        self.choices = self.add_field("strategy", "&Library:", QListWidget())
        self.choices.setAccessibleName("Strategies in the library")
        self.choices.setAccessibleDescription(
            "The library's strategies matching the search and the area: choose one with Up and Down"
        )
        self.choices.setMinimumHeight(160)
        self.empty = QLabel()
        self.empty.setWordWrap(True)
        self.empty.setAccessibleName("No strategy to show")
        self.form.addRow(self.empty)
        for row in self.library:
            item = QListWidgetItem(row.title)
            item.setData(Qt.ItemDataRole.UserRole, row.id)
            item.setToolTip(row.try_at_home)
            self.choices.addItem(item)
        self.form.addRow(QLabel("<b>Or write one for this family</b>"))
        self.title = self.add_field("title", "&Title:", QLineEdit())
        self.title.setAccessibleName("Title of the strategy written here")
        self.at_home = self.add_field("try_at_home", "Try at &home:", QPlainTextEdit())
        self.at_home.setTabChangesFocus(True)
        self.at_home.setFixedHeight(72)
        self.at_home.setAccessibleName("What to try at home")
        self.finish_layout()
        self._down = DownIntoResults(self.search, self.choices)
        self.search.textChanged.connect(lambda _text: self._filter())
        # Enter in the list is the dialog's: Share; a double click shares the one clicked
        self.choices.itemDoubleClicked.connect(lambda _item: self.save())
        self._filter()
        self.search.setFocus()

    def _filter(self) -> None:
        words = search_key(self.search.text()).split()
        shown = 0
        for n, row in enumerate(self.library):
            haystack = search_key(" ".join((row.title, row.try_at_home, " ".join(row.tags))))
            hidden = not all(word in haystack for word in words)
            self.choices.item(n).setHidden(hidden)
            shown += not hidden
        self.empty.setText("" if shown else (NO_MATCH if self.library else LIBRARY_EMPTY))
        self.empty.setVisible(not shown)

    def chosen(self) -> str | None:
        item = self.choices.currentItem()
        if item is None or item.isHidden():
            return None
        value = item.data(Qt.ItemDataRole.UserRole)
        return str(value)

    def work(self) -> Callable[[], Any]:
        visits, visit_id = self.services.home_visits, self.visit_id
        title, at_home = self.title.text(), self.at_home.toPlainText()
        if title.strip():
            return lambda: visits.share_strategy(visit_id, title=title, try_at_home=at_home)
        chosen = self.chosen()
        if chosen is None:
            raise ValidationError("strategy", NOTHING_CHOSEN)
        return lambda: visits.share_strategy(visit_id, chosen)


class ReasonDialog(FormDialog):
    """Why a finished visit is changed (required), then the change is saved with it."""

    def __init__(
        self,
        services: Services,
        runner: OpRunner,
        visit_id: str,
        changes: Mapping[str, object],
        parent: QWidget | None = None,
    ) -> None:
        names = ", ".join(FIELD_LABELS[f].lower() for f in changes)
        super().__init__(
            "Why is the visit changed?",
            runner,
            parent,
            intro=f"You changed: {names}. The visit's history keeps what it said before, "
            "with your name, the time and your reason.",
            save_text="&Save changes",
        )
        self.services = services
        self.visit_id = visit_id
        self.changes = dict(changes)
        self.reason = self.add_field("reason", "&Reason:", QLineEdit())
        self.reason.setPlaceholderText("For example: Mum rang to say Grandad was there too")
        self.reason.setAccessibleName("Why the visit is changed")
        self.finish_layout()
        self.reason.setFocus()

    def work(self) -> Callable[[], Any]:
        visits, visit_id = self.services.home_visits, self.visit_id
        changes, reason = self.changes, self.reason.text()
        return lambda: visits.edit(visit_id, changes, reason)


def revision_text(row: VisitRevisionRow) -> str:
    """One change of a finished visit, in plain text: who, when, why, what it said before."""
    who = row.revised_by or "an unknown practitioner"
    lines = [
        f"Changed on {long_date(row.revised_at.date())} at {row.revised_at:%H:%M} by {who}",
        f"Reason: {row.reason}",
        "Before the change:",
    ]
    for field, value in row.previous.items():
        shown = value
        if value and field in ("visited_on", "next_visit_on"):
            shown = long_date(dt.date.fromisoformat(value))
        lines.append(f"  {FIELD_LABELS.get(field, field)}: {shown or '(empty)'}")
    return "\n".join(lines)


class VisitHistoryDialog(VersionsDialog):
    """Read-only: the changes of a finished visit, newest first."""

    def __init__(self, history: Sequence[VisitRevisionRow], parent: QWidget | None = None):
        count = len(history)
        super().__init__(
            "Changes to this visit",
            "Not changed since it was finished."
            if not count
            else f"Changed {count} time{'s' if count != 1 else ''} since it was finished, "
            "newest first: who changed it, when, why, and what it said before.",
            "Changes, newest first",
            [revision_text(r) for r in history],
            parent,
        )


__all__ = ["ReasonDialog", "ShareStrategyDialog", "VisitHistoryDialog", "revision_text"]


def cannot_start_visit(parent: QWidget, error: BaseException) -> None:
    """Say why a visit could not be started (over the page or record that asked)."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle("Home visit")
    box.setText(f"The visit could not be started. {error_text(error)}")
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
