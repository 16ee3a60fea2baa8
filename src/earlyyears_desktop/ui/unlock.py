"""The unlock screen: who you are, your passphrase, and the way back in with the recovery key."""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from earlyyears_desktop.services.accounts import (
    DomainError,
    RecoveryUnlock,
    UnlockedVault,
    ValidationError,
    WrongPassphrase,
    looks_like_recovery_key,
    unlock,
    unlock_choices,
    unlock_with_recovery_key,
)
from earlyyears_desktop.services.clock import Clock
from earlyyears_desktop.services.restore import (
    VaultDamaged,
    backup_for_damaged_vault,
    suggested_restore_folder,
)
from earlyyears_desktop.ui.error_text import error_text
from earlyyears_desktop.ui.operations import OpRunner
from earlyyears_desktop.ui.passphrase_fields import PassphraseFields, rows_of
from earlyyears_desktop.ui.preferences import Preferences
from earlyyears_desktop.ui.widgets import FieldError, heading, passphrase_edit

log = logging.getLogger(__name__)

#: wrong passphrases allowed before each further try waits
FREE_ATTEMPTS = 3
#: the first wait; each further failure doubles it, up to MAX_DELAY_SECONDS
FIRST_DELAY_SECONDS = 5
MAX_DELAY_SECONDS = 300

INTRO_ONE = "The records on this laptop are encrypted. Type your passphrase to open them."
INTRO_SEVERAL = (
    "The records on this laptop are encrypted. Choose who you are and type your own passphrase."
)
NO_BACKUP_KNOWN = (
    "If you have a backup (on a USB stick, for example), use Restore a backup… to put it in a "
    "new folder; the damaged records are left as they are."
)
RECOVERY_KEY_HERE = (
    "That looks like the recovery key: use Forgotten passphrase… to set a new passphrase."
)


def delay_after(failures: int, first: int = FIRST_DELAY_SECONDS) -> int:
    """Seconds to wait after `failures` wrong passphrases in a row."""
    if failures < FREE_ATTEMPTS:
        return 0
    doublings = failures - FREE_ATTEMPTS
    return min(first * int(2**doublings), MAX_DELAY_SECONDS)


class UnlockScreen(QWidget):
    """Emits `unlocked(UnlockedVault)`; the key derivation runs on the database thread.
    Emits `restored(Path)` when a backup was restored into a new folder from here (the app
    then remembers that folder as its vault and shows its unlock screen).

    `clock` is what the unlocked vault's services read the date from (the wall clock unless
    given)."""

    unlocked = Signal(object)
    restored = Signal(object)

    def __init__(
        self,
        folder: Path,
        runner: OpRunner,
        last_practitioner_id: str = "",
        parent: QWidget | None = None,
        *,
        clock: Clock | None = None,
    ) -> None:
        super().__init__(parent)
        self.folder = Path(folder)
        self.runner = runner
        self.clock = clock
        self.failures = 0
        self.first_delay_seconds = FIRST_DELAY_SECONDS
        self._wait_left = 0
        self._wait_text = ""
        self._busy = False
        self._countdown = QTimer(self)
        self._countdown.setInterval(1000)
        self._countdown.timeout.connect(self._tick)
        self.setAccessibleName("Unlock")

        outer = QVBoxLayout(self)
        outer.addStretch(1)
        box = QWidget()
        box.setMaximumWidth(560)
        form_box = QVBoxLayout(box)
        form_box.addWidget(heading("Early Years: unlock the records"))
        self.intro = QLabel(INTRO_ONE)
        self.intro.setWordWrap(True)
        form_box.addWidget(self.intro)

        form = QFormLayout()
        self.who = QComboBox()
        self.who.setAccessibleName("Who are you")
        self.who_label = QLabel("&Who are you:")
        self.who_label.setBuddy(self.who)
        form.addRow(self.who_label, self.who)
        self.passphrase = passphrase_edit("Passphrase")
        self.passphrase.returnPressed.connect(self.try_unlock)
        label = QLabel("&Passphrase:")
        label.setBuddy(self.passphrase)
        form.addRow(label, self.passphrase)
        form_box.addLayout(form)

        self.message = FieldError("passphrase")
        self.message.setAccessibleName("Unlock message")
        form_box.addWidget(self.message)

        buttons = QHBoxLayout()
        self.unlock_button = QPushButton("&Unlock")
        self.unlock_button.setDefault(True)
        self.unlock_button.setAccessibleName("Unlock")
        self.unlock_button.clicked.connect(self.try_unlock)
        self.forgotten = QPushButton("&Forgotten passphrase…")
        self.forgotten.setAccessibleName("Forgotten passphrase: use the recovery key")
        self.forgotten.clicked.connect(self.open_recovery)
        buttons.addWidget(self.unlock_button)
        buttons.addStretch(1)
        buttons.addWidget(self.forgotten)
        form_box.addLayout(buttons)
        restore_row = QHBoxLayout()
        self.restore_latest = QPushButton("Restore the &latest backup…")
        self.restore_latest.setAccessibleName("Restore the latest backup into a new folder")
        self.restore_latest.clicked.connect(self.open_restore_latest)
        self.restore_latest.hide()
        self.restore_button = QPushButton("Restore a &backup…")
        self.restore_button.setAccessibleName("Restore a backup into a new folder")
        self.restore_button.clicked.connect(lambda: self.open_restore())
        restore_row.addWidget(self.restore_latest)
        restore_row.addStretch(1)
        restore_row.addWidget(self.restore_button)
        form_box.addLayout(restore_row)
        #: the newest backup of this vault, offered when the unlock found it damaged
        self.latest_backup: Path | None = None
        #: the restore dialog while it is open (a test drives it)
        self.restore_dialog: QDialog | None = None

        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(box, 3)
        row.addStretch(1)
        outer.addLayout(row)
        outer.addStretch(2)
        self.refresh_choices(last_practitioner_id)

    # ---- practitioners ----

    def refresh_choices(self, select_id: str = "") -> None:
        current = select_id or (self.who.currentData() or "")
        self.who.clear()
        try:
            choices = unlock_choices(self.folder)
        except DomainError as exc:  # the key-slot file cannot be read: said in its words
            self.message.show_message(error_text(exc))
            choices = []
        for choice in choices:
            self.who.addItem(choice.label or "Practitioner", choice.practitioner_id)
        index = self.who.findData(current) if current else -1
        self.who.setCurrentIndex(max(index, 0))
        several = len(choices) > 1
        self.who.setVisible(several)
        self.who_label.setVisible(several)
        self.intro.setText(INTRO_SEVERAL if several else INTRO_ONE)

    # ---- unlocking ----

    def reset(self) -> None:
        """Back to an empty field with the focus in it (after a lock)."""
        self.passphrase.clear()
        if not self._wait_left:
            self.message.clear_message()
        self.restore_latest.hide()
        self._set_enabled(not self._wait_left)
        self.refresh_choices()
        self.focus_passphrase()

    def focus_passphrase(self) -> None:
        self.passphrase.setFocus(Qt.FocusReason.OtherFocusReason)

    def try_unlock(self) -> None:
        if self._busy or self._wait_left:
            return
        secret = self.passphrase.text()
        if not secret:
            self.message.show_message("Please type your passphrase.")
            return
        practitioner_id: str | None = self.who.currentData()
        self._busy = True
        self._set_enabled(False)
        self.message.show_message("Checking…")
        folder, clock = self.folder, self.clock
        self.runner.run(
            lambda: unlock(folder, secret, practitioner_id=practitioner_id, clock=clock),
            on_done=self._opened,
            on_error=lambda error: self._failed(error, secret),
            progress_label="Opening the records (this can take a moment after an update)…",
            parent=self,
        )

    def _opened(self, unlocked: UnlockedVault) -> None:
        self._busy = False
        self.failures = 0
        self.passphrase.clear()
        self.message.clear_message()
        self._set_enabled(True)
        self.unlocked.emit(unlocked)

    def _failed(self, error: BaseException, secret: str = "") -> None:
        self._busy = False
        self.passphrase.clear()
        if isinstance(error, WrongPassphrase) and looks_like_recovery_key(secret):
            # The recovery key typed where the passphrase goes: say where it belongs. Not a
            # wrong guess at the passphrase, so it adds no wait.
            self.message.show_message(RECOVERY_KEY_HERE)
        elif isinstance(error, WrongPassphrase):
            self.failures += 1
            wait = delay_after(self.failures, self.first_delay_seconds)
            text = "That passphrase is not right. Check Caps Lock and try again."
            if wait:
                self._start_wait(wait, text)
                return
            self.message.show_message(text)
        elif isinstance(error, VaultDamaged):
            self._offer_backup(error_text(error))
        else:
            self.message.show_message(error_text(error))
        self._set_enabled(True)
        self.focus_passphrase()

    def _start_wait(self, seconds: int, text: str) -> None:
        self._wait_left = seconds
        self._wait_text = text
        self._set_enabled(False)
        self._show_wait()
        self._countdown.start()

    def _show_wait(self) -> None:
        self.message.show_message(
            f"{self._wait_text}\nAfter {self.failures} wrong tries, please wait "
            f"{self._wait_left} second{'s' if self._wait_left != 1 else ''} before trying again."
        )

    def _tick(self) -> None:
        self._wait_left -= 1
        if self._wait_left > 0:
            self._show_wait()
            return
        self._wait_left = 0
        self._countdown.stop()
        self.message.show_message("You can try again now.")
        self._set_enabled(True)
        self.focus_passphrase()

    @property
    def waiting_seconds(self) -> int:
        return self._wait_left

    def _set_enabled(self, on: bool) -> None:
        for w in (self.passphrase, self.unlock_button, self.who, self.forgotten):
            w.setEnabled(on)

    # ---- restoring a backup ----

    def _offer_backup(self, what_is_wrong: str) -> None:
        """A damaged vault is never written to: name its newest backup, offer to restore it
        into a new folder, or say where one may be."""
        latest = backup_for_damaged_vault(self.folder, Preferences(self.folder).backup_folder)
        self.latest_backup = latest.path if latest is not None else None
        if latest is None:
            self.message.show_message(f"{what_is_wrong}\n{NO_BACKUP_KNOWN}")
            return
        self.message.show_message(
            f"{what_is_wrong}\nThe newest backup of these records is {latest.name}, made "
            f"{latest.made_at:%-d %B %Y at %H:%M}, in {latest.path.parent}: Restore the latest "
            "backup… puts it in a new folder; the damaged records are left as they are."
        )
        self.restore_latest.show()

    def open_restore_latest(self) -> None:
        if self.latest_backup is None:
            return
        today = (self.clock or Clock()).today()
        self.open_restore(self.latest_backup, suggested_restore_folder(self.folder, today))

    def open_restore(self, backup: Path | None = None, folder: Path | None = None) -> None:
        from earlyyears_desktop.ui.restore_dialog import RestoreDialog

        dialog = RestoreDialog(self.runner, self, backup=backup, folder=folder)
        dialog.restored.connect(self._after_restore)
        dialog.finished.connect(lambda _r: setattr(self, "restore_dialog", None))
        self.restore_dialog = dialog
        dialog.open()

    def _after_restore(self, folder: Path) -> None:
        self.restore_latest.hide()
        self.latest_backup = None
        self.restored.emit(folder)

    def show_notice(self, text: str) -> None:
        """A message on the unlock screen (after a restore), with the focus in the field."""
        self.message.show_message(text)
        self.focus_passphrase()

    # ---- recovery ----

    def open_recovery(self) -> None:
        dialog = RecoveryDialog(self.folder, self.runner, self)
        dialog.passphrase_set.connect(self._after_recovery)
        dialog.open()

    def _after_recovery(self, practitioner_id: str) -> None:
        self.failures = 0
        self.refresh_choices(practitioner_id)
        self.message.show_message("Your new passphrase is set. Type it here to unlock.")
        self.focus_passphrase()


class RecoveryDialog(QDialog):
    """Forgotten passphrase: the recovery key opens the vault, then a new passphrase is set
    for an administrator (services/accounts.py `recovery_choices`)."""

    passphrase_set = Signal(str)

    def __init__(self, folder: Path, runner: OpRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.folder = folder
        self.runner = runner
        self.unlocked: UnlockedVault | None = None
        self.setWindowTitle("Early Years: forgotten passphrase")
        self.setAccessibleName("Forgotten passphrase")
        self.setMinimumWidth(520)
        layout = QVBoxLayout(self)
        self.steps = QStackedWidget()
        layout.addWidget(self.steps)

        # step 1: the recovery key
        first = QWidget()
        f1 = QVBoxLayout(first)
        f1.addWidget(heading("Use the recovery key", 2))
        text = QLabel(
            "Type the recovery key you wrote down or printed when the records were set up. "
            "Spaces, hyphens and small letters are fine. Here it gives an administrator a new "
            "passphrase; anyone else asks an administrator to reset theirs in Settings."
        )
        text.setWordWrap(True)
        f1.addWidget(text)
        self.key = QLineEdit()
        self.key.setAccessibleName("Recovery key")
        self.key.setPlaceholderText("XXXXX-XXXXX-XXXXX-XXXXX-XXXXX-XXXXX-XXXXX-XXXXX")
        f1.addWidget(self.key)
        self.key_error = FieldError("recovery_key")
        f1.addWidget(self.key_error)
        f1.addStretch(1)
        self.steps.addWidget(first)

        # step 2: whose passphrase, and the new one
        second = QWidget()
        f2 = QVBoxLayout(second)
        f2.addWidget(heading("Choose a new passphrase", 2))
        form = QFormLayout()
        self.who = QComboBox()
        self.who.setAccessibleName("Whose passphrase")
        form.addRow("&Whose passphrase:", self.who)
        self.passphrase_fields = PassphraseFields(
            rows_of(form),
            label="&New passphrase:",
            name="New passphrase",
            strength_name="Strength of the new passphrase",
        )
        self.new, self.again = self.passphrase_fields.passphrase, self.passphrase_fields.again
        f2.addLayout(form)
        self.new_error = FieldError("passphrase")
        f2.addWidget(self.new_error)
        f2.addStretch(1)
        self.steps.addWidget(second)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        assert ok is not None
        self.ok = ok
        self.ok.setText("&Continue")
        self.buttons.accepted.connect(self._next)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.key.setFocus()

    def _next(self) -> None:
        if self.steps.currentIndex() == 0:
            self._check_key()
        else:
            self._set_passphrase()

    def _check_key(self) -> None:
        key = self.key.text()
        self.ok.setEnabled(False)
        self.key_error.show_message("Checking…")
        folder = self.folder
        self.runner.run(
            lambda: unlock_with_recovery_key(folder, key),
            on_done=self._key_ok,
            on_error=self._key_wrong,
            parent=self,
        )

    def _key_ok(self, result: RecoveryUnlock) -> None:
        self.unlocked = result.unlocked
        self.key.clear()
        self.key_error.clear_message()
        for person in result.practitioners:
            self.who.addItem(person.name, person.practitioner_id)
        self.steps.setCurrentIndex(1)
        self.ok.setText("&Set passphrase")
        self.ok.setEnabled(True)
        self.new.setFocus()

    def _key_wrong(self, error: BaseException) -> None:
        self.ok.setEnabled(True)
        if isinstance(error, WrongPassphrase):
            self.key_error.show_message("That recovery key is not right for these records.")
        else:
            self.key_error.show_message(error_text(error))
        self.key.setFocus()

    def _set_passphrase(self) -> None:
        again = self.again.text()
        try:
            new = self.passphrase_fields.checked()
        except ValidationError as exc:
            self.new_error.show_message(exc.message)
            self.passphrase_fields.focus(exc.field)
            return
        unlocked, practitioner_id = self.unlocked, self.who.currentData()
        if unlocked is None or not practitioner_id:
            return
        accounts = unlocked.accounts
        self.ok.setEnabled(False)
        self.new_error.show_message("Saving…")
        self.runner.run(
            lambda: accounts.set_passphrase_after_recovery(practitioner_id, new, again),
            on_done=lambda _none: self._done(practitioner_id),
            on_error=self._set_failed,
            progress_label="Saving the new passphrase…",
            parent=self,
        )

    def _set_failed(self, error: BaseException) -> None:
        self.ok.setEnabled(True)
        self.new_error.show_message(error_text(error))

    def _done(self, practitioner_id: str) -> None:
        self._drop_vault()
        self.passphrase_fields.clear()
        self.passphrase_set.emit(practitioner_id)
        self.accept()

    def _drop_vault(self) -> None:
        if self.unlocked is not None:
            unlocked, self.unlocked = self.unlocked, None
            self.runner.run(unlocked.lock)

    def reject(self) -> None:
        self._drop_vault()
        super().reject()
