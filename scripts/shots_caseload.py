"""Screenshots of the Home visits page, for docs/user-guide.md ("Home visits: your caseload").

Called by scripts/screenshots.py with the main window unlocked on the demo vault:

    caseload_shots(app, window, out)

Saves `home-visits.png` (the demo worker's caseload of eight families, two overdue, the first
family's visits below) and `caseload-add-family.png` (Add a family…, a child found by name).
Every name shown is invented by the demo package.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QApplication

from earlyyears_desktop.ui.caseload_dialogs import AddFamilyDialog
from earlyyears_desktop.ui.home_visits_page import HomeVisitsPage
from earlyyears_desktop.ui.main_window import MainWindow


def caseload_shots(app: QApplication, window: MainWindow, out: Path) -> None:
    from screenshots import save, settle, wait_until  # the runner of all the shots

    window.show_page("visits")
    page = window.page("visits")
    assert isinstance(page, HomeVisitsPage)
    wait_until(app, lambda: page.model.rowCount() > 0 and page.visits_model.rowCount() > 0)
    page.table.setFocus()
    settle(app, 0.3)
    save(window, out, "home-visits")

    page.add_family()
    dialog = page.dialog
    assert isinstance(dialog, AddFamilyDialog)
    dialog.search.setText("Kofi")  # a demo child who is not on the caseload
    wait_until(app, lambda: dialog.results.count() > 0)
    settle(app)
    save(dialog, out, "caseload-add-family")
    dialog.reject()
