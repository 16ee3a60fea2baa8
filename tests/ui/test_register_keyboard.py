"""A whole session's register by keyboard alone, in the main window on the demo vault: the
register opened by F11, three children marked by their letters, the last mark undone by its
shortcut, the session notes typed (Tab leaves them), a visitor added, Staff & notes opened
and closed and the session ended, each by the key shown on its button; what the register
says after each mark; the setting that moves the keyboard on to the next child."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget

from earlyyears_desktop.services.children import ChildFilter
from earlyyears_desktop.ui.register import RegisterView
from earlyyears_desktop.ui.register_header import END_KEY, SIDE_KEY, UNDO_KEY, VISITOR_KEY
from earlyyears_desktop.ui.register_keys import EVERYONE_MARKED

CTRL, SHIFT = Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.ShiftModifier


def _open_register_by_keyboard(qtbot, window, unlock) -> RegisterView:  # type: ignore[no-untyped-def]
    unlock(window)
    QTest.keyClick(window.nav, Qt.Key.Key_F11)  # the register, alone on the screen
    page = window.page("groups")
    qtbot.waitUntil(
        lambda: page.register_view is not None and page.register_view.register is not None,
        timeout=10_000,
    )
    view = page.register_view
    assert view is not None and view.hasFocus()
    return view


def _settled(qtbot, view: RegisterView) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: not view._pending() and view.runner.running == 0, timeout=10_000)


def _name(view: RegisterView, index: int) -> str:
    return view.states[view.order[index]].info.display_name


def _window_shortcuts(window) -> list[str]:  # type: ignore[no-untyped-def]
    """Every key sequence that does something in the window as it is now."""
    keys = []
    for action in window.findChildren(QAction):
        if action.isEnabled():
            keys += [k.toString() for k in action.shortcuts() if not k.isEmpty()]
    for shortcut in window.findChildren(QShortcut):
        parent = shortcut.parent()
        if shortcut.isEnabled() and isinstance(parent, QWidget) and parent.isVisible():
            keys.append(shortcut.key().toString())
    return keys


def test_a_session_by_keyboard_alone(qtbot, window, unlock) -> None:  # type: ignore[no-untyped-def]
    view = _open_register_by_keyboard(qtbot, window, unlock)
    header = view.header
    said: list[str] = []
    view.announced.connect(said.append)

    # Each key is shown on its button, and it is the key that works; none is used twice.
    first = view.cards[view.order[0]]
    assert [b.key for b in first.buttons.values()] == ["P", "L", "A", "D", "E"]
    assert (first.details.key, first.note.key) == ("Enter", "N")
    assert "Present (P)" in first.buttons["present"].toolTip()
    # A screen reader's list of buttons tells one child's from another's.
    name = first.info.display_name
    assert first.buttons["present"].accessibleName() == f"Present: {name}"
    assert first.note.accessibleName() == f"Note: {name}"
    buttons = (header.undo_button, header.visitor_button, header.end_button, header.side_button)
    assert [b.key for b in buttons] == [UNDO_KEY, VISITOR_KEY, END_KEY, SIDE_KEY]
    working = {s.key().toString() for s in view.keys.shortcuts}
    for button in buttons:
        assert QKeySequence(button.key).toString() in working
        assert f"({button.key})" in button.toolTip()
        assert "Shortcut: Control Shift" in button.accessibleDescription() or (
            "Shortcut: Control Z" in button.accessibleDescription()
        )
        assert button.height() >= button.minimumSizeHint().height()  # both lines fit
    repeated = [k for k, n in Counter(_window_shortcuts(window)).items() if n > 1]
    assert repeated == []
    guide = (Path(__file__).parents[2] / "docs" / "user-guide.md").read_text(encoding="utf-8")
    for button in buttons:
        assert f"| {button.key} | *{button.text().replace('&&', '&')}" in guide

    # Three children by their letters: the keyboard moves on after each.
    for key in (Qt.Key.Key_P, Qt.Key.Key_L, Qt.Key.Key_A):
        QTest.keyClick(view, key)
    assert view.current == 3
    _settled(qtbot, view)
    marks = [view.states[view.order[i]].saved for i in range(3)]
    assert [m.status for m in marks] == ["present", "late", "apologies"]
    assert marks[0].arrived_at is not None
    arrived = f"{marks[0].arrived_at:%H:%M}"
    assert said[0] == f"{_name(view, 0)} marked present, {arrived}. Next: {_name(view, 1)}."
    last = f"{_name(view, 2)} marked absent with apologies. Next: {_name(view, 3)}."
    assert said[-1] == last and header.status_line.text() == last

    # Undo the last mark by its shortcut: the keyboard goes back to that child.
    QTest.keyClick(view, Qt.Key.Key_Z, CTRL)
    _settled(qtbot, view)
    assert view.states[view.order[2]].saved.status is None and view.current == 2
    assert said[-1] == f"Undone. {_name(view, 2)} not marked now."

    # Staff & notes (folded away in Register only) by its key: the keyboard goes there;
    # Tab reaches the session notes, and leaves them without typing a tab.
    QTest.keyClick(view, Qt.Key.Key_S, CTRL | SHIFT)
    side = view.side
    assert side.isVisible() and side.staff_list.hasFocus()
    QTest.keyClick(side.staff_list, Qt.Key.Key_Tab)
    QTest.keyClick(side.staff_extra, Qt.Key.Key_Tab)
    assert side.notes.hasFocus()
    QTest.keyClicks(side.notes, "Calm start")
    QTest.keyClick(side.notes, Qt.Key.Key_Tab)
    assert view.hasFocus()  # round to the cards (the rest is hidden in Register only)
    assert side.notes.toPlainText() == "Calm start"
    side.flush_pending()
    _settled(qtbot, view)
    services = window.services
    assert services.attendance.register(view.session_id).notes == "Calm start"
    # Shown, with the keyboard on the cards: the key goes to the staff and notes (it used to
    # hide them, so a first press seemed to do nothing); from inside them it folds them away
    # again, the keyboard back on the cards.
    QTest.keyClick(view, Qt.Key.Key_S, CTRL | SHIFT)
    assert side.isVisible() and side.staff_list.hasFocus()
    QTest.keyClick(side.staff_list, Qt.Key.Key_S, CTRL | SHIFT)
    assert not side.isVisible() and view.hasFocus()

    # A visitor, by keyboard: the key, part of a name, Enter.
    visitor = next(
        row
        for row in services.children.rows(services.children.search_ids(ChildFilter()))
        if row.id not in view.states
    )
    QTest.keyClick(view, Qt.Key.Key_V, CTRL | SHIFT)
    dialog = view.visitor_dialog
    assert dialog is not None and dialog.isVisible()
    QTest.keyClicks(dialog.search, visitor.display_name)
    qtbot.waitUntil(lambda: dialog.chosen_child_id() == visitor.id, timeout=10_000)
    with qtbot.waitSignal(view.loaded, timeout=10_000):
        QTest.keyClick(dialog.search, Qt.Key.Key_Return)
    assert view.states[visitor.id].saved.status == "present"

    # End the session by its key.
    view.setFocus()
    QTest.keyClick(view, Qt.Key.Key_E, CTRL | SHIFT)
    qtbot.waitUntil(lambda: view.unmarked_at_end is not None, timeout=10_000)
    assert "Session marked as held" in header.banner.text()


def test_moving_on_after_a_mark_is_a_setting(qtbot, window, unlock) -> None:  # type: ignore[no-untyped-def]
    view = _open_register_by_keyboard(qtbot, window, unlock)
    said: list[str] = []
    view.announced.connect(said.append)
    expected = [i for i, c in enumerate(view.order) if view.states[c].info.expected]

    # Off (Settings, this laptop, by its mnemonic): the keyboard stays on the child marked.
    QTest.keyClick(view, Qt.Key.Key_Comma, CTRL)  # Settings
    settings = window.page("settings")
    qtbot.waitUntil(settings.isVisible, timeout=10_000)
    assert settings.move_on.isChecked()  # on by default
    QTest.keyClick(settings, Qt.Key.Key_N, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: not settings.move_on.isChecked(), timeout=2000)  # animated click
    assert not window.preferences.move_to_next_unmarked
    QTest.keyClick(settings, Qt.Key.Key_F11)
    assert view.hasFocus()
    QTest.keyClick(view, Qt.Key.Key_P)
    assert view.current == 0
    _settled(qtbot, view)
    assert said[-1].startswith(f"{_name(view, 0)} marked present, ") and "Next" not in said[-1]

    # On again: a key held down marks one child only; once everyone expected has a mark the
    # keyboard stays where it is, and the register says so.
    window.preferences.move_to_next_unmarked = True
    QTest.keyClick(view, Qt.Key.Key_Right)
    QTest.keyPress(view, Qt.Key.Key_P)
    QApplication.sendEvent(view, _repeat(Qt.Key.Key_P))
    QTest.keyRelease(view, Qt.Key.Key_P)
    _settled(qtbot, view)
    assert view.states[view.order[2]].mark.status is None
    for _ in expected[2:]:
        QTest.keyClick(view, Qt.Key.Key_A)
    _settled(qtbot, view)
    assert all(view.states[view.order[i]].saved.status for i in expected)
    assert view.current == expected[-1]
    assert said[-1].endswith(EVERYONE_MARKED)
    assert view.header.status_line.text() == said[-1]


def _repeat(key: Qt.Key):  # type: ignore[no-untyped-def]
    from PySide6.QtCore import QEvent
    from PySide6.QtGui import QKeyEvent

    return QKeyEvent(QEvent.Type.KeyPress, key, Qt.KeyboardModifier.NoModifier, "p", True)
