"""Notes from the register: a group leader writes what a child did without leaving it, by
keyboard alone, and a note shared with parents reaches the family's handout."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from sqlalchemy import select

from earlyyears_desktop.domain.enums import ConsentKind
from earlyyears_desktop.domain.models import Observation
from earlyyears_desktop.handouts.content import read_session
from earlyyears_desktop.services.clock import FIXED_TIME
from earlyyears_desktop.services.container import Services
from earlyyears_desktop.storage.vault import open_vault
from earlyyears_desktop.ui.register import RegisterView
from earlyyears_desktop.ui.register_card import NO_NOTES
from earlyyears_desktop.ui.register_observations import EMPTY_NOTE, QuickNoteDialog

from .conftest import PASSPHRASE, TODAY, Term
from .test_register import open_register

TOWER = "Built a tower of five bricks\nand knocked it down laughing"
MORE = "Signed 'more' at snack time without a prompt"


def note_dialog(qtbot, view: RegisterView) -> QuickNoteDialog:  # type: ignore[no-untyped-def]
    """N on the highlighted card: the dialog opens, its text box has the keyboard."""
    QTest.keyClick(view, Qt.Key.Key_N)
    dialog = view.observations.dialog
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.isVisible() and dialog.text.hasFocus(), timeout=5000)
    assert view.isVisible()  # the register stays open behind it
    return dialog


def save_by_keyboard(qtbot, view: RegisterView, dialog: QuickNoteDialog) -> None:  # type: ignore[no-untyped-def]
    QTest.keyClick(dialog.text, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: closed(view), timeout=5000)


def closed(view: RegisterView) -> bool:
    """The note dialog has gone (it is deleted once closed) and nothing is left to save."""
    return view.observations.dialog is None and view.runner.running == 0 and view.hasFocus()


def observations(services: Services) -> list[Observation]:
    with services.uow.read() as db:
        rows = list(db.scalars(select(Observation).order_by(Observation.created_at)))
        db.expunge_all()
    return rows


def test_a_note_by_keyboard_alone_is_saved_shown_on_the_card_and_durable(
    qtbot, term: Term, runner
) -> None:  # type: ignore[no-untyped-def]
    view = open_register(qtbot, term, runner)
    QTest.keyClick(view, Qt.Key.Key_Right)
    child_id = view.current_child_id()
    assert child_id is not None
    card = view.cards[child_id]
    assert card.notes.text() == NO_NOTES
    assert "(N)" in card.note.toolTip() and "key N" in card.note.accessibleDescription()

    dialog = note_dialog(qtbot, view)
    QTest.keyClicks(dialog.text, "Built a tower of five bricks")
    QTest.keyClick(dialog.text, Qt.Key.Key_Return)  # Return alone starts a new line
    QTest.keyClicks(dialog.text, "and knocked it down laughing")
    save_by_keyboard(qtbot, view, dialog)

    # In the vault: an observation of this session, on its date, at the clock's time.
    [saved] = observations(term.services)
    assert (saved.child_id, saved.session_id, saved.context) == (
        child_id,
        term.today_session,
        "session",
    )
    assert (saved.observed_on, saved.observed_at) == (TODAY, FIXED_TIME)
    assert saved.text == TOWER and not saved.share_with_parents and saved.area_of_need == ""
    # On the card, and the keyboard back on the same card.
    qtbot.waitUntil(lambda: card.notes.text() != NO_NOTES, timeout=5000)
    assert card.notes.text() == "1 note · Built a tower of five bricks"
    assert TOWER in card.notes.toolTip() and TOWER in card.notes.accessibleDescription()
    assert view.hasFocus() and view.current_child_id() == child_id

    # A second note, shared, with an area of need, all from the keyboard: Tab to the tick box,
    # Space ticks it, Tab to the area of need, Down chooses the first area.
    dialog = note_dialog(qtbot, view)
    QTest.keyClicks(dialog.text, MORE)
    QTest.keyClick(dialog.text, Qt.Key.Key_Tab)
    QTest.keyClick(dialog.share, Qt.Key.Key_Space)
    QTest.keyClick(dialog.share, Qt.Key.Key_Tab)
    QTest.keyClick(dialog.area, Qt.Key.Key_Down)
    assert dialog.share.isChecked() and dialog.area.value() == "communication_and_interaction"
    save_by_keyboard(qtbot, view, dialog)
    qtbot.waitUntil(lambda: card.notes.text().startswith("2 notes"), timeout=5000)
    assert card.notes.text() == f"2 notes · {MORE}"
    assert "(shared with parents)" in card.notes.toolTip()
    assert view.hasFocus() and view.current_child_id() == child_id

    # Durable: a new engine on the same files, the first still open, finds both.
    other = Services(open_vault(term.folder, PASSPHRASE), today=lambda: TODAY)
    try:
        found = other.observations.for_session(term.today_session)
    finally:
        other.vault.lock()
    assert [(o.text, o.share_with_parents, o.area_of_need) for o in found[child_id]] == [
        (MORE, True, "communication_and_interaction"),
        (TOWER, False, ""),
    ]
    assert set(found) == {child_id}


def test_an_empty_note_is_refused_and_escape_saves_nothing(qtbot, term: Term, runner) -> None:  # type: ignore[no-untyped-def]
    term.services.attendance.mark(term.today_session, term.visitor_id, "present", visitor=True)
    view = open_register(qtbot, term, runner)
    child_id = view.current_child_id()
    assert child_id is not None
    dialog = note_dialog(qtbot, view)
    QTest.keyClicks(dialog.text, "   ")
    QTest.keyClick(dialog.text, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert dialog.isVisible() and dialog.message.isVisible()
    assert dialog.message.text() == EMPTY_NOTE
    assert runner.running == 0 and dialog.save_button.isEnabled()

    QTest.keyClicks(dialog.text, "Found the red car")
    QTest.keyClick(dialog.text, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: closed(view), timeout=5000)
    assert view.hasFocus() and view.current_child_id() == child_id
    assert observations(term.services) == []
    assert view.cards[child_id].notes.text() == NO_NOTES

    # A visitor (a child from outside the group, here today) gets notes too: by the button.
    visitor = view.cards[term.visitor_id]
    assert visitor.info.is_visitor and visitor.note.isEnabled()
    qtbot.mouseClick(visitor.note, Qt.MouseButton.LeftButton)
    dialog = view.observations.dialog
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible, timeout=5000)
    dialog.text.setPlainText("Joined the parachute game")
    dialog.save_button.click()
    qtbot.waitUntil(lambda: closed(view), timeout=5000)
    [saved] = observations(term.services)
    assert saved.child_id == term.visitor_id and saved.session_id == term.today_session
    assert view.current_child_id() == term.visitor_id


def test_no_notes_on_a_later_session_and_none_timed_on_an_earlier_one(
    qtbot, term: Term, runner
) -> None:  # type: ignore[no-untyped-def]
    later = open_register(qtbot, term, runner, term.future_session)
    card = later.cards[later.order[0]]
    assert not card.note.isEnabled()
    QTest.keyClick(later, Qt.Key.Key_N)
    assert later.observations.dialog is None
    assert "notes can be written on the day" in later.header.banner.text()

    # A note added afterwards to last week's session: that session's date, no time of day.
    earlier = open_register(qtbot, term, runner, term.session_ids[-5])
    assert earlier.register is not None and earlier.register.date < TODAY
    dialog = note_dialog(qtbot, earlier)
    QTest.keyClicks(dialog.text, "Waved goodbye to everyone")
    save_by_keyboard(qtbot, earlier, dialog)
    [saved] = observations(term.services)
    assert (saved.observed_on, saved.observed_at) == (earlier.register.date, None)


def test_a_shared_note_from_the_register_is_on_the_familys_handout(
    qtbot, term: Term, runner
) -> None:  # type: ignore[no-untyped-def]
    view = open_register(qtbot, term, runner)
    child_id = view.current_child_id()
    assert child_id is not None
    term.services.children.record_consent(
        child_id, ConsentKind.HANDOUTS.value, "Carmen Ávila", TODAY - dt.timedelta(days=30)
    )
    QTest.keyClick(view, Qt.Key.Key_P)
    QTest.keyClick(view, Qt.Key.Key_Left)  # back to the child marked: the keyboard moved on
    for text, share in ((TOWER, False), (MORE, True)):
        dialog = note_dialog(qtbot, view)
        dialog.text.setPlainText(text)
        dialog.share.setChecked(share)
        save_by_keyboard(qtbot, view, dialog)

    content = read_session(term.services, term.today_session)
    [handout] = [h for h in content.children if h.child_id == child_id]
    assert handout.noticed == (MORE,)  # shared: "What we noticed"; not shared: left out
