"""The Strategies page: the team's strategy library, searched and filtered on the left, the
chosen strategy's wording for practitioners and for parents on the right.

Strategies the local authority's central service sent are marked and read-only here. A library
holds tens or hundreds of strategies: the list is read whole (the service filters it), so a
plain list widget over the rows is enough.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QFont, QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from earlyyears_desktop.domain.enums import AreaOfNeed
from earlyyears_desktop.services.container import Services
from earlyyears_desktop.services.strategies import (
    FROM_CENTRAL_READ_ONLY,
    StrategyFilter,
    StrategyRow,
)
from earlyyears_desktop.services.unit_of_work import Changes, Saved
from earlyyears_desktop.ui.enum_combo import EnumCombo
from earlyyears_desktop.ui.error_text import error_text
from earlyyears_desktop.ui.operations import OpRunner
from earlyyears_desktop.ui.pages import Page
from earlyyears_desktop.ui.strategy_dialog import StrategyDialog
from earlyyears_desktop.ui.widgets import DownIntoResults, heading, selectable_text

SEARCH_DEBOUNCE_MS = 150
#: the list's marker for a strategy the central service sent
CENTRAL_MARK = "From the local authority"
ID_ROLE = Qt.ItemDataRole.UserRole


@dataclass(frozen=True)
class Listing:
    """One answer for the list: the matching strategies and what the filters offer."""

    rows: list[StrategyRow]
    tags: list[str]
    #: strategies in the whole library
    total: int
    #: strategies of the starter set the library lacks
    missing: int
    starter_size: int


def read_listing(services: Services, where: StrategyFilter) -> Listing:
    from earlyyears_desktop.domain.strategy_library import starter_strategies

    library = services.strategies
    return Listing(
        rows=library.find(where),
        tags=library.tags(),
        total=library.count(),
        missing=library.starter_set_missing(),
        starter_size=len(starter_strategies()),
    )


def _list_text(row: StrategyRow) -> str:
    second = " · ".join(p for p in (row.area_label, CENTRAL_MARK if row.from_central else "") if p)
    return f"{row.title}\n{second}" if second else row.title


class StrategiesPage(Page):
    #: emitted after each list query lands, with the number of strategies shown
    list_ready = Signal(int)

    def __init__(self, services: Services, runner: OpRunner, parent: QWidget | None = None):
        super().__init__(parent)
        self.services = services
        self.runner = runner
        self.setAccessibleName("Strategies")
        self._generation = 0
        self._rows: dict[str, StrategyRow] = {}
        self._selected_id: str | None = None
        self._listing: Listing | None = None
        self.dialog: StrategyDialog | None = None

        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addWidget(heading("Strategy library"), 1)
        self.new_button = QPushButton("&New strategy…")
        self.new_button.setAccessibleName("New strategy")
        self.new_button.setToolTip("Write a strategy for the team’s library (Ctrl+N)")
        self.new_button.clicked.connect(self.new_strategy)
        self.edit_button = QPushButton("&Edit…")
        self.edit_button.setAccessibleName("Edit strategy")
        self.edit_button.clicked.connect(self.edit_strategy)
        self.edit_button.setEnabled(False)
        top.addWidget(self.new_button)
        top.addWidget(self.edit_button)
        layout.addLayout(top)
        intro = QLabel(
            "Ideas to try with children and their families: what to do and why, for the team, "
            "and a short “try at home” version that parents read on their handouts."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self._build_list_side())
        splitter.addWidget(self._build_detail_side())
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        splitter.setSizes([420, 640])
        splitter.setChildrenCollapsible(False)
        layout.addWidget(splitter, 1)

        # The search box is the page's first stop, then the filters, the list, the buttons.
        for first, then in (
            (self.search, self.area),
            (self.area, self.tag),
            (self.tag, self.list),
            (self.list, self.new_button),
            (self.new_button, self.edit_button),
        ):
            self.setTabOrder(first, then)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(SEARCH_DEBOUNCE_MS)
        self._debounce.timeout.connect(self.run_query)
        self.search.textChanged.connect(lambda _t: self._debounce.start())
        self.search.returnPressed.connect(self._search_now)
        self.area.currentIndexChanged.connect(lambda _i: self.run_query())
        self.tag.currentIndexChanged.connect(lambda _i: self.run_query())
        QShortcut(QKeySequence.StandardKey.New, self, self.new_strategy)
        runner.changed.connect(self._on_changes)
        self._show_detail(None)

    def _build_list_side(self) -> QWidget:
        side = QWidget()
        column = QVBoxLayout(side)
        column.setContentsMargins(0, 0, 0, 0)
        filters = QGridLayout()
        self.search = QLineEdit()
        self.search.setPlaceholderText("Words in the title, the wording or the tags…")
        self.search.setAccessibleName("Search strategies")
        self.search.setToolTip("Search strategies (Ctrl+F)")
        self.search.setClearButtonEnabled(True)
        self.area = EnumCombo(AreaOfNeed, "Filter: Area of need", none_label="All areas of need")
        self.tag = QComboBox()
        self.tag.setAccessibleName("Filter: Tag")
        self.tag.addItem("All tags", None)
        self.tag.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.tag.setMinimumContentsLength(12)
        for row, (text, widget) in enumerate(
            (("Searc&h:", self.search), ("&Area of need:", self.area), ("&Tag:", self.tag))
        ):
            label = QLabel(text)
            label.setBuddy(widget)
            filters.addWidget(label, row, 0)
            filters.addWidget(widget, row, 1)
        filters.setColumnStretch(1, 1)
        column.addLayout(filters)

        self.count = QLabel("")
        self.count.setAccessibleName("Number of strategies shown")
        column.addWidget(self.count)
        self.offer = QWidget()
        offer_row = QVBoxLayout(self.offer)
        offer_row.setContentsMargins(0, 0, 0, 0)
        self.offer_text = QLabel("")
        self.offer_text.setWordWrap(True)
        self.offer_text.setAccessibleName("The starter set")
        self.starter_button = QPushButton("")
        self.starter_button.clicked.connect(self.add_starter_set)
        offer_row.addWidget(self.offer_text)
        offer_row.addWidget(self.starter_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.offer.hide()
        column.addWidget(self.offer)

        self.empty = QWidget()
        empty_column = QVBoxLayout(self.empty)
        empty_column.setContentsMargins(0, 0, 0, 0)
        self.empty_text = QLabel("")
        self.empty_text.setWordWrap(True)
        self.empty_text.setAccessibleName("No strategies to show")
        self.clear_button = QPushButton("&Clear search and filters")
        self.clear_button.setAccessibleName("Clear search and filters")
        self.clear_button.clicked.connect(self.clear_filters)
        empty_column.addWidget(self.empty_text)
        empty_column.addWidget(self.clear_button, 0, Qt.AlignmentFlag.AlignLeft)
        empty_column.addStretch(1)
        self.empty.hide()
        column.addWidget(self.empty, 1)

        self.list = QListWidget()
        DownIntoResults(self.search, self.list)
        self.list.setAccessibleName("Strategies found")
        self.list.setAccessibleDescription(
            "The library's strategies matching the search: moving to one shows it beside the "
            "list; Enter edits it"
        )
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setWordWrap(True)
        self.list.setAlternatingRowColors(True)
        self.list.setSpacing(2)
        self.list.currentItemChanged.connect(self._current_changed)
        # Enter or a double click edits (not "activated": a single click on some desktops)
        self.list.itemDoubleClicked.connect(lambda _item: self.edit_strategy())
        self.list.installEventFilter(self)
        column.addWidget(self.list, 1)
        return side

    def _build_detail_side(self) -> QWidget:
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setAccessibleName("The chosen strategy")
        body = QWidget()
        column = QVBoxLayout(body)
        self.title = heading("", level=2)
        self.title.setAccessibleName("Strategy title")
        self.meta = selectable_text("Area of need and source")
        self.central_note = QLabel(FROM_CENTRAL_READ_ONLY)
        self.central_note.setWordWrap(True)
        self.central_note.setAccessibleName("Read-only")
        self.practitioner = selectable_text("For practitioners")
        self.home = selectable_text("Try at home")
        font = QFont(self.home.font())
        font.setPointSizeF(font.pointSizeF() * 1.15)
        self.home.setFont(font)
        home_box = QFrame()
        home_box.setFrameShape(QFrame.Shape.StyledPanel)
        home_layout = QVBoxLayout(home_box)
        home_layout.addWidget(self.home)
        self.tags = selectable_text("Tags")
        self.nothing = QLabel("")
        self.nothing.setWordWrap(True)
        self.nothing.setAccessibleName("No strategy chosen")
        self.parts: list[QWidget] = [
            self.title,
            self.meta,
            self.central_note,
            heading("For practitioners", level=2),
            self.practitioner,
            heading("Try at home", level=2),
            QLabel("As parents read it on their handout:"),
            home_box,
            heading("Tags", level=2),
            self.tags,
        ]
        column.addWidget(self.nothing)
        for part in self.parts:
            column.addWidget(part)
        column.addStretch(1)
        for label in (self.practitioner, self.home, self.tags):
            label.setTextInteractionFlags(
                Qt.TextInteractionFlag.TextSelectableByMouse
                | Qt.TextInteractionFlag.TextSelectableByKeyboard
            )
        scroll.setWidget(body)
        return scroll

    # ---- the list ----

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            watched is self.list
            and isinstance(event, QKeyEvent)
            and event.type() == QEvent.Type.KeyPress
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and event.modifiers() == Qt.KeyboardModifier.NoModifier
        ):
            self.edit_strategy()
            return True
        return super().eventFilter(watched, event)

    def focus_search(self) -> bool:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()
        return True

    def _filter(self) -> StrategyFilter:
        tag = self.tag.currentData()
        return StrategyFilter(
            text=self.search.text(),
            area_of_need=self.area.value(),
            tag=tag if isinstance(tag, str) else None,
        )

    def _search_now(self) -> None:
        self._debounce.stop()
        self.run_query()

    def run_query(self) -> None:
        self._generation += 1
        generation = self._generation
        where = self._filter()
        services = self.services
        self.runner.run(
            lambda: read_listing(services, where),
            on_done=lambda listing: self._show_listing(generation, listing),
            on_error=self._failed,
        )

    def _failed(self, error: BaseException) -> None:
        self.count.setText(error_text(error))

    def _show_listing(self, generation: int, listing: Listing) -> None:
        if generation != self._generation:
            return  # a newer query is on its way
        self._listing = listing
        self._refresh_tags(listing.tags)
        self._rows = {row.id: row for row in listing.rows}
        keep = self._selected_id if self._selected_id in self._rows else None
        self.list.blockSignals(True)
        self.list.clear()
        for row in listing.rows:
            item = QListWidgetItem(_list_text(row))
            item.setData(ID_ROLE, row.id)
            spoken = ", ".join(
                p
                for p in (row.title, row.area_label, CENTRAL_MARK if row.from_central else "")
                if p
            )
            item.setData(Qt.ItemDataRole.AccessibleTextRole, spoken)
            if row.from_central:
                item.setToolTip(FROM_CENTRAL_READ_ONLY)
            self.list.addItem(item)
            if row.id == keep:
                self.list.setCurrentItem(item)
        self.list.blockSignals(False)
        if keep is None and listing.rows:
            self.list.setCurrentRow(0)
        else:
            self._show_detail(self._rows.get(keep) if keep else None)
        self._show_counts(listing)
        self.list_ready.emit(len(listing.rows))

    def _refresh_tags(self, tags: list[str]) -> None:
        chosen = self.tag.currentData()
        self.tag.blockSignals(True)
        self.tag.clear()
        self.tag.addItem("All tags", None)
        for tag in tags:
            self.tag.addItem(tag, tag)
        index = self.tag.findData(chosen) if isinstance(chosen, str) else 0
        if index < 0:  # the tag is no longer used: keep it, so the filter stays as chosen
            self.tag.addItem(chosen, chosen)
            index = self.tag.count() - 1
        self.tag.setCurrentIndex(index)
        self.tag.blockSignals(False)

    def _show_counts(self, listing: Listing) -> None:
        shown, total = len(listing.rows), listing.total
        filtered = self._filter() != StrategyFilter()
        if total == 0:
            self.count.setText("The library is empty.")
        elif filtered:
            self.count.setText(f"{shown} of {total} strategies")
        else:
            self.count.setText(f"{total} strateg{'y' if total == 1 else 'ies'}")
        # The starter set is offered while the library holds none of it.
        offer = listing.missing > 0 and listing.missing == listing.starter_size
        self.starter_button.setText(f"Add the &starter set of {listing.missing} strategies")
        self.starter_button.setAccessibleName(
            f"Add the starter set of {listing.missing} strategies"
        )
        self.offer_text.setText(
            "The library has none of the starter set: strategies written for early years "
            "teams across the four areas of need, each with a “try at home” version for "
            "parents. You can change them to suit your team."
        )
        self.offer.setVisible(offer)
        if total == 0:
            self.empty_text.setText(
                "There are no strategies in the library yet. Add the starter set above, or "
                "write your own with New strategy… (Ctrl+N)."
            )
        else:
            self.empty_text.setText(
                "No strategy matches the search and filters. Try other words, or clear them "
                "to see the whole library."
            )
        none = not listing.rows
        self.empty.setVisible(none)
        self.clear_button.setVisible(total > 0)
        self.list.setVisible(not none)

    def clear_filters(self) -> None:
        for widget in (self.search, self.area, self.tag):
            widget.blockSignals(True)
        self.search.clear()
        self.area.set_value(None)
        self.tag.setCurrentIndex(0)
        for widget in (self.search, self.area, self.tag):
            widget.blockSignals(False)
        self._debounce.stop()
        self.run_query()
        self.search.setFocus(Qt.FocusReason.OtherFocusReason)

    # ---- the chosen strategy ----

    def _current_changed(self, item: QListWidgetItem | None, _previous: object = None) -> None:
        strategy_id = item.data(ID_ROLE) if item is not None else None
        self._show_detail(self._rows.get(strategy_id) if isinstance(strategy_id, str) else None)

    def selected(self) -> StrategyRow | None:
        return self._rows.get(self._selected_id) if self._selected_id else None

    def _show_detail(self, row: StrategyRow | None) -> None:
        self._selected_id = row.id if row else None
        for part in self.parts:
            part.setVisible(row is not None)
        self.nothing.setVisible(row is None)
        self.nothing.setText(
            "" if row else "Choose a strategy in the list to read it, or write a new one."
        )
        self.edit_button.setEnabled(row is not None and not row.from_central)
        self.edit_button.setToolTip(
            FROM_CENTRAL_READ_ONLY if row is not None and row.from_central else "Edit strategy"
        )
        if row is None:
            for label in (self.title, self.meta, self.practitioner, self.home, self.tags):
                label.clear()
            return
        self.title.setText(row.title)
        self.title.setAccessibleName(row.title)
        meta = [row.area_label or "No area of need given"]
        meta.append(CENTRAL_MARK if row.from_central else row.source)
        self.meta.setText(" · ".join(meta))
        self.central_note.setVisible(row.from_central)
        self.practitioner.setText(row.practitioner_wording or "(No wording for practitioners.)")
        self.home.setText(row.try_at_home or "(No “try at home” wording: nothing goes home.)")
        self.tags.setText(", ".join(row.tags) if row.tags else "(No tags.)")

    # ---- writing ----

    def new_strategy(self) -> None:
        self._open_dialog(None)

    def edit_strategy(self) -> None:
        row = self.selected()
        if row is not None and not row.from_central:
            self._open_dialog(row)

    def _open_dialog(self, row: StrategyRow | None) -> None:
        dialog = StrategyDialog(self.services, self.runner, row, self)
        dialog.saved.connect(lambda saved: self._saved(row, saved))
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.finished.connect(lambda _result: self._dialog_closed(dialog))
        self.dialog = dialog
        dialog.open()

    def _dialog_closed(self, dialog: StrategyDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None

    def _saved(self, row: StrategyRow | None, saved: Saved[object]) -> None:
        self._selected_id = row.id if row is not None else str(saved.value)
        if row is None:
            self.clear_filters()  # the new strategy is shown whatever the filters were
        self.list.setFocus(Qt.FocusReason.OtherFocusReason)

    def add_starter_set(self) -> None:
        self.starter_button.setEnabled(False)
        library = self.services.strategies
        self.runner.run(
            library.add_starter_set,
            on_done=lambda _saved: self._starter_added(),
            on_error=self._starter_failed,
            changes=lambda saved: saved.changes,
            progress_label="Adding the starter set…",
            parent=self,
        )

    def _starter_added(self) -> None:
        self.starter_button.setEnabled(True)
        self.list.setFocus(Qt.FocusReason.OtherFocusReason)

    def _starter_failed(self, error: BaseException) -> None:
        self.starter_button.setEnabled(True)
        self.offer_text.setText(error_text(error))

    def _on_changes(self, changes: Changes) -> None:
        if changes.touches("strategy") and self.isVisible():
            self.run_query()

    # ---- Page ----

    def reload(self) -> None:
        self.run_query()

    def clear_personal_data(self) -> None:
        """A strategy a team wrote may name a child: nothing of the library stays shown."""
        self._generation += 1  # a query still running is dropped when it lands
        self._rows = {}
        self._listing = None
        self.list.clear()
        self.search.blockSignals(True)
        self.search.clear()
        self.search.blockSignals(False)
        self._debounce.stop()
        self._show_detail(None)
        self.count.clear()
        if self.dialog is not None:
            self.dialog.reject()
            self.dialog = None
