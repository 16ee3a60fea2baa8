"""Erasure instructions in bundles (docs/bundle-format.md section 8.3, revision 1.5).

When a child's records are erased on a device (a family's request, a retention rule), the
device tells the central service in its next export bundle, whatever the child's consents (the
records themselves are gone). The central service erases the child from its own store and
passes the instruction on, in their return bundles, to the other devices that hold the child.
An instruction is one payload line of its own kind, `erasure`, carrying ids, a time and a
reason category only, never a name:

    {"child_id": ..., "entity": "erasure", "erased_at": "2026-11-25T10:00:00Z",
     "erased_by": <device id>, "reason": "family_request"}

It is not a synchronised record (no version, no data): a reader of revision 1.4 would refuse
the bundle, so each side sends instructions only to a reader that announced `erasure` in its
`accepted_entities` (14.1), exactly as for a new record type.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Final

from .bundle_spec import is_id
from .canonical import format_timestamp, parse_timestamp
from .errors import BundleRefused

#: the payload lines' `entity`, and the name announced in `accepted_entities`
ERASURE: Final = "erasure"
#: a child's id as the apps make them (a UUID), at most this long, as a record's id
MAX_CHILD_ID: Final = 36

#: why a child was erased, as a category (never the words people wrote)
FAMILY_REQUEST: Final = "family_request"
RETENTION: Final = "retention"
RECORDED_IN_ERROR: Final = "recorded_in_error"
OTHER: Final = "other"
REASONS: Final = (FAMILY_REQUEST, RETENTION, RECORDED_IN_ERROR, OTHER)

_MEMBERS: Final = frozenset({"entity", "child_id", "erased_at", "erased_by", "reason"})


@dataclass(frozen=True)
class ErasureInstruction:
    """One child erased: by which device (or central service), when, and why (a category)."""

    child_id: str
    erased_at: str  # a bundle timestamp, YYYY-MM-DDTHH:MM:SSZ
    erased_by: str
    reason: str

    def record(self) -> dict[str, object]:
        """The payload line's object."""
        return {
            "entity": ERASURE,
            "child_id": self.child_id,
            "erased_at": self.erased_at,
            "erased_by": self.erased_by,
            "reason": self.reason,
        }


def instruction(
    child_id: str, erased_at: datetime, erased_by: str, reason: str
) -> ErasureInstruction:
    """An instruction from a device's own erasure (`erased_at` timezone-aware, or naive UTC)."""
    if erased_at.tzinfo is None:
        erased_at = erased_at.replace(tzinfo=UTC)
    return ErasureInstruction(
        child_id, format_timestamp(erased_at), erased_by, reason_category(reason)
    )


def reason_category(reason: str) -> str:
    """The category of a reason: one of REASONS (anything else is `other`)."""
    return reason if reason in REASONS else OTHER


def is_erasure(record: Mapping[str, object]) -> bool:
    return record.get("entity") == ERASURE


def parse_instruction(record: Mapping[str, object]) -> ErasureInstruction:
    """The instruction a payload line carries; BundleRefused (`bad-payload`) if it is not
    exactly of the form of section 8.3. The message names members, never values."""
    if set(record) != _MEMBERS:
        raise _bad("has missing or unexpected members")
    child_id, erased_at = record["child_id"], record["erased_at"]
    erased_by, reason = record["erased_by"], record["reason"]
    if not isinstance(child_id, str) or not 1 <= len(child_id) <= MAX_CHILD_ID:
        raise _bad("has no valid child_id")
    if not isinstance(erased_at, str) or not _is_timestamp(erased_at):
        raise _bad("has no valid erased_at")
    if not is_id(erased_by):
        raise _bad("has no valid erased_by")
    if reason not in REASONS:
        raise _bad("has no valid reason")
    assert isinstance(erased_by, str) and isinstance(reason, str)
    return ErasureInstruction(child_id, erased_at, erased_by, reason)


def reads_erasures(announced: Iterable[str]) -> bool:
    """Whether an `accepted_entities` announcement says its maker reads erasure instructions."""
    return ERASURE in set(announced)


def _is_timestamp(text: str) -> bool:
    try:
        parse_timestamp(text)
    except ValueError:
        return False
    return True


def _bad(problem: str) -> BundleRefused:
    return BundleRefused(f"An erasure instruction in the bundle {problem}.", "bad-payload")
