"""The meeting editor after its review: a child chosen again before the save and the read
after it shows what was typed (and the vault ends with it, never the words from before); a
team around the child meeting records the family there with the child (the meeting's people
are the professionals, sent without the child's consent) and is named by its kind, in the plan
dialog and the details dialog alike.

One cheap vault for the module, its clock fixed on 29 February.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from dataclasses import replace

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel, QWidget

from earlyyears_desktop.domain.enums import MeetingKind, Role
from earlyyears_desktop.services.clock import Clock
from earlyyears_desktop.services.container import Services
from earlyyears_desktop.services.meeting_views import NOT_HELD
from earlyyears_desktop.services.meetings import DiscussionInput
from earlyyears_desktop.ui.meeting_dialogs import MeetingDetailsDialog, PersonDialog
from earlyyears_desktop.ui.meeting_editor import MeetingEditor
from earlyyears_desktop.ui.meeting_letters import LettersDialog
from earlyyears_desktop.ui.plan_meeting_dialog import NAMED_BY_KIND, PlanMeetingDialog

from ..fast_vaults import make_vault
from .test_meeting_editor import (
    ALT,
    CTRL,
    TODAY,
    _dialog,
    _editor,
    _key,
    _meeting,
    _referral,
    _type,
)

TEAM_AROUND = MeetingKind.TEAM_AROUND_THE_CHILD


@pytest.fixture(scope="module")
def services(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Services]:
    created = make_vault(tmp_path_factory.mktemp("meeting-review") / "vault")
    services = Services(created.vault, clock=Clock.fixed(TODAY))
    services.practitioners.add("Mei Lin Chen", Role.PORTAGE_WORKER.value)
    yield services
    services.vault.lock()


def _mnemonics(window: QWidget) -> list[str]:
    keys = []
    for child in window.findChildren(QWidget):
        if child.window() is not window or not child.isVisibleTo(window):
            continue
        text = child.text() if isinstance(child, QLabel | QAbstractButton) else ""
        if (found := re.search(r"&(\w)", text.replace("&&", ""))) is not None:
            keys.append(found.group(1).lower())
    return keys


def test_a_child_chosen_again_at_once_shows_what_was_typed(  # type: ignore[no-untyped-def]
    qtbot, host: QWidget, services: Services, runner
) -> None:
    _referral(services, "Nkechi", "Okonkwo", ("Will she have help at nursery?",))
    _referral(services, "Mateus", "Gonçalves")
    meeting = _meeting(services, TODAY)
    waiting = [r.id for r in services.referrals.rows(waiting_only=True)]
    services.meetings.add_referrals(meeting, waiting[-2:])
    editor = _editor(qtbot, host, services, runner, meeting)
    assert not editor.panel.family.isVisible()  # the families are not at a liaison group
    editor.panel.summary.setFocus()
    assert editor.panel.title.text() == "Nkechi Okonkwo"
    _type(qtbot, "Talked about her play.")
    _key(qtbot, Qt.Key.Key_Q, ALT)
    _type(qtbot, "Yes: a key person will help her.")
    _key(qtbot, Qt.Key.Key_Y, ALT)
    _type(qtbot, "She may need help with talking.")

    # The worker held: the save and the read after it wait while the next child is chosen,
    # then Nkechi again
    gate = threading.Event()
    runner.run(lambda: gate.wait(10))
    try:
        _key(qtbot, Qt.Key.Key_PageDown, CTRL)
        assert editor.panel.title.text() == "Mateus Gonçalves"
        assert editor.panel.summary.toPlainText() == ""
        _key(qtbot, Qt.Key.Key_PageUp, CTRL)
        assert editor.panel.title.text() == "Nkechi Okonkwo"
        assert editor.panel.summary.toPlainText() == "Talked about her play."
        assert editor.panel.outcome.toPlainText() == "She may need help with talking."
        [answer] = editor.panel.answer_boxes.values()
        assert answer.toPlainText() == "Yes: a key person will help her."
    finally:
        gate.set()
    qtbot.waitUntil(lambda: runner.running == 0 and editor.state.text() == "Saved ✓", timeout=5000)
    assert editor.panel.summary.toPlainText() == "Talked about her play."

    # The next keystroke saves the words typed, not the ones from before
    _key(qtbot, Qt.Key.Key_M, ALT)
    _key(qtbot, Qt.Key.Key_End, CTRL)
    _type(qtbot, " And her words.")
    editor.reject()
    qtbot.waitUntil(lambda: runner.running == 0, timeout=5000)
    nkechi = services.meetings.meeting(meeting).discussions[0]
    assert nkechi.summary == "Talked about her play. And her words."
    assert nkechi.outcome == "She may need help with talking."
    assert [q.answer for q in nkechi.questions] == ["Yes: a key person will help her."]


def test_the_family_there_is_recorded_with_the_child(  # type: ignore[no-untyped-def]
    qtbot, host: QWidget, services: Services, runner
) -> None:
    _referral(services, "Yusuf", "Haddad")
    meeting = _meeting(services, TODAY, TEAM_AROUND)
    assert services.meetings.meeting(meeting).name == "Team around the child meeting"
    [referral] = [r for r in services.referrals.rows(waiting_only=True) if "Yusuf" in r.child_name]
    services.meetings.add_child(meeting, referral.child_id, referral_id=referral.id)
    editor = _editor(qtbot, host, services, runner, meeting)
    assert isinstance(editor, MeetingEditor)
    keys = _mnemonics(editor)
    assert "f" in keys and len(keys) == len(set(keys)), sorted(keys)
    assert "professionals" in editor.people.list.accessibleName()

    # Alt+F: the family there, saved as it is typed, with the child (not among the people)
    _key(qtbot, Qt.Key.Key_F, ALT)
    assert editor.panel.family.hasFocus() and editor.panel.family.isVisible()
    _type(qtbot, "Mother, Leila Haddad; grandfather, Karim Haddad")
    qtbot.waitUntil(lambda: runner.running == 0 and editor.state.text() == "Saved ✓", timeout=5000)
    view = services.meetings.meeting(meeting)
    assert view.discussions[0].family_present == "Mother, Leila Haddad; grandfather, Karim Haddad"
    assert view.people == ()

    # Written elsewhere while nothing typed waits here: a box not typed in shows it
    [discussion] = view.discussions
    given = editor.panel.typed()
    saved = services.meetings.record_discussion(
        discussion.id, replace(given, summary="Leila spoke about Yusuf's sleep.")
    )
    runner.changed.emit(saved.changes)
    qtbot.waitUntil(
        lambda: editor.panel.summary.toPlainText() == "Leila spoke about Yusuf's sleep.",
        timeout=5000,
    )
    assert editor.panel.family.text() == "Mother, Leila Haddad; grandfather, Karim Haddad"

    # A person added is a professional: the dialog says where the family goes
    _key(qtbot, Qt.Key.Key_A, ALT)
    person = _dialog(qtbot, editor, PersonDialog)
    assert isinstance(person, PersonDialog)
    assert any("Family there" in label.text() for label in person.findChildren(QLabel))
    person.discard()

    # The details: the name is the kind's, not to be typed, and the dialog says why
    editor.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is editor, timeout=5000)
    _key(qtbot, Qt.Key.Key_E, ALT)
    details = _dialog(qtbot, editor, MeetingDetailsDialog)
    assert isinstance(details, MeetingDetailsDialog)
    assert not details.name.isEnabled() and details.name.text() == TEAM_AROUND.label
    assert details.name_note.isVisible() and details.name_note.text() == NAMED_BY_KIND
    assert details.held_on.hasFocus()
    details.discard()
    editor.reject()


def test_a_team_around_the_child_meeting_is_planned_without_a_name(  # type: ignore[no-untyped-def]
    qtbot, host: QWidget, services: Services, runner
) -> None:
    names = {
        MeetingKind.LIAISON_GROUP.value: "March liaison group",
        TEAM_AROUND.value: "Yusuf Haddad's meeting",  # an old name that named the child
    }
    dialog = PlanMeetingDialog(services, runner, host, names=names)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog, timeout=5000)
    assert dialog.name.text() == "March liaison group" and not dialog.name_note.isVisible()
    _key(qtbot, Qt.Key.Key_M, ALT)  # Meeting's na&me: typed over
    dialog.name.selectAll()
    _type(qtbot, "April liaison group")
    _key(qtbot, Qt.Key.Key_K, ALT)
    _key(qtbot, Qt.Key.Key_Down)  # a team around the child meeting
    assert dialog.kind.value() == TEAM_AROUND.value
    assert not dialog.name.isEnabled() and dialog.name.text() == TEAM_AROUND.label
    assert dialog.name_note.isVisible()
    _key(qtbot, Qt.Key.Key_Up)  # back: the name typed comes back
    assert dialog.name.isEnabled() and dialog.name.text() == "April liaison group"
    _key(qtbot, Qt.Key.Key_Down)
    _key(qtbot, Qt.Key.Key_A, ALT)
    _type(qtbot, "Riverside Children's Centre")
    with qtbot.waitSignal(dialog.saved, timeout=5000) as saved:
        _key(qtbot, Qt.Key.Key_S, ALT)  # &Save and open
    view = services.meetings.meeting(saved.args[0].id)
    assert (view.kind, view.name) == (TEAM_AROUND, "Team around the child meeting")
    assert "Yusuf" not in view.name


def test_no_letters_before_the_meeting_is_marked_held(
    qtbot, host: QWidget, services: Services
) -> None:  # type: ignore[no-untyped-def]
    """Letters tell the family what the meeting decided: before it is marked held the dialog
    says so and makes none, even for a child whose outcome is written."""
    referral = _referral(services, "Ilse", "Van der Berg")
    meeting = _meeting(services, TODAY)
    [discussion] = services.meetings.add_referrals(meeting, [referral]).value
    services.meetings.record_discussion(
        discussion, DiscussionInput(outcome="Speech and language therapy will see Ilse.")
    )
    discussions = services.meetings.meeting(meeting).discussions
    planned = LettersDialog(discussions, host, held=False)
    qtbot.addWidget(planned)
    assert planned.intro.text() == NOT_HELD and not planned.make_button.isEnabled()
    services.meetings.mark_held(meeting)
    held = LettersDialog(services.meetings.meeting(meeting).discussions, host, held=True)
    qtbot.addWidget(held)
    assert held.make_button.isEnabled() and held.intro.text().startswith("1 of 1 letters")
