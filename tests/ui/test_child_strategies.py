"""The Strategies box on a child's record: agree a strategy from the library, note how it is
going and stop it with a reason, by keyboard alone, in a real vault."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QWidget

from earlyyears_desktop.domain.enums import AreaOfNeed, StrategyProgress
from earlyyears_desktop.services.child_strategies import OwnStrategy
from earlyyears_desktop.services.children import ChildInput
from earlyyears_desktop.services.container import Services
from earlyyears_desktop.services.groups import GroupInput
from earlyyears_desktop.ui.child_record import ChildRecordView, read_child_view
from earlyyears_desktop.ui.child_strategies import StrategiesBox
from earlyyears_desktop.ui.child_strategy_dialogs import (
    AgreeStrategyDialog,
    NoteProgressDialog,
    StopStrategyDialog,
)
from earlyyears_desktop.ui.operations import OpRunner

from ..fast_vaults import make_vault
from ..strategy_library import add_library_strategy

TODAY = dt.date(2026, 11, 25)
BOARD = "Now and next board"


@dataclass
class Vault:
    services: Services
    child_id: str


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Services]:
    """One cheap vault with two library strategies for the module; each test has its child."""
    created = make_vault(tmp_path_factory.mktemp("strategies-box") / "vault")
    services = Services(created.vault, today=lambda: TODAY)
    try:
        add_library_strategy(
            services,
            BOARD,
            "Show two pictures: now, and next.",
            area_of_need=AreaOfNeed.SOCIAL_EMOTIONAL_MENTAL_HEALTH.value,
        )
        add_library_strategy(services, "Ready, steady… go!", "Pause before 'go'.")
        yield services
    finally:
        created.vault.lock()


@pytest.fixture
def vault(library: Services) -> Vault:
    child = library.children.create_child(ChildInput("Zoë", "Adeyemi", dt.date(2023, 3, 14)))
    return Vault(library, child.id)


def _press(qtbot, widget: QWidget, key: Qt.Key, alt: bool = False) -> None:
    modifier = Qt.KeyboardModifier.AltModifier if alt else Qt.KeyboardModifier.NoModifier
    qtbot.keyClick(widget, key, modifier)


def _focused() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None
    return widget


def _shown(box: StrategiesBox) -> str:
    """The text of the active strategies as the box shows it."""
    return " ".join(label.text() for label in box.active.findChildren(QLabel))


def _dialog(qtbot, box: StrategiesBox, kind: type) -> object:
    qtbot.waitUntil(lambda: isinstance(box.dialog, kind) and box.dialog.isVisible(), timeout=5000)
    dialog = box.dialog
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog, timeout=5000)
    return dialog


def test_agree_note_and_stop_by_keyboard_alone(qtbot, vault: Vault) -> None:
    services = vault.services
    runner = OpRunner()
    box = StrategiesBox(services, runner)
    qtbot.addWidget(box)
    box.show()
    box.activateWindow()
    with qtbot.waitSignal(box.loaded, timeout=5000):
        box.show_child(vault.child_id)
    assert "No strategies agreed yet" in _shown(box) and not box.note_buttons

    # Agree: Alt+S, find "board" by typing, Down to the list, Alt+W for who agreed, Enter.
    box.agree_button.setFocus()
    _press(qtbot, box, Qt.Key.Key_S, alt=True)
    dialog = _dialog(qtbot, box, AgreeStrategyDialog)
    _press(qtbot, _focused(), Qt.Key.Key_F, alt=True)
    assert _focused() is dialog.search
    qtbot.keyClicks(dialog.search, "board")
    assert [dialog.choices.item(n).isHidden() for n in range(2)] == [False, True]
    _press(qtbot, dialog.search, Qt.Key.Key_Down)
    assert _focused() is dialog.choices and dialog.chosen().title == BOARD
    assert "now, and next" in dialog.preview.text()
    _press(qtbot, _focused(), Qt.Key.Key_W, alt=True)
    assert _focused() is dialog.agreed_with
    _press(qtbot, dialog.agreed_with, Qt.Key.Key_Return)  # nobody named: refused
    qtbot.waitUntil(lambda: dialog.errors["agreed_with"].isVisible(), timeout=5000)
    assert services.child_strategies.for_child(vault.child_id) == []
    qtbot.keyClicks(dialog.agreed_with, "Mum (Amira)")
    with qtbot.waitSignal(box.loaded, timeout=5000):
        _press(qtbot, dialog.agreed_with, Qt.Key.Key_Return)
    (row,) = services.child_strategies.for_child(vault.child_id)
    assert (row.title, row.agreed_with, row.agreed_on) == (BOARD, "Mum (Amira)", TODAY)
    assert [b.accessibleName() for b in box.note_buttons] == [f"Note progress on {BOARD}"]

    # Note progress: Space on the button, Down to "Going well", a note, Enter from the date.
    box.note_buttons[0].setFocus()
    _press(qtbot, box.note_buttons[0], Qt.Key.Key_Space)
    dialog = _dialog(qtbot, box, NoteProgressDialog)
    assert dialog.progress.findData(StrategyProgress.STOPPED.value) == -1
    _press(qtbot, _focused(), Qt.Key.Key_P, alt=True)
    _press(qtbot, dialog.progress, Qt.Key.Key_Down)
    assert dialog.progress.value() == StrategyProgress.GOING_WELL.value
    _press(qtbot, dialog.progress, Qt.Key.Key_N, alt=True)
    qtbot.keyClicks(dialog.note, "Points to 'next' herself.")
    _press(qtbot, dialog.note, Qt.Key.Key_Tab)
    assert _focused() is dialog.noted_on or dialog.noted_on.isAncestorOf(_focused())
    with qtbot.waitSignal(box.loaded, timeout=5000):
        _press(qtbot, _focused(), Qt.Key.Key_Return)
    (row,) = services.child_strategies.for_child(vault.child_id)
    assert row.progress == StrategyProgress.GOING_WELL.value
    assert [(n.note, n.author_name) for n in row.notes] == [
        ("Points to 'next' herself.", "Amira Haddad")
    ]
    assert "Going well" in _shown(box) and "Points to 'next' herself." in _shown(box)

    # Stop: a reason is required (shown beside it), then it moves to the stopped list.
    box.stop_buttons[0].setFocus()
    _press(qtbot, box.stop_buttons[0], Qt.Key.Key_Space)
    dialog = _dialog(qtbot, box, StopStrategyDialog)
    _press(qtbot, _focused(), Qt.Key.Key_D, alt=True)
    _press(qtbot, _focused(), Qt.Key.Key_Return)
    assert dialog.errors["stop_reason"].isVisible()
    assert _focused() is dialog.reason
    qtbot.keyClicks(dialog.reason, "She uses the board at nursery now.")
    _press(qtbot, dialog.reason, Qt.Key.Key_Tab)
    with qtbot.waitSignal(box.loaded, timeout=5000):
        _press(qtbot, _focused(), Qt.Key.Key_Return)
    (row,) = services.child_strategies.for_child(vault.child_id)
    assert (row.stopped_on, row.stop_reason) == (TODAY, "She uses the board at nursery now.")
    assert box.note_buttons == [] and box.stopped_button.isVisible()
    assert box.stopped_button.text() == "Show stopped (1)" and not box.stopped.isVisible()
    box.stopped_button.setFocus()
    _press(qtbot, box.stopped_button, Qt.Key.Key_Space)
    assert box.stopped.isVisible()
    runner.wait_for_idle()


def test_write_one_for_the_child_and_errors_beside_the_fields(qtbot, vault: Vault) -> None:
    services = vault.services
    board = next(c.id for c in services.strategies.find() if c.title == BOARD)
    services.child_strategies.agree(vault.child_id, board, agreed_with="Mum")
    runner = OpRunner()
    box = StrategiesBox(services, runner)
    qtbot.addWidget(box)
    with qtbot.waitSignal(box.loaded, timeout=5000):
        box.show_child(vault.child_id)
    box.agree()
    qtbot.waitUntil(lambda: isinstance(box.dialog, AgreeStrategyDialog), timeout=5000)
    dialog = box.dialog
    assert isinstance(dialog, AgreeStrategyDialog)
    # The one still going is marked; typed words match the start of words, accents folded.
    items = [dialog.choices.item(n) for n in range(dialog.choices.count())]
    assert [i.text().endswith("already agreed") for i in items] == [True, False]
    dialog.search.setText("STEADY")
    assert [i.isHidden() for i in items] == [True, False]
    dialog.search.setText("eady")
    assert all(i.isHidden() for i in items) and dialog.empty.isVisible()
    dialog.search.clear()
    # The library: nothing chosen is refused beside the list; the area filter narrows it.
    dialog.agreed_with.setText("Grandad")
    dialog.save_button.click()
    assert dialog.errors["strategy"].isVisible()
    dialog.area_filter.set_value(AreaOfNeed.SENSORY_PHYSICAL.value)
    assert dialog.empty.isVisible() and "write one" in dialog.empty.text()
    # Written for this child: a title is needed.
    dialog.write_own.setChecked(True)
    assert dialog.own_box.isVisible() and not dialog.library_box.isVisible()
    dialog.save_button.click()
    qtbot.waitUntil(lambda: dialog.errors["title"].isVisible(), timeout=5000)
    dialog.title.setText("Mirror play")
    dialog.area.set_value(AreaOfNeed.SENSORY_PHYSICAL.value)
    dialog.at_home.setPlainText("Lie on the floor with a mirror, face to face.")
    with qtbot.waitSignal(box.loaded, timeout=5000):
        dialog.save_button.click()
    row = services.child_strategies.for_child(vault.child_id)[0]
    assert row.own and row.title == "Mirror play" and row.agreed_with == "Grandad"
    assert "written for this child" in _shown(box)
    runner.wait_for_idle()


def test_the_record_shows_the_box_and_forgets_it_on_clear(qtbot, vault: Vault) -> None:
    services = vault.services
    services.child_strategies.agree(
        vault.child_id, None, agreed_with="Mum", own=OwnStrategy("Mirror play")
    )
    runner = OpRunner()
    view = ChildRecordView(services, runner)
    qtbot.addWidget(view)
    view.show()
    assert not view.strategies_box.isVisible()
    with qtbot.waitSignal(view.strategies_box.loaded, timeout=5000):
        view.show_child(read_child_view(services, vault.child_id))
    assert view.strategies_box.isVisible()
    assert [r.title for r in view.strategies_box.rows] == ["Mirror play"]
    view.clear_personal_data()
    assert not view.strategies_box.isVisible() and view.strategies_box.rows == ()
    assert view.strategies_box.child_id is None
    runner.wait_for_idle()


def test_the_timeline_opens_a_strategy_and_a_marks_session(qtbot, vault: Vault) -> None:
    """Enter on a strategy's timeline entry takes the keyboard to that strategy's Note
    progress…; on a mark, the record asks for that session's register."""
    services = vault.services
    group = services.groups.add_group(
        GroupInput("Little Steps", weekday=TODAY.weekday(), start_time=dt.time(9, 30))
    ).id
    services.groups.enrol(vault.child_id, group, TODAY - dt.timedelta(days=30))
    session = services.groups.add_session(group, TODAY - dt.timedelta(days=7)).id
    services.attendance.mark(session, vault.child_id, "present")
    services.child_strategies.agree(
        vault.child_id, None, agreed_with="Mum", own=OwnStrategy("Mirror play")
    )
    runner = OpRunner()
    view = ChildRecordView(services, runner)
    qtbot.addWidget(view)
    view.resize(500, 900)
    view.show()
    with qtbot.waitSignal(view.strategies_box.loaded, timeout=5000):
        view.show_child(read_child_view(services, vault.child_id))
    timeline = view.timeline

    def enter_on(entity: str) -> None:
        row = next(
            n
            for n in range(timeline.model.rowCount())
            if (entry := timeline.model.entry(n)) is not None and entry.entity == entity
        )
        timeline.list.setFocus()
        timeline.list.setCurrentIndex(timeline.model.index(row))
        qtbot.keyClick(timeline.list, Qt.Key.Key_Return)

    enter_on("child_strategy")
    assert _focused() is view.strategies_box.note_buttons[0]
    with qtbot.waitSignal(view.session_requested, timeout=2000) as asked:
        enter_on("session")
    assert asked.args == [session]
    runner.wait_for_idle()
