"""Reading support plans whole: a plan with its outcomes, specialists, reviews and the evidence
each review weighed (`read_plan`), and plans as rows of a list (`plan_rows`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from earlyyears_desktop.domain.enums import OutcomeProgress, PlanStatus
from earlyyears_desktop.domain.models import (
    Child,
    Observation,
    OutcomeReview,
    PlanOutcome,
    PlanReview,
    PlanSpecialist,
    Practitioner,
    SupportPlan,
)
from earlyyears_desktop.services.children import display_name
from earlyyears_desktop.services.support_views import (
    Evidence,
    OutcomeReviewView,
    OutcomeView,
    PlanRow,
    PlanView,
    Profile,
    ReviewView,
    SpecialistView,
)
from earlyyears_desktop.services.unit_of_work import get_live


def child_name(child: Child) -> str:
    return display_name(child.preferred_name, child.legal_given_names, child.legal_family_name)


def evidence_query(
    outcome_ids: Sequence[str], since: dt.date, until: dt.date
) -> Select[Observation]:
    """The observations linked to these outcomes from `since` to `until` (both days
    included), oldest first."""
    return (
        select(Observation)
        .where(
            Observation.outcome_id.in_(outcome_ids),
            Observation.observed_on.between(since, until),
        )
        .order_by(Observation.observed_on, Observation.observed_at, Observation.id)
    )


def as_evidence(observation: Observation) -> Evidence:
    return Evidence(observation.id, observation.observed_on, observation.text)


def outcome_view(o: PlanOutcome) -> OutcomeView:
    return OutcomeView(
        o.id,
        o.position,
        o.outcome,
        o.area_of_need,
        o.support,
        o.expected_impact,
        o.responsible,
        o.added_on,
        o.ended_on,
        o.end_reason,
    )


def read_plan(session: Session, plan_id: str) -> PlanView:
    plan = get_live(session, SupportPlan, plan_id)
    child = get_live(session, Child, plan.child_id)
    outcomes = session.scalars(
        select(PlanOutcome)
        .where(PlanOutcome.plan_id == plan_id)
        .order_by(PlanOutcome.position, PlanOutcome.id)
    ).all()
    texts = {o.id: o.outcome for o in outcomes}
    specialists = session.scalars(
        select(PlanSpecialist)
        .where(PlanSpecialist.plan_id == plan_id)
        .order_by(PlanSpecialist.parents_agreed_on, PlanSpecialist.name, PlanSpecialist.id)
    ).all()
    reviews = session.execute(
        select(PlanReview, Practitioner.name)
        .outerjoin(Practitioner, Practitioner.id == PlanReview.reviewer_id)
        .where(PlanReview.plan_id == plan_id)
        .order_by(PlanReview.reviewed_on, PlanReview.id)
    ).all()
    ratings: dict[str, list[OutcomeReview]] = {}
    for rating in session.scalars(
        select(OutcomeReview).where(OutcomeReview.review_id.in_([r.id for r, _ in reviews]))
    ):
        ratings.setdefault(rating.review_id, []).append(rating)
    observations = session.scalars(evidence_query(list(texts), dt.date.min, dt.date.max)).all()
    position = {o.id: n for n, o in enumerate(outcomes)}
    review_views: list[ReviewView] = []
    since = plan.started_on
    for review, reviewer in reviews:
        rated = sorted(ratings.get(review.id, []), key=lambda r: position.get(r.outcome_id, 0))
        review_views.append(
            ReviewView(
                review.id,
                review.reviewed_on,
                review.progress,
                review.parent_views,
                review.child_views,
                review.child_views_how,
                review.changes_agreed,
                review.next_review_on,
                reviewer or "",
                tuple(
                    OutcomeReviewView(
                        r.outcome_id,
                        texts.get(r.outcome_id, ""),
                        OutcomeProgress(r.progress),
                        r.note,
                        _between(observations, r.outcome_id, since, review.reviewed_on),
                    )
                    for r in rated
                ),
            )
        )
        since = review.reviewed_on + dt.timedelta(days=1)
    return PlanView(
        plan.id,
        plan.child_id,
        child_name(child),
        plan.title,
        plan.started_on,
        plan.review_on,
        PlanStatus(plan.status),
        plan.assessment_summary,
        plan.key_person,
        plan.interventions,
        plan.expected_impact,
        plan.parents_told_on,
        plan.parents_told_how,
        Profile(plan.profile_admire, plan.profile_important, plan.profile_support),
        tuple(outcome_view(o) for o in outcomes),
        tuple(
            SpecialistView(s.id, s.name, s.role, s.agency, s.parents_agreed_on, s.parents_agreed_by)
            for s in specialists
        ),
        tuple(review_views),
    )


def _between(
    observations: Iterable[Observation], outcome_id: str, since: dt.date, until: dt.date
) -> tuple[Evidence, ...]:
    return tuple(
        as_evidence(o)
        for o in observations
        if o.outcome_id == outcome_id and since <= o.observed_on <= until
    )


def plan_rows(session: Session, query: Select[SupportPlan]) -> list[PlanRow]:
    """The plans `query` selects, as rows with the child's name, the current outcomes and the
    last review's date, in the query's order."""
    plans = session.scalars(query).all()
    ids = [p.id for p in plans]
    outcomes: dict[str, list[str]] = {}
    for o in session.scalars(
        select(PlanOutcome)
        .where(PlanOutcome.plan_id.in_(ids), PlanOutcome.ended_on.is_(None))
        .order_by(PlanOutcome.position, PlanOutcome.id)
    ):
        outcomes.setdefault(o.plan_id, []).append(o.outcome)
    last: dict[str, dt.date] = {
        plan_id: day
        for plan_id, day in session.execute(
            select(PlanReview.plan_id, func.max(PlanReview.reviewed_on))
            .where(PlanReview.plan_id.in_(ids))
            .group_by(PlanReview.plan_id)
        )
    }
    names = {
        c.id: child_name(c)
        for c in session.scalars(select(Child).where(Child.id.in_({p.child_id for p in plans})))
    }
    return [
        PlanRow(
            p.id,
            p.child_id,
            p.title,
            p.started_on,
            p.review_on,
            p.status,
            tuple(outcomes.get(p.id, [])),
            names.get(p.child_id, ""),
            last.get(p.id),
        )
        for p in plans
        if p.child_id in names
    ]
