"""Strategies agreed with a child's family: from the library or written for this child, how
they are going over time, and why one was stopped.

A strategy written for one child is a `ChildStrategy` with no library row and its own words:
it belongs to the child (the registry links it to the child), so the child's consent governs
where it goes, and it never appears in the library or in a group's general ideas.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from earlyyears_desktop.domain.enums import AreaOfNeed, StrategyProgress
from earlyyears_desktop.domain.errors import ValidationError
from earlyyears_desktop.domain.models import (
    Child,
    ChildStrategy,
    ChildStrategyNote,
    Practitioner,
    Strategy,
)
from earlyyears_desktop.domain.rules import optional_text, required_name
from earlyyears_desktop.services.clock import Clock
from earlyyears_desktop.services.unit_of_work import (
    INCLUDE_DELETED,
    Saved,
    UnitOfWork,
    get_live,
)

STOPPED = StrategyProgress.STOPPED.value
#: what a progress note may say: a strategy is stopped with a reason, never by a note
NOTED_PROGRESS = tuple(p for p in StrategyProgress if p is not StrategyProgress.STOPPED)


@dataclass(frozen=True)
class OwnStrategy:
    """A strategy written for one child, in its own words."""

    title: str
    area_of_need: str = ""
    practitioner_wording: str = ""
    try_at_home: str = ""


@dataclass(frozen=True)
class ProgressNote:
    id: str
    noted_on: dt.date
    progress: str
    note: str
    author_name: str


@dataclass(frozen=True)
class ChildStrategyRow:
    """One strategy agreed for a child, with its words (the library's, or its own)."""

    id: str
    child_id: str
    #: the library strategy, or None for one written for this child
    strategy_id: str | None
    title: str
    area_of_need: str
    practitioner_wording: str
    try_at_home: str
    #: a library strategy sent by the local authority's central service
    from_central: bool
    agreed_with: str
    agreed_by_name: str
    agreed_on: dt.date
    started_on: dt.date | None
    progress: str
    #: newest first
    notes: tuple[ProgressNote, ...]
    stopped_on: dt.date | None
    stop_reason: str

    @property
    def own(self) -> bool:
        """Written for this child rather than taken from the library."""
        return self.strategy_id is None

    @property
    def active(self) -> bool:
        return self.stopped_on is None and self.progress != STOPPED


def is_active() -> ColumnElement[bool]:
    """SQL: a child's strategy that has not been stopped (the handouts read the same rule)."""
    return ChildStrategy.stopped_on.is_(None) & (ChildStrategy.progress != STOPPED)


class ChildStrategyService:
    def __init__(self, uow: UnitOfWork, clock: Clock | None = None) -> None:
        self.uow = uow
        self.clock = clock or Clock()

    # ---- writes ----

    def agree(
        self,
        child_id: str,
        strategy_id: str | None,
        *,
        agreed_with: str,
        agreed_on: dt.date | None = None,
        own: OwnStrategy | None = None,
    ) -> Saved[str]:
        """Agree a library strategy (`strategy_id`) or one written for this child (`own`)
        with the child's family; the unlocked practitioner is who agreed it."""
        who = required_name("agreed_with", agreed_with, "who in the family agreed it")
        day = agreed_on or self.clock.today()
        if day > self.clock.today():
            raise ValidationError("agreed_on", "The date agreed is in the future.")
        if strategy_id is None and own is None:
            raise ValidationError(
                "strategy", "Please choose a strategy from the library, or write one."
            )
        if strategy_id is not None and own is not None:
            raise ValidationError(
                "strategy", "Choose a strategy from the library or write one, not both."
            )
        words = _own_words(own) if own is not None else {}
        with self.uow.write() as tx:
            child = get_live(tx.session, Child, child_id)
            if day < child.date_of_birth:
                raise ValidationError("agreed_on", "The date agreed is before the child's birth.")
            if strategy_id is not None:
                get_live(tx.session, Strategy, strategy_id)
                _refuse_twice(tx.session, child_id, strategy_id)
            record = ChildStrategy(
                child_id=child_id,
                strategy_id=strategy_id,
                assigned_on=day,
                progress=StrategyProgress.NOT_STARTED.value,
                agreed_with=who,
                agreed_by=self.uow.actor.practitioner_id or None,
                **words,
            )
            tx.session.add(record)
        return Saved(tx.changes, record.id)

    def note_progress(
        self,
        child_strategy_id: str,
        progress: str,
        note: str = "",
        noted_on: dt.date | None = None,
    ) -> Saved[str]:
        """Note how a strategy is going; the newest note sets its progress."""
        if progress == STOPPED:
            raise ValidationError("progress", "To stop a strategy, use Stop and give the reason.")
        try:
            value = StrategyProgress(progress).value
        except ValueError:
            raise ValidationError("progress", "Please choose how it is going.") from None
        day = noted_on or self.clock.today()
        if day > self.clock.today():
            raise ValidationError("noted_on", "The date is in the future.")
        with self.uow.write() as tx:
            record = get_live(tx.session, ChildStrategy, child_strategy_id)
            if not _active(record):
                raise ValidationError("progress", "This strategy has been stopped.")
            if day < record.assigned_on:
                raise ValidationError("noted_on", "The date is before the strategy was agreed.")
            latest = tx.session.scalar(
                select(ChildStrategyNote.noted_on)
                .where(ChildStrategyNote.child_strategy_id == record.id)
                .order_by(ChildStrategyNote.noted_on.desc())
                .limit(1)
            )
            entry = ChildStrategyNote(
                child_strategy_id=record.id,
                noted_on=day,
                progress=value,
                note=optional_text(note),
                author_id=self.uow.actor.practitioner_id or None,
            )
            tx.session.add(entry)
            if latest is None or day >= latest:  # an earlier day's note leaves the latest
                record.progress = value
            going = value != StrategyProgress.NOT_STARTED
            if going and (record.started_on is None or day < record.started_on):
                record.started_on = day
        return Saved(tx.changes, entry.id)

    def stop(
        self, child_strategy_id: str, reason: str, stopped_on: dt.date | None = None
    ) -> Saved[None]:
        """Stop a strategy, with the reason; it leaves the handouts from now on."""
        why = optional_text(reason)
        if not why:
            raise ValidationError("stop_reason", "Please give the reason for stopping it.")
        day = stopped_on or self.clock.today()
        if day > self.clock.today():
            raise ValidationError("stopped_on", "The date stopped is in the future.")
        with self.uow.write() as tx:
            record = get_live(tx.session, ChildStrategy, child_strategy_id)
            if not _active(record):
                raise ValidationError("stopped_on", "This strategy has already been stopped.")
            if day < record.assigned_on:
                raise ValidationError(
                    "stopped_on", "The date stopped is before the strategy was agreed."
                )
            record.progress = STOPPED
            record.stopped_on = day
            record.stop_reason = why
        return Saved(tx.changes, None)

    # ---- reads ----

    def for_child(self, child_id: str) -> list[ChildStrategyRow]:
        """The child's strategies: active ones (newest agreed first), then stopped ones
        (latest stopped first), each with its progress notes."""
        with self.uow.read() as session:
            rows = session.execute(
                select(ChildStrategy, Strategy)
                .outerjoin(Strategy, Strategy.id == ChildStrategy.strategy_id)
                .where(ChildStrategy.child_id == child_id)
                .order_by(ChildStrategy.assigned_on.desc(), ChildStrategy.created_at.desc())
            ).all()
            ids = [link.id for link, _ in rows]
            notes: dict[str, list[ChildStrategyNote]] = {}
            for entry in session.scalars(
                select(ChildStrategyNote)
                .where(ChildStrategyNote.child_strategy_id.in_(ids))
                .order_by(ChildStrategyNote.noted_on.desc(), ChildStrategyNote.created_at.desc())
            ):
                notes.setdefault(entry.child_strategy_id, []).append(entry)
            people = _names(
                session,
                [link.agreed_by for link, _ in rows]
                + [n.author_id for entries in notes.values() for n in entries],
            )
            found = [
                _row(link, strategy, notes.get(link.id, []), people) for link, strategy in rows
            ]
        active = [r for r in found if r.active]
        stopped = sorted(
            (r for r in found if not r.active),
            key=lambda r: r.stopped_on or r.agreed_on,
            reverse=True,
        )
        return active + stopped


def _own_words(own: OwnStrategy) -> dict[str, str]:
    area = own.area_of_need or ""
    if area:
        try:
            area = AreaOfNeed(area).value
        except ValueError:
            raise ValidationError("area_of_need", "Please choose from the list.") from None
    return {
        "title": required_name("title", own.title, "strategy's title"),
        "area_of_need": area,
        "practitioner_wording": optional_text(own.practitioner_wording),
        "try_at_home": optional_text(own.try_at_home),
    }


def _active(record: ChildStrategy) -> bool:
    return record.stopped_on is None and record.progress != STOPPED


def _refuse_twice(session: Session, child_id: str, strategy_id: str) -> None:
    already = session.scalar(
        select(ChildStrategy.id)
        .where(
            ChildStrategy.child_id == child_id,
            ChildStrategy.strategy_id == strategy_id,
            is_active(),
        )
        .limit(1)
    )
    if already is not None:
        raise ValidationError(
            "strategy",
            "This strategy is already agreed for this child: note how it is going, "
            "or stop it first.",
        )


def _names(session: Session, ids: Iterable[str | None]) -> dict[str, str]:
    """Practitioners' names, including those who have since left the team."""
    wanted = {i for i in ids if i}
    if not wanted:
        return {}
    found = session.execute(
        select(Practitioner.id, Practitioner.name)
        .where(Practitioner.id.in_(wanted))
        .execution_options(**INCLUDE_DELETED)
    )
    return {practitioner_id: name for practitioner_id, name in found}


def _row(
    link: ChildStrategy,
    strategy: Strategy | None,
    notes: list[ChildStrategyNote],
    people: dict[str, str],
) -> ChildStrategyRow:
    if link.strategy_id is None:
        words = (link.title, link.area_of_need, link.practitioner_wording, link.try_at_home)
    elif strategy is not None:
        words = (
            strategy.title,
            strategy.area_of_need,
            strategy.practitioner_wording,
            strategy.try_at_home,
        )
    else:  # the library strategy was deleted since: the agreement stays on the record
        words = ("A strategy since removed from the library", "", "", "")
    return ChildStrategyRow(
        id=link.id,
        child_id=link.child_id,
        strategy_id=link.strategy_id,
        title=words[0],
        area_of_need=words[1],
        practitioner_wording=words[2],
        try_at_home=words[3],
        from_central=bool(strategy is not None and strategy.from_central),
        agreed_with=link.agreed_with,
        agreed_by_name=people.get(link.agreed_by or "", ""),
        agreed_on=link.assigned_on,
        started_on=link.started_on,
        progress=link.progress,
        notes=tuple(
            ProgressNote(n.id, n.noted_on, n.progress, n.note, people.get(n.author_id or "", ""))
            for n in notes
        ),
        stopped_on=link.stopped_on,
        stop_reason=link.stop_reason,
    )
