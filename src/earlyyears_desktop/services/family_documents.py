"""What goes into the documents a family keeps: the record of a home visit (with a week's
activity chart) and the family's copy of a support plan (with the one-page profile).

These are the family's own records (`domain/record_types.py`, `_FAMILYS_OWN`): they are read
whatever the consent for personalised session handouts says. Each read is one transaction and
returns plain frozen data, so the layout (handouts/) never touches the database. Names and
notes are personal data: they are kept out of each dataclass's repr, so out of logs.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from earlyyears_desktop.domain.enums import (
    AccessibleFormat,
    AreaOfNeed,
    OutcomeProgress,
    ProgressRating,
    TargetStatus,
    VisitStatus,
)
from earlyyears_desktop.domain.errors import DomainError, NotFound
from earlyyears_desktop.domain.models import (
    Carer,
    Child,
    HomeVisit,
    OutcomeReview,
    PlanOutcome,
    PlanReview,
    PlanSpecialist,
    Practitioner,
    SupportPlan,
    Synced,
    TargetStep,
    TeachingTarget,
    VisitStrategy,
    VisitTargetProgress,
)
from earlyyears_desktop.services.children import display_name
from earlyyears_desktop.services.unit_of_work import INCLUDE_DELETED, UnitOfWork

#: the record types these documents print: each is printed for the family without the
#: handouts consent (tests/handouts/test_family_documents.py checks the registry says so)
PRINTED: tuple[type[Synced], ...] = (
    HomeVisit,
    VisitStrategy,
    VisitTargetProgress,
    TeachingTarget,
    TargetStep,
    SupportPlan,
    PlanOutcome,
    PlanSpecialist,
    PlanReview,
    OutcomeReview,
)

R = TypeVar("R", bound=Synced)

#: how each Portage rating reads to a family
RATING_WORDS = {
    ProgressRating.EMERGING: "Emerging: just starting, with lots of help",
    ProgressRating.DEVELOPING: "Developing: doing it some of the time, with a little help",
    ProgressRating.ACHIEVED: "Achieved: doing it on their own",
}


class VisitNotFinished(DomainError):
    """The visit is still being written: its record is made once it is finished."""


@dataclass(frozen=True)
class Family:
    """The child the document is about and the main carer it is for."""

    child_id: str
    first_name: str = field(repr=False)
    full_name: str = field(repr=False)
    carer_name: str = field(repr=False)
    #: the main carer's accessible format (`AccessibleFormat` value)
    accessible_format: str
    preferred_language: str = field(repr=False)
    interpreter_needed: bool


@dataclass(frozen=True)
class RatedStep:
    """A target worked on at the visit: the step and how it went, in plain words."""

    skill_area: str = field(repr=False)
    target: str = field(repr=False)
    step: str = field(repr=False)
    rating: ProgressRating
    note: str = field(repr=False)

    @property
    def rating_words(self) -> str:
        return RATING_WORDS[self.rating]


@dataclass(frozen=True)
class SharedStrategy:
    title: str = field(repr=False)
    try_at_home: str = field(repr=False)


@dataclass(frozen=True)
class ChartStep:
    """One row of the activity chart: an active target's current step."""

    skill_area: str = field(repr=False)
    target: str = field(repr=False)
    step: str = field(repr=False)


@dataclass(frozen=True)
class VisitRecord:
    visit_id: str
    team_name: str = field(repr=False)
    family: Family
    visited_on: dt.date
    carers_present: str = field(repr=False)
    siblings_present: str = field(repr=False)
    others_present: str = field(repr=False)
    activities: str = field(repr=False)
    how_it_went: str = field(repr=False)
    rated: tuple[RatedStep, ...]
    family_will_practise: str = field(repr=False)
    strategies: tuple[SharedStrategy, ...]
    next_visit_on: dt.date | None
    worker_name: str = field(repr=False)
    #: the current steps of the child's active targets, for the week's activity chart
    chart: tuple[ChartStep, ...]


@dataclass(frozen=True)
class OutcomeCopy:
    outcome: str = field(repr=False)
    area: str
    support: str = field(repr=False)
    expected_impact: str = field(repr=False)
    responsible: str = field(repr=False)


@dataclass(frozen=True)
class SpecialistCopy:
    name: str = field(repr=False)
    role: str = field(repr=False)
    agency: str = field(repr=False)
    parents_agreed_on: dt.date


@dataclass(frozen=True)
class OutcomeProgressCopy:
    outcome: str = field(repr=False)
    progress: OutcomeProgress
    note: str = field(repr=False)


@dataclass(frozen=True)
class ReviewCopy:
    reviewed_on: dt.date
    progress: str = field(repr=False)
    outcomes: tuple[OutcomeProgressCopy, ...]
    changes_agreed: str = field(repr=False)
    next_review_on: dt.date | None


@dataclass(frozen=True)
class PlanCopy:
    plan_id: str
    team_name: str = field(repr=False)
    family: Family
    title: str = field(repr=False)
    started_on: dt.date
    #: the next review (None once the plan has ended)
    next_review_on: dt.date | None
    assessment_summary: str = field(repr=False)
    key_person: str = field(repr=False)
    interventions: str = field(repr=False)
    outcomes: tuple[OutcomeCopy, ...]
    specialists: tuple[SpecialistCopy, ...]
    #: oldest first
    reviews: tuple[ReviewCopy, ...]
    written_by: str = field(repr=False)
    profile_admire: str = field(repr=False)
    profile_important: str = field(repr=False)
    profile_support: str = field(repr=False)


class FamilyDocuments:
    """Reads what a family's own documents hold."""

    def __init__(self, uow: UnitOfWork, team_name: str = "") -> None:
        self.uow = uow
        self.team_name = team_name

    def visit_record(self, visit_id: str) -> VisitRecord:
        """The finished visit, its rated steps and strategies, and the chart's steps now."""
        with self.uow.read() as db:
            visit = _live(
                db,
                HomeVisit,
                visit_id,
                "There is no home visit with that id in these records "
                "(`earlyyears list DIR visits` lists them).",
            )
            if visit.status != VisitStatus.FINISHED.value:
                raise VisitNotFinished(
                    "This visit is still being written: finish it, then make the family's copy."
                )
            family = read_family(db, visit.child_id)
            rated = [
                RatedStep(target.skill_area, target.target, step_text or "", rating, note)
                for target, step_text, rating, note in _ratings(db, visit.id)
            ]
            strategies = tuple(
                SharedStrategy(s.title, s.try_at_home)
                for s in db.scalars(
                    select(VisitStrategy)
                    .where(VisitStrategy.home_visit_id == visit.id)
                    .order_by(VisitStrategy.created_at, VisitStrategy.id)
                )
            )
            return VisitRecord(
                visit_id=visit.id,
                team_name=self.team_name,
                family=family,
                visited_on=visit.visited_on,
                carers_present=visit.carers_present,
                siblings_present=visit.siblings_present,
                others_present=visit.others_present,
                activities=visit.activities,
                how_it_went=visit.how_it_went,
                rated=tuple(rated),
                family_will_practise=visit.family_will_practise,
                strategies=strategies,
                next_visit_on=visit.next_visit_on,
                worker_name=_practitioner(db, visit.practitioner_id),
                chart=_chart(db, visit.child_id),
            )

    def plan_copy(self, plan_id: str) -> PlanCopy:
        """The plan in force, its live outcomes, specialists and reviews (oldest first)."""
        with self.uow.read() as db:
            plan = _live(
                db,
                SupportPlan,
                plan_id,
                "There is no support plan with that id in these records "
                "(`earlyyears list DIR plans` lists them).",
            )
            outcomes = list(
                db.scalars(
                    select(PlanOutcome)
                    .where(PlanOutcome.plan_id == plan.id)
                    .order_by(PlanOutcome.position, PlanOutcome.id)
                )
            )
            names = {o.id: o.outcome for o in outcomes}
            reviews = list(
                db.scalars(
                    select(PlanReview)
                    .where(PlanReview.plan_id == plan.id)
                    .order_by(PlanReview.reviewed_on, PlanReview.created_at)
                )
            )
            progress: dict[str, list[OutcomeProgressCopy]] = {}
            order = {o.id: n for n, o in enumerate(outcomes)}
            for row in sorted(
                db.scalars(
                    select(OutcomeReview).where(
                        OutcomeReview.review_id.in_([r.id for r in reviews])
                    )
                ),
                key=lambda r: order.get(r.outcome_id, len(order)),
            ):
                if row.outcome_id in names:
                    progress.setdefault(row.review_id, []).append(
                        OutcomeProgressCopy(
                            names[row.outcome_id], OutcomeProgress(row.progress), row.note
                        )
                    )
            specialists = tuple(
                SpecialistCopy(s.name, s.role, s.agency, s.parents_agreed_on)
                for s in db.scalars(
                    select(PlanSpecialist)
                    .where(PlanSpecialist.plan_id == plan.id)
                    .order_by(PlanSpecialist.parents_agreed_on, PlanSpecialist.name)
                )
            )
            return PlanCopy(
                plan_id=plan.id,
                team_name=self.team_name,
                family=read_family(db, plan.child_id),
                title=plan.title,
                started_on=plan.started_on,
                next_review_on=plan.review_on if plan.status == "active" else None,
                assessment_summary=plan.assessment_summary,
                key_person=plan.key_person,
                interventions=plan.interventions,
                outcomes=tuple(
                    OutcomeCopy(
                        o.outcome,
                        AreaOfNeed(o.area_of_need).label if o.area_of_need else "",
                        o.support,
                        o.expected_impact,
                        o.responsible,
                    )
                    for o in outcomes
                    if o.ended_on is None
                ),
                specialists=specialists,
                reviews=tuple(
                    ReviewCopy(
                        r.reviewed_on,
                        r.progress,
                        tuple(progress.get(r.id, ())),
                        r.changes_agreed,
                        r.next_review_on,
                    )
                    for r in reviews
                ),
                written_by=_practitioner(db, plan.author_id),
                profile_admire=plan.profile_admire,
                profile_important=plan.profile_important,
                profile_support=plan.profile_support,
            )


def _live(db: Session, model: type[R], record_id: str, message: str) -> R:
    record = db.get(model, record_id)
    if record is None or record.deleted_at is not None:
        raise NotFound(message)
    return record


def read_family(db: Session, child_id: str) -> Family:
    """The child and the main carer a document is for (the carer's format), in `db`."""
    child = _live(db, Child, child_id, "That child is no longer in these records.")
    carer = db.scalars(
        select(Carer)
        .where(Carer.child_id == child_id)
        .order_by(Carer.is_main_contact.desc(), Carer.created_at)
        .limit(1)
    ).first()
    first = child.preferred_name or child.legal_given_names.split(" ")[0]
    return Family(
        child_id=child.id,
        first_name=first,
        full_name=display_name(
            child.preferred_name, child.legal_given_names, child.legal_family_name
        ),
        carer_name=carer.name if carer else "",
        accessible_format=carer.accessible_format if carer else AccessibleFormat.STANDARD.value,
        preferred_language=carer.preferred_language if carer else "",
        interpreter_needed=bool(carer and carer.interpreter_needed),
    )


def _ratings(
    db: Session, visit_id: str
) -> list[tuple[TeachingTarget, str | None, ProgressRating, str]]:
    rows = db.execute(
        select(
            TeachingTarget, TargetStep.text, VisitTargetProgress.rating, VisitTargetProgress.note
        )
        .join(TeachingTarget, TeachingTarget.id == VisitTargetProgress.target_id)
        .outerjoin(TargetStep, TargetStep.id == VisitTargetProgress.step_id)
        .where(VisitTargetProgress.home_visit_id == visit_id)
        .order_by(TeachingTarget.set_on, TeachingTarget.created_at, TeachingTarget.id)
    ).all()
    return [(target, step, ProgressRating(rating), note) for target, step, rating, note in rows]


def _chart(db: Session, child_id: str) -> tuple[ChartStep, ...]:
    targets = list(
        db.scalars(
            select(TeachingTarget)
            .where(
                TeachingTarget.child_id == child_id,
                TeachingTarget.status == TargetStatus.ACTIVE.value,
            )
            .order_by(TeachingTarget.set_on, TeachingTarget.created_at, TeachingTarget.id)
        )
    )
    current: dict[str, str] = {}
    for step in db.scalars(
        select(TargetStep)
        .where(
            TargetStep.target_id.in_([t.id for t in targets]),
            TargetStep.achieved_on.is_(None),
        )
        .order_by(TargetStep.position, TargetStep.id)
    ):
        current.setdefault(step.target_id, step.text)
    return tuple(
        ChartStep(t.skill_area, t.target, current[t.id]) for t in targets if t.id in current
    )


def _practitioner(db: Session, practitioner_id: str | None) -> str:
    if not practitioner_id:
        return ""
    found = db.get(Practitioner, practitioner_id, execution_options=INCLUDE_DELETED)
    return found.name if found else ""


__all__ = [
    "PRINTED",
    "RATING_WORDS",
    "ChartStep",
    "Family",
    "FamilyDocuments",
    "OutcomeCopy",
    "OutcomeProgressCopy",
    "PlanCopy",
    "RatedStep",
    "ReviewCopy",
    "SharedStrategy",
    "SpecialistCopy",
    "VisitNotFinished",
    "VisitRecord",
    "read_family",
]
