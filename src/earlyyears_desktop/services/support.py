"""Support plans (assess, plan, do, review) with their reviews, and the home visits due.

A plan holds the assessment, the outcomes sought with the support for each, its expected
impact and who is responsible, the key person who works with the child day to day and a
clear date for review; the record that the parents were told SEN support has started; the
specialists involved, each only with the parents' agreement; the one-page profile. Reviews
repeat, each judging progress against every outcome with the observations linked to it as
evidence; an outcome is ended, never deleted, so the plan's history is kept. The inputs and
views are in `support_views.py`, the whole-plan read in `support_reads.py`, reviews in
`support_reviews.py`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from sqlalchemy import exists, select
from sqlalchemy.orm import Session, aliased

from earlyyears_desktop.domain.enums import AreaOfNeed, PlanStatus
from earlyyears_desktop.domain.errors import ValidationError
from earlyyears_desktop.domain.models import (
    Child,
    HomeVisit,
    PlanOutcome,
    PlanReview,
    PlanSpecialist,
    SupportPlan,
)
from earlyyears_desktop.domain.rules import limited_text, optional_text, required_name
from earlyyears_desktop.services.clock import Clock
from earlyyears_desktop.services.support_reads import plan_rows, read_plan
from earlyyears_desktop.services.support_reviews import ReviewWrites
from earlyyears_desktop.services.support_views import (
    OutcomeEnd,
    OutcomeInput,
    PlanInput,
    PlanRow,
    PlanView,
    Profile,
)
from earlyyears_desktop.services.unit_of_work import Saved, UnitOfWork, get_live, mark_deleted

#: which plans the Plans & reviews page lists
PlanShow = Literal["all", "due", "closed"]
#: "due" lists the active plans whose review falls within this many days (or is overdue)
DUE_WITHIN_DAYS = 28


@dataclass(frozen=True)
class VisitDueRow:
    """A home visit planned for a day: the next visit agreed at the last one."""

    child_id: str
    last_visit_id: str
    last_visited_on: dt.date
    next_visit_on: dt.date
    practitioner_id: str | None


def _area(value: str, field: str) -> str:
    if value and value not in {a.value for a in AreaOfNeed}:
        raise ValidationError(field, "Please choose an area of need from the list.")
    return value


def _fill_outcome(record: PlanOutcome, n: int, given: OutcomeInput) -> None:
    record.outcome = required_name(f"outcome_{n}", given.outcome, "outcome sought")
    record.area_of_need = _area(given.area_of_need, f"outcome_{n}")
    record.support = optional_text(given.support)
    record.expected_impact = optional_text(given.expected_impact)
    record.responsible = limited_text("responsible", given.responsible, 300, "who is responsible")


def _check_dates(child: Child, started_on: dt.date, review_on: dt.date) -> None:
    if started_on < child.date_of_birth:
        raise ValidationError("started_on", "The plan cannot start before the child was born.")
    if review_on <= started_on:
        raise ValidationError("review_on", "The review date must be after the plan starts.")


class SupportService(ReviewWrites):
    def __init__(self, uow: UnitOfWork, clock: Clock | None = None) -> None:
        self.uow = uow
        self.clock = clock or Clock()

    def today(self) -> dt.date:
        return self.clock.today()

    # ---- plan: the assessment, the outcomes and their support, the review date ----

    def add_plan(self, plan: PlanInput) -> Saved[str]:
        if not [o for o in plan.outcomes if optional_text(o.outcome)]:
            raise ValidationError("outcomes", "A support plan needs at least one outcome.")
        record = SupportPlan(child_id=plan.child_id, author_id=self.uow.actor.practitioner_id)
        _fill_plan(record, plan)
        with self.uow.write() as tx:
            child = get_live(tx.session, Child, plan.child_id)
            _check_dates(child, plan.started_on, plan.review_on)
            tx.session.add(record)
            tx.session.flush()
            for n, given in enumerate(plan.outcomes):
                if not optional_text(given.outcome):
                    continue  # a row left blank
                outcome = PlanOutcome(plan_id=record.id, position=n)
                _fill_outcome(outcome, n, given)
                tx.session.add(outcome)
        return Saved(tx.changes, record.id)

    def edit_plan(
        self,
        plan_id: str,
        plan: PlanInput,
        *,
        ended: Sequence[OutcomeEnd] = (),
        on: dt.date | None = None,
    ) -> Saved[None]:
        """Change the plan's own fields and its outcomes, on `on` (today unless given).

        An outcome of `plan.outcomes` with an id rewords that outcome; one without an id is
        added on `on`; an outcome in `ended` ends on `on` with its reason. An outcome left out
        stays as it is: outcomes are ended, never deleted, so the plan's history is kept.
        """
        day = on or self.today()
        if day > self.today():
            raise ValidationError("on", "The date of these changes is in the future.")
        with self.uow.write() as tx:
            record = get_live(tx.session, SupportPlan, plan_id)
            child = get_live(tx.session, Child, record.child_id)
            _check_dates(child, plan.started_on, plan.review_on)
            reviewed = tx.session.scalars(
                select(PlanReview.reviewed_on)
                .where(PlanReview.plan_id == plan_id)
                .order_by(PlanReview.reviewed_on)
            ).all()
            if reviewed and plan.started_on > reviewed[0]:
                raise ValidationError("started_on", "The plan cannot start after its first review.")
            if reviewed and plan.review_on <= reviewed[-1]:
                raise ValidationError(
                    "review_on", "The next review must be after the last review of the plan."
                )
            _fill_plan(record, plan)
            outcomes = {
                o.id: o
                for o in tx.session.scalars(
                    select(PlanOutcome).where(PlanOutcome.plan_id == plan_id)
                )
            }
            next_position = max((o.position for o in outcomes.values()), default=-1) + 1
            for n, given in enumerate(plan.outcomes):
                if given.id is None:
                    if not optional_text(given.outcome):
                        continue  # a new row left blank
                    if day < record.started_on:
                        raise ValidationError(
                            "on", "An outcome cannot be added before the plan starts."
                        )
                    new = PlanOutcome(plan_id=plan_id, position=next_position, added_on=day)
                    next_position += 1
                    _fill_outcome(new, n, given)
                    tx.session.add(new)
                    continue
                existing = outcomes.get(given.id)
                if existing is None:
                    raise ValidationError(f"outcome_{n}", "That outcome is not in this plan.")
                _fill_outcome(existing, n, given)
            for end in ended:
                _end_outcome(outcomes, end, day, record.started_on)
            _keep_one_outcome(tx.session, plan_id)
        return Saved(tx.changes, None)

    # ---- the parents told; specialists with the parents' agreement; the profile ----

    def parents_told(self, plan_id: str, on: dt.date, how: str) -> Saved[None]:
        """Record that the parents were told SEN support has started: when, and how (in
        person, by phone, by letter...)."""
        how = required_name("how", how, "way the parents were told")
        if on > self.today():
            raise ValidationError("on", "The date the parents were told is in the future.")
        with self.uow.write() as tx:
            plan = get_live(tx.session, SupportPlan, plan_id)
            plan.parents_told_on = on
            plan.parents_told_how = how
        return Saved(tx.changes, None)

    def add_specialist(
        self,
        plan_id: str,
        name: str,
        role: str,
        agency: str,
        parents_agreed_on: dt.date | None,
        parents_agreed_by: str = "",
    ) -> Saved[str]:
        """A specialist involved in the plan, only with the parents' agreement (its date)."""
        if parents_agreed_on is None:
            raise ValidationError(
                "parents_agreed_on",
                "A specialist is involved only with the parents' agreement: please give the "
                "date they agreed.",
            )
        if parents_agreed_on > self.today():
            raise ValidationError(
                "parents_agreed_on", "The date the parents agreed is in the future."
            )
        record = PlanSpecialist(
            plan_id=plan_id,
            name=required_name("name", name, "specialist's name"),
            role=limited_text("role", role, 120, "role"),
            agency=limited_text("agency", agency, 200, "agency"),
            parents_agreed_on=parents_agreed_on,
            parents_agreed_by=limited_text(
                "parents_agreed_by", parents_agreed_by, 200, "name of who agreed"
            ),
        )
        with self.uow.write() as tx:
            get_live(tx.session, SupportPlan, plan_id)
            tx.session.add(record)
        return Saved(tx.changes, record.id)

    def remove_specialist(self, specialist_id: str) -> Saved[None]:
        with self.uow.write() as tx:
            get_live(tx.session, PlanSpecialist, specialist_id)
            mark_deleted(tx.session, PlanSpecialist, specialist_id)
        return Saved(tx.changes, None)

    def save_profile(self, plan_id: str, profile: Profile) -> Saved[None]:
        """The one-page profile: what people like and admire about the child, what is
        important to them, how best to support them."""
        with self.uow.write() as tx:
            plan = get_live(tx.session, SupportPlan, plan_id)
            plan.profile_admire = optional_text(profile.admire)
            plan.profile_important = optional_text(profile.important)
            plan.profile_support = optional_text(profile.support)
        return Saved(tx.changes, None)

    # ---- reading ----

    def plan(self, plan_id: str) -> PlanView:
        """The plan whole: outcomes, specialists, profile, and its reviews oldest first."""
        with self.uow.read() as session:
            return read_plan(session, plan_id)

    def plan_of_review(self, review_id: str) -> str:
        """The id of the plan a review belongs to (the timeline opens a review's plan)."""
        with self.uow.read() as session:
            return get_live(session, PlanReview, review_id).plan_id

    def plans(self, show: PlanShow = "all", *, due_within: int = DUE_WITHIN_DAYS) -> list[PlanRow]:
        """Plans for the Plans & reviews page: "all" (the active ones, the soonest review
        first, then the closed ones, the last closed first), "due" (active plans whose review
        is overdue or within `due_within` days) or "closed"."""
        active = (
            select(SupportPlan)
            .where(SupportPlan.status == PlanStatus.ACTIVE.value)
            .order_by(SupportPlan.review_on, SupportPlan.id)
        )
        closed = (
            select(SupportPlan)
            .where(SupportPlan.status == PlanStatus.CLOSED.value)
            .order_by(SupportPlan.review_on.desc(), SupportPlan.id)
        )
        with self.uow.read() as session:
            if show == "due":
                by = self.today() + dt.timedelta(days=due_within)
                return plan_rows(session, active.where(SupportPlan.review_on <= by))
            if show == "closed":
                return _closed_last_first(plan_rows(session, closed))
            return plan_rows(session, active) + _closed_last_first(plan_rows(session, closed))

    def for_child(self, child_id: str) -> list[PlanRow]:
        """The child's plans: active ones first (the soonest review first), then closed."""
        with self.uow.read() as session:
            rows = plan_rows(
                session,
                select(SupportPlan)
                .where(SupportPlan.child_id == child_id)
                .order_by(SupportPlan.review_on, SupportPlan.id),
            )
        active = [r for r in rows if not r.closed]
        return active + _closed_last_first([r for r in rows if r.closed])

    def plans_due(self, by: dt.date) -> list[PlanRow]:
        """Active plans whose review date is on or before `by` (overdue first): Today."""
        with self.uow.read() as session:
            return plan_rows(
                session,
                select(SupportPlan)
                .where(
                    SupportPlan.status == PlanStatus.ACTIVE.value,
                    SupportPlan.review_on <= by,
                )
                .order_by(SupportPlan.review_on, SupportPlan.id),
            )

    # ---- home visits ----

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


def _closed_last_first(rows: list[PlanRow]) -> list[PlanRow]:
    return sorted(rows, key=lambda r: r.last_reviewed_on or r.review_on, reverse=True)


def _fill_plan(record: SupportPlan, plan: PlanInput) -> None:
    record.title = required_name("title", plan.title, "plan's title")
    record.started_on = plan.started_on
    record.review_on = plan.review_on
    record.assessment_summary = optional_text(plan.assessment_summary)
    record.key_person = limited_text("key_person", plan.key_person, 200, "key person")
    record.interventions = optional_text(plan.interventions)


def _end_outcome(
    outcomes: dict[str, PlanOutcome], end: OutcomeEnd, day: dt.date, started_on: dt.date
) -> None:
    outcome = outcomes.get(end.outcome_id)
    if outcome is None:
        raise ValidationError("ended", "That outcome is not in this plan.")
    if outcome.ended_on is not None:
        raise ValidationError("ended", "That outcome has already ended.")
    if day < (outcome.added_on or started_on):
        raise ValidationError("on", "An outcome cannot end before it was added.")
    outcome.end_reason = required_name("end_reason", end.reason, "reason the outcome ends")
    outcome.ended_on = day


def _keep_one_outcome(session: Session, plan_id: str) -> None:
    session.flush()
    current = session.scalar(
        select(PlanOutcome.id)
        .where(PlanOutcome.plan_id == plan_id, PlanOutcome.ended_on.is_(None))
        .limit(1)
    )
    if current is None:
        raise ValidationError(
            "outcomes", "A support plan needs at least one outcome: add one before ending the last."
        )
