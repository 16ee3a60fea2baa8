"""Carrying out erasure instructions: a child erased on a device is erased here too, for good.

An export bundle may carry erasure instructions (docs/bundle-format.md 8.3). On ingest, in the
bundle's own transaction, the central service:

1. removes every record of the child it holds: the child, every record whose registry child
   link reaches it (`domain/record_types.py`: a `child_id`, or a chain of references through
   the child's plans, visits, referrals...), the conflicts kept about them and the attendance
   marks indexed for them, whether a device sent them or the roster authored them;
2. keeps an erasure log (`erasures`: the child's id, when and by which device, the reason's
   category; no personal data) and the ids of the records removed (`erased_records`), so that
   an older bundle ingested later never revives the child: its records of the child, and the
   records that refer to them, are refused (`ErasureGate`) and counted in the ingest report;
0. first checks that the sending device could hold the child (`may_erase`): the child is on
   its team's roster, or the store holds records of the child that this device sent, or the
   store holds nothing of the child (a child made on the device and never sent). Otherwise
   the instruction is refused, logged (`refused_erasures`) and counted, never carried out:
   one enrolled device cannot erase another team's child on every laptop. The rest of the
   bundle is ingested as usual;
3. notes the other devices that hold the child (those of the teams the child's roster records
   went to, and those that sent records of the child), to be told in their return bundles
   (`erasure_notices`) until one of their exports says it imported one that told them.

The store is SQLCipher with `secure_delete` on (storage/engine.py), so deleted rows are
overwritten in their pages; after an erasure the write-ahead log is checkpointed and truncated
(`truncate_log`) so no earlier page image stays in it. The store is not vacuumed: with
secure delete the freed pages hold zeros already, and a VACUUM of a large store would hold
every other command for minutes (docs/central-service.md, "Erasure").
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Final

from sqlalchemy import Connection, Engine, delete, insert, or_, select, update

from earlyyears_desktop.central import models
from earlyyears_desktop.central.records import ROSTER_ALL_TEAMS, Incoming
from earlyyears_desktop.domain import record_types
from earlyyears_desktop.domain.models import Base
from earlyyears_desktop.sync.erasure_instructions import ErasureInstruction

_BATCH: Final = 500
#: ids per `LIKE` alternative list when following references through stored records' data
_LIKE_BATCH: Final = 100

_R = models.records.c


def _entity_of_table() -> dict[str, str]:
    return {t.model.__tablename__: t.entity for t in record_types.RECORD_TYPES}


@dataclass(frozen=True)
class _Links:
    #: entities with a `child_id` of their own
    direct: frozenset[str]
    #: entity -> (its first reference column on the way to the child, the entity it names)
    through: dict[str, tuple[str, str]]


def _links() -> _Links:
    by_table = _entity_of_table()
    direct: set[str] = set()
    through: dict[str, tuple[str, str]] = {}
    for t in record_types.RECORD_TYPES:
        link = t.child_link
        if link is None or link.is_the_child:
            continue
        first = link.path[0]
        if first == "child_id":
            direct.add(t.entity)
            continue
        table = Base.metadata.tables[t.model.__tablename__]
        [fk] = table.columns[first].foreign_keys
        through[t.entity] = (first, by_table[fk.column.table.name])
    return _Links(frozenset(direct), through)


LINKS: Final = _links()
CHILD: Final = "child"


def erased_children(conn: Connection) -> set[str]:
    return set(conn.execute(select(models.erasures.c.child_id)).scalars())


# --- refusing what an erased child's records would bring back ---------------------------------


class ErasureGate:
    """Passes incoming records on to `write`, except those of an erased child.

    A record is refused when it is an erased child, names one (`child_id`), is a record
    removed with one (`erased_records`), or refers on its way to the child to a record that
    was (or to one refused from this bundle, in this batch or an earlier one: writers send
    parents first). Records are looked at in batches, one query each, and only when some
    child was ever erased.
    """

    def __init__(self, conn: Connection, write: Callable[[Incoming], None]) -> None:
        self._conn = conn
        self._write = write
        self.children = erased_children(conn)
        self._buffer: list[Incoming] = []
        #: records refused, per erased child
        self.refused: dict[str, int] = {}
        #: (entity, id) -> erased child, of every record refused from this bundle so far and
        #: every removed record found in `erased_records`: kept across batches, so a record
        #: refused in one batch still refuses those referring to it in the next
        self._removed: dict[tuple[str, str], str] = {}

    def add_erased(self, child_id: str) -> None:
        """A child this bundle erases: its records in the bundle are refused too."""
        self.children.add(child_id)

    def add(self, incoming: Incoming) -> None:
        if not self.children:
            self._write(incoming)
            return
        self._buffer.append(incoming)
        if len(self._buffer) >= _BATCH:
            self.flush()

    def flush(self) -> None:
        if not self._buffer:
            return
        batch, self._buffer = self._buffer, []
        wanted = {item.record_id for item in batch}
        for item in batch:
            parent = self._parent(item)
            if parent is not None:
                wanted.add(parent[1])
        removed = self._removed
        e = models.erased_records.c
        ids = sorted(wanted)
        for start in range(0, len(ids), _BATCH):
            for row in self._conn.execute(
                select(e.entity, e.record_id, e.child_id).where(
                    e.record_id.in_(ids[start : start + _BATCH])
                )
            ):
                removed[(row.entity, row.record_id)] = row.child_id
        for item in batch:
            child = self._erased_child_of(item, removed)
            if child is None:
                self._write(item)
            else:
                removed[(item.entity, item.record_id)] = child
                self.refused[child] = self.refused.get(child, 0) + 1

    def _parent(self, item: Incoming) -> tuple[str, str] | None:
        hop = LINKS.through.get(item.entity)
        if hop is None:
            return None
        value = item.raw_data.get(hop[0])
        return (hop[1], value) if isinstance(value, str) else None

    def _erased_child_of(self, item: Incoming, removed: dict[tuple[str, str], str]) -> str | None:
        if item.entity == CHILD and item.record_id in self.children:
            return item.record_id
        if item.entity in LINKS.direct:
            child = item.raw_data.get("child_id")
            if isinstance(child, str) and child in self.children:
                return child
        found = removed.get((item.entity, item.record_id))
        if found is not None:
            return found
        parent = self._parent(item)
        return removed.get(parent) if parent is not None else None


# --- carrying an instruction out ---------------------------------------------------------------


def may_erase(
    conn: Connection, instruction: ErasureInstruction, *, bundle_id: str
) -> ChildRecords | None:
    """The child's records held here if the sending device (`erased_by`, its sender) could
    hold the child, for `carry_out`; None if it could not (the instruction is refused).

    It could when the child was erased here already (nothing changes), when the store holds
    nothing of the child from before this bundle (a child made on the device and never sent:
    there is nothing to erase, and the log keeps a late bundle from bringing it), when one of
    the child's roster records went to the device's team (or to every team), or when the
    device sent one of the child's records, stored or kept aside as a conflict."""
    sender = instruction.erased_by
    child_id = instruction.child_id
    if conn.execute(
        select(models.erasures.c.child_id).where(models.erasures.c.child_id == child_id)
    ).first():
        return {}
    found = _records_of_child(conn, child_id)
    earlier = {k: f for k, f in found.items() if f.bundle_id is None or f.bundle_id != bundle_id}
    if not earlier:
        return found
    team = conn.execute(
        select(models.devices.c.team).where(models.devices.c.device_id == sender)
    ).scalar_one_or_none()
    for f in earlier.values():
        if f.roster_team is not None and f.roster_team in (team, ROSTER_ALL_TEAMS):
            return found
        if f.roster_team is None and f.source == sender:
            return found
    c = models.conflicts.c
    keys = sorted(earlier)
    for start in range(0, len(keys), _BATCH):
        part = keys[start : start + _BATCH]
        for entity in {e for e, _ in part}:
            ids = [i for e, i in part if e == entity]
            if conn.execute(
                select(c.id).where(
                    c.entity == entity,
                    c.record_id.in_(ids),
                    c.incoming_source == sender,
                    or_(c.bundle_id.is_(None), c.bundle_id != bundle_id),
                )
            ).first():
                return found
    return None


def refuse(
    conn: Connection, instruction: ErasureInstruction, *, bundle_id: str, now: datetime
) -> None:
    """Log an instruction `may_erase` refused (ids and times only)."""
    conn.execute(
        insert(models.refused_erasures).values(
            child_id=instruction.child_id,
            device_id=instruction.erased_by,
            bundle_id=bundle_id,
            erased_at=instruction.erased_at,
            refused_at=now,
        )
    )


@dataclass
class Erased:
    """What one instruction did here."""

    child_id: str
    records_removed: int
    devices_to_tell: list[str] = field(default_factory=list)
    already: bool = False


def carry_out(
    conn: Connection,
    instruction: ErasureInstruction,
    *,
    bundle_id: str,
    now: datetime,
    found: ChildRecords | None = None,
) -> Erased:
    """Erase the child from the store, log it and note whom to tell; idempotent. `found`:
    the child's records as `may_erase` found them (looked up again when None)."""
    child_id = instruction.child_id
    if conn.execute(
        select(models.erasures.c.child_id).where(models.erasures.c.child_id == child_id)
    ).first():
        return Erased(child_id, 0, already=True)
    if found is None:
        found = _records_of_child(conn, child_id)
    keys = sorted(found)
    c = models.conflicts.c
    m = models.attendance_marks.c
    senders: set[str] = set()
    for start in range(0, len(keys), _BATCH):
        part = keys[start : start + _BATCH]
        for entity in {e for e, _ in part}:
            ids = [i for e, i in part if e == entity]
            senders.update(
                conn.execute(
                    select(c.incoming_source).where(c.entity == entity, c.record_id.in_(ids))
                ).scalars()
            )
            conn.execute(delete(models.records).where(_R.entity == entity, _R.record_id.in_(ids)))
            conn.execute(delete(models.conflicts).where(c.entity == entity, c.record_id.in_(ids)))
            if entity == "attendance":
                conn.execute(delete(models.attendance_marks).where(m.record_id.in_(ids)))
    conn.execute(delete(models.attendance_marks).where(m.child_id == child_id))
    devices = _devices_holding(conn, found, senders, exclude=instruction.erased_by)
    if keys:
        conn.execute(
            insert(models.erased_records),
            [{"entity": e, "record_id": i, "child_id": child_id} for e, i in keys],
        )
    conn.execute(
        insert(models.erasures).values(
            child_id=child_id,
            erased_at=instruction.erased_at,
            erased_by=instruction.erased_by,
            reason=instruction.reason,
            bundle_id=bundle_id,
            carried_out_at=now,
            records_removed=len(keys),
            records_refused=0,
        )
    )
    if devices:
        conn.execute(
            insert(models.erasure_notices),
            [{"child_id": child_id, "device_id": d, "first_sent_in": None} for d in devices],
        )
    return Erased(child_id, len(keys), devices)


@dataclass(frozen=True)
class _Found:
    roster_team: str | None
    source: str
    bundle_id: str | None = None


#: (entity, id) of each record of a child held here -> where it came from
ChildRecords = dict[tuple[str, str], _Found]


def _records_of_child(conn: Connection, child_id: str) -> dict[tuple[str, str], _Found]:
    """Every stored record of the child: itself, those naming it, and, level by level, those
    referring to a record found (a plan's outcomes, then their reviews...)."""
    found: dict[tuple[str, str], _Found] = {}

    def take(rows: Iterable[object]) -> set[tuple[str, str]]:
        new: set[tuple[str, str]] = set()
        for row in rows:
            key = (row.entity, row.record_id)  # type: ignore[attr-defined]
            if key not in found:
                found[key] = _Found(
                    row.roster_team,  # type: ignore[attr-defined]
                    row.source,  # type: ignore[attr-defined]
                    row.bundle_id,  # type: ignore[attr-defined]
                )
                new.add(key)
        return new

    columns = (_R.entity, _R.record_id, _R.roster_team, _R.source, _R.bundle_id)
    fresh = take(conn.execute(select(*columns).where(_R.entity == CHILD, _R.record_id == child_id)))
    fresh |= take(
        conn.execute(
            select(*columns).where(
                _R.entity.in_(sorted(LINKS.direct)),
                _R.data.contains(_member("child_id", child_id), autoescape=True),
            )
        )
    )
    while fresh:
        parents: dict[str, list[str]] = {}
        for entity, record_id in fresh:
            parents.setdefault(entity, []).append(record_id)
        fresh = set()
        for entity, (column, parent) in LINKS.through.items():
            ids = sorted(parents.get(parent, ()))
            for start in range(0, len(ids), _LIKE_BATCH):
                names = [
                    _R.data.contains(_member(column, i), autoescape=True)
                    for i in ids[start : start + _LIKE_BATCH]
                ]
                fresh |= take(
                    conn.execute(select(*columns).where(_R.entity == entity, or_(*names)))
                )
    return found


def _member(name: str, value: str) -> str:
    """How a record's canonical JSON `data` holds `"name": "value"` (no space, no escape in
    an id: a text value cannot hold this, its quotes would be escaped)."""
    return f'"{name}":"{value}"'


def _devices_holding(
    conn: Connection, found: dict[tuple[str, str], _Found], senders: set[str], *, exclude: str
) -> list[str]:
    """The enrolled devices that hold the child: of the teams its roster records went to
    (every device for a roster of every team), and those that sent its records (`senders`:
    those whose copies were kept aside as conflicts)."""
    teams = {f.roster_team for f in found.values() if f.roster_team is not None}
    sources = {f.source for f in found.values() if f.roster_team is None} | senders
    d = models.devices.c
    holding: set[str] = set()
    for row in conn.execute(select(d.device_id, d.team)):
        if ROSTER_ALL_TEAMS in teams or row.team in teams or row.device_id in sources:
            holding.add(row.device_id)
    holding.discard(exclude)
    return sorted(holding)


def count_refused(conn: Connection, refused: dict[str, int]) -> None:
    e = models.erasures.c
    for child_id, count in refused.items():
        conn.execute(
            update(models.erasures)
            .where(e.child_id == child_id)
            .values(records_refused=e.records_refused + count)
        )


# --- telling the other devices -----------------------------------------------------------------


def instructions_for(conn: Connection, device_id: str, sequence: int) -> list[ErasureInstruction]:
    """The erasures not yet confirmed by the device, for its return bundle `sequence` (which
    is noted as the first to carry each new one)."""
    n = models.erasure_notices.c
    e = models.erasures.c
    rows = conn.execute(
        select(e.child_id, e.erased_at, e.erased_by, e.reason, n.first_sent_in)
        .join(models.erasures, e.child_id == n.child_id)
        .where(n.device_id == device_id, n.confirmed_at.is_(None))
        .order_by(e.erased_at, e.child_id)
    ).all()
    conn.execute(
        update(models.erasure_notices)
        .where(n.device_id == device_id, n.confirmed_at.is_(None), n.first_sent_in.is_(None))
        .values(first_sent_in=sequence)
    )
    return [ErasureInstruction(r.child_id, r.erased_at, r.erased_by, r.reason) for r in rows]


def confirm_told(conn: Connection, device_id: str, imported_through: int, now: datetime) -> None:
    """The device imported every return bundle up to `imported_through`: the erasures they
    carried were applied there (or the device never held the child)."""
    n = models.erasure_notices.c
    conn.execute(
        update(models.erasure_notices)
        .where(
            n.device_id == device_id,
            n.confirmed_at.is_(None),
            n.first_sent_in.is_not(None),
            n.first_sent_in <= imported_through,
        )
        .values(confirmed_at=now)
    )


def truncate_log(engine: Engine) -> None:
    """After an erasure on SQLite: copy the write-ahead log into the database and empty it,
    so the pages as they were before the erasure are not left in the -wal file."""
    if engine.url.get_backend_name() != "sqlite":
        return
    with engine.connect() as conn:
        raw = conn.connection.dbapi_connection
        assert raw is not None
        raw.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()


# --- the report ---------------------------------------------------------------------------------


def refused_report(conn: Connection) -> list[dict[str, object]]:
    """Every erasure instruction refused: the device could not hold the child (ids only)."""
    r = models.refused_erasures.c
    return [
        {
            "child_id": row.child_id,
            "device_id": row.device_id,
            "bundle_id": row.bundle_id,
            "erased_at": row.erased_at,
            "refused_at": row.refused_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        }
        for row in conn.execute(select(models.refused_erasures).order_by(r.refused_at, r.id))
    ]


def erasure_report(conn: Connection) -> list[dict[str, object]]:
    """Every erasure carried out: ids, dates, counts and the devices told or still to tell."""
    n = models.erasure_notices.c
    told: dict[str, list[str]] = {}
    waiting: dict[str, list[str]] = {}
    for row in conn.execute(
        select(n.child_id, n.device_id, n.confirmed_at).order_by(n.child_id, n.device_id)
    ):
        (told if row.confirmed_at is not None else waiting).setdefault(row.child_id, []).append(
            row.device_id
        )
    e = models.erasures.c
    return [
        {
            "child_id": row.child_id,
            "erased_at": row.erased_at,
            "erased_by": row.erased_by,
            "reason": row.reason,
            "carried_out_at": row.carried_out_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "records_removed": int(row.records_removed),
            "records_refused": int(row.records_refused),
            "devices_told": told.get(row.child_id, []),
            "devices_to_tell": waiting.get(row.child_id, []),
        }
        for row in conn.execute(select(models.erasures).order_by(e.erased_at, e.child_id))
    ]
