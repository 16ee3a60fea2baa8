"""Observations of a child, with full-text search inside the encrypted database."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select

from earlyyears_desktop.domain.enums import AreaOfNeed, ObservationContext
from earlyyears_desktop.domain.errors import ValidationError
from earlyyears_desktop.domain.models import Child, Observation
from earlyyears_desktop.domain.rules import optional_text
from earlyyears_desktop.services.clock import Clock
from earlyyears_desktop.services.observation_search import newest_matching_ids, query_words
from earlyyears_desktop.services.unit_of_work import Saved, UnitOfWork, get_live


@dataclass(frozen=True)
class ObservationInput:
    child_id: str
    text: str
    observed_on: dt.date
    #: the time of day, when given (local time)
    observed_at: dt.time | None = None
    context: str = ObservationContext.OTHER.value
    session_id: str | None = None
    home_visit_id: str | None = None
    area_of_need: str = ""
    outcome_id: str | None = None
    share_with_parents: bool = False


@dataclass(frozen=True)
class ObservationRow:
    id: str
    child_id: str
    observed_on: dt.date
    context: str
    text: str
    area_of_need: str
    share_with_parents: bool
    author_id: str | None


class ObservationService:
    def __init__(self, uow: UnitOfWork, clock: Clock | None = None) -> None:
        self.uow = uow
        self.clock = clock or Clock()

    def add(self, data: ObservationInput) -> Saved[str]:
        body = optional_text(data.text)
        if not body:
            raise ValidationError("text", "Please write the observation.")
        if data.observed_on > self.clock.today():
            raise ValidationError("observed_on", "The observation date is in the future.")
        try:
            context = ObservationContext(data.context).value
            area = AreaOfNeed(data.area_of_need).value if data.area_of_need else ""
        except ValueError:
            raise ValidationError("area_of_need", "Please choose from the list.") from None
        record = Observation(
            child_id=data.child_id,
            text=body,
            observed_on=data.observed_on,
            observed_at=data.observed_at,
            context=context,
            session_id=data.session_id,
            home_visit_id=data.home_visit_id,
            area_of_need=area,
            outcome_id=data.outcome_id,
            share_with_parents=data.share_with_parents,
            author_id=self.uow.actor.practitioner_id,
        )
        with self.uow.write() as tx:
            get_live(tx.session, Child, data.child_id)
            tx.session.add(record)
        return Saved(tx.changes, record.id)

    def for_child(self, child_id: str, limit: int = 200) -> list[ObservationRow]:
        with self.uow.read() as session:
            records = session.scalars(
                select(Observation)
                .where(Observation.child_id == child_id)
                .order_by(Observation.observed_on.desc(), Observation.created_at.desc())
                .limit(limit)
            )
            return [_row(r) for r in records]

    def search(self, query: str, limit: int = 50) -> list[ObservationRow]:
        """Full-text search, newest first: every word must appear, as the start of a word.

        Case, diacritics and letters with a stroke are folded on both sides, so "lucja" finds
        "Łucja". Newest first (by insertion order) lets FTS5 stop after `limit` matches
        instead of ranking every match, which for a common word is tens of thousands.
        """
        with self.uow.read() as session:
            ids = newest_matching_ids(session, query_words(query), limit)
            if not ids:
                return []
            records = {
                r.id: r for r in session.scalars(select(Observation).where(Observation.id.in_(ids)))
            }
            return [_row(records[i]) for i in ids if i in records]


def _row(r: Observation) -> ObservationRow:
    return ObservationRow(
        r.id,
        r.child_id,
        r.observed_on,
        r.context,
        r.text,
        r.area_of_need,
        bool(r.share_with_parents),
        r.author_id,
    )
