"""Keyboard-only use: Ctrl+1..9 reach every page; pages not built yet say so plainly."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel

from earlyyears_desktop.ui.main_window import PAGES
from earlyyears_desktop.ui.pages import Page, PlannedPage


def test_keyboard_navigation_through_pages(qtbot, window, unlock):
    unlock(window)  # typed and Enter, no mouse
    for n, spec in enumerate(PAGES, start=1):
        qtbot.keyClick(
            QApplication.focusWidget() or window,
            Qt.Key(Qt.Key.Key_0 + n),
            Qt.KeyboardModifier.ControlModifier,
        )
        assert window.current_key == spec.key
        page = window.page(spec.key)
        assert window.page_stack.currentWidget() is page
        assert isinstance(page, Page)
        assert spec.title in window.windowTitle()
        if isinstance(page, PlannedPage):
            assert "not ready yet" in "".join(w.text() for w in page.findChildren(QLabel))
    # The sidebar moves with the arrow keys too.
    window.nav.setFocus()
    qtbot.keyClick(window.nav, Qt.Key.Key_Home)
    assert window.current_key == "today"
    qtbot.keyClick(window.nav, Qt.Key.Key_Down)
    qtbot.keyClick(window.nav, Qt.Key.Key_Down)
    assert window.current_key == "children"


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


def test_widgets_have_accessible_names(qtbot, window, unlock):
    from PySide6.QtWidgets import (
        QAbstractButton,
        QCheckBox,
        QComboBox,
        QLineEdit,
        QPushButton,
    )

    unlock(window)
    for key in ("today", "children", "settings"):
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
    """Ctrl+1..9 reach every page from wherever the focus is on the Groups page: the open
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
        for n, spec in enumerate(PAGES, start=1):
            window.show_page("groups")
            widget = holder()
            widget.setFocus()
            qtbot.keyClick(
                QApplication.focusWidget() or widget,
                Qt.Key(Qt.Key.Key_0 + n),
                Qt.KeyboardModifier.ControlModifier,
            )
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
