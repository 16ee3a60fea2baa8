"""Support plans (assess, plan, do, review) with their reviews, and the home visits due."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import exists, select
from sqlalchemy.orm import aliased

from earlyyears_desktop.domain.errors import ValidationError
from earlyyears_desktop.domain.models import (
    Child,
    HomeVisit,
    PlanOutcome,
    PlanReview,
    SupportPlan,
)
from earlyyears_desktop.domain.rules import optional_text, required_name
from earlyyears_desktop.services.clock import Clock
from earlyyears_desktop.services.unit_of_work import Saved, UnitOfWork, get_live


@dataclass(frozen=True)
class PlanRow:
    id: str
    child_id: str
    title: str
    started_on: dt.date
    review_on: dt.date
    status: str
    outcomes: tuple[str, ...]


@dataclass(frozen=True)
class VisitDueRow:
    """A home visit planned for a day: the next visit agreed at the last one."""

    child_id: str
    last_visit_id: str
    last_visited_on: dt.date
    next_visit_on: dt.date
    practitioner_id: str | None


class SupportService:
    def __init__(self, uow: UnitOfWork, clock: Clock | None = None) -> None:
        self.uow = uow
        self.clock = clock or Clock()

    def today(self) -> dt.date:
        return self.clock.today()

    # ---- support plans (assess, plan, do, review) ----

    def add_plan(
        self,
        child_id: str,
        *,
        started_on: dt.date,
        review_on: dt.date,
        outcomes: Sequence[tuple[str, str]],
        interventions: str,
        expected_impact: str,
        title: str = "Support plan",
    ) -> Saved[str]:
        if review_on <= started_on:
            raise ValidationError("review_on", "The review date must be after the plan starts.")
        if not outcomes:
            raise ValidationError("outcomes", "A support plan needs at least one outcome.")
        plan = SupportPlan(
            child_id=child_id,
            title=required_name("title", title, "plan's title"),
            started_on=started_on,
            review_on=review_on,
            interventions=optional_text(interventions),
            expected_impact=optional_text(expected_impact),
            author_id=self.uow.actor.practitioner_id,
        )
        with self.uow.write() as tx:
            get_live(tx.session, Child, child_id)
            tx.session.add(plan)
            tx.session.flush()
            for position, (outcome, area) in enumerate(outcomes):
                tx.session.add(
                    PlanOutcome(
                        plan_id=plan.id,
                        outcome=required_name("outcome", outcome, "outcome"),
                        area_of_need=area,
                        position=position,
                    )
                )
        return Saved(tx.changes, plan.id)

    def review_plan(
        self,
        plan_id: str,
        *,
        reviewed_on: dt.date,
        progress: str,
        parent_views: str,
        child_views: str,
        changes_agreed: str,
        next_review_on: dt.date | None,
    ) -> Saved[str]:
        if reviewed_on > self.today():
            raise ValidationError("reviewed_on", "The review date is in the future.")
        if next_review_on is not None and next_review_on <= reviewed_on:
            raise ValidationError("next_review_on", "The next review must be after this one.")
        review = PlanReview(
            plan_id=plan_id,
            reviewed_on=reviewed_on,
            progress=optional_text(progress),
            parent_views=optional_text(parent_views),
            child_views=optional_text(child_views),
            changes_agreed=optional_text(changes_agreed),
            next_review_on=next_review_on,
            reviewer_id=self.uow.actor.practitioner_id,
        )
        with self.uow.write() as tx:
            plan = get_live(tx.session, SupportPlan, plan_id)
            tx.session.add(review)
            if next_review_on is not None:
                plan.review_on = next_review_on
            else:
                plan.status = "closed"
        return Saved(tx.changes, review.id)

    def plans_due(self, by: dt.date) -> list[PlanRow]:
        """Active plans whose review date is on or before `by` (overdue first)."""
        with self.uow.read() as session:
            plans = session.scalars(
                select(SupportPlan)
                .where(
                    SupportPlan.status == "active",
                    SupportPlan.review_on <= by,
                )
                .order_by(SupportPlan.review_on)
            ).all()
            outcomes: dict[str, list[str]] = {}
            for o in session.scalars(
                select(PlanOutcome)
                .where(PlanOutcome.plan_id.in_([p.id for p in plans]))
                .order_by(PlanOutcome.position)
            ):
                outcomes.setdefault(o.plan_id, []).append(o.outcome)
            return [
                PlanRow(
                    p.id,
                    p.child_id,
                    p.title,
                    p.started_on,
                    p.review_on,
                    p.status,
                    tuple(outcomes.get(p.id, [])),
                )
                for p in plans
            ]

    def visits_due(self, start: dt.date, end: dt.date) -> list[VisitDueRow]:
        """Next home visits agreed for a day from `start` to `end`, soonest first.

        Only each child's latest visit counts: a later visit replaces the plan made before it.
        """
        later = aliased(HomeVisit)
        with self.uow.read() as session:
            visits = session.scalars(
                select(HomeVisit)
                .where(
                    HomeVisit.next_visit_on.between(start, end),
                    ~exists().where(
                        later.child_id == HomeVisit.child_id,
                        later.visited_on > HomeVisit.visited_on,
                    ),
                )
                .order_by(HomeVisit.next_visit_on, HomeVisit.child_id)
            ).all()
            return [
                VisitDueRow(v.child_id, v.id, v.visited_on, v.next_visit_on, v.practitioner_id)
                for v in visits
                if v.next_visit_on is not None
            ]
