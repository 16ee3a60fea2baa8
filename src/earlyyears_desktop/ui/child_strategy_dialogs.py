"""The dialogs of a child's strategies: agree one with the family (from the library, or written
for this child), note how it is going, and stop it with a reason."""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Sequence
from html import escape as _escape
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QRadioButton,
    QWidget,
)

from earlyyears_desktop.domain.enums import AreaOfNeed, LabelledEnum, StrategyProgress
from earlyyears_desktop.domain.errors import ValidationError
from earlyyears_desktop.domain.rules import search_key
from earlyyears_desktop.services.child_strategies import (
    ChildStrategyRow,
    OwnStrategy,
)
from earlyyears_desktop.services.container import Services
from earlyyears_desktop.services.strategies import StrategyRow
from earlyyears_desktop.ui.enum_combo import EnumCombo
from earlyyears_desktop.ui.forms import FormDialog, date_edit, py_date
from earlyyears_desktop.ui.operations import OpRunner
from earlyyears_desktop.ui.widgets import short_date

_LIBRARY_EMPTY = (
    "The library has no strategies yet: write one for this child, or add some to the "
    "library on the Strategies page."
)
_NO_MATCH = "No strategy in the library matches. Try other words, or write one for this child."


def escape(text: str) -> str:
    """Text for a rich-text label: markup characters escaped, quotes left as written."""
    return _escape(text, quote=False)


def label_of(vocabulary: type[LabelledEnum], value: str) -> str:
    try:
        return vocabulary(value).label
    except ValueError:
        return value


def _text_box(name: str, lines: int = 3) -> QPlainTextEdit:
    """A few lines of text where Tab moves on, so the form works by keyboard alone."""
    box = QPlainTextEdit()
    box.setTabChangesFocus(True)
    box.setAccessibleName(name)
    box.setFixedHeight(box.fontMetrics().lineSpacing() * lines + 14)
    return box


def _matches(choice: StrategyRow, words: Sequence[str], area: str | None) -> bool:
    """Every word typed starts a word of the strategy's title, tags or wording."""
    if area is not None and choice.area_of_need != area:
        return False
    text = (choice.title, *choice.tags, choice.practitioner_wording, choice.try_at_home)
    found = re.findall(r"\w+", search_key(" ".join(text)))
    return all(any(word.startswith(typed) for word in found) for typed in words)


class _DownToList(QObject):
    """Down arrow in the search box moves to the list, on the first match."""

    def __init__(self, target: QListWidget, parent: QObject) -> None:
        super().__init__(parent)
        self.target = target

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() == Qt.Key.Key_Down
            and self.target.count()
        ):
            self.target.setFocus(Qt.FocusReason.TabFocusReason)
            if self.target.currentRow() < 0 or self.target.currentItem().isHidden():
                first = next(
                    n for n in range(self.target.count()) if not self.target.item(n).isHidden()
                )
                self.target.setCurrentRow(first)
            return True
        return False


class AgreeStrategyDialog(FormDialog):
    """Choose a library strategy (search by typing, filter by area) or write one for this
    child; say who in the family agreed it, and when."""

    def __init__(
        self,
        services: Services,
        runner: OpRunner,
        child_id: str,
        library: Sequence[StrategyRow],
        parent: QWidget | None = None,
        *,
        already_agreed: Collection[str] = (),
    ) -> None:
        """`already_agreed`: the library strategies still going for this child (marked in the
        list: agreeing one again is refused until it is stopped)."""
        super().__init__(
            "Agree a strategy",
            runner,
            parent,
            intro="Agree a strategy with the child's family: one from the library, or one "
            "written for this child (it stays on this child's record only).",
            save_text="&Agree",
        )
        self.services = services
        self.child_id = child_id
        self.library = list(library)
        self.already_agreed = frozenset(already_agreed)

        self.from_library = QRadioButton("From the &library")
        self.from_library.setAccessibleName("Choose a strategy from the library")
        self.write_own = QRadioButton("Write &one for this child")
        self.write_own.setAccessibleName("Write a strategy for this child")
        choice = QButtonGroup(self)
        choice.addButton(self.from_library)
        choice.addButton(self.write_own)
        self.outer.addWidget(self.from_library)

        # ---- from the library ----
        self.library_box = QGroupBox()
        self.library_box.setAccessibleName("From the library")
        library_form = QFormLayout(self.library_box)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Words in the title, tags or wording")
        self.search.setClearButtonEnabled(True)
        self.add_field("search", "&Find:", self.search, library_form)
        self.search.setAccessibleName("Search the library")
        self.area_filter = EnumCombo(AreaOfNeed, "Area of need to show", none_label="All areas")
        self.add_field("area_filter", "A&rea:", self.area_filter, library_form)
        self.choices = QListWidget()
        self.choices.setAccessibleName("Strategies in the library")
        self.choices.setAccessibleDescription(
            "The library's strategies matching the search and the area: choose one with Up and Down"
        )
        self.choices.setMinimumHeight(140)
        self.add_field("strategy", "Stra&tegy:", self.choices, library_form)
        self.empty = QLabel()
        self.empty.setWordWrap(True)
        self.empty.setAccessibleName("No strategy to show")
        library_form.addRow(self.empty)
        self.preview = QLabel()
        self.preview.setWordWrap(True)
        self.preview.setTextFormat(Qt.TextFormat.RichText)
        self.preview.setAccessibleName("The chosen strategy's wording")
        library_form.addRow(self.preview)
        self.outer.addWidget(self.library_box)
        for choice_row in self.library:
            self.choices.addItem(self._item(choice_row))
        self.search.installEventFilter(_DownToList(self.choices, self))
        self.search.textChanged.connect(lambda _text: self._filter())
        self.area_filter.currentIndexChanged.connect(lambda _index: self._filter())
        self.choices.currentItemChanged.connect(lambda *_items: self._show_preview())

        # ---- written for this child ----
        self.outer.addWidget(self.write_own)
        self.own_box = QGroupBox()
        self.own_box.setAccessibleName("Written for this child")
        own_form = QFormLayout(self.own_box)
        self.title = self.add_field("title", "T&itle:", QLineEdit(), own_form)
        self.title.setAccessibleName("Title of the strategy")
        self.area = EnumCombo(AreaOfNeed, "Area of need", none_label="(not given)")
        self.add_field("area_of_need", "Ar&ea of need:", self.area, own_form)
        self.wording = self.add_field(
            "practitioner_wording",
            "&Practitioner wording:",
            _text_box("What practitioners do"),
            own_form,
        )
        self.at_home = self.add_field(
            "try_at_home",
            "Try at &home:",
            _text_box("Words for the family: what to try at home"),
            own_form,
        )
        self.outer.addWidget(self.own_box)

        # ---- with whom, when: below both choices ----
        common = QFormLayout()
        self.agreed_with = self.add_field("agreed_with", "Agreed &with:", QLineEdit(), common)
        self.agreed_with.setPlaceholderText("Who in the family: Mum (Amira), Grandad…")
        self.agreed_with.setAccessibleName("Who in the family agreed it")
        self.agreed_on = self.add_field(
            "agreed_on",
            "&Date agreed:",
            date_edit(services.clock.today(), "Date agreed"),
            common,
        )
        self.outer.addLayout(common)
        self.finish_layout()

        self.from_library.toggled.connect(lambda _on: self._switch())
        if self.library:
            self.from_library.setChecked(True)
        else:
            self.write_own.setChecked(True)
            self.from_library.setEnabled(False)
        self._filter()
        self._switch()

    def _item(self, choice: StrategyRow) -> QListWidgetItem:
        parts = [choice.title]
        if choice.area_of_need:
            parts.append(label_of(AreaOfNeed, choice.area_of_need))
        if choice.from_central:
            parts.append("from the local authority")
        if choice.id in self.already_agreed:
            parts.append("already agreed")
        item = QListWidgetItem(" · ".join(parts))
        item.setData(Qt.ItemDataRole.UserRole, choice.id)
        return item

    def _switch(self) -> None:
        """Show the part chosen (a hidden part is out of the way of Tab, too)."""
        on_library = self.from_library.isChecked()
        self.library_box.setVisible(on_library)
        self.own_box.setVisible(not on_library)

    def _filter(self) -> None:
        words = re.findall(r"\w+", search_key(self.search.text()))
        area = self.area_filter.value()
        shown = 0
        for n, choice in enumerate(self.library):
            hidden = not _matches(choice, words, area)
            self.choices.item(n).setHidden(hidden)
            shown += not hidden
        current = self.choices.currentItem()
        if current is not None and current.isHidden():
            self.choices.setCurrentRow(-1)
        self.empty.setText("" if shown else (_NO_MATCH if self.library else _LIBRARY_EMPTY))
        self.empty.setVisible(not shown)
        self._show_preview()

    def chosen(self) -> StrategyRow | None:
        item = self.choices.currentItem()
        if item is None or item.isHidden():
            return None
        wanted = item.data(Qt.ItemDataRole.UserRole)
        return next((c for c in self.library if c.id == wanted), None)

    def _show_preview(self) -> None:
        choice = self.chosen()
        if choice is None:
            self.preview.clear()
            return
        lines = [f"<b>{escape(choice.title)}</b>"]
        if choice.practitioner_wording:
            lines.append(escape(choice.practitioner_wording))
        if choice.try_at_home:
            lines.append(f"<i>At home:</i> {escape(choice.try_at_home)}")
        self.preview.setText("<br>".join(lines))

    def work(self) -> Callable[[], Any]:
        service = self.services.child_strategies
        child_id = self.child_id
        agreed_with = self.agreed_with.text()
        agreed_on = py_date(self.agreed_on)
        if self.from_library.isChecked():
            choice = self.chosen()
            if choice is None:
                raise ValidationError("strategy", "Please choose a strategy from the list.")
            strategy_id = choice.id
            return lambda: service.agree(
                child_id, strategy_id, agreed_with=agreed_with, agreed_on=agreed_on
            )
        own = OwnStrategy(
            self.title.text(),
            self.area.value() or "",
            self.wording.toPlainText(),
            self.at_home.toPlainText(),
        )
        return lambda: service.agree(
            child_id, None, agreed_with=agreed_with, agreed_on=agreed_on, own=own
        )


def _progress_combo(current: str) -> EnumCombo:
    """How it is going: every progress but "stopped" (stopping asks for a reason)."""
    combo = EnumCombo(StrategyProgress, "How it is going")
    combo.removeItem(combo.findData(StrategyProgress.STOPPED.value))
    combo.set_value(current)
    return combo


class NoteProgressDialog(FormDialog):
    """How a strategy is going, with the notes so far."""

    def __init__(
        self,
        services: Services,
        runner: OpRunner,
        strategy: ChildStrategyRow,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(
            "Note progress",
            runner,
            parent,
            intro=f"How is “{strategy.title}” going?",
            save_text="&Save note",
        )
        self.services = services
        self.strategy = strategy
        self.progress = self.add_field("progress", "&Progress:", _progress_combo(strategy.progress))
        self.note = self.add_field("note", "&Note:", _text_box("Note on how it is going", 4))
        self.noted_on = self.add_field(
            "noted_on", "&Date:", date_edit(services.clock.today(), "Date noted")
        )
        self.history = QListWidget()
        self.history.setAccessibleName("Progress noted so far, newest first")
        self.history.setAccessibleDescription(
            "Each note on how the strategy is going: its date, how it was going, who noted it"
        )
        self.history.setWordWrap(True)
        self.history.setMaximumHeight(120)
        for entry in strategy.notes:
            by = f" ({entry.author_name})" if entry.author_name else ""
            note = f": {entry.note}" if entry.note else ""
            self.history.addItem(
                f"{short_date(entry.noted_on)} · {label_of(StrategyProgress, entry.progress)}"
                f"{by}{note}"
            )
        if not strategy.notes:
            self.history.addItem("Nothing noted yet.")
        self.form.addRow("So far:", self.history)
        self.finish_layout()

    def work(self) -> Callable[[], Any]:
        service = self.services.child_strategies
        link = self.strategy.id
        progress = self.progress.value() or ""
        note = self.note.toPlainText()
        noted_on = py_date(self.noted_on)
        return lambda: service.note_progress(link, progress, note, noted_on)


class StopStrategyDialog(FormDialog):
    """Stop a strategy, with the reason; it stays on the record and leaves the handouts."""

    def __init__(
        self,
        services: Services,
        runner: OpRunner,
        strategy: ChildStrategyRow,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(
            "Stop a strategy",
            runner,
            parent,
            intro=f"Stop “{strategy.title}”. It stays on the child's record with the reason, "
            "and is no longer in the family's handouts.",
            save_text="&Stop strategy",
        )
        self.services = services
        self.strategy = strategy
        self.reason = self.add_field("stop_reason", "&Reason:", _text_box("Why it was stopped", 3))
        self.stopped_on = self.add_field(
            "stopped_on", "&Date stopped:", date_edit(services.clock.today(), "Date stopped")
        )
        self.finish_layout()

    def work(self) -> Callable[[], Any]:
        service = self.services.child_strategies
        link = self.strategy.id
        reason = self.reason.toPlainText()
        stopped_on = py_date(self.stopped_on)
        if not reason.strip():
            raise ValidationError("stop_reason", "Please give the reason for stopping it.")
        return lambda: service.stop(link, reason, stopped_on)
