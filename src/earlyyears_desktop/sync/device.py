"""The device side of sync: enrolment, export bundles, return bundles, conflicts, history.

`DeviceSync(services)` is what the GUI's sync page, the `earlyyears enrol-request / enrol /
export / import` commands and the tests use. Everything it keeps lives inside the encrypted
vault: the device's private keys and the central service's public keys in `DeviceKey` rows,
the stream state (sequence numbers, manifest hashes, revocation) in `VaultSetting` rows.

Ordering and conflict detection use version numbers and bundle sequence numbers only, never a
clock. The receiver policy is docs/bundle-format.md section 10; the device's choices are in
its section 16 and, for people, in docs/sync.md.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from sqlalchemy import (
    ColumnElement,
    String,
    Table,
    and_,
    column,
    delete,
    exists,
    func,
    insert,
    literal,
    or_,
    select,
    table,
    text,
    type_coerce,
    update,
)
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from earlyyears_desktop.domain.enums import ConsentKind
from earlyyears_desktop.domain.errors import DomainError, NotFound
from earlyyears_desktop.domain.models import (
    SYNCED_MODELS,
    AuditEvent,
    Base,
    ChangeLogEntry,
    Child,
    Consent,
    DeviceKey,
    Group,
    GroupSession,
    HomeVisit,
    Practitioner,
    SupportPlan,
    SyncBundle,
    SyncConflict,
    Synced,
    SyncRecordVersion,
    VaultSetting,
    utcnow,
)
from earlyyears_desktop.services.children import display_name
from earlyyears_desktop.services.unit_of_work import Changes, UnitOfWork
from earlyyears_desktop.storage.atomic_file import replace_atomically

from .bundle import (
    MAX_SEQUENCE_GAP,
    CancelledCallback,
    ProgressCallback,
    TrustedSender,
    VerifiedBundle,
    WrittenBundle,
    bundle_file_name,
    open_bundle,
    sequence_too_far_ahead,
    write_bundle,
)
from .canonical import canonical_dumps, canonical_loads
from .enrolment_files import (
    build_enrolment_request,
    parse_enrolment_response,
    read_enrolment_file,
    request_sha256,
)
from .errors import BundleRefused
from .export_reservation import ExportInProgress, create_exclusively, export_lock
from .keys import (
    CipherSuite,
    EncryptionPublicKey,
    KeyPair,
    fingerprint,
    key_id,
    load_encryption_public_key_pem,
    load_signing_public_key_pem,
    public_key_to_pem,
)
from .records import (
    BASE_VERSION,
    CODECS,
    DecodedRecord,
    codec_for,
    data_of,
    decode_record,
    encode_values,
    is_temporal,
    row_encoder,
)

if TYPE_CHECKING:
    from earlyyears_desktop.services.container import Services

#: entities a return bundle may carry (agreed with the central service)
RETURN_ENTITIES: Final = frozenset(
    {
        "child",
        "carer",
        "consent",
        "team_member",
        "venue",
        "group",
        "group_staff",
        "enrolment",
        "session",
        "strategy",
    }
)
#: records that belong to one child and need that child's consent to be shared centrally
CHILD_LINKED: Final = frozenset(
    {
        "child",
        "carer",
        "consent",
        "team_member",
        "attendance",
        "observation",
        "child_strategy",
        "home_visit",
        "teaching_target",
        "visit_target_progress",
        "support_plan",
        "plan_outcome",
        "plan_review",
        "enrolment",
    }
)
#: sent even without consent, so the central service learns that consent was refused
ALWAYS_SENT: Final = frozenset({"consent"})

#: columns that say when, not what: left out when deciding whether two copies differ
_BOOKKEEPING: Final = frozenset({"created_at", "updated_at"})
_BATCH: Final = 1000
_PROGRESS_EVERY: Final = 500
_APPLY_BATCH: Final = 500

# VaultSetting keys
_S_SUITE = "sync.device_suite"
_S_CENTRAL_ID = "sync.central_id"
_S_CENTRAL_NAME = "sync.central_name"
_S_ENROLLED_AT = "sync.enrolled_at"
_S_REVOKED = "sync.revoked_reason"
_S_EXPORT_SEQ = "sync.export.last_sequence"
_S_EXPORT_SHA = "sync.export.last_sha256"
# The file an export is being written to (its sequence is last_sequence + 1); absent or ""
# when no export is under way.
_S_EXPORT_RESERVED = "sync.export.reserved_file"
_S_RETURN_KEY = "sync.return.sender_key_id"
_S_RETURN_SEQ = "sync.return.last_sequence"
_S_RETURN_SHA = "sync.return.last_sha256"
_S_RETURN_GAPS = "sync.return.missing"
# SHA-256 of the latest enrolment request written: the only one a response may answer.
_S_PENDING_REQUEST = "sync.enrolment.request_sha256"
# DeviceKey names
_K_SIGNING = "device.signing"
_K_ENCRYPTION = "device.encryption"
_K_CENTRAL_SIGNING = "central.signing.pem"
_K_CENTRAL_ENCRYPTION = "central.encryption.pem"


# --- errors -------------------------------------------------------------------------------------


class NotEnrolled(DomainError):
    def __init__(self) -> None:
        super().__init__(
            "This device is not enrolled with the central service yet: create an enrolment "
            "request, send it to your administrator and load their response."
        )


class DeviceRevoked(DomainError):
    def __init__(self, reason: str) -> None:
        super().__init__(
            f"This device's enrolment was revoked by the central service: {reason}. "
            "Ask your administrator to enrol it again."
        )
        self.reason = reason


class AlreadyEnrolled(DomainError):
    pass


class NothingToExport(DomainError):
    def __init__(self, held_back: int, held_back_children: int) -> None:
        message = "Nothing to export: every change has already been exported."
        if held_back:
            message = (
                "Nothing to export. "
                + held_back_message(held_back_children)
                + " Their changes stay waiting until consent is recorded."
            )
        super().__init__(message)
        self.held_back = held_back
        self.held_back_children = held_back_children


class ConcurrentExport(DomainError):
    def __init__(self) -> None:
        super().__init__("Another export ran at the same time: export again.")


@dataclass(frozen=True)
class _ExportReservation:
    """What the first transaction of an export reserved (see `DeviceSync.export`)."""

    sequence: int
    path: Path
    in_scope: ColumnElement[bool]
    through: int
    previous_sha: str | None


def held_back_message(children: int) -> str:
    who = "1 child was" if children == 1 else f"{children} children were"
    return f"Records of {who} held back: no consent to share with the central service."


# --- results ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Fingerprints:
    signing: str
    encryption: str


@dataclass(frozen=True)
class EnrolmentState:
    device_id: str
    device: Fingerprints | None
    enrolled: bool
    central_id: str = ""
    central_name: str = ""
    central: Fingerprints | None = None
    enrolled_at: str = ""
    revoked_reason: str = ""

    @property
    def revoked(self) -> bool:
        return bool(self.revoked_reason)


@dataclass(frozen=True)
class EnrolResult:
    central_id: str
    central_name: str
    central: Fingerprints
    device: Fingerprints
    replaced: bool


@dataclass(frozen=True)
class ExportResult:
    path: Path
    sequence: int
    record_count: int
    held_back: int
    held_back_children: int = 0
    bundle_id: str = ""
    manifest_sha256: str = ""
    changes_included: int = 0

    @property
    def message(self) -> str:
        lines = [f"Wrote export bundle {self.sequence} with {self.record_count} records."]
        if self.held_back:
            lines.append(held_back_message(self.held_back_children))
        return "\n".join(lines)


@dataclass(frozen=True)
class ImportResult:
    bundle_id: str
    sequence: int
    replayed: bool = False
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    conflicts: int = 0
    acknowledged: int = 0
    #: this device's exported records the central service received but kept aside (conflicts)
    not_accepted: int = 0
    #: the return sequence numbers this bundle showed missing: (first, last), or None
    missing: tuple[int, int] | None = None
    revoked: bool = False
    revoked_reason: str = ""
    changes: Changes = field(default_factory=Changes)

    @property
    def applied(self) -> int:
        return self.inserted + self.updated

    @property
    def message(self) -> str:
        if self.replayed:
            return f"Return bundle {self.sequence} was already imported: nothing changed."
        lines = [
            f"Imported return bundle {self.sequence}: {self.applied} records applied "
            f"({self.inserted} new, {self.updated} updated), {self.unchanged} already up to date.",
            (
                f"{self.acknowledged} of this device's changes were confirmed by the central "
                "service as received."
                if self.acknowledged
                else "No further changes of this device were confirmed."
            ),
        ]
        if self.not_accepted:
            lines.append(
                f"{self.not_accepted} of the records sent were not accepted: they were changed "
                "centrally too, and the central service keeps both copies."
            )
        if self.conflicts:
            lines.append(
                f"{self.conflicts} records were changed both here and centrally: "
                "they are kept side by side for you to choose."
            )
        if self.missing is not None:
            first, last = self.missing
            which, them = (
                (f"bundle {first}", "it")
                if first == last
                else (f"bundles {first} to {last}", "them")
            )
            lines.append(
                f"Return {which} never arrived; ask for {them} to be sent again if it matters."
            )
        if self.revoked:
            lines.append(
                f"The central service has revoked this device's enrolment: {self.revoked_reason}."
            )
        return "\n".join(lines)


@dataclass(frozen=True)
class ConflictView:
    id: str
    entity: str
    record_id: str
    label: str
    local_version: int
    central_version: int
    fields: tuple[str, ...]
    detected_at: dt.datetime


@dataclass(frozen=True)
class BundleHistoryRow:
    bundle_id: str
    direction: str
    sequence: int
    file_name: str
    record_count: int
    at: dt.datetime
    outcome: str


@dataclass(frozen=True)
class SyncSummary:
    enrolment: EnrolmentState
    unsynced: int
    awaiting_acknowledgement: int
    last_export: dt.datetime | None
    open_conflicts: int


#: history rows of the export stream to an earlier central service (after re-enrolment)
OLD_EXPORT: Final = "old-export"
KEEP_MINE: Final = "keep-mine"
TAKE_CENTRAL: Final = "take-central"


# --- the service --------------------------------------------------------------------------------


@dataclass(frozen=True)
class _CentralPeer:
    central_id: str
    name: str
    signing_pem: str
    encryption_pem: str

    @property
    def signing_key(self) -> Any:
        return load_signing_public_key_pem(self.signing_pem)

    @property
    def encryption_key(self) -> EncryptionPublicKey:
        return load_encryption_public_key_pem(self.encryption_pem)


class DeviceSync:
    """Sync for one unlocked vault. Built from `Services`; holds no state of its own."""

    def __init__(self, services: Services) -> None:
        self.services = services
        # Sync reads tombstones: they travel in bundles, and conflicts compare them.
        self.uow: UnitOfWork = services.uow.including_deleted()

    @property
    def device_id(self) -> str:
        return self.services.vault.device_id

    # ---- keys and enrolment ----

    def device_keys(self, *, create: bool = False) -> KeyPair | None:
        """This device's key pair; generated (once) and stored in the vault when `create`."""
        with self.uow.read() as session:
            keys = _load_device_keys(session)
        if keys is not None or not create:
            return keys
        keys = KeyPair.generate()
        with self.uow.write() as tx:
            if _load_device_keys(tx.session) is not None:  # made meanwhile: keep the first
                existing = _load_device_keys(tx.session)
                assert existing is not None
                return existing
            tx.session.add(DeviceKey(name=_K_SIGNING, key_bytes=keys.signing_private_bytes()))
            tx.session.add(DeviceKey(name=_K_ENCRYPTION, key_bytes=keys.encryption_private_bytes()))
            _set(tx.session, _S_SUITE, keys.suite.value)
            tx.audit_only("keys-created", "device", self.device_id)
        return keys

    def state(self) -> EnrolmentState:
        with self.uow.read() as session:
            keys = _load_device_keys(session)
            peer = _load_peer(session)
            revoked = _get(session, _S_REVOKED)
            enrolled_at = _get(session, _S_ENROLLED_AT)
        device = _fingerprints(keys) if keys else None
        if peer is None:
            return EnrolmentState(self.device_id, device, False, revoked_reason=revoked)
        central = Fingerprints(
            fingerprint(key_id(peer.signing_key)), fingerprint(key_id(peer.encryption_key))
        )
        return EnrolmentState(
            self.device_id,
            device,
            True,
            peer.central_id,
            peer.name,
            central,
            enrolled_at,
            revoked,
        )

    def enrolment_request(
        self, out_path: str | os.PathLike[str], *, now: dt.datetime | None = None
    ) -> Fingerprints:
        """Write the request file (no child's data: device id, practitioner and team names)."""
        keys = self.device_keys(create=True)
        assert keys is not None
        practitioner = self.services.practitioner_name() or "Practitioner"
        team = self.services.vault.setting("team_name") or "Team"
        data = build_enrolment_request(
            keys,
            device_id=self.device_id,
            practitioner_name=practitioner[:200],
            team_name=team[:200],
            now=now or dt.datetime.now(dt.UTC),
        )
        replace_atomically(Path(out_path), data, prefix=".enrol-", suffix=".tmp")
        with self.uow.write() as tx:
            _set(tx.session, _S_PENDING_REQUEST, request_sha256(data))
        return _fingerprints(keys)

    def enrol(self, response_path: str | os.PathLike[str], *, replace: bool = False) -> EnrolResult:
        """Check the central service's response and store its keys.

        Raises EnrolmentRefused for a bad file, AlreadyEnrolled when another enrolment is in
        place and `replace` is not given. The caller shows both sides' fingerprints so that
        people compare them by phone.
        """
        keys = self.device_keys()
        with self.uow.read() as session:
            pending = _get(session, _S_PENDING_REQUEST)
        if keys is None or not pending:
            raise DomainError(
                "Create an enrolment request first: this device has no keys to enrol yet."
            )
        try:
            data = read_enrolment_file(Path(response_path))
        except OSError:
            raise DomainError("The enrolment response file could not be read.") from None
        response = parse_enrolment_response(
            data, device_id=self.device_id, device_keys=keys, request_sha256=pending
        )
        signing_pem = public_key_to_pem(response.central_signing_public_key)
        encryption_pem = public_key_to_pem(response.central_encryption_public_key)
        with self.uow.write() as tx:
            session = tx.session
            peer = _load_peer(session)
            same = (
                peer is not None
                and peer.central_id == response.central_id
                and peer.signing_pem == signing_pem
                and peer.encryption_pem == encryption_pem
            )
            if peer is not None and not same and not replace:
                raise AlreadyEnrolled(
                    f"This device is already enrolled with {peer.name}. To replace that "
                    "enrolment, load the response again and choose to replace it."
                )
            if peer is not None and peer.central_id != response.central_id:
                # Another central service: its streams start afresh, and it must get
                # everything, whatever the previous one had confirmed.
                _restart_streams(session)
            _put_key(session, _K_CENTRAL_SIGNING, signing_pem.encode("ascii"))
            _put_key(session, _K_CENTRAL_ENCRYPTION, encryption_pem.encode("ascii"))
            _set(session, _S_CENTRAL_ID, response.central_id)
            _set(session, _S_CENTRAL_NAME, response.central_name)
            _set(session, _S_ENROLLED_AT, utcnow().replace(microsecond=0).isoformat() + "Z")
            _set(session, _S_REVOKED, "")
            tx.audit_only("enrolled", "device", self.device_id)
        return EnrolResult(
            central_id=response.central_id,
            central_name=response.central_name,
            central=Fingerprints(
                response.central_signing_fingerprint, response.central_encryption_fingerprint
            ),
            device=_fingerprints(keys),
            replaced=peer is not None and not same,
        )

    # ---- export ----

    def export(
        self,
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
        and ExportInProgress while another export of this vault is being written.

        Three steps, so that the write lock is never held while the bundle is written (the
        register keeps saving marks): a short write transaction reserves the sequence number,
        the changes covered and the file name (created empty, exclusively); the bundle is
        written from a read transaction and renamed over that file; a second short write
        transaction marks the changes exported, only once the bundle is complete on disk.
        """
        keys, peer = self._ready_to_export()
        folder = Path(out_folder)
        if not folder.is_dir():
            raise DomainError("The folder to export to does not exist.")
        with export_lock(self.services.vault.paths.folder):
            reservation = self._reserve_export(folder, peer, again, max_changes)
            try:
                collector, written = self._write_export(
                    reservation, keys, peer, progress, cancelled, now
                )
                if collector.sent == 0:
                    raise NothingToExport(collector.held_back, len(collector.held_children))
                included = self._record_export(reservation, peer, collector, written)
            except BaseException:
                # The file is this export's own (reserved above); a bundle this device does
                # not remember sending must not be delivered.
                reservation.path.unlink(missing_ok=True)
                with contextlib.suppress(Exception):  # a reservation left is cleared next time
                    self._release_export(reservation)
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
        )

    def _reserve_export(
        self, folder: Path, peer: _CentralPeer, again: bool, max_changes: int | None
    ) -> _ExportReservation:
        """One short write transaction: the sequence number, the changes it covers and the
        file name, created empty and exclusively (an existing file is never written over)."""
        pending = _pending_condition(again)
        created = False
        path: Path | None = None
        try:
            with self.uow.write() as tx:
                session = tx.session
                if _get(session, _S_CENTRAL_ID) != peer.central_id:
                    raise ConcurrentExport()  # enrolled elsewhere meanwhile
                through = _change_seq_through(session, pending, max_changes)
                if through is None:
                    raise NothingToExport(0, 0)
                last_seq = _get_int(session, _S_EXPORT_SEQ)
                sequence = last_seq + 1
                path = folder.absolute() / bundle_file_name("export", self.device_id, sequence)
                # Under the export lock, a reservation still here was left by an export that
                # died; the empty file it reserved under the same name is taken over.
                stale = _get(session, _S_EXPORT_RESERVED)
                created = create_exclusively(path, left_by_a_dead_export=stale == str(path))
                _set(session, _S_EXPORT_RESERVED, str(path))
                reservation = _ExportReservation(
                    sequence=sequence,
                    path=path,
                    in_scope=and_all(pending, ChangeLogEntry.seq <= through),
                    through=through,
                    previous_sha=(_get(session, _S_EXPORT_SHA) or None) if sequence > 1 else None,
                )
        except BaseException:
            if created and path is not None:
                path.unlink(missing_ok=True)
            raise
        return reservation

    def _write_export(
        self,
        reservation: _ExportReservation,
        keys: KeyPair,
        peer: _CentralPeer,
        progress: ProgressCallback | None,
        cancelled: CancelledCallback | None,
        now: dt.datetime | None,
    ) -> tuple[_ExportCollector, WrittenBundle]:
        """Write the bundle from one read transaction (no write lock) over the reserved file."""
        with self.uow.read() as session:
            head = session.execute(
                select(AuditEvent.seq, AuditEvent.hash).order_by(AuditEvent.seq.desc()).limit(1)
            ).first()
            consenting = _consenting_children(session)
            with _pending_records(session, reservation.in_scope) as counts:
                collector = _ExportCollector(
                    session, reservation.in_scope, consenting, progress, counts
                )
                written = write_bundle(
                    reservation.path,
                    kind="export",
                    sender_id=self.device_id,
                    sender_signing_key=keys.signing,
                    recipient_id=peer.central_id,
                    recipient_public_key=peer.encryption_key,
                    sequence=reservation.sequence,
                    previous_bundle_sha256=reservation.previous_sha,
                    records=collector.records(),
                    extra={
                        "audit_head": {
                            "seq": head.seq if head else 0,
                            "hash": head.hash if head else "0" * 64,
                        },
                        "change_seq_through": reservation.through,
                    },
                    cancelled=cancelled,
                    now=now,
                )
        return collector, written

    def _record_export(
        self,
        reservation: _ExportReservation,
        peer: _CentralPeer,
        collector: _ExportCollector,
        written: WrittenBundle,
    ) -> int:
        """The bundle is complete on disk: mark its changes exported and release the number."""
        bundle_id = str(written.manifest["bundle_id"])
        with self.uow.write() as tx:
            session = tx.session
            if (
                _get(session, _S_EXPORT_RESERVED) != str(reservation.path)
                or _get_int(session, _S_EXPORT_SEQ) != reservation.sequence - 1
                or _get(session, _S_CENTRAL_ID) != peer.central_id
            ):
                raise ConcurrentExport()
            included = _mark_exported(
                session, reservation.in_scope, reservation.sequence, collector.held_pairs
            )
            outcome = f"{collector.sent} records"
            if collector.held_back:
                outcome += f"; {collector.held_back} held back (no consent)"
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
            _set(session, _S_EXPORT_SEQ, str(reservation.sequence))
            _set(session, _S_EXPORT_SHA, written.manifest_sha256)
            _clear(session, _S_EXPORT_RESERVED)
            tx.audit_only("export", "bundle", bundle_id)
        return included

    def _release_export(self, reservation: _ExportReservation) -> None:
        with self.uow.write() as tx:
            if _get(tx.session, _S_EXPORT_RESERVED) == str(reservation.path):
                _clear(tx.session, _S_EXPORT_RESERVED)

    def _ready_to_export(self) -> tuple[KeyPair, _CentralPeer]:
        with self.uow.read() as session:
            keys = _load_device_keys(session)
            peer = _load_peer(session)
            revoked = _get(session, _S_REVOKED)
        if keys is None or peer is None:
            raise NotEnrolled()
        if revoked:
            raise DeviceRevoked(revoked)
        return keys, peer

    # ---- import ----

    def import_return(
        self, path: str | os.PathLike[str], *, now: dt.datetime | None = None
    ) -> ImportResult:
        """Check and apply a return bundle, all or nothing (BundleRefused says why not)."""
        with self.uow.read() as session:
            keys = _load_device_keys(session)
            peer = _load_peer(session)
        if keys is None or peer is None:
            raise NotEnrolled()
        central_key = peer.signing_key
        central_key_id = key_id(central_key)
        try:
            bundle = open_bundle(
                path,
                trusted_senders={central_key_id: TrustedSender(peer.central_id, central_key)},
                recipient_private_key=keys.encryption,
                expected_kind="return",
                now=now or dt.datetime.now(dt.UTC),
                recipient_id=self.device_id,
            )
        except OSError:
            raise DomainError("The bundle file could not be read.") from None
        # The bundle keeps its verified file open for records(); close it when done.
        with bundle:
            acknowledged = _acknowledgements(bundle.extra)
            not_accepted = _not_accepted(bundle.extra)
            revoked, revoked_reason = _revocation(bundle.extra)

            try:
                # The replay and sequence checks and the apply are one write transaction
                # (BEGIN IMMEDIATE): a second import of this bundle, or of another, waits for
                # this one and then sees it.
                with self.uow.write(applying_sync=True) as tx:
                    session = tx.session
                    if _already_imported(session, bundle):
                        return ImportResult(bundle.bundle_id, bundle.sequence, replayed=True)
                    missing = _sequence_check(session, bundle, central_key_id)
                    # Records may arrive in any order; foreign keys are checked once, at commit.
                    session.execute(text("PRAGMA defer_foreign_keys = ON"))
                    # Acknowledgements first: they say which exported versions the central
                    # service accepted (all but `not_accepted`), which the records below are
                    # then compared with.
                    acked, refused = _apply_acknowledgements(session, acknowledged, not_accepted)
                    applier = _Applier(session)
                    batch: list[DecodedRecord] = []
                    for record in bundle.records():
                        batch.append(decode_record(record, allowed_entities=RETURN_ENTITIES))
                        if len(batch) == _APPLY_BATCH:
                            applier.apply_batch(batch)
                            batch = []
                    applier.apply_batch(batch)
                    if revoked:
                        _set(session, _S_REVOKED, revoked_reason)
                    elif "revoked" in bundle.extra:
                        _set(session, _S_REVOKED, "")
                    _set(session, _S_RETURN_KEY, central_key_id)
                    _set(session, _S_RETURN_SEQ, str(bundle.sequence))
                    _set(session, _S_RETURN_SHA, bundle.manifest_sha256)
                    if missing:
                        gaps = [*_recorded_gaps(session), missing]
                        _set(session, _S_RETURN_GAPS, _gaps_text(gaps))
                    outcome = (
                        f"{applier.inserted} new, {applier.updated} updated, "
                        f"{applier.conflicts} conflicts, {acked} acknowledged"
                    )
                    if missing:
                        outcome += "; missing " + _gaps_text([missing])
                    if revoked:
                        outcome += "; enrolment revoked"
                    session.add(
                        SyncBundle(
                            id=bundle.bundle_id,
                            direction="return",
                            sequence=bundle.sequence,
                            manifest_sha256=bundle.manifest_sha256,
                            file_name=Path(path).name[:300],
                            record_count=sum(bundle.record_counts.values()),
                            at=utcnow(),
                            outcome=outcome,
                        )
                    )
                    tx.audit_only("import", "bundle", bundle.bundle_id)
            except IntegrityError:
                raise BundleRefused(
                    "The return bundle refers to records that neither it nor this device holds.",
                    "bad-payload",
                ) from None
            return ImportResult(
                bundle_id=bundle.bundle_id,
                sequence=bundle.sequence,
                inserted=applier.inserted,
                updated=applier.updated,
                unchanged=applier.unchanged,
                conflicts=applier.conflicts,
                acknowledged=acked,
                not_accepted=refused,
                missing=missing,
                revoked=revoked,
                revoked_reason=revoked_reason,
                changes=tx.changes,
            )

    # ---- conflicts ----

    def conflicts(self, *, include_resolved: bool = False) -> list[ConflictView]:
        with self.uow.read() as session:
            query = select(SyncConflict).order_by(SyncConflict.detected_at, SyncConflict.id)
            if not include_resolved:
                query = query.where(SyncConflict.resolved_at.is_(None))
            views = []
            for conflict in session.scalars(query):
                central = _decoded_central(conflict)
                local = session.get(central.model, conflict.record_id)
                views.append(
                    ConflictView(
                        id=conflict.id,
                        entity=conflict.entity,
                        record_id=conflict.record_id,
                        label=_label(session, central.model, local, central),
                        local_version=local.version if local else 0,
                        central_version=conflict.central_version,
                        fields=_differing_fields(local, central),
                        detected_at=conflict.detected_at,
                    )
                )
            return views

    def resolve_conflict(self, conflict_id: str, choice: str) -> Changes:
        """`KEEP_MINE`: this device's copy stays and is sent again, as version central + 1
        based on the central version. `TAKE_CENTRAL`: the central copy replaces it exactly and
        the pending local changes of that record are marked superseded, so they are not sent."""
        if choice not in (KEEP_MINE, TAKE_CENTRAL):
            raise ValueError("choice must be KEEP_MINE or TAKE_CENTRAL")
        with self.uow.write(applying_sync=choice == TAKE_CENTRAL) as tx:
            session = tx.session
            conflict = session.get(SyncConflict, conflict_id)
            if conflict is None or conflict.resolved_at is not None:
                raise NotFound("That conflict has already been resolved.")
            central = _decoded_central(conflict)
            if choice == KEEP_MINE:
                local = session.get(central.model, conflict.record_id)
                if local is not None:
                    # Based on the central copy from now on: the unit of work makes this
                    # version central + 1 and logs it, and the next export (base_version =
                    # the central version) is accepted by the central service.
                    local.version = conflict.central_version
                    local.updated_at = utcnow()  # a change even when the versions were equal
                    _raise_synced(session, {(conflict.entity, conflict.record_id): central.version})
            else:
                _Applier(session).write(central, session.get(central.model, central.id))
                _raise_synced(session, {(conflict.entity, conflict.record_id): central.version})
                session.execute(
                    update(ChangeLogEntry)
                    .where(
                        ChangeLogEntry.entity == conflict.entity,
                        ChangeLogEntry.record_id == conflict.record_id,
                        ChangeLogEntry.acknowledged.is_(False),
                    )
                    .values(
                        acknowledged=True,
                        # 0: superseded before it was ever sent, so not counted as unsynced
                        exported_seq=func.coalesce(ChangeLogEntry.exported_seq, 0),
                    )
                )
            conflict.resolved_at = utcnow()
            conflict.resolution = choice
            tx.audit_only(f"conflict-{choice}", conflict.entity, conflict.record_id)
        return tx.changes

    # ---- history and counts ----

    def history(self, limit: int = 200) -> list[BundleHistoryRow]:
        with self.uow.read() as session:
            rows = session.scalars(
                select(SyncBundle)
                .order_by(SyncBundle.at.desc(), SyncBundle.sequence.desc())
                .limit(limit)
            )
            return [
                BundleHistoryRow(
                    r.id, r.direction, r.sequence, r.file_name, r.record_count, r.at, r.outcome
                )
                for r in rows
            ]

    def unsynced_count(self) -> int:
        with self.uow.read() as session:
            return (
                session.scalar(
                    select(func.count())
                    .select_from(ChangeLogEntry)
                    .where(ChangeLogEntry.exported_seq.is_(None))
                )
                or 0
            )

    def summary(self) -> SyncSummary:
        state = self.state()
        with self.uow.read() as session:
            unsynced = session.scalar(
                select(func.count())
                .select_from(ChangeLogEntry)
                .where(ChangeLogEntry.exported_seq.is_(None))
            )
            awaiting = session.scalar(
                select(func.count())
                .select_from(ChangeLogEntry)
                .where(
                    ChangeLogEntry.exported_seq.is_not(None),
                    ChangeLogEntry.acknowledged.is_(False),
                )
            )
            last = session.scalar(
                select(func.max(SyncBundle.at)).where(SyncBundle.direction == "export")
            )
            conflicts = session.scalar(
                select(func.count())
                .select_from(SyncConflict)
                .where(SyncConflict.resolved_at.is_(None))
            )
        return SyncSummary(state, unsynced or 0, awaiting or 0, last, conflicts or 0)


# --- settings and keys --------------------------------------------------------------------------


def _get(session: Session, key: str) -> str:
    row = session.get(VaultSetting, key)
    return row.value if row else ""


def _get_int(session: Session, key: str) -> int:
    value = _get(session, key)
    return int(value) if value.isdigit() else 0


def _set(session: Session, key: str, value: str) -> None:
    row = session.get(VaultSetting, key)
    if row is None:
        session.add(VaultSetting(key=key, value=value))
    else:
        row.value = value


def _clear(session: Session, key: str) -> None:
    """Remove a setting, leaving the vault as it was before the setting was first made."""
    row = session.get(VaultSetting, key)
    if row is not None:
        session.delete(row)


def _put_key(session: Session, name: str, key_bytes: bytes) -> None:
    row = session.get(DeviceKey, name)
    if row is None:
        session.add(DeviceKey(name=name, key_bytes=key_bytes))
    else:
        row.key_bytes = key_bytes
        row.created_at = utcnow()


def _load_device_keys(session: Session) -> KeyPair | None:
    signing = session.get(DeviceKey, _K_SIGNING)
    encryption = session.get(DeviceKey, _K_ENCRYPTION)
    if signing is None or encryption is None:
        return None
    suite = CipherSuite(_get(session, _S_SUITE) or CipherSuite.X25519.value)
    return KeyPair.from_private_bytes(signing.key_bytes, encryption.key_bytes, suite)


def _load_peer(session: Session) -> _CentralPeer | None:
    signing = session.get(DeviceKey, _K_CENTRAL_SIGNING)
    encryption = session.get(DeviceKey, _K_CENTRAL_ENCRYPTION)
    central_id = _get(session, _S_CENTRAL_ID)
    if signing is None or encryption is None or not central_id:
        return None
    return _CentralPeer(
        central_id,
        _get(session, _S_CENTRAL_NAME),
        signing.key_bytes.decode("ascii"),
        encryption.key_bytes.decode("ascii"),
    )


def _fingerprints(keys: KeyPair) -> Fingerprints:
    return Fingerprints(keys.signing_fingerprint, keys.encryption_fingerprint)


# --- export internals ---------------------------------------------------------------------------


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


def _consenting_children(session: Session) -> set[str]:
    """Children whose latest share-with-central consent is given and not withdrawn."""
    latest: dict[str, bool] = {}
    rows = session.execute(
        select(Consent.child_id, Consent.given, Consent.withdrawn_on)
        .where(
            Consent.kind == ConsentKind.SHARE_WITH_CENTRAL.value,
            Consent.deleted_at.is_(None),
        )
        .order_by(Consent.child_id, Consent.given_on, Consent.created_at)
    )
    for child_id, given, withdrawn_on in rows:
        latest[child_id] = bool(given) and withdrawn_on is None
    return {child_id for child_id, in_force in latest.items() if in_force}


def _export_order() -> list[type[Synced]]:
    """Parents before children (by foreign keys), so a reader can insert in stream order."""
    by_table = {model.__tablename__: model for model in SYNCED_MODELS}
    return [by_table[t.name] for t in Base.metadata.sorted_tables if t.name in by_table]


def _child_expression(model: type[Synced]) -> ColumnElement[Any] | None:
    if model.entity not in CHILD_LINKED or model.entity in ALWAYS_SENT:
        return None
    columns = model.__table__.c
    if model is Child:
        return columns.id
    if "child_id" in columns:
        return columns.child_id
    if "home_visit_id" in columns:
        return (
            select(HomeVisit.child_id)
            .where(HomeVisit.id == columns.home_visit_id)
            .scalar_subquery()
        )
    if "plan_id" in columns:
        return (
            select(SupportPlan.child_id).where(SupportPlan.id == columns.plan_id).scalar_subquery()
        )
    raise TypeError(f"no child link known for {model.entity}")  # pragma: no cover


class _ExportCollector:
    """Streams the current rows of the records with pending changes, holding back records of
    children without consent; remembers only what was held back (normally little)."""

    def __init__(
        self,
        session: Session,
        in_scope: ColumnElement[bool],
        consenting: set[str],
        progress: ProgressCallback | None,
        counts: Mapping[str, int],
    ) -> None:
        self._session = session
        self._in_scope = in_scope
        self._consenting = consenting
        self._progress = progress
        self._counts = counts
        self._total = sum(counts.values())
        self.sent = 0
        self.held_back = 0
        self.held_pairs: list[tuple[str, str]] = []
        self.held_children: set[str] = set()

    def records(self) -> Iterator[dict[str, object]]:
        done = 0
        connection = self._session.connection()
        for model in _export_order():
            if model.entity not in self._counts:
                continue
            codec = CODECS[model.entity]
            encode = row_encoder(codec, stored_text=True)
            model_table: Table = model.__table__  # type: ignore[assignment]
            child = _child_expression(model)
            columns: list[ColumnElement[Any]] = []
            for name, column_codec in zip(
                codec.all_column_names, (None, None, None, *codec.data_columns), strict=True
            ):
                col = model_table.c[name]
                # Dates and times as SQLite stores them: rewriting text beats parsing it.
                stored = column_codec is not None and is_temporal(column_codec)
                columns.append(type_coerce(col, String) if stored else col)
            child_column = child if child is not None else literal(None)
            synced = _SYNCED.c
            query = (
                select(*columns, child_column, synced.central_version)
                .select_from(
                    _PENDING.join(model_table, model_table.c.id == _PENDING.c.record_id).outerjoin(
                        _SYNCED,
                        and_(
                            synced.entity == _PENDING.c.entity,
                            synced.record_id == _PENDING.c.record_id,
                        ),
                    )
                )
                .where(_PENDING.c.entity == model.entity)
            )
            result = connection.execution_options(yield_per=_BATCH).execute(query)
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
                    record = encode(row)
                    record[BASE_VERSION] = row[base_index]
                    yield record
                if self._progress is not None and done % _PROGRESS_EVERY == 0:
                    self._progress(done, self._total)
        if self._progress is not None:
            self._progress(done, self._total)


_PENDING = table("sync_pending", column("entity"), column("record_id"))


@contextlib.contextmanager
def _pending_records(session: Session, in_scope: ColumnElement[bool]) -> Iterator[dict[str, int]]:
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


_HELD = table("sync_held_back", column("entity"), column("record_id"))


def _mark_exported(
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


# --- import internals ---------------------------------------------------------------------------


def _acknowledgements(extra: Mapping[str, object]) -> tuple[list[int], int | None]:
    sequences = extra.get("acknowledged_sequences", [])
    through = extra.get("acknowledged_through")
    if not isinstance(sequences, list) or not all(
        isinstance(s, int) and not isinstance(s, bool) for s in sequences
    ):
        raise BundleRefused(
            "The return bundle's acknowledgements are not a list of numbers.", "bad-manifest"
        )
    if through is not None and (isinstance(through, bool) or not isinstance(through, int)):
        raise BundleRefused(
            "The return bundle's acknowledged_through is not a number.", "bad-manifest"
        )
    return [int(s) for s in sequences], through


def _revocation(extra: Mapping[str, object]) -> tuple[bool, str]:
    revoked = extra.get("revoked", False)
    if not isinstance(revoked, bool):
        raise BundleRefused(
            "The return bundle's revoked flag is not true or false.", "bad-manifest"
        )
    reason = extra.get("revoked_reason", "")
    if not isinstance(reason, str):
        raise BundleRefused("The return bundle's revoked_reason is not text.", "bad-manifest")
    reason = " ".join(reason.split())[:300]
    if revoked and not reason:
        reason = "no reason was given"
    return revoked, reason if revoked else ""


def _already_imported(session: Session, bundle: VerifiedBundle) -> bool:
    same = session.scalar(
        select(SyncBundle.id).where(
            SyncBundle.direction == "return",
            SyncBundle.manifest_sha256 == bundle.manifest_sha256,
        )
    )
    if same is not None:
        return True
    if session.get(SyncBundle, bundle.bundle_id) is not None:
        raise BundleRefused(
            "This bundle reuses the id of another bundle already imported.", "rollback"
        )
    return False


def _sequence_check(
    session: Session, bundle: VerifiedBundle, sender_key_id: str
) -> tuple[int, int] | None:
    """Section 10 of docs/bundle-format.md; returns the range of missing sequence numbers
    (first, last), if any. A bundle further ahead than MAX_SEQUENCE_GAP is refused."""
    same_stream = _get(session, _S_RETURN_KEY) == sender_key_id
    last = _get_int(session, _S_RETURN_SEQ) if same_stream else 0
    last_sha = _get(session, _S_RETURN_SHA) if same_stream else ""
    if bundle.sequence <= last:
        raise BundleRefused(
            f"This is an older return bundle ({bundle.sequence}) than one already imported "
            f"({last}); an older bundle never replaces a newer one.",
            "rollback",
        )
    if bundle.sequence == last + 1:
        if last and bundle.previous_bundle_sha256 != last_sha:
            raise BundleRefused(
                "This return bundle does not follow the last one imported: the central "
                "service's history has forked. Ask your administrator to look into it.",
                "rollback",
            )
        return None
    if bundle.sequence - last - 1 > MAX_SEQUENCE_GAP:
        raise BundleRefused(sequence_too_far_ahead(bundle.sequence, last), "too-far-ahead")
    return (last + 1, bundle.sequence - 1)


def _recorded_gaps(session: Session) -> list[tuple[int, int]]:
    """The missing return sequence numbers kept so far, as ranges ("2,5-9"; before ranges,
    one number per entry, which reads the same way)."""
    ranges = []
    for item in _get(session, _S_RETURN_GAPS).split(","):
        first, _, last = item.partition("-")
        if first.isdigit() and (not last or last.isdigit()):
            ranges.append((int(first), int(last or first)))
    return ranges


def _gaps_text(ranges: Iterable[tuple[int, int]]) -> str:
    return ",".join(str(a) if a == b else f"{a}-{b}" for a, b in ranges)


def _not_accepted(extra: Mapping[str, object]) -> set[tuple[str, str, int]]:
    """The exported versions the central service received but did not accept (conflicts)."""
    items = extra.get("not_accepted", [])
    problem = BundleRefused(
        "The return bundle's not_accepted list is not a list of records.", "bad-manifest"
    )
    if not isinstance(items, list):
        raise problem
    found: set[tuple[str, str, int]] = set()
    for item in items:
        if not isinstance(item, dict) or set(item) != {"entity", "id", "version"}:
            raise problem
        entity, record_id, version = item["entity"], item["id"], item["version"]
        if (
            not isinstance(entity, str)
            or not isinstance(record_id, str)
            or isinstance(version, bool)
            or not isinstance(version, int)
        ):
            raise problem
        found.add((entity, record_id, version))
    return found


def _apply_acknowledgements(
    session: Session,
    acks: tuple[list[int], int | None],
    not_accepted: set[tuple[str, str, int]] = frozenset(),  # type: ignore[assignment]
) -> tuple[int, int]:
    """Mark the entries of the acknowledged bundles received, and remember the versions the
    central service accepted as its copies (`SyncRecordVersion`). Returns the number of
    entries newly acknowledged and of exported records the central service did not accept."""
    sequences, through = acks
    conditions: list[ColumnElement[bool]] = []
    if sequences:
        conditions.append(ChangeLogEntry.exported_seq.in_(sorted(set(sequences))))
    if through is not None:
        conditions.append(ChangeLogEntry.exported_seq <= through)
    if not conditions:
        return 0, 0
    newly = and_(
        ChangeLogEntry.exported_seq.is_not(None),
        ChangeLogEntry.acknowledged.is_(False),
        or_(*conditions),
    )
    # A bundle carried each record once, at the newest version among its entries.
    accepted: dict[tuple[str, str], int] = {}
    refused = 0
    for entity, record_id, version in session.execute(
        select(ChangeLogEntry.entity, ChangeLogEntry.record_id, func.max(ChangeLogEntry.version))
        .where(newly, ChangeLogEntry.exported_seq > 0)
        .group_by(ChangeLogEntry.entity, ChangeLogEntry.record_id, ChangeLogEntry.exported_seq)
    ):
        if (entity, record_id, version) in not_accepted:
            refused += 1
            continue
        key = (entity, record_id)
        accepted[key] = max(int(version), accepted.get(key, 0))
    _raise_synced(session, accepted)
    result = session.execute(
        update(ChangeLogEntry).where(newly).values(acknowledged=True),
        execution_options={"synchronize_session": False},
    )
    return int(result.rowcount), refused  # type: ignore[attr-defined]


_SYNCED: Final[Table] = SyncRecordVersion.__table__  # type: ignore[assignment]


def _raise_synced(session: Session, versions: Mapping[tuple[str, str], int]) -> None:
    """Record that the central service holds these versions (never lowering a known one)."""
    if not versions:
        return
    statement = sqlite_insert(_SYNCED)
    statement = statement.on_conflict_do_update(
        index_elements=[_SYNCED.c.entity, _SYNCED.c.record_id],
        set_={
            "central_version": func.max(
                _SYNCED.c.central_version, statement.excluded.central_version
            )
        },
    )
    rows = [{"entity": e, "record_id": r, "central_version": v} for (e, r), v in versions.items()]
    for start in range(0, len(rows), _BATCH):
        session.execute(statement, rows[start : start + _BATCH])


def _restart_streams(session: Session) -> None:
    """Enrolled with another central service: both streams start again at 1, every change is
    to be sent again (what the previous central service received or accepted counts for
    nothing with this one), and no record is known to be held centrally any more."""
    for key in (
        _S_EXPORT_SEQ,
        _S_EXPORT_SHA,
        _S_EXPORT_RESERVED,
        _S_RETURN_KEY,
        _S_RETURN_SEQ,
        _S_RETURN_SHA,
        _S_RETURN_GAPS,
    ):
        _set(session, key, "")
    session.execute(
        update(ChangeLogEntry).values(exported_seq=None, acknowledged=False),
        execution_options={"synchronize_session": False},
    )
    session.execute(delete(SyncRecordVersion))
    # The earlier stream's bundles stay in the history under their own name: export
    # sequence numbers are unique per stream, and the new one starts at 1 again.
    session.execute(
        update(SyncBundle).where(SyncBundle.direction == "export").values(direction=OLD_EXPORT),
        execution_options={"synchronize_session": False},
    )


def _practitioner_columns(model: type[Synced]) -> tuple[str, ...]:
    names = []
    for col in model.__table__.columns:
        for fk in col.foreign_keys:
            if fk.target_fullname == "practitioners.id" and col.nullable:
                names.append(col.name)
    return tuple(names)


_PRACTITIONER_COLUMNS: Final = {m.entity: _practitioner_columns(m) for m in SYNCED_MODELS}


class _Applier:
    """Upserts decoded records by id, following the device's conflict rules."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.inserted = 0
        self.updated = 0
        self.unchanged = 0
        self.conflicts = 0
        self._practitioners: set[str] | None = None

    def apply_batch(self, records: list[DecodedRecord]) -> None:
        """Apply a few hundred records with one query per entity for what is already here."""
        session = self.session
        with session.no_autoflush:
            local: dict[tuple[str, str], Synced] = {}
            synced: dict[tuple[str, str], int] = {}
            unconfirmed: set[tuple[str, str]] = set()
            by_model: dict[type[Synced], list[str]] = {}
            for record in records:
                by_model.setdefault(record.model, []).append(record.id)
            for model, ids in by_model.items():
                for row in session.scalars(select(model).where(model.id.in_(ids))):
                    local[(model.entity, row.id)] = row
                for record_id, version in session.execute(
                    select(_SYNCED.c.record_id, _SYNCED.c.central_version).where(
                        _SYNCED.c.entity == model.entity, _SYNCED.c.record_id.in_(ids)
                    )
                ):
                    synced[(model.entity, record_id)] = int(version)
                # Local changes not superseded by a central copy (for records of which no
                # central version is known: then any such change is one the central service
                # has not accepted).
                unconfirmed.update(
                    (model.entity, record_id)
                    for record_id in session.scalars(
                        select(ChangeLogEntry.record_id).where(
                            ChangeLogEntry.entity == model.entity,
                            ChangeLogEntry.record_id.in_(ids),
                            or_(
                                ChangeLogEntry.acknowledged.is_(False),
                                ChangeLogEntry.exported_seq > 0,
                            ),
                        )
                    )
                )
            now_synced: dict[tuple[str, str], int] = {}
            for record in records:
                key = (record.entity, record.id)
                here = local.get(key)
                if here is None:
                    local[key] = self.write(record, None)
                    now_synced[key] = record.version
                    self.inserted += 1
                    continue
                base = synced.get(key)
                changed_here = here.version > base if base is not None else key in unconfirmed
                if changed_here:
                    # Changed here since the last copy both sides share: never overwritten.
                    older = base is not None and record.version <= base
                    if older or not _differing_fields(here, record):
                        self.unchanged += 1
                    else:
                        self._keep_conflict(record, here.version)
                        self.conflicts += 1
                    continue
                known = here.version if base is None else base
                if record.version < known:
                    self.unchanged += 1  # an older central copy than one already known
                elif record.version == here.version and not _differing_fields(here, record):
                    now_synced[key] = record.version
                    self.unchanged += 1
                else:
                    # Newer, or the same number with other contents: the central copy.
                    self.write(record, here)
                    now_synced[key] = record.version
                    self.updated += 1
        session.flush()
        _raise_synced(session, now_synced)

    def write(self, record: DecodedRecord, local: Synced | None) -> Synced:
        """Store the central copy over `local` (or as a new row when `local` is None)."""
        values = dict(record.values)
        for name in _PRACTITIONER_COLUMNS[record.entity]:
            # Practitioners of other devices are not sent to this one; keep the record.
            if values.get(name) is not None and values[name] not in self._known_practitioners():
                values[name] = None
        if local is None:
            local = record.model()
            for name, value in values.items():
                setattr(local, name, value)
            self.session.add(local)
        else:
            for name, value in values.items():
                if getattr(local, name) != value:
                    setattr(local, name, value)
        return local

    def _known_practitioners(self) -> set[str]:
        if self._practitioners is None:
            self._practitioners = set(self.session.scalars(select(Practitioner.id)))
        return self._practitioners

    def _keep_conflict(self, record: DecodedRecord, local_version: int) -> None:
        central = canonical_dumps(_encoded(record)).decode("utf-8")
        open_conflict = self.session.scalar(
            select(SyncConflict).where(
                SyncConflict.entity == record.entity,
                SyncConflict.record_id == record.id,
                SyncConflict.resolved_at.is_(None),
            )
        )
        if open_conflict is None:
            self.session.add(
                SyncConflict(
                    entity=record.entity,
                    record_id=record.id,
                    local_version=local_version,
                    central_version=record.version,
                    central_data=central,
                    detected_at=utcnow(),
                )
            )
        elif record.version >= open_conflict.central_version:
            open_conflict.central_version = record.version
            open_conflict.local_version = local_version
            open_conflict.central_data = central


def _encoded(record: DecodedRecord) -> dict[str, object]:
    return encode_values(codec_for(record.entity), record.values)


def _decoded_central(conflict: SyncConflict) -> DecodedRecord:
    value = canonical_loads(conflict.central_data.encode("utf-8"))
    assert isinstance(value, dict)
    return decode_record(value)


def _differing_fields(local: Synced | None, central: DecodedRecord) -> tuple[str, ...]:
    """Names of the columns whose values differ (dates and times compared as written)."""
    central_data = data_of(central)
    if local is None:
        return tuple(sorted(n for n in central_data if n not in _BOOKKEEPING))
    codec = codec_for(central.entity)
    local_data = encode_values(
        codec, {name: getattr(local, name) for name in codec.all_column_names}
    )["data"]
    assert isinstance(local_data, dict)
    return tuple(
        sorted(
            name
            for name in central_data
            if name not in _BOOKKEEPING and central_data[name] != local_data.get(name)
        )
    )


def _label(
    session: Session, model: type[Synced], local: Synced | None, central: DecodedRecord
) -> str:
    """A label a practitioner recognises: the child's name for child-linked records."""
    values: Mapping[str, object] = (
        {name: getattr(local, name) for name in codec_for(model.entity).all_column_names}
        if local is not None
        else central.values
    )
    kind = model.entity.replace("_", " ")
    child_id: object = None
    if model is Child:
        child_id = values["id"]
    elif "child_id" in values:
        child_id = values["child_id"]
    if isinstance(child_id, str):
        child = session.get(Child, child_id)
        if child is not None:
            name = display_name(
                child.preferred_name, child.legal_given_names, child.legal_family_name
            )
            return name if model is Child else f"{name}: {kind}"
    if model is GroupSession:
        group = session.get(Group, values.get("group_id"))
        when = values.get("date")
        return f"{group.name if group else 'Group'} session, {when}"
    for attr in ("name", "title"):
        if isinstance(values.get(attr), str):
            return f"{values[attr]} ({kind})"
    return kind.capitalize()


__all__ = [
    "KEEP_MINE",
    "OLD_EXPORT",
    "RETURN_ENTITIES",
    "TAKE_CENTRAL",
    "AlreadyEnrolled",
    "BundleHistoryRow",
    "ConcurrentExport",
    "ConflictView",
    "DeviceRevoked",
    "DeviceSync",
    "EnrolResult",
    "EnrolmentState",
    "ExportInProgress",
    "ExportResult",
    "Fingerprints",
    "ImportResult",
    "NotEnrolled",
    "NothingToExport",
    "SyncSummary",
    "held_back_message",
]
