"""Starting the desktop app: `earlyyears-desktop [--vault DIR]`."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from PySide6.QtCore import QStandardPaths
from PySide6.QtWidgets import QApplication

from earlyyears_desktop.storage.process import harden_process
from earlyyears_desktop.storage.vault import is_vault
from earlyyears_desktop.ui.main_window import APP_TITLE, MainWindow
from earlyyears_desktop.ui.operations import OpRunner
from earlyyears_desktop.ui.preferences import Preferences
from earlyyears_desktop.ui.setup_wizard import SetupWizard
from earlyyears_desktop.ui.theme import apply_theme

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

    def __init__(self, app: QApplication, folder: Path) -> None:
        self.app = app
        self.folder = folder
        self.runner = OpRunner(app)
        self.preferences = Preferences(folder)
        self.window: MainWindow | None = None
        self.wizard: SetupWizard | None = None

    def start(self) -> None:
        apply_theme(self.app, self.preferences.high_contrast)
        if is_vault(self.folder):
            self.show_window()
        else:
            self.wizard = SetupWizard(self.folder, self.runner)
            self.wizard.vault_ready.connect(self._set_up)
            self.wizard.rejected.connect(self.app.quit)
            self.wizard.show()

    def _set_up(self, created) -> None:
        self.show_window()
        assert self.window is not None
        self.window.enter(created.vault)

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
        self.window.unlock_screen.focus_passphrase()


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    # Log levels and event kinds only: never a name or any record's contents.
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    harden_process()
    QApplication.setApplicationName(APP_TITLE)
    QApplication.setOrganizationName("")
    # No application display name: Qt would append it to every title ("…: Today — Early Years").
    app = QApplication.instance() or QApplication(sys.argv[:1])
    folder = args.vault or default_vault_folder()
    launcher = Launcher(app, folder)
    launcher.start()
    code = app.exec()
    if launcher.window is not None:
        launcher.window.lock()
    launcher.runner.wait_for_idle()
    return code


if __name__ == "__main__":
    sys.exit(main())
