"""Starting the desktop app: `earlyyears-desktop [--vault DIR]`."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from PySide6.QtCore import QStandardPaths
from PySide6.QtWidgets import QApplication

from earlyyears_desktop import APP_ID
from earlyyears_desktop.services.accounts import harden_process
from earlyyears_desktop.services.first_run import SetUp, needs_set_up
from earlyyears_desktop.services.incidents import RecordedIncident, record_incident
from earlyyears_desktop.ui.file_dialogs import keep_qt_settings_private
from earlyyears_desktop.ui.icons import app_icon
from earlyyears_desktop.ui.incident_dialog import IncidentDialog
from earlyyears_desktop.ui.main_window import APP_TITLE, MainWindow
from earlyyears_desktop.ui.operations import PROGRAM, OpRunner
from earlyyears_desktop.ui.preferences import Preferences, VaultMemory
from earlyyears_desktop.ui.theme import apply_theme
from earlyyears_desktop.ui.wheel_guard import install_wheel_guard

if TYPE_CHECKING:  # first run only: loaded when there is no vault yet
    from earlyyears_desktop.ui.setup_wizard import SetupWizard

log = logging.getLogger(__name__)
#: on a screen this size or smaller the window opens maximised (1366x768 laptops)
SMALL_SCREEN = (1440, 900)


def default_vault_folder() -> Path:
    """The platform's app-data folder (e.g. ~/.local/share/Early Years/vault on Linux)."""
    base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
    return Path(base) / "vault"


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="earlyyears-desktop", description=APP_TITLE)
    parser.add_argument("--vault", metavar="DIR", type=Path, help="the vault folder")
    return parser.parse_args(argv)


class Launcher:
    """Shows the setup wizard on first run, then the main window (locked or just set up)."""

    def __init__(self, app: QApplication, folder: Path, memory: VaultMemory | None = None) -> None:
        self.app = app
        # Every window and dialog without an icon of its own shows the app's (and the taskbar).
        app.setWindowIcon(app_icon())
        self.folder = folder
        self.memory = memory or VaultMemory()
        self.runner = OpRunner(app)
        self.preferences = Preferences(folder)
        self.window: MainWindow | None = None
        self.wizard: SetupWizard | None = None
        self.incident_dialog: IncidentDialog | None = None
        self.runner.incident.connect(self.show_incident)

    def start(self) -> None:
        apply_theme(self.app, self.preferences.high_contrast)
        if not needs_set_up(self.folder):
            self.show_window()
        else:
            from earlyyears_desktop.ui.setup_wizard import SetupWizard

            self.wizard = SetupWizard(self.folder, self.runner)
            self.wizard.vault_ready.connect(self._set_up)
            self.wizard.rejected.connect(self.app.quit)
            self.wizard.show()

    def _set_up(self, created: SetUp) -> None:
        self.show_window()
        assert self.window is not None
        self.window.enter(created.unlocked)

    def show_window(self) -> None:
        self.window = MainWindow(self.folder, self.runner, self.preferences)
        screen = self.window.screen()
        room = screen.availableGeometry() if screen is not None else None
        if room is not None and (
            room.width() <= SMALL_SCREEN[0] or room.height() <= SMALL_SCREEN[1]
        ):
            # A laptop screen: every pixel counts at the door. The geometry is for a bare X
            # server (a kiosk, no window manager), where "maximised" alone does nothing.
            self.window.setGeometry(room)
            self.window.showMaximized()
        else:
            self.window.show()
        self.window.unlock_screen.restored.connect(self.switch_to_restored)
        self.window.unlock_screen.focus_passphrase()

    def switch_to_restored(self, folder: Path) -> None:
        """A backup restored into `folder` from the unlock screen: remember it as this app's
        vault and show its unlock screen (the old folder is left as it was)."""
        old = self.window
        backups = self.preferences.backup_folder
        self.memory.remember(folder)
        self.folder = Path(folder)
        self.preferences = Preferences(self.folder)
        if backups is not None and self.preferences.backup_folder is None:
            self.preferences.backup_folder = backups
        self.show_window()
        assert self.window is not None
        self.window.unlock_screen.show_notice(
            f"The backup was restored into {self.folder}. Type a passphrase that opened it "
            "(or use Forgotten passphrase… with the recovery key)."
        )
        if old is not None:
            old.close()
            old.deleteLater()

    def show_incident(self, recorded: RecordedIncident) -> None:
        """The error dialog for a bug; a newer incident replaces one still on screen."""
        if self.incident_dialog is not None:
            self.incident_dialog.close()
        parent = self.window if self.window is not None else self.wizard
        dialog = IncidentDialog(recorded, parent)
        dialog.finished.connect(lambda _result: self._forget_incident_dialog(dialog))
        self.incident_dialog = dialog
        dialog.show()

    def _forget_incident_dialog(self, dialog: IncidentDialog) -> None:
        if self.incident_dialog is dialog:
            self.incident_dialog = None
        dialog.deleteLater()

    def report_unexpected(
        self, kind: type[BaseException], error: BaseException, tb: TracebackType | None
    ) -> None:
        """sys.excepthook for errors escaping a slot on the GUI thread: the type on stderr,
        types and frames to the incident log, and the error dialog."""
        log.error("Unexpected error (%s). Records already saved are kept.", kind.__name__)
        if error.__traceback__ is None:
            error = error.with_traceback(tb)
        # Written on the GUI thread: this is already a bug's path, and the entry is small.
        self.show_incident(record_incident(error, program=PROGRAM))


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    # Log levels and event kinds only: never a name or any record's contents.
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    harden_process()
    QApplication.setDesktopFileName(APP_ID)  # the taskbar finds the .desktop entry and its icon
    QApplication.setApplicationName(APP_TITLE)
    QApplication.setOrganizationName("")
    # No application display name: Qt would append it to every title ("…: Today — Early Years").
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
    keep_qt_settings_private()  # Qt's file dialogs keep no history in ~/.config/QtProject.conf
    install_wheel_guard(app)
    memory = VaultMemory()
    folder = args.vault or memory.vault_folder or default_vault_folder()
    launcher = Launcher(app, folder, memory)
    # After harden_process, which reports the type alone: the launcher adds the log and dialog.
    sys.excepthook = launcher.report_unexpected
    launcher.start()
    code = app.exec()
    if launcher.window is not None:
        launcher.window.lock()
    launcher.runner.wait_for_idle()
    return code


if __name__ == "__main__":
    sys.exit(main())
