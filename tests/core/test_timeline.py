"""The child's timeline: every kind of event, newest first, filtered by kind, and read a page
at a time with every entry on exactly one page, ties on one day included."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from earlyyears_desktop.domain.enums import OutcomeProgress
from earlyyears_desktop.domain.models import ChildStrategy, Observation
from earlyyears_desktop.services.children import ChildInput
from earlyyears_desktop.services.container import Services
from earlyyears_desktop.services.groups import GroupInput
from earlyyears_desktop.services.observations import ObservationInput
from earlyyears_desktop.services.strategies import StrategyInput
from earlyyears_desktop.services.support_views import (
    OutcomeInput,
    OutcomeReviewInput,
    PlanInput,
    ReviewInput,
)
from earlyyears_desktop.services.timeline import TimelineEntry, TimelineKind
from earlyyears_desktop.services.unit_of_work import mark_deleted

from ..fast_vaults import make_vault
from .conftest import services_on_test_day

D = dt.date
BUSY_DAY = D(2026, 11, 18)  # a Wednesday: a session, observations with and without a time


@dataclass(frozen=True)
class Built:
    services: Services
    child_id: str
    other_child_id: str
    ids: dict[str, str]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Built]:
    folder: Path = tmp_path_factory.mktemp("timeline") / "vault"
    created = make_vault(folder)
    services = services_on_test_day(created.vault)
    ids: dict[str, str] = {}
    child = services.children.create_child(ChildInput("Zoë", "Adeyemi", D(2023, 5, 1))).id
    other = services.children.create_child(ChildInput("Kofi", "Mensah", D(2023, 2, 1))).id

    group = services.groups.add_group(
        GroupInput("Little Steps", weekday=2, start_time=dt.time(9, 30))
    ).id
    services.groups.enrol(child, group, D(2026, 9, 1))
    services.groups.enrol(other, group, D(2026, 9, 1))
    for day, status in ((D(2026, 11, 11), "present"), (BUSY_DAY, "late")):
        session = services.groups.add_session(group, day, "Bubbles").id
        services.attendance.mark(session, child, status)
        ids[f"mark {day}"] = session  # a mark on the timeline opens its session
        services.attendance.mark(session, other, "present")

    def observe(text: str, on: dt.date, at: dt.time | None = None, **more: Any) -> str:
        return services.observations.add(ObservationInput(child, text, on, at, **more)).id

    ids["obs 10:15"] = observe(
        "Pointed at the bubbles and said 'more'.\nThen went to the quiet corner.",
        BUSY_DAY,
        dt.time(10, 15),
        context="session",
        area_of_need="communication_and_interaction",
        share_with_parents=True,
    )
    ids["obs 10:15 b"] = observe("Waited for a turn with the drum.", BUSY_DAY, dt.time(10, 15))
    for n in range(4):  # four on the busy day with no time: ties broken by id
        ids[f"obs untimed {n}"] = observe(f"Stacked {n + 2} blocks.", BUSY_DAY)
    ids["obs oldest"] = observe("First visit to the group.", D(2026, 9, 9))
    gone = observe("Written for the wrong child.", BUSY_DAY)
    services.observations.add(ObservationInput(other, "Not Zoë's.", BUSY_DAY))

    board = services.strategies.add(StrategyInput("Now and next board")).id
    timer = services.strategies.add(StrategyInput("Sand timer for turns")).id
    agree = services.child_strategies.agree
    ids["agreed"] = agree(child, board, agreed_with="Mum", agreed_on=D(2026, 10, 1)).id
    ids["stopped"] = agree(child, timer, agreed_with="Mum", agreed_on=D(2026, 9, 20)).id
    ids["visit"] = services.home_visits.record(
        child,
        D(2026, 10, 14),
        carers_present="Mum",
        activities="Posting shapes\nand songs",
        family_will_practise="",
    ).id
    ids["plan"] = services.support.add_plan(
        PlanInput(
            child,
            started_on=D(2026, 9, 15),
            review_on=D(2026, 12, 15),
            outcomes=[OutcomeInput("Uses 20 words", "communication_and_interaction")],
            interventions="Small group language sessions",
        )
    ).id
    [outcome] = services.support.plan(ids["plan"]).outcomes
    ids["review"] = services.support.review_plan(
        ids["plan"],
        ReviewInput(
            BUSY_DAY,
            [OutcomeReviewInput(outcome.id, OutcomeProgress.GOOD_PROGRESS)],
            progress="Good progress with single words",
            next_review_on=D(2027, 2, 15),
        ),
    ).id
    # Setup data no service on this branch writes yet: a strategy written for this child, a
    # stopped one, a deleted observation.
    with services.uow.write() as tx:
        own = ChildStrategy(child_id=child, assigned_on=BUSY_DAY, title="Singing the tidy-up song")
        tx.session.add(own)
        stopped = tx.session.get(ChildStrategy, ids["stopped"])
        assert stopped is not None
        stopped.stopped_on = D(2026, 11, 4)
        stopped.stop_reason = "Zoë uses the board by herself now.\nAgreed with Mum."
        mark_deleted(tx.session, Observation, gone)
    ids["own"] = own.id
    yield Built(services, child, other, ids)
    created.vault.lock()


def everything(built: Built, kinds: frozenset[TimelineKind] | None = None) -> list[TimelineEntry]:
    page = built.services.timeline.page(built.child_id, kinds, limit=1000)
    assert page.next_cursor is None
    return list(page.entries)


def test_every_kind_is_on_the_timeline_newest_first(built: Built) -> None:
    entries = everything(built)
    assert [e.cursor for e in entries] == sorted((e.cursor for e in entries), reverse=True)
    events = {e.event for e in entries}
    assert events == {
        "attendance",
        "observation",
        "strategy_agreed",
        "strategy_stopped",
        "home_visit",
        "plan_started",
        "plan_reviewed",
    }
    assert len(entries) == 2 + 7 + 3 + 1 + 1 + 1 + 1
    # The busy day first: the timed entries (the session at 09:30, observations at 10:15) before
    # the untimed ones of the same day, latest time first.
    busy = [e for e in entries if e.date == BUSY_DAY]
    assert [e.time for e in busy[:3]] == [dt.time(10, 15), dt.time(10, 15), dt.time(9, 30)]
    assert all(e.time is None for e in busy[3:])
    assert entries[-1].record_id == built.ids["obs oldest"]


def test_each_entry_says_what_happened_and_which_record_opens(built: Built) -> None:
    by_id = {(e.event, e.record_id): e for e in everything(built)}
    ids = built.ids
    obs = by_id["observation", ids["obs 10:15"]]
    assert (obs.entity, obs.kind) == ("observation", TimelineKind.OBSERVATION)
    assert obs.title == "Pointed at the bubbles and said 'more'."
    assert obs.detail == "Group session · Communication and interaction · shared with parents"
    mark = by_id["attendance", ids[f"mark {BUSY_DAY}"]]
    assert (mark.entity, mark.title, mark.time) == (
        "session",
        "Late: Little Steps",
        dt.time(9, 30),
    )
    assert mark.detail == "Bubbles"
    agreed = by_id["strategy_agreed", ids["agreed"]]
    assert (agreed.entity, agreed.title) == (
        "child_strategy",
        "Strategy agreed: Now and next board",
    )
    stopped = by_id["strategy_stopped", ids["stopped"]]
    assert stopped.date == D(2026, 11, 4)
    assert stopped.title == "Strategy stopped: Sand timer for turns"
    assert stopped.detail == "Zoë uses the board by herself now."
    own = by_id["strategy_agreed", ids["own"]]
    assert own.title == "Strategy agreed: Singing the tidy-up song"
    assert ("strategy_stopped", ids["agreed"]) not in by_id  # never stopped
    visit = by_id["home_visit", ids["visit"]]
    assert (visit.entity, visit.title, visit.detail) == (
        "home_visit",
        "Home visit with Mum",
        "Posting shapes",
    )
    plan = by_id["plan_started", ids["plan"]]
    assert (plan.entity, plan.title) == ("support_plan", "Plan started: Support plan")
    review = by_id["plan_reviewed", ids["review"]]
    assert (review.entity, review.date) == ("plan_review", BUSY_DAY)
    assert review.detail == "Good progress with single words"


def test_another_childs_records_and_deleted_ones_are_left_out(built: Built) -> None:
    texts = [e.title for e in everything(built)]
    assert "Not Zoë's." not in texts
    assert "Written for the wrong child." not in texts
    other = built.services.timeline.page(built.other_child_id).entries
    assert {e.event for e in other} == {"attendance", "observation"}


def test_filters_by_kind(built: Built) -> None:
    observations = everything(built, frozenset({TimelineKind.OBSERVATION}))
    assert len(observations) == 7
    assert {e.kind for e in observations} == {TimelineKind.OBSERVATION}
    some = everything(built, frozenset({TimelineKind.STRATEGY, TimelineKind.PLAN}))
    assert {e.event for e in some} == {
        "strategy_agreed",
        "strategy_stopped",
        "plan_started",
        "plan_reviewed",
    }
    assert built.services.timeline.page(built.child_id, frozenset()).entries == ()


@pytest.mark.parametrize("limit", [1, 2, 3, 5, 50])
def test_pages_hold_every_entry_exactly_once(built: Built, limit: int) -> None:
    whole = everything(built)
    seen: list[TimelineEntry] = []
    cursor = None
    for _ in range(len(whole) + 1):
        page = built.services.timeline.page(built.child_id, None, cursor, limit)
        assert len(page.entries) <= limit
        seen += page.entries
        cursor = page.next_cursor
        if cursor is None:
            break
        assert len(page.entries) == limit
    assert cursor is None
    assert seen == whole


def test_pages_of_one_kind_hold_each_once(built: Built) -> None:
    kinds = frozenset({TimelineKind.OBSERVATION, TimelineKind.ATTENDANCE})
    whole = everything(built, kinds)
    first = built.services.timeline.page(built.child_id, kinds, limit=4)
    second = built.services.timeline.page(built.child_id, kinds, first.next_cursor, 4)
    third = built.services.timeline.page(built.child_id, kinds, second.next_cursor, 4)
    assert [*first.entries, *second.entries, *third.entries] == whole
    assert third.next_cursor is None


def test_a_child_with_nothing_recorded_has_an_empty_timeline(built: Built) -> None:
    services = built.services
    child = services.children.create_child(ChildInput("Ffion", "Llewellyn", D(2024, 1, 3))).id
    page = services.timeline.page(child)
    assert (page.entries, page.next_cursor) == ((), None)
