"""Portage home visits: who was there, what we did, each target's step rated, what the family
will practise, the next visit's date."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from earlyyears_desktop.domain.enums import ProgressRating, TargetStatus, VisitStatus
from earlyyears_desktop.domain.errors import ValidationError
from earlyyears_desktop.domain.models import (
    Child,
    HomeVisit,
    TargetStep,
    TeachingTarget,
    VisitTargetProgress,
)
from earlyyears_desktop.domain.rules import optional_text
from earlyyears_desktop.services.clock import Clock
from earlyyears_desktop.services.unit_of_work import Saved, UnitOfWork, get_live


@dataclass(frozen=True)
class StepRating:
    """How a target's current step went at a visit."""

    target_id: str
    rating: ProgressRating
    note: str = ""


def check_visit_dates(
    child: Child, visited_on: dt.date, next_visit_on: dt.date | None, today: dt.date
) -> None:
    if visited_on > today:
        raise ValidationError("visited_on", "The visit date is in the future.")
    if visited_on < child.date_of_birth:
        raise ValidationError("visited_on", "The visit date is before the child was born.")
    if next_visit_on is not None and next_visit_on <= visited_on:
        raise ValidationError("next_visit_on", "The next visit must be after this one.")


def current_step_id(session: Session, target_id: str) -> str | None:
    """The target's first step not yet achieved."""
    return session.scalars(
        select(TargetStep.id)
        .where(TargetStep.target_id == target_id, TargetStep.achieved_on.is_(None))
        .order_by(TargetStep.position, TargetStep.id)
        .limit(1)
    ).first()


class HomeVisitService:
    def __init__(self, uow: UnitOfWork, clock: Clock | None = None) -> None:
        self.uow = uow
        self.clock = clock or Clock()

    def record(
        self,
        child_id: str,
        visited_on: dt.date,
        *,
        carers_present: str,
        activities: str,
        family_will_practise: str,
        next_visit_on: dt.date | None = None,
        how_it_went: str = "",
        notes: str = "",
        ratings: Sequence[StepRating] = (),
    ) -> Saved[str]:
        """A whole visit written in one go, finished (each rating is of the target's current
        step)."""
        visit = HomeVisit(
            child_id=child_id,
            practitioner_id=self.uow.actor.practitioner_id,
            visited_on=visited_on,
            carers_present=optional_text(carers_present),
            activities=optional_text(activities),
            family_will_practise=optional_text(family_will_practise),
            how_it_went=optional_text(how_it_went),
            next_visit_on=next_visit_on,
            notes=optional_text(notes),
            status=VisitStatus.FINISHED.value,
            finished_at=self.clock.now(),
        )
        with self.uow.write() as tx:
            child = get_live(tx.session, Child, child_id)
            check_visit_dates(child, visited_on, next_visit_on, self.clock.today())
            tx.session.add(visit)
            tx.session.flush()
            for rating in ratings:
                target = get_live(tx.session, TeachingTarget, rating.target_id)
                if target.child_id != child_id:
                    raise ValidationError("target", "That target belongs to another child.")
                if target.status != TargetStatus.ACTIVE:
                    raise ValidationError(
                        "target", "That target is finished or stopped: its steps are not rated."
                    )
                tx.session.add(
                    VisitTargetProgress(
                        home_visit_id=visit.id,
                        target_id=target.id,
                        step_id=current_step_id(tx.session, target.id),
                        rating=ProgressRating(rating.rating).value,
                        note=optional_text(rating.note),
                    )
                )
        return Saved(tx.changes, visit.id)
