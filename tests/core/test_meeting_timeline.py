"""Referrals, meetings and notifications to the local authority on the child's timeline: the
referral on the day it was made, a meeting's discussion only once the meeting is held, the
notification with the parents told; read in pages with every entry once, filtered by kind."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from earlyyears_desktop.domain.enums import DecisionKind, MeetingKind
from earlyyears_desktop.services.children import ChildInput
from earlyyears_desktop.services.container import Services
from earlyyears_desktop.services.meetings import DiscussionInput, MeetingInput, NotifierInput
from earlyyears_desktop.services.referrals import ReferralInput
from earlyyears_desktop.services.timeline import TIMELINE_ENTITIES, TimelineEntry, TimelineKind
from earlyyears_desktop.services.unit_of_work import Changes

from ..fast_vaults import make_vault
from .conftest import TODAY, services_on_test_day

D = dt.date
HELD_ON = D(2026, 10, 13)
REFERRED_ON = D(2026, 9, 10)
GROUP = "Kingsford pre-school liaison group"


@dataclass(frozen=True)
class Built:
    services: Services
    child_id: str
    other_child_id: str
    ids: dict[str, str]
    #: what each write changed, by name
    changes: dict[str, Changes]


def _referral(child_id: str, referrer: str, on: dt.date) -> ReferralInput:
    return ReferralInput(
        child_id,
        on,
        referrer,
        "Community paediatrician",
        "Kingsford NHS Trust",
        discussed_with_parents_on=on - dt.timedelta(days=3),
        parents_agreed_by="Rhodri Pritchard (father)",
        parents_agreed_on=on - dt.timedelta(days=3),
        parents_agreed_how="In person, at clinic",
        reason="Not yet walking on her own.\nHands weak for her age.",
    )


def _meeting(kind: MeetingKind, name: str, on: dt.date) -> MeetingInput:
    return MeetingInput(kind.value, name, on, dt.time(9, 30), "Kingsford Health Centre")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Built]:
    folder: Path = tmp_path_factory.mktemp("meeting-timeline") / "vault"
    created = make_vault(folder)
    services = services_on_test_day(created.vault)
    referrals, meetings = services.referrals, services.meetings
    child = services.children.create_child(
        ChildInput("Siân Elin", "Pritchard", D(2023, 6, 2), preferred_name="Siân")
    ).id
    other = services.children.create_child(ChildInput("Kofi", "Mensah", D(2023, 2, 1))).id
    ids: dict[str, str] = {}
    changes: dict[str, Changes] = {}

    saved = referrals.refer(_referral(child, "Dr Farah Siddiqui", REFERRED_ON))
    ids["referral"], changes["refer"] = saved.id, saved.changes
    ids["other referral"] = referrals.refer(_referral(other, "Deepa Nair", REFERRED_ON)).id

    held = meetings.plan(_meeting(MeetingKind.LIAISON_GROUP, GROUP, HELD_ON)).id
    ids["discussion"], ids["other discussion"] = meetings.add_referrals(
        held, [ids["referral"], ids["other referral"]]
    ).value
    changes["discussion"] = meetings.record_discussion(
        ids["discussion"],
        DiscussionInput(
            summary="Independent walking not yet achieved.",
            outcome="The group agreed that Siân will need extra help at school.\nMore below.",
        ),
    ).changes
    notify = meetings.decide(
        ids["discussion"],
        DecisionKind.NOTIFY_LOCAL_AUTHORITY.value,
        notifier=NotifierInput(
            "Dr Helen Okafor", "Community paediatrician", "Likely to need support at school."
        ),
    )
    changes["decide"] = notify.changes
    [notification] = meetings.notifications()
    ids["notification"] = notification.id
    meetings.parents_told(notification.id, HELD_ON + dt.timedelta(days=2), "By phone")
    # A decision taken back: its notification is gone from the timeline too.
    ids["withdrawn notification"] = meetings.decide(
        ids["other discussion"],
        DecisionKind.NOTIFY_LOCAL_AUTHORITY.value,
        notifier=NotifierInput("Dr Helen Okafor", "Community paediatrician", "Recorded in error."),
    ).id
    meetings.withdraw_decision(ids["withdrawn notification"])
    changes["held"] = meetings.mark_held(held).changes

    # The next meeting, planned: the child is on its agenda, which is not yet an event.
    ids["second referral"] = referrals.refer(
        _referral(child, "Gareth Morgan", TODAY - dt.timedelta(days=5))
    ).id
    planned = meetings.plan(
        _meeting(MeetingKind.LIAISON_GROUP, GROUP, TODAY + dt.timedelta(days=20))
    ).id
    ids["planned discussion"] = meetings.add_referrals(planned, [ids["second referral"]]).value[0]

    tac = meetings.plan(
        _meeting(MeetingKind.TEAM_AROUND_THE_CHILD, "Review with the family", D(2026, 11, 18))
    ).id
    ids["tac"] = meetings.add_child(tac, child).id
    meetings.record_discussion(ids["tac"], DiscussionInput(summary="Good progress.\nMore."))
    meetings.mark_held(tac)
    yield Built(services, child, other, ids, changes)
    created.vault.lock()


def everything(built: Built, kinds: frozenset[TimelineKind] | None = None) -> list[TimelineEntry]:
    page = built.services.timeline.page(built.child_id, kinds, limit=1000)
    assert page.next_cursor is None
    return list(page.entries)


def test_a_referral_a_meeting_held_and_the_notification_are_on_the_timeline(built: Built) -> None:
    entries = everything(built)
    by_id = {e.record_id: e for e in entries}
    ids = built.ids
    assert [e.record_id for e in entries] == [
        ids["second referral"],
        ids["tac"],
        ids["discussion"],
        ids["notification"],
        ids["referral"],
    ]
    referral = by_id[ids["referral"]]
    assert (referral.kind, referral.entity, referral.date) == (
        TimelineKind.REFERRAL,
        "referral",
        REFERRED_ON,
    )
    assert referral.title == "Referred to the pre-school liaison group by Dr Farah Siddiqui"
    assert referral.detail == "Community paediatrician · Not yet walking on her own."

    discussed = by_id[ids["discussion"]]
    assert (discussed.kind, discussed.entity, discussed.date, discussed.time) == (
        TimelineKind.MEETING,
        "meeting_discussion",
        HELD_ON,
        dt.time(9, 30),
    )
    assert discussed.title == "Discussed at the Kingsford pre-school liaison group"
    assert discussed.detail == "The group agreed that Siân will need extra help at school."

    notified = by_id[ids["notification"]]
    assert (notified.kind, notified.entity, notified.date) == (
        TimelineKind.MEETING,
        "la_notification",
        HELD_ON,
    )
    assert notified.title == "The local authority was notified by Dr Helen Okafor"
    assert notified.detail == (
        "Community paediatrician · Likely to need support at school. · parents told 15 October 2026"
    )

    tac = by_id[ids["tac"]]
    assert tac.title == "Team around the child meeting"
    assert tac.detail == "Good progress."  # no outcome yet: the summary's first line


def test_a_planned_meeting_another_childs_and_withdrawn_records_are_left_out(
    built: Built,
) -> None:
    ids = {e.record_id for e in everything(built)}
    assert built.ids["planned discussion"] not in ids
    assert built.ids["other discussion"] not in ids
    other = built.services.timeline.page(built.other_child_id).entries
    assert [e.record_id for e in other] == [
        built.ids["other discussion"],
        built.ids["other referral"],
    ]  # the notification taken back with its decision is not there


def test_filters_referrals_and_meetings(built: Built) -> None:
    referrals = everything(built, frozenset({TimelineKind.REFERRAL}))
    assert {e.entity for e in referrals} == {"referral"} and len(referrals) == 2
    meetings = everything(built, frozenset({TimelineKind.MEETING}))
    assert {e.entity for e in meetings} == {"meeting_discussion", "la_notification"}
    assert TimelineKind.REFERRAL.label == "Referrals" and TimelineKind.MEETING.one == "Meeting"


@pytest.mark.parametrize("limit", [1, 2, 3])
def test_pages_hold_every_entry_once(built: Built, limit: int) -> None:
    whole = everything(built)
    seen: list[TimelineEntry] = []
    cursor = None
    for _ in range(len(whole) + 1):
        page = built.services.timeline.page(built.child_id, None, cursor, limit)
        seen += page.entries
        cursor = page.next_cursor
        if cursor is None:
            break
    assert seen == whole


def test_the_timeline_is_read_again_after_each_of_these_changes(built: Built) -> None:
    for name, changes in built.changes.items():
        assert changes.touches(*TIMELINE_ENTITIES), name
