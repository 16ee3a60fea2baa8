"""Portage home visits: who was there, what we did, each target's step rated, what the family
will practise, the next visit's date.

A visit is started in the family's living room (`start`: one in progress per child at most)
and autosaved as it is typed (`save`, one field or a few, durable, nothing written when nothing
changed); targets' current steps are rated (`rate`), strategies shared (`share_strategy`),
then it is finished (`finish`). A finished visit is changed only with a reason (`edit`), each
edit keeping the changed fields' previous values in a `HomeVisitRevision` (`history`). A whole
visit written afterwards in one go is `record`. The views are in `services/visit_views.py`."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from earlyyears_desktop.domain.enums import ProgressRating, TargetStatus, VisitStatus
from earlyyears_desktop.domain.errors import DomainError, ValidationError
from earlyyears_desktop.domain.models import (
    Child,
    HomeVisit,
    HomeVisitRevision,
    Observation,
    Strategy,
    TargetStep,
    TeachingTarget,
    VisitStrategy,
    VisitTargetProgress,
)
from earlyyears_desktop.domain.rules import optional_text, required_name
from earlyyears_desktop.services.clock import Clock
from earlyyears_desktop.services.unit_of_work import (
    INCLUDE_DELETED,
    Changes,
    Saved,
    UnitOfWork,
    assign_changed,
    get_live,
    mark_deleted,
)
from earlyyears_desktop.services.visit_views import (
    VISIT_DATE_FIELDS,
    VISIT_FIELDS,
    VisitRevisionRow,
    VisitRow,
    VisitView,
    read_for_child,
    read_history,
    read_visit,
)

#: the longest a "who was there" field may be (its column's width)
MAX_PRESENT_CHARS = 300
REASON_NEEDED = "Please say why the visit record is changed."
FINISHED_TARGET = "That target is finished or stopped: its steps are not rated."


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


def ratable_target(session: Session, child_id: str, target_id: str) -> TeachingTarget:
    """The child's active target, whose current step a visit may rate."""
    target = get_live(session, TeachingTarget, target_id)
    if target.child_id != child_id:
        raise ValidationError("target", "That target belongs to another child.")
    if target.status != TargetStatus.ACTIVE:
        raise ValidationError("target", FINISHED_TARGET)
    return target


def clean_fields(values: Mapping[str, object]) -> dict[str, object]:
    """The fields of a visit as typed, checked for their kind and tidied (unknown names are
    a programming error: KeyError)."""
    cleaned: dict[str, object] = {}
    for name, value in values.items():
        if name not in VISIT_FIELDS:
            raise KeyError(name)
        if name in VISIT_DATE_FIELDS:
            if value is not None and not isinstance(value, dt.date):
                raise TypeError(f"{name} must be a date")
            if name == "visited_on" and value is None:
                raise ValidationError("visited_on", "Please enter the date of the visit.")
            cleaned[name] = value
            continue
        text = optional_text(str(value or ""))
        if name.endswith("_present") and len(text) > MAX_PRESENT_CHARS:
            raise ValidationError(
                name, f"This is too long ({MAX_PRESENT_CHARS} characters at most)."
            )
        cleaned[name] = text
    return cleaned


def _changed(visit: HomeVisit, values: Mapping[str, object]) -> dict[str, object]:
    return {k: v for k, v in values.items() if getattr(visit, k) != v}


def _plain(value: object) -> object:
    return value.isoformat() if isinstance(value, dt.date) else value


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
                target = ratable_target(tx.session, child_id, rating.target_id)
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

    # ---- a visit in progress ----

    def start(self, child_id: str, visited_on: dt.date | None = None) -> Saved[str]:
        """A new visit in progress dated `visited_on` (today when None) by the signed-in
        practitioner, or the child's visit already in progress (a child never has two)."""
        on = visited_on or self.clock.today()
        with self.uow.write() as tx:
            child = get_live(tx.session, Child, child_id)
            existing = tx.session.scalars(
                select(HomeVisit.id)
                .where(
                    HomeVisit.child_id == child_id,
                    HomeVisit.status == VisitStatus.IN_PROGRESS.value,
                )
                .order_by(HomeVisit.created_at, HomeVisit.id)
                .limit(1)
            ).first()
            if existing is not None:
                return Saved(Changes(), existing)
            check_visit_dates(child, on, None, self.clock.today())
            visit = HomeVisit(
                child_id=child_id,
                practitioner_id=self.uow.actor.practitioner_id,
                visited_on=on,
                status=VisitStatus.IN_PROGRESS.value,
            )
            tx.session.add(visit)
        return Saved(tx.changes, visit.id)

    def save(self, visit_id: str, **fields: object) -> Saved[None]:
        """The autosave of one or more fields of a visit in progress (`VISIT_FIELDS`): one
        durable write, or none when nothing changed. ValidationError names a refused field."""
        values = clean_fields(fields)
        with self.uow.write() as tx:
            visit = self._in_progress(tx.session, visit_id)
            changed = _changed(visit, values)
            if changed.keys() & set(VISIT_DATE_FIELDS):
                self._check_dates(tx.session, visit, changed)
            assign_changed(visit, changed)
        return Saved(tx.changes, None)

    def rate(
        self, visit_id: str, target_id: str, rating: ProgressRating | str | None, note: str = ""
    ) -> Saved[None]:
        """Rate the target's current step at this visit (again: the rating is replaced), or
        clear its rating (None)."""
        with self.uow.write() as tx:
            session = tx.session
            visit = self._in_progress(session, visit_id)
            ratable_target(session, visit.child_id, target_id)
            progress = session.scalars(
                select(VisitTargetProgress)
                .where(
                    VisitTargetProgress.home_visit_id == visit_id,
                    VisitTargetProgress.target_id == target_id,
                )
                .execution_options(**INCLUDE_DELETED)
            ).first()
            if rating is None:
                if progress is not None and progress.deleted_at is None:
                    mark_deleted(session, VisitTargetProgress, progress.id)
            else:
                self._rate_step(session, visit_id, target_id, progress, rating, note)
        return Saved(tx.changes, None)

    def _rate_step(
        self,
        session: Session,
        visit_id: str,
        target_id: str,
        progress: VisitTargetProgress | None,
        rating: ProgressRating | str,
        note: str,
    ) -> None:
        # A rating already made at this visit stays on the step it rated, even if that step
        # was marked achieved since (a note typed later must not move it to the next step).
        live = progress is not None and progress.deleted_at is None and progress.step_id
        step_id = progress.step_id if live and progress else current_step_id(session, target_id)
        if step_id is None:
            raise ValidationError(
                "target", "Every step of that target is achieved: there is no step to rate."
            )
        values: dict[str, object] = {
            "rating": ProgressRating(rating).value,
            "note": optional_text(note),
            "step_id": step_id,
            "deleted_at": None,
        }
        if progress is None:
            session.add(VisitTargetProgress(home_visit_id=visit_id, target_id=target_id, **values))
        else:
            # a rating cleared earlier at this visit comes back (one row per visit and target)
            assign_changed(progress, values)

    def share_strategy(
        self,
        visit_id: str,
        strategy_id: str | None = None,
        *,
        title: str = "",
        try_at_home: str = "",
    ) -> Saved[str]:
        """A strategy shared with the family at this visit: one from the library (its title
        and "try at home" words copied as they are today), or one written here."""
        with self.uow.write() as tx:
            session = tx.session
            self._in_progress(session, visit_id)
            if strategy_id is not None:
                library = get_live(session, Strategy, strategy_id)
                title, try_at_home = library.title, library.try_at_home
                already = session.scalars(
                    select(VisitStrategy.id).where(
                        VisitStrategy.home_visit_id == visit_id,
                        VisitStrategy.strategy_id == strategy_id,
                    )
                ).first()
                if already is not None:
                    raise ValidationError(
                        "strategy", "That strategy is already shared at this visit."
                    )
            shared = VisitStrategy(
                home_visit_id=visit_id,
                strategy_id=strategy_id,
                title=required_name("title", title, "strategy shared"),
                try_at_home=optional_text(try_at_home),
            )
            session.add(shared)
        return Saved(tx.changes, shared.id)

    def unshare_strategy(self, visit_strategy_id: str) -> Saved[None]:
        """Take back a strategy shared by mistake (while the visit is in progress)."""
        with self.uow.write() as tx:
            shared = get_live(tx.session, VisitStrategy, visit_strategy_id)
            self._in_progress(tx.session, shared.home_visit_id)
            mark_deleted(tx.session, VisitStrategy, visit_strategy_id)
        return Saved(tx.changes, None)

    def finish(self, visit_id: str) -> Saved[None]:
        """The visit is finished: from now on it changes only with a reason (`edit`)."""
        with self.uow.write() as tx:
            visit = get_live(tx.session, HomeVisit, visit_id)
            if visit.status == VisitStatus.FINISHED.value:
                return Saved(Changes(), None)
            self._check_dates(tx.session, visit, {})
            visit.status = VisitStatus.FINISHED.value
            visit.finished_at = self.clock.now()
        return Saved(tx.changes, None)

    def discard(self, visit_id: str) -> Saved[None]:
        """Throw away a visit still in progress (started by mistake, or for the wrong family),
        with its ratings and the strategies noted at it. Refused once it holds observations:
        those are the child's record and are deleted, with a reason, one by one."""
        with self.uow.write() as tx:
            session = tx.session
            visit = self._in_progress(session, visit_id)
            if session.scalars(
                select(Observation.id).where(Observation.home_visit_id == visit.id).limit(1)
            ).first():
                raise DomainError(
                    "This visit has observations written at it: delete them from the child's "
                    "record first (with a reason), or finish the visit."
                )
            for model in (VisitTargetProgress, VisitStrategy):
                for record_id in session.scalars(
                    select(model.id).where(model.home_visit_id == visit.id)
                ).all():
                    mark_deleted(session, model, record_id)
            mark_deleted(session, HomeVisit, visit.id)
        return Saved(tx.changes, None)

    # ---- a finished visit ----

    def edit(self, visit_id: str, fields: Mapping[str, object], reason: str) -> Saved[None]:
        """Change a finished visit; the changed fields' previous values, who, when and why are
        kept as one revision. An edit that changes nothing writes nothing."""
        values = clean_fields(fields)
        why = optional_text(reason)
        with self.uow.write() as tx:
            visit = get_live(tx.session, HomeVisit, visit_id)
            if visit.status != VisitStatus.FINISHED.value:
                raise DomainError("This visit is still in progress: it is saved as it is typed.")
            changed = _changed(visit, values)
            if not changed:
                return Saved(Changes(), None)
            if not why:
                raise ValidationError("reason", REASON_NEEDED)
            if changed.keys() & set(VISIT_DATE_FIELDS):
                self._check_dates(tx.session, visit, changed)
            previous = {k: _plain(getattr(visit, k)) for k in VISIT_FIELDS if k in changed}
            tx.session.add(
                HomeVisitRevision(
                    home_visit_id=visit_id,
                    revised_at=self.clock.now(),
                    revised_by=self.uow.actor.practitioner_id,
                    reason=why,
                    previous=json.dumps(previous, ensure_ascii=False, sort_keys=True),
                )
            )
            assign_changed(visit, changed)
        return Saved(tx.changes, None)

    def history(self, visit_id: str) -> list[VisitRevisionRow]:
        """The edits of a finished visit, newest first."""
        with self.uow.read() as session:
            return read_history(session, visit_id)

    # ---- reading ----

    def get(self, visit_id: str) -> VisitView:
        with self.uow.read() as session:
            return read_visit(session, visit_id)

    def for_child(self, child_id: str) -> list[VisitRow]:
        """The child's visits, newest first."""
        with self.uow.read() as session:
            return read_for_child(session, child_id)

    # ---- shared checks ----

    def _in_progress(self, session: Session, visit_id: str) -> HomeVisit:
        visit = get_live(session, HomeVisit, visit_id)
        if visit.status != VisitStatus.IN_PROGRESS.value:
            raise DomainError(
                "This visit is finished: to change it, use Edit… and say why it is changed."
            )
        return visit

    def _check_dates(
        self, session: Session, visit: HomeVisit, changed: Mapping[str, object]
    ) -> None:
        child = get_live(session, Child, visit.child_id)
        on = changed.get("visited_on", visit.visited_on)
        next_on = changed.get("next_visit_on", visit.next_visit_on)
        assert isinstance(on, dt.date)
        assert next_on is None or isinstance(next_on, dt.date)
        check_visit_dates(child, on, next_on, self.clock.today())
