"""Which rows belong to a child, for erasing them: the one answer, read from the registry.

A record belongs to the child when its registry child link (`domain/record_types.py`) reaches
the child, tombstones included. Beyond the registry's chains, the foreign keys decide the
rest, so no list of tables is kept here:

- a record that cannot exist without an erased record (a non-null reference to it: the people
  at a meeting that goes, a step of a target that goes) goes too;
- a record that only mentions an erased record in an optional reference (another child's
  observation pointing at this child's plan outcome) stays, with that reference cleared;
- a meeting goes when every child discussed at it is erased (a team around the child meeting
  of this child alone); a meeting that discussed other children stays, without this child's
  discussion. Sessions, groups, venues, strategies and practitioners name no child: they stay.

Local bookkeeping about those records goes with them: change-log entries, the versions known
to the central service, conflict copies (which hold the central copy's words). Audit events
stay: they hold ids only.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Table, delete, func, select
from sqlalchemy.orm import Session

from earlyyears_desktop.domain.models import (
    SYNCED_MODELS,
    ChangeLogEntry,
    Meeting,
    MeetingDiscussion,
    SyncConflict,
    Synced,
    SyncRecordVersion,
)
from earlyyears_desktop.domain.record_types import RECORD_TYPES
from earlyyears_desktop.services.unit_of_work import INCLUDE_DELETED

_CHUNK = 500
_TABLES: dict[str, type[Synced]] = {m.__tablename__: m for m in SYNCED_MODELS}


@dataclass
class ErasureScope:
    """The rows erasing one child removes (table name -> ids) and the optional references
    of records that stay which must be cleared ((table, column) -> ids of the records)."""

    ids: dict[str, set[str]] = field(default_factory=dict)
    cleared: dict[tuple[str, str], set[str]] = field(default_factory=dict)

    def add(self, table: str, ids: Iterable[str]) -> set[str]:
        """Add ids; return those that were not in the scope yet."""
        held = self.ids.setdefault(table, set())
        new = set(ids) - held
        held |= new
        return new

    def holds(self, table: str, record_id: str) -> bool:
        return record_id in self.ids.get(table, ())

    @property
    def count(self) -> int:
        return sum(len(v) for v in self.ids.values())

    def entity_ids(self) -> dict[str, set[str]]:
        return {_TABLES[t].entity: ids for t, ids in self.ids.items() if ids}


def child_scope(session: Session, child_id: str) -> ErasureScope:
    """Every row erasing the child removes, and the references to clear."""
    scope = ErasureScope()
    for rtype in RECORD_TYPES:  # foreign-key order: a chain's tables come first
        link = rtype.child_link
        if link is None:
            continue
        table: Table = rtype.model.__table__  # type: ignore[assignment]
        if link.is_the_child:
            scope.add(table.name, _ids_where(session, table, table.c.id, [child_id]))
        else:
            scope.add(table.name, _ids_by_path(session, table, link.path, child_id))
    _add_meetings_of_only_this_child(session, scope)
    _close_over_references(session, scope)
    return scope


def _ids_by_path(session: Session, table: Table, path: Sequence[str], child_id: str) -> set[str]:
    column = table.c[path[0]]
    if len(path) == 1:
        return _ids_where(session, table, column, [child_id])
    (reference,) = column.foreign_keys
    parents = _ids_by_path(session, reference.column.table, path[1:], child_id)
    return _ids_where(session, table, column, parents)


def _ids_where(session: Session, table: Table, column: Any, values: Iterable[str]) -> set[str]:
    found: set[str] = set()
    values = list(values)
    for start in range(0, len(values), _CHUNK):
        chunk = values[start : start + _CHUNK]
        found.update(
            session.scalars(
                select(table.c.id).where(column.in_(chunk)),
                execution_options=INCLUDE_DELETED,
            )
        )
    return found


def _add_meetings_of_only_this_child(session: Session, scope: ErasureScope) -> None:
    discussions = scope.ids.get(MeetingDiscussion.__tablename__, set())
    if not discussions:
        return
    table: Table = MeetingDiscussion.__table__  # type: ignore[assignment]
    meetings: set[str] = set()
    for chunk in _chunks(discussions):
        meetings.update(
            session.scalars(
                select(table.c.meeting_id).where(table.c.id.in_(chunk)),
                execution_options=INCLUDE_DELETED,
            )
        )
    for meeting_id in meetings:
        others = session.scalar(
            select(table.c.id)
            .where(table.c.meeting_id == meeting_id, table.c.id.not_in(discussions))
            .limit(1),
            execution_options=INCLUDE_DELETED,
        )
        if others is None:
            scope.add(Meeting.__tablename__, [meeting_id])


def _close_over_references(session: Session, scope: ErasureScope) -> None:
    """Follow every foreign key into the scope until nothing new is found."""
    grew = True
    while grew:
        grew = False
        for model in SYNCED_MODELS:
            table: Table = model.__table__  # type: ignore[assignment]
            for column in table.columns:
                for reference in column.foreign_keys:
                    target = reference.column.table.name
                    erased = scope.ids.get(target)
                    if not erased:
                        continue
                    found = _ids_where(session, table, column, erased) - scope.ids.get(
                        table.name, set()
                    )
                    if not found:
                        continue
                    if column.nullable:
                        scope.cleared.setdefault((table.name, column.name), set()).update(found)
                    elif scope.add(table.name, found):
                        grew = True
    # a record that goes needs no reference cleared
    for (table_name, column_name), ids in list(scope.cleared.items()):
        ids -= scope.ids.get(table_name, set())
        if not ids:
            del scope.cleared[(table_name, column_name)]


def tables_leaves_first(scope: ErasureScope) -> list[tuple[type[Synced], set[str]]]:
    """The scope's tables with their ids, leaves first (the order in which their rows can be
    deleted with the foreign keys on)."""
    return [
        (model, ids)
        for model in reversed(_sorted_models())
        if (ids := scope.ids.get(model.__tablename__))
    ]


def clear_references(session: Session, scope: ErasureScope) -> None:
    """Clear the optional references of records that stay (audited changes to them)."""
    for (table_name, column_name), ids in scope.cleared.items():
        model = _TABLES[table_name]
        for chunk in _chunks(ids):
            for record in session.scalars(
                select(model).where(model.id.in_(chunk)), execution_options=INCLUDE_DELETED
            ):
                setattr(record, column_name, None)


def delete_bookkeeping(session: Session, scope: ErasureScope) -> None:
    """The local rows about erased records: change log, known versions, conflict copies.

    The change log has no index on its record ids (it is read in order): it is scanned once,
    against every erased id at once (SQLite makes a transient index of the list); record ids
    are UUIDs, and the entity is checked too. The known versions are found by their key."""
    by_entity = scope.entity_ids()
    every = json.dumps(sorted({record_id for ids in by_entity.values() for record_id in ids}))
    erased = select(func.json_each(every).table_valued("value").c.value)
    for model in (ChangeLogEntry, SyncConflict):
        session.execute(
            delete(model).where(model.record_id.in_(erased), model.entity.in_(sorted(by_entity)))
        )
    for entity, ids in by_entity.items():
        for chunk in _chunks(ids):
            session.execute(
                delete(SyncRecordVersion).where(
                    SyncRecordVersion.entity == entity, SyncRecordVersion.record_id.in_(chunk)
                )
            )


def _sorted_models() -> list[type[Synced]]:
    order = [t.name for t in Synced.metadata.sorted_tables]
    return sorted(SYNCED_MODELS, key=lambda m: order.index(m.__tablename__))


def _chunks(ids: Iterable[str]) -> Iterable[list[str]]:
    values = sorted(ids)
    for start in range(0, len(values), _CHUNK):
        yield values[start : start + _CHUNK]


__all__ = [
    "ErasureScope",
    "child_scope",
    "clear_references",
    "delete_bookkeeping",
    "tables_leaves_first",
]
