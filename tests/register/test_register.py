"""The register screen, driven like a group leader at the door: keys, taps, undo, end."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from earlyyears_desktop.domain.errors import ValidationError
from earlyyears_desktop.ui.register import RegisterView

from .conftest import TODAY, Term


def open_register(
    qtbot, term: Term, runner, session_id: str | None = None, *, move_on: bool = True
) -> RegisterView:
    """`move_on`: the setting "After marking, move to the next child who is not marked"."""
    view = RegisterView(
        term.services, runner, session_id or term.today_session, move_on=lambda: move_on
    )
    qtbot.addWidget(view)
    view.resize(1366, 700)
    view.show()
    with qtbot.waitSignal(view.loaded, timeout=5000):
        pass
    view.setFocus()
    return view


def wait_saved(qtbot, view: RegisterView) -> None:
    qtbot.waitUntil(lambda: not view._pending() and view.runner.running == 0, timeout=5000)


def saved_marks(term: Term, session_id: str | None = None) -> dict[str, str | None]:
    register = term.services.attendance.register(session_id or term.today_session)
    return {c.display_name: c.mark.status for c in register.cards}


def test_whole_register_marked_by_keyboard_alone(qtbot, term, runner) -> None:
    # The setting off: the keyboard stays on the child marked, the arrows move it.
    view = open_register(qtbot, term, runner, move_on=False)
    names = [view.states[cid].info.display_name for cid in view.order]
    keys = [Qt.Key.Key_P, Qt.Key.Key_L, Qt.Key.Key_A, Qt.Key.Key_D, Qt.Key.Key_E, Qt.Key.Key_P]
    expected = ["present", "late", "apologies", "did_not_attend", "left_early", "present"]
    for key in keys:
        QTest.keyClick(view, key)
        QTest.keyClick(view, Qt.Key.Key_Right)
    wait_saved(qtbot, view)
    assert saved_marks(term) == dict(zip(names, expected, strict=True))
    assert all(card.saved.text() == "Saved ✓" for card in view.cards.values())
    assert view.counts_now() == {"present": 4, "carers": 4, "expected": 6, "to_arrive": 0}

    # Up/Down move by a row; Enter opens the details for the current child.
    QTest.keyClick(view, Qt.Key.Key_Home)
    QTest.keyClick(view, Qt.Key.Key_Down)
    assert view.current == view.columns
    QTest.keyClick(view, Qt.Key.Key_Return)
    dialog = view.details_dialog
    assert dialog is not None and dialog.isVisible()
    dialog.came_with.setCurrentText("Gran")
    dialog.note.setText("Brought a favourite book")
    dialog.has_time.setChecked(True)
    dialog.arrived.setTime(dialog.arrived.time().fromString("09:47", "HH:mm"))
    dialog.accept()
    wait_saved(qtbot, view)
    child_id = view.order[view.columns]
    card = next(
        c
        for c in term.services.attendance.register(term.today_session).cards
        if c.child_id == child_id
    )
    assert (card.mark.came_with, card.mark.note, card.mark.arrived_at) == (
        "Gran",
        "Brought a favourite book",
        dt.time(9, 47),
    )


def test_card_says_saved_only_after_the_worker_returns(qtbot, term, runner) -> None:
    view = open_register(qtbot, term, runner)
    first = view.order[0]
    with qtbot.waitSignal(view.mark_saved, timeout=5000):
        QTest.keyClick(view, Qt.Key.Key_P)
        assert view.cards[first].saved.text() == "Saving…"
    assert view.cards[first].saved.text() == "Saved ✓"
    state = view.states[first].mark
    assert state.status == "present" and state.arrived_at is not None
    assert state.came_with == view.states[first].info.expected_carer


def test_same_mark_twice_changes_nothing(term) -> None:
    attendance = term.services.attendance
    child = term.child_ids[0]
    first = attendance.mark(term.today_session, child, "present", came_with="Gran")
    again = attendance.mark(term.today_session, child, "present", came_with="Gran")
    assert first.changes and not again.changes
    assert again.value.version == first.value.version
    assert not again.changes


def test_undo_by_key_and_button(qtbot, term, runner) -> None:
    view = open_register(qtbot, term, runner, move_on=False)  # two marks on the same child
    QTest.keyClick(view, Qt.Key.Key_L)
    wait_saved(qtbot, view)
    QTest.keyClick(view, Qt.Key.Key_P)
    wait_saved(qtbot, view)
    name = view.states[view.order[0]].info.display_name
    assert saved_marks(term)[name] == "present"
    QTest.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    wait_saved(qtbot, view)
    assert saved_marks(term)[name] == "late"
    qtbot.mouseClick(view.header.undo_button, Qt.MouseButton.LeftButton)
    wait_saved(qtbot, view)
    assert saved_marks(term)[name] is None
    first = view.cards[view.order[0]]
    assert first.state.text() == f"Expected with {first.info.expected_carer}"
    assert not any(button.isChecked() for button in first.buttons.values())
    assert not view.header.undo_button.isEnabled()


def test_tap_marks_and_records_who_and_when(qtbot, term, runner) -> None:
    view = open_register(qtbot, term, runner)
    card = view.cards[view.order[1]]
    qtbot.mouseClick(card.buttons["apologies"], Qt.MouseButton.LeftButton)
    wait_saved(qtbot, view)
    from sqlalchemy import select

    from earlyyears_desktop.domain.models import Attendance

    with term.services.uow.read() as db:
        record = db.scalars(select(Attendance)).one()
        assert record.recorded_by == term.services.actor.practitioner_id
        assert record.recorded_at is not None
        assert record.status == "apologies"


def test_end_session_lists_unmarked_children(qtbot, term, runner) -> None:
    view = open_register(qtbot, term, runner)
    QTest.keyClick(view, Qt.Key.Key_P)  # the keyboard moves on to the next child
    QTest.keyClick(view, Qt.Key.Key_A)
    wait_saved(qtbot, view)
    unmarked = [view.states[c].info.display_name for c in view.order[2:]]
    qtbot.mouseClick(view.header.end_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.unmarked_at_end is not None, timeout=5000)
    assert [c.display_name for c in view.unmarked_at_end] == unmarked
    for name in unmarked:
        assert name in view.header.banner.text()
    # The header agrees with the banner: those left are "not marked", no longer to arrive.
    assert f"Not marked ({len(unmarked)})" in view.header.banner.text()
    assert f"<b>{len(unmarked)}</b> not marked" in view.header.counts.text()
    assert "still to arrive" not in view.header.counts.text()
    assert term.services.groups.sessions(on=TODAY)[0].status == "held"
    assert not view.header.end_button.isEnabled()


def test_cancelled_session_refuses_marks(qtbot, term, runner) -> None:
    groups, attendance = term.services.groups, term.services.attendance
    past = term.session_ids[0]
    groups.cancel_session(past, "Hall flooded")
    with pytest.raises(ValidationError, match="cancelled"):
        attendance.mark(past, term.child_ids[0], "present")
    view = open_register(qtbot, term, runner, past)
    assert "cancelled" in view.header.banner.text() and "Hall flooded" in view.header.banner.text()
    QTest.keyClick(view, Qt.Key.Key_P)
    assert runner.running == 0
    assert all(not b.isEnabled() for b in view.cards[view.order[0]].buttons.values())
    assert saved_marks(term, past)[view.states[view.order[0]].info.display_name] is None


def test_future_session_cannot_be_held_or_marked(qtbot, term, runner) -> None:
    attendance = term.services.attendance
    with pytest.raises(ValidationError, match="later date"):
        attendance.end_session(term.future_session)
    with pytest.raises(ValidationError, match="later date"):
        attendance.mark(term.future_session, term.child_ids[0], "present")
    view = open_register(qtbot, term, runner, term.future_session)
    assert not view.header.end_button.isEnabled()
    assert "later date" in view.header.banner.text()
    assert term.services.groups.sessions(group_id=term.group_id)[-1].status == "planned"


def test_ended_enrolment_and_visitor(qtbot, term, runner) -> None:
    groups = term.services.groups
    leaving = term.child_ids[5]
    enrolment = next(e for e in groups.enrolments(term.group_id) if e.child_id == leaving)
    groups.end_enrolment(enrolment.id, TODAY - dt.timedelta(days=3))
    view = open_register(qtbot, term, runner)
    card = view.cards[leaving]
    assert card.badge.text() == "Enrolment ended" and not card.badge.isHidden()
    # Not also "Expected with ...": only the carer is named.
    assert "Expected" not in card.state.text() and card.state.text().startswith("Carer: ")
    assert view.cards[term.child_ids[0]].state.text().startswith("Expected with ")
    assert view.counts_now()["expected"] == 5
    with qtbot.waitSignal(view.loaded, timeout=5000):
        view.add_visitor_child(term.visitor_id)
    visitor = view.cards[term.visitor_id]
    assert visitor.badge.text() == "Visitor"
    assert view.states[term.visitor_id].mark.status == "present"
    assert view.counts_now() == {"present": 1, "carers": 0, "expected": 5, "to_arrive": 5}

    # A child whose enrolment ended who comes anyway is marked, as a visitor.
    view.mark_child(leaving, "present")
    wait_saved(qtbot, view)
    assert view.states[leaving].error == ""
    saved = next(
        c
        for c in term.services.attendance.register(term.today_session).cards
        if c.child_id == leaving
    )
    assert saved.mark.status == "present" and saved.is_visitor


def test_visitor_must_be_added_explicitly(term) -> None:
    with pytest.raises(ValidationError, match="visitor"):
        term.services.attendance.mark(term.today_session, term.visitor_id, "present")


def test_staff_present_and_notes_saved(qtbot, term, runner) -> None:
    view = open_register(qtbot, term, runner)
    assert [view.side.staff_list.item(i).text() for i in range(view.side.staff_list.count())] == [
        "Amira Haddad",
        "Gareth Morgan",
    ]
    view.side.staff_list.item(0).setCheckState(Qt.CheckState.Checked)
    view.side.staff_extra.setText("Dr Bola Adeyemi")
    QTest.keyClick(view.side.staff_extra, Qt.Key.Key_Return)
    view.side.notes.setPlainText("Busy morning; the lift was out of order.")
    view.flush_pending()
    qtbot.waitUntil(lambda: view.side.details_state.text() == "Saved ✓" and runner.running == 0)
    register = term.services.attendance.register(term.today_session)
    assert register.staff_present.splitlines() == ["Amira Haddad", "Dr Bola Adeyemi"]
    assert register.notes == "Busy morning; the lift was out of order."


def test_details_dialog_clears_an_arrival_time(qtbot, term, runner) -> None:
    view = open_register(qtbot, term, runner)
    child_id = view.order[0]
    QTest.keyClick(view, Qt.Key.Key_P)
    wait_saved(qtbot, view)
    assert view.states[child_id].saved.arrived_at is not None  # filled in on arrival

    QTest.keyClick(view, Qt.Key.Key_Left)  # back to her: the keyboard moved on
    QTest.keyClick(view, Qt.Key.Key_Return)
    dialog = view.details_dialog
    assert dialog.has_time.isChecked()
    dialog.has_time.setChecked(False)  # "we don't know when she came"
    assert not dialog.arrived.isEnabled()
    dialog.accept()
    wait_saved(qtbot, view)
    card = next(
        c
        for c in term.services.attendance.register(term.today_session).cards
        if c.child_id == child_id
    )
    assert card.mark.status == "present" and card.mark.arrived_at is None
    assert view.states[child_id].mark.arrived_at is None
    assert ":" not in view.cards[child_id].state.text()

    # The time can be put back later.
    QTest.keyClick(view, Qt.Key.Key_Return)
    dialog = view.details_dialog
    assert not dialog.has_time.isChecked()
    dialog.has_time.setChecked(True)
    dialog.arrived.setTime(dialog.arrived.time().fromString("09:52", "HH:mm"))
    dialog.accept()
    wait_saved(qtbot, view)
    assert view.states[child_id].saved.arrived_at == dt.time(9, 52)
