"""Reviewing a support plan: progress against each outcome with the observations linked to it
as evidence, the parents' and the child's views, the changes agreed and the next review.

Reviews repeat: each sets the plan's next review date, and a review with no next date closes
the plan. Part of `SupportService` (services/support.py).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from earlyyears_desktop.domain.enums import OutcomeProgress, PlanStatus
from earlyyears_desktop.domain.errors import DomainError, ValidationError
from earlyyears_desktop.domain.models import (
    OutcomeReview,
    PlanOutcome,
    PlanReview,
    SupportPlan,
)
from earlyyears_desktop.domain.rules import optional_text
from earlyyears_desktop.services.clock import Clock
from earlyyears_desktop.services.support_reads import as_evidence, evidence_query, read_plan
from earlyyears_desktop.services.support_views import Evidence, ReviewInput
from earlyyears_desktop.services.unit_of_work import Saved, UnitOfWork, get_live


def _short(day: dt.date) -> str:
    return day.strftime("%-d %b %Y")


class ReviewWrites:
    """The review half of `SupportService`."""

    uow: UnitOfWork
    clock: Clock

    def review_plan(self, plan_id: str, review: ReviewInput) -> Saved[str]:
        """A review of the plan on `review.reviewed_on`: every current outcome rated."""
        on, following = review.reviewed_on, review.next_review_on
        if on > self.clock.today():
            raise ValidationError("reviewed_on", "The review date is in the future.")
        if following is not None and following <= on:
            raise ValidationError("next_review_on", "The next review must be after this one.")
        with self.uow.write() as tx:
            plan = get_live(tx.session, SupportPlan, plan_id)
            if plan.status == PlanStatus.CLOSED.value:
                raise DomainError(
                    "This plan was closed at its last review: start a new plan to carry on."
                )
            if on < plan.started_on:
                raise ValidationError(
                    "reviewed_on",
                    f"A review cannot be before the plan started ({_short(plan.started_on)}).",
                )
            last = tx.session.scalar(
                select(PlanReview.reviewed_on)
                .where(PlanReview.plan_id == plan_id)
                .order_by(PlanReview.reviewed_on.desc())
                .limit(1)
            )
            if last is not None and on <= last:
                raise ValidationError(
                    "reviewed_on",
                    f"This plan was last reviewed on {_short(last)}: a new review comes after it.",
                )
            current = {
                o.id
                for o in tx.session.scalars(
                    select(PlanOutcome).where(
                        PlanOutcome.plan_id == plan_id, PlanOutcome.ended_on.is_(None)
                    )
                )
            }
            rated: dict[str, tuple[OutcomeProgress, str]] = {}
            for given in review.outcomes:
                if given.outcome_id not in current or given.outcome_id in rated:
                    raise ValidationError(
                        "outcomes", "Each current outcome of this plan is rated once."
                    )
                rated[given.outcome_id] = (OutcomeProgress(given.progress), given.note)
            missing = sorted(current - set(rated))
            if missing:
                raise ValidationError(
                    f"progress_{missing[0]}", "Please say what progress there has been."
                )
            record = PlanReview(
                plan_id=plan_id,
                reviewed_on=on,
                progress=optional_text(review.progress),
                parent_views=optional_text(review.parent_views),
                child_views=optional_text(review.child_views),
                child_views_how=optional_text(review.child_views_how),
                changes_agreed=optional_text(review.changes_agreed),
                next_review_on=following,
                reviewer_id=self.uow.actor.practitioner_id,
            )
            tx.session.add(record)
            tx.session.flush()
            for outcome_id, (progress, note) in rated.items():
                tx.session.add(
                    OutcomeReview(
                        review_id=record.id,
                        outcome_id=outcome_id,
                        progress=progress.value,
                        note=optional_text(note),
                    )
                )
            if following is not None:
                plan.review_on = following
            else:
                plan.status = PlanStatus.CLOSED.value
        return Saved(tx.changes, record.id)

    def evidence(self, outcome_id: str, since: dt.date, until: dt.date) -> list[Evidence]:
        """The observations linked to the outcome from `since` to `until` (both included),
        oldest first: the evidence a review weighs."""
        with self.uow.read() as session:
            return [
                as_evidence(o) for o in session.scalars(evidence_query([outcome_id], since, until))
            ]

    def evidence_for_review(self, plan_id: str, until: dt.date) -> dict[str, tuple[Evidence, ...]]:
        """For a review on `until`: each current outcome's evidence since the last review (or
        the plan's start)."""
        with self.uow.read() as session:
            plan = read_plan(session, plan_id)
            found: dict[str, list[Evidence]] = {o.id: [] for o in plan.current_outcomes}
            for o in session.scalars(evidence_query(list(found), plan.reviewed_since, until)):
                if o.outcome_id is not None:
                    found[o.outcome_id].append(as_evidence(o))
        return {k: tuple(v) for k, v in found.items()}
