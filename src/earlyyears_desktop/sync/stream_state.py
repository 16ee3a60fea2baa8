"""A device's stream state and keys, all kept inside the encrypted vault.

The device's private keys and the central service's public keys are `DeviceKey` rows; the
stream state (sequence numbers, manifest hashes, revocation, the pending enrolment request)
is `VaultSetting` rows; the versions the central service is known to hold are
`SyncRecordVersion` rows.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from sqlalchemy import Table, delete, func, update
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from earlyyears_desktop.domain.models import (
    ChangeLogEntry,
    DeviceKey,
    SyncBundle,
    SyncRecordVersion,
    VaultSetting,
    utcnow,
)

from .canonical import canonical_dumps, canonical_loads
from .device_results import Fingerprints
from .entity_types import FORMAT_1_ENTITY_TYPES, announcement, parse_accepted_entities
from .keys import (
    CipherSuite,
    EncryptionPublicKey,
    KeyPair,
    load_encryption_public_key_pem,
    load_signing_public_key_pem,
)

#: rows written or read per statement when many are handled at once
BATCH_SIZE: Final = 1000
#: history rows of the export stream to an earlier central service (after re-enrolment)
OLD_EXPORT: Final = "old-export"

# VaultSetting keys
S_SUITE = "sync.device_suite"
S_CENTRAL_ID = "sync.central_id"
S_CENTRAL_NAME = "sync.central_name"
S_ENROLLED_AT = "sync.enrolled_at"
S_REVOKED = "sync.revoked_reason"
S_EXPORT_SEQ = "sync.export.last_sequence"
S_EXPORT_SHA = "sync.export.last_sha256"
# The file an export is being written to (its sequence is last_sequence + 1); absent or ""
# when no export is under way.
S_EXPORT_RESERVED = "sync.export.reserved_file"
S_RETURN_KEY = "sync.return.sender_key_id"
S_RETURN_SEQ = "sync.return.last_sequence"
S_RETURN_SHA = "sync.return.last_sha256"
S_RETURN_GAPS = "sync.return.missing"
# SHA-256 of the latest enrolment request written: the only one a response may answer.
S_PENDING_REQUEST = "sync.enrolment.request_sha256"
# The entity types the central service last announced it accepts, as a JSON list; absent or
# "" when it announced none (then those of format version 1 are assumed).
S_ACCEPTED_ENTITIES = "sync.central.accepted_entities"
# child id -> the export sequence that last carried its erasure instruction (JSON object;
# `erasure_sync.py`); absent or "" when none is waiting for an acknowledgement
S_ERASURES_IN_FLIGHT = "sync.erasures.exported"
# DeviceKey names
K_SIGNING = "device.signing"
K_ENCRYPTION = "device.encryption"
K_CENTRAL_SIGNING = "central.signing.pem"
K_CENTRAL_ENCRYPTION = "central.encryption.pem"


@dataclass(frozen=True)
class CentralPeer:
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


def read_setting(session: Session, key: str) -> str:
    row = session.get(VaultSetting, key)
    return row.value if row else ""


def read_int_setting(session: Session, key: str) -> int:
    value = read_setting(session, key)
    return int(value) if value.isdigit() else 0


def write_setting(session: Session, key: str, value: str) -> None:
    row = session.get(VaultSetting, key)
    if row is None:
        session.add(VaultSetting(key=key, value=value))
    else:
        row.value = value


def clear_setting(session: Session, key: str) -> None:
    """Remove a setting, leaving the vault as it was before the setting was first made."""
    row = session.get(VaultSetting, key)
    if row is not None:
        session.delete(row)


def store_key(session: Session, name: str, key_bytes: bytes) -> None:
    row = session.get(DeviceKey, name)
    if row is None:
        session.add(DeviceKey(name=name, key_bytes=key_bytes))
    else:
        row.key_bytes = key_bytes
        row.created_at = utcnow()


def load_device_keys(session: Session) -> KeyPair | None:
    signing = session.get(DeviceKey, K_SIGNING)
    encryption = session.get(DeviceKey, K_ENCRYPTION)
    if signing is None or encryption is None:
        return None
    suite = CipherSuite(read_setting(session, S_SUITE) or CipherSuite.X25519.value)
    return KeyPair.from_private_bytes(signing.key_bytes, encryption.key_bytes, suite)


def load_peer(session: Session) -> CentralPeer | None:
    signing = session.get(DeviceKey, K_CENTRAL_SIGNING)
    encryption = session.get(DeviceKey, K_CENTRAL_ENCRYPTION)
    central_id = read_setting(session, S_CENTRAL_ID)
    if signing is None or encryption is None or not central_id:
        return None
    return CentralPeer(
        central_id,
        read_setting(session, S_CENTRAL_NAME),
        signing.key_bytes.decode("ascii"),
        encryption.key_bytes.decode("ascii"),
    )


def read_accepted_entities(session: Session) -> frozenset[str]:
    """The entity types the central service accepts, as it last announced them (those of
    format version 1 when it never did)."""
    stored = read_setting(session, S_ACCEPTED_ENTITIES)
    if not stored:
        return FORMAT_1_ENTITY_TYPES
    return parse_accepted_entities(canonical_loads(stored.encode("utf-8")))


def write_accepted_entities(session: Session, types: frozenset[str] | None) -> None:
    """Keep the central service's latest announcement (None: it announced none)."""
    value = "" if types is None else canonical_dumps(announcement(types)).decode("utf-8")
    write_setting(session, S_ACCEPTED_ENTITIES, value)


def fingerprints_of(keys: KeyPair) -> Fingerprints:
    return Fingerprints(keys.signing_fingerprint, keys.encryption_fingerprint)


SYNCED_VERSIONS: Final[Table] = SyncRecordVersion.__table__  # type: ignore[assignment]


def raise_synced(session: Session, versions: Mapping[tuple[str, str], int]) -> None:
    """Record that the central service holds these versions (never lowering a known one)."""
    if not versions:
        return
    statement = sqlite_insert(SYNCED_VERSIONS)
    statement = statement.on_conflict_do_update(
        index_elements=[SYNCED_VERSIONS.c.entity, SYNCED_VERSIONS.c.record_id],
        set_={
            "central_version": func.max(
                SYNCED_VERSIONS.c.central_version, statement.excluded.central_version
            )
        },
    )
    rows = [{"entity": e, "record_id": r, "central_version": v} for (e, r), v in versions.items()]
    for start in range(0, len(rows), BATCH_SIZE):
        session.execute(statement, rows[start : start + BATCH_SIZE])


def restart_streams(session: Session) -> None:
    """Enrolled with another central service: both streams start again at 1, every change is
    to be sent again (what the previous central service received or accepted counts for
    nothing with this one), and no record is known to be held centrally any more."""
    for key in (
        S_EXPORT_SEQ,
        S_EXPORT_SHA,
        S_EXPORT_RESERVED,
        S_RETURN_KEY,
        S_RETURN_SEQ,
        S_RETURN_SHA,
        S_RETURN_GAPS,
        S_ACCEPTED_ENTITIES,
        S_ERASURES_IN_FLIGHT,
    ):
        write_setting(session, key, "")
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
