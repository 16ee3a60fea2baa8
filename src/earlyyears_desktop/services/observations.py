"""Observations of a child: written, changed and deleted with their history kept, and found
by full-text search inside the encrypted database.

The rules for valid values and for when a change needs a reason are in
`observation_rules.py`; the detail and history reads in `observation_history.py`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select

from earlyyears_desktop.domain.enums import ObservationChange, ObservationContext
from earlyyears_desktop.domain.errors import ConflictError, NotFound
from earlyyears_desktop.domain.models import Observation
from earlyyears_desktop.services.clock import Clock
from earlyyears_desktop.services.observation_history import (
    ObservationDetail,
    OutcomeChoice,
    RevisionRow,
    live_or_explained,
    new_revision,
    read_detail,
    read_history,
    read_outcomes,
)
from earlyyears_desktop.services.observation_rules import (
    DELETE_REASON,
    ObservationValues,
    checked_reason,
    checked_values,
    utc,
    why_reason_needed,
)
from earlyyears_desktop.services.observation_search import newest_matching_ids, query_words
from earlyyears_desktop.services.unit_of_work import (
    INCLUDE_DELETED,
    Changes,
    Saved,
    UnitOfWork,
    get_live,
)


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

    @property
    def values(self) -> ObservationValues:
        """What a practitioner wrote, without the child and the session it belongs to."""
        return ObservationValues(
            text=self.text,
            observed_on=self.observed_on,
            observed_at=self.observed_at,
            context=self.context,
            area_of_need=self.area_of_need,
            outcome_id=self.outcome_id,
            share_with_parents=self.share_with_parents,
        )


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
    """Observations of a child: written, changed with a reason kept in their history, and
    deleted as tombstones whose last words and reason stay in that history."""

    def __init__(self, uow: UnitOfWork, clock: Clock | None = None) -> None:
        self.uow = uow
        self.clock = clock or Clock()

    def add(self, data: ObservationInput) -> Saved[str]:
        """Write a new observation by the unlocked practitioner; ValidationError naming the
        field when a value is refused (no text, a date in the future or before the child was
        born, an outcome from outside the child's support plans)."""
        now = self.clock.now()
        with self.uow.write() as tx:
            values = checked_values(tx.session, data.child_id, data.values, now)
            record = Observation(
                child_id=data.child_id,
                session_id=data.session_id,
                home_visit_id=data.home_visit_id,
                author_id=self.uow.actor.practitioner_id,
                **values,
            )
            tx.session.add(record)
        return Saved(tx.changes, record.id)

    def get(self, observation_id: str) -> ObservationDetail:
        """One observation as the dialog shows it; NotFound once it is deleted."""
        with self.uow.read() as session:
            record = live_or_explained(session, observation_id)
            return read_detail(session, record)

    def reason_needed(self, detail: ObservationDetail, will_share: bool) -> str | None:
        """Why changing `detail` (shared with parents afterwards or not) needs a reason, in
        one sentence to show beside the reason field; None when it does not."""
        return why_reason_needed(
            was_shared=detail.share_with_parents,
            will_share=will_share,
            written_at=utc(detail.created_at),
            now=utc(self.clock.now()),
        )

    def edit(
        self,
        observation_id: str,
        changes: ObservationValues,
        reason: str = "",
        *,
        expected_version: int | None = None,
    ) -> Saved[str]:
        """Change an observation, keeping what it said before in its history with who changed
        it, when and why. The reason is required when the observation is shared with parents
        (before or after) or was written more than a day ago. Changing nothing saves nothing."""
        now = self.clock.now()
        with self.uow.write() as tx:
            record = get_live(tx.session, Observation, observation_id)
            if expected_version is not None and record.version != expected_version:
                raise ConflictError(
                    "This observation was changed while you were editing it. "
                    "Please open it again and make your change again."
                )
            values = checked_values(
                tx.session, record.child_id, changes, now, stored_outcome_id=record.outcome_id
            )
            if all(getattr(record, key) == value for key, value in values.items()):
                return Saved(Changes(), observation_id)
            needed = why_reason_needed(
                was_shared=bool(record.share_with_parents),
                will_share=bool(values["share_with_parents"]),
                written_at=record.created_at,
                now=utc(now),
            )
            why = checked_reason(reason, needed)
            tx.session.add(new_revision(record, ObservationChange.EDITED, why, self._by(), now))
            for key, value in values.items():
                if getattr(record, key) != value:
                    setattr(record, key, value)
        return Saved(tx.changes, observation_id)

    def delete(self, observation_id: str, reason: str) -> Saved[None]:
        """Tombstone an observation with a reason (always required): it leaves the record, the
        search and the handouts; its last words and the reason stay in its history."""
        now = self.clock.now()
        with self.uow.write() as tx:
            record = get_live(tx.session, Observation, observation_id)
            why = checked_reason(reason, DELETE_REASON)
            tx.session.add(new_revision(record, ObservationChange.DELETED, why, self._by(), now))
            record.deleted_at = utc(now)
        return Saved(tx.changes, None)

    def history(self, observation_id: str) -> list[RevisionRow]:
        """The earlier versions of an observation, newest first, deleted or not."""
        with self.uow.read() as session:
            record = session.get(Observation, observation_id, execution_options=INCLUDE_DELETED)
            if record is None:
                raise NotFound("That observation is not in this vault.")
            return read_history(session, observation_id)

    def outcomes_for_child(self, child_id: str) -> list[OutcomeChoice]:
        """The outcomes of the child's support plans, for linking an observation to one
        (often none: most children have no plan yet)."""
        with self.uow.read() as session:
            return read_outcomes(session, child_id)

    def _by(self) -> str:
        return self.uow.actor.practitioner_id

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
