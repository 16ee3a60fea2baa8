"""Portage teaching targets: a skill the family and the worker set together, taught in small
steps in order; the current step is the first one not yet achieved.

The worker marks the current step achieved when it is secure across visits (the app suggests
it after repeated "Achieved": `target_progress.suggested_step`), and the next step becomes
current; a target is finished (met) or stopped with a reason. Steps not yet achieved can be
added, reworded and reordered; an achieved step stays as it is.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from earlyyears_desktop.domain.enums import TargetStatus
from earlyyears_desktop.domain.errors import ValidationError
from earlyyears_desktop.domain.models import (
    Child,
    TargetStep,
    TeachingTarget,
    VisitTargetProgress,
    utcnow,
)
from earlyyears_desktop.domain.rules import limited_text, optional_text, required_name
from earlyyears_desktop.services.clock import Clock
from earlyyears_desktop.services.target_progress import (
    Rating,
    StepView,
    TargetView,
    read_views,
)
from earlyyears_desktop.services.unit_of_work import Saved, UnitOfWork, assign_changed, get_live

_NO_STEPS = "Please write at least one small step towards the target."
_ENDED = "The target is finished or stopped: its steps no longer change."
#: the skill areas Portage workers usually set targets in (the field takes any other words)
SKILL_AREAS = (
    "Communication",
    "Social and emotional",
    "Self-help",
    "Cognitive",
    "Physical / motor",
)


@dataclass(frozen=True)
class StepEdit:
    """One step not yet achieved, as the worker left it when editing a target."""

    #: the step it was (None: a new step)
    step_id: str | None
    text: str


def clean_steps(steps: Sequence[str]) -> list[str]:
    """The small steps as typed, without blank lines; a target needs at least one."""
    cleaned = [optional_text(step) for step in steps]
    cleaned = [step for step in cleaned if step]
    if not cleaned:
        raise ValidationError("steps", _NO_STEPS)
    return cleaned


def steps_from_lines(pending: Sequence[StepView], lines: Sequence[str]) -> list[StepEdit]:
    """The steps not yet achieved, edited as lines of text, back to steps: a line as it was
    keeps its step wherever it moved (reordered), a changed line takes the place of the first
    step left over in order (reworded), a line more is a new step, and a step left over is
    removed."""
    texts = [t for t in (optional_text(line) for line in lines) if t]
    unused = list(pending)
    ids: list[str | None] = [None] * len(texts)
    for n, text in enumerate(texts):
        same = next((s for s in unused if s.text == text), None)
        if same is not None:
            ids[n] = same.id
            unused.remove(same)
    for n in range(len(texts)):
        if ids[n] is None and unused:
            ids[n] = unused.pop(0).id
    return [StepEdit(step_id, text) for step_id, text in zip(ids, texts, strict=True)]


def _skill_area(text: str) -> str:
    area = required_name("skill_area", text, "skill area")
    if len(area) > 120:
        raise ValidationError("skill_area", "The skill area is too long (120 characters at most).")
    return area


def _check_set_on(child: Child, set_on: dt.date, today: dt.date) -> None:
    if set_on > today:
        raise ValidationError("set_on", "The date the target was set is in the future.")
    if set_on < child.date_of_birth:
        raise ValidationError("set_on", "The date the target was set is before the child was born.")


def _check_day(field: str, what: str, day: dt.date, target: TeachingTarget, today: dt.date) -> None:
    if day > today:
        raise ValidationError(field, f"The date the {what} is in the future.")
    if day < target.set_on:
        raise ValidationError(field, f"The date the {what} is before the target was set.")


def _steps(session: Session, target_id: str) -> list[TargetStep]:
    return list(
        session.scalars(
            select(TargetStep)
            .where(TargetStep.target_id == target_id)
            .order_by(TargetStep.position, TargetStep.id)
        )
    )


def _rated_step_ids(session: Session, target_id: str) -> set[str]:
    return {
        step_id
        for step_id in session.scalars(
            select(VisitTargetProgress.step_id).where(VisitTargetProgress.target_id == target_id)
        )
        if step_id is not None
    }


def _active(session: Session, target_id: str) -> TeachingTarget:
    target = get_live(session, TeachingTarget, target_id)
    if target.status != TargetStatus.ACTIVE:
        raise ValidationError("status", _ENDED)
    return target


class TargetService:
    def __init__(self, uow: UnitOfWork, clock: Clock | None = None) -> None:
        self.uow = uow
        self.clock = clock or Clock()

    # ---- setting and changing a target ----

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
        record = TeachingTarget(
            child_id=child_id,
            skill_area=_skill_area(skill_area),
            target=required_name("target", target, "target"),
            status=TargetStatus.ACTIVE.value,
            set_on=set_on,
            set_with=limited_text("set_with", set_with, 200, "name of who it was set with"),
            set_by=self.uow.actor.practitioner_id,
        )
        cleaned = clean_steps(steps)
        record.small_steps = "\n".join(cleaned)
        with self.uow.write() as tx:
            _check_set_on(get_live(tx.session, Child, child_id), set_on, self.clock.today())
            tx.session.add(record)
            tx.session.flush()
            for position, text in enumerate(cleaned):
                tx.session.add(TargetStep(target_id=record.id, position=position, text=text))
        return Saved(tx.changes, record.id)

    def edit(
        self,
        target_id: str,
        *,
        skill_area: str,
        target: str,
        set_with: str,
        steps: Sequence[StepEdit],
    ) -> Saved[str]:
        """Change a going target's wording, skill area, who it was set with, and its steps not
        yet achieved (`steps`, in their new order: add, reword, reorder; a step left out is
        removed unless a visit rated it). The achieved steps stay first, as they are."""
        values = {
            "skill_area": _skill_area(skill_area),
            "target": required_name("target", target, "target"),
            "set_with": limited_text("set_with", set_with, 200, "name of who it was set with"),
        }
        edits = [StepEdit(e.step_id, optional_text(e.text)) for e in steps]
        edits = [e for e in edits if e.text]
        kept = [e.step_id for e in edits if e.step_id is not None]
        if len(kept) != len(set(kept)):
            raise ValidationError("steps", "A step is listed twice.")
        with self.uow.write() as tx:
            record = _active(tx.session, target_id)
            existing = _steps(tx.session, target_id)
            achieved = [s for s in existing if s.achieved_on is not None]
            pending = {s.id: s for s in existing if s.achieved_on is None}
            if any(step_id not in pending for step_id in kept):
                raise ValidationError("steps", "An achieved step stays as it is.")
            if not achieved and not edits:
                raise ValidationError("steps", _NO_STEPS)
            dropped = [s for s in pending.values() if s.id not in kept]
            if _rated_step_ids(tx.session, target_id) & {s.id for s in dropped}:
                raise ValidationError(
                    "steps", "A step rated at a visit stays: reword it rather than removing it."
                )
            assign_changed(record, values)
            for step in dropped:
                step.deleted_at = utcnow()
            for position, step in enumerate(achieved):
                assign_changed(step, {"position": position})
            for position, edit in enumerate(edits, start=len(achieved)):
                if edit.step_id is None:
                    tx.session.add(
                        TargetStep(target_id=target_id, position=position, text=edit.text)
                    )
                else:
                    assign_changed(pending[edit.step_id], {"position": position, "text": edit.text})
        return Saved(tx.changes, target_id)

    # ---- the steps ----

    def achieve_step(self, step_id: str, on: dt.date) -> Saved[str]:
        """Mark the current step achieved on `on` (the worker decides it is secure); the next
        step becomes current."""
        with self.uow.write() as tx:
            step = get_live(tx.session, TargetStep, step_id)
            target = _active(tx.session, step.target_id)
            steps = _steps(tx.session, target.id)
            if step.achieved_on is not None:
                raise ValidationError("step", "That step is already marked achieved.")
            if next(s for s in steps if s.achieved_on is None) is not step:
                raise ValidationError(
                    "step",
                    "Only the current step can be marked achieved: steps are taken in order.",
                )
            _check_day("achieved_on", "step was achieved", on, target, self.clock.today())
            before = [s.achieved_on for s in steps if s.achieved_on is not None]
            if before and on < max(before):
                raise ValidationError(
                    "achieved_on", "The date is before the step before it was achieved."
                )
            step.achieved_on = on
            step.achieved_by = self.uow.actor.practitioner_id
        return Saved(tx.changes, step_id)

    def undo_step(self, step_id: str) -> Saved[str]:
        """Mark the last step achieved as not achieved again (a mistake), while no visit has
        rated a later step."""
        with self.uow.write() as tx:
            step = get_live(tx.session, TargetStep, step_id)
            target = _active(tx.session, step.target_id)
            if step.achieved_on is None:
                raise ValidationError("step", "That step is not marked achieved.")
            later = [s for s in _steps(tx.session, target.id) if s.position > step.position]
            if any(s.achieved_on is not None for s in later):
                raise ValidationError("step", "Only the last step marked achieved can be undone.")
            if _rated_step_ids(tx.session, target.id) & {s.id for s in later}:
                raise ValidationError(
                    "step", "A visit has rated the next step since: this step stays achieved."
                )
            step.achieved_on = None
            step.achieved_by = None
        return Saved(tx.changes, step_id)

    # ---- ending a target ----

    def finish(self, target_id: str, on: dt.date, reason: str = "") -> Saved[str]:
        """The target is met (every step achieved, or the worker and family agree)."""
        with self.uow.write() as tx:
            target = _active(tx.session, target_id)
            _check_day("achieved_on", "target was finished", on, target, self.clock.today())
            target.status = TargetStatus.ACHIEVED.value
            target.achieved_on = on
            target.end_reason = optional_text(reason)
        return Saved(tx.changes, target_id)

    def stop(self, target_id: str, on: dt.date, reason: str) -> Saved[str]:
        """The target is stopped before it was met, with the reason."""
        why = optional_text(reason)
        if not why:
            raise ValidationError("end_reason", "Please say why the target is stopped.")
        with self.uow.write() as tx:
            target = _active(tx.session, target_id)
            _check_day("stopped_on", "target was stopped", on, target, self.clock.today())
            target.status = TargetStatus.STOPPED.value
            target.stopped_on = on
            target.end_reason = why
        return Saved(tx.changes, target_id)

    # ---- reading ----

    def for_child(self, child_id: str, *, active_only: bool = False) -> list[TargetView]:
        """The child's targets, active first, then newest set first; each with its steps, the
        visits' ratings and the step the app suggests marking achieved."""
        with self.uow.read() as session:
            query = select(TeachingTarget).where(TeachingTarget.child_id == child_id)
            if active_only:
                query = query.where(TeachingTarget.status == TargetStatus.ACTIVE.value)
            views = read_views(session, session.scalars(query).all())
        views.sort(key=lambda v: (v.status != TargetStatus.ACTIVE, -v.set_on.toordinal(), v.id))
        return views

    def progress(self, target_id: str) -> TargetView:
        """One target with every visit's rating of it (oldest first) and each step's achieved
        date: what its progress chart shows."""
        with self.uow.read() as session:
            (view,) = read_views(session, [get_live(session, TeachingTarget, target_id)])
        return view

    def suggestion(self, target_id: str) -> StepView | None:
        """The current step, when the last two visits that rated it rated it Achieved: the
        app suggests marking it achieved, and never marks it itself."""
        return self.progress(target_id).suggested_step

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


__all__ = [
    "SKILL_AREAS",
    "Rating",
    "StepEdit",
    "StepView",
    "TargetService",
    "TargetView",
    "clean_steps",
    "steps_from_lines",
]
