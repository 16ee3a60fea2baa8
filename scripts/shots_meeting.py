"""Screenshots of running a meeting, for docs/user-guide.md ("Running a meeting").

Called by scripts/screenshots.py with the main window unlocked on the demo vault:

    meeting_shots(app, window, out)

or on its own (`python scripts/shots_meeting.py --out DIR`, which builds a demo vault first).
It makes its own records through the services, for demo children: four referrals (three
families answered the questionnaire, one by phone), a pre-school liaison group meeting today
with three of them on its agenda and the first child's discussion recorded, and a team around
the child meeting three weeks ago with an action now overdue. It saves `meeting-editor.png`,
`meeting-editor-answers.png` (the actions, the answers to the family's questions, the
outcome), `meeting-referrals.png` (the referrals waiting, whether each family answered),
`meeting-decision.png` (notifying the local authority), `meeting-letters.png` (a letter held
back, and why), `meeting-team-around.png` (a team around the child meeting: the professionals
there, the family there recorded with the child), `meeting-team-around-details.png` (its
name, its kind's, and why) and `today-actions.png` (the actions on the
Today page). Every name shown is invented by the demo package or here.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import datetime as dt
from pathlib import Path

from PySide6.QtWidgets import QApplication

from earlyyears_desktop.domain.enums import DecisionKind, MeetingKind, QuestionnaireReturn
from earlyyears_desktop.services.children import ChildFilter
from earlyyears_desktop.services.container import Services
from earlyyears_desktop.services.meetings import (
    ActionInput,
    AttendeeInput,
    DiscussionInput,
    MeetingInput,
    NotifierInput,
)
from earlyyears_desktop.services.referrals import AnswersInput, ReferralInput
from earlyyears_desktop.ui.main_window import MainWindow
from earlyyears_desktop.ui.meeting_decisions import DecisionDialog
from earlyyears_desktop.ui.meeting_dialogs import MeetingDetailsDialog, ReferralsDialog
from earlyyears_desktop.ui.meeting_editor import MeetingEditor, open_meeting_editor
from earlyyears_desktop.ui.meeting_letters import LettersDialog

PEOPLE = (
    AttendeeInput("Dr Farah Siddiqui", "Community paediatrician", "Kingsford NHS Trust"),
    AttendeeInput("Gráinne O'Sullivan", "Senior occupational therapist", "Kingsford NHS Trust"),
    AttendeeInput("Dr Tomasz Nowak", "Psychologist", "Kingsford NHS Trust"),
    AttendeeInput("Adaeze Okonkwo", "Speech and language therapist", "Kingsford NHS Trust"),
    AttendeeInput("Mei Lin Chen", "Portage practitioner", "Kingsford County Council"),
    AttendeeInput("Søren Lindqvist", "Sensory support practitioner", "", present=False),
)
QUESTIONS = (
    "Will our child need extra help at nursery?",
    "Can we see a speech therapist sooner than the letter said?",
)


def _referral(services: Services, child: str, today: dt.date, n: int) -> str:
    referred = today - dt.timedelta(days=40 - n)
    return services.referrals.refer(
        ReferralInput(
            child_id=child,
            referred_on=referred,
            referrer_name="Dr Farah Siddiqui",
            referrer_role="Community paediatrician",
            referrer_agency="Kingsford NHS Trust",
            discussed_with_parents_on=referred - dt.timedelta(days=5),
            parents_agreed_by="Mum",
            parents_agreed_on=referred - dt.timedelta(days=5),
            parents_agreed_how="In person at clinic",
            reason="Few words for their age; not yet pointing to share interest.",
            questions="Would speech and language therapy help now?",
        )
    ).id


def make_meetings(services: Services) -> tuple[str, str, str]:
    """The records the pictures show: (the liaison group meeting, its first discussion, the
    team around the child meeting)."""
    today = services.meetings.today()
    children = services.children.search_ids(ChildFilter())[:5]
    referrals = [_referral(services, child, today, n) for n, child in enumerate(children[:4])]
    for n, referral in enumerate(referrals[:3]):
        services.referrals.questionnaire_sent(referral, today - dt.timedelta(days=30))
        services.referrals.record_answers(
            referral,
            AnswersInput(
                returned_on=today - dt.timedelta(days=12 - n),
                returned_how=(
                    QuestionnaireReturn.PHONE if n == 1 else QuestionnaireReturn.PAPER
                ).value,
                going_well="Loves the park, bath time and the songs at group.",
                concerns="Gets very upset in busy places; few words yet.",
                to_talk_about="Starting nursery next September.",
                hear_back_how="A letter, please, in large print.",
                questions=QUESTIONS if n == 0 else QUESTIONS[:1],
            ),
        )
    meetings = services.meetings
    meeting = meetings.plan(
        MeetingInput(
            MeetingKind.LIAISON_GROUP.value,
            "Kingsford pre-school liaison group",
            today,
            starts_at=dt.time(13, 30),
            venue="Riverside Children's Centre",
            chair_name="Dr Farah Siddiqui",
            chair_role="Community paediatrician",
        )
    ).id
    meetings.set_people(meeting, PEOPLE)
    first, *_others = meetings.add_referrals(meeting, referrals[:3]).value
    meetings.record_discussion(
        first,
        DiscussionInput(
            summary="Talked about words, play and how busy places are hard. Nursery from "
            "September; the family would like help with settling in.",
            outcome="The group thinks your child may need extra help with talking and with "
            "busy places, and will tell the local authority so that help can be planned.",
            next_steps="A speech and language therapist will write to you with a date. The "
            "Portage practitioner will visit the nursery before your child starts.",
            contact="Mei Lin Chen, Portage practitioner, 01632 960 123",
        ),
    )
    meetings.decide(
        first,
        DecisionKind.NOTIFY_LOCAL_AUTHORITY.value,
        notifier=NotifierInput(
            "Dr Farah Siddiqui", "Community paediatrician", "Likely social communication needs."
        ),
    )
    meetings.decide(first, DecisionKind.REFER_TO_SERVICE.value, "Speech and language therapy")
    [row] = [n for n in meetings.notifications() if n.child_id == children[0]]
    meetings.parents_told(row.id, today, "By phone, by Dr Siddiqui")
    me = services.actor.practitioner_id
    meetings.add_action(
        first,
        ActionInput(
            "Visit the nursery before the start in September", today + dt.timedelta(21), me
        ),
    )
    meetings.add_action(
        first,
        ActionInput(
            "Send the referral to speech and language therapy",
            today + dt.timedelta(7),
            owner_name="Adaeze Okonkwo",
        ),
    )
    view = meetings.meeting(meeting)
    answers = (
        "Yes: the Portage practitioner will visit the nursery and help plan the first weeks.",
        "The referral is sent today; the wait is about ten weeks.",
    )
    for question, answer in zip(view.discussions[0].questions, answers, strict=False):
        meetings.answer(question.id, first, answer)

    # A team around the child meeting three weeks ago, with an action overdue
    earlier = today - dt.timedelta(days=21)
    team_meeting = meetings.plan(
        MeetingInput(
            MeetingKind.TEAM_AROUND_THE_CHILD.value,
            "",  # named by its kind: a name could name the child
            earlier,
            venue="At home",
            chair_name="Mei Lin Chen",
            chair_role="Portage practitioner",
        )
    ).id
    meetings.set_people(
        team_meeting,
        (
            AttendeeInput("Mei Lin Chen", "Portage practitioner", "Kingsford County Council"),
            AttendeeInput("Adaeze Okonkwo", "Speech and language therapist", "Kingsford NHS Trust"),
            AttendeeInput("Ewa Kowalczyk", "Nursery SENCO", "Little Acorns Nursery"),
        ),
    )
    discussion = meetings.add_child(team_meeting, children[4]).id
    meetings.record_discussion(
        discussion,
        DiscussionInput(
            family_present="Mum and Grandad",
            summary="Talked about mornings at nursery and sleep at home; the new support plan "
            "was agreed with the family.",
        ),
    )
    meetings.mark_held(team_meeting)
    meetings.add_action(
        discussion,
        ActionInput("Share the new support plan with the nursery", today - dt.timedelta(4), me),
    )
    return meeting, first, team_meeting


def meeting_shots(app: QApplication, window: MainWindow, out: Path) -> None:
    from screenshots import save, settle, wait_until  # the runner of all the shots

    services = window.services
    assert services is not None
    meeting, _first, team_meeting = make_meetings(services)
    editor = open_meeting_editor(window, services, window.runner, meeting)
    wait_until(app, lambda: editor.shown is not None and editor.panel.discussion is not None)
    editor.resize(1320, 740)
    editor.panel.decision_list.setCurrentRow(0)
    settle(app, 0.4)
    save(editor, out, "meeting-editor")
    editor.child_area.verticalScrollBar().setValue(editor.panel.action_list.y() - 40)
    settle(app, 0.3)
    save(editor, out, "meeting-editor-answers")
    editor.child_area.verticalScrollBar().setValue(0)

    editor.add_referrals()
    wait_until(app, lambda: bool(_visible(editor, ReferralsDialog)))
    referrals = _visible(editor, ReferralsDialog)[0]
    settle(app, 0.3)
    save(referrals, out, "meeting-referrals")
    referrals.discard()

    editor.agenda.step(1)
    editor.add_decision()
    wait_until(app, lambda: bool(_visible(editor, DecisionDialog)))
    decision = _visible(editor, DecisionDialog)[0]
    decision.reason.setPlainText("Likely physical and sensory needs; not yet walking.")
    settle(app, 0.3)
    save(decision, out, "meeting-decision")
    decision.discard()

    editor.letters()
    wait_until(app, lambda: bool(_visible(editor, LettersDialog)))
    letters = _visible(editor, LettersDialog)[0]
    settle(app, 0.3)
    save(letters, out, "meeting-letters")
    letters.reject()
    editor.reject()
    settle(app)

    team = open_meeting_editor(window, services, window.runner, team_meeting)
    wait_until(app, lambda: team.shown is not None and team.panel.discussion is not None)
    team.resize(1320, 740)
    settle(app, 0.4)
    save(team, out, "meeting-team-around")
    team.edit_details()
    wait_until(app, lambda: bool(_visible(team, MeetingDetailsDialog)))
    details = _visible(team, MeetingDetailsDialog)[0]
    settle(app, 0.3)
    save(details, out, "meeting-team-around-details")
    details.discard()
    team.reject()
    settle(app)

    window.show_page("today")
    today = window.page("today")
    today.reload()
    wait_until(app, lambda: window.runner.running == 0)
    settle(app, 0.4)
    save(window, out, "today-actions")


def _visible(editor: MeetingEditor, kind: type) -> list:  # type: ignore[type-arg]
    return [d for d in editor.findChildren(kind) if d.isVisible()]


def main() -> int:
    """Build a demo vault, unlock the window on it, take the meeting's pictures."""
    import argparse
    import sys
    import tempfile

    from screenshots import PICTURE_DAY, SIZE, wait_until

    from earlyyears_desktop.demo import DEMO_PASSPHRASE, create_demo_vault
    from earlyyears_desktop.services.clock import Clock
    from earlyyears_desktop.storage.keyslots import KdfParams
    from earlyyears_desktop.ui.operations import OpRunner

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).parent.parent / "docs/images")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    runner = OpRunner()
    with tempfile.TemporaryDirectory(prefix="earlyyears-shots-") as tmp:
        folder = Path(tmp) / "demo-vault"
        create_demo_vault(
            folder, DEMO_PASSPHRASE, params=KdfParams.for_tests(), today=PICTURE_DAY
        ).vault.lock()
        window = MainWindow(folder, runner, clock=Clock.fixed(PICTURE_DAY))
        window.resize(*SIZE)
        window.show()
        window.unlock_screen.passphrase.setText(DEMO_PASSPHRASE)
        window.unlock_screen.try_unlock()
        wait_until(app, lambda: not window.is_locked)
        meeting_shots(app, window, args.out)
        window.lock()
        window.idle.remove()
        runner.wait_for_idle()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
