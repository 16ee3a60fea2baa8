"""What a home visit looks like to a screen: its fields, the targets worked on with each
current step and its rating, the strategies shared, the observations noted, and the edits of
a finished visit. Read in one session by `read_visit`; frozen values, never ORM objects."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from earlyyears_desktop.domain.enums import ProgressRating, TargetStatus, VisitStatus
from earlyyears_desktop.domain.models import (
    Child,
    HomeVisit,
    HomeVisitRevision,
    Observation,
    Practitioner,
    TargetStep,
    TeachingTarget,
    VisitStrategy,
    VisitTargetProgress,
)
from earlyyears_desktop.services.children import display_name
from earlyyears_desktop.services.observations import ObservationRow
from earlyyears_desktop.services.unit_of_work import get_live

#: the fields of a visit typed as words, in the order the editor shows them
VISIT_TEXT_FIELDS = (
    "carers_present",
    "siblings_present",
    "others_present",
    "activities",
    "how_it_went",
    "family_will_practise",
    "notes",
)
#: the fields of a visit that are dates
VISIT_DATE_FIELDS = ("visited_on", "next_visit_on")
VISIT_FIELDS = VISIT_DATE_FIELDS + VISIT_TEXT_FIELDS
#: what each field is called on screen and in a visit's history
FIELD_LABELS = {
    "visited_on": "Date of the visit",
    "next_visit_on": "Next visit",
    "carers_present": "Carers",
    "siblings_present": "Brothers and sisters",
    "others_present": "Other professionals",
    "activities": "What we did",
    "how_it_went": "How it went",
    "family_will_practise": "What the family will practise",
    "notes": "Notes for the team",
}


@dataclass(frozen=True)
class TargetRating:
    """One teaching target at a visit: the step worked on and how it went (None: not rated)."""

    target_id: str
    skill_area: str
    target: str
    #: the step rated at this visit, or the target's current step when it is not rated yet
    step_id: str | None
    step_text: str
    #: 1 for the first step
    step_number: int
    steps_total: int
    rating: ProgressRating | None
    note: str


@dataclass(frozen=True)
class SharedStrategy:
    id: str
    #: the library strategy it came from (None: written for this visit)
    strategy_id: str | None
    title: str
    try_at_home: str


@dataclass(frozen=True)
class VisitView:
    id: str
    child_id: str
    child_name: str
    child_born: dt.date
    practitioner: str
    status: VisitStatus
    visited_on: dt.date
    next_visit_on: dt.date | None
    carers_present: str
    siblings_present: str
    others_present: str
    activities: str
    how_it_went: str
    family_will_practise: str
    notes: str
    finished_at: dt.datetime | None
    version: int
    #: in progress: each active target with its current step (and its rating here, if
    #: rated; a target rated here and finished since stays); finished: the targets rated
    #: at this visit, with the step that was rated
    targets: tuple[TargetRating, ...]
    strategies: tuple[SharedStrategy, ...]
    observations: tuple[ObservationRow, ...]

    @property
    def finished(self) -> bool:
        return self.status == VisitStatus.FINISHED

    def value(self, field: str) -> str | dt.date | None:
        """One of `VISIT_FIELDS`, as the visit holds it now."""
        if field not in VISIT_FIELDS:
            raise KeyError(field)
        value: str | dt.date | None = getattr(self, field)
        return value


@dataclass(frozen=True)
class VisitRow:
    """One visit in a child's list of visits."""

    id: str
    visited_on: dt.date
    status: VisitStatus
    practitioner: str
    next_visit_on: dt.date | None
    activities: str


@dataclass(frozen=True)
class VisitRevisionRow:
    """One edit of a finished visit: when, by whom, why, and the values before it."""

    revised_at: dt.datetime
    revised_by: str
    reason: str
    #: field name -> its value before the edit, as text ("" for an empty field or no date)
    previous: dict[str, str]


def practitioner_names(session: Session) -> dict[str, str]:
    return {row.id: row.name for row in session.execute(select(Practitioner.id, Practitioner.name))}


def read_visit(session: Session, visit_id: str) -> VisitView:
    visit = get_live(session, HomeVisit, visit_id)
    child = get_live(session, Child, visit.child_id)
    names = practitioner_names(session)
    status = VisitStatus(visit.status)
    strategies = tuple(
        SharedStrategy(s.id, s.strategy_id, s.title, s.try_at_home)
        for s in session.scalars(
            select(VisitStrategy)
            .where(VisitStrategy.home_visit_id == visit_id)
            .order_by(VisitStrategy.created_at, VisitStrategy.id)
        )
    )
    observations = tuple(
        ObservationRow(
            o.id,
            o.child_id,
            o.observed_on,
            o.context,
            o.text,
            o.area_of_need,
            bool(o.share_with_parents),
            o.author_id,
        )
        for o in session.scalars(
            select(Observation)
            .where(Observation.home_visit_id == visit_id)
            .order_by(Observation.created_at, Observation.id)
        )
    )
    return VisitView(
        id=visit.id,
        child_id=child.id,
        child_name=display_name(
            child.preferred_name, child.legal_given_names, child.legal_family_name
        ),
        child_born=child.date_of_birth,
        practitioner=names.get(visit.practitioner_id or "", ""),
        status=status,
        visited_on=visit.visited_on,
        next_visit_on=visit.next_visit_on,
        carers_present=visit.carers_present,
        siblings_present=visit.siblings_present,
        others_present=visit.others_present,
        activities=visit.activities,
        how_it_went=visit.how_it_went,
        family_will_practise=visit.family_will_practise,
        notes=visit.notes,
        finished_at=visit.finished_at,
        version=visit.version,
        targets=_targets(session, visit, rated_only=status == VisitStatus.FINISHED),
        strategies=strategies,
        observations=observations,
    )


def _targets(session: Session, visit: HomeVisit, *, rated_only: bool) -> tuple[TargetRating, ...]:
    ratings = {
        p.target_id: p
        for p in session.scalars(
            select(VisitTargetProgress).where(VisitTargetProgress.home_visit_id == visit.id)
        )
    }
    query = select(TeachingTarget).where(TeachingTarget.child_id == visit.child_id)
    if rated_only:
        query = query.where(TeachingTarget.id.in_(list(ratings)))
    else:  # the active targets, and any rated here that has been finished or stopped since
        query = query.where(
            or_(
                TeachingTarget.status == TargetStatus.ACTIVE.value,
                TeachingTarget.id.in_(list(ratings)),
            )
        )
    targets = list(session.scalars(query.order_by(TeachingTarget.set_on, TeachingTarget.id)))
    steps: dict[str, list[TargetStep]] = {}
    for step in session.scalars(
        select(TargetStep)
        .where(TargetStep.target_id.in_([t.id for t in targets]))
        .order_by(TargetStep.position, TargetStep.id)
    ):
        steps.setdefault(step.target_id, []).append(step)
    rows = []
    for target in targets:
        its_steps = steps.get(target.id, [])
        rated = ratings.get(target.id)
        step_id = rated.step_id if rated is not None else None
        if step_id is None:
            step_id = next((s.id for s in its_steps if s.achieved_on is None), None)
        number, text = next(
            ((n, s.text) for n, s in enumerate(its_steps, 1) if s.id == step_id), (0, "")
        )
        rows.append(
            TargetRating(
                target_id=target.id,
                skill_area=target.skill_area,
                target=target.target,
                step_id=step_id,
                step_text=text,
                step_number=number,
                steps_total=len(its_steps),
                rating=ProgressRating(rated.rating) if rated is not None else None,
                note=rated.note if rated is not None else "",
            )
        )
    return tuple(rows)


def read_history(session: Session, visit_id: str) -> list[VisitRevisionRow]:
    get_live(session, HomeVisit, visit_id)
    names = practitioner_names(session)
    return [
        VisitRevisionRow(
            revised_at=r.revised_at,
            revised_by=names.get(r.revised_by or "", ""),
            reason=r.reason,
            previous={k: "" if v is None else str(v) for k, v in json.loads(r.previous).items()},
        )
        for r in session.scalars(
            select(HomeVisitRevision)
            .where(HomeVisitRevision.home_visit_id == visit_id)
            .order_by(
                HomeVisitRevision.revised_at.desc(),
                HomeVisitRevision.created_at.desc(),
                HomeVisitRevision.id,
            )
        )
    ]


def read_for_child(session: Session, child_id: str) -> list[VisitRow]:
    names = practitioner_names(session)
    return [
        VisitRow(
            v.id,
            v.visited_on,
            VisitStatus(v.status),
            names.get(v.practitioner_id or "", ""),
            v.next_visit_on,
            v.activities,
        )
        for v in session.scalars(
            select(HomeVisit)
            .where(HomeVisit.child_id == child_id)
            .order_by(HomeVisit.visited_on.desc(), HomeVisit.created_at.desc(), HomeVisit.id)
        )
    ]
