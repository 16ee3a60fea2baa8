"""The one consent rule, read by the export filter, the handouts and the screens.

A child's consent of a kind is **in force** when the child's latest consent of that kind is
given and not withdrawn. "Latest" is the latest `given_on`, then the latest `created_at`;
soft-deleted consents do not count. Should several consents be equally latest (a roster file
loads all its records with one `created_at`), consent is in force only if every one of them
is: a refusal recorded on the same day is never outvoted by an accident of row order.

Which records belong to which child (for applying the rule) is the registry's
(`domain/record_types.py`); `child_id_column` turns a record type's link into SQL.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, Table, select
from sqlalchemy.orm import Session

from earlyyears_desktop.domain.models import Consent, Synced
from earlyyears_desktop.domain.record_types import record_type_of

_IDS_PER_QUERY = 1000


class ConsentFacts(NamedTuple):
    """What the rule reads of one consent record."""

    child_id: str
    kind: str
    given: bool
    withdrawn_on: dt.date | None
    given_on: dt.date
    created_at: dt.datetime

    @classmethod
    def of(cls, consent: Consent) -> ConsentFacts:
        return cls(
            consent.child_id,
            consent.kind,
            bool(consent.given),
            consent.withdrawn_on,
            consent.given_on,
            consent.created_at,
        )


def given_and_not_withdrawn(given: bool, withdrawn_on: dt.date | None) -> bool:
    """Whether one consent record, on its own, gives consent now."""
    return bool(given) and withdrawn_on is None


def consents_in_force(consents: Iterable[ConsentFacts]) -> set[tuple[str, str]]:
    """The (child id, kind) pairs whose consent is in force, from already loaded consents
    (not soft-deleted ones), in any order."""
    latest: dict[tuple[str, str], tuple[tuple[dt.date, dt.datetime], bool]] = {}
    for consent in consents:
        key = (consent.child_id, consent.kind)
        when = (consent.given_on, consent.created_at)
        in_force = given_and_not_withdrawn(consent.given, consent.withdrawn_on)
        seen = latest.get(key)
        if seen is None or when > seen[0]:
            latest[key] = (when, in_force)
        elif when == seen[0]:
            latest[key] = (when, seen[1] and in_force)
    return {key for key, (_when, in_force) in latest.items() if in_force}


def kinds_in_force(consents: Iterable[Consent]) -> frozenset[str]:
    """The kinds of consent in force among one child's loaded (not soft-deleted) consents."""
    return frozenset(kind for _child, kind in consents_in_force(map(ConsentFacts.of, consents)))


_FACT_COLUMNS = (
    Consent.child_id,
    Consent.kind,
    Consent.given,
    Consent.withdrawn_on,
    Consent.given_on,
    Consent.created_at,
)


def children_with_consent(
    session: Session, kind: str, child_ids: Sequence[str] | None = None
) -> set[str]:
    """The children (of `child_ids`, or all) whose consent of `kind` is in force."""
    base = select(*_FACT_COLUMNS).where(Consent.kind == kind, Consent.deleted_at.is_(None))
    facts: list[ConsentFacts] = []
    if child_ids is None:
        queries = [base]
    else:
        ids = list(dict.fromkeys(child_ids))
        queries = [
            base.where(Consent.child_id.in_(ids[start : start + _IDS_PER_QUERY]))
            for start in range(0, len(ids), _IDS_PER_QUERY)
        ]
    for query in queries:
        facts.extend(ConsentFacts(*row) for row in session.execute(query))
    return {child_id for child_id, _kind in consents_in_force(facts)}


def child_id_column(model: type[Synced]) -> ColumnElement[Any] | None:
    """SQL for the id of the child a record of `model` belongs to (following the registry's
    link through other tables as scalar subqueries), or None for a record of no child."""
    link = record_type_of(model).child_link
    if link is None:
        return None
    table: Table = model.__table__  # type: ignore[assignment]
    if link.is_the_child:
        return table.c.id
    return _follow(table, link.path)


def _follow(table: Table, path: tuple[str, ...]) -> ColumnElement[Any]:
    column = table.c[path[0]]
    if len(path) == 1:
        return column
    (reference,) = column.foreign_keys
    target: Table = reference.column.table
    return select(_follow(target, path[1:])).where(reference.column == column).scalar_subquery()
