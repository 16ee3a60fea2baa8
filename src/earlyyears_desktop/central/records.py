"""Storing records generically, in batches: upsert by (entity, id), conflicts kept, never lost.

Each side counts its own edits, so a bigger version number alone says nothing about which copy
is newer. An incoming record says which stored version its change was made on (`base_version`,
null when the sender never had a central copy); against the stored one (same entity and id):

* none stored -> insert;
* same version, same content (data and tombstone) -> nothing changes (a resend);
* a higher version based on the stored one (`base_version` = stored version) -> it replaces the
  stored one; so does a higher version from the sender whose copy is stored (the stored copy is
  that sender's own earlier change, sent before it heard back);
* same source, lower version -> an older state of what we already have: nothing changes;
* otherwise (based on an older version than the stored one, or on none while another copy is
  stored) -> the stored record is kept and the incoming one goes into `conflicts`, so both are
  kept and shown; return bundles tell the sender its copy was not accepted.

A replacement from a sender closes that sender's open conflicts on the record (status
"resolved"): its new copy was made knowing the stored one.

A record written to an earlier schema revision of its entity (a device of an earlier release:
docs/bundle-format.md 14.3) says nothing about the members that revision lacks: they keep the
stored record's values, before the two are compared, so that such a device's edit never wipes
what newer devices wrote (a library strategy's tags, say).

Work is done in batches (select the stored rows for a batch of ids, then `executemany` inserts
and updates), inside the caller's transaction, so a bundle is applied all or nothing.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, Final

from sqlalchemy import Connection, and_, bindparam, delete, select, update

from earlyyears_desktop.central import models
from earlyyears_desktop.domain.record_types import SYNCED_TYPES
from earlyyears_desktop.sync.entity_schemas import absent_members

BATCH_SIZE: Final = 5_000
MAX_ID_LENGTH: Final = models.ID
ROSTER_ALL_TEAMS: Final = "*"
ATTENDANCE: Final = "attendance"
CONFLICT_OPEN: Final = "open"
CONFLICT_RESOLVED: Final = "resolved"
#: entities with a schema revision above 1: only their records may lack members
_REVISED: Final = frozenset(t.entity for t in SYNCED_TYPES if t.schema > 1)


def data_text(data: Mapping[str, object]) -> str:
    """Canonical JSON text of a record's data (the bundle format's encoding)."""
    return _DATA_ENCODER.encode(data)


# What json.dumps(sort_keys=True, separators=(",", ":"), ensure_ascii=False) builds per call.
_DATA_ENCODER: Final = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)


@dataclass(frozen=True)
class Incoming:
    entity: str
    record_id: str
    version: int
    deleted: bool
    changed_by_device: str
    data: str
    raw_data: Mapping[str, object]
    base_version: int | None = None


@dataclass
class ApplyCounts:
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    stale: int = 0
    conflicts: int = 0
    per_entity: Counter[str] = field(default_factory=Counter)

    @property
    def total(self) -> int:
        return self.inserted + self.updated + self.unchanged + self.stale + self.conflicts


class RecordProblem(ValueError):
    """A record that is not of the form {"entity","id","version","deleted",...,"data"}."""


def parse_record(record: Mapping[str, object], default_device: str) -> Incoming:
    """Check one payload record's shape; the message names fields, never values."""
    entity = record.get("entity")
    record_id = record.get("id")
    version = record.get("version")
    deleted = record.get("deleted", False)
    changed_by = record.get("changed_by_device", default_device)
    data = record.get("data", {})
    base_version = record.get("base_version")
    if not isinstance(entity, str) or not 1 <= len(entity) <= MAX_ID_LENGTH:
        raise RecordProblem("a record has no valid entity")
    if not isinstance(record_id, str) or not 1 <= len(record_id) <= MAX_ID_LENGTH:
        raise RecordProblem("a record has no valid id")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise RecordProblem("a record has no valid version")
    if not isinstance(deleted, bool):
        raise RecordProblem("a record's deleted flag is not true or false")
    if not isinstance(changed_by, str) or not 1 <= len(changed_by) <= MAX_ID_LENGTH:
        raise RecordProblem("a record's changed_by_device is not a valid id")
    if not isinstance(data, dict):
        raise RecordProblem("a record's data is not an object")
    if base_version is not None and (
        isinstance(base_version, bool) or not isinstance(base_version, int) or base_version < 1
    ):
        raise RecordProblem("a record's base_version is not a version")
    return Incoming(
        entity, record_id, version, deleted, changed_by, data_text(data), data, base_version
    )


@dataclass
class _Row:
    version: int
    deleted: bool
    changed_by_device: str
    source: str
    data: str
    bundle_id: str | None
    roster_team: str | None
    roster_seq: int | None
    stored: bool  # present in the database before this batch


class RecordWriter:
    """Applies records in batches inside one connection's transaction.

    `source` is the device id of the bundle's sender, or the central id for roster loads.
    `roster_seq` is stamped on every roster-scoped record this writer changes (a value the
    caller reserved), so return bundles know what each device has not yet been sent.
    """

    def __init__(
        self,
        conn: Connection,
        *,
        source: str,
        central_id: str,
        bundle_id: str | None,
        roster_seq: int,
        now: datetime,
        roster_team: str | None = None,
    ) -> None:
        self.conn = conn
        self.source = source
        self.central_id = central_id
        self.bundle_id = bundle_id
        self.roster_seq = roster_seq
        self.roster_team = roster_team
        self.now = now
        self.counts = ApplyCounts()
        self.roster_touched = False
        self._batch: list[Incoming] = []

    def add(self, incoming: Incoming) -> None:
        self._batch.append(incoming)
        if len(self._batch) >= BATCH_SIZE:
            self.flush()

    def add_all(self, items: Iterable[Incoming]) -> None:
        for item in items:
            self.add(item)

    def flush(self) -> None:
        if self._batch:
            self._apply(self._batch)
            self._batch = []

    # --- one batch ---------------------------------------------------------------------------

    def _apply(self, batch: list[Incoming]) -> None:
        ids = {item.record_id for item in batch}
        state: dict[tuple[str, str], _Row] = {}
        r = models.records.c
        for row in self.conn.execute(
            select(
                r.entity,
                r.record_id,
                r.version,
                r.deleted,
                r.changed_by_device,
                r.source,
                r.data,
                r.bundle_id,
                r.roster_team,
                r.roster_seq,
            ).where(r.record_id.in_(ids))
        ):
            state[(row.entity, row.record_id)] = _Row(
                version=int(row.version),
                deleted=bool(row.deleted),
                changed_by_device=row.changed_by_device,
                source=row.source,
                data=row.data,
                bundle_id=row.bundle_id,
                roster_team=row.roster_team,
                roster_seq=row.roster_seq,
                stored=True,
            )
        changed: dict[tuple[str, str], Incoming] = {}
        conflict_rows: list[dict[str, Any]] = []
        superseding: list[dict[str, Any]] = []
        for item in batch:
            key = (item.entity, item.record_id)
            self.counts.per_entity[item.entity] += 1
            current = state.get(key)
            if current is not None and item.entity in _REVISED:
                item = _carried_forward(item, current)
            if current is None:
                state[key] = self._new_row(item, None, stored=False)
                changed[key] = item
                self.counts.inserted += 1
                continue
            same_content = current.data == item.data and current.deleted == item.deleted
            own = current.source == self.source
            if item.version == current.version and same_content:
                self.counts.unchanged += 1
            elif item.version > current.version and (
                item.base_version == current.version
                # The sender's own earlier copy, which it had not yet heard was accepted.
                or (own and (item.base_version is None or item.base_version < current.version))
            ):
                state[key] = self._new_row(item, current, stored=current.stored)
                changed[key] = item
                superseding.append({"b_entity": item.entity, "b_record_id": item.record_id})
                self.counts.updated += 1
            elif own and item.version < current.version:
                self.counts.stale += 1
            elif same_content and item.version < current.version:
                # An older version whose content equals what we hold: nothing to keep.
                self.counts.unchanged += 1
            else:
                conflict_rows.append(self._conflict(item, current))
                self.counts.conflicts += 1

        inserts = [self._values(k, state[k]) for k in changed if not state[k].stored]
        updates = [self._values(k, state[k]) for k in changed if state[k].stored]
        if inserts:
            _insert_records(self.conn, inserts)
        if updates:
            self.conn.execute(_UPDATE_RECORD, [_as_update(values) for values in updates])
        if superseding:
            self.conn.execute(
                update(models.conflicts)
                .where(
                    _C.entity == bindparam("b_entity"),
                    _C.record_id == bindparam("b_record_id"),
                    _C.incoming_source == self.source,
                    _C.status == CONFLICT_OPEN,
                )
                .values(status=CONFLICT_RESOLVED, resolved_at=self.now),
                superseding,
            )
        if conflict_rows:
            self.conn.execute(models.conflicts.insert(), conflict_rows)
        attendance = {k: v for k, v in changed.items() if k[0] == ATTENDANCE}
        if attendance:
            replaced = [k[1] for k in attendance if state[k].stored]
            self._index_attendance(attendance, replaced)

    def _new_row(self, item: Incoming, current: _Row | None, *, stored: bool) -> _Row:
        roster_team = self.roster_team
        if roster_team is None and current is not None:
            roster_team = current.roster_team
        if roster_team is not None:
            self.roster_touched = True
        return _Row(
            version=item.version,
            deleted=item.deleted,
            changed_by_device=item.changed_by_device,
            source=self.source,
            data=item.data,
            bundle_id=self.bundle_id,
            roster_team=roster_team,
            roster_seq=self.roster_seq if roster_team is not None else None,
            stored=stored,
        )

    def _conflict(self, item: Incoming, current: _Row) -> dict[str, Any]:
        if current.source == self.central_id and self.source != self.central_id:
            kind = "central-edit"
        elif item.version == current.version:
            kind = "same-version"
        else:
            kind = "older-version"
        return {
            "entity": item.entity,
            "record_id": item.record_id,
            "kind": kind,
            "kept_version": current.version,
            "kept_source": current.source,
            "incoming_version": item.version,
            "incoming_source": self.source,
            "incoming_changed_by_device": item.changed_by_device,
            "incoming_deleted": item.deleted,
            "incoming_data": item.data,
            "bundle_id": self.bundle_id,
            "noticed_at": self.now,
            "status": CONFLICT_OPEN,
            "resolved_at": None,
        }

    @staticmethod
    def _values(key: tuple[str, str], row: _Row) -> dict[str, Any]:
        return {
            "entity": key[0],
            "record_id": key[1],
            "version": row.version,
            "deleted": row.deleted,
            "changed_by_device": row.changed_by_device,
            "source": row.source,
            "data": row.data,
            "bundle_id": row.bundle_id,
            "roster_team": row.roster_team,
            "roster_seq": row.roster_seq,
        }

    def _index_attendance(
        self, changed: Mapping[tuple[str, str], Incoming], replaced: list[str]
    ) -> None:
        m = models.attendance_marks
        if replaced:  # marks of records that were already stored; new ones have none
            self.conn.execute(delete(m).where(m.c.record_id.in_(replaced)))
        marks = []
        for (_entity, record_id), item in changed.items():
            session_id = item.raw_data.get("session_id")
            child_id = item.raw_data.get("child_id")
            if item.deleted or not isinstance(session_id, str) or not isinstance(child_id, str):
                continue
            marks.append(
                {
                    "record_id": record_id,
                    "session_id": session_id[:MAX_ID_LENGTH],
                    "child_id": child_id[:MAX_ID_LENGTH],
                    "source": self.source,
                    "changed_by_device": item.changed_by_device,
                    "recorded_by": _short_text(item.raw_data.get("recorded_by")),
                    "recorded_at": _short_text(item.raw_data.get("recorded_at"), 40),
                }
            )
        if marks:
            self.conn.execute(m.insert(), marks)


def _carried_forward(item: Incoming, current: _Row) -> Incoming:
    """`item` with the stored values of the members its schema revision lacks."""
    absent = absent_members(item.entity, item.raw_data)
    if not absent:
        return item
    stored = json.loads(current.data)
    kept = {name: stored[name] for name in absent if name in stored}
    if not kept:
        return item
    data = {**item.raw_data, **kept}
    return replace(item, data=data_text(data), raw_data=data)


def _insert_records(conn: Connection, rows: list[dict[str, Any]]) -> None:
    """Bulk insert; on positional DB-APIs (sqlite3) straight to `executemany`.

    The columns are plain text, integers and booleans, which every driver takes as they are,
    so SQLAlchemy's per-value bind processing can be skipped on the bulk path: about a third of
    the insert time for 100,000 records. Other drivers (psycopg) keep SQLAlchemy's own batched
    "insertmanyvalues", which is faster there.
    """
    statement = models.records.insert()
    compiled = statement.compile(dialect=conn.dialect)
    order = compiled.positiontup
    if compiled.positional and order is not None and set(order) == set(rows[0]):
        conn.exec_driver_sql(str(compiled), [tuple(row[k] for k in order) for row in rows])
    else:
        conn.execute(statement, rows)


def _short_text(value: object, limit: int = MAX_ID_LENGTH) -> str | None:
    return value[:limit] if isinstance(value, str) else None


_R = models.records.c
_C = models.conflicts.c
_UPDATE_RECORD = (
    update(models.records)
    .where(and_(_R.entity == bindparam("b_entity"), _R.record_id == bindparam("b_record_id")))
    .values(
        version=bindparam("b_version"),
        deleted=bindparam("b_deleted"),
        changed_by_device=bindparam("b_changed_by_device"),
        source=bindparam("b_source"),
        data=bindparam("b_data"),
        bundle_id=bindparam("b_bundle_id"),
        roster_team=bindparam("b_roster_team"),
        roster_seq=bindparam("b_roster_seq"),
    )
)


def _as_update(values: Mapping[str, Any]) -> dict[str, Any]:
    return {f"b_{name}": value for name, value in values.items()}


def reserve_roster_seq(conn: Connection) -> int:
    """The next roster change number; the caller's transaction holds it until commit."""
    m = models.meta
    current = conn.execute(
        select(m.c.value).where(m.c.key == "roster_seq").with_for_update()
    ).scalar_one()
    return int(current) + 1


def commit_roster_seq(conn: Connection, value: int) -> None:
    m = models.meta
    conn.execute(update(m).where(m.c.key == "roster_seq").values(value=str(value)))
