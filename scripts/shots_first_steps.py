"""Screenshots of a new team's first minutes (docs/user-guide.md "Your first minutes with a
new vault"), called from scripts/screenshots.py:

    first_steps_shots(app, runner, tmp, out)

Builds a brand-new vault (one practitioner, nothing else) and shows it unlocked:
first-steps.png: the Today page's guide (add a group, add a child, or enrol with the central
service); first-steps-children.png: the Children page of the new vault, its empty list saying
how to fill it.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtWidgets import QApplication
from shots_alone import PASSPHRASE, small_team_vault, unlocked_window

from earlyyears_desktop.ui.operations import OpRunner


def first_steps_shots(app: QApplication, runner: OpRunner, tmp: Path, out: Path) -> None:
    from screenshots import PICTURE_DAY, save, wait_until  # the calling script's helpers

    folder = tmp / "first-minutes"
    small_team_vault(folder).vault.lock()
    window = unlocked_window(app, folder, runner, PASSPHRASE, PICTURE_DAY)
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


if __name__ == "__main__":  # these pictures alone: python scripts/shots_first_steps.py [--out F]
    from shots_alone import run_with_runner

    sys.exit(run_with_runner(first_steps_shots, __doc__.splitlines()[0]))
