"""Writing a device's next export bundle and marking its changes exported.

Three steps, so that the write lock is never held while the bundle is written (the register
keeps saving marks): a short write transaction reserves the sequence number, the changes
covered and the file name (checked free); the bundle is written from a read transaction into
temporary files and given its name only when complete, never over another file; a second
short write transaction marks the changes exported, only once the bundle is complete on disk.
A process killed on the way leaves no bundle it does not remember (the next export removes
one it wrote but could not record) and no change marked sent.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import (
    ColumnElement,
    and_,
    column,
    delete,
    exists,
    func,
    insert,
    select,
    table,
    text,
    update,
)
from sqlalchemy.orm import Session

from earlyyears_desktop.domain.errors import DomainError
from earlyyears_desktop.domain.models import (
    AuditEvent,
    ChangeLogEntry,
    LaNotification,
    SyncBundle,
    utcnow,
)
from earlyyears_desktop.services.unit_of_work import Changes
from earlyyears_desktop.storage.faults import storage_fault

from .bundle import (
    CancelledCallback,
    ProgressCallback,
    WrittenBundle,
    bundle_file_name,
    write_bundle,
)
from .device_errors import ConcurrentExport, DeviceRevoked, NotEnrolled, NothingToExport
from .device_results import ExportResult
from .entity_types import announcement, newest_announcement, sendable_entity_types
from .erasure_instructions import ERASURE, ErasureInstruction, reads_erasures
from .erasure_sync import instructions_to_send, note_exported
from .export_collector import ExportCollector, pending_records
from .export_reservation import (
    BundleNameTaken,
    check_name_free,
    export_lock,
    remove_dead_export,
)
from .keys import KeyPair
from .sharing import RETURN_ENTITIES, consenting_children
from .stream_state import (
    S_CENTRAL_ID,
    S_EXPORT_RESERVED,
    S_EXPORT_SEQ,
    S_EXPORT_SHA,
    S_RETURN_SEQ,
    S_REVOKED,
    CentralPeer,
    clear_setting,
    load_device_keys,
    load_peer,
    read_accepted_entities,
    read_int_setting,
    read_setting,
    write_setting,
)

if TYPE_CHECKING:
    from earlyyears_desktop.services.container import Services

#: what an export stopped by a full or read-only folder kept
BUNDLE_NOT_WRITTEN = "the bundle was not written and nothing was marked as sent"


@dataclass(frozen=True)
class _ExportReservation:
    """What the first transaction of an export reserved (see `DeviceSync.export`)."""

    sequence: int
    path: Path
    in_scope: ColumnElement[bool]
    through: int
    previous_sha: str | None
    #: this device's erasures not yet acknowledged: sent whatever the consents (8.3)
    erasures: tuple[ErasureInstruction, ...] = ()


def export_bundle(
    services: Services,
    out_folder: str | os.PathLike[str],
    progress: ProgressCallback | None = None,
    cancelled: CancelledCallback | None = None,
    again: bool = False,
    *,
    max_changes: int | None = None,
    now: dt.datetime | None = None,
) -> ExportResult:
    """Write the next export bundle into `out_folder` and mark its changes exported.

    `again` also sends changes already exported but not yet acknowledged (a lost USB
    stick). `max_changes` limits how many change-log entries one bundle covers; the rest
    wait for the next export. Raises NothingToExport rather than writing an empty bundle,
    and ExportInProgress while another export of this vault is being written. The three
    steps are those of the module's docstring.
    """
    keys, peer = _ready_to_export(services)
    folder = Path(out_folder)
    if not folder.is_dir():
        raise DomainError("The folder to export to does not exist.")
    with export_lock(services.vault.paths.folder):
        reservation = _reserve_export(services, folder, peer, again, max_changes)
        written_here = False
        try:
            collector, written = _write_export(
                services, reservation, keys, peer, progress, cancelled, now
            )
            written_here = True
            if collector.sent == 0 and not len(collector.erasures):
                raise NothingToExport(
                    collector.held_back, len(collector.held_children), collector.held_types
                )
            included = _record_export(services, reservation, peer, collector, written)
        except BaseException as exc:
            if written_here:
                # A bundle this device does not remember sending must not be delivered.
                reservation.path.unlink(missing_ok=True)
            with contextlib.suppress(Exception):  # a reservation left is cleared next time
                _release_export(services, reservation)
            if isinstance(exc, FileExistsError):  # given the name meanwhile: not ours
                raise BundleNameTaken(reservation.path.name) from None
            fault = storage_fault(exc, folder, BUNDLE_NOT_WRITTEN, vault=False)
            if isinstance(exc, OSError) and fault is not None:
                raise fault from exc
            raise
    bundle_id = str(written.manifest["bundle_id"])
    return ExportResult(
        path=reservation.path,
        sequence=reservation.sequence,
        record_count=collector.sent,
        held_back=collector.held_back,
        held_back_children=len(collector.held_children),
        bundle_id=bundle_id,
        manifest_sha256=written.manifest_sha256,
        changes_included=included,
        held_back_types=tuple(collector.held_types.items()),
        erasures_sent=len(collector.erasures),
        changes=Changes({LaNotification.entity: frozenset(collector.notifications_sent)})
        if collector.notifications_sent
        else Changes(),
    )


def _reserve_export(
    services: Services, folder: Path, peer: CentralPeer, again: bool, max_changes: int | None
) -> _ExportReservation:
    """One short write transaction: the sequence number, the changes it covers and the
    file name, which no file may have already (an existing file is never written over)."""
    pending = _pending_condition(again)
    with services.uow.write() as tx:
        session = tx.session
        if read_setting(session, S_CENTRAL_ID) != peer.central_id:
            raise ConcurrentExport()  # enrolled elsewhere meanwhile
        through = _change_seq_through(session, pending, max_changes)
        erasures = tuple(instructions_to_send(session, services.vault.device_id))
        if through is None:
            if not erasures:
                raise NothingToExport(0, 0)
            through = 0  # no change to send: the erasure instructions alone
        last_seq = read_int_setting(session, S_EXPORT_SEQ)
        sequence = last_seq + 1
        path = folder.absolute() / bundle_file_name("export", services.vault.device_id, sequence)
        # Under the export lock, a reservation still here was left by an export that
        # died: what it wrote is removed (it was never recorded as sent).
        stale = read_setting(session, S_EXPORT_RESERVED)
        if stale:
            remove_dead_export(Path(stale))
        check_name_free(path)
        write_setting(session, S_EXPORT_RESERVED, str(path))
        reservation = _ExportReservation(
            sequence=sequence,
            path=path,
            in_scope=and_all(pending, ChangeLogEntry.seq <= through),
            through=through,
            previous_sha=(read_setting(session, S_EXPORT_SHA) or None) if sequence > 1 else None,
            erasures=erasures,
        )
    return reservation


def _write_export(
    services: Services,
    reservation: _ExportReservation,
    keys: KeyPair,
    peer: CentralPeer,
    progress: ProgressCallback | None,
    cancelled: CancelledCallback | None,
    now: dt.datetime | None,
) -> tuple[ExportCollector, WrittenBundle]:
    """Write the bundle from one read transaction (no write lock) under the reserved name."""
    with services.uow.read() as session:
        head = session.execute(
            select(AuditEvent.seq, AuditEvent.hash).order_by(AuditEvent.seq.desc()).limit(1)
        ).first()
        consenting = consenting_children(session)
        announced = read_accepted_entities(session)
        accepted = sendable_entity_types(announced)
        erasures = reservation.erasures if reads_erasures(announced) else ()
        imported_through = read_int_setting(session, S_RETURN_SEQ)
        with pending_records(session, reservation.in_scope) as counts:
            collector = ExportCollector(
                session, reservation.in_scope, consenting, progress, counts, accepted
            )
            if len(erasures) < len(reservation.erasures):
                # A central service of revision 1.4 or earlier would refuse the bundle.
                collector.held_types[ERASURE] = len(reservation.erasures)
            collector.erasures = erasures
            written = write_bundle(
                reservation.path,
                kind="export",
                sender_id=services.vault.device_id,
                sender_signing_key=keys.signing,
                recipient_id=peer.central_id,
                recipient_public_key=peer.encryption_key,
                sequence=reservation.sequence,
                previous_bundle_sha256=reservation.previous_sha,
                records=itertools.chain(
                    (erasure.record() for erasure in erasures), collector.records()
                ),
                extra={
                    "audit_head": {
                        "seq": head.seq if head else 0,
                        "hash": head.hash if head else "0" * 64,
                    },
                    "change_seq_through": reservation.through,
                    # what this device reads in return bundles (sections 14.3 and 8.3)
                    "accepted_entities": announcement(
                        newest_announcement(RETURN_ENTITIES) | {ERASURE}
                    ),
                    # the central service tells it of erasures until it has them (8.3)
                    "return_imported_through": imported_through,
                },
                cancelled=cancelled,
                now=now,
                replace=False,
            )
    return collector, written


def _record_export(
    services: Services,
    reservation: _ExportReservation,
    peer: CentralPeer,
    collector: ExportCollector,
    written: WrittenBundle,
) -> int:
    """The bundle is complete on disk: mark its changes exported and release the number."""
    bundle_id = str(written.manifest["bundle_id"])
    with services.uow.write() as tx:
        session = tx.session
        if (
            read_setting(session, S_EXPORT_RESERVED) != str(reservation.path)
            or read_int_setting(session, S_EXPORT_SEQ) != reservation.sequence - 1
            or read_setting(session, S_CENTRAL_ID) != peer.central_id
        ):
            raise ConcurrentExport()
        in_scope = reservation.in_scope
        held_types = {e: n for e, n in collector.held_types.items() if e != ERASURE}
        if held_types:
            # Their changes stay pending, to be sent once the central service accepts them.
            in_scope = and_all(in_scope, ChangeLogEntry.entity.not_in(sorted(held_types)))
        included = mark_exported(session, in_scope, reservation.sequence, collector.held_pairs)
        outcome = f"{collector.sent} records"
        if collector.erasures:
            note_exported(session, (e.child_id for e in collector.erasures), reservation.sequence)
            outcome += f"; {len(collector.erasures)} erasure instructions"
        if collector.held_back:
            outcome += f"; {collector.held_back} held back (no consent)"
        if collector.held_types:
            held = sum(collector.held_types.values())
            kinds = ", ".join(collector.held_types)
            outcome += f"; {held} held back (not accepted centrally yet: {kinds})"
        session.add(
            SyncBundle(
                id=bundle_id,
                direction="export",
                sequence=reservation.sequence,
                manifest_sha256=written.manifest_sha256,
                file_name=reservation.path.name,
                record_count=collector.sent,
                at=utcnow(),
                outcome=outcome,
            )
        )
        write_setting(session, S_EXPORT_SEQ, str(reservation.sequence))
        write_setting(session, S_EXPORT_SHA, written.manifest_sha256)
        clear_setting(session, S_EXPORT_RESERVED)
        tx.audit_only("export", "bundle", bundle_id)
    return included


def _release_export(services: Services, reservation: _ExportReservation) -> None:
    with services.uow.write() as tx:
        if read_setting(tx.session, S_EXPORT_RESERVED) == str(reservation.path):
            clear_setting(tx.session, S_EXPORT_RESERVED)


def _ready_to_export(services: Services) -> tuple[KeyPair, CentralPeer]:
    with services.uow.read() as session:
        keys = load_device_keys(session)
        peer = load_peer(session)
        revoked = read_setting(session, S_REVOKED)
    if keys is None or peer is None:
        raise NotEnrolled()
    if revoked:
        raise DeviceRevoked(revoked)
    return keys, peer


def and_all(*conditions: ColumnElement[bool]) -> ColumnElement[bool]:
    return and_(*conditions)


def _pending_condition(again: bool) -> ColumnElement[bool]:
    # acknowledged without exported_seq never happens except for superseded entries, which
    # also get exported_seq 0; the extra test keeps them out whatever the count says.
    unacknowledged = ChangeLogEntry.acknowledged.is_(False)
    if again:
        return unacknowledged
    return and_(ChangeLogEntry.exported_seq.is_(None), unacknowledged)


def _change_seq_through(
    session: Session, pending: ColumnElement[bool], max_changes: int | None
) -> int | None:
    if max_changes is None:
        value = session.scalar(select(func.max(ChangeLogEntry.seq)).where(pending))
    else:
        if max_changes < 1:
            raise ValueError("max_changes must be at least 1")
        value = session.scalar(
            select(ChangeLogEntry.seq)
            .where(pending)
            .order_by(ChangeLogEntry.seq)
            .offset(max_changes - 1)
            .limit(1)
        )
        if value is None:
            value = session.scalar(select(func.max(ChangeLogEntry.seq)).where(pending))
    return None if value is None else int(value)


_HELD = table("sync_held_back", column("entity"), column("record_id"))


def mark_exported(
    session: Session,
    in_scope: ColumnElement[bool],
    sequence: int,
    held_pairs: list[tuple[str, str]],
) -> int:
    """Set `exported_seq` on the entries the bundle covered (not the held-back ones)."""
    condition = in_scope
    if held_pairs:
        session.execute(
            text("CREATE TEMP TABLE IF NOT EXISTS sync_held_back (entity TEXT, record_id TEXT)")
        )
        session.execute(delete(_HELD))
        session.execute(
            insert(_HELD),
            [{"entity": e, "record_id": r} for e, r in held_pairs],
        )
        condition = and_all(
            in_scope,
            ~exists().where(
                _HELD.c.entity == ChangeLogEntry.entity,
                _HELD.c.record_id == ChangeLogEntry.record_id,
            ),
        )
    result = session.execute(
        update(ChangeLogEntry).where(condition).values(exported_seq=sequence),
        execution_options={"synchronize_session": False},
    )
    if held_pairs:
        session.execute(text("DROP TABLE temp.sync_held_back"))
    return int(result.rowcount)  # type: ignore[attr-defined]
