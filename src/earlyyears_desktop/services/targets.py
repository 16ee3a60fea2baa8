"""Portage teaching targets: a skill the family and the worker set together, taught in small
steps in order; the current step is the first one not yet achieved."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import exists, select

from earlyyears_desktop.domain.enums import TargetStatus
from earlyyears_desktop.domain.errors import ValidationError
from earlyyears_desktop.domain.models import Child, TargetStep, TeachingTarget
from earlyyears_desktop.domain.rules import optional_text, required_name
from earlyyears_desktop.services.clock import Clock
from earlyyears_desktop.services.unit_of_work import Saved, UnitOfWork, get_live


@dataclass(frozen=True)
class StepView:
    id: str
    #: 0 for the first step
    position: int
    text: str
    achieved_on: dt.date | None


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

    @property
    def current_step(self) -> StepView | None:
        """The first step not yet achieved (None: every step is achieved)."""
        return next((s for s in self.steps if s.achieved_on is None), None)


def clean_steps(steps: Sequence[str]) -> list[str]:
    """The small steps as typed, without blank lines; a target needs at least one."""
    cleaned = [optional_text(step) for step in steps]
    cleaned = [step for step in cleaned if step]
    if not cleaned:
        raise ValidationError("steps", "Please write at least one small step towards the target.")
    return cleaned


class TargetService:
    def __init__(self, uow: UnitOfWork, clock: Clock | None = None) -> None:
        self.uow = uow
        self.clock = clock or Clock()

    def add(
        self,
        child_id: str,
        skill_area: str,
        target: str,
        steps: Sequence[str],
        *,
        set_on: dt.date,
        set_with: str = "",
    ) -> Saved[str]:
        """A new active target with its small steps, set with the family on `set_on`."""
        cleaned = clean_steps(steps)
        record = TeachingTarget(
            child_id=child_id,
            skill_area=required_name("skill_area", skill_area, "skill area"),
            target=required_name("target", target, "target"),
            small_steps="\n".join(cleaned),
            status=TargetStatus.ACTIVE.value,
            set_on=set_on,
            set_with=optional_text(set_with),
            set_by=self.uow.actor.practitioner_id,
        )
        with self.uow.write() as tx:
            child = get_live(tx.session, Child, child_id)
            if set_on > self.clock.today():
                raise ValidationError("set_on", "The date the target was set is in the future.")
            if set_on < child.date_of_birth:
                raise ValidationError(
                    "set_on", "The date the target was set is before the child was born."
                )
            tx.session.add(record)
            tx.session.flush()
            for position, text in enumerate(cleaned):
                tx.session.add(TargetStep(target_id=record.id, position=position, text=text))
        return Saved(tx.changes, record.id)

    def for_child(self, child_id: str, *, active_only: bool = False) -> list[TargetView]:
        """The child's targets, active first, then newest set first."""
        with self.uow.read() as session:
            query = select(TeachingTarget).where(TeachingTarget.child_id == child_id)
            if active_only:
                query = query.where(TeachingTarget.status == TargetStatus.ACTIVE.value)
            targets = session.scalars(query).all()
            steps: dict[str, list[StepView]] = {}
            for step in session.scalars(
                select(TargetStep)
                .where(TargetStep.target_id.in_([t.id for t in targets]))
                .order_by(TargetStep.position, TargetStep.id)
            ):
                steps.setdefault(step.target_id, []).append(
                    StepView(step.id, step.position, step.text, step.achieved_on)
                )
            views = [
                TargetView(
                    t.id,
                    t.child_id,
                    t.skill_area,
                    t.target,
                    TargetStatus(t.status),
                    t.set_on,
                    t.set_with,
                    tuple(steps.get(t.id, ())),
                )
                for t in targets
            ]
        views.sort(key=lambda v: (v.status != TargetStatus.ACTIVE, -v.set_on.toordinal(), v.id))
        return views

    def add_missing_steps(self) -> Saved[int] | None:
        """Step records for targets written before steps had records of their own (vault
        revision 0008): one per line of their `small_steps`, audited and exported like any
        new record. Run at unlock; None when there is nothing to do (no write is opened)."""
        missing = (
            select(TeachingTarget)
            .where(TeachingTarget.small_steps != "")
            .where(~exists().where(TargetStep.target_id == TeachingTarget.id))
            .order_by(TeachingTarget.id)
        )
        with self.uow.read() as session:
            if session.scalars(missing.limit(1)).first() is None:
                return None
        added = 0
        with self.uow.write() as tx:
            for target in tx.session.scalars(missing).all():
                lines = [line.strip() for line in target.small_steps.splitlines()]
                for position, text in enumerate(line for line in lines if line):
                    tx.session.add(TargetStep(target_id=target.id, position=position, text=text))
                    added += 1
        return Saved(tx.changes, added)
