"""An observation as its dialog shows it, its earlier versions, and the outcomes it may link to.

Read inside a session of `services/observations.py` and returned as frozen values. Times a
practitioner reads (written, changed) are local; the vault keeps them in UTC.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from earlyyears_desktop.domain.enums import ObservationChange
from earlyyears_desktop.domain.errors import NotFound
from earlyyears_desktop.domain.models import (
    Observation,
    ObservationRevision,
    PlanOutcome,
    Practitioner,
    SupportPlan,
)
from earlyyears_desktop.services.observation_rules import local, utc
from earlyyears_desktop.services.unit_of_work import INCLUDE_DELETED


@dataclass(frozen=True)
class ObservationDetail:
    """One observation, with who wrote it."""

    id: str
    child_id: str
    text: str
    observed_on: dt.date
    observed_at: dt.time | None
    context: str
    area_of_need: str
    outcome_id: str | None
    #: the outcome's words, when linked to one
    outcome_text: str
    share_with_parents: bool
    session_id: str | None
    home_visit_id: str | None
    author_id: str | None
    #: "" when the author is unknown (a record from before authors were kept)
    author_name: str
    #: a `Discipline` value, or ""
    author_discipline: str
    #: local time
    created_at: dt.datetime
    #: local time
    updated_at: dt.datetime
    version: int
    #: it has been changed at least once: its earlier versions can be read
    has_history: bool


@dataclass(frozen=True)
class RevisionRow:
    """One change to an observation: who, when, what it said before, and why."""

    id: str
    change: str  # `ObservationChange`
    #: local time
    revised_at: dt.datetime
    revised_by: str | None
    reviser_name: str
    reason: str
    previous_text: str
    previous_observed_on: dt.date
    previous_observed_at: dt.time | None
    previous_context: str
    previous_area_of_need: str
    previous_outcome_id: str | None
    previous_outcome_text: str
    previous_share_with_parents: bool


@dataclass(frozen=True)
class OutcomeChoice:
    """An outcome of one of a child's support plans, for the outcome picker."""

    id: str
    outcome: str
    plan_title: str
    plan_status: str


def live_or_explained(session: Session, observation_id: str) -> Observation:
    """The live observation; NotFound saying it was deleted, or that it is not here."""
    record = session.get(Observation, observation_id, execution_options=INCLUDE_DELETED)
    if record is None:
        raise NotFound("That observation is not in this vault.")
    if record.deleted_at is not None:
        raise NotFound("That observation has been deleted; its history is kept.")
    return record


def read_detail(session: Session, record: Observation) -> ObservationDetail:
    author = _practitioner(session, record.author_id)
    revisions = session.scalar(
        select(func.count())
        .select_from(ObservationRevision)
        .where(ObservationRevision.observation_id == record.id)
    )
    return ObservationDetail(
        id=record.id,
        child_id=record.child_id,
        text=record.text,
        observed_on=record.observed_on,
        observed_at=record.observed_at,
        context=record.context,
        area_of_need=record.area_of_need,
        outcome_id=record.outcome_id,
        outcome_text=_outcome_text(session, record.outcome_id),
        share_with_parents=bool(record.share_with_parents),
        session_id=record.session_id,
        home_visit_id=record.home_visit_id,
        author_id=record.author_id,
        author_name=author.name if author else "",
        author_discipline=author.discipline if author else "",
        created_at=local(record.created_at),
        updated_at=local(record.updated_at),
        version=record.version,
        has_history=bool(revisions),
    )


def read_history(session: Session, observation_id: str) -> list[RevisionRow]:
    revisions = session.scalars(
        select(ObservationRevision)
        .where(ObservationRevision.observation_id == observation_id)
        .order_by(ObservationRevision.revised_at.desc(), ObservationRevision.created_at.desc())
    ).all()
    names: dict[str | None, str] = {}
    rows = []
    for r in revisions:
        if r.revised_by not in names:
            who = _practitioner(session, r.revised_by)
            names[r.revised_by] = who.name if who else ""
        rows.append(
            RevisionRow(
                id=r.id,
                change=r.change,
                revised_at=local(r.revised_at),
                revised_by=r.revised_by,
                reviser_name=names[r.revised_by],
                reason=r.reason,
                previous_text=r.previous_text,
                previous_observed_on=r.previous_observed_on,
                previous_observed_at=r.previous_observed_at,
                previous_context=r.previous_context,
                previous_area_of_need=r.previous_area_of_need,
                previous_outcome_id=r.previous_outcome_id,
                previous_outcome_text=_outcome_text(session, r.previous_outcome_id),
                previous_share_with_parents=bool(r.previous_share_with_parents),
            )
        )
    return rows


def read_outcomes(session: Session, child_id: str) -> list[OutcomeChoice]:
    """The outcomes of the child's plans: the newest plan first, each in its own order."""
    found = session.execute(
        select(PlanOutcome, SupportPlan)
        .join(SupportPlan, PlanOutcome.plan_id == SupportPlan.id)
        .where(SupportPlan.child_id == child_id)
        .order_by(SupportPlan.started_on.desc(), SupportPlan.id, PlanOutcome.position)
    ).all()
    return [OutcomeChoice(o.id, o.outcome, p.title, p.status) for o, p in found]


def new_revision(
    record: Observation,
    change: ObservationChange,
    reason: str,
    revised_by: str,
    now: dt.datetime,
) -> ObservationRevision:
    """A revision keeping what `record` says now (before the change), made at local `now`."""
    return ObservationRevision(
        observation_id=record.id,
        change=change.value,
        revised_at=utc(now),
        revised_by=revised_by or None,
        reason=reason,
        previous_text=record.text,
        previous_observed_on=record.observed_on,
        previous_observed_at=record.observed_at,
        previous_context=record.context,
        previous_area_of_need=record.area_of_need,
        previous_outcome_id=record.outcome_id,
        previous_share_with_parents=bool(record.share_with_parents),
    )


def _practitioner(session: Session, practitioner_id: str | None) -> Practitioner | None:
    if practitioner_id is None:
        return None
    # A practitioner who has left is still named on what they wrote.
    return session.get(Practitioner, practitioner_id, execution_options=INCLUDE_DELETED)


def _outcome_text(session: Session, outcome_id: str | None) -> str:
    if outcome_id is None:
        return ""
    outcome = session.get(PlanOutcome, outcome_id, execution_options=INCLUDE_DELETED)
    return outcome.outcome if outcome else ""


__all__ = [
    "ObservationDetail",
    "OutcomeChoice",
    "RevisionRow",
    "live_or_explained",
    "new_revision",
    "read_detail",
    "read_history",
    "read_outcomes",
]
