"""The home visit editor, driven by the keyboard: a whole visit typed, a target's step rated
with a key, an observation noted, finished with Ctrl+Return, then read back from the vault;
a lock in the middle of typing loses nothing; a finished visit is read-only until Edit…, and
its change needs a reason kept in its history.

A cheap vault for the module; the lock test runs the real main window on a copy of the demo.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit, QMessageBox, QPlainTextEdit, QWidget

from earlyyears_desktop.domain.enums import ProgressRating, VisitStatus
from earlyyears_desktop.domain.errors import NotFound
from earlyyears_desktop.services.children import ChildFilter, ChildInput
from earlyyears_desktop.services.clock import Clock
from earlyyears_desktop.services.container import Services
from earlyyears_desktop.services.home_visits import REASON_NEEDED
from earlyyears_desktop.services.strategies import StrategyInput
from earlyyears_desktop.ui.children_page import ChildrenPage
from earlyyears_desktop.ui.register_observations import QuickNoteDialog
from earlyyears_desktop.ui.visit_dialogs import (
    ReasonDialog,
    ShareStrategyDialog,
    VisitHistoryDialog,
)
from earlyyears_desktop.ui.visit_editor import VisitEditor
from earlyyears_desktop.ui.visit_opening import open_visit_editor

from ..fast_vaults import make_vault
from .conftest import TODAY

BORN = dt.date(2024, 1, 9)
STEPS = ["Looks when the bubbles stop", "Reaches for more", "Signs 'more' with a model"]
ALT = Qt.KeyboardModifier.AltModifier
CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture(scope="module")
def services(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Services]:
    created = make_vault(tmp_path_factory.mktemp("visit-editor") / "vault")
    services = Services(created.vault, clock=Clock.fixed(TODAY))
    yield services
    services.vault.lock()


def _child_with_target(services: Services, given: str) -> tuple[str, str]:
    child = services.children.create_child(ChildInput(given, "Okafor", BORN)).id
    target = services.targets.add(
        child, "Communication", "Asks for more", STEPS, set_on=BORN + dt.timedelta(days=500)
    ).id
    return child, target


def _opened(qtbot, host: QWidget) -> VisitEditor:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: bool(host.findChildren(VisitEditor)), timeout=5000)
    (editor,) = host.findChildren(VisitEditor)
    qtbot.waitUntil(lambda: editor.view is not None and editor.isEnabled(), timeout=5000)
    editor.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is editor, timeout=5000)
    return editor


def _type(qtbot, text: str) -> None:  # type: ignore[no-untyped-def]
    widget = QApplication.focusWidget()
    assert isinstance(widget, QLineEdit | QPlainTextEdit), widget
    qtbot.keyClicks(widget, text)


def _tab(qtbot) -> QWidget:  # type: ignore[no-untyped-def]
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    focused = QApplication.focusWidget()
    assert focused is not None
    return focused


def test_a_whole_visit_by_keyboard(qtbot, host: QWidget, services: Services, runner) -> None:  # type: ignore[no-untyped-def]
    child, target = _child_with_target(services, "Chidi")
    open_visit_editor(host, services, runner, child_id=child)
    editor = _opened(qtbot, host)
    assert editor.width() <= 1366 and editor.height() <= 768
    assert editor.form.widgets["carers_present"].hasFocus()
    _type(qtbot, "Mum (Ngozi) and Grandad")
    _tab(qtbot)
    _type(qtbot, "Ada, 6")
    _tab(qtbot)
    _type(qtbot, "Interpreter (Igbo)")
    _tab(qtbot)
    _type(qtbot, "Bubbles and the posting box")
    _tab(qtbot)
    _type(qtbot, "Chidi waited for the bubbles and looked at Mum")
    row = editor.form.targets.rows[target]
    assert _tab(qtbot) is row and "1 or E" in editor.form.targets.hint.text()
    qtbot.keyClick(row, Qt.Key.Key_2)  # Developing
    assert row.rating() == ProgressRating.DEVELOPING
    note = _tab(qtbot)
    assert note is row.note
    _type(qtbot, "Looked three times out of five")

    qtbot.keyClick(editor, Qt.Key.Key_N, ALT)  # &Note an observation…
    qtbot.waitUntil(lambda: editor.note_dialog is not None and editor.note_dialog.isVisible())
    dialog = editor.note_dialog
    assert isinstance(dialog, QuickNoteDialog)
    dialog.activateWindow()  # as the window manager does
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog, timeout=5000)
    qtbot.keyClicks(dialog.text, "Signed 'more' with Mum's hand over hand")
    qtbot.keyClick(dialog.text, Qt.Key.Key_Return, CTRL)
    qtbot.waitUntil(lambda: editor.note_dialog is None, timeout=5000)
    qtbot.waitUntil(lambda: "Signed" in editor.form.observations.item(0).text(), timeout=5000)

    editor.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is editor, timeout=5000)
    qtbot.keyClick(editor, Qt.Key.Key_P, ALT)  # What the family will &practise
    _type(qtbot, "Pause before blowing more bubbles")
    qtbot.keyClick(editor, Qt.Key.Key_X, ALT)  # Ne&xt visit
    next_visit = TODAY + dt.timedelta(days=14)
    _type(qtbot, next_visit.strftime("%d/%m/%Y"))
    assert editor.form.next_visit_said.text() == next_visit.strftime("%a %-d %b %Y")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return, CTRL)  # Finish visit
    qtbot.waitUntil(lambda: editor.view is not None and editor.view.finished, timeout=5000)
    finished_row = editor.form.targets.rows[target]
    assert not editor.form.targets.hint.isVisible() and finished_row.read_only
    assert not any(b.isEnabled() for b in finished_row.buttons.values())
    assert not editor.finish_button.isVisible() and editor.edit_button.isVisible()

    (row_in_list,) = services.home_visits.for_child(child)
    visit = services.home_visits.get(row_in_list.id)
    assert visit.status == VisitStatus.FINISHED and visit.visited_on == TODAY
    assert (visit.carers_present, visit.siblings_present, visit.others_present) == (
        "Mum (Ngozi) and Grandad",
        "Ada, 6",
        "Interpreter (Igbo)",
    )
    assert visit.activities == "Bubbles and the posting box"
    assert visit.how_it_went == "Chidi waited for the bubbles and looked at Mum"
    assert visit.family_will_practise == "Pause before blowing more bubbles"
    assert visit.next_visit_on == next_visit
    (rated,) = visit.targets
    assert (rated.target_id, rated.rating, rated.note, rated.step_text) == (
        target,
        ProgressRating.DEVELOPING,
        "Looked three times out of five",
        STEPS[0],
    )
    (observation,) = visit.observations
    assert observation.text == "Signed 'more' with Mum's hand over hand"
    assert observation.context == "home_visit"


def test_a_finished_visit_is_read_only_until_edit_and_its_change_keeps_a_reason(
    qtbot, host: QWidget, services: Services, runner
) -> None:  # type: ignore[no-untyped-def]
    child, _target = _child_with_target(services, "Ife")
    visit_id = services.home_visits.start(child).id
    services.home_visits.save(visit_id, carers_present="Mum", activities="Bubbles")
    services.home_visits.finish(visit_id)
    open_visit_editor(host, services, runner, visit_id=visit_id)
    editor = _opened(qtbot, host)
    carers = editor.form.widgets["carers_present"]
    assert isinstance(carers, QLineEdit) and carers.isReadOnly()
    assert not editor.finish_button.isVisible() and not editor.form.note_button.isVisible()
    assert editor.edit_button.isVisible() and editor.history_button.isVisible()
    qtbot.keyClicks(carers, "and Dad")
    assert carers.text() == "Mum"

    qtbot.keyClick(editor, Qt.Key.Key_E, ALT)  # &Edit… (a button's key clicks it shortly)
    qtbot.waitUntil(lambda: editor.editing, timeout=5000)
    assert not carers.isReadOnly() and carers.hasFocus()
    carers.end(False)
    qtbot.keyClicks(carers, " and Dad")
    qtbot.keyClick(carers, Qt.Key.Key_Return, CTRL)  # Save changes…
    qtbot.waitUntil(lambda: bool(editor.findChildren(ReasonDialog)), timeout=5000)
    (reason,) = editor.findChildren(ReasonDialog)
    qtbot.waitUntil(lambda: reason.isVisible(), timeout=5000)
    reason.save()  # no reason given: refused beside the field, nothing saved
    qtbot.waitUntil(lambda: reason.errors["reason"].text() == REASON_NEEDED, timeout=5000)
    assert services.home_visits.history(visit_id) == []
    qtbot.keyClicks(reason.reason, "Dad came home at the end")
    reason.save()
    qtbot.waitUntil(lambda: not editor.editing and carers.isReadOnly(), timeout=5000)
    assert services.home_visits.get(visit_id).carers_present == "Mum and Dad"
    (change,) = services.home_visits.history(visit_id)
    assert (change.reason, change.previous) == (
        "Dad came home at the end",
        {"carers_present": "Mum"},
    )

    qtbot.waitUntil(lambda: QApplication.activeWindow() is editor, timeout=5000)
    qtbot.keyClick(editor, Qt.Key.Key_Y, ALT)  # Histor&y…
    qtbot.waitUntil(lambda: bool(editor.findChildren(VisitHistoryDialog)), timeout=5000)
    (history,) = editor.findChildren(VisitHistoryDialog)
    assert "Reason: Dad came home at the end" in history.versions.toPlainText()
    assert "Carers: Mum" in history.versions.toPlainText()


def test_typing_then_escape_saves_before_the_editor_closes(
    qtbot, host: QWidget, services: Services, runner
) -> None:  # type: ignore[no-untyped-def]
    child, _target = _child_with_target(services, "Obi")
    open_visit_editor(host, services, runner, child_id=child)
    editor = _opened(qtbot, host)
    qtbot.keyClicks(editor.form.widgets["carers_present"], "Auntie")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Escape)  # before the autosave
    runner.wait_for_idle()
    QApplication.processEvents()
    (visit,) = services.home_visits.for_child(child)
    assert services.home_visits.get(visit.id).carers_present == "Auntie"
    assert visit.status == VisitStatus.IN_PROGRESS


def test_locking_mid_visit_loses_nothing_typed(qtbot, window, unlock) -> None:  # type: ignore[no-untyped-def]
    """Typed, rated and noted, then locked at once (before the autosave): all of it is in the
    vault after unlocking, the observation being written included."""
    unlock(window)
    services = window.services
    child = next(
        c
        for c in services.children.search_ids(ChildFilter())
        if services.targets.for_child(c, active_only=True)
    )
    open_visit_editor(window, services, window.runner, child_id=child)
    editor = _opened(qtbot, window)
    qtbot.keyClicks(editor.form.widgets["carers_present"], "Dad")
    how = editor.form.widgets["how_it_went"]
    how.setFocus()
    qtbot.keyClicks(how, "Laughed at the pop-up toy")
    row = next(iter(editor.form.targets.rows.values()))
    row.setFocus()
    qtbot.keyClick(row, Qt.Key.Key_E)
    qtbot.keyClicks(row.note, "With hand over hand")
    qtbot.keyClick(editor, Qt.Key.Key_N, ALT)
    qtbot.waitUntil(lambda: editor.note_dialog is not None and editor.note_dialog.isVisible())
    qtbot.keyClicks(editor.note_dialog.text, "Pointed at the dog")
    visit_id = editor.visit_id
    window.lock()  # at once: the autosave's timer has not fired

    unlock(window)
    visit = window.services.home_visits.get(visit_id)
    assert (visit.carers_present, visit.how_it_went) == ("Dad", "Laughed at the pop-up toy")
    rated = next(t for t in visit.targets if t.target_id == row.target_id)
    assert (rated.rating, rated.note) == (ProgressRating.EMERGING, "With hand over hand")
    assert [o.text for o in visit.observations] == ["Pointed at the dog"]
    assert visit.status == VisitStatus.IN_PROGRESS


def test_a_visit_is_started_from_the_childs_record(qtbot, services: Services, runner) -> None:  # type: ignore[no-untyped-def]
    child, _target = _child_with_target(services, "Ebere")
    page = ChildrenPage(services, runner)
    qtbot.addWidget(page)
    page.resize(1366, 768)
    page.show()
    qtbot.waitExposed(page)
    page.open_child(child)
    qtbot.waitUntil(lambda: page.record.view is not None, timeout=5000)
    assert page.record.visit_button.isVisible()
    page.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is page, timeout=5000)
    qtbot.keyClick(page, Qt.Key.Key_V, ALT)  # Start a home &visit…
    editor = _opened(qtbot, page)
    (visit,) = services.home_visits.for_child(child)
    assert editor.visit_id == visit.id and visit.status == VisitStatus.IN_PROGRESS
    assert editor.form.widgets["carers_present"].hasFocus()


def test_a_strategy_is_shared_from_the_library_by_keyboard_and_taken_back(
    qtbot, host: QWidget, services: Services, runner
) -> None:  # type: ignore[no-untyped-def]
    services.strategies.add(
        StrategyInput("Wait for a look", try_at_home="Stop, count to five, wait for a look.")
    )
    child, _target = _child_with_target(services, "Nneka")
    open_visit_editor(host, services, runner, child_id=child)
    editor = _opened(qtbot, host)
    qtbot.keyClick(editor, Qt.Key.Key_S, ALT)  # Share a &strategy…
    qtbot.waitUntil(lambda: bool(editor.findChildren(ShareStrategyDialog)), timeout=5000)
    (dialog,) = editor.findChildren(ShareStrategyDialog)
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog, timeout=5000)
    assert dialog.search.hasFocus()
    qtbot.keyClicks(dialog.search, "count to five")
    qtbot.keyClick(dialog.search, Qt.Key.Key_Down)
    qtbot.keyClick(dialog.choices, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: editor.form.strategies.item(0).text().startswith("Wait"), timeout=5000)
    visit = services.home_visits.get(editor.visit_id)
    (shared,) = visit.strategies
    assert (shared.title, shared.try_at_home) == (
        "Wait for a look",
        "Stop, count to five, wait for a look.",
    )
    editor.form.strategies.setCurrentRow(0)
    editor.form.unshare_button.click()
    qtbot.waitUntil(lambda: editor.form.strategies.item(0).data(Qt.ItemDataRole.UserRole) is None)
    assert services.home_visits.get(editor.visit_id).strategies == ()


def test_a_refused_next_visit_keeps_the_visit_in_progress_and_a_mistaken_visit_is_discarded(  # type: ignore[no-untyped-def]
    qtbot, host: QWidget, services: Services, runner, monkeypatch
) -> None:
    child, _target = _child_with_target(services, "Obinna")
    open_visit_editor(host, services, runner, child_id=child)
    editor = _opened(qtbot, host)
    _type(qtbot, "Dad")
    qtbot.keyClick(editor, Qt.Key.Key_X, ALT)  # Ne&xt visit: the same day as this one
    _type(qtbot, TODAY.strftime("%d/%m/%Y"))
    qtbot.keyClick(editor, Qt.Key.Key_Return, CTRL)  # at once, before the autosave
    qtbot.waitUntil(lambda: editor.state.text().startswith("Not finished"), timeout=5000)
    assert services.home_visits.get(editor.visit_id).status == VisitStatus.IN_PROGRESS
    assert editor.form.errors["next_visit_on"].text()

    monkeypatch.setattr(QMessageBox, "question", lambda *_args: QMessageBox.StandardButton.Discard)
    visit_id = editor.visit_id
    qtbot.keyClick(editor, Qt.Key.Key_I, ALT)  # D&iscard this visit…
    qtbot.waitUntil(lambda: editor.closed, timeout=5000)
    assert [v.id for v in services.home_visits.for_child(child)] == []
    with pytest.raises(NotFound):
        services.home_visits.get(visit_id)
