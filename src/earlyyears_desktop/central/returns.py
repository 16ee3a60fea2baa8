"""Return bundles: the central service's answer to one device.

A return bundle is signed by the central service and encrypted to the device's enrolled
encryption key. It has its own sequence stream per device (with the previous manifest's hash),
an expiry, and in `extra` what the device needs to know:

    acknowledged_sequences  every export sequence received from the device's current key
    acknowledged_through    the highest n such that 1..n were all received (0 if none)
    not_accepted            the records of those bundles that were received but not accepted
                            (kept as open conflicts): [{"entity", "id", "version"}]
    revoked, revoked_reason whether the device's enrolment was revoked, and why
    accepted_entities       the entity types this service accepts in export bundles: the
                            device holds back records of the others until they appear here

Its records are first the erasure instructions the device has not yet confirmed (children
erased on another device that this one holds: docs/bundle-format.md 8.3), then the roster
updates for the device's team (or for every team) that have not
been sent to that device yet, in the bundle record format. A revoked device gets no records,
only the news that it was revoked. Each record is written to the newest schema revision of its
entity that the device reads (what its newest export bundle announced; schema 1 when it said
nothing), leaving out the members later revisions added (docs/bundle-format.md 14.3): the
service keeps them, and a device of an earlier release never sees a member it would refuse.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Final

from sqlalchemy import Connection, func, insert, or_, select, update
from sqlalchemy.exc import SQLAlchemyError

from earlyyears_desktop.central import models
from earlyyears_desktop.central.erasures import instructions_for
from earlyyears_desktop.central.errors import CentralError, UsageError
from earlyyears_desktop.central.folder import CentralFolder, database_error
from earlyyears_desktop.central.records import CONFLICT_OPEN, ROSTER_ALL_TEAMS
from earlyyears_desktop.domain import record_types
from earlyyears_desktop.sync.bundle import write_bundle
from earlyyears_desktop.sync.canonical import canonical_loads
from earlyyears_desktop.sync.entity_schemas import accepted_schemas, current_schema, members
from earlyyears_desktop.sync.entity_types import announcement, parse_accepted_entities
from earlyyears_desktop.sync.erasure_instructions import reads_erasures
from earlyyears_desktop.sync.keys import KeyPair, load_encryption_public_key_pem

#: Entities a return bundle may carry (the roster and the strategy library), in the order
#: they are written: a record comes after the records it refers to (carer after child,
#: session after group), so a device can apply them one by one with foreign keys on. The
#: registry (domain/record_types.py) says which they are, and its order is foreign-key order.
RETURN_ENTITIES: Final = record_types.RETURN_ENTITIES
_ORDER: Final = {entity: index for index, entity in enumerate(RETURN_ENTITIES)}
DEFAULT_EXPIRY_DAYS: Final = 30
MAX_EXPIRY_DAYS: Final = 366
_SAFE = re.compile(r"[^A-Za-z0-9]")


@dataclass(frozen=True)
class WrittenReturn:
    path: Path
    device_id: str
    sequence: int
    records: int
    acknowledged_through: int
    revoked: bool
    #: erasure instructions it carried
    erasures: int = 0


def return_file_name(central_id: str, device_id: str, sequence: int) -> str:
    """FAT-safe, sorts by device then sequence, and differs for devices with similar ids."""
    central = _SAFE.sub("", central_id.removeprefix("central-"))[:8].lower() or "central"
    device = _SAFE.sub("", device_id)[:12].lower() or "device"
    tag = hashlib.sha256(device_id.encode("utf-8")).hexdigest()[:6]
    return f"EY-return-{central}-{device}{tag}-{sequence:06d}.eyb"


def acknowledgements(conn: Connection, signing_key_id: str) -> tuple[list[int], int]:
    a = models.accepted_bundles.c
    sequences = [
        int(s)
        for s in conn.execute(
            select(a.sequence).where(a.sender_key_id == signing_key_id).order_by(a.sequence)
        ).scalars()
    ]
    through = 0
    for sequence in sequences:
        if sequence != through + 1:
            break
        through = sequence
    return sequences, through


def not_accepted(conn: Connection, signing_key_id: str) -> list[dict[str, object]]:
    """The device's copies kept aside as open conflicts, from its current key's bundles."""
    c = models.conflicts.c
    a = models.accepted_bundles.c
    rows = conn.execute(
        select(c.entity, c.record_id, c.incoming_version)
        .distinct()
        .join(models.accepted_bundles, a.bundle_id == c.bundle_id)
        .where(a.sender_key_id == signing_key_id, c.status == CONFLICT_OPEN)
        .order_by(c.entity, c.record_id, c.incoming_version)
    )
    return [
        {"entity": row.entity, "id": row.record_id, "version": int(row.incoming_version)}
        for row in rows
    ]


def write_return(
    central: CentralFolder,
    keys: KeyPair,
    device_id: str,
    out_dir: Path,
    *,
    expires_in_days: int = DEFAULT_EXPIRY_DAYS,
    full: bool = False,
    now: datetime | None = None,
) -> WrittenReturn:
    """Write the device's next return bundle into `out_dir`; the stream advances on success."""
    if not 1 <= expires_in_days <= MAX_EXPIRY_DAYS:
        raise UsageError(f"--expires-in-days must be 1 to {MAX_EXPIRY_DAYS}.")
    out_dir = Path(out_dir)
    if not out_dir.is_dir():
        raise UsageError(f"There is no folder {out_dir} to write the return bundle into.")
    moment = now or datetime.now(UTC)
    d = models.devices.c
    s = models.return_streams.c
    written: Path | None = None
    try:
        with central.engine.begin() as conn:
            device = conn.execute(
                select(
                    d.team,
                    d.status,
                    d.revoked_reason,
                    d.signing_key_id,
                    d.encryption_public_key_pem,
                    d.accepted_entities,
                ).where(d.device_id == device_id)
            ).first()
            if device is None:
                raise CentralError(f"No device {device_id} is enrolled here.")
            revoked = device.status != "active"
            stream = conn.execute(
                select(s.last_sequence, s.last_manifest_sha256, s.roster_sent_through).where(
                    s.device_id == device_id
                )
            ).first()
            sequence = 1 if stream is None else int(stream.last_sequence) + 1
            previous = None if stream is None else stream.last_manifest_sha256
            sent_through = 0 if stream is None or full else int(stream.roster_sent_through)
            sequences, through = acknowledgements(conn, device.signing_key_id)
            refused_copies = not_accepted(conn, device.signing_key_id)
            records: list[dict[str, object]] = []
            erasure_count = 0
            highest = sent_through
            if not revoked:
                earlier = _earlier_schemas(device.accepted_entities)
                for record, roster_seq in _roster_for(conn, device_id, device.team, sent_through):
                    allowed = earlier.get(str(record["entity"]))
                    if allowed is not None:
                        data = record["data"]
                        assert isinstance(data, dict)
                        record["data"] = {k: v for k, v in data.items() if k in allowed}
                    records.append(record)
                    highest = max(highest, roster_seq)
            if stream is not None and not full:
                highest = max(highest, int(stream.roster_sent_through))
            if _reads_erasures(device.accepted_entities):
                # Whatever else: erased here, to be erased there (until it says so).
                erasures = [e.record() for e in instructions_for(conn, device_id, sequence)]
                records = erasures + records
                erasure_count = len(erasures)
            target = out_dir / return_file_name(central.config.central_id, device_id, sequence)
            if target.exists():
                raise CentralError(f"{target} already exists; choose another folder.")
            result = write_bundle(
                target,
                kind="return",
                sender_id=central.config.central_id,
                sender_signing_key=keys.signing,
                recipient_id=device_id,
                recipient_public_key=load_encryption_public_key_pem(
                    device.encryption_public_key_pem
                ),
                sequence=sequence,
                previous_bundle_sha256=previous,
                records=records,
                expires_at=moment + timedelta(days=expires_in_days),
                extra={
                    "acknowledged_sequences": sequences,
                    "acknowledged_through": through,
                    "not_accepted": refused_copies,
                    "revoked": revoked,
                    "revoked_reason": device.revoked_reason if revoked else "",
                    "accepted_entities": announcement(central.config.accepted_entity_types),
                },
                now=moment,
            )
            written = result.path
            stream_values = {
                "last_sequence": sequence,
                "last_manifest_sha256": result.manifest_sha256,
                "roster_sent_through": highest,
            }
            if stream is None:
                conn.execute(
                    insert(models.return_streams).values(device_id=device_id, **stream_values)
                )
            else:
                conn.execute(
                    update(models.return_streams)
                    .where(s.device_id == device_id)
                    .values(**stream_values)
                )
    except SQLAlchemyError as exc:
        if written is not None:
            written.unlink(missing_ok=True)
        raise database_error(exc) from None
    except BaseException:
        if written is not None:
            written.unlink(missing_ok=True)
        raise
    return WrittenReturn(
        path=result.path,
        device_id=device_id,
        sequence=sequence,
        records=len(records) - erasure_count,
        acknowledged_through=through,
        revoked=revoked,
        erasures=erasure_count,
    )


def _reads_erasures(stored: str | None) -> bool:
    """Whether the device's newest export said it reads erasure instructions (8.3)."""
    if not stored:
        return False
    return reads_erasures(parse_accepted_entities(canonical_loads(stored.encode("utf-8"))))


def _earlier_schemas(stored: str | None) -> dict[str, frozenset[str]]:
    """Returned entity -> the `data` members of the schema revision the device reads, for
    those it reads only at a revision earlier than the newest (from its stored announcement;
    none stored: schema 1 of every type)."""
    names: frozenset[str] = frozenset()
    if stored:
        names = parse_accepted_entities(canonical_loads(stored.encode("utf-8")))
    reads = accepted_schemas(names)
    earlier: dict[str, frozenset[str]] = {}
    for entity in RETURN_ENTITIES:
        schema = max(1, min(reads.get(entity, 1), current_schema(entity)))
        if schema < current_schema(entity):
            earlier[entity] = members(entity, schema)
    return earlier


def _roster_for(
    conn: Connection, device_id: str, team: str, sent_through: int
) -> Iterator[tuple[dict[str, object], int]]:
    r = models.records.c
    query = select(
        r.entity,
        r.record_id,
        r.version,
        r.deleted,
        r.changed_by_device,
        r.data,
        r.roster_seq,
    ).where(
        or_(r.roster_team == team, r.roster_team == ROSTER_ALL_TEAMS),
        r.roster_seq > sent_through,
        r.entity.in_(RETURN_ENTITIES),
        r.source != device_id,
    )
    rows = sorted(conn.execute(query), key=lambda row: (_ORDER[row.entity], row.record_id))
    for row in rows:
        record: dict[str, object] = {
            "entity": row.entity,
            "id": row.record_id,
            "version": int(row.version),
            "deleted": bool(row.deleted),
            "changed_by_device": row.changed_by_device,
            "data": json.loads(row.data),
        }
        yield record, int(row.roster_seq)


def roster_high_water(conn: Connection) -> int:
    return int(conn.execute(select(func.max(models.records.c.roster_seq))).scalar() or 0)
