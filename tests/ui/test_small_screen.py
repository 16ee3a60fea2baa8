"""The main window fits a 1366x768 laptop screen on every page: a page with more than fits
scrolls inside itself instead of making the window taller (Settings once grew it to 927 px)."""

from __future__ import annotations

from earlyyears_desktop.ui.page_list import PAGES


def test_every_page_fits_a_768_pixel_high_screen(qtbot, window, unlock) -> None:  # type: ignore[no-untyped-def]
    window.resize(1366, 700)
    window.show()
    unlock(window)
    too_tall = []
    for spec in PAGES:
        window.show_page(spec.key)
        qtbot.wait(50)
        if window.minimumSizeHint().height() > 700:
            too_tall.append((spec.key, window.minimumSizeHint().height()))
    assert too_tall == []
