"""Erasing a child: the one path allowed to delete records for real.

Everywhere else a record is tombstoned (`deleted_at`) and the unit of work refuses a hard
delete. `ErasureService.erase_child` is the exception: in one transaction
(`uow.write(allow_erasure=True)`) it deletes every row that belongs to the child
(`services/erasure_scope.py` says which: the registry's child links, then the foreign keys),
tombstones included, with their change-log entries, known versions and conflict copies; the
observations' search entries are deleted by the index's triggers (no search finds them). The
rows go by table, leaves first, with `Transaction.erase` (one `DELETE ... WHERE id IN (...)`
per 500 ids; no ORM object is loaded), which writes one "erase" audit event per record (ids
only: entity, id, version), chained in one pass and inserted in one statement; one
"erase-child" event is added for the child; the erasure is recorded in the vault's erasure
ledger (child id, when, who, the reason's category: no name), which is what the sync code
reads to tell the central service.

After the commit, `compact()` removes what is left in the file: an `optimize` of the child's
shard of the contentless search index (a delete there only marks the entry gone; its words
stay in the shard's pages until they are merged; the index is split by child into 16 shards,
`storage/search_index.py`, so that this rewrites a sixteenth of it, not all), then a vacuum
and `wal_checkpoint(TRUNCATE)`: with `secure_delete` on, freed pages are already zeroed, and
after the vacuum no free page remains. The first compaction of a vault is a full `VACUUM` that
also turns on `auto_vacuum = INCREMENTAL`; every later one is `PRAGMA incremental_vacuum`,
which moves only the pages after the free ones and truncates the file (a full VACUUM of a 400
MB vault takes most of a minute). Neither can run inside a transaction; erasing many children
(the retention review, several instructions in a bundle) erases each with `compact=False` and
compacts once at the end. Until a compaction has run, the vault says one is owed, with the
shards to optimise (`compact_pending()`, set in the erasure's own transaction, so a crash in
between cannot lose it): `compact_if_pending()` finishes it (at the next unlock, say).

The audit events of erased records stay, so the audit chain still verifies: an "erase" event
tells `services/audit.py` that the record is meant to be gone.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from sqlalchemy.orm import Session

from earlyyears_desktop.domain.enums import ErasureReason
from earlyyears_desktop.domain.errors import DomainError, NotFound
from earlyyears_desktop.domain.models import Child, Observation, VaultSetting, utcnow
from earlyyears_desktop.services.administrators import AdministratorService
from earlyyears_desktop.services.erasure_scope import (
    child_scope,
    clear_references,
    delete_bookkeeping,
    tables_leaves_first,
)
from earlyyears_desktop.services.unit_of_work import INCLUDE_DELETED, Changes, Saved, UnitOfWork
from earlyyears_desktop.storage.search_index import (
    SHARDS,
    shard_table,
    take_shards_holding,
)

#: the VaultSetting holding the erasure ledger (a JSON list; local, never synchronised)
LEDGER = "erasures"
#: the audit event added for the child itself
ERASE_CHILD = "erase-child"


class ChildNotInVault(NotFound):
    """An erasure asked for a child this vault does not hold (and never erased)."""


class AlreadyErased(DomainError):
    """An erasure asked for a child whose records were already erased here."""


@dataclass(frozen=True)
class ErasureDone:
    """What erasing one child removed (counts only) and whether the file was compacted."""

    child_id: str
    records: int
    #: entity name -> how many of its records went
    by_entity: tuple[tuple[str, int], ...]
    #: optional references of records that stay, cleared (another child's record pointing
    #: at one of this child's)
    references_cleared: int
    compacted: bool


@dataclass(frozen=True)
class Erasure:
    """One line of the erasure ledger: no name, only what the instruction to the central
    service needs."""

    child_id: str
    #: when (UTC, naive)
    erased_at: dt.datetime
    #: the practitioner id of whoever erased
    erased_by: str
    reason: ErasureReason
    #: carried out on the central service's signed instruction (nothing to send back)
    instructed_by_central: bool
    #: the export bundle (its sequence number) that carried the instruction, once sent
    sent_in: int | None = None

    def as_json(self) -> dict[str, object]:
        return {
            "child_id": self.child_id,
            "erased_at": self.erased_at.isoformat(timespec="seconds"),
            "erased_by": self.erased_by,
            "reason": self.reason.value,
            "instructed_by_central": self.instructed_by_central,
            "sent_in": self.sent_in,
        }

    @classmethod
    def from_json(cls, data: dict[str, object]) -> Erasure:
        sent = data.get("sent_in")
        return cls(
            child_id=str(data["child_id"]),
            erased_at=dt.datetime.fromisoformat(str(data["erased_at"])),
            erased_by=str(data.get("erased_by", "")),
            reason=ErasureReason(str(data.get("reason", ErasureReason.FAMILY_REQUEST.value))),
            instructed_by_central=bool(data.get("instructed_by_central", False)),
            sent_in=int(sent) if isinstance(sent, int) else None,
        )


def read_ledger(session: Session) -> list[Erasure]:
    row = session.get(VaultSetting, LEDGER)
    if row is None or not row.value:
        return []
    return [Erasure.from_json(item) for item in json.loads(row.value)]


def _write_ledger(session: Session, erasures: Sequence[Erasure]) -> None:
    value = json.dumps([e.as_json() for e in erasures], sort_keys=True)
    row = session.get(VaultSetting, LEDGER)
    if row is None:
        session.add(VaultSetting(key=LEDGER, value=value))
    else:
        row.value = value


class ErasureService:
    def __init__(
        self,
        uow: UnitOfWork,
        administrators: AdministratorService,
        upgrade_copies: Path | None = None,
    ) -> None:
        self.uow = uow
        self.administrators = administrators
        #: the vault's `backups` folder: the copies taken before a schema upgrade, each a
        #: whole vault, which an erasure deletes (they held the child)
        self.upgrade_copies = upgrade_copies

    def erase_child(
        self,
        child_id: str,
        reason: ErasureReason | str,
        *,
        instructed_by_central: bool = False,
        compact: bool = True,
    ) -> Saved[ErasureDone]:
        """Erase every record of the child, for real; administrators only, unless the
        local authority's central service instructed it (a signed instruction the sync code
        has verified). `compact=False` leaves `compact()` to the caller (several at once)."""
        if not instructed_by_central:
            self.administrators.require_administrator("erase a child's records")
        why = ErasureReason.CENTRAL_INSTRUCTION if instructed_by_central else _reason(reason)
        with self.uow.write(allow_erasure=True) as tx:
            session = tx.session
            ledger = read_ledger(session)
            erased_before = any(e.child_id == child_id for e in ledger)
            if session.get(Child, child_id, execution_options=INCLUDE_DELETED) is None:
                if erased_before:
                    raise AlreadyErased("That child's records have already been erased.")
                raise ChildNotInVault("That child is not in this vault.")
            # Erased before and back all the same (a return bundle imported before devices
            # kept an erased child's records out): erased again, under the ledger's one line.
            scope = child_scope(session, child_id)
            clear_references(session, scope)
            session.flush()
            # owed until compact() has run, even if the app stops before it does: the
            # shards of the search index holding the words of the observations that go
            # (their child's, and any they were moved from) keep them until optimised
            observations = scope.ids.get(Observation.__tablename__, set())
            _owe_compaction(session, take_shards_holding(session, observations))
            by_entity: dict[str, int] = {}
            # leaves first, one table at a time: the foreign keys stay satisfied
            for model, ids in tables_leaves_first(scope):
                by_entity[model.entity] = tx.erase(model, ids)
            delete_bookkeeping(session, scope)
            tx.audit_only(ERASE_CHILD, "child", child_id)
            session.info["touched"].setdefault("child", set()).add(child_id)
            if not erased_before:
                _write_ledger(
                    session,
                    [
                        *ledger,
                        Erasure(
                            child_id=child_id,
                            erased_at=utcnow().replace(microsecond=0),
                            erased_by=self.uow.actor.practitioner_id,
                            reason=why,
                            instructed_by_central=instructed_by_central,
                        ),
                    ],
                )
        self._delete_upgrade_copies()
        compacted = False
        warning = None
        if compact:
            compacted = self.compact()
            if not compacted:
                warning = (
                    "The records are erased, but the vault's file could not be compacted "
                    "now; it will be the next time the vault is unlocked in the app."
                )
        done = ErasureDone(
            child_id=child_id,
            records=scope.count,
            by_entity=tuple(sorted(by_entity.items())),
            references_cleared=sum(len(v) for v in scope.cleared.values()),
            compacted=compacted,
        )
        return Saved(tx.changes, done, warning)

    def erase_children(
        self,
        child_ids: Sequence[str],
        reason: ErasureReason | str,
        progress: Callable[[int, int], None] | None = None,
    ) -> Saved[list[ErasureDone]]:
        """Erase several children (the retention review), each in its own transaction and
        through `erase_child`, then compact once. Administrators only."""
        self.administrators.require_administrator("erase a child's records")
        done: list[ErasureDone] = []
        changes = Changes()
        total = len(child_ids)
        for number, child_id in enumerate(child_ids):
            if progress is not None:
                progress(number, total)
            saved = self.erase_child(child_id, reason, compact=False)
            done.append(saved.value)
            changes = changes.merged(saved.changes)
        compacted = self.compact() if child_ids else True
        if progress is not None:
            progress(total, total)
        return Saved(changes, [replace(d, compacted=compacted) for d in done])

    def compact(self) -> bool:
        """Optimise the shards of the search index that erasures left words in, vacuum the
        database and truncate its write-ahead log, so no index page, free page or old log
        frame keeps erased rows. False if it could not run now (another reader or writer, no
        room): what is still owed stays recorded, for `compact_if_pending()`."""
        try:
            with self.uow.engine.connect() as conn:
                raw = conn.connection.dbapi_connection
                assert raw is not None
                raw.execute("BEGIN IMMEDIATE")
                try:
                    row = raw.execute(
                        "SELECT value FROM vault_settings WHERE key = ?", (_COMPACT_PENDING,)
                    ).fetchone()
                    for shard in sorted(_shards_owed(row[0] if row else None)):
                        fts = shard_table(shard)
                        raw.execute(f"INSERT INTO {fts}({fts}) VALUES ('optimize')").fetchall()
                    # the shards are merged: the vacuum and the log's truncation are owed
                    raw.execute(
                        "UPDATE vault_settings SET value = '[]' WHERE key = ?",
                        (_COMPACT_PENDING,),
                    ).fetchall()
                    raw.execute("COMMIT")
                except BaseException:
                    raw.execute("ROLLBACK")
                    raise
                if raw.execute("PRAGMA auto_vacuum").fetchone()[0] != _INCREMENTAL:
                    # once per vault: the whole file rewritten, and from then on SQLite keeps
                    # the map that lets a compaction move only the pages after the free ones
                    raw.execute(f"PRAGMA auto_vacuum = {_INCREMENTAL}").fetchall()
                    raw.execute("VACUUM").fetchall()
                else:
                    raw.execute("PRAGMA incremental_vacuum").fetchall()
                if raw.execute(_TRUNCATE_LOG).fetchone()[0]:
                    return False  # another reader kept old frames in the log: still owed
                # Nothing is owed now; saying so writes to the log again, emptied in turn.
                raw.execute("BEGIN IMMEDIATE")
                raw.execute("DELETE FROM vault_settings WHERE key = ?", (_COMPACT_PENDING,))
                raw.execute("COMMIT")
                raw.execute(_TRUNCATE_LOG).fetchall()
        except Exception:  # the erasure is committed; the pages are zeroed (secure_delete)
            return False
        return True

    def _delete_upgrade_copies(self) -> None:
        """The copies the vault took of itself before a schema upgrade hold every child as
        they were then: after an erasure they go (the upgrade they guarded is done, as the
        vault opened on the new schema). A backup the user made elsewhere is theirs to delete
        (the erasure dialog and the guide say so)."""
        if self.upgrade_copies is None or not self.upgrade_copies.is_dir():
            return
        for copy in self.upgrade_copies.glob("before-upgrade-*.db"):
            with contextlib.suppress(OSError):
                copy.unlink()

    def compact_pending(self) -> bool:
        """Whether a compaction after an erasure could not run and is still owed."""
        with self.uow.read() as session:
            return session.get(VaultSetting, _COMPACT_PENDING) is not None

    def compact_if_pending(self) -> bool:
        """Compact if an earlier compaction after an erasure could not run (call it when
        the vault is locked, or at the next unlock)."""
        return self.compact() if self.compact_pending() else True

    # ---- the ledger, for the sync code and the screens ----

    def erasures(self) -> list[Erasure]:
        """Every erasure carried out on this vault, oldest first."""
        with self.uow.read() as session:
            return read_ledger(session)

    def erased_child_ids(self) -> frozenset[str]:
        """The ids of every child erased here (a record arriving for one is not taken)."""
        return frozenset(e.child_id for e in self.erasures())

    def pending_erasure_instructions(self) -> list[Erasure]:
        """Erasures made here that the central service has not been told of yet: each goes
        in the next export bundle as an instruction, whatever the child's consents."""
        return [e for e in self.erasures() if not e.instructed_by_central and e.sent_in is None]

    def mark_instructions_sent(self, child_ids: Iterable[str], bundle_sequence: int) -> None:
        """Record that the export bundle `bundle_sequence` carried these instructions (call
        it in the export's own transaction's aftermath, once the bundle is written)."""
        wanted = set(child_ids)
        with self.uow.write() as tx:
            ledger = read_ledger(tx.session)
            _write_ledger(
                tx.session,
                [
                    replace(e, sent_in=bundle_sequence)
                    if e.child_id in wanted and e.sent_in is None
                    else e
                    for e in ledger
                ],
            )

    def mark_instructions_unsent(self, bundle_sequence: int) -> None:
        """The bundle `bundle_sequence` was never delivered (a new export replaces it): its
        instructions go again in the next."""
        with self.uow.write() as tx:
            ledger = read_ledger(tx.session)
            _write_ledger(
                tx.session,
                [replace(e, sent_in=None) if e.sent_in == bundle_sequence else e for e in ledger],
            )


#: the VaultSetting saying a compaction is owed: a JSON list of the search index's shards
#: to optimise (`[]`: only the vacuum; "1", written before the index had shards: all of them)
_COMPACT_PENDING = "erasure_compact_pending"
#: SQLite's auto_vacuum = INCREMENTAL
_INCREMENTAL = 2
#: copy the log into the database and empty it; its first column is 1 if a reader held it up
_TRUNCATE_LOG = "PRAGMA wal_checkpoint(TRUNCATE)"


def _shards_owed(value: str | None) -> set[int]:
    """The shards a pending compaction must optimise. The index is contentless: a delete
    only marks the row gone, and its words stay in the shard's pages until they are merged;
    `optimize` merges them all (it rewrites the shard: a sixteenth of the index)."""
    if value is None:
        return set()
    owed = json.loads(value)
    if not isinstance(owed, list):  # the older flag: the whole index
        return set(range(SHARDS))
    return {int(shard) for shard in owed}


def _owe_compaction(session: Session, shards: set[int]) -> None:
    """Record, in the caller's transaction, that a compaction is owed, with these shards
    added to any already owed."""
    row = session.get(VaultSetting, _COMPACT_PENDING)
    owed = sorted(shards | _shards_owed(row.value if row is not None else None))
    value = json.dumps(owed)
    if row is None:
        session.add(VaultSetting(key=_COMPACT_PENDING, value=value))
    else:
        row.value = value


def _reason(reason: ErasureReason | str) -> ErasureReason:
    try:
        return ErasureReason(reason)
    except ValueError:
        raise DomainError("Please choose why the records are being erased.") from None


__all__ = [
    "ERASE_CHILD",
    "AlreadyErased",
    "ChildNotInVault",
    "Erasure",
    "ErasureDone",
    "ErasureService",
]
