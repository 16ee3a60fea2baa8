"""One synchronised record as a bundle payload record, and back.

The record format (docs/bundle-format.md, section 8.1):

    {"changed_by_device": "...", "data": {...}, "deleted": false, "entity": "child",
     "id": "...", "version": 3}

Export bundles add a seventh member, `base_version`: the version of the record the device
knows the central service holds (the copy its change was made on), or null when the central
service has never had it. Readers accept it, optional, in any record.

`data` holds every other column of the model, exactly those, under their column names (or,
from a writer of an earlier release, exactly the members of an earlier schema revision of the
entity: `entity_schemas.py`, docs/bundle-format.md 14.3; the members it lacks take their
column's default, and `DecodedRecord.absent` names them): dates
as "YYYY-MM-DD", times as "HH:MM:SS", date-times as "YYYY-MM-DDTHH:MM:SS.ffffff" (UTC, no
zone suffix), booleans, integers, strings and null. `deleted` is true exactly when
`data["deleted_at"]` is not null.

Decoding checks everything (entity, members, every column's type, length and nullability)
and refuses with BundleRefused(code "bad-payload"); messages name the entity and column,
never a value.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from sqlalchemy import Boolean, Column, Date, DateTime, Integer, String, Text, Time

from earlyyears_desktop.domain.models import MODEL_BY_ENTITY, Synced
from earlyyears_desktop.domain.record_types import record_type

from .entity_schemas import absent_members, added_in
from .errors import BundleRefused

RECORD_MEMBERS: Final = frozenset(
    {"entity", "id", "version", "deleted", "changed_by_device", "data"}
)
#: the one optional member: the version a change was based on (export bundles always send it)
BASE_VERSION: Final = "base_version"
#: columns that live at the top level of a record rather than in `data`
TOP_LEVEL_COLUMNS: Final = ("id", "version", "changed_by_device")
MAX_VERSION: Final = 2**53 - 1
MAX_ID_LENGTH: Final = 36

_DATE_RE = re.compile(r"\A\d{4}-\d{2}-\d{2}\Z")
_TIME_RE = re.compile(r"\A\d{2}:\d{2}:\d{2}\Z")
_DATETIME_RE = re.compile(r"\A\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}\Z")

Encoder = Callable[[Any], object]
Decoder = Callable[[object], object]


class InvalidValue(ValueError):
    """A column value of the wrong type or form; `str()` says what is wrong, never the value."""


def _encode_date(value: dt.date) -> str:
    return value.isoformat()


def _encode_time(value: dt.time) -> str:
    return value.isoformat(timespec="seconds")


def _encode_datetime(value: dt.datetime) -> str:
    if value.tzinfo is not None:
        value = value.astimezone(dt.UTC).replace(tzinfo=None)
    return value.isoformat(timespec="microseconds")


def _encode_plain(value: Any) -> object:
    return value


def _decode_date(value: object) -> dt.date:
    if not isinstance(value, str) or not _DATE_RE.match(value):
        raise InvalidValue("not a date written YYYY-MM-DD")
    return dt.date.fromisoformat(value)


def _decode_time(value: object) -> dt.time:
    if not isinstance(value, str) or not _TIME_RE.match(value):
        raise InvalidValue("not a time written HH:MM:SS")
    return dt.time.fromisoformat(value)


def _decode_datetime(value: object) -> dt.datetime:
    if not isinstance(value, str) or not _DATETIME_RE.match(value):
        raise InvalidValue("not a date-time written YYYY-MM-DDTHH:MM:SS.ffffff")
    return dt.datetime.fromisoformat(value)


def _decode_bool(value: object) -> bool:
    if not isinstance(value, bool):
        raise InvalidValue("not a boolean")
    return value


def _decode_int(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidValue("not an integer")
    return value


def _text_decoder(max_length: int | None) -> Decoder:
    def decode(value: object) -> str:
        if not isinstance(value, str):
            raise InvalidValue("not a string")
        if max_length is not None and len(value) > max_length:
            raise InvalidValue(f"too long ({max_length} characters at most)")
        return value

    return decode


#: how each kind of column is written in `data` (docs/bundle-format.md, section 8.1)
JSON_FORMS: Final[Mapping[str, str]] = {
    "date": "string `YYYY-MM-DD`",
    "time": "string `HH:MM:SS`",
    "datetime": "string `YYYY-MM-DDTHH:MM:SS.ffffff`",
    "boolean": "boolean",
    "integer": "integer",
    "text": "string",
}


@dataclass(frozen=True)
class ColumnCodec:
    name: str
    nullable: bool
    encode: Encoder
    decode: Decoder
    #: a key of JSON_FORMS
    kind: str
    #: for text: the most characters it may hold (None: no limit)
    max_length: int | None

    def check(self, value: object) -> object:
        """The column's value decoded from its JSON form; InvalidValue if it has none."""
        if value is None:
            if not self.nullable:
                raise InvalidValue("must not be null")
            return None
        try:
            return self.decode(value)
        except InvalidValue:
            raise
        except ValueError:
            raise InvalidValue(f"not a valid {self.kind}") from None


@dataclass(frozen=True)
class ModelCodec:
    """How one model's `data` columns are written and read, worked out once per model."""

    model: type[Synced]
    data_columns: tuple[ColumnCodec, ...]
    data_names: frozenset[str]
    #: the members added by a later schema revision -> the value a record written to an
    #: earlier revision gets for them (the column's default)
    later_defaults: Mapping[str, object]

    @property
    def entity(self) -> str:
        return self.model.entity

    @property
    def all_column_names(self) -> tuple[str, ...]:
        return (*TOP_LEVEL_COLUMNS, *(c.name for c in self.data_columns))


def _column_codec(column: Column[Any]) -> ColumnCodec:
    kind = column.type
    encode: Encoder
    decode: Decoder
    # DateTime before Date: neither subclasses the other in SQLAlchemy, but be explicit.
    max_length: int | None = None
    if isinstance(kind, DateTime):
        encode, decode, name = _encode_datetime, _decode_datetime, "datetime"
    elif isinstance(kind, Date):
        encode, decode, name = _encode_date, _decode_date, "date"
    elif isinstance(kind, Time):
        encode, decode, name = _encode_time, _decode_time, "time"
    elif isinstance(kind, Boolean):
        encode, decode, name = _encode_plain, _decode_bool, "boolean"
    elif isinstance(kind, Integer):
        encode, decode, name = _encode_plain, _decode_int, "integer"
    elif isinstance(kind, (String, Text)):
        max_length = getattr(kind, "length", None)
        encode, decode, name = _encode_plain, _text_decoder(max_length), "text"
    else:  # pragma: no cover - a new column type must be given a record encoding first
        raise TypeError(f"no record encoding for column {column.name} of type {kind!r}")
    return ColumnCodec(column.name, bool(column.nullable), encode, decode, name, max_length)


def _later_default(model: type[Synced], name: str) -> object:
    """The value of a column that a record written to an earlier schema revision lacks."""
    column = model.__table__.columns[name]
    default = column.default
    if default is not None and getattr(default, "is_scalar", False):
        return getattr(default, "arg", None)
    if column.nullable and default is None:
        return None
    raise TypeError(  # pragma: no cover - tests/sync/test_schema_revisions.py checks
        f"{model.entity}.{name} was added in a later schema revision without a plain default"
    )


def _model_codec(model: type[Synced]) -> ModelCodec:
    table = model.__table__
    columns = tuple(
        _column_codec(column)  # type: ignore[arg-type]
        for column in table.columns
        if column.name not in TOP_LEVEL_COLUMNS
    )
    added = added_in(model.entity)
    later = {c.name: _later_default(model, c.name) for c in columns if added.get(c.name, 1) > 1}
    return ModelCodec(model, columns, frozenset(c.name for c in columns), later)


#: every record type that syncs (the registry: domain/record_types.py), in the models' order
CODECS: Final[dict[str, ModelCodec]] = {
    entity: _model_codec(model)
    for entity, model in MODEL_BY_ENTITY.items()
    if record_type(entity).syncs
}


def codec_for(entity: str) -> ModelCodec:
    codec = CODECS.get(entity)
    if codec is None:
        raise BundleRefused(
            "The bundle holds a kind of record this app does not know.", "bad-payload"
        )
    return codec


# --- encoding -----------------------------------------------------------------------------------


def encode_values(codec: ModelCodec, values: Mapping[str, Any]) -> dict[str, object]:
    """The record for one row given as column name -> value (an ORM row or a Core mapping)."""
    data: dict[str, object] = {}
    for column in codec.data_columns:
        value = values[column.name]
        data[column.name] = None if value is None else column.encode(value)
    return {
        "entity": codec.entity,
        "id": values["id"],
        "version": values["version"],
        "deleted": values["deleted_at"] is not None,
        "changed_by_device": values["changed_by_device"] or "",
        "data": data,
    }


def _stored_date(value: str) -> str:
    return value if len(value) == 10 else _encode_date(dt.date.fromisoformat(value))


def _stored_time(value: str) -> str:
    return value[:8] if value[2:3] == ":" else _encode_time(dt.time.fromisoformat(value))


def _stored_datetime(value: str) -> str:
    # SQLAlchemy stores naive date-times in SQLite as "YYYY-MM-DD HH:MM:SS.ffffff".
    if len(value) == 26 and value[10] == " ":
        return value[:10] + "T" + value[11:]
    return _encode_datetime(dt.datetime.fromisoformat(value))


def is_temporal(column: ColumnCodec) -> bool:
    return column.encode in (_encode_date, _encode_time, _encode_datetime)


def row_encoder(
    codec: ModelCodec, *, stored_text: bool = False
) -> Callable[[Sequence[Any]], dict[str, object]]:
    """A fast `encode_values` for rows given as sequences in `codec.all_column_names` order.

    Exports encode hundreds of thousands of rows; a function generated once per model, with
    each column's conversion written inline, is several times faster than a loop over the
    columns. It produces exactly what `encode_values` produces (a test checks this).
    With `stored_text`, date, time and date-time columns arrive as the text SQLite stores
    (selected without SQLAlchemy's conversion), which is rewritten rather than parsed.
    """
    index = {name: i for i, name in enumerate(codec.all_column_names)}
    members = []
    for column in codec.data_columns:
        value = f"v[{index[column.name]}]"
        if column.encode is _encode_plain:
            members.append(f"{column.name!r}: {value}")
            continue
        if stored_text:
            function = {
                _encode_date: "_sd",
                _encode_time: "_st",
                _encode_datetime: "_sdt",
            }[column.encode]
            members.append(f"{column.name!r}: None if {value} is None else {function}({value})")
        elif column.encode is _encode_date:
            members.append(f"{column.name!r}: None if {value} is None else {value}.isoformat()")
        elif column.encode is _encode_time:
            members.append(
                f"{column.name!r}: None if {value} is None "
                f"else {value}.isoformat(timespec='seconds')"
            )
        else:
            members.append(f"{column.name!r}: None if {value} is None else _dt({value})")
    source = (
        "def encode(v):\n"
        f"    return {{'entity': {codec.entity!r}, 'id': v[{index['id']}], "
        f"'version': v[{index['version']}], "
        f"'deleted': v[{index['deleted_at']}] is not None, "
        f"'changed_by_device': v[{index['changed_by_device']}] or '', "
        f"'data': {{{', '.join(members)}}}}}\n"
    )
    namespace: dict[str, Any] = {
        "_dt": _encode_datetime,
        "_sd": _stored_date,
        "_st": _stored_time,
        "_sdt": _stored_datetime,
    }
    exec(compile(source, f"<record encoder for {codec.entity}>", "exec"), namespace)
    encoder: Callable[[Sequence[Any]], dict[str, object]] = namespace["encode"]
    return encoder


def encode_record(row: Synced) -> dict[str, object]:
    """The bundle record of one ORM row."""
    codec = codec_for(row.entity)
    return encode_values(codec, {name: getattr(row, name) for name in codec.all_column_names})


# --- decoding -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class DecodedRecord:
    """A checked record: `values` maps every column (top level ones included) to its value."""

    model: type[Synced]
    id: str
    version: int
    deleted: bool
    changed_by_device: str
    values: dict[str, object]
    base_version: int | None = None
    #: the members the record lacked, written to an earlier schema revision (their values
    #: are the columns' defaults; a reader holding the record keeps its own)
    absent: frozenset[str] = frozenset()

    @property
    def entity(self) -> str:
        return self.model.entity


def _bad(message: str) -> BundleRefused:
    return BundleRefused(message, "bad-payload")


def decode_record(
    record: Mapping[str, object], *, allowed_entities: Iterable[str] | None = None
) -> DecodedRecord:
    """Check one payload record against the data model; BundleRefused("bad-payload") if wrong."""
    entity = record.get("entity")
    if not isinstance(entity, str):
        raise _bad("A record in the bundle has no entity name.")
    codec = codec_for(entity)
    if allowed_entities is not None and entity not in set(allowed_entities):
        raise _bad(f"The bundle holds {entity} records, which it may not carry.")
    if set(record) - {BASE_VERSION} != RECORD_MEMBERS:
        raise _bad(f"A {entity} record in the bundle has missing or unexpected members.")
    base_version = record.get(BASE_VERSION)
    if base_version is not None and (
        isinstance(base_version, bool)
        or not isinstance(base_version, int)
        or not 1 <= base_version <= MAX_VERSION
    ):
        raise _bad(f"A {entity} record in the bundle has an invalid base_version.")
    record_id = record["id"]
    if not isinstance(record_id, str) or not 1 <= len(record_id) <= MAX_ID_LENGTH:
        raise _bad(f"A {entity} record in the bundle has an invalid id.")
    version = record["version"]
    if isinstance(version, bool) or not isinstance(version, int) or not 1 <= version <= MAX_VERSION:
        raise _bad(f"A {entity} record in the bundle has an invalid version.")
    device = record["changed_by_device"]
    if not isinstance(device, str) or len(device) > MAX_ID_LENGTH:
        raise _bad(f"A {entity} record in the bundle has an invalid changed_by_device.")
    deleted = record["deleted"]
    if not isinstance(deleted, bool):
        raise _bad(f"A {entity} record in the bundle has an invalid deleted flag.")
    data = record["data"]
    if not isinstance(data, dict):
        raise _bad(f"A {entity} record in the bundle has no data object.")
    absent: frozenset[str] = frozenset()
    if data.keys() != codec.data_names:
        unknown = sorted(set(data) - codec.data_names)
        if unknown:
            raise _bad(
                f"A {entity} record in the bundle has unknown columns: {', '.join(unknown)}."
            )
        # Exactly the members of an earlier schema revision: the rest take their defaults.
        earlier = absent_members(entity, data) if codec.later_defaults else None
        if earlier is None:
            missing = sorted(codec.data_names - set(data))
            raise _bad(f"A {entity} record in the bundle lacks columns: {', '.join(missing)}.")
        absent = earlier
    values: dict[str, object] = {
        "id": record_id,
        "version": version,
        "changed_by_device": device,
    }
    for column in codec.data_columns:
        if column.name in absent:
            values[column.name] = codec.later_defaults[column.name]
            continue
        raw = data[column.name]
        if raw is None and not column.nullable:
            raise _bad(f"A {entity} record in the bundle has no value for {column.name}.")
        try:
            values[column.name] = column.check(raw)
        except InvalidValue:
            raise _bad(
                f"A {entity} record in the bundle has an invalid value for {column.name}."
            ) from None
    if deleted != (values["deleted_at"] is not None):
        raise _bad(
            f"A {entity} record in the bundle has a deleted flag that disagrees with deleted_at."
        )
    return DecodedRecord(
        codec.model, record_id, version, deleted, device, values, base_version, absent
    )


def encode_decoded(record: DecodedRecord) -> dict[str, object]:
    """The record as it was written, members it lacked left out (so it reads back the same)."""
    encoded = encode_values(codec_for(record.entity), record.values)
    if record.absent:
        data = encoded["data"]
        assert isinstance(data, dict)
        encoded["data"] = {k: v for k, v in data.items() if k not in record.absent}
    return encoded


def data_of(record: DecodedRecord) -> dict[str, object]:
    """The record's `data` members as they are written in a bundle (for comparison, storage);
    without the members its schema revision lacks."""
    data = encode_decoded(record)["data"]
    assert isinstance(data, dict)
    return data
