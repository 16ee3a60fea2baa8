"""One transaction per write, with the audit event and change-log entry in the same commit.

`UnitOfWork.write()` opens a session whose transaction starts with BEGIN IMMEDIATE. A
`before_flush` hook stamps every synchronised record it flushes (version, timestamps, device),
appends one hash-chained audit event and one change-log entry per record, and refuses hard
deletes. When the block ends without an error the transaction commits durably
(`synchronous=FULL`) and `Changes` says what changed, for the GUI to broadcast.

Tombstoned records (`deleted_at` set) are hidden from every ORM read in one place: a
`do_orm_execute` hook adds `deleted_at IS NULL` for each synchronised model wherever it
appears in a statement (the selected entity, a join, a subquery, an alias, `session.get`).
The few readers that must see tombstones say so: a statement or `get` with
`execution_options=INCLUDE_DELETED`, or a whole `UnitOfWork.including_deleted()` (sync, whose
bundles carry tombstones). Raw `text()` SQL is not seen by the hook and filters for itself.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any, Final, Generic, TypeVar

from sqlalchemy import Engine, Table, delete, event, insert, select
from sqlalchemy.orm import ORMExecuteState, Session, sessionmaker, with_loader_criteria

from earlyyears_desktop.domain.errors import DomainError, NotFound
from earlyyears_desktop.domain.models import (
    AuditEvent,
    ChangeLogEntry,
    Synced,
    new_id,
    utcnow,
)

GENESIS_HASH = "0" * 64
R = TypeVar("R", bound=Synced)
T = TypeVar("T")
#: Execution options for a read that must see tombstoned records as well as live ones.
INCLUDE_DELETED: Final[dict[str, Any]] = {"include_deleted": True}
#: ids per statement of `Transaction.erase` (under SQLite's limit of bound values)
_ERASE_CHUNK = 500


@dataclass(frozen=True)
class Actor:
    """Who is making changes, and on which device."""

    practitioner_id: str
    device_id: str


@dataclass(frozen=True)
class Changes:
    """What one unit of work changed: entity name -> ids."""

    records: dict[str, frozenset[str]] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return any(self.records.values())

    def ids(self, entity: str) -> frozenset[str]:
        return self.records.get(entity, frozenset())

    def touches(self, *entities: str) -> bool:
        return any(self.records.get(e) for e in entities)

    def merged(self, other: Changes) -> Changes:
        keys = set(self.records) | set(other.records)
        return Changes({k: self.ids(k) | other.ids(k) for k in keys})


@dataclass(frozen=True)
class Saved(Generic[T]):
    """What every write in `services/` returns: the `Changes` the app broadcasts, and what
    the caller needs back.

    `value` is the id of the record a write made or changed (`Saved[str]`, read as `id`), the
    ids of several, another answer (a mark as it now stands, the children left unmarked), or
    None when there is nothing more to say. `warning` is for the user although the write
    succeeded (a child over five, say).
    """

    changes: Changes
    value: T
    warning: str | None = None

    @property
    def id(self: Saved[str]) -> str:
        return self.value


def record_digest(record: Synced, leave_out: frozenset[str] = frozenset()) -> str:
    """SHA-256 over every column of a record, in a fixed form, as it will be stored.

    `leave_out`: columns a later schema revision added, for the digest a release before it
    wrote (services/audit.py).
    """
    values = {
        column.key: _plain(getattr(record, column.key))
        for column in record.__table__.columns
        if column.key not in leave_out
    }
    return hashlib.sha256(
        json.dumps(values, sort_keys=True, ensure_ascii=False).encode("utf-8")
    ).hexdigest()


def _plain(value: object) -> object:
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    return value


def _apply_column_defaults(record: Synced) -> None:
    """Fill Python-side column defaults now, so the digest sees what the row will hold."""
    for column in record.__table__.columns:
        if getattr(record, column.key) is not None or column.default is None:
            continue
        default = column.default
        if default.is_scalar:
            setattr(record, column.key, default.arg)
        elif default.is_callable:
            setattr(record, column.key, default.arg(None))


def audit_hash(prev_hash: str, event: AuditEvent | SimpleNamespace) -> str:
    """The chain link: SHA-256 over the previous hash and this event's fields."""
    parts = [
        prev_hash,
        str(event.seq),
        event.at.isoformat(timespec="microseconds"),
        event.practitioner_id,
        event.device_id,
        event.action,
        event.entity,
        event.record_id,
        str(event.version),
    ]
    if event.record_sha256:
        # Events from before revision 0003 have no digest and keep their original hash.
        parts.append(event.record_sha256)
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


class Transaction:
    """The handle a service uses inside `write()`; `changes` is filled in on commit."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.changes = Changes()

    def audit_only(self, action: str, entity: str, record_id: str) -> None:
        """Record an event that changes no synchronised record (unlock, export, erasure)."""
        self.session.info.setdefault("extra_audit", []).append((action, entity, record_id))

    def erase(self, model: type[Synced], ids: Iterable[str]) -> int:
        """Delete these records of one table outright, by id, with one "erase" audit event
        each (ids only: the entity, the id and the version it had), chained in one pass and
        written in one statement; only in `write(allow_erasure=True)`. An object of these
        records already loaded in the session is left as it was (change none); whoever calls
        this deletes leaves first (the foreign keys stay on). Returns how many went."""
        session = self.session
        if not session.info.get("allow_erasure"):
            raise DomainError("Records are never deleted outright: they are marked deleted.")
        session.flush()  # every event before these is in the table: the chain's head is known
        table: Table = model.__table__  # type: ignore[assignment]
        wanted = sorted(set(ids))
        gone: list[tuple[str, int]] = []
        for start in range(0, len(wanted), _ERASE_CHUNK):
            chunk = wanted[start : start + _ERASE_CHUNK]
            gone.extend(
                (row.id, row.version)
                for row in session.execute(
                    delete(table)
                    .where(table.c.id.in_(chunk))
                    .returning(table.c.id, table.c.version)
                )
            )
        if not gone:
            return 0
        actor: Actor = session.info["actor"]
        now = utcnow()
        seq, prev = _audit_head(session)
        rows: list[dict[str, object]] = []
        for record_id, version in sorted(gone):
            seq += 1
            event = SimpleNamespace(
                seq=seq,
                at=now,
                practitioner_id=actor.practitioner_id,
                device_id=actor.device_id,
                action="erase",
                entity=model.entity,
                record_id=record_id,
                version=version,
                record_sha256="",
                prev_hash=prev,
            )
            prev = event.hash = audit_hash(prev, event)
            rows.append(vars(event))
        audit_table: Table = AuditEvent.__table__  # type: ignore[assignment]
        session.execute(insert(audit_table), rows)
        session.info["audit_head"] = (seq, prev)
        session.info["touched"].setdefault(model.entity, set()).update(i for i, _ in gone)
        return len(gone)


class UnitOfWork:
    def __init__(self, engine: Engine, actor: Actor, *, include_deleted: bool = False) -> None:
        """`include_deleted` makes every read of this unit of work see tombstoned records
        too (see `including_deleted`); otherwise they are hidden from every ORM read."""
        self.engine = engine
        self.actor = actor
        self.include_deleted = include_deleted
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        event.listen(self._sessions, "before_flush", _stamp_and_log)
        if not include_deleted:
            event.listen(self._sessions, "do_orm_execute", _hide_deleted)

    def including_deleted(self) -> UnitOfWork:
        """The same vault and actor, for a client whose every read must see tombstones: sync,
        whose bundles carry them and whose conflicts compare them."""
        return UnitOfWork(self.engine, self.actor, include_deleted=True)

    @contextmanager
    def read(self) -> Iterator[Session]:
        with self._sessions() as session, session.begin():
            yield session

    @contextmanager
    def write(
        self, *, allow_erasure: bool = False, applying_sync: bool = False
    ) -> Iterator[Transaction]:
        """One durable transaction.

        `applying_sync` is for records that arrive in a verified return bundle: they keep the
        version and device the central service gave them, are audited as "sync-…" events,
        and are not put in the change log (they are not this device's changes to send back).
        """
        if not self.actor.practitioner_id:
            # A recovery-key unlock names nobody; every change must say who made it.
            raise DomainError(
                "The vault was opened with the recovery key, which can only set a new "
                "passphrase. Set one, then unlock with it to make changes."
            )
        with self._sessions() as session:
            session.connection(execution_options={"write": True})
            session.info.update(
                actor=self.actor,
                touched={},
                allow_erasure=allow_erasure,
                applying_sync=applying_sync,
            )
            tx = Transaction(session)
            try:
                yield tx
                session.flush()
                _flush_extra_audit(session)
                session.commit()
            except BaseException:
                session.rollback()
                raise
            tx.changes = Changes({k: frozenset(v) for k, v in session.info["touched"].items()})


def _hide_deleted(state: ORMExecuteState) -> None:
    """Add `deleted_at IS NULL` for every synchronised model a select reads.

    A column or relationship load of an object already loaded is left alone (the object was
    live when it was loaded, and a refresh must find its row); `INCLUDE_DELETED` opts out.
    """
    if (
        not state.is_select
        or state.is_column_load
        or state.is_relationship_load
        or state.execution_options.get("include_deleted", False)
    ):
        return
    state.statement = state.statement.options(
        with_loader_criteria(Synced, _live_only, include_aliases=True)
    )


def _live_only(model: type[Synced]) -> Any:
    return model.deleted_at.is_(None)


def _stamp_and_log(session: Session, _context: Any, _instances: Any) -> None:
    actor: Actor | None = session.info.get("actor")
    if actor is None:
        raise DomainError("Changes must be made through a service.")
    now = utcnow()
    if session.info.get("applying_sync"):
        _log_sync_applied(session, actor, now)
        return
    logged: list[tuple[str, Synced]] = []
    for obj in session.new:
        if isinstance(obj, Synced):
            if obj.id is None:
                obj.id = new_id()
            obj.version = 1
            obj.created_at = obj.created_at or now
            obj.updated_at = now
            obj.changed_by_device = actor.device_id
            logged.append(("create", obj))
    for obj in session.dirty:
        if isinstance(obj, Synced) and session.is_modified(obj, include_collections=False):
            if obj.version is None:
                continue
            was_deleted = _attribute_history_had(obj, "deleted_at")
            obj.version = obj.version + 1
            obj.updated_at = now
            obj.changed_by_device = actor.device_id
            action = "delete" if obj.deleted_at is not None and not was_deleted else "update"
            logged.append((action, obj))
    for obj in session.deleted:
        if isinstance(obj, Synced):
            if not session.info.get("allow_erasure"):
                raise DomainError("Records are never deleted outright: they are marked deleted.")
            logged.append(("erase", obj))
    if not logged:
        return
    with session.no_autoflush:
        for action, obj in logged:
            _apply_column_defaults(obj)
            digest = "" if action == "erase" else record_digest(obj)
            _append_audit(session, actor, action, obj.entity, obj.id, obj.version, now, digest)
            if action != "erase":
                session.add(
                    ChangeLogEntry(entity=obj.entity, record_id=obj.id, version=obj.version, at=now)
                )
            session.info["touched"].setdefault(obj.entity, set()).add(obj.id)


def _log_sync_applied(session: Session, actor: Actor, now: dt.datetime) -> None:
    """Audit records applied from the central service, exactly as they arrived."""
    applied = [("sync-create", o) for o in session.new if isinstance(o, Synced)] + [
        ("sync-update", o)
        for o in session.dirty
        if isinstance(o, Synced) and session.is_modified(o, include_collections=False)
    ]
    if any(isinstance(o, Synced) for o in session.deleted):
        raise DomainError("Records are never deleted outright: they are marked deleted.")
    with session.no_autoflush:
        for action, obj in applied:
            if obj.id is None or obj.version is None:
                raise DomainError("A record from the central service has no id or version.")
            _apply_column_defaults(obj)
            _append_audit(
                session, actor, action, obj.entity, obj.id, obj.version, now, record_digest(obj)
            )
            session.info["touched"].setdefault(obj.entity, set()).add(obj.id)


def _attribute_history_had(obj: Synced, name: str) -> bool:
    from sqlalchemy import inspect

    history = inspect(obj).attrs[name].history
    return bool(history.deleted and history.deleted[0] is not None)


def _flush_extra_audit(session: Session) -> None:
    extra = session.info.pop("extra_audit", [])
    if not extra:
        return
    actor: Actor = session.info["actor"]
    now = utcnow()
    for action, entity, record_id in extra:
        _append_audit(session, actor, action, entity, record_id, 0, now)
    session.flush()


def _append_audit(
    session: Session,
    actor: Actor,
    action: str,
    entity: str,
    record_id: str,
    version: int,
    at: dt.datetime,
    digest: str = "",
) -> None:
    head = _audit_head(session)
    seq, prev = head[0] + 1, head[1]
    audit = AuditEvent(
        seq=seq,
        at=at,
        practitioner_id=actor.practitioner_id,
        device_id=actor.device_id,
        action=action,
        entity=entity,
        record_id=record_id,
        version=version,
        record_sha256=digest,
        prev_hash=prev,
    )
    audit.hash = audit_hash(prev, audit)
    session.add(audit)
    session.info["audit_head"] = (seq, audit.hash)


def _audit_head(session: Session) -> tuple[int, str]:
    """The seq and hash of the chain's last event, this transaction's included."""
    head: tuple[int, str] | None = session.info.get("audit_head")
    if head is None:
        row = session.execute(
            select(AuditEvent.seq, AuditEvent.hash).order_by(AuditEvent.seq.desc()).limit(1)
        ).first()
        head = (row.seq, row.hash) if row else (0, GENESIS_HASH)
    return head


def get_live(session: Session, model: type[R], record_id: str) -> R:
    """The record, unless it is missing or marked deleted: then a NotFound naming its kind."""
    record = session.get(model, record_id)
    if record is None or record.deleted_at is not None:
        what = model.entity.replace("_", " ")
        raise NotFound(f"That {what} is not in this vault.")
    return record


def assign_changed(record: Synced, values: Mapping[str, object]) -> None:
    """Set only what differs, so an unchanged save writes nothing and bumps no version."""
    for key, value in values.items():
        if getattr(record, key) != value:
            setattr(record, key, value)


def mark_deleted(session: Session, model: type[R], record_id: str) -> R:
    """Tombstone a live record (it syncs as deleted); NotFound if it is missing or gone."""
    record = get_live(session, model, record_id)
    record.deleted_at = utcnow()
    return record
