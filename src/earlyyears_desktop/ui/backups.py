"""Backups in the app: Records ▸ Back up now… (Ctrl+Shift+B), the status bar's "Last backup",
scheduled backups, and the Settings page's Backups box.

Backups run on a worker of their own (`BackupControls.runner`), never on the app's database
worker: a backup of a large vault takes seconds, and marks and notes typed meanwhile are saved
as usual (the backup reads a snapshot on a connection of its own). A scheduled backup runs at
unlock and then every `DUE_CHECK_MS` when one is due, with no dialog; "Back up now…" shows
the runner's progress dialog when it takes longer than 0.6 s. Before the vault locks, a
backup under way is let finish (`before_lock`).

The backup folder is also kept in this laptop's desktop preferences (a path, no personal
data), so that a vault the unlock refuses as damaged can still name its latest backup.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QWidget,
)

from earlyyears_desktop.services.accounts import DomainError
from earlyyears_desktop.services.backups import (
    BackupFrequency,
    BackupMade,
    BackupSchedule,
    BackupStatus,
)
from earlyyears_desktop.services.container import Services
from earlyyears_desktop.services.restore import RestoredOver
from earlyyears_desktop.ui import file_dialogs
from earlyyears_desktop.ui.error_text import error_text
from earlyyears_desktop.ui.file_dialogs import FolderKind
from earlyyears_desktop.ui.operations import OpRunner, Progress
from earlyyears_desktop.ui.preferences import Preferences
from earlyyears_desktop.ui.restore_dialog import ChooseFile, RestoreOverDialog, choose_backup_file
from earlyyears_desktop.ui.unlock import UnlockScreen
from earlyyears_desktop.ui.widgets import push_button

BACK_UP_SHORTCUT = "Ctrl+Shift+B"
#: Settings ▸ Backups before any folder is chosen
NO_BACKUPS = (
    "No backups yet. Choose folder… picks where they go (a USB stick is just a folder); "
    f"Back up now ({BACK_UP_SHORTCUT}) writes the first."
)
#: how often the app asks whether a scheduled backup is due while the vault is open
DUE_CHECK_MS = 10 * 60_000
PROGRESS_LABEL = "Backing up the records (encrypted)…"
WARNING_STYLE = "color: #8a1c00; font-weight: 600;"
RESTORED_OVER = (
    "The backup made {when} was restored over the records. Unlock with a passphrase that "
    "opened it. The records as they were just before are in the backup {last} in {folder}."
)


def _size(size: int) -> str:
    return f"{size / (1 << 20):.1f} MB" if size >= 1 << 20 else f"{max(1, size // 1024)} KB"


class _NoFolderYet(DomainError):
    """No folder was given and none is chosen in Settings: the user is asked for one."""


class BackupControls(QObject):
    """The window's backup action, status label and schedule timer."""

    #: a backup was written (manual or scheduled), with its `BackupMade`
    made = Signal(object)
    #: a backup was restored over the open vault, which is now locked: the window locks
    vault_replaced = Signal()

    def __init__(self, parent: QWidget, preferences: Preferences) -> None:
        super().__init__(parent)
        self._parent = parent
        self.preferences = preferences
        self.services: Services | None = None
        self.runner = OpRunner(self)
        self.action = QAction("&Back up now…", parent)
        self.action.setShortcut(QKeySequence(BACK_UP_SHORTCUT))
        self.action.setToolTip(
            f"Write an encrypted backup of the records to the backups folder ({BACK_UP_SHORTCUT})"
        )
        self.action.triggered.connect(lambda: self.back_up_now())
        self.action.setEnabled(False)
        # The window locks when a backup was restored over its vault (the vault is locked
        # already; the window forgets what it showed and shows the unlock screen).
        lock = getattr(parent, "lock", None)
        if callable(lock):
            self.vault_replaced.connect(lock)
        self.label = QLabel()
        self.label.setAccessibleName("Last backup")
        self.label.setContentsMargins(12, 0, 12, 0)
        self.timer = QTimer(self)
        self.timer.setInterval(DUE_CHECK_MS)
        self.timer.timeout.connect(self.run_due)
        #: asks for a folder when none is chosen yet (a test gives its own)
        self.choose: Callable[[QWidget | None, Path | None], Path | None] = choose_folder
        #: the last message shown (a test reads it)
        self.message: QMessageBox | None = None

    # ---- unlocked and locked ----

    def on_unlocked(self, services: Services) -> None:
        self.services = services
        self.action.setEnabled(True)
        self.refresh()
        self.run_due()
        self.timer.start()

    def before_lock(self) -> None:
        """Let a backup under way finish before the key is forgotten; clear the label."""
        self.timer.stop()
        self.runner.wait_for_idle(120_000)
        self.services = None
        self.action.setEnabled(False)
        self.label.clear()
        self.label.setAccessibleDescription("")

    # ---- the status bar ----

    def refresh(self) -> None:
        services = self.services
        if services is None:
            return
        self.runner.run(services.backups.status, on_done=self._show_status)

    def _show_status(self, status: BackupStatus) -> None:
        if self.services is None:
            return
        shown = f"⚠ {status.text}" if status.warning else status.text
        self.label.setText(shown)
        self.label.setStyleSheet(WARNING_STYLE if status.warning else "")
        self.label.setAccessibleDescription(
            f"Warning: {status.text}" if status.warning else status.text
        )

    # ---- backing up ----

    def run_due(self) -> None:
        """The scheduled backup if one is due: quietly, on the backups' own worker."""
        services = self.services
        if services is None:
            return
        self.runner.run(
            services.backups.run_due_backup,
            on_done=lambda made: self._made(made, quietly=True),
            on_error=lambda error: self._failed(error, quietly=True),
        )

    def back_up_now(self, folder: Path | None = None) -> None:
        """Records ▸ Back up now…: to `folder`, else the backups folder of Settings, else a
        folder asked for now."""
        services = self.services
        if services is None:
            return

        def work(progress: Progress) -> BackupMade:
            target = folder or services.backups.schedule().folder
            if target is None:
                raise _NoFolderYet("No folder for backups is chosen yet.")
            return services.backups.back_up_now(target, progress)

        def failed(error: BaseException) -> None:
            if isinstance(error, _NoFolderYet):
                chosen = self.choose(self._parent, None)
                if chosen is not None:
                    self.back_up_now(chosen)
                return
            self._failed(error, quietly=False)

        self.runner.run(
            lambda: None,
            with_progress=work,
            on_done=lambda made: self._made(made, quietly=False),
            on_error=failed,
            progress_label=PROGRESS_LABEL,
            parent=self._parent,
        )

    def _made(self, made: BackupMade | None, *, quietly: bool) -> None:
        if made is None:
            return
        self.preferences.backup_folder = made.path.parent
        self.made.emit(made)
        self.refresh()
        if not quietly:
            self._say(
                QMessageBox.Icon.Information,
                f"Backup written: {made.path.name} ({_size(made.size)}) in {made.path.parent}.",
                "The backup was written",
            )

    def _failed(self, error: BaseException, *, quietly: bool) -> None:
        self.refresh()
        text = f"The backup was not made. {error_text(error)}"
        if quietly:
            self.label.setText(f"⚠ {text}")
            self.label.setStyleSheet(WARNING_STYLE)
            self.label.setAccessibleDescription(f"Warning: {text}")
            return
        self._say(QMessageBox.Icon.Warning, text, "The backup was not made")

    def _say(self, icon: QMessageBox.Icon, text: str, name: str) -> None:
        box = QMessageBox(icon, "Back up", text, QMessageBox.StandardButton.Close, self._parent)
        box.setAccessibleName(name)
        box.setAccessibleDescription(text)
        box.show()
        self.message = box


def choose_folder(parent: QWidget | None, start: Path | None = None) -> Path | None:
    """A folder for backups (a USB stick is just a folder), or None if cancelled."""
    return file_dialogs.choose_folder(
        parent, None, FolderKind.BACKUPS, "Choose the folder for backups", start
    )


class BackupSettingsBox(QGroupBox):
    """Settings ▸ Backups: the folder, how often, and Back up now."""

    def __init__(
        self,
        services: Services,
        runner: OpRunner,
        controls: BackupControls | None,
        preferences: Preferences,
        parent: QWidget | None = None,
        *,
        choose: Callable[[QWidget | None, Path | None], Path | None] = choose_folder,
        choose_file: ChooseFile = choose_backup_file,
    ) -> None:
        super().__init__("Backups", parent)
        self._choose_file = choose_file
        self.services = services
        self.runner = runner
        self.controls = controls
        self.preferences = preferences
        self._choose = choose
        form = QFormLayout(self)
        intro = QLabel(
            "An encrypted copy of all the records, opened with the same passphrases or the "
            "recovery key. Keep backups somewhere other than this laptop, such as a USB stick."
        )
        intro.setWordWrap(True)
        form.addRow(intro)
        self.folder = QLineEdit()
        self.folder.setReadOnly(True)
        self.folder.setPlaceholderText("No folder chosen yet")
        self.folder.setAccessibleName("Backups folder")
        self.choose_button = push_button(
            "Choose &folder…", "Choose the backups folder", self.choose_folder
        )
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder, 1)
        folder_row.addWidget(self.choose_button)
        form.addRow("Folder:", folder_row)
        self.every = QComboBox()
        self.every.setAccessibleName("How often to back up")
        for frequency in (BackupFrequency.DAILY, BackupFrequency.WEEKLY, BackupFrequency.OFF):
            self.every.addItem(frequency.label, frequency.value)
        self.every.activated.connect(lambda _=0: self._save())
        form.addRow("How &often:", self.every)
        self.now_button = push_button("&Back up now", "Back up now", self.back_up_now)
        self.now_button.setToolTip(f"Write a backup to the folder now ({BACK_UP_SHORTCUT})")
        now_row = QHBoxLayout()
        now_row.addWidget(self.now_button)
        now_row.addStretch(1)
        form.addRow(now_row)
        self.restore_over_button = push_button(
            "Restore a backup over &these records…",
            "Restore a backup over these records (administrators)",
            self.restore_over,
        )
        restore_row = QHBoxLayout()
        restore_row.addWidget(self.restore_over_button)
        restore_row.addStretch(1)
        form.addRow(restore_row)
        #: the restore dialog while it is open (a test drives it)
        self.restore_dialog: RestoreOverDialog | None = None
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setAccessibleName("Backups message")
        form.addRow(self.message)
        self._folder: Path | None = None

    def reload(self) -> None:
        self.runner.run(self.services.backups.schedule, on_done=self._show)

    def _show(self, schedule: BackupSchedule) -> None:
        self._folder = schedule.folder
        self.folder.setText(str(schedule.folder) if schedule.folder else "")
        if schedule.folder is None and not self.message.text():
            self.message.setText(NO_BACKUPS)
        self.every.setCurrentIndex(max(0, self.every.findData(schedule.every.value)))

    def choose_folder(self) -> None:
        chosen = self._choose(self, self._folder)
        if chosen is not None:
            self._folder = chosen
            self.folder.setText(str(chosen))
            self._save()

    def _save(self) -> None:
        folder, every = self._folder, BackupFrequency(str(self.every.currentData()))
        self.message.clear()

        def saved(_: object) -> None:
            self.preferences.backup_folder = folder
            self.message.setText(
                f"Backups: {every.label.lower()}, to {folder}."
                if every is not BackupFrequency.OFF
                else "Scheduled backups are off."
            )
            if self.controls is not None:
                self.controls.run_due()

        self.runner.run(
            lambda: self.services.backups.set_schedule(folder, every),
            on_done=saved,
            on_error=lambda error: self.message.setText(error_text(error)),
        )

    def back_up_now(self) -> None:
        if self.controls is not None:
            self.controls.back_up_now(self._folder)

    # ---- restoring over the open vault (administrators) ----

    def restore_over(self) -> None:
        """Asked only of an administrator: anyone else is told whom to ask, and no dialog
        opens."""
        self.message.clear()
        self.runner.run(
            self.services.restore.check_allowed,
            on_done=lambda _none: self._open_restore_over(),
            on_error=lambda error: self.message.setText(error_text(error)),
        )

    def _open_restore_over(self) -> None:
        services, controls = self.services, self.controls
        if controls is not None:
            # A scheduled backup under way finishes first; none starts until the app locks.
            controls.timer.stop()
            controls.runner.wait_for_idle(120_000)
        dialog = RestoreOverDialog(
            self.runner,
            lambda backup, secret, progress: services.restore.restore_over(
                backup, secret, progress
            ),
            self._folder,
            self,
            choose_file=self._choose_file,
        )
        dialog.restored_over.connect(self._restored_over)
        dialog.rejected.connect(self._restore_stopped)
        self.restore_dialog = dialog
        dialog.open()

    def _restore_stopped(self) -> None:
        self.restore_dialog = None
        if self.services.vault.is_locked:  # failed after the vault was locked: lock the app
            self._restored_over(None)
        elif self.controls is not None:
            self.controls.timer.start()

    def _restored_over(self, result: RestoredOver | None) -> None:
        self.restore_dialog = None
        if self.controls is None:
            return
        parent = self.controls.parent()
        self.controls.vault_replaced.emit()
        screen = parent.findChild(UnlockScreen) if isinstance(parent, QWidget) else None
        if screen is not None:
            screen.show_notice(
                RESTORED_OVER.format(
                    when=f"{result.backed_up_at.astimezone():%-d %B %Y at %H:%M}",
                    last=result.last_backup.path.name,
                    folder=result.last_backup.path.parent,
                )
                if result is not None
                else "The records were locked: unlock them to carry on."
            )
