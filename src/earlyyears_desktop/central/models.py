"""The central service's tables: its own MetaData, independent of the device vault's models.

Everything here is portable SQL (SQLite and PostgreSQL): no dialect-only types, no triggers.
Records are stored generically - entity, id, version, tombstone, who changed them, and their
data as canonical JSON text - because the central service passes records on rather than
interpreting them. `init` creates the tables with `create_all`; a production deployment would
manage the schema with Alembic migrations instead.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING)

ID = 200  # ids are 1..200 characters in the bundle format
KEY_ID = 64

#: Facts about this central service; one row per key. `central_id` guards against two central
#: folders pointing at one database.
meta = Table(
    "central_meta",
    metadata,
    Column("key", String(60), primary_key=True),
    Column("value", Text, nullable=False),
)

devices = Table(
    "devices",
    metadata,
    Column("device_id", String(ID), primary_key=True),
    Column("practitioner", String(ID), nullable=False),
    Column("team", String(ID), nullable=False),
    Column("signing_key_id", String(KEY_ID), nullable=False, unique=True),
    Column("encryption_key_id", String(KEY_ID), nullable=False),
    Column("signing_public_key_pem", Text, nullable=False),
    Column("encryption_public_key_pem", Text, nullable=False),
    Column("cipher_suite", String(60), nullable=False),
    Column("status", String(20), nullable=False),  # active | revoked
    Column("revoked_reason", Text, nullable=False, default=""),
    Column("enrolled_at", DateTime, nullable=False),
    Column("revoked_at", DateTime, nullable=True),
    # What the device's newest export bundle says it reads in return bundles (its
    # extra.accepted_entities, canonical JSON); null: it said nothing (schema 1 of every type).
    Column("accepted_entities", Text, nullable=True),
)

#: One row per export bundle accepted. The stream state of section 10 of the bundle format
#: (last sequence, its manifest hash, the bundle ids seen) is read from here, per sender key.
accepted_bundles = Table(
    "accepted_bundles",
    metadata,
    Column("bundle_id", String(36), primary_key=True),
    Column("device_id", String(ID), nullable=False, index=True),
    Column("sender_key_id", String(KEY_ID), nullable=False),
    Column("sequence", Integer, nullable=False),
    Column("manifest_sha256", String(64), nullable=False, unique=True),
    Column("previous_bundle_sha256", String(64), nullable=True),
    Column("record_count", Integer, nullable=False),
    # The device's audit chain head at export (manifest extra.audit_head), as canonical JSON.
    Column("audit_head", Text, nullable=True),
    Column("created_at", String(20), nullable=False),  # the manifest's own timestamp
    Column("ingested_at", DateTime, nullable=False),
    UniqueConstraint("sender_key_id", "sequence", name="uq_accepted_bundles_stream_sequence"),
)

#: Sequence numbers missing from a device's stream when a later bundle arrived, as ranges
#: (a bundle may jump far ahead; one row per range keeps that cheap). A missing bundle that
#: arrives later fills its number and the range is split.
gaps = Table(
    "gaps",
    metadata,
    Column("sender_key_id", String(KEY_ID), primary_key=True),
    Column("first_missing", Integer, primary_key=True),
    Column("last_missing", Integer, nullable=False),
    Column("device_id", String(ID), nullable=False, index=True),
    Column("noticed_in_bundle_id", String(36), nullable=False),
)

records = Table(
    "records",
    metadata,
    # record_id first so that `record_id IN (...)` batches use the primary key.
    Column("record_id", String(ID), primary_key=True),
    Column("entity", String(ID), primary_key=True),
    Column("version", BigInteger, nullable=False),
    Column("deleted", Boolean, nullable=False),
    # What the record says about who changed it last (a device id or the central id).
    Column("changed_by_device", String(ID), nullable=False),
    # Who gave it to us: the sending device's id, or the central id for roster records.
    Column("source", String(ID), nullable=False),
    Column("data", Text, nullable=False),  # canonical JSON of the record's `data`
    Column("bundle_id", String(36), nullable=True),  # null for centrally authored changes
    # Roster scope: records authored centrally for a team ("*" = every team), else null.
    Column("roster_team", String(ID), nullable=True),
    # Increases with every change to a roster record: what return bundles have not yet sent.
    Column("roster_seq", BigInteger, nullable=True),
)
# Only roster records are looked up by team: a partial index keeps ingest of device records
# (the bulk) from paying for it. Counting per entity scans the table; no index is kept for it.
_roster_only = records.c.roster_team.is_not(None)
Index(
    "ix_records_roster",
    records.c.roster_team,
    records.c.roster_seq,
    sqlite_where=_roster_only,
    postgresql_where=_roster_only,
)

#: Two versions of one record that could not both win: the stored one is kept in `records`,
#: the other here. Nothing is silently overwritten. `status` is "open" until the sender of the
#: incoming copy sends a later copy that is accepted (made knowing the stored one): "resolved".
conflicts = Table(
    "conflicts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("entity", String(ID), nullable=False),
    Column("record_id", String(ID), nullable=False),
    Column("kind", String(40), nullable=False),
    Column("kept_version", BigInteger, nullable=False),
    Column("kept_source", String(ID), nullable=False),
    Column("incoming_version", BigInteger, nullable=False),
    Column("incoming_source", String(ID), nullable=False),
    Column("incoming_changed_by_device", String(ID), nullable=False),
    Column("incoming_deleted", Boolean, nullable=False),
    Column("incoming_data", Text, nullable=False),
    Column("bundle_id", String(36), nullable=True),
    Column("noticed_at", DateTime, nullable=False),
    Column("status", String(20), nullable=False, default="open", server_default="open"),
    Column("resolved_at", DateTime, nullable=True),
    Index("ix_conflicts_record", "entity", "record_id"),
)

#: Attendance marks indexed by (session, child), so that two devices marking the same child
#: at the same session are found and shown for people to reconcile (both are kept).
attendance_marks = Table(
    "attendance_marks",
    metadata,
    Column("record_id", String(ID), primary_key=True),
    Column("session_id", String(ID), nullable=False),
    Column("child_id", String(ID), nullable=False),
    Column("source", String(ID), nullable=False),
    Column("changed_by_device", String(ID), nullable=False),
    Column("recorded_by", String(ID), nullable=True),
    Column("recorded_at", String(40), nullable=True),
    Index("ix_attendance_marks_pair", "session_id", "child_id"),
)

#: Refused bundles: a copy of the file is kept under CENTRAL/quarantine/.
quarantine = Table(
    "quarantine",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("file", String(400), nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("reason", Text, nullable=False),
    Column("code", String(40), nullable=False),
    Column("refused_at", DateTime, nullable=False),
    UniqueConstraint("sha256", "code", name="uq_quarantine_sha256_code"),
)

#: The central service's own stream of return bundles to each device.
return_streams = Table(
    "return_streams",
    metadata,
    Column("device_id", String(ID), primary_key=True),
    Column("last_sequence", Integer, nullable=False),
    Column("last_manifest_sha256", String(64), nullable=False),
    Column("roster_sent_through", BigInteger, nullable=False),
)

#: Children erased on a device's instruction (docs/bundle-format.md 8.3): ids, times and a
#: reason category only, never personal data. Kept for good, so that a child erased is never
#: revived by a bundle that still carries the child's records.
erasures = Table(
    "erasures",
    metadata,
    Column("child_id", String(ID), primary_key=True),
    Column("erased_at", String(20), nullable=False),  # the instruction's own timestamp
    Column("erased_by", String(ID), nullable=False),  # the device that erased the child
    Column("reason", String(40), nullable=False),
    Column("bundle_id", String(36), nullable=False),  # the export bundle that carried it
    Column("carried_out_at", DateTime, nullable=False),
    Column("records_removed", Integer, nullable=False),
    #: records of the child refused since, from bundles made before the devices knew
    Column("records_refused", Integer, nullable=False, default=0),
)

#: Erasure instructions refused: the sending device could not hold the child (it is not on
#: its team's roster and the device never sent a record of it). Ids and times only.
refused_erasures = Table(
    "refused_erasures",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("child_id", String(ID), nullable=False),
    Column("device_id", String(ID), nullable=False),
    Column("bundle_id", String(36), nullable=False),
    Column("erased_at", String(20), nullable=False),  # the instruction's own timestamp
    Column("refused_at", DateTime, nullable=False),
)

#: The ids of the records removed with an erased child: a later copy of one (an old bundle
#: ingested late) is refused, and so is a record that refers to one (a child's plan's review).
erased_records = Table(
    "erased_records",
    metadata,
    Column("record_id", String(ID), primary_key=True),
    Column("entity", String(ID), primary_key=True),
    Column("child_id", String(ID), nullable=False, index=True),
)

#: Which devices must be told of an erasure (they held the child: through the roster, or they
#: sent its records). Carried in each of the device's return bundles from `first_sent_in` on,
#: until one of its export bundles says it imported that return bundle (`confirmed_at`).
erasure_notices = Table(
    "erasure_notices",
    metadata,
    Column("child_id", String(ID), primary_key=True),
    Column("device_id", String(ID), primary_key=True),
    Column("first_sent_in", Integer, nullable=True),  # a return sequence number
    Column("confirmed_at", DateTime, nullable=True),
)
