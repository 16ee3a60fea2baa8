"""Locking: on demand and after idle time, every view cleared, the engine disposed."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QLabel, QLineEdit, QListWidget, QWidget

from earlyyears_desktop.ui.children_page import ChildrenPage


def visible_text(win) -> str:
    """Every piece of text any widget of the window holds (shown or not)."""
    parts = [win.windowTitle()]
    for w in win.findChildren(QWidget):
        if isinstance(w, QLabel | QLineEdit | QAbstractButton):
            parts.append(w.text())
        elif isinstance(w, QListWidget):
            parts.extend(w.item(i).text() for i in range(w.count()))
        parts.append(w.accessibleName())
    return "\n".join(parts)


def open_children(qtbot, win) -> ChildrenPage:
    qtbot.keyClick(win, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    page = win.page("children")
    qtbot.waitUntil(lambda: page.model.rowCount() > 0, timeout=5000)
    return page


def test_lock_now_clears_views_and_disposes_engine(qtbot, window, unlock):
    unlock(window)
    page = open_children(qtbot, window)
    row = page.model.row_of(page.model.ids()[0])
    page.table.setCurrentIndex(page.model.index(row, 0))
    qtbot.waitUntil(lambda: page.record.view is not None, timeout=5000)
    name = page.record.view.record.legal_family_name
    assert name in visible_text(window)
    opened = window.opened
    model = page.model

    qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)

    assert window.is_locked and opened.is_locked
    assert model.rowCount() == 0
    assert window.stack.currentWidget() is window.unlock_screen
    assert not window.workspace.isVisible()
    assert name not in visible_text(window)
    assert window.services is None


def test_unlock_returns_to_the_same_page(qtbot, window, unlock):
    unlock(window)
    open_children(qtbot, window)
    window.lock()
    unlock(window)
    assert window.current_key == "children"
    assert window.page_stack.currentWidget() is window.page("children")
    qtbot.waitUntil(lambda: window.page("children").model.rowCount() > 0, timeout=5000)


def test_auto_lock_after_idle(qtbot, window, unlock):
    unlock(window)
    window.set_auto_lock_ms(300)
    opened = window.opened
    with qtbot.waitSignal(window.locked, timeout=5000):
        pass
    assert opened.is_locked
    assert window.stack.currentWidget() is window.unlock_screen


def test_input_postpones_auto_lock(qtbot, window, unlock):
    unlock(window)
    # Input every second for five seconds against a three-second lock: only input can have
    # kept it open (a loaded machine may stall the event loop a while, not two seconds).
    window.set_auto_lock_ms(3000)
    for _ in range(5):
        qtbot.wait(1000)
        qtbot.keyClick(window.nav, Qt.Key.Key_Down)
    assert not window.is_locked
    qtbot.waitUntil(lambda: window.is_locked, timeout=15_000)


def test_an_observation_read_when_the_lock_comes_opens_no_dialog(qtbot, window, unlock):
    """An observation asked for just before locking is read while the worker drains; the
    dialog it would open is closed with the rest, so its words are never left on screen."""
    from PySide6.QtWidgets import QApplication, QDialog

    unlock(window)
    page = open_children(qtbot, window)
    page.table.setCurrentIndex(page.model.index(0, 0))
    qtbot.waitUntil(lambda: page.record.view is not None, timeout=5000)
    page.record.add_observation()  # its form is read on the worker: still queued

    qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)

    assert window.is_locked
    shown = [w for w in QApplication.topLevelWidgets() if isinstance(w, QDialog) and w.isVisible()]
    assert not shown
