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
