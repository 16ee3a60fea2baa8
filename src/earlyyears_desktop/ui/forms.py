"""A small dialog with labelled fields, a message beside each field, and one save through the
runner: the shape shared by the carer, team, consent, group, enrolment and session dialogs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, TypeVar

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from earlyyears_desktop.domain.errors import ValidationError
from earlyyears_desktop.services.unit_of_work import Changes, Saved
from earlyyears_desktop.ui.error_text import error_text
from earlyyears_desktop.ui.operations import OpRunner
from earlyyears_desktop.ui.widgets import FieldError

#: the field widget handed to `add_field`, handed back with its own type
FieldWidget = TypeVar("FieldWidget", bound=QWidget)


def qdate(day: dt.date) -> QDate:
    return QDate(day.year, day.month, day.day)


def date_edit(day: dt.date, name: str, what: str = "") -> QDateEdit:
    """A date field with a calendar, in the unambiguous '26 Nov 2026' form; `what` says what
    the date is for (a field without a label of its own needs it)."""
    edit = QDateEdit(qdate(day))
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("d MMM yyyy")
    edit.setAccessibleName(name)
    edit.setAccessibleDescription(
        what or "Type the day, month and year; Up and Down change the part the cursor is in"
    )
    return edit


def py_date(edit: QDateEdit) -> dt.date:
    day = edit.date()
    return dt.date(day.year(), day.month(), day.day())


class FormDialog(QDialog):
    """`saved(result)` once the service accepted the change; nothing is saved before.

    Subclasses add fields with `add_field(field, label, widget)`, where `field` is the name a
    service's ValidationError uses; a refusal shows its message beside that field (or above
    the buttons for a field the form does not show) and changes nothing.
    """

    saved = Signal(object)

    def __init__(
        self,
        title: str,
        runner: OpRunner,
        parent: QWidget | None = None,
        *,
        intro: str = "",
        save_text: str = "&Save",
    ) -> None:
        super().__init__(parent)
        self.runner = runner
        self.setWindowTitle(title)
        self.setAccessibleName(title)
        self.setMinimumWidth(460)
        self.errors: dict[str, FieldError] = {}
        self.fields: dict[str, QWidget] = {}
        self.outer = QVBoxLayout(self)
        if intro:
            text = QLabel(intro)
            text.setWordWrap(True)
            text.setTextFormat(Qt.TextFormat.PlainText)
            self.outer.addWidget(text)
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.outer.addLayout(self.form)
        self.summary = FieldError("form")
        self.summary.setAccessibleName("Problem saving")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setText(save_text)
        self.save_button.setAccessibleName(save_text.replace("&", ""))
        cancel = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        cancel.setAccessibleName("Cancel")
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)

    def finish_layout(self) -> None:
        """Call once the fields are added: the summary and the buttons go last."""
        self.outer.addWidget(self.summary)
        self.outer.addWidget(self.buttons)

    def add_field(
        self, field: str, label: str, widget: FieldWidget, form: QFormLayout | None = None
    ) -> FieldWidget:
        """Add a labelled row to `form` (this dialog's own form unless another is given)."""
        target = self.form if form is None else form
        error = FieldError(field)
        holder = QWidget()
        column = QVBoxLayout(holder)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(widget)
        column.addWidget(error)
        if label:
            caption = QLabel(label)
            caption.setBuddy(widget)
            target.addRow(caption, holder)
        else:
            target.addRow(holder)
        self.errors[field] = error
        self.fields[field] = widget
        if not widget.accessibleName():
            widget.setAccessibleName(label.replace("&", "").rstrip(":") or field)
        return widget

    def alias(self, field: str, shown_as: str) -> None:
        """A service field shown beside another field of this form."""
        self.errors[field] = self.errors[shown_as]
        self.fields[field] = self.fields[shown_as]

    # ---- saving ----

    def clear_errors(self) -> None:
        for error in set(self.errors.values()):
            error.clear_message()
        self.summary.clear_message()

    def show_error(self, field: str, message: str) -> None:
        error = self.errors.get(field)
        if error is None:
            self.summary.show_message(message)
            return
        error.show_message(message)
        widget = self.fields.get(field)
        if widget is not None:
            widget.setFocus(Qt.FocusReason.OtherFocusReason)

    def work(self) -> Callable[[], Any]:
        """The service call to run on the database thread (raise ValidationError to refuse
        before anything runs); a service write answers `Saved`."""
        raise NotImplementedError

    def save(self) -> None:
        self.clear_errors()
        try:
            work = self.work()
        except ValidationError as exc:
            self.show_error(exc.field, exc.message)
            return
        self.buttons.setEnabled(False)
        self.runner.run(
            work,
            on_done=self._saved,
            on_error=self._failed,
            changes=_changes_in,
            progress_label="Saving…",
            parent=self,
        )

    def _saved(self, result: Any) -> None:
        self.buttons.setEnabled(True)
        self.saved.emit(result)
        self.accept()

    def _failed(self, error: BaseException) -> None:
        self.buttons.setEnabled(True)
        if isinstance(error, ValidationError):
            self.show_error(error.field, error.message)
        else:
            self.summary.show_message(error_text(error))


def _changes_in(result: object) -> Changes | None:
    """What a service write changed, to broadcast; a form whose work writes no record (a new
    passphrase) broadcasts nothing."""
    return result.changes if isinstance(result, Saved) else None


def confirm(
    parent: QWidget, title: str, text: str, yes_text: str, on_yes: Callable[[], object]
) -> QMessageBox:
    """Ask before something that cannot be undone here; window-modal, never blocking."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle(title)
    box.setAccessibleName(title)
    box.setText(text)
    yes = box.addButton(yes_text, QMessageBox.ButtonRole.AcceptRole)
    box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(QMessageBox.StandardButton.Cancel)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.buttonClicked.connect(lambda button: on_yes() if button is yes else None)
    box.open()
    return box
