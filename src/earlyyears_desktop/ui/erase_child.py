"""Erasing a child's records from their record (administrators): the button, the confirmation
in plain words, the erasure on the worker with a progress dialog, then the record closes.

The button has no mnemonic on purpose: an erasure is never one key press away (Tab reaches
it, and the dialog asks for the word ERASE before its button works).
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from earlyyears_desktop.domain.enums import ErasureReason
from earlyyears_desktop.services.container import Services
from earlyyears_desktop.services.erasure import ErasureDone
from earlyyears_desktop.services.unit_of_work import Saved
from earlyyears_desktop.ui.enum_combo import EnumCombo
from earlyyears_desktop.ui.error_text import error_text
from earlyyears_desktop.ui.operations import OpRunner
from earlyyears_desktop.ui.widgets import FieldError

BUTTON_TEXT = "Erase this child's records…"
CONFIRM_WORD = "ERASE"
PROGRESS_LABEL = (
    "Erasing the child's records, then compacting the vault so no trace is left in its "
    "file. A large vault takes a little while."
)
#: what goes and what stays, in plain words (the dialog's and the user guide's)
WHAT_HAPPENS = (
    "<p>Everything recorded about <b>{name}</b> is removed from this laptop for good: their "
    "details, family and consents, attendance marks, observations and their earlier "
    "versions, visits, targets, plans, referrals, what was said about them at meetings, "
    "notifications to the local authority, and any search entries. It cannot be undone.</p>"
    "<p><b>What stays:</b> sessions, groups and meetings that other children were part of "
    "(without {name}); and the audit trail's entries, which name no one (ids and times "
    "only), with one entry saying that a child's records were erased.</p>"
    "<p><b>The local authority's central service is told to erase them too</b> in the next "
    "sync, whatever the consents recorded, and other laptops that hold them will be "
    "told.</p>"
    "<p><b>Backups made before today still hold {name}</b> until those backups are deleted: "
    "delete them, or keep them locked away until they expire. The copies this laptop took "
    "of the vault before updating it are deleted with the records.</p>"
)
#: the reasons a person chooses (the central service's instruction is never chosen here)
CHOSEN_REASONS = [r for r in ErasureReason if r is not ErasureReason.CENTRAL_INSTRUCTION]


class EraseChildButton(QPushButton):
    """ "Erase this child's records…": enabled for administrators, otherwise disabled with the
    reason in its tooltip and accessible description."""

    def __init__(self, services: Services, runner: OpRunner, on_erased: Callable[[], None]) -> None:
        super().__init__(BUTTON_TEXT)
        self.services = services
        self.runner = runner
        self.on_erased = on_erased
        self.child: tuple[str, str] | None = None
        self.dialog: EraseChildDialog | None = None
        self.setAccessibleName("Erase this child's records")
        self.setEnabled(False)
        self.clicked.connect(self.ask)

    def set_child(self, child_id: str, name: str) -> None:
        """Show for a child; whether the person unlocked may erase is read on the worker."""
        self.child = (child_id, name)
        admins = self.services.administrators
        actor = self.services.actor.practitioner_id

        def allowed() -> tuple[bool, list[str]]:
            return admins.is_administrator(actor), admins.names()

        self.runner.run(allowed, on_done=self._allowed)

    def _allowed(self, answer: tuple[bool, list[str]]) -> None:
        if not isValid(self):  # the record was closed (the window locked) meanwhile
            return
        may, names = answer
        self.setEnabled(may)
        if may:
            why = "Erase every record of this child from this laptop, for good"
        else:
            ask = f" Ask {', '.join(names)}." if names else ""
            why = f"Only an administrator can erase a child's records.{ask}"
        self.setToolTip(why)
        self.setAccessibleDescription(why)

    def ask(self) -> None:
        if self.child is None:
            return
        self.dialog = EraseChildDialog(self.child[1], self.window())
        self.dialog.accepted.connect(self._erase)
        self.dialog.open()

    def _erase(self) -> None:
        if self.child is None or self.dialog is None:
            return
        child_id, name = self.child
        reason = self.dialog.reason.value() or ErasureReason.FAMILY_REQUEST.value
        erasure = self.services.erasure
        self.runner.run(
            lambda: erasure.erase_child(child_id, reason),
            changes=lambda saved: saved.changes,
            on_done=lambda saved: self._erased(name, saved),
            on_error=self._failed,
            progress_label=PROGRESS_LABEL,
            parent=self.window(),
        )

    def _erased(self, name: str, saved: Saved[ErasureDone]) -> None:
        self.child = None
        self.on_erased()
        text = f"{name}'s records were erased from this laptop."
        if saved.warning:
            text += f" {saved.warning}"
        box = QMessageBox(
            QMessageBox.Icon.Information,
            "Records erased",
            text,
            QMessageBox.StandardButton.Close,
            self.window(),
        )
        box.setInformativeText(
            "The local authority's central service will be told in the next sync."
        )
        box.setAccessibleName("Records erased")
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()

    def _failed(self, error: BaseException) -> None:
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            "The records were not erased",
            f"Nothing was erased. {error_text(error)}",
            QMessageBox.StandardButton.Close,
            self.window(),
        )
        box.setAccessibleName("The records were not erased")
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()


class EraseChildDialog(QDialog):
    """What goes and what stays, why, and the word ERASE typed before the button works."""

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Erase this child's records")
        self.setAccessibleName("Erase this child's records")
        self.setWindowModality(Qt.WindowModality.WindowModal)
        layout = QVBoxLayout(self)
        what = QLabel(WHAT_HAPPENS.format(name=escape(name)))
        what.setWordWrap(True)
        what.setTextFormat(Qt.TextFormat.RichText)
        what.setAccessibleName("What erasing does")
        layout.addWidget(what)
        form = QFormLayout()
        self.reason = EnumCombo(ErasureReason, "Why the records are erased")
        self.reason.clear()
        for member in CHOSEN_REASONS:
            self.reason.addItem(member.label, member.value)
        form.addRow("&Why:", self.reason)
        self.word = QLineEdit()
        self.word.setAccessibleName(f"Type {CONFIRM_WORD} to confirm")
        self.word.setPlaceholderText(CONFIRM_WORD)
        self.word.textChanged.connect(self._typed)
        form.addRow(f"&Type {CONFIRM_WORD} to confirm:", self.word)
        layout.addLayout(form)
        self.hint = FieldError("confirmation")
        layout.addWidget(self.hint)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.erase_button = buttons.addButton(
            "&Erase for good", QDialogButtonBox.ButtonRole.DestructiveRole
        )
        self.erase_button.setAccessibleName("Erase the records for good")
        self.erase_button.setEnabled(False)
        self.erase_button.setAutoDefault(False)
        self.erase_button.clicked.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.word.setFocus()

    def _typed(self, text: str) -> None:
        ready = text.strip() == CONFIRM_WORD
        self.erase_button.setEnabled(ready)
        if text and not ready and len(text.strip()) >= len(CONFIRM_WORD):
            self.hint.show_message(f"Type the word {CONFIRM_WORD} in capitals.")
        else:
            self.hint.clear_message()
