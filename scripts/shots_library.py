"""Screenshots of the strategy library for docs/user-guide.md, called by
scripts/screenshots.py with the demo's main window, unlocked."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QApplication

from earlyyears_desktop.ui.main_window import MainWindow


def library_shots(app: QApplication, window: MainWindow, out: Path) -> None:
    """strategies.png (the library, a strategy chosen) and strategy-dialog.png (a new
    strategy with a message beside the title)."""
    from screenshots import save, settle, wait_until  # the runner of all the shots

    from earlyyears_desktop.ui.strategies_page import StrategiesPage

    window.show_page("strategies")
    page = window.page("strategies")
    assert isinstance(page, StrategiesPage)
    wait_until(app, lambda: page.list.count() > 0)
    page.search.setText("routines")
    page.search.returnPressed.emit()
    wait_until(app, lambda: 0 < page.list.count() < 20)
    for row in range(page.list.count()):
        if page.list.item(row).text().startswith("Now and next board"):
            page.list.setCurrentRow(row)
    settle(app)
    save(window, out, "strategies")

    page.new_strategy()
    dialog = page.dialog
    assert dialog is not None
    dialog.home.setPlainText("Blow bubbles with your child before you go in.")
    dialog.tags.setText("Routines, bubbles")
    dialog.save()
    wait_until(app, lambda: dialog.errors["title"].isVisible())
    save(dialog, out, "strategy-dialog")
    dialog.reject()
    page.clear_filters()
    settle(app)
