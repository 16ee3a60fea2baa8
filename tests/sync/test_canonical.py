from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from earlyyears_desktop.sync.canonical import (
    MAX_SAFE_INTEGER,
    CanonicalJSONError,
    canonical_dumps,
    canonical_loads,
    format_timestamp,
    parse_strict_json,
    parse_timestamp,
)

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-MAX_SAFE_INTEGER, max_value=MAX_SAFE_INTEGER)
    | st.text(alphabet=st.characters(blacklist_categories=["Cs"])),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.text(alphabet=st.characters(blacklist_categories=["Cs"])), children)
    ),
    max_leaves=20,
)


def test_sorted_keys_compact_separators_raw_utf8() -> None:
    assert canonical_dumps({"b": 1, "a": [True, None, "é\n"]}) == (
        '{"a":[true,null,"é\\n"],"b":1}'.encode()
    )


def test_control_characters_use_lower_case_escapes() -> None:
    assert canonical_dumps('\x01\x1f\t"\\') == b'"\\u0001\\u001f\\t\\"\\\\"'


def test_strings_are_not_normalised() -> None:
    decomposed = "e\u0301"
    assert canonical_loads(canonical_dumps(decomposed)) == decomposed
    assert canonical_dumps(decomposed) != canonical_dumps("\u00e9")


@given(json_values)
def test_round_trip(value: object) -> None:
    encoded = canonical_dumps(value)
    assert canonical_loads(encoded) == value
    assert canonical_dumps(canonical_loads(encoded)) == encoded


@pytest.mark.parametrize(
    "value",
    [1.0, float("nan"), float("inf"), {"a": 0.5}, [1, 2.5], 2**53, -(2**53), {1: "a"}, b"x"],
)
def test_dumps_refuses_values_outside_the_rules(value: object) -> None:
    with pytest.raises(CanonicalJSONError):
        canonical_dumps(value)


def test_dumps_refuses_lone_surrogates() -> None:
    with pytest.raises(CanonicalJSONError):
        canonical_dumps("\ud800")


@pytest.mark.parametrize(
    "data",
    [
        b'{"b":1,"a":2}',  # unsorted
        b'{"a": 1}',  # whitespace
        b'{"a":1,"a":1}',  # duplicate key
        b"1.0",
        b"1e3",
        b"NaN",
        b"-0",
        b'"\\u00e9"',  # escaped where raw is required
        b'"\\u001F"',  # upper-case hex escape
        b"\xef\xbb\xbf{}",  # byte order mark
        b"{}\n",
        b"\xff",
        b"[" * 5000 + b"]" * 5000,
        b"9" * 5000,
        b"",
    ],
)
def test_loads_refuses_non_canonical_input(data: bytes) -> None:
    with pytest.raises(CanonicalJSONError):
        canonical_loads(data)


@given(st.binary(max_size=64))
def test_loads_only_ever_raises_canonical_json_error(data: bytes) -> None:
    try:
        value = canonical_loads(data)
    except CanonicalJSONError:
        return
    assert canonical_dumps(value) == data


def test_strict_parse_allows_layout_but_not_duplicates_or_floats() -> None:
    assert parse_strict_json(b'{ "b": 1,\n "a": 2 }') == {"a": 2, "b": 1}
    with pytest.raises(CanonicalJSONError):
        parse_strict_json(b'{"a": 1, "a": 2}')
    with pytest.raises(CanonicalJSONError):
        parse_strict_json(b'{"a": 1.5}')


def test_timestamps_are_utc_whole_seconds() -> None:
    moment = datetime(2024, 5, 1, 10, 30, 15, 999, tzinfo=timezone(timedelta(hours=1)))
    assert format_timestamp(moment) == "2024-05-01T09:30:15Z"
    assert parse_timestamp("2024-05-01T09:30:15Z") == datetime(2024, 5, 1, 9, 30, 15, tzinfo=UTC)
    for bad in ("2024-05-01T09:30:15+00:00", "2024-05-01 09:30:15Z", "2024-13-01T00:00:00Z"):
        with pytest.raises(ValueError):
            parse_timestamp(bad)
    with pytest.raises(ValueError):
        format_timestamp(datetime(2024, 5, 1))


def _strict_reference_loads(data: bytes) -> object:
    """canonical_loads as first written: strict parse, then re-encode and compare."""
    value = parse_strict_json(data)
    if canonical_dumps(value) != data:
        raise CanonicalJSONError("JSON is not in canonical form")
    return value


def _near_canonical(draw: st.DrawFn) -> bytes:
    data = bytearray(canonical_dumps(draw(json_values)))
    for _ in range(draw(st.integers(0, 3))):
        edit = draw(st.sampled_from(["flip", "cut", "insert", "duplicate"]))
        if edit == "duplicate":
            data = bytearray(b'{"a":' + bytes(data) + b',"a":' + bytes(data) + b"}")
        elif edit == "insert":
            at = draw(st.integers(0, len(data)))
            data[at:at] = draw(st.sampled_from([b" ", b".5", b"0", b'"', b"\\", b"}", b"\xff"]))
        elif data:
            at = draw(st.integers(0, len(data) - 1))
            if edit == "flip":
                data[at] ^= 1 << draw(st.integers(0, 7))
            else:
                del data[at]
    return bytes(data)


near_canonical = st.composite(_near_canonical)()


@given(st.one_of(near_canonical, st.binary(max_size=64)))
def test_loads_gives_exactly_what_the_strict_reference_gives(data: bytes) -> None:
    # canonical_loads takes a quicker path for canonical bytes; it must accept and refuse
    # exactly the same bytes as the strict parse-then-compare, and return the same value.
    try:
        expected = _strict_reference_loads(data)
    except CanonicalJSONError:
        with pytest.raises(CanonicalJSONError):
            canonical_loads(data)
        return
    assert canonical_loads(data) == expected
    assert canonical_dumps(canonical_loads(data)) == data


def test_loads_refuses_duplicate_keys_nested_and_escaped() -> None:
    for data in (b'{"a":{"b":1,"b":1}}', b'[{"a":1,"a":1}]', b'{"a":1,"\\u0061":1}'):
        with pytest.raises(CanonicalJSONError):
            canonical_loads(data)


@pytest.mark.parametrize("depth", [1, 63, 64, 65, 66, 67, 200])
def test_loads_nesting_limit_matches_the_strict_reference(depth: int) -> None:
    for data in (b"[" * depth + b"]" * depth, b'{"a":' * depth + b"1" + b"}" * depth):
        try:
            expected = _strict_reference_loads(data)
        except CanonicalJSONError:
            with pytest.raises(CanonicalJSONError):
                canonical_loads(data)
            continue
        assert canonical_loads(data) == expected


@pytest.mark.parametrize("number", [MAX_SAFE_INTEGER, MAX_SAFE_INTEGER + 1, 2**64])
def test_loads_integer_range_matches_the_strict_reference(number: int) -> None:
    for data in (str(number).encode(), f"[-{number}]".encode(), f'{{"v":{number}}}'.encode()):
        if number > MAX_SAFE_INTEGER:
            with pytest.raises(CanonicalJSONError):
                canonical_loads(data)
        else:
            assert canonical_loads(data) == _strict_reference_loads(data)
