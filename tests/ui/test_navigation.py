"""Keyboard-only use: Ctrl+1..9, Ctrl+0 and Ctrl+, (Settings) reach every page; pages not built
yet say so plainly; a page that fails to build is shown as an error and recorded, never passed
off as "not ready yet"."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication, QLabel, QWidget

from earlyyears_desktop.services.container import Services
from earlyyears_desktop.storage.incident_log import LOG_FILE_NAME
from earlyyears_desktop.ui import groups_page
from earlyyears_desktop.ui.groups_page import GroupsPage
from earlyyears_desktop.ui.operations import OpRunner
from earlyyears_desktop.ui.page_list import PAGE_SHORTCUTS, PAGES
from earlyyears_desktop.ui.pages import FailedPage, Page

#: the pages that exist: each must be built as itself, never as a placeholder
BUILT_PAGES = {
    "today",
    "groups",
    "children",
    "observations",
    "visits",
    "plans",
    "meetings",
    "strategies",
    "handouts",
    "sync",
    "settings",
}


def _press_shortcut(qtbot, widget: QWidget, page_key: str) -> None:  # type: ignore[no-untyped-def]
    """Press the page's shortcut (Ctrl+7, Ctrl+,) on `widget`."""
    combination = QKeySequence(PAGE_SHORTCUTS[page_key])[0]
    qtbot.keyClick(widget, combination.key(), combination.keyboardModifiers())


def test_the_page_shortcuts_are_distinct_and_shown() -> None:
    """Every page has its own key: Ctrl+1..9 and Ctrl+0 in order, Settings Ctrl+,."""
    assert list(PAGE_SHORTCUTS.values())[:7] == [f"Ctrl+{n}" for n in range(1, 8)]
    assert PAGE_SHORTCUTS["meetings"] == "Ctrl+7"
    assert PAGE_SHORTCUTS["sync"] == "Ctrl+0"
    assert PAGE_SHORTCUTS["settings"] == "Ctrl+,"
    assert len(set(PAGE_SHORTCUTS.values())) == len(PAGES)
    guide = (Path(__file__).parents[2] / "docs" / "user-guide.md").read_text(encoding="utf-8")
    for spec in PAGES:
        assert f"| {PAGE_SHORTCUTS[spec.key]} | {spec.title} |" in guide, spec.key


def test_keyboard_navigation_through_pages(qtbot, window, unlock):
    unlock(window)  # typed and Enter, no mouse
    for spec in PAGES:
        _press_shortcut(qtbot, QApplication.focusWidget() or window, spec.key)
        assert window.current_key == spec.key
        page = window.page(spec.key)
        assert window.page_stack.currentWidget() is page
        assert isinstance(page, Page)
        assert spec.title in window.windowTitle()
        assert not isinstance(page, FailedPage), spec.key
        assert type(page).reload is not Page.reload, spec.key
        assert type(page).clear_personal_data is not Page.clear_personal_data, spec.key
    # The sidebar moves with the arrow keys too.
    window.nav.setFocus()
    qtbot.keyClick(window.nav, Qt.Key.Key_Home)
    assert window.current_key == "today"
    qtbot.keyClick(window.nav, Qt.Key.Key_Down)
    qtbot.keyClick(window.nav, Qt.Key.Key_Down)
    assert window.current_key == "children"


def test_every_page_that_exists_is_in_the_window() -> None:
    """A page that vanished from the list, or one added without its test."""
    assert {spec.key for spec in PAGES} == BUILT_PAGES


class _RenamedMethodGroupsPage(GroupsPage):
    """The Groups page after someone renamed a method it calls while it is built (the
    message stands in for one that holds a child's details)."""

    def __init__(self, services: Services, runner: OpRunner, **kwargs: Any) -> None:
        super().__init__(services, runner, **kwargs)
        raise AttributeError("'GroupsPage' object has no attribute 'Amelia Okonkwo 9434765919'")


def test_a_page_that_fails_to_build_is_shown_and_recorded(
    qtbot, window, unlock, monkeypatch, incident_log_folder: Path
) -> None:
    monkeypatch.setattr(groups_page, "GroupsPage", _RenamedMethodGroupsPage)
    unlock(window)
    # pages are built the first time they are shown
    with qtbot.waitSignal(window.runner.incident, timeout=10_000) as incident:
        window.show_page("groups")
    page = window.page("groups")
    assert isinstance(page, FailedPage)
    shown = " ".join(w.text() for w in page.findChildren(QLabel))
    assert "The Groups & sessions page could not be opened" in shown
    assert "Amelia" not in shown and "9434765919" not in shown
    logged = (incident_log_folder / LOG_FILE_NAME).read_text(encoding="utf-8")
    assert f"incident {incident.args[0].incident.incident_id}" in logged
    assert "error: AttributeError" in logged
    assert "Amelia" not in logged and "9434765919" not in logged
    # The other pages still open, and the failed one can be visited and locked.
    window.show_page("children")
    assert isinstance(window.page("children"), Page)
    window.show_page("groups")
    assert window.page_stack.currentWidget() is page


def test_search_is_reachable_by_keyboard(qtbot, window, unlock):
    unlock(window)
    qtbot.keyClick(window.nav, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    page = window.page("children")
    qtbot.waitUntil(lambda: page.model.rowCount() > 0, timeout=5000)
    qtbot.keyClick(page, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert page.search.hasFocus() or QApplication.focusWidget() is page.search
    with qtbot.waitSignal(page.list_ready, timeout=5000):
        qtbot.keyClicks(page.search, "sian")
    assert page.model.rowCount() == 1
    # Down from the search box goes into the list, onto the child found, whose record opens
    with qtbot.waitSignal(page.record_shown, timeout=5000):
        qtbot.keyClick(page.search, Qt.Key.Key_Down)
    assert QApplication.focusWidget() is page.table
    assert page.table.currentIndex().row() == 0
    # Ctrl+F belongs to the page shown: the strategy search on the Strategies page
    window.show_page("strategies")
    strategies = window.page("strategies")
    qtbot.keyClick(strategies, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.focusWidget() is strategies.search
    assert window.current_key == "strategies"


def test_widgets_have_accessible_names(qtbot, window, unlock):
    from PySide6.QtWidgets import (
        QAbstractButton,
        QCheckBox,
        QComboBox,
        QLineEdit,
        QPushButton,
    )

    unlock(window)
    for key in ("today", "children", "meetings", "settings"):
        window.show_page(key)
        for kind in (QLineEdit, QComboBox):
            for w in window.page(key).findChildren(kind):
                if w.objectName().startswith("qt_"):
                    continue  # a spin box's own inner field: the spin box has the name
                assert w.accessibleName(), type(w).__name__
        for w in window.page(key).findChildren(QAbstractButton):
            if not isinstance(w, QPushButton | QCheckBox):
                continue  # Qt's own (a line edit's clear button, a table's corner)
            assert w.accessibleName() or w.text(), type(w).__name__


def test_page_shortcuts_still_work_after_the_groups_page(qtbot, window, unlock):
    """The page shortcuts reach every page from wherever the focus is on the Groups page: the open
    register, its notes, the session list, the group box, the attendance tab."""
    unlock(window)
    window.nav.setFocus()
    qtbot.keyClick(window.nav, Qt.Key.Key_Down)  # to Groups & sessions by the sidebar
    assert window.current_key == "groups"
    page = window.page("groups")
    qtbot.waitUntil(
        lambda: page.register_view is not None and page.register_view.register is not None,
        timeout=5000,
    )
    qtbot.waitUntil(lambda: window.runner.running == 0, timeout=5000)
    # Today's register opened by itself, without taking the focus from the sidebar.
    assert window.nav.hasFocus()
    qtbot.keyClick(window.nav, Qt.Key.Key_Down)
    assert window.current_key == "children"

    def focus_holders():
        yield lambda: page.register_view
        yield lambda: page.register_view.side.notes
        yield lambda: page.register_view.side.staff_extra
        yield lambda: page.session_list
        yield lambda: page.group_box
        yield lambda: page.tabs.tabBar()
        yield lambda: (page.tabs.setCurrentIndex(1), page.attendance_view.start)[1]

    for holder in focus_holders():
        for spec in PAGES:
            window.show_page("groups")
            widget = holder()
            widget.setFocus()
            _press_shortcut(qtbot, QApplication.focusWidget() or widget, spec.key)
            assert window.current_key == spec.key, (type(widget).__name__, spec.key)
        page.tabs.setCurrentIndex(0)


def test_keyboard_comes_back_after_a_dialog(qtbot, window, unlock):
    """After a dialog closes the main window has the keyboard again (the window asks for it
    itself: without a window manager nothing else hands it back), so Ctrl+N still works."""
    unlock(window)
    window.show_page("settings")
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=5000)
    page = window.page("settings")
    page.change_button.click()
    dialog = page.dialog
    qtbot.waitUntil(lambda: dialog.windowHandle() is not None and dialog.isVisible(), timeout=5000)
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow, timeout=5000)
    assert dialog.windowHandle() in window._watched
    dialog.reject()
    qtbot.waitUntil(window.isActiveWindow, timeout=5000)
    qtbot.keyClick(
        QApplication.focusWidget() or window, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier
    )
    assert window.current_key == "children"
