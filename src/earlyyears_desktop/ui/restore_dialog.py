"""Restoring a backup in the app.

`RestoreDialog` (the unlock screen's "Restore a backup…", and "Restore the latest backup…" when
the vault is damaged): a backup file, a new folder, a passphrase or the recovery key that opens
the backup; the restore runs on the database worker (`services/backups.py`
`restore_into_new_folder`, all checked before the folder appears) and `restored(Path)` says
where the restored vault now is.

`RestoreOverDialog` (Settings ▸ Backups, administrators): the same backup and secret, with what
restoring over the open vault replaces said first (`services/restore.py`).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from earlyyears_desktop.services.backups import (
    BackupDamaged,
    NotABackup,
    RestoredVault,
    WrongPassphrase,
    restore_into_new_folder,
)
from earlyyears_desktop.ui import file_dialogs
from earlyyears_desktop.ui.error_text import error_text
from earlyyears_desktop.ui.file_dialogs import FolderKind
from earlyyears_desktop.ui.operations import OpRunner, Progress
from earlyyears_desktop.ui.widgets import FieldError, heading, passphrase_edit, push_button

RESTORING = "Restoring the backup (every part is checked first)…"
WRONG_SECRET = "That passphrase or recovery key does not open this backup."
NOT_EMPTY = "That folder is not empty: choose a new or empty folder."
IS_A_FILE = "That is a file: choose a new or empty folder."
CHOOSE_FILE = "Choose the backup file."
CHOOSE_FOLDER = "Choose the new folder to restore into."
TYPE_SECRET = "Type a passphrase or the recovery key that opened the records when backed up."

ChooseFile = Callable[[QWidget | None, Path | None], Path | None]


def choose_backup_file(parent: QWidget | None, start: Path | None = None) -> Path | None:
    return file_dialogs.open_file(
        parent,
        None,
        FolderKind.BACKUPS,
        "Choose the backup to restore",
        "Early Years backups (*.eybackup);;All files (*)",
        start,
    )


def choose_new_folder(parent: QWidget | None, start: Path | None = None) -> Path | None:
    return file_dialogs.choose_folder(
        parent, None, FolderKind.BACKUPS, "Choose a new or empty folder to restore into", start
    )


def folder_problem(folder: Path) -> str:
    """What is wrong with `folder` as a restore's target ("" when nothing)."""
    if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
        return IS_A_FILE
    try:
        if folder.is_dir() and any(folder.iterdir()):
            return NOT_EMPTY
    except OSError:
        return "That folder cannot be read: choose another."
    return ""


def _path_row(
    form: QFormLayout, text: str, field: QLineEdit, choose: QPushButton, name: str
) -> FieldError:
    """A path typed or chosen: its label, the field and its Choose… button on one row, and
    the row of its error below; the error label made."""
    choose.setAutoDefault(False)  # Enter in a field restores
    row = QHBoxLayout()
    row.addWidget(field, 1)
    row.addWidget(choose)
    label = QLabel(text)
    label.setBuddy(field)
    form.addRow(label, row)
    error = FieldError(name)
    form.addRow(error)
    return error


class _BackupAndSecret:
    """The fields both dialogs share: the backup file and the secret that opens it."""

    def _backup_fields(self, form: QFormLayout, owner: QWidget, choose: ChooseFile) -> None:
        self._choose_file = choose
        self._owner = owner
        self.backup = QLineEdit()
        self.backup.setAccessibleName("Backup file")
        self.backup.setPlaceholderText("earlyyears-backup-….eybackup")
        self.choose_file_button = push_button("&Choose…", "Choose the backup file", self._pick_file)
        self.backup_error = _path_row(
            form, "Backup &file:", self.backup, self.choose_file_button, "backup_file"
        )

    def _secret_field(self, form: QFormLayout, start: Callable[[], None]) -> None:
        self.secret = passphrase_edit("Passphrase or recovery key")
        self.secret.returnPressed.connect(start)
        label = QLabel("&Passphrase or recovery key:")
        label.setBuddy(self.secret)
        form.addRow(label, self.secret)
        self.secret_error = FieldError("passphrase")
        form.addRow(self.secret_error)

    def _pick_file(self) -> None:
        current = Path(self.backup.text()).parent if self.backup.text() else None
        chosen = self._choose_file(self._owner, current)
        if chosen is not None:
            self.backup.setText(str(chosen))
            self.backup_error.clear_message()

    def _show_backup_error(self, error: BaseException) -> bool:
        """Put a refusal beside its field; False if it belongs to neither."""
        if isinstance(error, WrongPassphrase):
            self.secret_error.show_message(WRONG_SECRET)
            self.secret.clear()
            self.secret.setFocus()
            return True
        if isinstance(error, BackupDamaged | NotABackup | FileNotFoundError):
            text = error_text(error) if not isinstance(error, OSError) else CHOOSE_FILE
            self.backup_error.show_message(text)
            self.backup.setFocus()
            return True
        return False


class RestoreDialog(QDialog, _BackupAndSecret):
    """Restore a backup into a new folder; `restored(Path)` when it is there."""

    restored = Signal(object)

    def __init__(
        self,
        runner: OpRunner,
        parent: QWidget | None = None,
        *,
        backup: Path | None = None,
        folder: Path | None = None,
        intro: str = "",
        choose_file: ChooseFile = choose_backup_file,
        choose_folder: ChooseFile = choose_new_folder,
    ) -> None:
        super().__init__(parent)
        self.runner = runner
        self._choose_folder = choose_folder
        self.result_vault: RestoredVault | None = None
        self.setWindowTitle("Early Years: restore a backup")
        self.setAccessibleName("Restore a backup")
        self.setMinimumWidth(560)
        layout = QVBoxLayout(self)
        layout.addWidget(heading("Restore a backup into a new folder", 2))
        text = QLabel(
            intro
            or "The backup becomes the records on this laptop, in a new folder; nothing is "
            "written until every part of it has been checked. Use the restored records instead "
            "of the old ones, never beside them."
        )
        text.setWordWrap(True)
        layout.addWidget(text)
        form = QFormLayout()
        self._backup_fields(form, self, choose_file)
        self.folder = QLineEdit()
        self.folder.setAccessibleName("New folder")
        self.folder.textChanged.connect(lambda _t: self._check_folder())
        self.choose_folder_button = push_button(
            "Choose f&older…", "Choose the new folder", self._pick_folder
        )
        self.folder_error = _path_row(
            form, "&New folder:", self.folder, self.choose_folder_button, "new_folder"
        )
        self._secret_field(form, self.start)
        layout.addLayout(form)
        self.message = FieldError("restore")
        self.message.setAccessibleName("Restore message")
        layout.addWidget(self.message)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.restore_button = QPushButton("&Restore")
        self.restore_button.setAccessibleName("Restore")
        self.restore_button.setDefault(True)
        self.buttons.addButton(self.restore_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.restore_button.setDefault(True)
        self.buttons.accepted.connect(self.start)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        if backup is not None:
            self.backup.setText(str(backup))
        if folder is not None:
            self.folder.setText(str(folder))
        (self.secret if backup is not None and folder is not None else self.backup).setFocus()

    def _pick_folder(self) -> None:
        chosen = self._choose_folder(self, None)
        if chosen is not None:
            self.folder.setText(str(chosen))

    def _check_folder(self) -> bool:
        text = self.folder.text().strip()
        problem = folder_problem(Path(text)) if text else ""
        if problem:
            self.folder_error.show_message(problem)
        else:
            self.folder_error.clear_message()
        return not problem

    def start(self) -> None:
        if not self.restore_button.isEnabled():  # already restoring
            return
        backup, folder = self.backup.text().strip(), self.folder.text().strip()
        secret = self.secret.text()
        for edit, error, missing in (
            (self.backup, self.backup_error, not backup),
            (self.folder, self.folder_error, not folder),
            (self.secret, self.secret_error, not secret),
        ):
            if missing:
                error.show_message(
                    {"backup_file": CHOOSE_FILE, "new_folder": CHOOSE_FOLDER}.get(
                        error.field, TYPE_SECRET
                    )
                )
                edit.setFocus()
                return
            error.clear_message()
        if not self._check_folder():
            self.folder.setFocus()
            return
        self.message.show_message("Restoring…")
        self.restore_button.setEnabled(False)
        source, target = Path(backup), Path(folder)

        def work(progress: Progress) -> RestoredVault:
            return restore_into_new_folder(source, target, secret, progress)

        self.runner.run(
            lambda: None,
            with_progress=work,
            on_done=self._done,
            on_error=self._failed,
            progress_label=RESTORING,
            parent=self,
        )

    def _done(self, restored: RestoredVault) -> None:
        self.result_vault = restored
        self.secret.clear()
        self.message.clear_message()
        self.restored.emit(restored.folder)
        self.accept()

    def _failed(self, error: BaseException) -> None:
        self.restore_button.setEnabled(True)
        self.message.clear_message()
        if self._show_backup_error(error):
            return
        text = error_text(error)
        if "folder" in text and "choose" in text:
            self.folder_error.show_message(text)
            self.folder.setFocus()
        else:
            self.message.show_message(text)


class RestoreOverDialog(QDialog, _BackupAndSecret):
    """Settings ▸ Backups ▸ Restore a backup over this vault… (administrators): says what
    happens, then runs `services.restore.restore_over`; `restored_over()` when done (the
    vault is locked: the window shows the unlock screen)."""

    restored_over = Signal(object)

    def __init__(
        self,
        runner: OpRunner,
        work: Callable[[Path, str, Progress], object],
        backups_folder: Path | None,
        parent: QWidget | None = None,
        *,
        choose_file: ChooseFile = choose_backup_file,
    ) -> None:
        super().__init__(parent)
        self.runner = runner
        self._work = work
        self.setWindowTitle("Early Years: restore a backup over these records")
        self.setAccessibleName("Restore a backup over these records")
        self.setMinimumWidth(560)
        layout = QVBoxLayout(self)
        layout.addWidget(heading("Restore a backup over these records", 2))
        where = f" ({backups_folder})" if backups_folder else ""
        self.explain = QLabel(
            "Every record on this laptop is replaced by the records in the backup: anything "
            "added or changed since it was made is gone, and the passphrases become the ones "
            "that opened the records then.\n\n"
            f"First a last backup of the records as they are now is made in the backups "
            f"folder{where}, so this can be undone. Then the app locks and reopens: unlock "
            "with a passphrase that opened the backup."
        )
        self.explain.setWordWrap(True)
        self.explain.setAccessibleName("What restoring over these records does")
        layout.addWidget(self.explain)
        form = QFormLayout()
        self._backup_fields(form, self, choose_file)
        self._secret_field(form, self.start)
        layout.addLayout(form)
        self.message = FieldError("restore")
        self.message.setAccessibleName("Restore message")
        layout.addWidget(self.message)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.restore_button = QPushButton("&Replace these records with the backup")
        self.restore_button.setAccessibleName("Replace these records with the backup")
        self.buttons.addButton(self.restore_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.restore_button.setDefault(True)
        self.buttons.accepted.connect(self.start)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        if backups_folder is not None:
            self.backup.setText("")
        self.backup.setFocus()

    def start(self) -> None:
        if not self.restore_button.isEnabled():  # already restoring
            return
        backup, secret = self.backup.text().strip(), self.secret.text()
        if not backup:
            self.backup_error.show_message(CHOOSE_FILE)
            self.backup.setFocus()
            return
        if not secret:
            self.secret_error.show_message(TYPE_SECRET)
            self.secret.setFocus()
            return
        self.backup_error.clear_message()
        self.secret_error.clear_message()
        self.message.show_message("Restoring…")
        self.restore_button.setEnabled(False)
        source, work = Path(backup), self._work
        self.runner.run(
            lambda: None,
            with_progress=lambda progress: work(source, secret, progress),
            on_done=self._done,
            on_error=self._failed,
            progress_label=RESTORING,
            parent=self,
        )

    def _done(self, result: object) -> None:
        self.secret.clear()
        self.accept()
        self.restored_over.emit(result)

    def _failed(self, error: BaseException) -> None:
        self.restore_button.setEnabled(True)
        self.message.clear_message()
        if not self._show_backup_error(error):
            self.message.show_message(error_text(error))
