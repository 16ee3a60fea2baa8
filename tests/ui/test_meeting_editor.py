"""The meeting editor, driven by the keyboard: a liaison group meeting run from its agenda to
its decisions (children added from the referrals waiting, the people there, a summary, the
decision to notify the local authority with the parents told, an action, the answers to the
family's questions, the outcome, held); a meeting is not held before its date; nothing typed
is lost when the editor closes; an action's owner sees it on their Today page until it is done.

One cheap vault for the module, its clock fixed on 29 February.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QComboBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QScrollBar,
    QWidget,
)

from earlyyears_desktop.domain.enums import (
    DecisionKind,
    MeetingKind,
    MeetingStatus,
    QuestionnaireReturn,
    Role,
)
from earlyyears_desktop.services.children import ChildInput
from earlyyears_desktop.services.clock import Clock
from earlyyears_desktop.services.container import Services
from earlyyears_desktop.services.meetings import ActionInput, MeetingInput
from earlyyears_desktop.services.referrals import AnswersInput, ReferralInput
from earlyyears_desktop.ui.meeting_decisions import (
    ActionDialog,
    DecisionDialog,
    ParentsToldDialog,
)
from earlyyears_desktop.ui.meeting_dialogs import KeepTypedDialog, PersonDialog, ReferralsDialog
from earlyyears_desktop.ui.meeting_editor import MeetingEditor, open_meeting_editor
from earlyyears_desktop.ui.meeting_letters import LettersDialog, LettersSentDialog
from earlyyears_desktop.ui.today_page import TodayPage

from ..fast_vaults import make_vault

D = dt.date
TODAY = D(2028, 2, 29)
BORN = D(2025, 6, 14)
ALT = Qt.KeyboardModifier.AltModifier
CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture(scope="module")
def services(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Services]:
    created = make_vault(tmp_path_factory.mktemp("meeting-editor") / "vault")
    services = Services(created.vault, clock=Clock.fixed(TODAY))
    services.practitioners.add("Mei Lin Chen", Role.PORTAGE_WORKER.value)
    yield services
    services.vault.lock()


def _referral(services: Services, given: str, family: str, questions: tuple[str, ...] = ()) -> str:
    child = services.children.create_child(ChildInput(given, family, BORN)).id
    referral = services.referrals.refer(
        ReferralInput(
            child_id=child,
            referred_on=D(2028, 1, 20),
            referrer_name="Dr Farah Siddiqui",
            referrer_role="Community paediatrician",
            referrer_agency="Kingsford NHS Trust",
            discussed_with_parents_on=D(2028, 1, 12),
            parents_agreed_by=f"{family} (mother)",
            parents_agreed_on=D(2028, 1, 12),
            parents_agreed_how="In person at clinic",
            reason="Few words at 2½; not yet pointing to share interest.",
            questions="Would speech and language therapy help?",
        )
    ).id
    services.referrals.questionnaire_sent(referral, D(2028, 1, 22))
    if questions:
        services.referrals.record_answers(
            referral,
            AnswersInput(
                returned_on=D(2028, 2, 10),
                returned_how=QuestionnaireReturn.PAPER.value,
                going_well="She loves the park and bath time.",
                concerns="She gets upset in busy places.",
                to_talk_about="Starting nursery in September.",
                hear_back_how="A letter, please, in large print.",
                questions=questions,
            ),
        )
    return referral


def _meeting(
    services: Services, day: dt.date, kind: MeetingKind = MeetingKind.LIAISON_GROUP
) -> str:
    return services.meetings.plan(
        MeetingInput(
            kind.value,
            "Kingsford pre-school liaison group",
            day,
            venue="Riverside Children's Centre",
            chair_name="Dr Farah Siddiqui",
            chair_role="Community paediatrician",
        )
    ).id


def _editor(qtbot, host: QWidget, services: Services, runner, meeting: str) -> MeetingEditor:  # type: ignore[no-untyped-def]
    editor = open_meeting_editor(host, services, runner, meeting)
    qtbot.waitUntil(lambda: editor.shown is not None and editor.isEnabled(), timeout=5000)
    editor.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is editor, timeout=5000)
    return editor


def _dialog(qtbot, editor: MeetingEditor, kind: type) -> object:  # type: ignore[no-untyped-def]
    def found() -> bool:
        return any(d.isVisible() for d in editor.findChildren(kind))

    qtbot.waitUntil(found, timeout=5000)
    dialog = next(d for d in editor.findChildren(kind) if d.isVisible())
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog, timeout=5000)
    return dialog


def _type(qtbot, text: str) -> None:  # type: ignore[no-untyped-def]
    widget = QApplication.focusWidget()
    if isinstance(widget, QComboBox) and widget.isEditable():
        widget = widget.lineEdit()  # a list to choose from, or words typed
    assert isinstance(widget, QLineEdit | QPlainTextEdit), widget
    qtbot.keyClicks(widget, text)


def _key(
    qtbot, key: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier
) -> None:  # type: ignore[no-untyped-def]
    qtbot.keyClick(QApplication.focusWidget(), key, modifier)


def _saved(qtbot, editor: MeetingEditor, runner) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: runner.running == 0 and editor.state.text() == "Saved ✓", timeout=5000)


def test_a_meeting_from_agenda_to_decisions_by_keyboard(  # type: ignore[no-untyped-def]
    qtbot, host: QWidget, services: Services, runner
) -> None:
    questions = ("Will she need help at nursery?", "Can we see a speech therapist sooner?")
    _referral(services, "Zofia", "Wiśniewska", questions)
    _referral(services, "Kofi", "Mensah")
    meeting = _meeting(services, TODAY)
    editor = _editor(qtbot, host, services, runner, meeting)
    assert editor.width() <= 1366 and editor.height() <= 768
    assert editor.agenda.referrals_button.hasFocus()  # the agenda is empty

    # The referrals waiting, each saying whether the family answered, ticked by Space
    _key(qtbot, Qt.Key.Key_F, ALT)
    waiting = _dialog(qtbot, editor, ReferralsDialog)
    assert isinstance(waiting, ReferralsDialog)
    texts = [waiting.choices.item(n).text() for n in range(waiting.choices.count())]
    assert texts[0] == (
        "Zofia Wiśniewska · Answered on paper\n"
        "Referred 20 Jan 2028 by Dr Farah Siddiqui, Community paediatrician"
    )
    assert texts[1].startswith("Kofi Mensah · Not answered (questionnaire sent 22 Jan 2028)\n")
    _key(qtbot, Qt.Key.Key_Space)
    _key(qtbot, Qt.Key.Key_Down)
    _key(qtbot, Qt.Key.Key_Space)
    assert len(waiting.ticked()) == 2
    _key(qtbot, Qt.Key.Key_A, ALT)  # &Add to the agenda
    qtbot.waitUntil(lambda: editor.agenda.list.count() == 2, timeout=5000)
    agenda = [editor.agenda.list.item(n).text() for n in range(2)]
    assert agenda == ["1. Zofia Wiśniewska · Answered on paper", "2. Kofi Mensah · Not answered"]

    # The people: one of the team, then someone typed, who sent apologies
    editor.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is editor, timeout=5000)
    _key(qtbot, Qt.Key.Key_A, ALT)
    person = _dialog(qtbot, editor, PersonDialog)
    assert isinstance(person, PersonDialog) and person.team.hasFocus()
    _key(qtbot, Qt.Key.Key_Down)  # the first practitioner of the team
    assert person.name.text() == "Amira Haddad"
    _key(qtbot, Qt.Key.Key_A, ALT)  # &Add
    qtbot.waitUntil(lambda: editor.people.list.count() == 1, timeout=5000)
    _key(qtbot, Qt.Key.Key_A, ALT)
    person = _dialog(qtbot, editor, PersonDialog)
    _key(qtbot, Qt.Key.Key_N, ALT)
    _type(qtbot, "Tomasz Nowak")
    _key(qtbot, Qt.Key.Key_R, ALT)
    _type(qtbot, "Psychologist")
    _key(qtbot, Qt.Key.Key_P, ALT)  # Sent a&pologies
    qtbot.waitUntil(lambda: person.apologies.isChecked(), timeout=2000)
    _key(qtbot, Qt.Key.Key_A, ALT)
    qtbot.waitUntil(lambda: editor.people.list.count() == 2, timeout=5000)
    assert editor.people.summary.text() == "1 there, 1 sent apologies"
    assert editor.people.list.item(1).text() == "Tomasz Nowak, Psychologist · sent apologies"

    # Zofia: what the group reads first, then the summary
    editor.activateWindow()
    _key(qtbot, Qt.Key.Key_G, ALT)
    assert editor.agenda.list.hasFocus() and editor.panel.title.text() == "Zofia Wiśniewska"
    before = editor.panel.before.text()
    assert "Few words at 2½" in before and "She loves the park" in before
    assert "Answered on paper on 10 Feb 2028" in before
    _key(qtbot, Qt.Key.Key_M, ALT)
    _type(qtbot, "Discussed her words and play; nursery from September.")

    # The decision to notify the local authority: who notifies (the chair, offered) and why
    _key(qtbot, Qt.Key.Key_D, ALT)
    decision = _dialog(qtbot, editor, DecisionDialog)
    assert isinstance(decision, DecisionDialog) and decision.kind.hasFocus()
    assert decision.kind.value() == DecisionKind.NOTIFY_LOCAL_AUTHORITY.value
    assert decision.notifier.isVisible()
    assert decision.notified_by.text() == "Dr Farah Siddiqui"
    _key(qtbot, Qt.Key.Key_A, ALT)  # Re&ason
    _type(qtbot, "Likely social communication needs.")
    _key(qtbot, Qt.Key.Key_S, ALT)  # &Save the decision
    qtbot.waitUntil(lambda: editor.panel.told_button.hasFocus(), timeout=5000)
    assert "Parents not told yet" in editor.panel.decision_list.item(0).text()
    assert "Not sent to the central service yet" in editor.panel.decision_list.item(0).text()
    _key(qtbot, Qt.Key.Key_Space)  # Parents told…
    told = _dialog(qtbot, editor, ParentsToldDialog)
    assert isinstance(told, ParentsToldDialog) and told.how.hasFocus()
    _type(qtbot, "By phone, by Dr Siddiqui")
    _key(qtbot, Qt.Key.Key_S, ALT)
    qtbot.waitUntil(
        lambda: "Parents told on 29 Feb 2028" in editor.panel.decision_list.item(0).text(),
        timeout=5000,
    )

    # An action for someone of the team
    editor.activateWindow()
    _key(qtbot, Qt.Key.Key_I, ALT)
    action = _dialog(qtbot, editor, ActionDialog)
    assert isinstance(action, ActionDialog) and action.what.hasFocus()
    _type(qtbot, "Ask the nursery for a short report")
    _key(qtbot, Qt.Key.Key_H, ALT)
    _key(qtbot, Qt.Key.Key_Down)
    assert action.owner.currentText().startswith("Amira Haddad")
    _key(qtbot, Qt.Key.Key_A, ALT)  # &Add the action
    qtbot.waitUntil(lambda: editor.panel.chosen_action() is not None, timeout=5000)
    assert editor.panel.action_list.item(0).text() == (
        "Ask the nursery for a short report · Amira Haddad · by 14 Mar 2028 · Due in 14 days"
    )

    # The answers to the family's questions, then the outcome for their letter
    editor.activateWindow()
    _key(qtbot, Qt.Key.Key_Q, ALT)
    _type(qtbot, "Yes: the Portage practitioner will visit the nursery.")
    _key(qtbot, Qt.Key.Key_Tab)
    _type(qtbot, "The referral has been sent; the wait is about ten weeks.")
    _key(qtbot, Qt.Key.Key_Tab)
    assert editor.panel.outcome.hasFocus()
    _type(qtbot, "The group thinks Zofia may need extra help with talking.")
    _key(qtbot, Qt.Key.Key_X, ALT)
    _type(qtbot, "A speech and language therapist will write to you.")
    _key(qtbot, Qt.Key.Key_W, ALT)
    _type(qtbot, "Mei Lin Chen, Portage practitioner, 01632 960 123")
    # The next child: what was typed for Zofia is saved
    _key(qtbot, Qt.Key.Key_PageDown, CTRL)
    assert editor.panel.title.text() == "Kofi Mensah"
    assert "Not answered" in editor.panel.no_questions.text()
    _saved(qtbot, editor, runner)

    _key(qtbot, Qt.Key.Key_H, ALT)  # Meeting &held
    qtbot.waitUntil(lambda: not editor.held_button.isVisible(), timeout=5000)
    assert editor.details.text().endswith("Held")

    view = services.meetings.meeting(meeting)
    assert view.status is MeetingStatus.HELD
    assert [(p.name, p.present) for p in view.people] == [
        ("Amira Haddad", True),
        ("Tomasz Nowak", False),
    ]
    zofia = view.discussions[0]
    assert zofia.summary == "Discussed her words and play; nursery from September."
    assert zofia.outcome == "The group thinks Zofia may need extra help with talking."
    assert zofia.next_steps == "A speech and language therapist will write to you."
    assert zofia.contact == "Mei Lin Chen, Portage practitioner, 01632 960 123"
    assert [q.answer for q in zofia.questions] == [
        "Yes: the Portage practitioner will visit the nursery.",
        "The referral has been sent; the wait is about ten weeks.",
    ]
    [decided] = zofia.decisions
    assert decided.kind is DecisionKind.NOTIFY_LOCAL_AUTHORITY
    [notified] = [n for n in services.meetings.notifications() if n.id == decided.notification_id]
    assert (notified.notified_by, notified.reason) == (
        "Dr Farah Siddiqui",
        "Likely social communication needs.",
    )
    assert (notified.parents_told_on, notified.parents_told_how) == (
        TODAY,
        "By phone, by Dr Siddiqui",
    )
    [action_saved] = zofia.actions
    assert action_saved.owner_id == services.actor.practitioner_id

    # The letters: Kofi's is held back, and says why, before they are asked for
    editor.activateWindow()
    _key(qtbot, Qt.Key.Key_L, ALT)
    letters = _dialog(qtbot, editor, LettersDialog)
    assert isinstance(letters, LettersDialog)
    assert letters.letters.item(1).text() == (
        "Kofi Mensah: Held back: No outcome is recorded for this child yet: the letter waits "
        "for one."
    )
    with qtbot.waitSignal(editor.letters_requested, timeout=2000) as asked:
        _key(qtbot, Qt.Key.Key_M, ALT)  # &Make the letters
    assert asked.args == [meeting]

    # The letters sent: the ones ready and not sent are ticked; the date and how
    editor.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is editor, timeout=5000)
    _key(qtbot, Qt.Key.Key_S, ALT)
    sent = _dialog(qtbot, editor, LettersSentDialog)
    assert isinstance(sent, LettersSentDialog) and sent.choices.count() == 1  # not Kofi's
    _key(qtbot, Qt.Key.Key_H, ALT)
    _type(qtbot, "By post")
    _key(qtbot, Qt.Key.Key_R, ALT)  # &Record
    qtbot.waitUntil(
        lambda: (
            "Sent on 29 Feb 2028 (by post)" in editor.panel.letter.text()
            or services.meetings.meeting(meeting).discussions[0].letter_sent_on == TODAY
        ),
        timeout=5000,
    )
    assert services.meetings.meeting(meeting).discussions[0].letter_sent_how == "By post"
    editor.reject()


def test_a_meeting_is_not_held_before_its_date(  # type: ignore[no-untyped-def]
    qtbot, host: QWidget, services: Services, runner
) -> None:
    meeting = _meeting(services, TODAY + dt.timedelta(days=1))
    editor = _editor(qtbot, host, services, runner, meeting)
    _key(qtbot, Qt.Key.Key_H, ALT)
    qtbot.waitUntil(editor.held_error.isVisible, timeout=5000)
    assert editor.held_error.text() == (
        "This meeting's date is still to come: it cannot be held yet."
    )
    assert editor.held_button.isVisible()
    assert services.meetings.meeting(meeting).status is MeetingStatus.PLANNED
    editor.reject()


def test_nothing_typed_is_lost_when_the_editor_closes(  # type: ignore[no-untyped-def]
    qtbot, host: QWidget, services: Services, runner
) -> None:
    _referral(services, "Aarav", "Sharma", ("Is it autism?",))
    meeting = _meeting(services, TODAY, MeetingKind.TEAM_AROUND_THE_CHILD)
    [referral] = [r for r in services.referrals.rows(waiting_only=True) if "Aarav" in r.child_name]
    services.meetings.add_child(meeting, referral.child_id, referral_id=referral.id)
    editor = _editor(qtbot, host, services, runner, meeting)
    assert not editor.agenda.referrals_button.isVisible()
    assert not editor.agenda.child_button.isEnabled()  # one child for a team around the child
    _key(qtbot, Qt.Key.Key_M, ALT)
    _type(qtbot, "Mum and the nursery SENCO came.")
    _key(qtbot, Qt.Key.Key_Q, ALT)
    _type(qtbot, "We cannot say yet.")
    # A dialog with something typed asks before Esc throws it away
    _key(qtbot, Qt.Key.Key_I, ALT)
    action = _dialog(qtbot, editor, ActionDialog)
    assert isinstance(action, KeepTypedDialog)
    _type(qtbot, "Book the hearing test")
    _key(qtbot, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: action.asking is not None and action.asking.isVisible(), timeout=2000)
    assert action.isVisible()
    action.asking.reject()  # Keep editing
    assert action.isVisible()
    # Esc on the editor, at once (before the autosave): saved first, the dialog discarded
    editor.reject()
    qtbot.waitUntil(lambda: runner.running == 0, timeout=5000)
    [discussion] = services.meetings.meeting(meeting).discussions
    assert discussion.summary == "Mum and the nursery SENCO came."
    assert [q.answer for q in discussion.questions] == ["We cannot say yet."]
    assert discussion.actions == ()


def test_the_editor_names_every_control_and_its_mnemonics_differ(  # type: ignore[no-untyped-def]
    qtbot, host: QWidget, services: Services, runner
) -> None:
    _referral(services, "Léa", "Dubois", ("Will she walk soon?",))
    meeting = _meeting(services, TODAY)
    [referral] = [r for r in services.referrals.rows(waiting_only=True) if "Léa" in r.child_name]
    services.meetings.add_referrals(meeting, [referral.id])
    editor = _editor(qtbot, host, services, runner, meeting)
    keys: list[str] = []
    for child in editor.findChildren(QWidget):
        if child.window() is not editor or not child.isVisibleTo(editor):
            continue
        if child.focusPolicy() != Qt.FocusPolicy.NoFocus and not isinstance(child, QScrollBar):
            inner = isinstance(child, QLineEdit) and isinstance(child.parent(), QComboBox)
            named = child.accessibleName() or isinstance(child, QAbstractButton) or inner
            assert named, (type(child).__name__, child.objectName())
        text = child.text() if isinstance(child, QLabel | QAbstractButton) else ""
        if (found := re.search(r"&(\w)", text.replace("&&", ""))) is not None:
            keys.append(found.group(1).lower())
    assert len(keys) == len(set(keys)), sorted(keys)
    assert len(keys) >= 20
    assert "Ctrl+Page Down" in editor.hint.text()
    editor.reject()


def test_an_action_is_on_its_owners_today_page_until_done(  # type: ignore[no-untyped-def]
    qtbot, services: Services, runner
) -> None:
    _referral(services, "Hana", "Suzuki", ())
    meeting = _meeting(services, TODAY - dt.timedelta(days=10))
    [referral] = [r for r in services.referrals.rows(waiting_only=True) if "Hana" in r.child_name]
    [discussion] = services.meetings.add_referrals(meeting, [referral.id]).value
    me = services.actor.practitioner_id
    mine = services.meetings.add_action(
        discussion, ActionInput("Send the setting a copy of the plan", TODAY - dt.timedelta(3), me)
    ).id
    services.meetings.add_action(
        discussion, ActionInput("Book the hearing test", TODAY, owner_name="Dr Okafor")
    )
    page = TodayPage(services, runner)
    qtbot.addWidget(page)
    page.resize(1200, 760)
    page.show()
    with qtbot.waitSignal(page.loaded, timeout=5000):
        page.reload()
    box = page.actions_box
    assert box.isVisible() and box.title() == "Your actions from meetings"
    texts = [box.list.item(n).text() for n in range(box.list.count())]
    mine_text = (
        "Send the setting a copy of the plan · Hana Suzuki · Kingsford pre-school liaison group, "
        "19 Feb 2028 · due 26 Feb 2028 · Overdue (3 days)"
    )
    assert mine_text in texts and not any("hearing test" in t for t in texts)
    box.list.setCurrentRow(texts.index(mine_text))
    box.list.setFocus()
    with qtbot.waitSignal(page.meeting_requested, timeout=2000) as opened:
        qtbot.keyClick(box.list, Qt.Key.Key_Return)
    assert opened.args == [meeting]
    with qtbot.waitSignal(page.loaded, timeout=5000):
        qtbot.keyClick(box.list, Qt.Key.Key_D, ALT)  # Mark &done
    texts = [box.list.item(n).text() for n in range(box.list.count())]
    assert mine_text not in texts
    assert all(a.id != mine for a in services.meetings.open_actions(me))
