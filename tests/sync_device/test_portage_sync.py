"""Sync carries every record type of Portage and support plans (bundle format 1.3), under the
consent rule: a child's records go only while the child's consent to share is in force, and a
central service that does not announce a type (or its newest revision) gets none of it."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from earlyyears_desktop.domain.enums import OutcomeProgress, ProgressRating, VisitRhythm
from earlyyears_desktop.domain.models import (
    CaseloadEntry,
    HomeVisitRevision,
    VisitStrategy,
)
from earlyyears_desktop.services.container import Services
from earlyyears_desktop.services.home_visits import StepRating
from earlyyears_desktop.services.support_views import (
    OutcomeInput,
    OutcomeReviewInput,
    PlanInput,
    ReviewInput,
)
from earlyyears_desktop.sync.entity_types import FORMAT_1_ENTITY_TYPES

from .conftest import TODAY, Central, add_child, enrol

#: the record types bundle format 1.3 added, and those it gave a second schema revision
NEW_TYPES = {
    "caseload_entry",
    "home_visit_revision",
    "visit_strategy",
    "target_step",
    "plan_specialist",
    "outcome_review",
}
REVISED_TYPES = {
    "home_visit",
    "teaching_target",
    "visit_target_progress",
    "support_plan",
    "plan_outcome",
    "plan_review",
}


def portage_and_plan_records(services: Services, child: str) -> None:
    """One record of every Portage and support-plan type for the child, written through the
    services and, where this test needs a record no screen writes alone, the unit of work."""
    target = services.targets.add(
        child,
        "Communication",
        "Asks for more with a sign",
        ["Looks up when the bubbles stop", "Reaches for more"],
        set_on=TODAY - dt.timedelta(days=21),
        set_with="Mum",
    ).id
    visit = services.home_visits.record(
        child,
        TODAY - dt.timedelta(days=7),
        carers_present="Mum",
        activities="Bubbles and posting",
        family_will_practise="Pause before blowing more bubbles",
        next_visit_on=TODAY + dt.timedelta(days=7),
        ratings=[StepRating(target, ProgressRating.DEVELOPING)],
    ).id
    support = services.support
    plan = support.add_plan(
        PlanInput(
            child,
            started_on=TODAY - dt.timedelta(days=60),
            review_on=TODAY - dt.timedelta(days=2),
            outcomes=[OutcomeInput("Uses ten signs to ask", "communication_and_interaction")],
        )
    ).id
    (outcome,) = support.plan(plan).outcomes
    support.review_plan(
        plan,
        ReviewInput(
            TODAY - dt.timedelta(days=2),
            [OutcomeReviewInput(outcome.id, OutcomeProgress.GOOD_PROGRESS)],
            parent_views="Bedtime is calmer",
            child_views="Smiled at the bubbles photo",
            next_review_on=TODAY + dt.timedelta(days=60),
        ),
    )
    support.add_specialist(
        plan, "Priya Raman", "Speech and language therapist", "", TODAY - dt.timedelta(days=50)
    )
    with services.uow.write() as tx:
        tx.session.add_all(
            [
                CaseloadEntry(
                    child_id=child,
                    practitioner_id=services.actor.practitioner_id,
                    rhythm=VisitRhythm.FORTNIGHTLY.value,
                    opened_on=TODAY - dt.timedelta(days=30),
                ),
                HomeVisitRevision(
                    home_visit_id=visit,
                    revised_at=dt.datetime(2026, 11, 20, 10, 0),
                    revised_by=services.actor.practitioner_id,
                    reason="Added the date of the next visit",
                    previous=json.dumps({"next_visit_on": None}),
                ),
                VisitStrategy(home_visit_id=visit, title="Now and next board"),
            ]
        )


def test_every_new_type_goes_to_a_central_service_that_accepts_it(
    services: Services, central: Central, usb: Path, tmp_path: Path
) -> None:
    sharing = add_child(services, "Lưu", "Thị Hoa")
    not_sharing = add_child(services, "Eóin", "Ó Briain", consent=False)
    portage_and_plan_records(services, sharing)
    portage_and_plan_records(services, not_sharing)

    result = enrol(services, central, tmp_path).export(usb)
    sent = list(central.open_export(result.path).records())
    sent_types = {r["entity"] for r in sent}
    assert sent_types >= NEW_TYPES | REVISED_TYPES
    # Each revised type goes at its newest revision, with the members that revision added.
    visit = next(r for r in sent if r["entity"] == "home_visit")
    assert visit["data"]["status"] == "finished"
    progress = next(r for r in sent if r["entity"] == "visit_target_progress")
    assert progress["data"]["rating"] == "developing" and progress["data"]["step_id"]
    # Not one record of the child without consent, whatever its type.
    texts = json.dumps(sent, ensure_ascii=False)
    assert not_sharing not in texts and "Ó Briain" not in texts
    assert result.held_back >= len(NEW_TYPES | REVISED_TYPES)


def test_a_central_service_of_format_1_gets_none_of_them(
    services: Services, central: Central, usb: Path, tmp_path: Path
) -> None:
    child = add_child(services, "Kofi", "Mensah")
    portage_and_plan_records(services, child)

    sync = enrol(services, central, tmp_path, accepted_entities=sorted(FORMAT_1_ENTITY_TYPES))
    result = sync.export(usb)
    sent_types = {r["entity"] for r in central.open_export(result.path).records()}
    assert not sent_types & (NEW_TYPES | REVISED_TYPES)
    held = dict(result.held_back_types)
    assert set(held) >= NEW_TYPES | REVISED_TYPES
