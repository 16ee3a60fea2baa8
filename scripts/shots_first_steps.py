"""Screenshots of a new team's first minutes (docs/user-guide.md "Your first minutes with a
new vault"), called from scripts/screenshots.py:

    first_steps_shots(app, runner, tmp, out)

Builds a brand-new vault (one practitioner, nothing else) and shows it unlocked:
first-steps.png: the Today page's guide (add a group, add a child, or enrol with the central
service); first-steps-children.png: the Children page of the new vault, its empty list saying
how to fill it.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QApplication

from earlyyears_desktop.services.clock import Clock
from earlyyears_desktop.services.container import set_up_vault
from earlyyears_desktop.storage.keyslots import KdfParams
from earlyyears_desktop.ui.main_window import MainWindow
from earlyyears_desktop.ui.operations import OpRunner

PASSPHRASE = "kettle orange harbour 7"


def first_steps_shots(app: QApplication, runner: OpRunner, tmp: Path, out: Path) -> None:
    from screenshots import PICTURE_DAY, SIZE, save, wait_until  # the calling script's helpers

    folder = tmp / "first-minutes"
    set_up_vault(
        folder,
        team_name="Cherwell Early Years SEND Team",
        practitioner_name="Amira Haddad",
        role="group_leader",
        passphrase=PASSPHRASE,
        params=KdfParams.for_tests(),
    ).vault.lock()
    window = MainWindow(folder, runner, clock=Clock.fixed(PICTURE_DAY))
    window.resize(*SIZE)
    window.show()
    screen = window.unlock_screen
    screen.passphrase.setText(PASSPHRASE)
    screen.try_unlock()
    wait_until(app, lambda: not window.is_locked)
    today = window.page("today")
    wait_until(app, lambda: today.first_steps.isVisible())  # type: ignore[attr-defined]
    save(window, out, "first-steps")
    window.show_page("children")
    children = window.page("children")
    wait_until(app, lambda: children.empty_hint.isVisible())  # type: ignore[attr-defined]
    save(window, out, "first-steps-children")
    window.lock()
    window.hide()
    window.deleteLater()


if __name__ == "__main__":  # python scripts/shots_first_steps.py OUT: these pictures alone
    import os
    import sys
    import tempfile

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    sys.path.insert(0, str(Path(__file__).parent))
    application = QApplication([])
    shots = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/images")
    with tempfile.TemporaryDirectory() as scratch:
        first_steps_shots(application, OpRunner(), Path(scratch), shots)
