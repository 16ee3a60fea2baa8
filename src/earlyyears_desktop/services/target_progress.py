"""How a teaching target has gone over the visits: each visit's rating of the step worked on,
the step the app suggests marking achieved, and whether the last step achieved can be undone.

The worker decides when a step is secure: the app only suggests it, when the current step was
rated Achieved at the last two visits that rated it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from earlyyears_desktop.domain.enums import ProgressRating, TargetStatus
from earlyyears_desktop.domain.models import HomeVisit, TargetStep, TeachingTarget
from earlyyears_desktop.domain.models import VisitTargetProgress as Progress

#: how many visits in a row must rate the current step Achieved before the app suggests it
SUGGEST_AFTER = 2


@dataclass(frozen=True)
class StepView:
    id: str
    #: 0 for the first step
    position: int
    text: str
    achieved_on: dt.date | None


@dataclass(frozen=True)
class Rating:
    """One visit's rating of the target's step, oldest first in a target's list."""

    visit_id: str
    visited_on: dt.date
    #: the step worked on (None: rated before targets had steps of their own)
    step_id: str | None
    rating: ProgressRating
    note: str


@dataclass(frozen=True)
class TargetView:
    id: str
    child_id: str
    skill_area: str
    target: str
    status: TargetStatus
    set_on: dt.date
    set_with: str
    steps: tuple[StepView, ...]
    #: finished on (status achieved)
    achieved_on: dt.date | None = None
    stopped_on: dt.date | None = None
    #: why it was finished or stopped
    end_reason: str = ""
    #: the current step, when it was rated Achieved at the last two visits that rated it
    suggested_step: StepView | None = None
    #: the visits' ratings of the target, oldest first
    ratings: tuple[Rating, ...] = ()

    @property
    def current_step(self) -> StepView | None:
        """The first step not yet achieved (None: every step is achieved)."""
        return next((s for s in self.steps if s.achieved_on is None), None)

    @property
    def last_achieved(self) -> StepView | None:
        """The step marked achieved last (the steps are achieved in order)."""
        return next((s for s in reversed(self.steps) if s.achieved_on is not None), None)

    @property
    def can_undo(self) -> bool:
        """Whether the last step achieved can be marked not achieved again: the target is
        going and no visit has rated a later step since."""
        last = self.last_achieved
        if self.status != TargetStatus.ACTIVE or last is None:
            return False
        later = {s.id for s in self.steps if s.position > last.position}
        return not any(r.step_id in later for r in self.ratings)

    def number(self, step: StepView) -> int:
        """The step's number as the family sees it: 1 for the first."""
        return self.steps.index(step) + 1

    def step(self, step_id: str | None) -> StepView | None:
        return next((s for s in self.steps if s.id == step_id), None)


def suggested_step(
    steps: Sequence[StepView], ratings: Sequence[Rating], status: TargetStatus
) -> StepView | None:
    """The current step, if the last `SUGGEST_AFTER` visits that rated it rated it Achieved."""
    if status != TargetStatus.ACTIVE:
        return None
    current = next((s for s in steps if s.achieved_on is None), None)
    if current is None:
        return None
    rated = [r.rating for r in ratings if r.step_id == current.id][-SUGGEST_AFTER:]
    if len(rated) == SUGGEST_AFTER and all(r == ProgressRating.ACHIEVED for r in rated):
        return current
    return None


def read_views(session: Session, targets: Collection[TeachingTarget]) -> list[TargetView]:
    """The targets as the screens show them: steps in order, ratings, the suggestion."""
    ids = [t.id for t in targets]
    steps: dict[str, list[StepView]] = {}
    for step in session.scalars(
        select(TargetStep)
        .where(TargetStep.target_id.in_(ids))
        .order_by(TargetStep.position, TargetStep.id)
    ):
        steps.setdefault(step.target_id, []).append(
            StepView(step.id, step.position, step.text, step.achieved_on)
        )
    ratings: dict[str, list[Rating]] = {}
    for target_id, visit_id, visited_on, step_id, rating, note in session.execute(
        select(
            Progress.target_id,
            HomeVisit.id,
            HomeVisit.visited_on,
            Progress.step_id,
            Progress.rating,
            Progress.note,
        )
        .join(HomeVisit, HomeVisit.id == Progress.home_visit_id)
        .where(Progress.target_id.in_(ids))
        .order_by(HomeVisit.visited_on, HomeVisit.finished_at, HomeVisit.id)
    ):
        ratings.setdefault(target_id, []).append(
            Rating(visit_id, visited_on, step_id, ProgressRating(rating), note)
        )
    views = []
    for t in targets:
        own_steps = tuple(steps.get(t.id, ()))
        own_ratings = tuple(ratings.get(t.id, ()))
        status = TargetStatus(t.status)
        views.append(
            TargetView(
                t.id,
                t.child_id,
                t.skill_area,
                t.target,
                status,
                t.set_on,
                t.set_with,
                own_steps,
                achieved_on=t.achieved_on,
                stopped_on=t.stopped_on,
                end_reason=t.end_reason,
                suggested_step=suggested_step(own_steps, own_ratings, status),
                ratings=own_ratings,
            )
        )
    return views


__all__ = ["SUGGEST_AFTER", "Rating", "StepView", "TargetView", "read_views", "suggested_step"]
