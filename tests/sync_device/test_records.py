"""The application record format: every entity round-trips, the fast encoders agree."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import String, select, type_coerce

from earlyyears_desktop.domain.models import MODEL_BY_ENTITY
from earlyyears_desktop.services.container import Services
from earlyyears_desktop.sync.canonical import canonical_dumps, canonical_loads
from earlyyears_desktop.sync.errors import BundleRefused
from earlyyears_desktop.sync.records import (
    CODECS,
    decode_record,
    encode_record,
    encode_values,
    is_temporal,
    row_encoder,
)


def test_every_demo_record_round_trips(demo: Services) -> None:
    seen = set()
    with demo.uow.read() as session:
        for entity, model in MODEL_BY_ENTITY.items():
            codec = CODECS[entity]
            plain = row_encoder(codec)
            stored = row_encoder(codec, stored_text=True)
            columns = [model.__table__.c[n] for n in codec.all_column_names]
            raw_columns = [
                type_coerce(c, String) if cc is not None and is_temporal(cc) else c
                for c, cc in zip(columns, (None, None, None, *codec.data_columns), strict=True)
            ]
            raw_rows = {r[0]: r for r in session.execute(select(*raw_columns))}
            for row in session.scalars(select(model)):
                record = encode_record(row)
                seen.add(entity)
                # what goes on the wire is canonical JSON and reads back the same
                assert canonical_loads(canonical_dumps(record)) == record
                decoded = decode_record(record)
                assert decoded.id == row.id and decoded.version == row.version
                for name in codec.all_column_names:
                    value = getattr(row, name)
                    if isinstance(value, dt.time):
                        value = value.replace(microsecond=0)
                    assert decoded.values[name] == value, (entity, name)
                values = tuple(getattr(row, n) for n in codec.all_column_names)
                assert plain(values) == record
                assert stored(raw_rows[row.id]) == record
                assert (
                    encode_values(codec, dict(zip(codec.all_column_names, values, strict=True)))
                    == record
                )
    assert len(seen) >= 18  # the demo vault holds nearly every kind of record


def test_timestamps_have_one_form(demo: Services) -> None:
    with demo.uow.read() as session:
        model = MODEL_BY_ENTITY["attendance"]
        row = session.scalars(select(model).where(model.arrived_at.is_not(None))).first()
        assert row is not None
        record = encode_record(row)
    data = record["data"]
    assert isinstance(data, dict)
    assert len(data["created_at"]) == 26 and data["created_at"][10] == "T"
    assert len(data["arrived_at"]) == 8
    assert record["deleted"] is False and data["deleted_at"] is None


@pytest.mark.parametrize(
    ("member", "value"),
    [("created_at", "2026-11-20 10:00:00.000000"), ("created_at", "2026-11-20T10:00:00Z")],
)
def test_other_timestamp_forms_are_refused(demo: Services, member: str, value: str) -> None:
    with demo.uow.read() as session:
        row = session.scalars(select(MODEL_BY_ENTITY["venue"])).first()
        assert row is not None
        record = encode_record(row)
    record["data"][member] = value  # type: ignore[index]
    with pytest.raises(BundleRefused) as refused:
        decode_record(record)
    assert refused.value.code == "bad-payload" and value not in refused.value.reason
