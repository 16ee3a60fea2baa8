"""The checked fields of a key-slot file: each value of the right type and length, or
ValueError (which the reader turns into "the key-slot file is damaged")."""

from __future__ import annotations

import base64


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def unb64(value: object, shortest: int, longest: int) -> bytes:
    if not isinstance(value, str) or len(value) > 2 * longest + 4:
        raise ValueError("not base64 of the right length")
    data = base64.b64decode(value.encode("ascii", errors="replace"), validate=True)
    if not shortest <= len(data) <= longest:
        raise ValueError("not base64 of the right length")
    return data


def mapping(value: object) -> dict[str, object]:
    if not isinstance(value, dict):
        raise ValueError("not an object")
    return value


def integer(value: object) -> int:
    # bool is an int in Python; JSON's true is not a cost.
    if not isinstance(value, int) or isinstance(value, bool):
        raise ValueError("not a whole number")
    return value


def text(value: object, longest: int, *, allow_empty: bool = False) -> str:
    if not isinstance(value, str) or len(value) > longest or not (value or allow_empty):
        raise ValueError("not text of the right length")
    return value


def no_fraction(_literal: str) -> object:
    # A key-slot file holds whole numbers only: 1e400 would become infinity.
    raise ValueError("not a whole number")
