"""A family's records for the plan_document_s benchmark and the family-document tests
(tests/handouts/test_family_documents.py): a child with targets, a finished home visit and a
support plan with three reviews, dated around TODAY (services on a clock fixed on it).

Everything is written through the services, as the screens write it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from earlyyears_desktop.domain.enums import AccessibleFormat, OutcomeProgress, ProgressRating
from earlyyears_desktop.services.children import ChildInput
from earlyyears_desktop.services.container import Services
from earlyyears_desktop.services.family import CarerInput
from earlyyears_desktop.services.home_visits import StepRating
from earlyyears_desktop.services.support_views import (
    OutcomeInput,
    OutcomeReviewInput,
    PlanInput,
    Profile,
    ReviewInput,
)

TODAY = dt.date(2026, 11, 25)
VISIT_DAY = dt.date(2026, 11, 24)
NEXT_VISIT = dt.date(2026, 12, 8)
PLAN_START = dt.date(2026, 1, 12)
REVIEWS = (dt.date(2026, 4, 20), dt.date(2026, 7, 13), dt.date(2026, 10, 19))
NEXT_REVIEW = dt.date(2027, 1, 18)

STEPS = (
    (
        "Communication",
        "Zoë asks for 'more' with a sign or a word",
        (
            "Looks at the adult when bubbles stop",
            "Signs 'more' with help",
            "Signs 'more' on her own",
        ),
    ),
    (
        "Play",
        "Zoë completes a four-piece inset puzzle",
        ("Puts in one piece with help", "Puts in two pieces on her own"),
    ),
    ("Self-care", "Zoë drinks from an open cup", ("Holds the cup with two hands",)),
)
ACTIVITIES = (
    "Bubbles & 'ready, steady… go!'\n"
    "Inset puzzle with the farm animals\n"
    "Snack time with the open cup"
)
PRACTISE = "Stop the bubbles and wait for Zoë to look or sign before blowing more."
OUTCOMES = (
    ("Zoë will ask for help or 'more' using a sign or a word", "communication_and_interaction"),
    ("Zoë will join in a small-group song for five minutes", "social_emotional_mental_health"),
    ("Zoë will put on her own coat with a little help", "sensory_physical"),
)
SUMMARY = (
    "Zoë loves water play and music. She understands simple words in routines; she does not "
    "yet use words to ask for things."
)


@dataclass(frozen=True)
class FamilyRecords:
    child_id: str
    visit_id: str
    plan_id: str
    #: the target steps rated at the visit (the current steps at the time)
    rated_steps: tuple[str, ...]


def add_family(
    services: Services,
    given: str,
    family: str,
    *,
    carer: str,
    accessible_format: str = AccessibleFormat.STANDARD.value,
    language: str = "English",
    reviews: int = 3,
) -> FamilyRecords:
    """A child and main carer, three targets, a finished visit rating each target's current
    step (then the first target's first step achieved), and a plan with `reviews` reviews."""
    child_id = services.children.create_child(ChildInput(given, family, dt.date(2023, 5, 1))).id
    services.children.add_carer(
        child_id,
        CarerInput(
            carer,
            "Mother",
            preferred_language=language,
            accessible_format=accessible_format,
            is_main_contact=True,
        ),
    )
    targets = [
        services.targets.add(
            child_id, area, target.replace("Zoë", given), steps, set_on=dt.date(2026, 9, 1)
        ).id
        for area, target, steps in STEPS
    ]
    ratings = (ProgressRating.ACHIEVED, ProgressRating.DEVELOPING, ProgressRating.EMERGING)
    visit_id = services.home_visits.record(
        child_id,
        VISIT_DAY,
        carers_present=f"{carer} and Grandma",
        activities=ACTIVITIES,
        family_will_practise=PRACTISE.replace("Zoë", given),
        next_visit_on=NEXT_VISIT,
        how_it_went="A happy visit: she was keen to play from the moment we arrived.",
        ratings=[StepRating(t, r) for t, r in zip(targets, ratings, strict=True)],
    ).id
    plan_id = add_plan_with_reviews(services, child_id, given, reviews)
    return FamilyRecords(child_id, visit_id, plan_id, tuple(s[2][0] for s in STEPS))


def add_plan_with_reviews(services: Services, child_id: str, first: str, reviews: int) -> str:
    """A support plan written whole (parents told, a specialist, the one-page profile) with
    `reviews` reviews rating each outcome."""
    support = services.support
    plan_id = support.add_plan(
        PlanInput(
            child_id,
            started_on=PLAN_START,
            review_on=REVIEWS[0] if reviews else NEXT_REVIEW,
            outcomes=[
                OutcomeInput(
                    outcome.replace("Zoë", first),
                    area,
                    support="Key person models signs at snack time; Portage activities at home.",
                    expected_impact=f"{first} asks for what she wants without getting upset.",
                    responsible="Priya (key person) and the family",
                )
                for outcome, area in OUTCOMES
            ],
            assessment_summary=SUMMARY.replace("Zoë", first),
            key_person="Priya (Rainbow Room)",
        )
    ).id
    support.parents_told(plan_id, PLAN_START, "At a meeting at nursery")
    support.add_specialist(
        plan_id,
        "Dr Owen Price",
        "Speech and language therapist",
        "NHS Children's Therapies",
        parents_agreed_on=dt.date(2026, 2, 2),
        parents_agreed_by="Mother",
    )
    support.save_profile(
        plan_id,
        Profile(
            admire=f"{first} has a lovely laugh.\n{first} is kind to younger children.",
            important="Water play and bubbles\nHer toy rabbit\nKnowing what comes next",
            support="Show her a picture of what is next.\nGive her time to answer.",
        ),
    )
    outcomes = [o.id for o in support.plan(plan_id).outcomes]
    progress = (
        OutcomeProgress.GOOD_PROGRESS,
        OutcomeProgress.SOME_PROGRESS,
        OutcomeProgress.ACHIEVED,
    )
    for n, day in enumerate(REVIEWS[:reviews]):
        support.review_plan(
            plan_id,
            ReviewInput(
                reviewed_on=day,
                outcomes=[
                    OutcomeReviewInput(outcome, rating)
                    for outcome, rating in zip(outcomes, progress, strict=True)
                ],
                progress="Steady progress at home and at nursery.",
                parent_views="We see her signing at home now.",
                child_views="She smiled and pointed at the bubbles photos.",
                child_views_how="Photos of her favourite activities",
                changes_agreed=f"Keep going; add the coat routine at nursery ({n + 1}).",
                next_review_on=REVIEWS[n + 1] if n + 1 < reviews else NEXT_REVIEW,
            ),
        )
    return plan_id
