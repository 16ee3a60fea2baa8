"""Ingesting export bundles: verify, apply the receiver policy, store records, or quarantine.

Each bundle is handled on its own: verified completely by `sync.bundle.open_bundle`, then its
sequence checked against the stream state (docs/bundle-format.md, section 10), then its records
applied, all in one database transaction. A refused bundle changes nothing in the records; a
copy of the file goes to CENTRAL/quarantine/ with a row saying why, and the next bundle is
handled as if it had not been offered.

Only a regular file of at most a bundle's largest size is read (`central/quarantine.py`, which
keeps the copies of refused files). An export bundle's erasure instructions are carried out in
its transaction (`central/erasures.py`).
"""

from __future__ import annotations

import json
import os
import re
import zipfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Final, Literal

from sqlalchemy import Connection, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from earlyyears_desktop.central import models
from earlyyears_desktop.central.erasures import (
    ChildRecords,
    ErasureGate,
    carry_out,
    confirm_told,
    count_refused,
    may_erase,
    refuse,
    truncate_log,
)
from earlyyears_desktop.central.errors import CentralError
from earlyyears_desktop.central.folder import CentralFolder, database_error
from earlyyears_desktop.central.quarantine import MAX_BUNDLE_BYTES as MAX_BUNDLE_BYTES
from earlyyears_desktop.central.quarantine import keep_refused, not_a_bundle
from earlyyears_desktop.central.records import (
    Incoming,
    RecordProblem,
    RecordWriter,
    commit_roster_seq,
    parse_record,
    reserve_roster_seq,
)
from earlyyears_desktop.sync.bundle import (
    MAX_SEQUENCE_GAP,
    TrustedSender,
    VerifiedBundle,
    open_bundle,
    sequence_too_far_ahead,
)
from earlyyears_desktop.sync.canonical import canonical_dumps
from earlyyears_desktop.sync.entity_schemas import current_schema, members
from earlyyears_desktop.sync.entity_types import (
    BadAnnouncement,
    announcement,
    parse_accepted_entities,
)
from earlyyears_desktop.sync.erasure_instructions import (
    ERASURE,
    ErasureInstruction,
    is_erasure,
    parse_instruction,
)
from earlyyears_desktop.sync.errors import BundleRefused
from earlyyears_desktop.sync.keys import KeyPair, load_signing_public_key_pem

REVOKED_REASON: Final = "This device's enrolment was revoked; its bundles are not accepted."
_ENTITY_NAME = re.compile(r"[a-z][a-z0-9_]{0,59}")

Outcome = Literal["ingested", "already-ingested", "refused"]


@dataclass
class IngestResult:
    path: Path
    outcome: Outcome
    bundle_id: str | None = None
    device_id: str | None = None
    sequence: int | None = None
    records: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    conflicts: int = 0
    gap: tuple[int, int] | None = None  # the missing sequence numbers this bundle revealed
    filled_gap: bool = False
    reason: str = ""
    code: str = ""
    quarantined_as: str | None = None
    #: Why a refused file was not copied into the quarantine ("" if it was, or never read).
    not_kept: str = ""
    per_entity: dict[str, int] = field(default_factory=dict)
    #: children erased on this bundle's instructions (not those erased before), and the
    #: records removed with them
    erased: int = 0
    records_erased: int = 0
    #: records of children erased before that this bundle carried: refused, never stored
    refused_erased: int = 0
    #: erasure instructions refused: the device could not hold the child (`may_erase`)
    erasures_refused: int = 0

    def line(self) -> str:
        """One line for people: ids and counts, never record contents."""
        name = self.path.name
        if self.outcome == "refused":
            text = f"{name}: refused ({self.code}): {self.reason}"
            if self.not_kept:
                text += f" No copy was kept: {self.not_kept}."
            return text
        where = f"device {self.device_id}, sequence {self.sequence}"
        if self.outcome == "already-ingested":
            return f"{name}: already ingested, nothing changed ({where})."
        text = (
            f"{name}: ingested ({where}): {self.records} records, {self.inserted} new, "
            f"{self.updated} updated, {self.unchanged} unchanged, {self.conflicts} conflicts kept"
        )
        if self.gap is not None:
            first, last = self.gap
            missing = str(first) if first == last else f"{first}-{last}"
            text += f"; gap: sequence {missing} not received yet"
        if self.filled_gap:
            text += "; this fills a gap"
        if self.erased:
            children = "1 child" if self.erased == 1 else f"{self.erased} children"
            text += f"; {children} erased ({self.records_erased} records removed)"
        if self.refused_erased:
            text += (
                f"; {self.refused_erased} records of erased children refused (never stored again)"
            )
        if self.erasures_refused:
            many = "s" if self.erasures_refused > 1 else ""
            text += (
                f"; {self.erasures_refused} erasure instruction{many} refused "
                "(the device could not hold the child)"
            )
        return text + "."


def _not_a_bundle_file(path: Path) -> tuple[str, str] | None:
    """Why `path` is not even read (reason, code), or None for a regular file of bundle size."""
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        raise CentralError(f"There is no bundle file at {path}.") from None
    except OSError as exc:
        raise CentralError(f"Cannot read the bundle file {path}: {exc.strerror}.") from None
    return not_a_bundle(info)


class _Refusal(Exception):
    def __init__(self, reason: str, code: str) -> None:
        super().__init__(reason)
        self.reason = reason
        self.code = code


def ingest_bundles(
    central: CentralFolder, keys: KeyPair, paths: list[Path], *, now: datetime | None = None
) -> list[IngestResult]:
    return [ingest_bundle(central, keys, path, now=now) for path in paths]


def ingest_bundle(
    central: CentralFolder, keys: KeyPair, path: Path, *, now: datetime | None = None
) -> IngestResult:
    """Ingest one export bundle, all or nothing; refusals are quarantined, not raised."""
    path = Path(path)
    moment = now or datetime.now(UTC)
    unreadable = _not_a_bundle_file(path)
    if unreadable is not None:
        reason, code = unreadable
        return IngestResult(path=path, outcome="refused", reason=reason, code=code)
    try:
        trusted, revoked = _senders(central)
        try:
            verified = open_bundle(
                path,
                trusted_senders=trusted,
                recipient_private_key=keys.encryption,
                expected_kind="export",
                now=moment,
                recipient_id=central.config.central_id,
            )
        except BundleRefused as exc:
            reason = exc.reason
            if exc.code == "unknown-sender" and _peek_sender_key_id(path) in revoked:
                reason = REVOKED_REASON
            return _quarantine(central, path, reason, exc.code, moment)
        try:
            # The verified bundle keeps its file open for records(): closed before any move.
            with verified:
                return _apply(central, verified, moment)
        except _Refusal as exc:
            return _quarantine(central, path, exc.reason, exc.code, moment)
    except SQLAlchemyError as exc:
        raise database_error(exc) from None


def _senders(central: CentralFolder) -> tuple[dict[str, TrustedSender], set[str]]:
    d = models.devices.c
    trusted: dict[str, TrustedSender] = {}
    revoked: set[str] = set()
    with central.engine.connect() as conn:
        for row in conn.execute(
            select(d.device_id, d.signing_key_id, d.signing_public_key_pem, d.status)
        ):
            if row.status == "active":
                key = load_signing_public_key_pem(row.signing_public_key_pem)
                trusted[row.signing_key_id] = TrustedSender(row.device_id, key)
            else:
                revoked.add(row.signing_key_id)
    return trusted, revoked


def _peek_sender_key_id(path: Path) -> str | None:
    """The manifest's sender key id, read without trusting it: only to word a refusal."""
    try:
        with zipfile.ZipFile(path) as archive:
            manifest = json.loads(archive.read("manifest.json"))
        value = manifest.get("sender_key_id") if isinstance(manifest, dict) else None
        return value if isinstance(value, str) else None
    except (OSError, ValueError, KeyError, zipfile.BadZipFile):
        return None


def _check_entity_types(central: CentralFolder, bundle: VerifiedBundle) -> None:
    """A bundle with records of a type this service does not accept (has not announced) is
    refused whole: a device that follows the announcements never sends one."""
    unknown = set(bundle.record_counts) - set(central.config.accepted_schemas) - {ERASURE}
    if unknown:
        # A sender's entity names go into a line for people only when they look like names.
        shown = sorted(name if _ENTITY_NAME.fullmatch(name) else "(unnamed)" for name in unknown)
        raise _Refusal(
            "The bundle holds records of a kind this central service does not accept: "
            + ", ".join(dict.fromkeys(shown))
            + ".",
            "bad-payload",
        )


def _schema_limits(central: CentralFolder) -> dict[str, frozenset[str]]:
    """entity -> the `data` members it may have, for the types this service accepts only at
    an earlier schema revision than the newest (central.json narrows them: section 14.3)."""
    return {
        entity: members(entity, schema)
        for entity, schema in central.config.accepted_schemas.items()
        if schema < current_schema(entity)
    }


def _check_schema(limits: dict[str, frozenset[str]], incoming: Incoming) -> None:
    """A record written to a schema revision this service has not announced refuses the
    bundle, as a type not announced does (a device following the announcements never sends
    one)."""
    allowed = limits.get(incoming.entity)
    if allowed is not None and not incoming.raw_data.keys() <= allowed:
        raise _Refusal(
            f"The bundle holds {incoming.entity} records of a schema revision this central "
            "service does not accept.",
            "bad-payload",
        )


def _device_announcement(bundle: VerifiedBundle) -> str | None:
    """What the device says it reads in return bundles (`extra.accepted_entities`), as
    canonical JSON; None when it says nothing (a device of format revision 1.1 or earlier)."""
    if "accepted_entities" not in bundle.extra:
        return None
    try:
        names = parse_accepted_entities(bundle.extra["accepted_entities"])
    except BadAnnouncement:
        raise _Refusal(
            "The bundle's accepted_entities is not a list of entity names.", "bad-manifest"
        ) from None
    return canonical_dumps(announcement(names)).decode("utf-8")


def _remember_what_it_reads(conn: Connection, device_id: str, announced: str | None) -> None:
    """Keep what the device's newest bundle says it reads in return bundles. When that
    changed (the device was upgraded), its next return bundle sends the whole roster again,
    so records it was sent at an earlier schema revision reach it with every member."""
    d = models.devices.c
    before = conn.execute(
        select(d.accepted_entities).where(d.device_id == device_id)
    ).scalar_one_or_none()
    if before == announced:
        return
    conn.execute(
        update(models.devices).where(d.device_id == device_id).values(accepted_entities=announced)
    )
    s = models.return_streams.c
    conn.execute(
        update(models.return_streams).where(s.device_id == device_id).values(roster_sent_through=0)
    )


def _apply(central: CentralFolder, bundle: VerifiedBundle, now: datetime) -> IngestResult:
    result = IngestResult(
        path=bundle.path,
        outcome="ingested",
        bundle_id=bundle.bundle_id,
        device_id=bundle.sender_id,
        sequence=bundle.sequence,
    )
    stamp = now.astimezone(UTC).replace(tzinfo=None)
    try:
        with central.engine.begin() as conn:
            # One ingest per device at a time, before its stream state is read: a concurrent
            # ingest of the bundle before this one commits first, so no false gap is recorded
            # (a row lock on PostgreSQL; SQLite has a single writer anyway).
            d = models.devices.c
            conn.execute(
                select(d.device_id).where(d.device_id == bundle.sender_id).with_for_update()
            )
            if _already_ingested(conn, bundle):
                result.outcome = "already-ingested"
                return result
            _check_entity_types(central, bundle)
            device_reads = _device_announcement(bundle)
            _check_sequence(conn, bundle, result)
            if not result.filled_gap:
                _remember_what_it_reads(conn, bundle.sender_id, device_reads)
            conn.execute(
                insert(models.accepted_bundles).values(
                    bundle_id=bundle.bundle_id,
                    device_id=bundle.sender_id,
                    sender_key_id=bundle.sender_key_id,
                    sequence=bundle.sequence,
                    manifest_sha256=bundle.manifest_sha256,
                    previous_bundle_sha256=bundle.previous_bundle_sha256,
                    record_count=sum(bundle.record_counts.values()),
                    audit_head=_audit_head(bundle),
                    created_at=str(bundle.manifest["created_at"]),
                    ingested_at=stamp,
                )
            )
            roster_seq = reserve_roster_seq(conn)
            writer = RecordWriter(
                conn,
                source=bundle.sender_id,
                central_id=central.config.central_id,
                bundle_id=bundle.bundle_id,
                roster_seq=roster_seq,
                now=stamp,
            )
            limits = _schema_limits(central)
            gate = ErasureGate(conn, writer.add)
            instructions: list[tuple[ErasureInstruction, ChildRecords]] = []
            try:
                for record in bundle.records():
                    if is_erasure(record):
                        instruction = _instruction(record, bundle.sender_id)
                        found = may_erase(conn, instruction, bundle_id=bundle.bundle_id)
                        if found is None:
                            # Not this device's to erase: refused and counted, not the bundle.
                            refuse(conn, instruction, bundle_id=bundle.bundle_id, now=stamp)
                            result.erasures_refused += 1
                            continue
                        instructions.append((instruction, found))
                        gate.add_erased(instruction.child_id)
                        continue
                    incoming = parse_record(record, bundle.sender_id)
                    if limits:
                        _check_schema(limits, incoming)
                    gate.add(incoming)
                gate.flush()
                writer.flush()
            except RecordProblem as exc:
                raise _Refusal(
                    f"The bundle's records are not valid: {exc}.", "bad-payload"
                ) from None
            except BundleRefused as exc:
                raise _Refusal(exc.reason, exc.code) from None
            if writer.roster_touched:
                commit_roster_seq(conn, roster_seq)
            for instruction, found in instructions:
                erased = carry_out(
                    conn, instruction, bundle_id=bundle.bundle_id, now=stamp, found=found
                )
                if not erased.already:
                    result.erased += 1
                    result.records_erased += erased.records_removed
            count_refused(conn, gate.refused)
            result.refused_erased = sum(gate.refused.values())
            imported_through = _return_imported_through(bundle)
            if imported_through is not None:
                confirm_told(conn, bundle.sender_id, imported_through, stamp)
    except IntegrityError:
        # Another ingest of the same stream committed first: nothing of ours was kept.
        raise CentralError(
            "Another ingest of the same device's bundles ran at the same time; run it again."
        ) from None
    if result.erased:
        truncate_log(central.engine)
    counts = writer.counts
    result.records = counts.total
    result.inserted = counts.inserted
    result.updated = counts.updated
    result.unchanged = counts.unchanged + counts.stale
    result.conflicts = counts.conflicts
    result.per_entity = dict(counts.per_entity)
    return result


def _instruction(record: dict[str, object], sender_id: str) -> ErasureInstruction:
    """An erasure instruction of the bundle; only the device that erased may say it did."""
    try:
        instruction = parse_instruction(record)
    except BundleRefused as exc:
        raise _Refusal(exc.reason, exc.code) from None
    if instruction.erased_by != sender_id:
        raise _Refusal(
            "An erasure instruction in the bundle names another device than its sender.",
            "bad-payload",
        )
    return instruction


def _return_imported_through(bundle: VerifiedBundle) -> int | None:
    """The last return bundle the device says it imported (`extra.return_imported_through`,
    revision 1.5), or None when it does not say."""
    value = bundle.extra.get("return_imported_through")
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise _Refusal("The bundle's return_imported_through is not a number.", "bad-manifest")
    return value


def _already_ingested(conn: Connection, bundle: VerifiedBundle) -> bool:
    a = models.accepted_bundles.c
    row = conn.execute(
        select(a.manifest_sha256).where(
            (a.manifest_sha256 == bundle.manifest_sha256) | (a.bundle_id == bundle.bundle_id)
        )
    ).first()
    if row is None:
        return False
    if row.manifest_sha256 == bundle.manifest_sha256:
        return True
    raise _Refusal(
        "A different bundle with this bundle's id was already ingested (rollback or forgery).",
        "rollback",
    )


def _check_sequence(conn: Connection, bundle: VerifiedBundle, result: IngestResult) -> None:
    """Section 10: next in sequence, gap (recorded as one range), gap filled late, or refused:
    rollback, or a sequence number more than MAX_SEQUENCE_GAP ahead (too-far-ahead)."""
    a = models.accepted_bundles.c
    key_id = bundle.sender_key_id
    sequence = bundle.sequence
    last = conn.execute(select(func.max(a.sequence)).where(a.sender_key_id == key_id)).scalar()
    last_sequence = int(last) if last is not None else 0
    # Before the number is used in any query: it may not even fit the column.
    if sequence - last_sequence - 1 > MAX_SEQUENCE_GAP:
        raise _Refusal(sequence_too_far_ahead(sequence, last_sequence), "too-far-ahead")
    previous = None
    if sequence > 1:
        previous = conn.execute(
            select(a.manifest_sha256).where(a.sender_key_id == key_id, a.sequence == sequence - 1)
        ).scalar()
    if previous is not None and previous != bundle.previous_bundle_sha256:
        raise _Refusal(
            "This bundle does not follow on from the one already ingested before it: the "
            "device's history has forked (for example restored from an old backup) (rollback).",
            "rollback",
        )
    if sequence > last_sequence:
        if sequence > last_sequence + 1:
            first_missing, last_missing = last_sequence + 1, sequence - 1
            conn.execute(
                insert(models.gaps).values(
                    sender_key_id=key_id,
                    first_missing=first_missing,
                    last_missing=last_missing,
                    device_id=bundle.sender_id,
                    noticed_in_bundle_id=bundle.bundle_id,
                )
            )
            result.gap = (first_missing, last_missing)
        return
    # An older sequence number: only a bundle that fills a recorded gap may come now.
    g = models.gaps.c
    gap = conn.execute(
        select(g.first_missing, g.last_missing, g.noticed_in_bundle_id, g.device_id).where(
            g.sender_key_id == key_id, g.first_missing <= sequence, g.last_missing >= sequence
        )
    ).first()
    following = conn.execute(
        select(a.previous_bundle_sha256).where(
            a.sender_key_id == key_id, a.sequence == sequence + 1
        )
    ).first()
    if gap is None or (following is not None and following[0] != bundle.manifest_sha256):
        raise _Refusal(
            "This is an older bundle of the device's stream, different from what was already "
            "ingested; an older bundle never overwrites a newer one (rollback).",
            "rollback",
        )
    conn.execute(
        delete(models.gaps).where(g.sender_key_id == key_id, g.first_missing == gap.first_missing)
    )
    for first, last_ in ((gap.first_missing, sequence - 1), (sequence + 1, gap.last_missing)):
        if first <= last_:
            conn.execute(
                insert(models.gaps).values(
                    sender_key_id=key_id,
                    first_missing=first,
                    last_missing=last_,
                    device_id=gap.device_id,
                    noticed_in_bundle_id=gap.noticed_in_bundle_id,
                )
            )
    result.filled_gap = True


def _audit_head(bundle: VerifiedBundle) -> str | None:
    value = bundle.extra.get("audit_head")
    if value is None:
        return None
    return canonical_dumps(value).decode("utf-8")


def _quarantine(
    central: CentralFolder, path: Path, reason: str, code: str, now: datetime
) -> IngestResult:
    """Keep a copy of the refused file (`central/quarantine.py`); the result says where."""
    kept = keep_refused(central, path, reason, code, now)
    return IngestResult(
        path=path,
        outcome="refused",
        reason=kept.reason,
        code=kept.code,
        quarantined_as=kept.quarantined_as,
        not_kept=kept.not_kept,
    )
