"""A new team's first minutes: the Today page's first-steps guide on a brand-new vault, and
every empty list saying how to fill it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel, QWidget

from earlyyears_desktop.services.children import ChildInput
from earlyyears_desktop.services.clock import Clock
from earlyyears_desktop.services.groups import GroupInput
from earlyyears_desktop.ui.child_form import ChildForm
from earlyyears_desktop.ui.first_steps import TICK, TO_DO, FirstSteps
from earlyyears_desktop.ui.group_dialogs import GroupDialog
from earlyyears_desktop.ui.preferences import Preferences

from ..fast_vaults import PASSPHRASE, make_vault
from .conftest import TODAY


@pytest.fixture
def new_window(qtbot, tmp_path: Path, runner, unlock) -> Iterator[object]:
    """The main window on a brand-new vault (one practitioner, nothing else), unlocked."""
    from earlyyears_desktop.ui.main_window import MainWindow

    make_vault(tmp_path / "vault").vault.lock()
    win = MainWindow(tmp_path / "vault", runner, clock=Clock.fixed(TODAY))
    qtbot.addWidget(win)
    win.resize(1366, 768)
    win.show()
    unlock(win, PASSPHRASE)
    yield win
    win.lock()
    win.idle.remove()


def _texts(widget: QWidget) -> str:
    """Every visible label's and button's text under `widget`, mnemonics removed."""
    parts = [
        w.text().replace("&", "")
        for w in widget.findChildren(QLabel) + widget.findChildren(QAbstractButton)
        if w.isVisible()
    ]
    return "\n".join(parts)


def _run(window, work) -> None:
    """A write through the window's runner, as a screen makes it (the pages hear of it)."""
    done: list[object] = []
    window.runner.run(work, on_done=done.append, changes=lambda saved: saved.changes)
    window.runner.wait_for_idle()
    QApplication.processEvents()


def test_the_guide_leads_a_new_team_and_ticks_its_steps(qtbot, new_window):
    window = new_window
    today = window.page("today")
    guide = today.first_steps
    qtbot.waitUntil(guide.isVisible)
    assert [guide.marks[k].text() for k in ("group", "child", "enrol")] == [TO_DO] * 3
    names = [b.accessibleName() for b in guide.buttons.values()]
    assert names == ["Add a group", "Add a child", "Enrol with the central service"]
    assert "Enrol with the central service to receive your team's roster" in _texts(guide)

    # By keyboard: Alt+U opens the same dialog as the Groups page's Add a group…
    qtbot.keyClick(today, Qt.Key.Key_U, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: isinstance(guide.dialog, GroupDialog) and guide.dialog.isVisible())
    guide.dialog.reject()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(today, Qt.Key.Key_H, Qt.KeyboardModifier.AltModifier)  # a mnemonic's
    qtbot.waitUntil(lambda: isinstance(guide.dialog, ChildForm))  # click comes a moment later
    assert guide.dialog.isVisible()
    guide.dialog.reject()

    services = window.services
    _run(window, lambda: services.groups.add_group(GroupInput("Little Steps", weekday=2)))
    qtbot.waitUntil(lambda: guide.marks["group"].text() == TICK)
    assert guide.marks["group"].accessibleName() == "Done"
    assert guide.marks["child"].text() == TO_DO and guide.isVisible()

    _run(
        window,
        lambda: services.children.create_child(ChildInput("Tariq", "Ndiaye", dt.date(2023, 5, 2))),
    )
    qtbot.waitUntil(lambda: not guide.isVisible())  # a group and a child: the guide goes
    assert Preferences(window.vault_folder).first_steps_hidden  # and does not come back


def test_enrol_opens_the_sync_page_and_hide_is_remembered(qtbot, new_window, unlock):
    window = new_window
    guide = window.page("today").first_steps
    qtbot.waitUntil(guide.isVisible)
    guide.buttons["enrol"].click()
    assert window.current_key == "sync"
    sync = window.page("sync")
    qtbot.waitUntil(lambda: "Create an enrolment request" in sync.enrolment_label.text())

    window.show_page("today")
    qtbot.keyClick(window.page("today"), Qt.Key.Key_I, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: not guide.isVisible())
    window.lock()
    unlock(window, PASSPHRASE)
    window.show_page("today")
    today = window.page("today")
    qtbot.waitUntil(lambda: "No group sessions today" in _texts(today))
    assert not today.first_steps.isVisible()


#: each page of a new vault, and the words of its empty state naming what fills it
EMPTY_PAGES = {
    "groups": "Add a group…",
    "children": "Use “Add a child…” (Ctrl+N)",
    "observations": "Add an observation… on a child's record",
    "visits": "Add a family… (Ctrl+N)",
    "plans": "New plan… (Ctrl+N)",
    "meetings": "Plan a meeting…",
    "strategies": "New strategy… (Ctrl+N)",
    "handouts": "mark who came on its register",
    "sync": "Export to folder or USB stick… sends",
    "settings": "Back up now (Ctrl+Shift+B) writes the first",
}
#: a new child's record: each box's empty sentence names its button
EMPTY_RECORD = (
    "Add a parent or carer… below adds one",
    "Record a consent… below",
    "Add to the team… below",
    "Agree a strategy… with the family",
    "Add a target…",
    "New support plan… starts one",
    "Refer to the liaison group… records the referral",
    "Add an observation… below writes the first entry",
)


def test_every_empty_list_says_how_to_fill_it(qtbot, new_window):
    window = new_window
    for key, words in EMPTY_PAGES.items():
        window.show_page(key)
        page = window.page(key)
        qtbot.waitUntil(lambda page=page, words=words: words in _texts(page), timeout=5000)

    services = window.services
    child = services.children.create_child(ChildInput("Ana", "Mäkelä", dt.date(2023, 1, 9))).id
    window.open_child(child)
    record = window.page("children").record
    qtbot.waitUntil(lambda: "Ana Mäkelä" in record.title.text())
    for words in EMPTY_RECORD:
        qtbot.waitUntil(lambda words=words: words in _texts(record), timeout=5000)
    # and each wraps to the pane's width (two ran past its right edge)
    unwrapped = [
        label.text()
        for label in record.findChildren(QLabel)
        if label.isVisible() and "below" in label.text() and not label.wordWrap()
    ]
    assert unwrapped == []


def test_a_roster_from_the_central_service_is_enough():
    """Enrolled and a bundle imported: the team's groups and children came that way."""
    assert FirstSteps(False, False, True, roster_received=True).done
    assert not FirstSteps(True, False, True, roster_received=False).done  # a group alone
    assert FirstSteps(True, True, False, roster_received=False).done
