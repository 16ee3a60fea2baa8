"""The body of the visit editor (`ui/visit_editor.py`): the visit's fields in the order they
are written at a visit, the targets to rate, the observations noted and the strategies
shared. It saves nothing: `edited(field)` tells the editor what was typed."""

from __future__ import annotations

from collections.abc import Collection
from itertools import pairwise
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDateEdit,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from earlyyears_desktop.domain.errors import ValidationError
from earlyyears_desktop.services.home_visits import MAX_PRESENT_CHARS
from earlyyears_desktop.services.visit_views import FIELD_LABELS, VisitView
from earlyyears_desktop.ui.forms import date_edit, py_date, qdate
from earlyyears_desktop.ui.visit_targets import TargetsBox
from earlyyears_desktop.ui.widgets import FieldError, heading, long_date, parse_uk_date

BAD_DATE = "Please write the date as day/month/year, for example 9/12/2026."
NO_OBSERVATIONS = "No observation noted at this visit yet."
LINE_FIELDS = ("carers_present", "siblings_present", "others_present")
BOX_FIELDS = ("activities", "how_it_went", "family_will_practise", "notes")
CAPTIONS = {
    "visited_on": "&Date of the visit:",
    "carers_present": "&Carers:",
    "siblings_present": "&Brothers and sisters:",
    "others_present": "Other p&rofessionals:",
    "activities": "&What we did:",
    "how_it_went": "&How it went:",
    "family_will_practise": "What the family will &practise:",
    "next_visit_on": "Ne&xt visit:",
    "notes": "Notes for the &team:",
}
PLACEHOLDERS = {
    "carers_present": "Who of the family was there: Mum (Amara), Grandad…",
    "siblings_present": "Brothers and sisters at home: Tobi (6)…",
    "others_present": "An interpreter, a speech and language therapist…",
    "activities": "What we did together: bubbles, posting box, action rhymes…",
    "how_it_went": "How it went, in words for the family's visit record",
    "family_will_practise": "What the family will try before the next visit",
    "next_visit_on": "day/month/year, for example 9/12/2026 (empty: not booked yet)",
    "notes": "For the team only: not printed on the family's visit record",
}


class VisitForm(QWidget):
    """The fields, targets, observations and strategies of one visit."""

    #: the user typed in a field (one of `VISIT_FIELDS`)
    edited = Signal(str)

    def __init__(self, today_: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._loading = False
        self.errors: dict[str, FieldError] = {}
        self.widgets: dict[str, QWidget] = {}
        column = QVBoxLayout(self)
        about = QFormLayout()
        about.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.visited_on: QDateEdit = self._field(about, "visited_on", date_edit(today_, ""))
        self.visited_on.dateChanged.connect(lambda _d: self._edited("visited_on"))
        for name in LINE_FIELDS:
            self._line(about, name)
        for name in BOX_FIELDS[:2]:
            self._box(about, name)
        column.addLayout(about)

        column.addWidget(heading("Teaching targets", 2))
        self.targets = TargetsBox()
        column.addWidget(self.targets)

        column.addWidget(heading("Observations", 2))
        self.observations = QListWidget()
        self.observations.setAccessibleName("Observations noted at this visit")
        self.observations.setAccessibleDescription(
            "What was noted about the child during this visit; the button below notes another"
        )
        self.observations.setMaximumHeight(110)
        self.note_button = QPushButton("&Note an observation… (Alt+N)")
        self.note_button.setAccessibleName("Note an observation")
        column.addWidget(self.observations)
        column.addWidget(self.note_button, 0, Qt.AlignmentFlag.AlignLeft)

        column.addWidget(heading("Strategies shared", 2))
        self.strategies = QListWidget()
        self.strategies.setAccessibleName("Strategies shared at this visit")
        self.strategies.setAccessibleDescription(
            "The strategies given to the family at this visit, to try at home"
        )
        self.strategies.setMaximumHeight(110)
        self.share_button = QPushButton("Share a &strategy…")
        self.share_button.setAccessibleName("Share a strategy")
        self.unshare_button = QPushButton("Ta&ke back")
        self.unshare_button.setAccessibleName("Take back the chosen strategy")
        self.unshare_button.setToolTip("Take back the chosen strategy (shared by mistake)")
        strategy_buttons = QHBoxLayout()
        strategy_buttons.addWidget(self.share_button)
        strategy_buttons.addWidget(self.unshare_button)
        strategy_buttons.addStretch(1)
        column.addWidget(self.strategies)
        column.addLayout(strategy_buttons)

        after = QFormLayout()
        after.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self._box(after, "family_will_practise")
        self.next_visit_on = self._line(after, "next_visit_on")
        self.next_visit_said = QLabel()
        self.next_visit_said.setAccessibleName("The next visit's date in words")
        after.addRow("", self.next_visit_said)
        self._box(after, "notes")
        column.addLayout(after)
        column.addStretch(1)

    # ---- building ----

    def _field(self, form: QFormLayout, name: str, widget: Any) -> Any:
        error = FieldError(name)
        holder = QWidget()
        holder_layout = QVBoxLayout(holder)
        holder_layout.setContentsMargins(0, 0, 0, 0)
        holder_layout.setSpacing(2)
        holder_layout.addWidget(widget)
        holder_layout.addWidget(error)
        caption = QLabel(CAPTIONS[name])
        caption.setBuddy(widget)
        form.addRow(caption, holder)
        widget.setAccessibleName(FIELD_LABELS[name])
        self.errors[name] = error
        self.widgets[name] = widget
        return widget

    def _line(self, form: QFormLayout, name: str) -> QLineEdit:
        edit: QLineEdit = self._field(form, name, QLineEdit())
        edit.setMaxLength(MAX_PRESENT_CHARS)  # never a refusal that would hold up the words
        edit.setPlaceholderText(PLACEHOLDERS[name])
        edit.textEdited.connect(lambda _t: self._edited(name))
        return edit

    def _box(self, form: QFormLayout, name: str) -> QPlainTextEdit:
        box: QPlainTextEdit = self._field(form, name, QPlainTextEdit())
        box.setPlaceholderText(PLACEHOLDERS[name])
        box.setTabChangesFocus(True)
        box.setFixedHeight(68)
        box.textChanged.connect(lambda: self._edited(name))
        return box

    def _edited(self, name: str) -> None:
        if self._loading:
            return
        if name == "next_visit_on":
            try:
                day = parse_uk_date(self.next_visit_on.text())
            except ValueError:
                day = None
            self.next_visit_said.setText(long_date(day))
        self.edited.emit(name)

    # ---- showing ----

    def show_fields(self, view: VisitView) -> None:
        """The visit's fields as saved (what is typed in them is replaced)."""
        self._loading = True
        try:
            self.visited_on.setDate(qdate(view.visited_on))
            for name in LINE_FIELDS:
                line = self.widgets[name]
                assert isinstance(line, QLineEdit)
                line.setText(str(view.value(name)))
            for name in BOX_FIELDS:
                box = self.widgets[name]
                assert isinstance(box, QPlainTextEdit)
                if box.toPlainText() != view.value(name):
                    box.setPlainText(str(view.value(name)))
            self.next_visit_on.setText(
                view.next_visit_on.strftime("%d/%m/%Y") if view.next_visit_on else ""
            )
            self.next_visit_said.setText(long_date(view.next_visit_on))
        finally:
            self._loading = False
        for error in self.errors.values():
            error.clear_message()

    def show_lists(self, view: VisitView, typing: Collection[str] = ()) -> None:
        """The targets, observations and strategies of the visit (`typing`: the targets whose
        note is being typed, left as they are)."""
        self.targets.show_targets(view.targets, finished=view.finished, typing=typing)
        # Rows made after the form come last in the focus chain: Tab goes from "How it went"
        # through each target's rating and note to the observations.
        chain: list[QWidget] = [self.widgets["how_it_went"]]
        for row in self.targets.rows.values():
            chain += [row, row.note]
        chain.append(self.observations)
        for before, after in pairwise(chain):
            QWidget.setTabOrder(before, after)
        self.observations.clear()
        for observation in view.observations:
            first_line = observation.text.splitlines()[0] if observation.text else ""
            shared = " (shared with the family)" if observation.share_with_parents else ""
            self.observations.addItem(first_line + shared)
        if not view.observations:
            self.observations.addItem(NO_OBSERVATIONS)
        self.strategies.clear()
        for shared_strategy in view.strategies:
            at_home = shared_strategy.try_at_home
            item = QListWidgetItem(shared_strategy.title + (f": {at_home}" if at_home else ""))
            item.setData(Qt.ItemDataRole.UserRole, shared_strategy.id)
            self.strategies.addItem(item)
        if not view.strategies:
            self.strategies.addItem("No strategy shared at this visit yet.")

    def set_mode(self, *, finished: bool, editing: bool) -> None:
        """In progress: everything editable; finished: read-only (its fields editable while
        they are being changed with a reason)."""
        for widget in self.widgets.values():
            if isinstance(widget, QLineEdit | QPlainTextEdit | QDateEdit):
                widget.setReadOnly(finished and not editing)
        for button in (self.note_button, self.share_button, self.unshare_button):
            button.setVisible(not finished)

    # ---- reading what is typed ----

    def value(self, name: str) -> object:
        """The value typed in a field; ValidationError for a date that cannot be read."""
        widget = self.widgets[name]
        if name == "visited_on":
            return py_date(self.visited_on)
        if name == "next_visit_on":
            try:
                return parse_uk_date(self.next_visit_on.text())
            except ValueError:
                raise ValidationError("next_visit_on", BAD_DATE) from None
        if isinstance(widget, QLineEdit):
            return widget.text()
        assert isinstance(widget, QPlainTextEdit)
        return widget.toPlainText()

    def show_error(self, error: ValidationError) -> bool:
        """The message beside its field (False: not a field of this form)."""
        shown = self.errors.get(error.field)
        if shown is None:
            return False
        shown.show_message(error.message)
        return True

    def first_refusal(self) -> str | None:
        return next((e.text() for e in self.errors.values() if not e.isHidden()), None)

    def chosen_strategy(self) -> str | None:
        item = self.strategies.currentItem()
        value = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        return None if value is None else str(value)
