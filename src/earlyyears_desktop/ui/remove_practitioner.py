"""Settings > Remove from this vault…: a colleague leaves.

The dialog says in plain words what removing does, and what a re-key adds (a new key for the
vault, so that a copy they kept opens nothing written from today), names the colleagues who
will need a new passphrase afterwards, and offers "Remove and re-key" (the default) or
"Remove only". The work runs on the database thread with a progress dialog (OpRunner); the
result, and after a re-key the new recovery key (with its Print…), are shown after.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from earlyyears_desktop.services.accounts import (
    OLD_RECOVERY_KEY,
    Accounts,
    Removal,
    RemovalPlan,
)
from earlyyears_desktop.ui.error_text import error_text
from earlyyears_desktop.ui.operations import OpRunner

REKEYING = "Re-keying the vault: the records are being encrypted under a new key…"


def explanation(plan: RemovalPlan) -> str:
    """What the dialog says, as rich text (names escaped)."""
    name = escape(plan.name)
    parts = [
        f"<p><b>{name}</b> will no longer be able to unlock these records. Their past "
        "records keep their name as the author.</p>",
        "<p><b>Remove and re-key</b> (recommended) also gives the vault a new key: a copy "
        f"of the vault {name} may have kept, or anything they know, opens nothing written "
        "from today. Everyone else keeps their own passphrase. It takes up to a minute.</p>",
    ]
    for other in plan.need_new_passphrase:
        parts.append(
            f"<p>{escape(other)} has not unlocked since this version: they will need a new "
            "passphrase from an administrator afterwards.</p>"
        )
    parts.append(
        "<p>A re-key also makes a new recovery key, shown once: have paper or a printer "
        "ready. The old recovery key stops working.</p>"
    )
    parts.append(
        "<p>A copy of the vault or a backup made before today still opens with the old "
        "passphrases and the old recovery key: ask for it back or destroy it.</p>"
    )
    return "".join(parts)


def result_text(removal: Removal) -> str:
    """What the page says once it is done (one paragraph, plain text)."""
    if removal.rekeyed:
        text = f"{removal.name} is removed and the vault has a new key."
    else:
        text = f"{removal.name} is removed."
    if removal.recovery_key:
        text += f" A new recovery key was made. {OLD_RECOVERY_KEY}"
    for other in removal.need_new_passphrase:
        text += f" {other} needs a new passphrase: reset it with the new recovery key."
    return f"{text} {removal.old_copies}"


class RemovePractitionerDialog(QDialog):
    """Asks, then runs the removal; `removed` carries the `Removal` once done."""

    removed = Signal(object)

    def __init__(
        self,
        accounts: Accounts,
        plan: RemovalPlan,
        runner: OpRunner,
        parent: QWidget | None = None,
        *,
        remove: Callable[[str, bool], Removal] | None = None,
    ) -> None:
        super().__init__(parent)
        self.accounts, self.plan, self.runner = accounts, plan, runner
        self._remove = remove or (lambda pid, rekey: accounts.remove_practitioner(pid, rekey=rekey))
        title = f"Remove {plan.name} from this vault"
        self.setWindowTitle(title)
        self.setAccessibleName(title)
        self.setMinimumWidth(520)
        layout = QVBoxLayout(self)
        self.text = QLabel(explanation(plan))
        self.text.setWordWrap(True)
        self.text.setAccessibleName("What removing does")
        layout.addWidget(self.text)
        self.error = QLabel("")
        self.error.setWordWrap(True)
        self.error.setAccessibleName("Why it could not be done")
        self.error.hide()
        layout.addWidget(self.error)
        self.buttons = QDialogButtonBox()
        self.rekey_button = QPushButton("Remove and re-&key")
        self.rekey_button.setAccessibleName(f"Remove {plan.name} and re-key the vault")
        self.only_button = QPushButton("Remove &only")
        self.only_button.setAccessibleName(f"Remove {plan.name} without re-keying")
        self.buttons.addButton(self.rekey_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(self.only_button, QDialogButtonBox.ButtonRole.ActionRole)
        cancel = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        cancel.setAccessibleName("Cancel: remove nobody")
        self.rekey_button.setDefault(True)
        self.rekey_button.clicked.connect(lambda: self._run(True))
        self.only_button.clicked.connect(lambda: self._run(False))
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.rekey_button.setFocus()

    def _run(self, rekey: bool) -> None:
        self.buttons.setEnabled(False)
        pid = self.plan.practitioner_id
        self.runner.run(
            lambda: self._remove(pid, rekey),
            on_done=self._done,
            on_error=self._failed,
            progress_label=REKEYING if rekey else "Removing…",
            parent=self,
        )

    def _done(self, removal: Removal) -> None:
        self.removed.emit(removal)
        self.accept()

    def _failed(self, error: BaseException) -> None:
        self.buttons.setEnabled(True)
        self.error.setText(f"Nobody was removed. {error_text(error)}")
        self.error.show()
