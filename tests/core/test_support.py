"""Support plans (assess, plan, do, review): `SupportService`, every rule and every read.

One vault for the module; its clock reads a day each test sets (`on`), so dates can fall
either side of 29 February.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import replace

import pytest

from earlyyears_desktop.domain.enums import OutcomeProgress, PlanStatus, Role
from earlyyears_desktop.domain.errors import DomainError, ValidationError
from earlyyears_desktop.domain.models import Observation
from earlyyears_desktop.services.children import ChildFilter, ChildInput
from earlyyears_desktop.services.clock import FIXED_TIME, Clock
from earlyyears_desktop.services.container import Services, set_up_vault
from earlyyears_desktop.services.observations import ObservationInput
from earlyyears_desktop.services.support_views import (
    OutcomeEnd,
    OutcomeInput,
    OutcomeReviewInput,
    PlanInput,
    PlanView,
    Profile,
    ReviewInput,
    status_words,
)
from earlyyears_desktop.services.unit_of_work import mark_deleted

from ..fast_vaults import FAST_KDF, PASSPHRASE

D = dt.date
BORN = D(2025, 2, 28)
LEAP_DAY = D(2028, 2, 29)


class MovableClock(Clock):
    def __init__(self) -> None:
        self.day = D(2028, 3, 10)
        super().__init__(lambda: dt.datetime.combine(self.day, FIXED_TIME))


@pytest.fixture(scope="module")
def clock() -> MovableClock:
    return MovableClock()


@pytest.fixture(scope="module")
def services(tmp_path_factory: pytest.TempPathFactory, clock: MovableClock) -> Iterator[Services]:
    created = set_up_vault(
        tmp_path_factory.mktemp("support") / "vault",
        team_name="Harbourside Early Years",
        practitioner_name="Folasade Whitlow",
        role=Role.SENCO.value,
        passphrase=PASSPHRASE,
        params=FAST_KDF,
    )
    services = Services(created.vault, clock=clock)
    yield services
    services.vault.lock()


@pytest.fixture
def on(clock: MovableClock) -> Iterator[MovableClock]:
    yield clock
    clock.day = D(2028, 3, 10)


def _child(services: Services, given: str = "Tamsin Orla") -> str:
    return services.children.create_child(ChildInput(given, "Quenby-Marr", BORN)).id


WORDS = OutcomeInput(
    "Will use 10 words or signs to ask for things",
    "communication_and_interaction",
    support="Signs at snack time; adults model one word",
    expected_impact="More requests with words or signs",
    responsible="Key person daily; Dad at bath time",
)
PLAY = OutcomeInput(
    "Will play alongside another child for five minutes",
    "social_emotional_mental_health",
    support="Turn-taking games with a sand timer",
    expected_impact="Calmer play near others",
    responsible="Key person at free play",
)


def _plan(services: Services, child: str, **kw: object) -> PlanInput:
    values: dict[str, object] = {
        "child_id": child,
        "started_on": LEAP_DAY,
        "review_on": D(2028, 3, 1),
        "outcomes": (WORDS, OutcomeInput("  "), PLAY),
        "title": "Talking and playing",
        "assessment_summary": "Few words; leads adults by the hand.",
        "key_person": "Jess Hartley",
        "interventions": "Small language group twice a week",
    }
    values.update(kw)
    return PlanInput(**values)  # type: ignore[arg-type]


def _refused(call: object, field: str) -> str:
    assert callable(call)
    with pytest.raises(ValidationError) as refused:
        call()
    assert refused.value.field == field
    return refused.value.message


def _ratings(plan: PlanView, progress: OutcomeProgress, note: str = "") -> list[OutcomeReviewInput]:
    return [OutcomeReviewInput(o.id, progress, note) for o in plan.current_outcomes]


def test_a_plan_is_kept_whole_with_each_outcomes_support(services: Services) -> None:
    child = _child(services)
    plan_id = services.support.add_plan(_plan(services, child)).id
    plan = services.support.plan(plan_id)
    assert (plan.title, plan.started_on, plan.review_on, plan.status) == (
        "Talking and playing",
        LEAP_DAY,
        D(2028, 3, 1),
        PlanStatus.ACTIVE,
    )
    assert plan.assessment_summary == "Few words; leads adults by the hand."
    assert (plan.key_person, plan.interventions) == (
        "Jess Hartley",
        "Small language group twice a week",
    )
    assert plan.child_name == "Tamsin Quenby-Marr"
    # The blank row is left out; each outcome keeps its support, impact and who is responsible.
    assert [(o.outcome, o.support, o.expected_impact, o.responsible) for o in plan.outcomes] == [
        (WORDS.outcome, WORDS.support, WORDS.expected_impact, WORDS.responsible),
        (PLAY.outcome, PLAY.support, PLAY.expected_impact, PLAY.responsible),
    ]
    assert all(o.current and o.added_on is None for o in plan.outcomes)
    assert plan.specialists == plan.reviews == ()
    assert plan.profile.is_empty and plan.parents_told_on is None


def test_a_plan_needs_an_outcome_a_title_and_a_review_after_its_start(services: Services) -> None:
    child = _child(services)
    add = services.support.add_plan
    assert _refused(lambda: add(_plan(services, child, outcomes=[OutcomeInput(" ")])), "outcomes")
    assert (
        _refused(lambda: add(_plan(services, child, review_on=D(2028, 2, 28))), "review_on")
        == "The review date must be after the plan starts."
    )
    _refused(lambda: add(_plan(services, child, review_on=LEAP_DAY)), "review_on")
    _refused(lambda: add(_plan(services, child, started_on=D(2025, 2, 27))), "started_on")
    _refused(lambda: add(_plan(services, child, title="")), "title")
    odd = replace(PLAY, area_of_need="not an area")
    _refused(lambda: add(_plan(services, child, outcomes=[WORDS, odd])), "outcome_1")
    assert services.support.for_child(child) == []


def test_an_edit_rewords_adds_and_ends_outcomes_and_never_deletes_one(
    services: Services, on: MovableClock
) -> None:
    child = _child(services)
    plan_id = services.support.add_plan(_plan(services, child)).id
    words, play = services.support.plan(plan_id).outcomes
    moved = _plan(
        services,
        child,
        review_on=D(2028, 4, 3),
        title="Talking, playing and moving",
        outcomes=[
            replace(WORDS, id=words.id, outcome="Will use 15 words or signs"),
            OutcomeInput("Will climb three steps holding the rail", "sensory_physical"),
        ],
    )
    services.support.edit_plan(
        plan_id, moved, ended=[OutcomeEnd(play.id, "Met: plays beside friends every day")]
    )
    plan = services.support.plan(plan_id)
    assert (plan.title, plan.review_on) == ("Talking, playing and moving", D(2028, 4, 3))
    assert [(o.outcome, o.added_on, o.ended_on, o.end_reason) for o in plan.outcomes] == [
        ("Will use 15 words or signs", None, None, ""),
        (PLAY.outcome, None, on.day, "Met: plays beside friends every day"),
        ("Will climb three steps holding the rail", on.day, None, ""),
    ]
    assert [o.outcome for o in plan.current_outcomes] == [
        "Will use 15 words or signs",
        "Will climb three steps holding the rail",
    ]
    edit = services.support.edit_plan
    same = replace(moved, outcomes=())
    assert _refused(lambda: edit(plan_id, same, ended=[OutcomeEnd(play.id, "Again")]), "ended")
    _refused(lambda: edit(plan_id, same, ended=[OutcomeEnd(words.id, " ")]), "end_reason")
    _refused(lambda: edit(plan_id, replace(same, outcomes=[replace(PLAY, id="nope")])), "outcome_0")
    new = OutcomeInput("Will wave goodbye")
    _refused(lambda: edit(plan_id, replace(same, outcomes=[new]), on=D(2028, 2, 28)), "on")
    _refused(lambda: edit(plan_id, replace(same, outcomes=[new]), on=D(2028, 3, 11)), "on")
    current = services.support.plan(plan_id).current_outcomes
    ending_all = [OutcomeEnd(o.id, "Changed at the review") for o in current]
    _refused(lambda: edit(plan_id, same, ended=ending_all), "outcomes")
    _refused(lambda: edit(plan_id, replace(same, review_on=LEAP_DAY)), "review_on")
    # Nothing of a refused edit is kept.
    assert services.support.plan(plan_id) == plan


def test_the_parents_told_and_the_one_page_profile_are_kept(
    services: Services, on: MovableClock
) -> None:
    plan_id = services.support.add_plan(_plan(services, _child(services))).id
    told = services.support.parents_told
    _refused(lambda: told(plan_id, D(2028, 3, 11), "In person"), "on")
    _refused(lambda: told(plan_id, LEAP_DAY, "  "), "how")
    told(plan_id, LEAP_DAY, "In person, at nursery")
    profile = Profile(
        "Her big laugh", "The red bus; knowing what comes next", "Give time to answer"
    )
    services.support.save_profile(plan_id, profile)
    plan = services.support.plan(plan_id)
    assert (plan.parents_told_on, plan.parents_told_how) == (LEAP_DAY, "In person, at nursery")
    assert plan.profile == profile and not plan.profile.is_empty


def test_a_specialist_is_involved_only_with_the_parents_agreement(services: Services) -> None:
    plan_id = services.support.add_plan(_plan(services, _child(services))).id
    add = services.support.add_specialist
    role, agency = "Speech and language therapist", "Children's Therapy"
    assert (
        _refused(
            lambda: add(plan_id, "Dr Olwen Brightwater", role, agency, None), "parents_agreed_on"
        )
        == "A specialist is involved only with the parents' agreement: please give the date "
        "they agreed."
    )
    _refused(
        lambda: add(plan_id, "Dr Olwen Brightwater", role, agency, D(2028, 3, 11)),
        "parents_agreed_on",
    )
    _refused(lambda: add(plan_id, " ", role, agency, LEAP_DAY), "name")
    first = add(plan_id, "Dr Olwen Brightwater", role, agency, LEAP_DAY, "Dad").id
    add(plan_id, "Marek Thistlewood", "Physiotherapist", agency, D(2028, 3, 2), "Dad")
    [olwen, marek] = services.support.plan(plan_id).specialists
    assert (
        olwen.id,
        olwen.role,
        olwen.agency,
        olwen.parents_agreed_on,
        olwen.parents_agreed_by,
    ) == (
        first,
        role,
        agency,
        LEAP_DAY,
        "Dad",
    )
    services.support.remove_specialist(first)
    assert services.support.plan(plan_id).specialists == (marek,)


def _observe(services: Services, child: str, outcome_id: str, day: dt.date, text: str) -> str:
    return services.observations.add(ObservationInput(child, text, day, outcome_id=outcome_id)).id


def test_reviews_repeat_each_rating_every_outcome_with_its_evidence(
    services: Services, on: MovableClock
) -> None:
    child = _child(services)
    plan_id = services.support.add_plan(_plan(services, child, review_on=D(2028, 3, 5))).id
    plan = services.support.plan(plan_id)
    words, play = plan.outcomes
    _observe(services, child, words.id, LEAP_DAY, "Signed more")
    _observe(services, child, words.id, D(2028, 3, 4), "Said bus")
    gone = _observe(services, child, words.id, D(2028, 3, 4), "Written on the wrong outcome")
    with services.uow.write() as tx:
        mark_deleted(tx.session, Observation, gone)
    _observe(services, child, play.id, D(2028, 3, 6), "Played beside a friend")
    assert services.support.evidence_for_review(plan_id, D(2028, 3, 4)) == {
        words.id: tuple(services.support.evidence(words.id, LEAP_DAY, D(2028, 3, 4))),
        play.id: (),
    }
    assert [e.text for e in services.support.evidence(words.id, LEAP_DAY, D(2028, 3, 4))] == [
        "Signed more",
        "Said bus",
    ]
    assert [e.text for e in services.support.evidence(words.id, D(2028, 3, 1), D(2028, 3, 10))] == [
        "Said bus"
    ]
    first = ReviewInput(
        D(2028, 3, 4),
        [
            OutcomeReviewInput(words.id, OutcomeProgress.GOOD_PROGRESS, "Six signs"),
            OutcomeReviewInput(play.id, OutcomeProgress.LITTLE_PROGRESS, "Moves away"),
        ],
        parent_views="Dad says bath time is calmer",
        child_views="Smiled at the bubbles photo",
        child_views_how="Choosing between photos",
        changes_agreed="Add a sign for help",
        next_review_on=D(2028, 3, 8),
        progress="A settled start",
    )
    review = services.support.review_plan(plan_id, first).id
    assert services.support.plan(plan_id).review_on == D(2028, 3, 8)
    second = ReviewInput(
        D(2028, 3, 8),
        _ratings(plan, OutcomeProgress.ACHIEVED),
        parent_views="Pleased",
        next_review_on=D(2028, 4, 5),
    )
    services.support.review_plan(plan_id, second)
    plan = services.support.plan(plan_id)
    assert plan.review_on == D(2028, 4, 5) and plan.status == PlanStatus.ACTIVE
    # The history, oldest first, each review with its own outcomes and evidence.
    older, newer = plan.reviews
    assert older.id == review
    assert (older.reviewed_on, older.parent_views, older.child_views, older.child_views_how) == (
        D(2028, 3, 4),
        "Dad says bath time is calmer",
        "Smiled at the bubbles photo",
        "Choosing between photos",
    )
    assert (older.changes_agreed, older.next_review_on, older.progress) == (
        "Add a sign for help",
        D(2028, 3, 8),
        "A settled start",
    )
    assert older.reviewer_name == "Folasade Whitlow"
    assert [
        (r.outcome, r.progress, r.note, [e.text for e in r.evidence]) for r in older.outcomes
    ] == [
        (words.outcome, OutcomeProgress.GOOD_PROGRESS, "Six signs", ["Signed more", "Said bus"]),
        (play.outcome, OutcomeProgress.LITTLE_PROGRESS, "Moves away", []),
    ]
    assert [[e.text for e in r.evidence] for r in newer.outcomes] == [
        [],
        ["Played beside a friend"],
    ]
    assert plan.reviewed_since == D(2028, 3, 9)
    # The plan's next review, changed by an edit, still comes after its last review.
    edited = replace(_plan(services, child, review_on=D(2028, 3, 8)), outcomes=())
    _refused(lambda: services.support.edit_plan(plan_id, edited, on=D(2028, 3, 9)), "review_on")


def test_a_review_with_bad_dates_or_ratings_is_refused_beside_the_field(
    services: Services, on: MovableClock
) -> None:
    child = _child(services)
    plan_id = services.support.add_plan(_plan(services, child, review_on=D(2028, 3, 5))).id
    plan = services.support.plan(plan_id)
    words, play = plan.outcomes
    good = ReviewInput(
        D(2028, 3, 3), _ratings(plan, OutcomeProgress.SOME_PROGRESS), next_review_on=D(2028, 4, 1)
    )
    review = services.support.review_plan
    assert _refused(
        lambda: review(plan_id, replace(good, reviewed_on=D(2028, 2, 28))), "reviewed_on"
    ) == ("A review cannot be before the plan started (29 Feb 2028).")
    _refused(lambda: review(plan_id, replace(good, reviewed_on=D(2028, 3, 11))), "reviewed_on")
    _refused(lambda: review(plan_id, replace(good, next_review_on=D(2028, 3, 3))), "next_review_on")
    _refused(
        lambda: review(plan_id, replace(good, outcomes=good.outcomes[:1])), f"progress_{play.id}"
    )
    twice = [*good.outcomes, good.outcomes[0]]
    _refused(lambda: review(plan_id, replace(good, outcomes=twice)), "outcomes")
    assert services.support.plan(plan_id).reviews == ()
    services.support.review_plan(plan_id, good)
    assert "last reviewed on 3 Mar 2028" in _refused(
        lambda: review(plan_id, replace(good, next_review_on=D(2028, 4, 2))), "reviewed_on"
    )
    # An ended outcome is no longer rated.
    services.support.edit_plan(
        plan_id,
        _plan(services, child, outcomes=(), review_on=D(2028, 4, 1)),
        ended=[OutcomeEnd(play.id, "Met")],
        on=D(2028, 3, 3),
    )
    later = replace(good, reviewed_on=D(2028, 3, 9), next_review_on=None)
    _refused(lambda: review(plan_id, later), "outcomes")
    # The plan cannot now start after its first review.
    start_late = _plan(
        services, child, started_on=D(2028, 3, 4), review_on=D(2028, 4, 1), outcomes=()
    )
    _refused(lambda: services.support.edit_plan(plan_id, start_late), "started_on")
    # No next review: the plan closes, and a closed plan takes no more reviews.
    services.support.review_plan(
        plan_id, replace(later, outcomes=[OutcomeReviewInput(words.id, OutcomeProgress.ACHIEVED)])
    )
    assert services.support.plan(plan_id).closed
    with pytest.raises(DomainError, match="closed"):
        review(plan_id, replace(later, reviewed_on=D(2028, 3, 10)))


def test_the_lists_say_which_reviews_are_due_overdue_or_closed(
    services: Services, on: MovableClock
) -> None:
    child = _child(services, "Ysolde")
    overdue = services.support.add_plan(_plan(services, child, review_on=D(2028, 3, 5))).id
    soon = services.support.add_plan(
        _plan(services, child, review_on=D(2028, 3, 13), title="Soon")
    ).id
    later = services.support.add_plan(
        _plan(services, child, review_on=D(2028, 6, 1), title="Later")
    ).id
    closed = services.support.add_plan(_plan(services, child, title="Done")).id
    services.support.review_plan(
        closed,
        ReviewInput(
            D(2028, 3, 2), _ratings(services.support.plan(closed), OutcomeProgress.ACHIEVED)
        ),
    )
    mine = {overdue, soon, later, closed}
    assert [r.id for r in services.support.for_child(child)] == [overdue, soon, later, closed]
    due = [r.id for r in services.support.plans("due") if r.id in mine]
    assert due == [overdue, soon]
    assert [r.id for r in services.support.plans("closed") if r.id in mine] == [closed]
    every = [r.id for r in services.support.plans("all") if r.id in mine]
    assert every == [overdue, soon, later, closed]
    assert [r.id for r in services.support.plans_due(D(2028, 3, 13)) if r.id in mine] == [
        overdue,
        soon,
    ]
    [row] = [r for r in services.support.plans("closed") if r.id == closed]
    assert (row.child_name, row.last_reviewed_on, row.closed) == (
        "Ysolde Quenby-Marr",
        D(2028, 3, 2),
        True,
    )
    assert row.outcomes == (WORDS.outcome, PLAY.outcome)
    # The children list still sorts and filters by the next review.
    by = services.children.search_ids(ChildFilter(review_due_by=D(2028, 3, 5)))
    assert child in by
    assert services.children.rows([child])[0].review_on == D(2028, 3, 5)


def test_the_status_in_words_counts_days_across_29_february() -> None:
    assert status_words("active", D(2028, 3, 1), D(2028, 2, 27)) == "Review due in 3 days"
    assert status_words("active", D(2027, 3, 1), D(2027, 2, 27)) == "Review due in 2 days"
    assert status_words("active", LEAP_DAY, LEAP_DAY) == "Review due today"
    assert status_words("active", LEAP_DAY, D(2028, 3, 1)) == "Review overdue by 1 day"
    assert status_words("active", D(2028, 2, 25), D(2028, 3, 1)) == "Review overdue by 5 days"
    assert status_words("closed", D(2028, 2, 25), D(2028, 3, 1)) == "Closed"
