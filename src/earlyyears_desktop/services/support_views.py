"""What a support plan is made of, as the services take it in and hand it out: the inputs of
`SupportService` (a plan, an outcome, a review) and the frozen views it reads, with the words
for where a plan stands ("Review overdue by 5 days")."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from earlyyears_desktop.domain.enums import OutcomeProgress, PlanStatus

# ---- what a screen hands in ----


@dataclass(frozen=True)
class OutcomeInput:
    """One outcome sought, with the support put in place for it."""

    outcome: str
    area_of_need: str = ""
    #: the interventions and support for this outcome
    support: str = ""
    #: the expected impact on progress, development or behaviour
    expected_impact: str = ""
    #: who does what ("Key person, daily; Mum at bath time")
    responsible: str = ""
    #: in `edit_plan`: the outcome this one rewords (None: a new outcome)
    id: str | None = None


@dataclass(frozen=True)
class PlanInput:
    """A whole plan: the assessment, the outcomes sought with their support, who works with
    the child day to day, and a clear date for review."""

    child_id: str
    started_on: dt.date
    review_on: dt.date
    outcomes: Sequence[OutcomeInput]
    title: str = "Support plan"
    assessment_summary: str = ""
    #: who works with the child day to day (usually the key person)
    key_person: str = ""
    #: support across the whole plan (each outcome has its own too)
    interventions: str = ""


@dataclass(frozen=True)
class OutcomeEnd:
    """An outcome ended (met, or changed at a review): kept in the plan's history."""

    outcome_id: str
    reason: str


@dataclass(frozen=True)
class Profile:
    """The one-page profile."""

    #: what people like and admire about the child
    admire: str = ""
    #: what is important to the child
    important: str = ""
    #: how best to support the child
    support: str = ""

    @property
    def is_empty(self) -> bool:
        return not (self.admire or self.important or self.support)


@dataclass(frozen=True)
class OutcomeReviewInput:
    outcome_id: str
    progress: OutcomeProgress
    note: str = ""


@dataclass(frozen=True)
class ReviewInput:
    """A review: progress against each outcome, the parents' and the child's views, the
    changes agreed and the next review (None: the plan closes)."""

    reviewed_on: dt.date
    outcomes: Sequence[OutcomeReviewInput]
    parent_views: str = ""
    child_views: str = ""
    #: how the child's views were gathered (watching play, choosing pictures...)
    child_views_how: str = ""
    changes_agreed: str = ""
    next_review_on: dt.date | None = None
    #: progress overall, in a sentence
    progress: str = ""


# ---- what a screen reads ----


@dataclass(frozen=True)
class OutcomeView:
    id: str
    position: int
    outcome: str
    area_of_need: str
    support: str
    expected_impact: str
    responsible: str
    #: None: with the plan from its start
    added_on: dt.date | None
    ended_on: dt.date | None
    end_reason: str

    @property
    def current(self) -> bool:
        return self.ended_on is None


@dataclass(frozen=True)
class SpecialistView:
    id: str
    name: str
    role: str
    agency: str
    parents_agreed_on: dt.date
    parents_agreed_by: str


@dataclass(frozen=True)
class Evidence:
    """An observation linked to an outcome."""

    observation_id: str
    observed_on: dt.date
    text: str


@dataclass(frozen=True)
class OutcomeReviewView:
    outcome_id: str
    outcome: str
    progress: OutcomeProgress
    note: str
    #: the observations linked to the outcome since the review before (or the plan's start)
    evidence: tuple[Evidence, ...]


@dataclass(frozen=True)
class ReviewView:
    id: str
    reviewed_on: dt.date
    progress: str
    parent_views: str
    child_views: str
    child_views_how: str
    changes_agreed: str
    next_review_on: dt.date | None
    reviewer_name: str
    outcomes: tuple[OutcomeReviewView, ...]


@dataclass(frozen=True)
class PlanView:
    id: str
    child_id: str
    child_name: str
    title: str
    started_on: dt.date
    review_on: dt.date
    status: PlanStatus
    assessment_summary: str
    key_person: str
    interventions: str
    expected_impact: str
    parents_told_on: dt.date | None
    parents_told_how: str
    profile: Profile
    #: every outcome, ended ones too, in the plan's order
    outcomes: tuple[OutcomeView, ...]
    specialists: tuple[SpecialistView, ...]
    #: oldest first: the plan's history
    reviews: tuple[ReviewView, ...]

    @property
    def current_outcomes(self) -> tuple[OutcomeView, ...]:
        return tuple(o for o in self.outcomes if o.current)

    @property
    def closed(self) -> bool:
        return self.status == PlanStatus.CLOSED

    @property
    def reviewed_since(self) -> dt.date:
        """The first day whose evidence the next review weighs: the day after the last
        review, or the plan's start."""
        if self.reviews:
            return self.reviews[-1].reviewed_on + dt.timedelta(days=1)
        return self.started_on


@dataclass(frozen=True)
class PlanRow:
    """A plan in a list (the Plans & reviews page, Today, a child's record)."""

    id: str
    child_id: str
    title: str
    started_on: dt.date
    review_on: dt.date
    status: str
    outcomes: tuple[str, ...]
    child_name: str = ""
    #: the last review's date (for a closed plan: when it closed)
    last_reviewed_on: dt.date | None = None

    @property
    def closed(self) -> bool:
        return self.status == PlanStatus.CLOSED.value


def _days(n: int) -> str:
    return "1 day" if n == 1 else f"{n} days"


def status_words(status: str, review_on: dt.date, today: dt.date) -> str:
    """Where a plan stands, in words: "Review overdue by 5 days", "Review due today",
    "Review due in 3 days", "Closed"."""
    if status == PlanStatus.CLOSED.value:
        return "Closed"
    days = (review_on - today).days
    if days < 0:
        return f"Review overdue by {_days(-days)}"
    if days == 0:
        return "Review due today"
    return f"Review due in {_days(days)}"


__all__ = [
    "Evidence",
    "OutcomeEnd",
    "OutcomeInput",
    "OutcomeReviewInput",
    "OutcomeReviewView",
    "OutcomeView",
    "PlanInput",
    "PlanRow",
    "PlanView",
    "Profile",
    "ReviewInput",
    "ReviewView",
    "SpecialistView",
    "status_words",
]
