"""Observations through `ObservationService`: refused input named by its field, long and
right-to-left text kept exactly, edits that keep the earlier version with who, when and why,
and deletion as a tombstone with a reason that leaves the record and the search.

One cheap vault for the module; each test writes its own observations. Clocks are fixed: the
ones for "written less than a day ago" and "more than a day ago" are set from the time the
observation was written, read back from the service.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from sqlalchemy import select

from earlyyears_desktop.domain.enums import Discipline, ObservationChange, Role
from earlyyears_desktop.domain.errors import NotFound, ValidationError
from earlyyears_desktop.domain.models import (
    Observation,
    ObservationRevision,
    PlanOutcome,
    SupportPlan,
)
from earlyyears_desktop.services.children import ChildInput
from earlyyears_desktop.services.clock import Clock
from earlyyears_desktop.services.container import Services, set_up_vault
from earlyyears_desktop.services.observation_rules import (
    MAX_TEXT_CHARS,
    OLDER_REASON,
    SHARED_REASON,
    SHARING_REASON,
    ObservationValues,
)
from earlyyears_desktop.services.observations import ObservationInput, ObservationService
from earlyyears_desktop.services.support_views import OutcomeInput, PlanInput
from earlyyears_desktop.services.unit_of_work import (
    INCLUDE_DELETED,
    Actor,
    UnitOfWork,
    mark_deleted,
)

from ..fast_vaults import FAST_KDF, PASSPHRASE
from .conftest import TODAY

BORN = dt.date(2024, 2, 29)
EARLIER = TODAY - dt.timedelta(days=5)
ARABIC = "لعبت ليلى بالمكعبات وقالت «أكثر» مرتين."
HEBREW = "נועה בנתה מגדל של שש קוביות ואמרה ״עוד״."
MIXED = f"Said “more” in Arabic: {ARABIC} \u200fثم ضحكت\u200f, then in Hebrew: {HEBREW}"


@pytest.fixture(scope="module")
def services(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Services]:
    created = set_up_vault(
        tmp_path_factory.mktemp("observations") / "vault",
        team_name="Harbourside Early Years",
        practitioner_name="Amira Haddad",
        role=Role.GROUP_LEADER.value,
        discipline=Discipline.EARLY_YEARS_EDUCATION.value,
        passphrase=PASSPHRASE,
        params=FAST_KDF,
    )
    services = Services(created.vault, clock=Clock.fixed(TODAY))
    yield services
    services.vault.lock()


@pytest.fixture(scope="module")
def child(services: Services) -> str:
    return services.children.create_child(ChildInput("Nnamdi Þór", "Ó Súilleabháin", BORN)).id


def _add(services: Services, child: str, text: str = "Posted three shapes", **kw: object) -> str:
    data = ObservationInput(child, text, kw.pop("observed_on", EARLIER), **kw)  # type: ignore[arg-type]
    return services.observations.add(data).id


def _values(services: Services, observation_id: str, **changes: object) -> ObservationValues:
    d = services.observations.get(observation_id)
    now = dict(
        text=d.text,
        observed_on=d.observed_on,
        observed_at=d.observed_at,
        context=d.context,
        area_of_need=d.area_of_need,
        outcome_id=d.outcome_id,
        share_with_parents=d.share_with_parents,
    )
    return ObservationValues(**{**now, **changes})  # type: ignore[arg-type]


def _after(services: Services, observation_id: str, delay: dt.timedelta) -> ObservationService:
    """The service as it would be `delay` after the observation was written."""
    written = services.observations.get(observation_id).created_at
    return ObservationService(services.uow, Clock(lambda: written + delay))


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"text": ""}, "text", "write what you saw"),
        ({"text": " \n\t "}, "text", "write what you saw"),
        ({"text": "x" * (MAX_TEXT_CHARS + 1)}, "text", "too long"),
        ({"observed_on": TODAY + dt.timedelta(days=1)}, "observed_on", "in the future"),
        ({"observed_on": TODAY, "observed_at": dt.time(10, 1)}, "observed_at", "later than now"),
        ({"observed_on": BORN - dt.timedelta(days=1)}, "observed_on", "before the child was born"),
        ({"context": "playground"}, "context", "choose"),
        ({"area_of_need": "handwriting"}, "area_of_need", "choose"),
        ({"outcome_id": "not-an-outcome"}, "outcome_id", "support plans"),
    ],
)
def test_bad_input_is_refused_by_field_and_nothing_is_saved(
    services: Services, child: str, changes: dict[str, object], field: str, words: str
) -> None:
    before = len(services.observations.for_child(child, limit=1000))
    fields: dict[str, object] = {"text": "Waved goodbye", "observed_on": EARLIER, **changes}
    text, day = fields.pop("text"), fields.pop("observed_on")
    with pytest.raises(ValidationError) as refused:
        services.observations.add(ObservationInput(child, text, day, **fields))  # type: ignore[arg-type]
    assert refused.value.field == field
    assert words in refused.value.message
    # The message names no child and no date of birth.
    assert "Nnamdi" not in refused.value.message and "2024" not in refused.value.message
    assert len(services.observations.for_child(child, limit=1000)) == before


def test_the_time_now_and_the_day_of_birth_are_accepted(services: Services, child: str) -> None:
    now = _add(services, child, "Sat at the table", observed_on=TODAY, observed_at=dt.time(10, 0))
    born = _add(services, child, "First cuddle", observed_on=BORN)
    assert services.observations.get(now).observed_at == dt.time(10, 0)
    assert services.observations.get(born).observed_on == BORN


def test_an_outcome_must_be_one_of_this_childs_plans(services: Services, child: str) -> None:
    other = services.children.create_child(ChildInput("Małgorzata", "Nkemelu", BORN)).id
    assert services.observations.outcomes_for_child(child) == []
    services.support.add_plan(
        PlanInput(
            other,
            started_on=TODAY - dt.timedelta(days=30),
            review_on=TODAY + dt.timedelta(days=30),
            outcomes=[
                OutcomeInput("Will take turns with one friend", "social_emotional_mental_health")
            ],
            interventions="Turn-taking games",
            title="Plan for spring",
        )
    )
    [theirs] = services.observations.outcomes_for_child(other)
    assert (theirs.outcome, theirs.plan_title) == (
        "Will take turns with one friend",
        "Plan for spring",
    )
    with pytest.raises(ValidationError) as refused:
        _add(services, child, outcome_id=theirs.id)
    assert refused.value.field == "outcome_id"
    linked = services.observations.get(_add(services, other, "Took a turn", outcome_id=theirs.id))
    assert (linked.outcome_id, linked.outcome_text) == (theirs.id, theirs.outcome)


def test_an_outcome_whose_plan_is_gone_stays_linked_through_an_edit(
    services: Services, child: str
) -> None:
    """Correcting a word keeps the evidence linked to an outcome deleted since; the outcome
    cannot be chosen anew."""
    plan = services.support.add_plan(
        PlanInput(
            child,
            started_on=TODAY - dt.timedelta(days=30),
            review_on=TODAY + dt.timedelta(days=30),
            outcomes=[
                OutcomeInput("Will point to ask for a snack", "communication_and_interaction")
            ],
            interventions="Snack-time choices",
        )
    ).id
    [outcome] = services.observations.outcomes_for_child(child)
    linked = _add(services, child, "Pointed at the raisns", outcome_id=outcome.id)
    with services.uow.write() as tx:
        mark_deleted(tx.session, PlanOutcome, outcome.id)
        mark_deleted(tx.session, SupportPlan, plan)
    detail = services.observations.get(linked)
    corrected = ObservationInput(
        child, "Pointed at the raisins", detail.observed_on, outcome_id=outcome.id
    ).values
    services.observations.edit(linked, corrected, reason="Spelling")
    assert services.observations.get(linked).outcome_id == outcome.id
    with pytest.raises(ValidationError) as refused:
        _add(services, child, "Pointed again", outcome_id=outcome.id)
    assert refused.value.field == "outcome_id"


def test_long_and_right_to_left_text_is_kept_exactly_and_found(
    services: Services, child: str
) -> None:
    words = [f"wörd{n % 97}" for n in range(20_000)]
    words[12_345] = "Zephyrquillon"
    long_text = " ".join(words)
    long_id = _add(services, child, long_text)
    assert services.observations.get(long_id).text == long_text
    assert [o.id for o in services.observations.search("zephyrquillon")] == [long_id]
    for text in (ARABIC, HEBREW, MIXED):
        saved = services.observations.get(_add(services, child, text))
        assert saved.text == text
    assert {o.text for o in services.observations.search("ليلى")} == {ARABIC, MIXED}
    assert {o.text for o in services.observations.search("נועה")} == {HEBREW, MIXED}


def test_the_detail_names_its_author_and_discipline(services: Services, child: str) -> None:
    detail = services.observations.get(_add(services, child, area_of_need="sensory_physical"))
    assert (detail.author_name, detail.author_discipline) == (
        "Amira Haddad",
        Discipline.EARLY_YEARS_EDUCATION.value,
    )
    assert detail.child_id == child and not detail.has_history and not detail.share_with_parents
    assert services.observations.history(detail.id) == []


def test_a_fresh_unshared_edit_needs_no_reason_and_keeps_the_earlier_version(
    services: Services, child: str
) -> None:
    obs = _add(services, child, "Built a tower of three", context="session")
    fresh = _after(services, obs, dt.timedelta(hours=2))
    assert fresh.reason_needed(fresh.get(obs), will_share=False) is None
    saved = fresh.edit(obs, _values(services, obs, text="Built a tower of four", context="setting"))
    assert saved.changes.touches("observation", "observation_revision")
    detail = fresh.get(obs)
    assert (detail.text, detail.context, detail.has_history) == (
        "Built a tower of four",
        "setting",
        True,
    )
    [revision] = fresh.history(obs)
    assert revision.change == ObservationChange.EDITED.value
    assert (revision.previous_text, revision.previous_context) == (
        "Built a tower of three",
        "session",
    )
    assert (revision.reviser_name, revision.reason) == ("Amira Haddad", "")
    assert revision.revised_at == detail.created_at + dt.timedelta(hours=2)


def test_a_change_that_changes_nothing_saves_nothing(services: Services, child: str) -> None:
    obs = _add(services, child, share_with_parents=True)
    version = services.observations.get(obs).version
    saved = services.observations.edit(obs, _values(services, obs))  # no reason: none needed
    assert not saved.changes
    assert services.observations.get(obs).version == version
    assert services.observations.history(obs) == []


@pytest.mark.parametrize(
    ("shared", "share", "delay", "why"),
    [
        (True, True, dt.timedelta(hours=1), SHARED_REASON),
        (True, False, dt.timedelta(hours=1), SHARED_REASON),
        (False, True, dt.timedelta(hours=1), SHARING_REASON),
        (False, False, dt.timedelta(days=1, minutes=1), OLDER_REASON),
    ],
)
def test_a_reason_is_required_for_a_shared_or_older_observation(
    services: Services,
    child: str,
    shared: bool,
    share: bool,
    delay: dt.timedelta,
    why: str,
) -> None:
    obs = _add(services, child, "Pointed at the bus", share_with_parents=shared)
    later = _after(services, obs, delay)
    assert later.reason_needed(later.get(obs), will_share=share) == why
    changes = _values(services, obs, text="Pointed at the red bus", share_with_parents=share)
    for reason in ("", "   "):
        with pytest.raises(ValidationError) as refused:
            later.edit(obs, changes, reason)
        assert (refused.value.field, refused.value.message) == ("reason", why)
    assert later.get(obs).text == "Pointed at the bus"
    later.edit(obs, changes, "Added the colour, as Mum remembered it")
    [revision] = later.history(obs)
    assert revision.reason == "Added the colour, as Mum remembered it"
    assert revision.previous_share_with_parents is shared


def test_an_edit_by_another_practitioner_names_them_and_keeps_the_author(
    services: Services, child: str
) -> None:
    obs = _add(services, child, "Rolled the ball back")
    other = services.practitioners.add("Siân Okonkwo-Jędrzejczak", Role.SENCO.value).id
    theirs = ObservationService(
        UnitOfWork(services.uow.engine, Actor(other, services.actor.device_id)),
        _after(services, obs, dt.timedelta(hours=3)).clock,
    )
    theirs.edit(obs, _values(services, obs, text="Rolled the ball back to Kofi"))
    theirs.edit(obs, _values(services, obs, area_of_need="communication_and_interaction"))
    newest, oldest = services.observations.history(obs)
    assert newest.previous_text == "Rolled the ball back to Kofi"
    assert oldest.previous_text == "Rolled the ball back"
    assert newest.reviser_name == oldest.reviser_name == "Siân Okonkwo-Jędrzejczak"
    assert services.observations.get(obs).author_name == "Amira Haddad"


def test_deleting_needs_a_reason_and_leaves_a_tombstone_and_its_history(
    services: Services, child: str
) -> None:
    obs = _add(services, child, "Splashed in the Glimmerpuddle tray", share_with_parents=True)
    assert [o.id for o in services.observations.search("glimmerpuddle")] == [obs]
    with pytest.raises(ValidationError) as refused:
        services.observations.delete(obs, "  ")
    assert refused.value.field == "reason"
    saved = services.observations.delete(obs, "Written on the wrong child's record")
    assert saved.changes.touches("observation", "observation_revision")

    assert services.observations.search("glimmerpuddle") == []
    assert obs not in {o.id for o in services.observations.for_child(child, limit=1000)}
    with pytest.raises(NotFound, match="deleted"):
        services.observations.get(obs)
    with pytest.raises(NotFound):
        services.observations.edit(obs, ObservationValues("Again", EARLIER), "why")
    with pytest.raises(NotFound):
        services.observations.delete(obs, "Twice")

    [revision] = services.observations.history(obs)
    assert revision.change == ObservationChange.DELETED.value
    assert revision.reason == "Written on the wrong child's record"
    assert revision.previous_text == "Splashed in the Glimmerpuddle tray"
    assert revision.previous_share_with_parents
    with services.uow.read() as session:
        tombstone = session.get(Observation, obs, execution_options=INCLUDE_DELETED)
        assert tombstone is not None and tombstone.deleted_at is not None
        assert tombstone.text == "Splashed in the Glimmerpuddle tray"
        assert session.scalars(
            select(ObservationRevision.id).where(ObservationRevision.observation_id == obs)
        ).all() == [revision.id]


def test_an_unknown_observation_is_not_found(services: Services) -> None:
    with pytest.raises(NotFound):
        services.observations.get("no-such-observation")
    with pytest.raises(NotFound):
        services.observations.history("no-such-observation")
