"""The Meetings page: the referrals (waiting first, or all) and the meetings with their states
in words; a referral by keyboard, refused beside the fields without the parents' agreement,
then saved; the family's answers typed in (a long answer, questions reordered) landing in the
vault; the questionnaire sent and a withdrawal; a meeting planned and opened; the "Referrals
and meetings" box on the child's record.

One vault for the module, its clock on 29 February 2028; each test that writes uses children
of its own.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QAbstractItemModelTester
from PySide6.QtWidgets import QAbstractButton, QApplication, QGroupBox, QLabel, QWidget

from earlyyears_desktop.domain.enums import MeetingKind, MeetingStatus, QuestionnaireReturn
from earlyyears_desktop.services.children import ChildInput
from earlyyears_desktop.services.clock import Clock
from earlyyears_desktop.services.container import Services
from earlyyears_desktop.services.meeting_views import MeetingRow
from earlyyears_desktop.services.meetings import MeetingInput
from earlyyears_desktop.services.referrals import (
    AGREEMENT_NEEDED,
    AnswersInput,
    QuestionInput,
    ReferralInput,
)
from earlyyears_desktop.ui.answers_dialog import AnswersDialog
from earlyyears_desktop.ui.child_record import ChildRecordView, read_child_view
from earlyyears_desktop.ui.meetings_model import meeting_texts
from earlyyears_desktop.ui.meetings_page import ALL, MeetingsPage, MeetingsView
from earlyyears_desktop.ui.plan_meeting_dialog import PlanMeetingDialog
from earlyyears_desktop.ui.referral_dialogs import (
    QuestionnaireSentDialog,
    ReferralDialog,
    WithdrawReferralDialog,
)

from ..fast_vaults import make_vault

D = dt.date
TODAY = D(2028, 2, 29)
BORN = D(2025, 6, 14)
ALT = Qt.KeyboardModifier.AltModifier


@dataclass(frozen=True)
class Vault:
    services: Services
    ids: dict[str, str]


def _child(services: Services, given: str, family: str) -> str:
    return services.children.create_child(ChildInput(given, family, BORN)).id


REFERRED = D(2028, 2, 1)


def _refer(services: Services, child: str, on: dt.date = REFERRED) -> str:
    return services.referrals.refer(
        ReferralInput(
            child_id=child,
            referred_on=on,
            referrer_name="Dr Farah Siddiqui",
            referrer_role="Community paediatrician",
            referrer_agency="Kingsford NHS Trust",
            discussed_with_parents_on=on,
            parents_agreed_by="Mother",
            parents_agreed_on=on,
            parents_agreed_how="In person",
            reason="Few words at 2½; not yet pointing to share interest.",
        )
    ).id


def _meeting(services: Services, on: dt.date, name: str) -> str:
    return services.meetings.plan(
        MeetingInput(
            MeetingKind.LIAISON_GROUP.value,
            name,
            on,
            venue="Riverside Children's Centre",
            chair_name="Dr Farah Siddiqui",
            chair_role="Community paediatrician",
        )
    ).id


@pytest.fixture(scope="module")
def vault(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Vault]:
    created = make_vault(tmp_path_factory.mktemp("meetings-page") / "vault")
    services = Services(created.vault, clock=Clock.fixed(TODAY))
    ids: dict[str, str] = {}
    for key, given, family in [
        ("zofia", "Zofia", "Wiśniewska"),
        ("kwame", "Kwame", "Asante"),
        ("leilani", "Leilani", "Kahale"),
        ("dara", "Dara", "Ó Súilleabháin"),
        ("mei", "Mei", "Takahashi"),
    ]:
        ids[key] = _child(services, given, family)
        ids[f"{key} referral"] = _refer(services, ids[key])
    services.referrals.questionnaire_sent(ids["zofia referral"], D(2028, 2, 3))
    services.referrals.record_answers(
        ids["kwame referral"],
        AnswersInput(D(2028, 2, 12), QuestionnaireReturn.PHONE.value, questions=("When?",)),
    )
    services.referrals.withdraw(ids["dara referral"], D(2028, 2, 20), "The family moved away")
    ids["held"] = _meeting(services, D(2028, 2, 10), "February liaison group")
    services.meetings.add_referrals(ids["held"], [ids["mei referral"]])
    services.meetings.mark_held(ids["held"])
    ids["next"] = _meeting(services, D(2028, 3, 14), "March liaison group")
    services.meetings.add_referrals(ids["next"], [ids["kwame referral"]])
    yield Vault(services, ids)
    created.vault.lock()


def _page(qtbot, services: Services, runner) -> MeetingsPage:  # type: ignore[no-untyped-def]
    page = MeetingsPage(services, runner)
    qtbot.addWidget(page)
    page.resize(1300, 800)
    page.show()
    qtbot.waitExposed(page)
    page.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is page, timeout=5000)
    with qtbot.waitSignal(page.loaded, timeout=5000):
        page.reload()
    return page


def _column(model, column: int) -> list[str]:  # type: ignore[no-untyped-def]
    return [str(model.index(r, column).data()) for r in range(model.rowCount())]


def _rows(page: MeetingsPage) -> dict[str, tuple[str, ...]]:
    """Each referral's cells by its child's name."""
    model = page.referrals_model
    return {
        str(model.index(r, 1).data()): tuple(
            str(model.index(r, c).data()) for c in range(model.columnCount())
        )
        for r in range(model.rowCount())
    }


def _choose(qtbot, page: MeetingsPage, child_name: str) -> None:  # type: ignore[no-untyped-def]
    row = next(
        r
        for r in range(page.referrals_model.rowCount())
        if _column(page.referrals_model, 1)[r] == child_name
    )
    page.referrals.setCurrentIndex(page.referrals_model.index(row, 0))
    page.activateWindow()  # as the main window does once a dialog closes
    qtbot.waitUntil(lambda: QApplication.activeWindow() is page, timeout=5000)
    page.referrals.setFocus()


def _texts(questions: tuple[QuestionInput, ...]) -> tuple[str, ...]:
    return tuple(q.text for q in questions)


def _dialog(qtbot, owner: QWidget, kind: type) -> object:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(
        lambda: isinstance(owner.dialog, kind) and owner.dialog.isVisible(), timeout=5000
    )
    dialog = owner.dialog
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog, timeout=5000)
    return dialog


def _alt(qtbot, key: Qt.Key) -> None:  # type: ignore[no-untyped-def]
    widget = QApplication.focusWidget()
    assert widget is not None
    qtbot.keyClick(widget, key, ALT)


def _mnemonics(window: QWidget) -> list[str]:
    """The Alt+letter keys of the labels, buttons and boxes shown in `window`."""
    found = []
    for widget in window.findChildren(QWidget):
        if not widget.isVisibleTo(window):
            continue
        if isinstance(widget, QLabel | QAbstractButton | QGroupBox):
            text = widget.title() if isinstance(widget, QGroupBox) else widget.text()
            found += [m.lower() for m in re.findall(r"&([^&\s])", text.replace("&&", ""))]
    return found


def _assert_no_clash(window: QWidget) -> None:
    keys = _mnemonics(window)
    assert len(keys) == len(set(keys)), sorted(keys)


def test_the_lists_say_where_each_referral_and_meeting_is(qtbot, runner, vault: Vault) -> None:  # type: ignore[no-untyped-def]
    page = _page(qtbot, vault.services, runner)
    QAbstractItemModelTester(
        page.referrals_model, QAbstractItemModelTester.FailureReportingMode.Fatal
    )
    QAbstractItemModelTester(
        page.meetings_model, QAbstractItemModelTester.FailureReportingMode.Fatal
    )
    rows = _rows(page)
    assert rows["Zofia Wiśniewska"][0] == "1 Feb"
    assert rows["Zofia Wiśniewska"][2] == "Dr Farah Siddiqui, Community paediatrician"
    assert rows["Zofia Wiśniewska"][4:] == ("Sent 3 Feb", "Waiting for a meeting")
    assert rows["Kwame Asante"][4:] == ("Answered by phone", "On the agenda for 14 Mar")
    assert rows["Leilani Kahale"][4:] == ("Not sent", "Waiting for a meeting")
    assert "Dara Ó Súilleabháin" not in rows and "Mei Takahashi" not in rows  # not waiting
    # Show: all referrals, discussed and withdrawn too
    with qtbot.waitSignal(page.loaded, timeout=5000):
        page.show_choice.setCurrentIndex(page.show_choice.findData(ALL))
    rows = _rows(page)
    assert rows["Dara Ó Súilleabháin"][5] == "Withdrawn 20 Feb"
    assert rows["Mei Takahashi"][5] == "Discussed 10 Feb"
    # The meeting to come first, then the one held; the families who answered, the letters
    meetings = page.meetings_model
    assert _column(meetings, 2)[:2] == ["March liaison group", "February liaison group"]
    assert [_column(meetings, c)[0] for c in range(8)] == [
        "Tue 14 Mar",
        "Pre-school liaison group",
        "March liaison group",
        "Riverside Children's Centre",
        "1",
        "1 of 1 answered",
        "0 of 1 sent",
        "Upcoming",
    ]
    assert _column(meetings, 7)[1] == "Held"
    # A withdrawn referral cannot be withdrawn again
    _choose(qtbot, page, "Dara Ó Súilleabháin")
    assert page.open_button.isEnabled() and not page.withdraw_button.isEnabled()
    _assert_no_clash(page)
    # Empty lists say how to fill them.
    page.show_lists(MeetingsView(TODAY, True, (), ()))
    assert page.referrals_empty.isVisible() and not page.referrals.isVisible()
    assert "Refer a child… (Ctrl+N)" in page.referrals_empty.text()
    assert "All referrals" in page.referrals_empty.text()
    assert "Plan a meeting… (Alt+P)" in page.meetings_empty.text()
    assert not page.open_button.isEnabled()
    page.clear_personal_data()
    assert page.referrals_model.rowCount() == 0


def test_a_referral_by_keyboard_needs_the_parents_agreement(qtbot, runner, vault: Vault) -> None:  # type: ignore[no-untyped-def]
    services = vault.services
    child = _child(services, "Amara", "Nwosu-Lindqvist")
    page = _page(qtbot, services, runner)
    qtbot.keyClick(page.referrals, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    dialog = _dialog(qtbot, page, ReferralDialog)
    assert isinstance(dialog, ReferralDialog)
    _assert_no_clash(dialog)
    assert "agree" in dialog.agreement.findChild(QLabel).text()
    qtbot.keyClicks(dialog.search, "Nwosu")
    qtbot.waitUntil(lambda: dialog.results.count() == 1, timeout=5000)
    _alt(qtbot, Qt.Key.Key_R)  # &Referrer's name
    qtbot.keyClicks(dialog.referrer_name, "Sian Pritchard")  # keyClicks types ASCII only
    _alt(qtbot, Qt.Key.Key_L)  # Ro&le: a role of the list, or typed
    qtbot.keyClicks(QApplication.focusWidget(), "Specialist health visitor")
    _alt(qtbot, Qt.Key.Key_G)  # A&gency
    qtbot.keyClicks(dialog.referrer_agency, "Kingsford NHS Trust")
    _alt(qtbot, Qt.Key.Key_A)  # Re&ason
    qtbot.keyClicks(dialog.reason, "Not yet sitting; startles at sounds.")
    _alt(qtbot, Qt.Key.Key_Q)
    qtbot.keyClicks(dialog.questions, "Would a hearing test help?")
    _alt(qtbot, Qt.Key.Key_S)  # &Save the referral, without the agreement
    error = dialog.errors["parents_agreed_by"]
    qtbot.waitUntil(error.isVisible, timeout=5000)
    assert error.text() == AGREEMENT_NEEDED
    assert dialog.isVisible()
    assert services.referrals.rows(child_id=child) == []
    assert QApplication.focusWidget() is dialog.agreed_by  # beside the field, the keys there
    qtbot.keyClicks(dialog.agreed_by, "Ingrid Lindqvist (mother)")
    _alt(qtbot, Qt.Key.Key_H)  # &How they agreed
    qtbot.keyClicks(QApplication.focusWidget(), "By phone")
    with qtbot.waitSignal(page.loaded, timeout=5000):
        _alt(qtbot, Qt.Key.Key_S)
    assert not dialog.isVisible()
    [row] = services.referrals.rows(child_id=child)
    view = services.referrals.get(row.id)
    assert (view.referrer_name, view.referrer_role) == (
        "Sian Pritchard",
        "Specialist health visitor",
    )
    assert (view.parents_agreed_by, view.parents_agreed_on, view.parents_agreed_how) == (
        "Ingrid Lindqvist (mother)",
        TODAY,
        "By phone",
    )
    assert view.questions == "Would a hearing test help?"
    assert _rows(page)["Amara Nwosu-Lindqvist"][4:] == ("Not sent", "Waiting for a meeting")


def test_the_familys_answers_typed_in_land_in_the_vault(qtbot, runner, vault: Vault) -> None:  # type: ignore[no-untyped-def]
    services = vault.services
    child = _child(services, "Tomasz", "Kowalczyk")
    referral = _refer(services, child)
    page = _page(qtbot, services, runner)
    _choose(qtbot, page, "Tomasz Kowalczyk")
    _alt(qtbot, Qt.Key.Key_A)  # &Answers…
    dialog = _dialog(qtbot, page, AnswersDialog)
    assert isinstance(dialog, AnswersDialog)
    _assert_no_clash(dialog)
    assert dialog.taken_by.currentData() == services.actor.practitioner_id
    _alt(qtbot, Qt.Key.Key_H)  # &How they came back
    qtbot.keyClick(dialog.returned_how, Qt.Key.Key_B)  # the first with a B: "By phone"
    assert dialog.returned_how.value() == QuestionnaireReturn.PHONE.value
    long_answer = " ".join(["He laughs when we sing and claps along to the songs."] * 500)
    assert len(long_answer.split()) >= 5000
    dialog.going_well.setPlainText(long_answer)  # pasted in from the typed-up notes
    _alt(qtbot, Qt.Key.Key_C)
    qtbot.keyClicks(dialog.concerns, "He does not answer to his name.")
    _alt(qtbot, Qt.Key.Key_B)  # hear &back
    qtbot.keyClicks(QApplication.focusWidget(), "A letter in the post")
    _alt(qtbot, Qt.Key.Key_N)  # &New question
    for question in ("Will he talk by school?", "Is it his hearing?", "Who do we ring?"):
        qtbot.keyClicks(dialog.questions.new_question, question)
        qtbot.keyClick(dialog.questions.new_question, Qt.Key.Key_Return)
    assert dialog.isVisible()  # Enter in the new question adds it, never saves
    assert _texts(dialog.questions.questions()) == (
        "Will he talk by school?",
        "Is it his hearing?",
        "Who do we ring?",
    )
    # "Who do we ring?" is their first question: up twice
    _alt(qtbot, Qt.Key.Key_Q)
    assert QApplication.focusWidget() is dialog.questions.list
    qtbot.keyClick(dialog.questions.list, Qt.Key.Key_End)
    for row in (1, 0):
        _alt(qtbot, Qt.Key.Key_U)  # Move &up (a mnemonic animates the click)
        qtbot.waitUntil(lambda row=row: dialog.questions.list.currentRow() == row, timeout=5000)
    assert dialog.questions.questions()[0].text == "Who do we ring?"
    # and the hearing one goes
    qtbot.keyClick(dialog.questions.list, Qt.Key.Key_End)
    _alt(qtbot, Qt.Key.Key_R)
    qtbot.waitUntil(lambda: dialog.questions.list.count() == 2, timeout=5000)
    assert _texts(dialog.questions.questions()) == ("Who do we ring?", "Will he talk by school?")
    with qtbot.waitSignal(page.loaded, timeout=5000):
        _alt(qtbot, Qt.Key.Key_S)
    answers = services.referrals.get(referral).answers
    assert answers is not None
    assert answers.returned_on == TODAY
    assert answers.returned_how is QuestionnaireReturn.PHONE
    assert answers.going_well == long_answer
    assert answers.concerns == "He does not answer to his name."
    assert answers.hear_back_how == "A letter in the post"
    assert answers.taken_by_name == "Amira Haddad"
    assert [q.question for q in answers.questions] == ["Who do we ring?", "Will he talk by school?"]
    assert _rows(page)["Tomasz Kowalczyk"][4] == "Answered by phone"
    # Opened again, the answers are there to correct, the long one in a box that scrolls.
    _choose(qtbot, page, "Tomasz Kowalczyk")
    _alt(qtbot, Qt.Key.Key_A)
    again = _dialog(qtbot, page, AnswersDialog)
    assert isinstance(again, AnswersDialog)
    assert again.going_well.toPlainText() == long_answer
    assert again.going_well.verticalScrollBar().maximum() > 0
    assert _texts(again.questions.questions()) == ("Who do we ring?", "Will he talk by school?")
    again.reject()


def test_questionnaire_sent_and_withdrawn_by_keyboard(qtbot, runner, vault: Vault) -> None:  # type: ignore[no-untyped-def]
    services = vault.services
    child = _child(services, "Ngozi", "Eze")
    _refer(services, child)
    page = _page(qtbot, services, runner)
    _choose(qtbot, page, "Ngozi Eze")
    _alt(qtbot, Qt.Key.Key_S)  # Questionnaire &sent…
    sent = _dialog(qtbot, page, QuestionnaireSentDialog)
    _assert_no_clash(sent)
    with qtbot.waitSignal(page.loaded, timeout=5000):
        _alt(qtbot, Qt.Key.Key_S)  # &Save, the date today
    assert _rows(page)["Ngozi Eze"][4] == "Sent 29 Feb"
    _choose(qtbot, page, "Ngozi Eze")
    _alt(qtbot, Qt.Key.Key_W)  # &Withdraw…
    withdraw = _dialog(qtbot, page, WithdrawReferralDialog)
    assert isinstance(withdraw, WithdrawReferralDialog)
    _assert_no_clash(withdraw)
    _alt(qtbot, Qt.Key.Key_W)  # no reason: refused beside the field
    qtbot.waitUntil(withdraw.errors["withdrawn_reason"].isVisible, timeout=5000)
    _alt(qtbot, Qt.Key.Key_R)
    qtbot.keyClicks(QApplication.focusWidget(), "The family moved out of the area")
    with qtbot.waitSignal(page.loaded, timeout=5000):
        _alt(qtbot, Qt.Key.Key_W)
    assert "Ngozi Eze" not in _rows(page)  # no longer waiting
    [row] = services.referrals.rows(child_id=child)
    assert row.withdrawn_on == TODAY


def test_a_meeting_planned_opens(qtbot, runner, vault: Vault) -> None:  # type: ignore[no-untyped-def]
    services = vault.services
    page = _page(qtbot, services, runner)
    page.meetings.setFocus()
    _alt(qtbot, Qt.Key.Key_P)  # &Plan a meeting…
    dialog = _dialog(qtbot, page, PlanMeetingDialog)
    assert isinstance(dialog, PlanMeetingDialog)
    _assert_no_clash(dialog)
    assert dialog.name.text() == "March liaison group"  # the last liaison group's name, again
    _alt(qtbot, Qt.Key.Key_T)
    qtbot.keyClicks(dialog.starts_at, "9.30")
    _alt(qtbot, Qt.Key.Key_S)  # neither a place nor online: refused beside the place
    qtbot.waitUntil(dialog.errors["venue"].isVisible, timeout=5000)
    _alt(qtbot, Qt.Key.Key_L)  # On&line
    qtbot.waitUntil(dialog.online.isChecked, timeout=5000)  # a mnemonic animates the click
    with qtbot.waitSignal(page.meeting_open_requested, timeout=5000) as opened:
        _alt(qtbot, Qt.Key.Key_S)
    meeting = services.meetings.meeting(opened.args[0])
    assert (meeting.held_on, meeting.starts_at, meeting.place) == (TODAY, dt.time(9, 30), "Online")
    assert meeting.status is MeetingStatus.PLANNED and meeting.letters_roles_only
    qtbot.waitUntil(lambda: "Today" in _column(page.meetings_model, 7), timeout=5000)
    # Enter on a meeting opens it
    row = page.meetings_model.row_of(meeting.id)
    page.meetings.setCurrentIndex(page.meetings_model.index(row, 0))
    page.meetings.setFocus()
    with qtbot.waitSignal(page.meeting_open_requested, timeout=5000) as entered:
        qtbot.keyClick(page.meetings, Qt.Key.Key_Return)
    assert entered.args == [meeting.id]
    # and the questionnaire for a family is asked of the window
    _choose(qtbot, page, "Zofia Wiśniewska")
    with qtbot.waitSignal(page.questionnaire_requested, timeout=5000) as asked:
        _alt(qtbot, Qt.Key.Key_Y)
    assert asked.args == [vault.ids["zofia referral"]]


def test_the_childs_record_lists_referrals_and_meetings(qtbot, runner, vault: Vault) -> None:  # type: ignore[no-untyped-def]
    services = vault.services
    record = ChildRecordView(services, runner)
    qtbot.addWidget(record)
    record.resize(900, 1400)
    record.show()
    box = record.referrals_box
    with qtbot.waitSignal(box.loaded, timeout=5000):
        record.show_child(read_child_view(services, vault.ids["mei"]))
    shown = " ".join(w.text() for w in box.list.findChildren(QLabel))
    assert "Referred 1 Feb 2028" in shown and "Discussed 10 Feb" in shown
    assert "questionnaire: not sent" in shown
    _assert_no_clash(record)  # its Alt+F beside the other boxes' keys
    assert "February liaison group" in shown and "Held" in shown
    openers = box.list.findChildren(QAbstractButton)
    assert [b.accessibleName() for b in openers] == [
        "Open the referral of 1 Feb 2028",
        "Open the meeting of 10 Feb 2028",
    ]
    with qtbot.waitSignal(record.meeting_open_requested, timeout=5000) as opened:
        openers[1].click()
    assert opened.args == [vault.ids["held"]]
    openers[0].click()
    edit = _dialog(qtbot, box, ReferralDialog)
    assert isinstance(edit, ReferralDialog)
    assert edit.view is not None and edit.view.id == vault.ids["mei referral"]
    assert edit.agreed_by.text() == "Mother"
    intro = " ".join(w.text() for w in edit.findChildren(QLabel))
    assert "referred 1 Feb 2028 · questionnaire: not sent · discussed 10 Feb" in intro
    edit.reject()
    # the same from the child's timeline: a referral opens its dialog, a discussion its meeting
    record.timeline.open_requested.emit("referral", vault.ids["mei referral"])
    again = _dialog(qtbot, box, ReferralDialog)
    assert isinstance(again, ReferralDialog) and again is not edit
    assert again.view is not None and again.view.id == vault.ids["mei referral"]
    again.reject()
    [discussion] = services.meetings.meeting(vault.ids["held"]).discussions
    with qtbot.waitSignal(record.meeting_open_requested, timeout=5000) as opened:
        record.timeline.open_requested.emit("meeting_discussion", discussion.id)
    assert opened.args == [vault.ids["held"]]
    # Refer to the liaison group…: the child is chosen already
    child = _child(services, "Ayşe", "Demir")
    with qtbot.waitSignal(box.loaded, timeout=5000):
        record.show_child(read_child_view(services, child))
    assert "No referral or meeting yet" in " ".join(w.text() for w in box.list.findChildren(QLabel))
    record.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is record, timeout=5000)
    box.refer_button.setFocus()
    qtbot.keyClick(box.refer_button, Qt.Key.Key_F, ALT)  # Re&fer to the liaison group…
    refer = _dialog(qtbot, box, ReferralDialog)
    assert isinstance(refer, ReferralDialog)
    assert refer.given_child == child
    assert "Ayşe Demir" in " ".join(w.text() for w in refer.findChildren(QLabel))
    refer.reject()
    record.clear_personal_data()
    assert box.child_id is None and not box.list.findChildren(QLabel)


def test_a_team_around_the_child_has_the_family_there_not_a_questionnaire() -> None:
    """The family comes to a team around the child meeting: the list says so instead of
    counting questionnaires nobody sent."""
    row = MeetingRow(
        "m", MeetingKind.TEAM_AROUND_THE_CHILD, "Team around the child meeting",
        D(2028, 2, 29), MeetingStatus.HELD, "Online", 1, 0, 0,
    )  # fmt: skip
    assert meeting_texts(row, D(2028, 3, 1))[5] == "Family there"
    liaison = replace(row, kind=MeetingKind.LIAISON_GROUP, children=6, answered=4)
    assert meeting_texts(liaison, D(2028, 3, 1))[5] == "4 of 6 answered"
