"""What the demo's referrals and meetings must hold on whatever day it is built for (issue 13,
item 8): read by the demo's tests for the shared day (tests/core/test_demo_meetings.py) and for
every day of tests/register/test_any_date.py (a leap day and the Christmas holidays among them).

Import with `from ..demo_checks import check_demo_meetings` from a test folder.
"""

from __future__ import annotations

import datetime as dt

from earlyyears_desktop.domain.enums import (
    LIAISON_ROLES,
    DecisionKind,
    MeetingKind,
    MeetingStatus,
    QuestionnaireReturn,
)
from earlyyears_desktop.services.container import Services


def _month(day: dt.date) -> tuple[int, int]:
    return day.year, day.month


def check_demo_meetings(services: Services) -> None:
    """Last month's pre-school liaison group, next month's agenda and the team around the
    child meeting, as the demo builds them around the day its services' clock reads."""
    today = services.clock.today()
    meetings = services.meetings
    rows = meetings.meetings()
    liaison = [r for r in rows if r.kind is MeetingKind.LIAISON_GROUP]
    [held] = [r for r in liaison if r.status is MeetingStatus.HELD]
    [planned] = [r for r in liaison if r.status is MeetingStatus.PLANNED]
    [tac_row] = [r for r in rows if r.kind is MeetingKind.TEAM_AROUND_THE_CHILD]

    # Last month's meeting: six children, four questionnaires back, six letters sent.
    last_month = today.replace(day=1) - dt.timedelta(days=1)
    assert _month(held.held_on) == _month(last_month)
    assert held.name.endswith(" pre-school liaison group") and planned.name == held.name
    assert (held.children, held.answered, held.letters_sent) == (6, 4, 6)
    meeting = meetings.meeting(held.id)
    assert [p.role for p in meeting.apologies] == [LIAISON_ROLES[-1]]
    assert {p.role for p in meeting.people} == set(LIAISON_ROLES)
    assert meeting.chair_name in {p.name for p in meeting.present}
    discussions = meeting.discussions
    answered = [d.answered_how for d in discussions if d.answered_how is not None]
    assert answered.count(QuestionnaireReturn.PHONE) == 1
    assert set(answered) == {
        QuestionnaireReturn.PHONE,
        QuestionnaireReturn.PAPER,
        QuestionnaireReturn.EMAIL,
    }
    assert len({d.referrer for d in discussions}) >= 5, "referred by various professionals"
    for d in discussions:
        assert d.referral_id and d.summary and d.outcome and d.next_steps and d.contact
        assert d.decisions and d.letter_problem is None
        assert d.letter_sent_on is not None and held.held_on < d.letter_sent_on <= today
        assert d.letter_sent_on.weekday() < 5
        assert all(q.answer and q.answered_in == d.id for q in d.questions)
        for action in d.actions:
            assert action.owner_name and action.due_on >= held.held_on
            assert action.done_on is None or held.held_on <= action.done_on <= today
    assert len([q for d in discussions for q in d.questions]) >= 8
    kinds = {decision.kind for d in discussions for decision in d.decisions}
    assert DecisionKind.NOTIFY_LOCAL_AUTHORITY in kinds and len(kinds) >= 5
    actions = [a for d in discussions for a in d.actions]
    assert {a.done_on is None for a in actions} == {True, False}, "some done, some open"
    notifications = meetings.notifications()
    assert len(notifications) == 2
    for notification in notifications:
        assert notification.notified_on == held.held_on
        assert notification.parents_told_how
        assert notification.parents_told_on and notification.parents_told_on <= today

    # Next month's meeting: the referrals waiting on its agenda, one family answered; one
    # referral this week is waiting for an agenda.
    after_this_month = today.replace(day=28) + dt.timedelta(days=4)
    assert _month(planned.held_on) == _month(after_this_month)
    assert (planned.children, planned.answered, planned.letters_sent) == (3, 1, 0)
    agenda = meetings.meeting(planned.id).discussions
    waiting = {r.id: r for r in services.referrals.rows(waiting_only=True)}
    assert {d.referral_id for d in agenda} < set(waiting)
    assert len(waiting) == len(agenda) + 1
    assert len([d for d in agenda if waiting[str(d.referral_id)].questionnaire_sent_on]) == 2
    for row in services.referrals.rows():
        referral = services.referrals.get(row.id)
        assert referral.parents_agreed_by and referral.parents_agreed_how
        assert referral.parents_agreed_on <= referral.referred_on <= today
        assert referral.referred_on.weekday() < 5 or referral.referred_on == today

    # The team around the child meeting: the lead professional chairing, the family there,
    # actions open, one of them on the signed-in practitioner's Today page.
    tac = meetings.meeting(tac_row.id)
    assert tac.status is MeetingStatus.HELD and tac.held_on <= today
    [discussed] = tac.discussions
    child = services.children.get_child(discussed.child_id)
    assert child.lead_professional and tac.chair_name == child.lead_professional.name
    # the family is recorded with the child (under its consent), not among the people
    assert child.carers[0].name in discussed.family_present
    assert child.carers[0].name not in {p.name for p in tac.people}
    assert any(a.done_on is None for a in discussed.actions)
    mine = meetings.open_actions(services.actor.practitioner_id)
    assert any(a.meeting_id == tac.id and not a.overdue for a in mine)
