"""The demo's referrals and meetings (issue 13, item 8): last month's pre-school liaison group,
next month's agenda, a team around the child meeting; on the shared demo day here, on other
days (a leap day, the Christmas holidays) in tests/register/test_any_date.py."""

from __future__ import annotations

import datetime as dt

from earlyyears_desktop.demo.meetings import liaison_days
from earlyyears_desktop.domain.enums import MeetingKind, MeetingStatus
from earlyyears_desktop.services.timeline import TimelineKind

from ..demo_checks import check_demo_meetings
from .conftest import VaultUnderTest


def test_the_meetings_fall_in_last_and_next_month_whatever_the_day() -> None:
    day = dt.date(2026, 1, 1)
    while day < dt.date(2029, 1, 1):  # a leap year among them
        last, following = liaison_days(day)
        assert last.weekday() == following.weekday() == 1  # Tuesdays
        assert (last.replace(day=1) + dt.timedelta(days=31)).replace(day=1) == day.replace(day=1)
        assert (day.replace(day=1) + dt.timedelta(days=31)).replace(day=1) == following.replace(
            day=1
        )
        # The fortnight after the last meeting (letters, actions done, questionnaires for the
        # next meeting) is always over by today.
        assert (day - last).days > 14
        day += dt.timedelta(days=1)


def test_the_demo_has_its_meetings_in_the_childs_words_and_on_the_timeline(
    demo: VaultUnderTest,
) -> None:
    services = demo.services
    check_demo_meetings(services)
    meetings = services.meetings
    rows = meetings.meetings(MeetingKind.LIAISON_GROUP)
    [held] = [meetings.meeting(r.id) for r in rows if r.status is MeetingStatus.HELD]
    words = [
        text
        for d in held.discussions
        for text in (d.summary, d.outcome, d.next_steps, *(q.question for q in d.questions))
    ] + [q.answer for d in held.discussions for q in d.questions]
    assert not [text for text in words if "{" in text], "every {n} is the child's name"
    assert "Will she be able to go to our local school?" in words

    # The first child discussed: referred, discussed, the local authority notified.
    first = held.discussions[0]
    assert first.child_name == "Siân Pritchard"
    kinds = frozenset({TimelineKind.REFERRAL, TimelineKind.MEETING})
    entries = services.timeline.page(first.child_id, kinds).entries
    assert [(e.entity, e.title) for e in entries] == [
        ("meeting_discussion", f"Discussed at the {held.name}"),
        ("la_notification", "The local authority was notified by Dr Helen Okafor"),
        ("referral", "Referred to the pre-school liaison group by Gareth Morgan"),
    ]
    assert entries[0].detail == first.outcome.splitlines()[0]
    # A child on next month's agenda: referred, not yet discussed.
    [planned] = [meetings.meeting(r.id) for r in rows if r.status is MeetingStatus.PLANNED]
    waiting = planned.discussions[0]
    entries = services.timeline.page(waiting.child_id, kinds).entries
    assert [e.entity for e in entries] == ["referral"]
