"""The Strategies page: the starter set offered on an empty library, search and filters, a new
strategy written and found by keyboard, an edit, and central strategies kept read-only."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QPushButton, QScrollBar, QWidget

from earlyyears_desktop.domain.models import Strategy, new_id
from earlyyears_desktop.domain.strategy_library import starter_strategies
from earlyyears_desktop.services.container import Services
from earlyyears_desktop.services.strategies import FROM_CENTRAL_READ_ONLY
from earlyyears_desktop.ui.strategies_page import CENTRAL_MARK, StrategiesPage
from earlyyears_desktop.ui.strategy_dialog import StrategyDialog

from ..fast_vaults import make_vault

STARTER = len(starter_strategies())


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Services]:
    """A vault with the starter set and one strategy from the local authority."""
    created = make_vault(tmp_path_factory.mktemp("library") / "vault")
    services = Services(created.vault)
    services.strategies.add_starter_set()
    with services.uow.write(applying_sync=True) as tx:
        tx.session.add(
            Strategy(
                id=new_id(),
                version=1,
                title="Objects of reference",
                area_of_need="communication_and_interaction",
                try_at_home="Give your child a cup before a drink.",
                from_central=True,
            )
        )
    yield services
    created.vault.lock()


def open_page(qtbot, services: Services, runner) -> StrategiesPage:
    page = StrategiesPage(services, runner)
    qtbot.addWidget(page)
    page.resize(1100, 700)
    page.show()
    with qtbot.waitSignal(page.list_ready, timeout=10_000):
        page.reload()
    return page


def titles(page: StrategiesPage) -> list[str]:
    return [page.list.item(i).text().split("\n")[0] for i in range(page.list.count())]


def test_an_empty_library_offers_the_starter_set(qtbot, runner, tmp_path: Path) -> None:
    created = make_vault(tmp_path / "vault")
    try:
        page = open_page(qtbot, Services(created.vault), runner)
        assert page.list.isHidden() and page.empty.isVisible()
        assert "no strategies in the library yet" in page.empty_text.text()
        assert page.offer.isVisible() and page.clear_button.isHidden()
        assert page.starter_button.text() == f"Add the &starter set of {STARTER} strategies"
        assert page.nothing.isVisible() and not page.edit_button.isEnabled()
        page.starter_button.setFocus()
        with qtbot.waitSignal(page.list_ready, timeout=10_000):
            qtbot.keyClick(page.starter_button, Qt.Key.Key_Space)
        assert page.list.count() == STARTER and page.offer.isHidden()
        assert page.count.text() == f"{STARTER} strategies"
        assert page.title.text() == titles(page)[0]  # the first one is shown
    finally:
        runner.wait_for_idle()
        created.vault.lock()


def test_search_and_filters_by_keyboard(qtbot, runner, library: Services) -> None:
    page = open_page(qtbot, library, runner)
    assert page.list.count() == STARTER + 1 and page.offer.isHidden()
    # the search box is the page's first stop; Tab goes on to the filters, then the list
    first = page.nextInFocusChain()
    while not (first.focusPolicy() & Qt.FocusPolicy.TabFocus and first.isVisible()):
        first = first.nextInFocusChain()
    assert first is page.search
    page.search.setFocus()
    for widget in (page.area, page.tag, page.list):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        assert QApplication.focusWidget() is widget
    assert page.focus_search()  # what the window's Ctrl+F asks of the page shown
    assert QApplication.focusWidget() is page.search
    with qtbot.waitSignal(page.list_ready, timeout=10_000):
        page.search.insert("SÁND tímer")  # typed (QTest types Latin letters only)
        qtbot.keyClick(page.search, Qt.Key.Key_Return)
    assert titles(page) == ["Sand timer for turns"]
    assert page.count.text() == f"1 of {STARTER + 1} strategies"
    assert "Use a sand timer when two children" in page.home.text()
    assert "turn taking" in page.tags.text() and page.edit_button.isEnabled()
    with qtbot.waitSignal(page.list_ready, timeout=10_000):
        qtbot.keyClicks(page.search, " unicorn")
        qtbot.keyClick(page.search, Qt.Key.Key_Return)
    assert page.list.isHidden() and "No strategy matches" in page.empty_text.text()
    assert page.clear_button.isVisible()
    with qtbot.waitSignal(page.list_ready, timeout=10_000):
        page.clear_button.click()
    assert page.search.text() == "" and page.list.count() == STARTER + 1
    with qtbot.waitSignal(page.list_ready, timeout=10_000):
        page.tag.setCurrentIndex(page.tag.findData("sleep"))
    assert titles(page) == ["A calm bedtime routine"]
    with qtbot.waitSignal(page.list_ready, timeout=10_000):
        page.tag.setCurrentIndex(0)
    with qtbot.waitSignal(page.list_ready, timeout=10_000):
        page.area.set_value("sensory_physical")
    assert page.list.count() == sum(
        1 for s in starter_strategies() if s.area_of_need == "sensory_physical"
    )
    # arrows move through the list, and the chosen strategy is shown beside it
    page.list.setFocus()
    page.list.setCurrentRow(0)
    qtbot.keyClick(page.list, Qt.Key.Key_Down)
    assert page.title.text() == titles(page)[1]


def test_a_new_strategy_by_keyboard_is_saved_and_shown(qtbot, runner, library: Services) -> None:
    page = open_page(qtbot, library, runner)
    with qtbot.waitSignal(page.list_ready, timeout=10_000):
        page.search.setText("bedtime")  # the new one is shown whatever the search was
    qtbot.keyClick(page.list, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    dialog = page.dialog
    assert isinstance(dialog, StrategyDialog) and dialog.isVisible()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.title, timeout=5000)
    # no title: refused beside the field, nothing saved
    qtbot.keyClick(dialog.title, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.errors["title"].isVisible(), timeout=5000)
    assert "title" in dialog.errors["title"].text()
    dialog.title.insert("Zoë's bubble routine")
    qtbot.keyClick(dialog.title, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is dialog.area
    qtbot.keyClick(dialog.area, Qt.Key.Key_Down)  # the first area of need
    qtbot.keyClick(dialog.area, Qt.Key.Key_Tab)
    qtbot.keyClicks(dialog.wording, "Blow bubbles at the start of each session.")
    qtbot.keyClick(dialog.wording, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is dialog.home
    qtbot.keyClicks(dialog.home, "Blow bubbles with your child.")
    qtbot.keyClick(dialog.home, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is dialog.tags
    qtbot.keyClicks(dialog.tags, "Routines, Bubbles, routines")
    with qtbot.waitSignal(page.list_ready, timeout=10_000):
        qtbot.keyClick(dialog.tags, Qt.Key.Key_Return)
    assert page.search.text() == "" and "Zoë's bubble routine" in titles(page)
    assert page.title.text() == "Zoë's bubble routine"
    assert page.meta.text() == "Communication and interaction · Written by your team"
    assert page.home.text() == "Blow bubbles with your child."
    assert page.tags.text() == "routines, bubbles"
    # "zoe" finds it; then it is edited
    with qtbot.waitSignal(page.list_ready, timeout=10_000):
        page.search.setText("zoe")
        page.search.returnPressed.emit()
    assert titles(page) == ["Zoë's bubble routine"]
    page.list.setFocus()
    qtbot.keyClick(page.list, Qt.Key.Key_Return)  # Enter on one's own strategy: Edit…
    edit = page.dialog
    assert isinstance(edit, StrategyDialog) and edit.windowTitle() == "Edit strategy"
    edit.home.setPlainText("Blow bubbles with your child every morning.")
    with qtbot.waitSignal(page.list_ready, timeout=10_000):
        edit.save()
    assert page.home.text() == "Blow bubbles with your child every morning."


def test_every_control_is_named_and_the_mnemonics_differ(qtbot, runner, library) -> None:
    page = open_page(qtbot, library, runner)
    page.new_strategy()
    keys: list[tuple[str, str]] = []
    for window in (page, page.dialog):
        assert window is not None
        for child in window.findChildren(QWidget):
            if child.window() is not window or not child.isVisibleTo(window):
                continue  # another window's, or a closed popup
            if child.focusPolicy() != Qt.FocusPolicy.NoFocus and not isinstance(child, QScrollBar):
                # a button's text is its name; every other control is named
                named = child.accessibleName() or isinstance(child, QLabel | QPushButton)
                assert named and (not isinstance(child, QPushButton) or child.text()), child
            text = child.text() if isinstance(child, QLabel | QPushButton) else ""
            if "&" in text.replace("&&", ""):
                keys.append((window.accessibleName(), text[text.index("&") + 1].lower()))
    assert len(keys) == len(set(keys)), keys
    # the window's menus use Alt+R (Records) and Alt+G (Go)
    assert not [k for k in keys if k[0] == "Strategies" and k[1] in "rg"], keys
    assert len([k for k in keys if k[0] == "Strategies"]) >= 5
    page.dialog.reject()


def test_a_central_strategy_is_marked_and_read_only(qtbot, runner, library: Services) -> None:
    page = open_page(qtbot, library, runner)
    with qtbot.waitSignal(page.list_ready, timeout=10_000):
        page.search.setText("objects of reference")
        page.search.returnPressed.emit()
    item = page.list.item(0)
    assert item.text() == f"Objects of reference\nCommunication and interaction · {CENTRAL_MARK}"
    assert CENTRAL_MARK in item.data(Qt.ItemDataRole.AccessibleTextRole)
    assert page.title.text() == "Objects of reference"
    assert page.central_note.isVisible() and page.central_note.text() == FROM_CENTRAL_READ_ONLY
    assert not page.edit_button.isEnabled()
    assert page.edit_button.toolTip() == FROM_CENTRAL_READ_ONLY
    page.list.setFocus()
    qtbot.keyClick(page.list, Qt.Key.Key_Return)  # Enter edits one's own, never this one
    assert page.dialog is None
    page.clear_personal_data()
    assert page.list.count() == 0 and page.title.text() == "" and page.home.text() == ""
