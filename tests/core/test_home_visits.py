"""A home visit through `HomeVisitService`: started once per child, autosaved field by field
(durable, nothing written when nothing changed), dates refused with the field named, each
target's current step rated, strategies shared, finished, then edited only with a reason kept
in its history; observations noted at the visit belong to it.

One cheap vault for the module; each test starts its own visit (a child has one in progress
at most, so the tests that need a fresh one finish it first or use their own child)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator

import pytest
from sqlalchemy import select

from earlyyears_desktop.domain.enums import ProgressRating, TargetStatus, VisitStatus
from earlyyears_desktop.domain.errors import DomainError, NotFound, ValidationError
from earlyyears_desktop.domain.models import HomeVisitRevision, TeachingTarget
from earlyyears_desktop.services.children import ChildInput
from earlyyears_desktop.services.clock import Clock
from earlyyears_desktop.services.container import Services
from earlyyears_desktop.services.home_visits import FINISHED_TARGET, REASON_NEEDED
from earlyyears_desktop.services.observations import ObservationInput
from earlyyears_desktop.services.strategies import StrategyInput
from earlyyears_desktop.storage import engine as storage_engine

from ..fast_vaults import make_vault
from .conftest import TODAY

BORN = dt.date(2024, 3, 14)
STEPS = ["Looks when the bubbles stop", "Reaches for more", "Signs 'more' with a model"]


@pytest.fixture(scope="module")
def services(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Services]:
    created = make_vault(tmp_path_factory.mktemp("visits") / "vault")
    services = Services(created.vault, clock=Clock.fixed(TODAY))
    yield services
    services.vault.lock()


def _child(services: Services, given: str = "Zoë") -> str:
    return services.children.create_child(ChildInput(given, "Adeyemi", BORN)).id


def _target(services: Services, child_id: str, status: TargetStatus | None = None) -> str:
    target_id = services.targets.add(
        child_id, "Communication", "Asks for more", STEPS, set_on=BORN + dt.timedelta(days=400)
    ).id
    if status is not None:  # finishing and stopping are the targets' own service's
        with services.uow.write() as tx:
            tx.session.get_one(TeachingTarget, target_id).status = status.value
    return target_id


def _finished_visit(services: Services, child_id: str) -> str:
    visit_id = services.home_visits.start(child_id).id
    services.home_visits.save(visit_id, carers_present="Mum", activities="Bubbles")
    services.home_visits.finish(visit_id)
    return visit_id


def test_starting_twice_gives_the_one_visit_in_progress_dated_today(services: Services) -> None:
    child = _child(services)
    first = services.home_visits.start(child)
    again = services.home_visits.start(child, TODAY - dt.timedelta(days=1))
    assert again.id == first.id and not again.changes
    assert first.changes.ids("home_visit") == {first.id}
    visit = services.home_visits.get(first.id)
    assert (visit.status, visit.visited_on, visit.practitioner) == (
        VisitStatus.IN_PROGRESS,
        TODAY,
        "Amira Haddad",
    )
    services.home_visits.finish(first.id)
    later = services.home_visits.start(child, TODAY - dt.timedelta(days=2))
    assert later.id != first.id
    assert services.home_visits.get(later.id).visited_on == TODAY - dt.timedelta(days=2)
    assert [v.id for v in services.home_visits.for_child(child)] == [first.id, later.id]


def test_the_autosave_is_durable_and_an_unchanged_save_writes_nothing(
    services: Services,
) -> None:
    child = _child(services)
    visit_id = services.home_visits.start(child).id
    saved = services.home_visits.save(
        visit_id, carers_present="  Mum (Amara) and Grandad ", siblings_present="Tobi, 6"
    )
    assert saved.changes.ids("home_visit") == {visit_id}
    version = services.home_visits.get(visit_id).version
    # Committed: another connection to the vault reads it at once.
    conn = storage_engine.connect(services.vault.paths.database, services.vault._data_key())
    try:
        row = conn.execute(
            "SELECT carers_present, siblings_present FROM home_visits WHERE id = ?", (visit_id,)
        ).fetchone()
    finally:
        conn.close()
    assert tuple(row) == ("Mum (Amara) and Grandad", "Tobi, 6")
    unchanged = services.home_visits.save(visit_id, carers_present="Mum (Amara) and Grandad")
    assert not unchanged.changes
    assert services.home_visits.get(visit_id).version == version
    services.home_visits.save(visit_id, activities="Bubbles\nPosting box", notes="")
    after = services.home_visits.get(visit_id)
    assert after.activities == "Bubbles\nPosting box" and after.version == version + 1


@pytest.mark.parametrize(
    ("fields", "field", "words"),
    [
        ({"visited_on": BORN - dt.timedelta(days=1)}, "visited_on", "before the child was born"),
        ({"visited_on": TODAY + dt.timedelta(days=1)}, "visited_on", "in the future"),
        ({"next_visit_on": TODAY}, "next_visit_on", "after this one"),
        ({"next_visit_on": TODAY - dt.timedelta(days=3)}, "next_visit_on", "after this one"),
        ({"others_present": "x" * 301}, "others_present", "too long"),
    ],
)
def test_refused_dates_name_their_field(
    services: Services, fields: dict[str, object], field: str, words: str
) -> None:
    child = _child(services)
    visit_id = services.home_visits.start(child).id
    with pytest.raises(ValidationError) as refused:
        services.home_visits.save(visit_id, **fields)
    assert refused.value.field == field and words in str(refused.value)
    assert services.home_visits.get(visit_id).version == 1
    with pytest.raises(ValidationError, match="in the future"):
        services.home_visits.start(_child(services), TODAY + dt.timedelta(days=1))


def test_the_current_step_is_rated_rerated_and_cleared(services: Services) -> None:
    child = _child(services)
    target = _target(services, child)
    visit_id = services.home_visits.start(child).id
    (row,) = services.home_visits.get(visit_id).targets
    assert (row.step_text, row.step_number, row.steps_total, row.rating) == (
        STEPS[0],
        1,
        3,
        None,
    )
    services.home_visits.rate(visit_id, target, ProgressRating.EMERGING, "Looked once")
    services.home_visits.rate(visit_id, target, "developing", "Looked three times")
    (row,) = services.home_visits.get(visit_id).targets
    assert (row.rating, row.note, row.step_text) == (
        ProgressRating.DEVELOPING,
        "Looked three times",
        STEPS[0],
    )
    cleared = services.home_visits.rate(visit_id, target, None)
    assert cleared.changes.touches("visit_target_progress")
    assert services.home_visits.get(visit_id).targets[0].rating is None
    services.home_visits.rate(visit_id, target, ProgressRating.ACHIEVED)
    services.home_visits.finish(visit_id)
    (row,) = services.home_visits.get(visit_id).targets
    assert (row.rating, row.note) == (ProgressRating.ACHIEVED, "")


def test_a_rating_stays_on_the_step_it_rated_when_that_step_is_achieved_meanwhile(
    services: Services,
) -> None:
    """Rated Achieved, the step marked achieved on the child's record, then a note typed at
    the visit: the rating (and its note) stays on the step worked on, not the next one."""
    child = _child(services)
    target = _target(services, child)
    visit_id = services.home_visits.start(child).id
    services.home_visits.rate(visit_id, target, ProgressRating.ACHIEVED)
    first = services.targets.progress(target).current_step
    assert first is not None
    services.targets.achieve_step(first.id, TODAY)
    services.home_visits.rate(visit_id, target, ProgressRating.ACHIEVED, "Did it five times")
    (rated,) = services.targets.progress(target).ratings
    assert (rated.step_id, rated.note) == (first.id, "Did it five times")


def test_a_visit_started_by_mistake_is_discarded_while_in_progress(services: Services) -> None:
    child = _child(services)
    target = _target(services, child)
    visit_id = services.home_visits.start(child).id
    services.home_visits.rate(visit_id, target, ProgressRating.EMERGING)
    services.home_visits.discard(visit_id)
    assert services.home_visits.for_child(child) == []
    assert services.targets.progress(target).ratings == ()
    # A visit with an observation written at it, or a finished one, is not thrown away.
    kept = services.home_visits.start(child).id
    services.observations.add(
        ObservationInput(child, "Waved at the window", TODAY, home_visit_id=kept)
    )
    with pytest.raises(DomainError):
        services.home_visits.discard(kept)
    services.home_visits.finish(kept)
    with pytest.raises(DomainError):
        services.home_visits.discard(kept)


@pytest.mark.parametrize("status", [TargetStatus.ACHIEVED, TargetStatus.STOPPED])
def test_a_finished_or_stopped_target_is_not_rated(
    services: Services, status: TargetStatus
) -> None:
    child = _child(services)
    target = _target(services, child, status)
    visit_id = services.home_visits.start(child).id
    assert services.home_visits.get(visit_id).targets == ()
    with pytest.raises(ValidationError) as refused:
        services.home_visits.rate(visit_id, target, ProgressRating.EMERGING)
    assert refused.value.field == "target" and str(refused.value) == FINISHED_TARGET


def test_another_childs_target_is_not_rated(services: Services) -> None:
    child, other = _child(services), _child(services, "Ravi")
    visit_id = services.home_visits.start(child).id
    with pytest.raises(ValidationError, match="another child"):
        services.home_visits.rate(visit_id, _target(services, other), ProgressRating.EMERGING)


def test_strategies_are_shared_from_the_library_or_typed_and_taken_back(
    services: Services,
) -> None:
    library = services.strategies.add(
        StrategyInput("Pause and wait", try_at_home="Stop and count to five before you help.")
    ).id
    visit_id = services.home_visits.start(_child(services)).id
    shared = services.home_visits.share_strategy(visit_id, library).id
    typed = services.home_visits.share_strategy(
        visit_id, title="Songs at bath time", try_at_home="Sing 'Row your boat' and stop."
    ).id
    with pytest.raises(ValidationError, match="already shared"):
        services.home_visits.share_strategy(visit_id, library)
    with pytest.raises(ValidationError) as untitled:
        services.home_visits.share_strategy(visit_id, title="  ")
    assert untitled.value.field == "title"
    strategies = services.home_visits.get(visit_id).strategies
    assert [(s.id, s.strategy_id, s.title, s.try_at_home) for s in strategies] == [
        (shared, library, "Pause and wait", "Stop and count to five before you help."),
        (typed, None, "Songs at bath time", "Sing 'Row your boat' and stop."),
    ]
    services.home_visits.unshare_strategy(shared)
    assert [s.id for s in services.home_visits.get(visit_id).strategies] == [typed]


def test_a_finished_visit_is_changed_only_by_an_edit(services: Services) -> None:
    child = _child(services)
    target = _target(services, child)
    visit_id = _finished_visit(services, child)
    visit = services.home_visits.get(visit_id)
    assert visit.finished and visit.finished_at == services.clock.now()
    assert not services.home_visits.finish(visit_id).changes
    for change in (
        lambda: services.home_visits.save(visit_id, notes="later"),
        lambda: services.home_visits.rate(visit_id, target, ProgressRating.EMERGING),
        lambda: services.home_visits.share_strategy(visit_id, title="Bubbles"),
    ):
        with pytest.raises(DomainError, match="finished"):
            change()


def test_an_edit_keeps_the_previous_values_who_when_and_why(services: Services) -> None:
    visit_id = _finished_visit(services, _child(services))
    next_visit = TODAY + dt.timedelta(days=14)
    with pytest.raises(ValidationError) as no_reason:
        services.home_visits.edit(visit_id, {"activities": "Bubbles and rhymes"}, "  ")
    assert (no_reason.value.field, str(no_reason.value)) == ("reason", REASON_NEEDED)
    with pytest.raises(ValidationError) as bad_date:
        services.home_visits.edit(visit_id, {"next_visit_on": TODAY}, "Wrong date")
    assert bad_date.value.field == "next_visit_on"
    nothing = services.home_visits.edit(
        visit_id, {"activities": "Bubbles", "carers_present": "Mum"}, ""
    )
    assert not nothing.changes
    saved = services.home_visits.edit(
        visit_id,
        {"activities": "Bubbles and rhymes", "carers_present": "Mum", "next_visit_on": next_visit},
        "Added the rhymes we sang",
    )
    assert saved.changes.touches("home_visit", "home_visit_revision")
    visit = services.home_visits.get(visit_id)
    assert (visit.activities, visit.next_visit_on) == ("Bubbles and rhymes", next_visit)
    (revision,) = services.home_visits.history(visit_id)
    assert (revision.reason, revision.revised_by, revision.revised_at) == (
        "Added the rhymes we sang",
        "Amira Haddad",
        services.clock.now(),
    )
    assert revision.previous == {"activities": "Bubbles", "next_visit_on": ""}
    with services.uow.read() as session:
        stored = session.scalars(
            select(HomeVisitRevision.previous).where(HomeVisitRevision.home_visit_id == visit_id)
        ).one()
    assert json.loads(stored) == {"activities": "Bubbles", "next_visit_on": None}
    services.home_visits.edit(visit_id, {"visited_on": TODAY - dt.timedelta(days=1)}, "Typo")
    newest = services.home_visits.history(visit_id)[0]
    assert newest.previous == {"visited_on": TODAY.isoformat()}


def test_an_observation_noted_at_the_visit_is_the_visits(services: Services) -> None:
    child = _child(services)
    visit_id = services.home_visits.start(child).id
    observation = services.observations.add(
        ObservationInput(
            child,
            "Reached for the bubble wand and looked at Mum",
            TODAY,
            context="home_visit",
            home_visit_id=visit_id,
        )
    ).id
    (row,) = services.home_visits.get(visit_id).observations
    assert (row.id, row.context) == (observation, "home_visit")


def test_a_visit_that_is_not_in_the_vault_is_named(services: Services) -> None:
    with pytest.raises(NotFound, match="home visit"):
        services.home_visits.get("no-such-visit")
    with pytest.raises(KeyError):
        services.home_visits.save("no-such-visit", weather="sunny")
