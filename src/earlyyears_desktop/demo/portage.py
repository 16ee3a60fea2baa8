"""The demo's Portage caseload: eight families visited weekly, fortnightly or every three weeks
through the term, each with teaching targets rated at every visit, written through the
services (content.py says who and what).

The visits are planned back from each family's next visit (`PortageFamily.next_in_days` from
the demo's today), at the family's rhythm, skipping the half-term week, so that on any day
the caseload has families overdue, families due this week and families due later.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from earlyyears_desktop.demo.content import (
    FAMILIES,
    HOW_IT_WENT,
    PORTAGE_CASELOAD,
    PortageFamily,
    PortageTarget,
)
from earlyyears_desktop.demo.terms import Term
from earlyyears_desktop.domain.enums import ProgressRating, VisitRhythm
from earlyyears_desktop.services.container import Services
from earlyyears_desktop.services.home_visits import StepRating
from earlyyears_desktop.services.observations import ObservationInput

#: how the main carer is named at a visit, by their relationship to the child
_CALLED = {"Mother": "Mum", "Father": "Dad", "Grandmother": "Grandma"}


def _weekday(day: dt.date, backwards: bool) -> dt.date:
    """`day`, or the nearest weekday before (or after) it when it falls at a weekend."""
    step = dt.timedelta(days=-1 if backwards else 1)
    while day.weekday() >= 5:
        day += step
    return day


def visit_days(
    next_visit: dt.date, rhythm: VisitRhythm, term: Term, today: dt.date
) -> list[dt.date]:
    """The term's visits before `next_visit` (and by `today`), every `rhythm.days`, none in
    half-term, oldest first (at least one, even at the very start of a term)."""
    start, _end, half_term = term
    days: list[dt.date] = []
    day = next_visit - dt.timedelta(days=rhythm.days)
    while day >= start or not days:
        if day <= today and day not in half_term:
            days.append(day)
        day -= dt.timedelta(days=rhythm.days)
    return days[::-1]


@dataclass
class _Teaching:
    """A target being taught, and how many visits its current step has had."""

    id: str
    target: PortageTarget
    on_step: int = 0


def _rating(visits_on_step: int, pace: int) -> ProgressRating:
    if visits_on_step * 3 <= pace:
        return ProgressRating.EMERGING
    if visits_on_step * 3 <= 2 * pace:
        return ProgressRating.DEVELOPING
    return ProgressRating.ACHIEVED


def write_caseload(services: Services, children: Sequence[tuple[str, str, str]], term: Term) -> int:
    """Put the PORTAGE_CASELOAD families on the signed-in practitioner's caseload with a term
    of visits; the number of visits written."""
    today = services.clock.today()
    written = 0
    for family in PORTAGE_CASELOAD:
        child_id, name, _group = children[family.family]
        rhythm = VisitRhythm(family.rhythm)
        late = family.next_in_days < 0
        next_visit = _weekday(today + dt.timedelta(days=family.next_in_days), backwards=late)
        days = [] if family.new else visit_days(next_visit, rhythm, term, today)
        services.caseload.add(
            child_id, rhythm=rhythm.value, opened_on=days[0] if days else next_visit
        )
        written += _visit_the_family(services, family, child_id, name, days, next_visit)
    return written


def _achieve_current_step(services: Services, target_id: str, day: dt.date) -> bool:
    """Mark the target's current step achieved; finish the target after its last step.
    Whether it was finished."""
    step = services.targets.progress(target_id).current_step
    if step is not None:
        services.targets.achieve_step(step.id, day)
    if services.targets.progress(target_id).current_step is not None:
        return False
    services.targets.finish(target_id, day, "Every step achieved.")
    return True


def _visit_the_family(
    services: Services,
    family: PortageFamily,
    child_id: str,
    name: str,
    days: Sequence[dt.date],
    next_visit: dt.date,
) -> int:
    carer, relation = FAMILIES[family.family][3], FAMILIES[family.family][4]
    called = _CALLED.get(relation, carer.split()[0])
    teaching: list[_Teaching] = []
    visit_id = ""
    for n, day in enumerate(days):
        for target in family.targets:
            if n == (0 if target.from_the_start else len(days) // 2):
                saved = services.targets.add(
                    child_id,
                    target.skill_area,
                    target.target.format(n=name),
                    target.steps,
                    set_on=day,
                    set_with=f"{called} ({carer.split()[0]})",
                )
                teaching.append(_Teaching(saved.id, target))
        ratings = []
        secure: list[_Teaching] = []
        for taught in teaching:
            taught.on_step += 1
            rating = _rating(taught.on_step, taught.target.pace)
            ratings.append(StepRating(taught.id, rating))
            if taught.on_step >= taught.target.pace:
                taught.on_step = 0
                secure.append(taught)
        following = days[n + 1] if n + 1 < len(days) else next_visit
        visit_id = services.home_visits.record(
            child_id,
            day,
            carers_present=called,
            activities=family.activities,
            family_will_practise=family.practise,
            next_visit_on=following,
            how_it_went=HOW_IT_WENT[(family.family + n) % len(HOW_IT_WENT)],
            ratings=ratings,
        ).id
        for taught in secure:  # the worker marks the step achieved at the visit
            if _achieve_current_step(services, taught.id, day):
                teaching.remove(taught)
    if visit_id:
        services.observations.add(
            ObservationInput(
                child_id,
                family.observed.format(n=name),
                days[-1],
                context="home_visit",
                home_visit_id=visit_id,
                area_of_need="communication_and_interaction",
                share_with_parents=True,
            )
        )
    return len(days)


__all__ = ["visit_days", "write_caseload"]
