"""Observations of a child, with full-text search inside the encrypted database."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from earlyyears_desktop.domain.enums import AreaOfNeed, ObservationContext
from earlyyears_desktop.domain.errors import ValidationError
from earlyyears_desktop.domain.models import Child, Observation
from earlyyears_desktop.domain.rules import optional_text, search_key
from earlyyears_desktop.services.clock import Clock
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
        words = re.findall(r"\w+", search_key(query))
        if not words:
            return []
        with self.uow.read() as session:
            clauses = [_word_clause(session, word) for word in words]
            if any(clause is None for clause in clauses):
                return []  # a word that starts no indexed word: nothing can match
            ids = (
                session.execute(
                    text(
                        "SELECT o.id FROM observations_fts f "
                        "JOIN observations o ON o.rowid = f.rowid "
                        # text() SQL is not seen by the unit of work's tombstone filter
                        "WHERE observations_fts MATCH :match AND o.deleted_at IS NULL "
                        "ORDER BY f.rowid DESC LIMIT :limit"
                    ),
                    {"match": " AND ".join(c for c in clauses if c), "limit": limit},
                )
                .scalars()
                .all()
            )
            if not ids:
                return []
            records = {
                r.id: r for r in session.scalars(select(Observation).where(Observation.id.in_(ids)))
            }
            return [_row(records[i]) for i in ids if i in records]

    def for_session(self, session_id: str) -> dict[str, list[ObservationRow]]:
        """The observations written at one group session, by child id, newest first: what
        the register shows on each child's card (deleted ones are left out)."""
        found: dict[str, list[ObservationRow]] = {}
        with self.uow.read() as session:
            for record in session.scalars(
                select(Observation)
                .where(Observation.session_id == session_id)
                .order_by(Observation.created_at.desc())
            ):
                found.setdefault(record.child_id, []).append(_row(record))
        return found


# A word longer than the prefix indexes (2 and 3 letters) is expanded to the indexed words it
# starts, when there are few: FTS5 streams an OR of whole terms newest-first and stops at the
# limit, where a prefix query first merges every matching document (350 ms for a word in a
# fifth of 200,000 observations, against 6 ms).
_PREFIX_INDEXED = 3
_MAX_EXPANSION = 30


def _word_clause(session: Session, word: str) -> str | None:
    if len(word) <= _PREFIX_INDEXED:
        return f'"{word}"*'
    # The vocabulary of the index, readable per connection; temp, so it is never on disk.
    session.execute(
        text(
            "CREATE VIRTUAL TABLE IF NOT EXISTS temp.observations_vocab "
            "USING fts5vocab(main, 'observations_fts', 'row')"
        )
    )
    terms = (
        session.execute(
            text(
                "SELECT term FROM temp.observations_vocab "
                "WHERE term >= :low AND term < :high LIMIT :most"
            ),
            {"low": word, "high": word + "\U0010ffff", "most": _MAX_EXPANSION + 1},
        )
        .scalars()
        .all()
    )
    if not terms:
        return None
    if len(terms) > _MAX_EXPANSION:
        return f'"{word}"*'
    return "(" + " OR ".join(f'"{term}"' for term in terms) + ")"


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
