"""Applying a return bundle's records to the vault, following the device's conflict rules.

A central copy replaces the local one unless the local one changed since the last copy both
sides share; then the two are kept side by side as a `SyncConflict` for people to choose.
A central copy written to an earlier schema revision (docs/bundle-format.md 14.3) says nothing
about the members it lacks: a local record keeps its own values of them.
"""

from __future__ import annotations

from typing import Final

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from earlyyears_desktop.domain.models import (
    SYNCED_MODELS,
    ChangeLogEntry,
    Practitioner,
    SyncConflict,
    Synced,
    utcnow,
)

from .canonical import canonical_dumps, canonical_loads
from .records import (
    DecodedRecord,
    codec_for,
    data_of,
    decode_record,
    encode_decoded,
    encode_values,
)
from .stream_state import SYNCED_VERSIONS, raise_synced

#: columns that say when, not what: left out when deciding whether two copies differ
_BOOKKEEPING: Final = frozenset({"created_at", "updated_at"})


def _practitioner_columns(model: type[Synced]) -> tuple[str, ...]:
    names = []
    for col in model.__table__.columns:
        for fk in col.foreign_keys:
            if fk.target_fullname == "practitioners.id" and col.nullable:
                names.append(col.name)
    return tuple(names)


_PRACTITIONER_COLUMNS: Final = {m.entity: _practitioner_columns(m) for m in SYNCED_MODELS}


class ReturnApplier:
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
                    select(SYNCED_VERSIONS.c.record_id, SYNCED_VERSIONS.c.central_version).where(
                        SYNCED_VERSIONS.c.entity == model.entity,
                        SYNCED_VERSIONS.c.record_id.in_(ids),
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
                    if older or not differing_fields(here, record):
                        self.unchanged += 1
                    else:
                        self._keep_conflict(record, here.version)
                        self.conflicts += 1
                    continue
                known = here.version if base is None else base
                if record.version < known:
                    self.unchanged += 1  # an older central copy than one already known
                elif record.version == here.version and not differing_fields(here, record):
                    now_synced[key] = record.version
                    self.unchanged += 1
                else:
                    # Newer, or the same number with other contents: the central copy.
                    self.write(record, here)
                    now_synced[key] = record.version
                    self.updated += 1
        session.flush()
        raise_synced(session, now_synced)

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
                if name not in record.absent and getattr(local, name) != value:
                    setattr(local, name, value)
        return local

    def _known_practitioners(self) -> set[str]:
        if self._practitioners is None:
            self._practitioners = set(self.session.scalars(select(Practitioner.id)))
        return self._practitioners

    def _keep_conflict(self, record: DecodedRecord, local_version: int) -> None:
        central = canonical_dumps(encode_decoded(record)).decode("utf-8")
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


def decoded_central(conflict: SyncConflict) -> DecodedRecord:
    value = canonical_loads(conflict.central_data.encode("utf-8"))
    assert isinstance(value, dict)
    return decode_record(value)


def differing_fields(local: Synced | None, central: DecodedRecord) -> tuple[str, ...]:
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
