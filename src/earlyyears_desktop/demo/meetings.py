"""The demo's referrals and meetings, written through the services (meeting_content.py says
who and what).

The pre-school liaison group met on the second Tuesday of last month and discussed six
children: their referrals (with the parents' agreement), the questionnaires that came back,
the summaries, decisions (the local authority notified, the parents told), actions with owners
and due dates, the answers to the families' questions, and the letters sent. Its next meeting,
on the second Tuesday of next month, has the referrals waiting on its agenda; one more came in
this week. A team around the child meeting two weeks ago left actions open, two of them the
signed-in practitioner's (on their Today page).

Every day is counted from the demo's today, so the demo holds together on any day of the
year: last month's meeting is at most on the 14th, so the fortnight after it (letters, actions
done, questionnaires for the next meeting) has always passed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from earlyyears_desktop.demo.content import FAMILIES
from earlyyears_desktop.demo.meeting_content import (
    CHAIR,
    DISCUSSED,
    GROUP_NAME,
    GROUP_VENUE,
    JUST_REFERRED,
    ME,
    MEMBERS,
    TAC,
    TAC_FAMILY,
    TAC_NAME,
    TAC_PEOPLE,
    TAC_VENUE,
    WAITING,
    DemoAction,
    DemoDiscussion,
    DemoReferral,
)
from earlyyears_desktop.domain.enums import DecisionKind, MeetingKind
from earlyyears_desktop.services.container import Services
from earlyyears_desktop.services.meetings import (
    ActionInput,
    AttendeeInput,
    DiscussionInput,
    MeetingInput,
    NotifierInput,
)
from earlyyears_desktop.services.referrals import AnswersInput, ReferralInput

#: the children of the demo: (id, first name as shown, group id), in FAMILIES' order
Children = Sequence[tuple[str, str, str]]


def second_tuesday(year: int, month: int) -> dt.date:
    first = dt.date(year, month, 1)
    return first + dt.timedelta(days=(1 - first.weekday()) % 7 + 7)


def weekday_before(day: dt.date) -> dt.date:
    """`day`, or the Friday before it when it falls at a weekend."""
    return day - dt.timedelta(days=max(0, day.weekday() - 4))


def liaison_days(today: dt.date) -> tuple[dt.date, dt.date]:
    """The liaison group's last meeting (the second Tuesday of last month) and its next (the
    second Tuesday of next month)."""
    last = today.replace(day=1) - dt.timedelta(days=1)
    following = today.replace(day=28) + dt.timedelta(days=4)
    return second_tuesday(last.year, last.month), second_tuesday(following.year, following.month)


def write_meetings(services: Services, children: Children) -> int:
    """The liaison group's last and next meetings, a team around the child meeting and the
    referrals around them; the number of meetings written."""
    writer = _Writer(services, children)
    met_on, next_on = liaison_days(writer.today)
    writer.liaison_group(met_on)
    planned = services.meetings.plan(_liaison_input(next_on)).id
    waiting = [writer.refer(referral, met_on) for referral in WAITING]
    services.meetings.add_referrals(planned, waiting)
    writer.refer(JUST_REFERRED, writer.today)
    writer.team_around_the_child()
    return 3


def _liaison_input(on: dt.date) -> MeetingInput:
    return MeetingInput(
        MeetingKind.LIAISON_GROUP.value,
        GROUP_NAME,
        on,
        dt.time(9, 30),
        GROUP_VENUE,
        chair_name=CHAIR[0],
        chair_role=CHAIR[1],
    )


class _Writer:
    """Writes the demo's meetings for the signed-in practitioner (ME in the content)."""

    def __init__(self, services: Services, children: Children) -> None:
        self.services = services
        self.children = children
        self.today = services.clock.today()
        self.me = services.practitioner_name()
        self.my_id = services.actor.practitioner_id

    def by_today(self, day: dt.date) -> dt.date:
        """The weekday on or before `day` (people refer, post and phone on working days), or
        today if that is later (never needed on any day of the year: a guard)."""
        return min(weekday_before(day), self.today)

    def name(self, family: int) -> str:
        return self.children[family][1]

    def person(self, name: str) -> str:
        return self.me if name == ME else name

    def refer(self, given: DemoReferral, counted_from: dt.date) -> str:
        """The referral, with the questionnaire sent and its answers as given; its id."""
        referrals = self.services.referrals
        child_id, name = self.children[given.family][0], self.name(given.family)
        carer, relation = FAMILIES[given.family][3], FAMILIES[given.family][4]
        referred_on = self.by_today(counted_from + dt.timedelta(days=given.referred))
        talked_on = self.by_today(referred_on - dt.timedelta(days=4))
        referrer, role, agency = given.referrer
        referral_id = referrals.refer(
            ReferralInput(
                child_id,
                referred_on,
                self.person(referrer),
                role,
                agency,
                discussed_with_parents_on=talked_on,
                parents_agreed_by=f"{carer} ({relation.lower()})",
                parents_agreed_on=talked_on,
                parents_agreed_how=given.agreed_how,
                reason=given.reason.format(n=name),
                questions=given.questions.format(n=name),
            )
        ).id
        if given.sent is None:
            return referral_id
        sent_on = self.by_today(referred_on + dt.timedelta(days=given.sent))
        referrals.questionnaire_sent(referral_id, sent_on)
        answers = given.answers
        if answers is not None:
            referrals.record_answers(
                referral_id,
                AnswersInput(
                    self.by_today(sent_on + dt.timedelta(days=answers.after)),
                    answers.how,
                    going_well=answers.going_well.format(n=name),
                    concerns=answers.concerns.format(n=name),
                    to_talk_about=answers.to_talk_about.format(n=name),
                    hear_back_how=answers.hear_back_how,
                    questions=tuple(q.format(n=name) for q, _ in answers.questions),
                ),
            )
        return referral_id

    def liaison_group(self, on: dt.date) -> str:
        """Last month's meeting, held: six children discussed, their letters sent."""
        meetings = self.services.meetings
        meeting = meetings.plan(_liaison_input(on)).id
        meetings.set_people(
            meeting,
            [
                AttendeeInput(
                    self.person(name),
                    role,
                    agency,
                    present=n < len(MEMBERS) - 1,  # the last sent apologies
                    practitioner_id=self.my_id if name == ME else None,
                )
                for n, (name, role, agency) in enumerate(MEMBERS)
            ],
        )
        referrals = [self.refer(d.referral, on) for d in DISCUSSED if d.referral is not None]
        discussions = meetings.add_referrals(meeting, referrals).value
        for discussion_id, content in zip(discussions, DISCUSSED, strict=True):
            self.record(discussion_id, content, on, on)
        # What the record says now: each family's questions, and the notifications made.
        letters: dict[str, list[str]] = {}
        for discussion, content in zip(
            meetings.meeting(meeting).discussions, DISCUSSED, strict=True
        ):
            given = content.referral.answers if content.referral is not None else None
            name = self.name(content.family)
            for question, (_, answer) in zip(
                discussion.questions, given.questions if given else (), strict=True
            ):
                meetings.answer(question.id, discussion.id, answer.format(n=name))
            for decision in discussion.decisions:
                if decision.notification_id is not None:
                    told_on = self.by_today(on + dt.timedelta(days=2))
                    meetings.parents_told(
                        decision.notification_id, told_on, content.parents_told_how
                    )
            letters.setdefault(content.letter_how, []).append(discussion.id)
        meetings.mark_held(meeting)
        for how, ids in letters.items():
            meetings.letters_sent(ids, self.by_today(on + dt.timedelta(days=6)), how)
        return meeting

    def record(
        self,
        discussion_id: str,
        content: DemoDiscussion,
        on: dt.date,
        due_from: dt.date,
        family_present: str = "",
    ) -> None:
        """What the meeting recorded for one child: summary, outcome, decisions (notifying the
        local authority names the chair), actions (some done)."""
        meetings = self.services.meetings
        name = self.name(content.family)
        meetings.record_discussion(
            discussion_id,
            DiscussionInput(
                content.summary.format(n=name),
                content.outcome.format(n=name),
                content.next_steps.format(n=name),
                content.contact,
                family_present,
            ),
        )
        for kind, detail in content.decisions:
            notifies = kind == DecisionKind.NOTIFY_LOCAL_AUTHORITY.value
            notifier = (
                NotifierInput(CHAIR[0], CHAIR[1], content.notify_reason) if notifies else None
            )
            meetings.decide(discussion_id, kind, detail, notifier=notifier)
        for action in content.actions:
            self.act(discussion_id, action, name, on, due_from)

    def act(
        self, discussion_id: str, action: DemoAction, name: str, on: dt.date, due_from: dt.date
    ) -> None:
        meetings = self.services.meetings
        action_id = meetings.add_action(
            discussion_id,
            ActionInput(
                action.what.format(n=name),
                due_on=max(on, weekday_before(due_from + dt.timedelta(days=action.due))),
                owner_id=self.my_id if action.owner == ME else None,
                owner_name=action.owner,
            ),
        ).id
        if action.done is not None:
            meetings.action_done(action_id, self.by_today(on + dt.timedelta(days=action.done)))

    def team_around_the_child(self) -> str:
        """A team around the child meeting a fortnight ago (on a weekday), chaired by the lead
        professional, the family there; actions open, two of them the practitioner's."""
        meetings = self.services.meetings
        on = self.by_today(self.today - dt.timedelta(days=14))
        meeting = meetings.plan(
            MeetingInput(
                MeetingKind.TEAM_AROUND_THE_CHILD.value,
                TAC_NAME,
                on,
                dt.time(10, 0),
                TAC_VENUE,
                chair_name=CHAIR[0],
                chair_role=f"Lead professional ({CHAIR[1].lower()})",
                letters_roles_only=False,
            )
        ).id
        _, my_role, my_agency = next(m for m in MEMBERS if m[0] == ME)
        carer, relation = FAMILIES[TAC_FAMILY][3], FAMILIES[TAC_FAMILY][4]
        # the professionals; the family there is recorded with the child, under its consent
        people = [
            AttendeeInput(CHAIR[0], CHAIR[1], CHAIR[2]),
            AttendeeInput(self.me, my_role, my_agency, practitioner_id=self.my_id),
        ] + [AttendeeInput(*person) for person in TAC_PEOPLE]
        meetings.set_people(meeting, people)
        child_id = self.children[TAC_FAMILY][0]
        discussion_id = meetings.add_child(meeting, child_id).id
        self.record(discussion_id, TAC, on, self.today, f"{carer} ({relation.lower()})")
        meetings.mark_held(meeting)
        return meeting


__all__ = ["liaison_days", "second_tuesday", "weekday_before", "write_meetings"]
