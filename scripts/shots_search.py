"""Screenshots of the observation search (docs/user-guide.md "Finding observations"), called
from scripts/screenshots.py with the unlocked demo window."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QApplication

from earlyyears_desktop.domain.enums import ObservationContext
from earlyyears_desktop.ui.main_window import MainWindow
from earlyyears_desktop.ui.observations_page import ObservationsPage


def search_shots(app: QApplication, window: MainWindow, out: Path) -> None:
    """observations-search.png: "zoe" typed after Ctrl+F, the matches in bold;
    observations-filtered.png: the same search narrowed to group sessions."""
    from screenshots import save, settle, wait_until  # the helpers of the script calling this

    window.show_page("today")
    window.find_records()  # what Ctrl+F does on a page without a search of its own
    page = window.page("observations")
    assert isinstance(page, ObservationsPage)
    page.search.setText("zoe")
    page.run_query()
    wait_until(app, lambda: page.model.rowCount() > 0 and page.search.text() == "zoe")
    settle(app, 0.4)
    save(window, out, "observations-search")
    page.context.set_value(ObservationContext.SESSION.value)
    wait_until(app, lambda: window.runner.running == 0)
    settle(app, 0.4)
    save(window, out, "observations-filtered")
    page.context.set_value(None)
    page.search.clear()
    wait_until(app, lambda: window.runner.running == 0)
