"""Canonical JSON: the one byte encoding of a value that signatures and hashes are taken over.

The rules (see docs/bundle-format.md, "Canonical JSON"):

* UTF-8, no byte order mark, no whitespace outside strings;
* object members sorted by key, comparing keys as sequences of Unicode code points;
* separators "," and ":";
* only objects (with string keys), arrays, strings, integers in the range
  -(2**53 - 1) .. 2**53 - 1, true, false and null; no floats at all, so no NaN either;
* strings are written as given (no Unicode normalisation); only '"', '\\' and the control
  characters U+0000..U+001F are escaped: \\b \\f \\n \\r \\t by their short forms, the others
  as \\u00XX with lower-case hex; everything else, including non-ASCII, is written raw.

This is what Python's `json.dumps(sort_keys=True, separators=(",", ":"),
ensure_ascii=False)` produces for such values, which is why it is used here.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from typing import NoReturn

# Integers outside this range lose precision in JavaScript and many other JSON readers.
MAX_SAFE_INTEGER = 2**53 - 1
# Deeply nested input would exhaust Python's recursion limit; real documents are shallow.
MAX_DEPTH = 64

_TIMESTAMP_RE = re.compile(r"\A\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z\Z")


class CanonicalJSONError(ValueError):
    """The value or the bytes are not canonical JSON as defined above."""


def canonical_dumps(obj: object) -> bytes:
    """Encode `obj` as canonical JSON bytes, refusing anything the rules do not allow."""
    _check_value(obj, 0)
    text = _ENCODER.encode(obj)
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError as exc:
        # Lone surrogates are valid in a Python str but have no UTF-8 encoding.
        raise CanonicalJSONError("string is not valid Unicode (lone surrogate)") from exc


def canonical_loads(data: bytes) -> object:
    """Decode canonical JSON bytes; refuse anything that would not re-encode to the same bytes.

    Canonical bytes are accepted by a quicker path that gives exactly the same result as the
    strict one. Bytes equal to the canonical encoding of what they decode to cannot hold a
    duplicate key (no encoding does), so the duplicate-key hook is left out. A decoded value
    can break the value rules only by a float, NaN or Infinity, an integer out of range (each
    refused by the decoder's hooks as it is met) or nesting deeper than MAX_DEPTH, which needs
    more than MAX_DEPTH opening brackets in the bytes (only then is the value walked). Any
    bytes that path does not accept go through the strict path, which refuses them with its
    own precise reason.
    """
    try:
        obj = _FAST_DECODER.decode(data.decode("utf-8"))
        if data.count(b"[") + data.count(b"{") > MAX_DEPTH:
            _check_value(obj, 0)
        if _ENCODER.encode(obj).encode("utf-8") == data:
            return obj
    except (ValueError, RecursionError):
        pass  # CanonicalJSONError and UnicodeError are ValueErrors too
    return _strict_canonical_loads(data)


def _strict_canonical_loads(data: bytes) -> object:
    obj = parse_strict_json(data)
    if canonical_dumps(obj) != data:
        raise CanonicalJSONError("JSON is not in canonical form")
    return obj


def parse_strict_json(data: bytes) -> object:
    """Decode UTF-8 JSON that may be laid out freely but must hold only canonical-JSON values.

    Used for human-readable files (enrolment files) whose signature is checked over the
    canonical form of the decoded value.
    """
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CanonicalJSONError("JSON is not valid UTF-8") from exc
    try:
        obj = json.loads(
            text,
            object_pairs_hook=_refuse_duplicate_keys,
            parse_float=_refuse_float,
            parse_constant=_refuse_constant,
        )
    except CanonicalJSONError:
        raise
    except (ValueError, RecursionError) as exc:
        # ValueError covers syntax errors and over-long integer literals.
        raise CanonicalJSONError("not valid JSON") from exc
    _check_value(obj, 0)
    return obj


def format_timestamp(moment: datetime) -> str:
    """The one timestamp form used in sync files: UTC, whole seconds, 'Z' suffix."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("timestamps must be timezone-aware")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_timestamp(text: str) -> datetime:
    """Parse a timestamp written by `format_timestamp`; any other form is refused."""
    if not _TIMESTAMP_RE.match(text):
        raise ValueError("timestamp must look like 2024-05-01T09:30:00Z")
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)


def _check_value(obj: object, depth: int) -> None:
    if depth > MAX_DEPTH:
        raise CanonicalJSONError(f"JSON nested deeper than {MAX_DEPTH} levels")
    if obj is None or isinstance(obj, (bool, str)):
        return
    if isinstance(obj, int):
        if not -MAX_SAFE_INTEGER <= obj <= MAX_SAFE_INTEGER:
            raise CanonicalJSONError("integer outside the range -(2**53-1) .. 2**53-1")
        return
    if isinstance(obj, float):
        raise CanonicalJSONError("floating-point numbers are not allowed")
    if isinstance(obj, list):
        for item in obj:
            _check_value(item, depth + 1)
        return
    if isinstance(obj, dict):
        for key, value in obj.items():
            if not isinstance(key, str):
                raise CanonicalJSONError("object keys must be strings")
            # Fast path for the common leaves (exports check millions of them).
            if value is None or value.__class__ is str or value.__class__ is bool:
                continue
            _check_value(value, depth + 1)
        return
    raise CanonicalJSONError(f"values of type {type(obj).__name__} are not allowed")


def _refuse_duplicate_keys(pairs: list[tuple[str, object]]) -> dict[str, object]:
    result: dict[str, object] = {}
    for key, value in pairs:
        if key in result:
            raise CanonicalJSONError("duplicate key in JSON object")
        result[key] = value
    return result


def _refuse_float(_text: str) -> NoReturn:
    raise CanonicalJSONError("floating-point numbers are not allowed")


def _refuse_constant(_text: str) -> NoReturn:
    raise CanonicalJSONError("NaN and Infinity are not allowed")


def _safe_integer(text: str) -> int:
    value = int(text)
    if not -MAX_SAFE_INTEGER <= value <= MAX_SAFE_INTEGER:
        raise CanonicalJSONError("integer outside the range -(2**53-1) .. 2**53-1")
    return value


# What json.dumps(sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
# builds on every call, built once.
_ENCODER = json.JSONEncoder(
    sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
)
# canonical_loads's quick path: floats, NaN/Infinity and unsafe integers refused as they are
# met; duplicate keys are left to the comparison with the canonical encoding.
_FAST_DECODER = json.JSONDecoder(
    parse_float=_refuse_float, parse_constant=_refuse_constant, parse_int=_safe_integer
)
