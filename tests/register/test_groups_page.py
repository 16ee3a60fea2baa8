"""The Groups page as the main window uses it: reload, open_session, clear on lock."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from earlyyears_desktop.ui.groups_page import GroupsPage


def test_groups_page_opens_today_and_clears_on_lock(qtbot, term, runner) -> None:
    page = GroupsPage(term.services, runner)
    qtbot.addWidget(page)
    page.resize(1366, 768)
    page.show()
    page.reload()
    # Today's session opens by itself: the leader at the door goes straight to the register.
    qtbot.waitUntil(
        lambda: page.register_view is not None and page.register_view.register is not None,
        timeout=5000,
    )
    view = page.register_view
    assert view.session_id == term.today_session
    assert page.session_list.count() == 15
    view.setFocus()
    QTest.keyClick(view, Qt.Key.Key_P)
    qtbot.waitUntil(lambda: not view._pending() and runner.running == 0, timeout=5000)

    page.open_session(term.session_ids[0])
    qtbot.waitUntil(lambda: page.register_view.register is not None, timeout=5000)
    assert page.register_view.session_id == term.session_ids[0]

    page.clear_personal_data()
    assert page.register_view is None
    assert page.group_box.count() == 0 and page.session_list.count() == 0
    assert page.attendance_view.children_table.rowCount() == 0
    runner.wait_for_idle()
    qtbot.wait(50)
    page.reload()
    qtbot.waitUntil(lambda: page.group_box.count() == 1, timeout=5000)


def test_register_only_fits_a_whole_group_at_1366x768(qtbot, tmp_path, runner) -> None:
    """F11 at the door: the register alone, cards in columns, every card of a group of 14
    on screen at once, keys, marks and undo working as before; Esc brings the rest back."""
    from earlyyears_desktop.services.clock import Clock
    from earlyyears_desktop.ui.main_window import MainWindow
    from earlyyears_desktop.ui.register_card import TOUCH_HEIGHT

    from .conftest import PASSPHRASE, TODAY, make_services, populate_term

    folder = tmp_path / "vault"
    services = make_services(folder)
    term = populate_term(services, count=14)
    services.vault.lock()
    window = MainWindow(folder, runner, clock=Clock.fixed(TODAY))
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    window.unlock_screen.passphrase.setText(PASSPHRASE)
    with qtbot.waitSignal(window.unlocked, timeout=10_000):
        window.unlock_screen.try_unlock()
    try:
        window.show_page("groups")
        page = window.page("groups")
        qtbot.waitUntil(
            lambda: page.register_view is not None and page.register_view.register is not None,
            timeout=5000,
        )
        view = page.register_view
        assert view.session_id == term.today_session and len(view.order) == 14
        # Staff & notes folded away: the cards take the room, but never so many columns that
        # a button's words are cut ("Apologie:" once, in two columns of 410 px).
        view.set_side_visible(False)
        qtbot.waitUntil(lambda: not view.side.isVisible(), timeout=2000)
        qtbot.wait(100)
        assert all(c.width() >= c.sizeHint().width() for c in view.cards.values())
        view.set_side_visible(True)
        qtbot.waitUntil(view.side.isVisible, timeout=2000)
        normal_columns = view.columns

        # F11 from anywhere in the window (here the sections list has the keyboard).
        window.nav.setFocus()
        qtbot.keyClick(window.nav, Qt.Key.Key_F11)
        assert page.focus_mode and view.header.focus_button.isChecked()
        assert not window.sidebar.isVisible() and not page.left.isVisible()
        assert not page.tabs.tabBar().isVisible() and not view.side.isVisible()
        qtbot.waitUntil(lambda: view.columns >= 2, timeout=2000)
        assert view.columns > normal_columns
        qtbot.waitUntil(lambda: len(view.visible_cards()) >= 12, timeout=2000)
        for card in view.cards.values():
            for button in [*card.buttons.values(), card.details]:
                assert button.height() >= TOUCH_HEIGHT

        # The keyboard is on the register: P marks (and moves on to the next child), Down
        # moves a row, Ctrl+Z undoes.
        assert view.hasFocus()
        QTest.keyClick(view, Qt.Key.Key_P)
        assert view.current == 1
        QTest.keyClick(view, Qt.Key.Key_Left)
        QTest.keyClick(view, Qt.Key.Key_Down)
        assert view.current == view.columns
        QTest.keyClick(view, Qt.Key.Key_L)
        qtbot.waitUntil(lambda: not view._pending() and runner.running == 0, timeout=5000)
        first, below = view.order[0], view.order[view.columns]
        assert view.cards[first].saved.text() == "Saved ✓"
        assert view.states[below].saved.status == "late"
        QTest.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
        qtbot.waitUntil(lambda: not view._pending() and runner.running == 0, timeout=5000)
        assert view.states[below].saved.status is None
        assert view.states[first].saved.status == "present"

        # Esc leaves; everything comes back, the register stays open.
        QTest.keyClick(view, Qt.Key.Key_Escape)
        assert not page.focus_mode and not view.header.focus_button.isChecked()
        assert window.sidebar.isVisible() and page.left.isVisible() and view.side.isVisible()
        assert page.register_view is view

        # The button does the same; another page ends it; so does locking.
        view.header.focus_button.click()
        assert page.focus_mode and not window.sidebar.isVisible()
        qtbot.keyClick(view, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
        assert window.current_key == "children"
        assert not page.focus_mode and window.sidebar.isVisible()
        window.show_page("today")
        qtbot.keyClick(window.nav, Qt.Key.Key_F11)  # from another page: opens the register
        assert window.current_key == "groups" and page.focus_mode
        window.lock()
        assert window.sidebar.isVisible() or not window.workspace.isVisible()
        window.unlock_screen.passphrase.setText(PASSPHRASE)
        with qtbot.waitSignal(window.unlocked, timeout=10_000):
            window.unlock_screen.try_unlock()
        assert window.sidebar.isVisible()
    finally:
        window.lock()
        window.idle.remove()


def test_hiding_staff_and_notes_makes_room_for_a_second_column(qtbot, term, runner) -> None:
    page = GroupsPage(term.services, runner)
    qtbot.addWidget(page)
    # the page's room in a 1600x900 window (at 1366x768 two columns would cut the cards'
    # buttons short: one column, wider, stays; test_register_only_fits_a_whole_group_at_1366x768)
    page.resize(1424, 820)
    page.show()
    page.reload()
    qtbot.waitUntil(
        lambda: page.register_view is not None and page.register_view.register is not None,
        timeout=5000,
    )
    view = page.register_view
    assert view.side.isVisible() and view.header.side_button.isChecked()
    before = view.columns
    view.header.side_button.click()
    assert not view.side.isVisible()
    qtbot.waitUntil(lambda: view.columns > before, timeout=2000)
    # Notes typed with the panel hidden are still saved.
    view.side.notes.setPlainText("Fire drill at 10")
    view.side.save()
    qtbot.waitUntil(lambda: view.side.details_state.text() == "Saved ✓", timeout=5000)
