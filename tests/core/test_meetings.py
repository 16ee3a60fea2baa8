"""Referrals, the parents' questionnaire and meetings: `ReferralService` and `MeetingService`.

One vault for the module; its clock reads a day each test may move (`on`), around 29 February.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import replace

import pytest

from earlyyears_desktop.domain.enums import (
    DecisionKind,
    MeetingKind,
    MeetingStatus,
    QuestionnaireReturn,
    Role,
)
from earlyyears_desktop.domain.errors import ValidationError
from earlyyears_desktop.domain.models import LaNotification
from earlyyears_desktop.services.children import ChildInput
from earlyyears_desktop.services.clock import FIXED_TIME, Clock
from earlyyears_desktop.services.container import Services, set_up_vault
from earlyyears_desktop.services.meetings import (
    ActionInput,
    AttendeeInput,
    DiscussionInput,
    MeetingInput,
    NotifierInput,
)
from earlyyears_desktop.services.referrals import (
    AGREEMENT_NEEDED,
    ANSWERED_QUESTION,
    AnswersInput,
    QuestionInput,
    ReferralInput,
)

from ..fast_vaults import FAST_KDF, PASSPHRASE

D = dt.date
BORN = D(2025, 6, 14)
TODAY = D(2028, 3, 1)
LEAP_DAY = D(2028, 2, 29)


class MovableClock(Clock):
    def __init__(self) -> None:
        self.day = TODAY
        super().__init__(lambda: dt.datetime.combine(self.day, FIXED_TIME))


@pytest.fixture(scope="module")
def clock() -> MovableClock:
    return MovableClock()


@pytest.fixture(scope="module")
def services(tmp_path_factory: pytest.TempPathFactory, clock: MovableClock) -> Iterator[Services]:
    created = set_up_vault(
        tmp_path_factory.mktemp("meetings") / "vault",
        team_name="Kingsford Early Years",
        practitioner_name="Oluwaseun Adébáyọ̀",
        role=Role.PORTAGE_WORKER.value,
        passphrase=PASSPHRASE,
        params=FAST_KDF,
    )
    services = Services(created.vault, clock=clock)
    yield services
    services.vault.lock()


@pytest.fixture
def on(clock: MovableClock) -> Iterator[MovableClock]:
    yield clock
    clock.day = TODAY


def _child(
    services: Services, given: str = "Zofia", family: str = "Wiśniewska", nhs: str = ""
) -> str:
    return services.children.create_child(ChildInput(given, family, BORN, nhs_number=nhs)).id


def _referral(child_id: str, **changes: object) -> ReferralInput:
    given = ReferralInput(
        child_id=child_id,
        referred_on=D(2028, 2, 1),
        referrer_name="Dr Farah Siddiqui",
        referrer_role="Community paediatrician",
        referrer_agency="Kingsford NHS Trust",
        discussed_with_parents_on=D(2028, 1, 25),
        parents_agreed_by="Agnieszka Wiśniewska (mother)",
        parents_agreed_on=D(2028, 1, 25),
        parents_agreed_how="In person at clinic",
        reason="Few words at 2½; not yet pointing to share interest.",
        questions="Would speech and language therapy help?",
    )
    return replace(given, **changes)  # type: ignore[arg-type]


def _refused(call: object, field: str) -> str:
    assert callable(call)
    with pytest.raises(ValidationError) as refused:
        call()
    assert refused.value.field == field
    return refused.value.message


def _liaison(services: Services, day: dt.date = LEAP_DAY) -> str:
    return services.meetings.plan(
        MeetingInput(
            MeetingKind.LIAISON_GROUP.value,
            "Kingsford pre-school liaison group",
            day,
            venue="Riverside Children's Centre",
            chair_name="Dr Farah Siddiqui",
            chair_role="Community paediatrician",
        )
    ).id


def test_a_referral_without_the_parents_agreement_is_refused(services: Services) -> None:
    child = _child(services)
    for missing in ("parents_agreed_by", "parents_agreed_on", "parents_agreed_how"):
        value: object = None if missing == "parents_agreed_on" else "  "
        message = _refused(
            lambda m=missing, v=value: services.referrals.refer(_referral(child, **{m: v})),
            missing,
        )
        assert message == AGREEMENT_NEEDED
    assert services.referrals.rows(child_id=child) == []
    _refused(
        lambda: services.referrals.refer(_referral(child, parents_agreed_on=D(2028, 2, 2))),
        "parents_agreed_on",
    )  # after the referral
    _refused(lambda: services.referrals.refer(_referral(child, reason=" ")), "reason")

    saved = services.referrals.refer(_referral(child))
    view = services.referrals.get(saved.id)
    assert view.parents_agreed_by == "Agnieszka Wiśniewska (mother)"
    assert view.waiting and view.answers is None
    assert view.referrer == "Dr Farah Siddiqui, Community paediatrician (Kingsford NHS Trust)"


def test_answers_are_typed_in_with_who_took_them_and_questions_kept_in_order(
    services: Services,
) -> None:
    child = _child(services, "Kofi", "Mensah")
    referral = services.referrals.refer(_referral(child)).id
    services.referrals.questionnaire_sent(referral, D(2028, 2, 3))
    answers = AnswersInput(
        returned_on=D(2028, 2, 20),
        returned_how=QuestionnaireReturn.PHONE.value,
        going_well="Loves the slide; sleeps better.",
        concerns="Not talking yet.",
        to_talk_about="Nursery in September",
        hear_back_how="A letter, and a phone call",
        questions=("Will he get help with talking?", " ", "Can he start nursery?"),
    )
    services.referrals.record_answers(referral, answers)
    view = services.referrals.get(referral)
    assert view.answers is not None
    assert view.answers.taken_by_name == "Oluwaseun Adébáyọ̀"
    assert [q.question for q in view.answers.questions] == [
        "Will he get help with talking?",
        "Can he start nursery?",
    ]
    first, second = view.answers.questions
    moved = (
        QuestionInput("Can he start nursery in September?", second.id),
        QuestionInput(first.question, first.id),
    )
    services.referrals.record_answers(referral, replace(answers, questions=moved))
    again = services.referrals.get(referral).answers
    assert again is not None and [q.id for q in again.questions] == [second.id, first.id]
    assert again.questions[0].question == "Can he start nursery in September?"
    services.referrals.record_answers(referral, replace(answers, questions=moved[1:]))
    again = services.referrals.get(referral).answers
    assert again is not None and [q.id for q in again.questions] == [first.id]
    [row] = services.referrals.rows(child_id=child)
    assert row.answered_how is QuestionnaireReturn.PHONE and row.waiting


def test_a_liaison_meeting_from_agenda_to_letters(services: Services, on: MovableClock) -> None:
    child = _child(services, "Amara", "Okonkwo", nhs="9434765919")
    referral = services.referrals.refer(_referral(child)).id
    services.referrals.record_answers(
        referral,
        AnswersInput(D(2028, 2, 10), "paper", questions=("Is it autism?", "What about school?")),
    )
    on.day = D(2028, 2, 20)
    meeting = _liaison(services)
    assert referral in {r.id for r in services.referrals.rows(waiting_only=True)}
    [discussion] = services.meetings.add_referrals(meeting, [referral]).value
    _refused(lambda: services.meetings.add_child(meeting, child), "child")
    services.meetings.set_people(
        meeting,
        [
            AttendeeInput("Dr Farah Siddiqui", "Community paediatrician"),
            AttendeeInput("Siobhán Ní Bhriain", "Speech and language therapist"),
            AttendeeInput("Tomasz Zieliński", "Psychologist", present=False),
        ],
    )
    _refused(lambda: services.meetings.mark_held(meeting), "held_on")  # still to come

    on.day = TODAY
    services.meetings.record_discussion(
        discussion,
        DiscussionInput(
            summary="Discussed communication.",
            outcome="The group agreed Amara would benefit from speech and language therapy.",
            next_steps="A therapist will write to you with an appointment.",
            contact="Oluwaseun Adébáyọ̀, Portage practitioner, 01632 960 123",
        ),
    )
    view = services.meetings.discussion(discussion)
    q1 = view.questions[0]
    for question, answer in zip(
        view.questions, ("Not yet known.", "Support is planned."), strict=True
    ):
        services.meetings.answer(question.id, discussion, answer)
    owner = services.vault.practitioner_id
    assert owner is not None
    _refused(
        lambda: services.meetings.add_action(discussion, ActionInput("Refer to SALT", None, owner)),
        "due_on",
    )
    _refused(
        lambda: services.meetings.add_action(discussion, ActionInput("Refer", D(2028, 3, 8))),
        "owner",
    )
    action = services.meetings.add_action(
        discussion, ActionInput("Refer to speech and language therapy", D(2028, 3, 8), owner)
    ).id
    assert [a.id for a in services.meetings.open_actions(owner)] == [action]

    decision = services.meetings.decide(
        discussion,
        DecisionKind.NOTIFY_LOCAL_AUTHORITY.value,
        notifier=NotifierInput("Dr Farah Siddiqui", "Community paediatrician", "Likely SEND"),
    ).id
    [notification] = services.meetings.notifications()
    assert notification.child_id == child and notification.notified_on == LEAP_DAY
    with services.uow.read() as session:
        stored = session.get(LaNotification, notification.id)
        assert stored is not None and stored.nhs_number == "9434765919"
        assert stored.decision_id == decision
    assert services.meetings.meeting_of("la_notification", notification.id) == meeting
    assert services.meetings.meeting_of("meeting_discussion", discussion) == meeting
    # an answered question keeps its words: the letter quotes it with its answer
    kept = AnswersInput(D(2028, 2, 10), "paper", questions=(QuestionInput("Autism?", q1.id),))
    assert (
        _refused(lambda: services.referrals.record_answers(referral, kept), "questions")
        == ANSWERED_QUESTION
    )
    services.meetings.mark_held(meeting)
    assert referral not in {r.id for r in services.referrals.rows(waiting_only=True)}

    whole = services.meetings.meeting(meeting)
    assert [p.name for p in whole.apologies] == ["Tomasz Zieliński"]
    [talked] = whole.discussions
    assert [q.answer for q in talked.questions] == ["Not yet known.", "Support is planned."]
    assert talked.letter_problem is None
    services.meetings.letters_sent([discussion], TODAY, "By post")
    [row] = [m for m in services.meetings.meetings() if m.id == meeting]
    assert (row.status, row.children, row.answered, row.letters_sent) == (
        MeetingStatus.HELD,
        1,
        1,
        1,
    )
    services.meetings.action_done(action, TODAY)
    assert services.meetings.open_actions(owner) == []


def test_a_letter_waits_for_an_outcome_and_a_team_around_the_child_has_one_child(
    services: Services,
) -> None:
    first, second = _child(services, "Nour", "Haddad"), _child(services, "Lior", "Ben-David")
    meeting = services.meetings.plan(
        MeetingInput(
            MeetingKind.TEAM_AROUND_THE_CHILD.value, "Team around Nour", LEAP_DAY, online=True
        )
    ).id
    discussion = services.meetings.add_child(meeting, first).id
    _refused(lambda: services.meetings.add_child(meeting, second), "child")
    assert services.meetings.discussion(discussion).letter_problem is not None
    _refused(lambda: services.meetings.letters_sent([discussion], TODAY, "By post"), "outcome")
    _refused(
        lambda: services.meetings.decide(discussion, DecisionKind.NOTIFY_LOCAL_AUTHORITY.value),
        "notified_by",
    )
    assert services.meetings.notifications() == [] or all(
        n.child_id != first for n in services.meetings.notifications()
    )
    _refused(
        lambda: services.meetings.plan(MeetingInput("liaison_group", "No place", LEAP_DAY)),
        "venue",
    )


def test_nothing_is_decided_at_a_meeting_to_come_or_cancelled(services: Services) -> None:
    """A notification to the local authority only from a meeting that took place; a meeting
    with decisions is not cancelled; a cancelled meeting's actions leave Today; a child taken
    off the agenda comes back as the same record; a deleted child leaves the agenda."""
    owner = services.vault.practitioner_id
    assert owner is not None
    child, other = _child(services, "Björn", "Lindqvist"), _child(services, "Ana", "Ioniță")
    meeting = _liaison(services, D(2028, 3, 14))  # still to come
    discussion = services.meetings.add_child(meeting, child).id
    notify = NotifierInput("Dr Farah Siddiqui", "Community paediatrician", "Likely SEND")
    _refused(
        lambda: services.meetings.decide(
            discussion, DecisionKind.NOTIFY_LOCAL_AUTHORITY.value, notifier=notify
        ),
        "kind",
    )
    assert all(n.child_id != child for n in services.meetings.notifications())
    decision = services.meetings.decide(discussion, DecisionKind.REQUEST_ASSESSMENT.value).id
    action = services.meetings.add_action(
        discussion, ActionInput("Book the assessment", D(2028, 3, 20), owner)
    ).id
    _refused(lambda: services.meetings.cancel(meeting), "form")
    services.meetings.withdraw_decision(decision)
    services.meetings.cancel(meeting)
    assert action not in {a.id for a in services.meetings.open_actions(owner)}
    _refused(lambda: services.meetings.decide(discussion, "no_further_action"), "form")
    _refused(
        lambda: services.meetings.add_action(
            discussion, ActionInput("Ring the family", D(2028, 3, 20), owner)
        ),
        "form",
    )

    again = _liaison(services)
    first = services.meetings.add_child(again, other).id
    services.meetings.remove_child(first)
    assert services.meetings.meeting(again).discussions == ()
    assert services.meetings.add_child(again, other).id == first
    services.children.delete_child(other)
    assert services.meetings.meeting(again).discussions == ()
    assert [m.children for m in services.meetings.meetings() if m.id == again] == [0]

    team = services.meetings.plan(
        MeetingInput(
            MeetingKind.TEAM_AROUND_THE_CHILD.value, "Team around Björn", LEAP_DAY, online=True
        )
    ).id
    # its name would name the child, and a meeting goes without the child's consent
    assert services.meetings.meeting(team).name == "Team around the child meeting"
