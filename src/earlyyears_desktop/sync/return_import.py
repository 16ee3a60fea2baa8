"""Importing a return bundle: checked completely, then applied all or nothing.

The replay and sequence checks (docs/bundle-format.md section 10), the acknowledgements of
this device's exports, the records and the stream state are one write transaction.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Final

from sqlalchemy import ColumnElement, and_, func, or_, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from earlyyears_desktop.domain.errors import DomainError
from earlyyears_desktop.domain.models import ChangeLogEntry, LaNotification, SyncBundle, utcnow
from earlyyears_desktop.services.unit_of_work import Changes

from .bundle import (
    MAX_SEQUENCE_GAP,
    TrustedSender,
    VerifiedBundle,
    open_bundle,
    sequence_too_far_ahead,
)
from .device_errors import NotEnrolled
from .device_results import ImportResult
from .entity_types import (
    FORMAT_1_ENTITY_TYPES,
    BadAnnouncement,
    parse_accepted_entities,
    sendable_entity_types,
)
from .erasure_instructions import ErasureInstruction, is_erasure, parse_instruction
from .erasure_sync import (
    ErasedHere,
    acknowledged_erasures,
    apply_received,
    keep_received,
    mark_sent,
)
from .errors import BundleRefused
from .keys import key_id
from .records import DecodedRecord, decode_record
from .return_applier import ReturnApplier
from .sharing import RETURN_ENTITIES
from .stream_state import (
    S_RETURN_GAPS,
    S_RETURN_KEY,
    S_RETURN_SEQ,
    S_RETURN_SHA,
    S_REVOKED,
    load_device_keys,
    load_peer,
    raise_synced,
    read_accepted_entities,
    read_int_setting,
    read_setting,
    write_accepted_entities,
    write_setting,
)

if TYPE_CHECKING:
    from earlyyears_desktop.services.container import Services

_APPLY_BATCH: Final = 500


def import_return(
    services: Services, path: str | os.PathLike[str], *, now: dt.datetime | None = None
) -> ImportResult:
    """Check and apply a return bundle, all or nothing (BundleRefused says why not)."""
    with services.uow.read() as session:
        keys = load_device_keys(session)
        peer = load_peer(session)
    if keys is None or peer is None:
        raise NotEnrolled()
    # Instructions an earlier import kept but could not carry out (the app stopped).
    apply_received(services)
    central_key = peer.signing_key
    central_key_id = key_id(central_key)
    try:
        bundle = open_bundle(
            path,
            trusted_senders={central_key_id: TrustedSender(peer.central_id, central_key)},
            recipient_private_key=keys.encryption,
            expected_kind="return",
            now=now or dt.datetime.now(dt.UTC),
            recipient_id=services.vault.device_id,
        )
    except OSError:
        raise DomainError("The bundle file could not be read.") from None
    # The bundle keeps its verified file open for records(); close it when done.
    with bundle:
        acknowledged = _acknowledgements(bundle.extra)
        not_accepted = _not_accepted(bundle.extra)
        revoked, revoked_reason = _revocation(bundle.extra)
        accepted = _accepted_entities(bundle.extra)

        try:
            # The replay and sequence checks and the apply are one write transaction
            # (BEGIN IMMEDIATE): a second import of this bundle, or of another, waits for
            # this one and then sees it.
            with services.uow.write(applying_sync=True) as tx:
                session = tx.session
                if _already_imported(session, bundle):
                    return ImportResult(bundle.bundle_id, bundle.sequence, replayed=True)
                missing = _sequence_check(session, bundle, central_key_id)
                # Records may arrive in any order; foreign keys are checked once, at commit.
                session.execute(text("PRAGMA defer_foreign_keys = ON"))
                # Acknowledgements first: they say which exported versions the central
                # service accepted (all but `not_accepted`), which the records below are
                # then compared with.
                acked, refused, notified = _apply_acknowledgements(
                    session, acknowledged, not_accepted
                )
                erasures_acked = acknowledged_erasures(session, *acknowledged)
                applier = ReturnApplier(session)
                # A bundle written before the central service carried out this device's
                # erasure may hold the child's records: they are not taken back.
                erased_here = ErasedHere(session)
                batch: list[DecodedRecord] = []
                received: list[ErasureInstruction] = []
                for record in bundle.records():
                    if is_erasure(record):
                        received.append(parse_instruction(record))
                        continue
                    decoded = decode_record(record, allowed_entities=RETURN_ENTITIES)
                    if not erased_here.keep(decoded):
                        continue
                    batch.append(decoded)
                    if len(batch) == _APPLY_BATCH:
                        applier.apply_batch(batch)
                        batch = []
                applier.apply_batch(batch)
                # Carried out once this transaction commits (VACUUM cannot run inside it).
                keep_received(session, received)
                if revoked:
                    write_setting(session, S_REVOKED, revoked_reason)
                elif "revoked" in bundle.extra:
                    write_setting(session, S_REVOKED, "")
                before = read_accepted_entities(session)
                write_accepted_entities(session, accepted)
                now_accepted = sorted(
                    sendable_entity_types(accepted or FORMAT_1_ENTITY_TYPES)
                    - sendable_entity_types(before)
                )
                write_setting(session, S_RETURN_KEY, central_key_id)
                write_setting(session, S_RETURN_SEQ, str(bundle.sequence))
                write_setting(session, S_RETURN_SHA, bundle.manifest_sha256)
                if missing:
                    gaps = [*_recorded_gaps(session), missing]
                    write_setting(session, S_RETURN_GAPS, _gaps_text(gaps))
                outcome = (
                    f"{applier.inserted} new, {applier.updated} updated, "
                    f"{applier.conflicts} conflicts, {acked} acknowledged"
                )
                if missing:
                    outcome += "; missing " + _gaps_text([missing])
                if revoked:
                    outcome += "; enrolment revoked"
                if received:
                    outcome += f"; {len(received)} erasure instructions"
                if erased_here.count:
                    outcome += f"; {erased_here.count} records of children erased here left out"
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
        mark_sent(services, erasures_acked)
        erased, erasure_changes = apply_received(services)
        changes = tx.changes.merged(erasure_changes)
        if notified:
            # The notifications now acknowledged change what their screens show.
            changes = changes.merged(Changes({LaNotification.entity: notified}))
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
            now_accepted=tuple(now_accepted),
            erased=erased,
            not_taken_back=erased_here.count,
            changes=changes,
        )


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


def _accepted_entities(extra: Mapping[str, object]) -> frozenset[str] | None:
    """The entity types the central service announces it accepts; None when it does not say
    (a central service of format revision 1.0: those of format version 1 are assumed)."""
    if "accepted_entities" not in extra:
        return None
    try:
        return parse_accepted_entities(extra["accepted_entities"])
    except BadAnnouncement:
        raise BundleRefused(
            "The return bundle's accepted_entities is not a list of entity names.",
            "bad-manifest",
        ) from None


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
    same_stream = read_setting(session, S_RETURN_KEY) == sender_key_id
    last = read_int_setting(session, S_RETURN_SEQ) if same_stream else 0
    last_sha = read_setting(session, S_RETURN_SHA) if same_stream else ""
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
    for item in read_setting(session, S_RETURN_GAPS).split(","):
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
) -> tuple[int, int, frozenset[str]]:
    """Mark the entries of the acknowledged bundles received, and remember the versions the
    central service accepted as its copies (`SyncRecordVersion`). Returns the number of
    entries newly acknowledged and of exported records the central service did not accept,
    and the notifications to the local authority newly acknowledged (their screens say so)."""
    sequences, through = acks
    conditions: list[ColumnElement[bool]] = []
    if sequences:
        conditions.append(ChangeLogEntry.exported_seq.in_(sorted(set(sequences))))
    if through is not None:
        conditions.append(ChangeLogEntry.exported_seq <= through)
    if not conditions:
        return 0, 0, frozenset()
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
    raise_synced(session, accepted)
    notified = frozenset(
        record_id for entity, record_id in accepted if entity == LaNotification.entity
    )
    result = session.execute(
        update(ChangeLogEntry).where(newly).values(acknowledged=True),
        execution_options={"synchronize_session": False},
    )
    return int(result.rowcount), refused, notified  # type: ignore[attr-defined]
