"""Streaming the records an export bundle carries, straight from SQLite.

The (entity, id) pairs with pending changes are gathered in a temporary table inside SQLite,
then each entity's current rows are read in foreign-key order and encoded as bundle records,
holding back those of children without consent.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping
from typing import Any, Final

from sqlalchemy import (
    ColumnElement,
    String,
    Table,
    and_,
    column,
    func,
    insert,
    literal,
    select,
    table,
    text,
    type_coerce,
)
from sqlalchemy.orm import Session

from earlyyears_desktop.domain import record_types
from earlyyears_desktop.domain.models import Base, ChangeLogEntry, LaNotification, Synced

from .bundle import ProgressCallback
from .erasure_instructions import ErasureInstruction
from .records import BASE_VERSION, CODECS, is_temporal, row_encoder
from .sharing import child_expression
from .stream_state import BATCH_SIZE, SYNCED_VERSIONS

_PROGRESS_EVERY: Final = 500


def export_order() -> list[type[Synced]]:
    """Parents before children (by foreign keys), so a reader can insert in stream order."""
    by_table = {t.model.__tablename__: t.model for t in record_types.SYNCED_TYPES}
    return [by_table[t.name] for t in Base.metadata.sorted_tables if t.name in by_table]


class ExportCollector:
    """Streams the current rows of the records with pending changes, holding back records of
    children without consent; remembers only what was held back (normally little).

    Records of an entity type the central service has not announced it accepts are not read
    at all: `held_types` counts them per type, and their changes stay pending.
    """

    def __init__(
        self,
        session: Session,
        in_scope: ColumnElement[bool],
        consenting: set[str],
        progress: ProgressCallback | None,
        counts: Mapping[str, int],
        accepted: frozenset[str],
    ) -> None:
        self._session = session
        self._in_scope = in_scope
        self._consenting = consenting
        self._progress = progress
        self.held_types = {e: n for e, n in sorted(counts.items()) if e not in accepted}
        self._counts = {e: n for e, n in counts.items() if e in accepted}
        self._total = sum(self._counts.values())
        self.sent = 0
        self.held_back = 0
        self.held_pairs: list[tuple[str, str]] = []
        self.held_children: set[str] = set()
        #: the notifications to the local authority sent (their screens say they were)
        self.notifications_sent: set[str] = set()
        #: the erasure instructions the bundle carries (written before the records)
        self.erasures: tuple[ErasureInstruction, ...] = ()

    def records(self) -> Iterator[dict[str, object]]:
        done = 0
        connection = self._session.connection()
        for model in export_order():
            if model.entity not in self._counts:
                continue
            codec = CODECS[model.entity]
            encode = row_encoder(codec, stored_text=True)
            model_table: Table = model.__table__  # type: ignore[assignment]
            child = child_expression(model)
            columns: list[ColumnElement[Any]] = []
            for name, column_codec in zip(
                codec.all_column_names, (None, None, None, *codec.data_columns), strict=True
            ):
                col = model_table.c[name]
                # Dates and times as SQLite stores them: rewriting text beats parsing it.
                stored = column_codec is not None and is_temporal(column_codec)
                columns.append(type_coerce(col, String) if stored else col)
            child_column = child if child is not None else literal(None)
            synced = SYNCED_VERSIONS.c
            query = (
                select(*columns, child_column, synced.central_version)
                .select_from(
                    _PENDING.join(model_table, model_table.c.id == _PENDING.c.record_id).outerjoin(
                        SYNCED_VERSIONS,
                        and_(
                            synced.entity == _PENDING.c.entity,
                            synced.record_id == _PENDING.c.record_id,
                        ),
                    )
                )
                .where(_PENDING.c.entity == model.entity)
            )
            result = connection.execution_options(yield_per=BATCH_SIZE).execute(query)
            child_index = len(columns)
            base_index = child_index + 1
            for row in result:
                done += 1
                child_id = row[child_index]
                if child is not None and child_id not in self._consenting:
                    self.held_back += 1
                    self.held_pairs.append((model.entity, row[0]))
                    self.held_children.add(child_id or "")
                else:
                    self.sent += 1
                    if model is LaNotification:
                        self.notifications_sent.add(row[0])
                    record = encode(row)
                    record[BASE_VERSION] = row[base_index]
                    yield record
                if self._progress is not None and done % _PROGRESS_EVERY == 0:
                    self._progress(done, self._total)
        if self._progress is not None:
            self._progress(done, self._total)


_PENDING = table("sync_pending", column("entity"), column("record_id"))


@contextlib.contextmanager
def pending_records(session: Session, in_scope: ColumnElement[bool]) -> Iterator[dict[str, int]]:
    """Collect the distinct (entity, id) pairs to export in a temporary table, inside SQLite
    (in memory, never in Python); yields the number of records per entity."""
    session.execute(text("DROP TABLE IF EXISTS temp.sync_pending"))
    session.execute(
        text(
            "CREATE TEMP TABLE sync_pending (entity TEXT NOT NULL, record_id TEXT NOT NULL, "
            "PRIMARY KEY (entity, record_id)) WITHOUT ROWID"
        )
    )
    try:
        session.execute(
            insert(_PENDING)
            .from_select(
                ["entity", "record_id"],
                select(ChangeLogEntry.entity, ChangeLogEntry.record_id).where(in_scope),
            )
            .prefix_with("OR IGNORE")
        )
        counts = {
            str(entity): int(count)
            for entity, count in session.execute(
                select(_PENDING.c.entity, func.count()).group_by(_PENDING.c.entity)
            )
        }
        yield counts
    finally:
        session.execute(text("DROP TABLE IF EXISTS temp.sync_pending"))
