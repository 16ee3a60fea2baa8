"""The entity types a bundle may carry, and which ones a central service accepts.

A new record type, or a new schema revision of one (a column added: `entity_schemas.py`), must
not break a central service that does not know it yet. So the central service announces the
entity types it accepts (in its enrolment response and in every return bundle), naming schema
revisions above 1 as `observation@2`; the device keeps the latest announcement, and an export
holds back the records of the types whose current revision is not announced, until a later
return bundle announces it (docs/bundle-format.md sections 14.1 and 14.3). Without any
announcement a device assumes the types of format version 1, at schema 1.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Final

from earlyyears_desktop.domain import record_types

from .bundle_spec import is_id
from .entity_schemas import announced_names, current_schemas, sendable
from .erasure_instructions import ERASURE

#: The entity types of format version 1: what a central service that announces nothing
#: accepts, at schema 1. Fixed for good: a type added later is never in this set.
FORMAT_1_ENTITY_TYPES: Final = frozenset(
    {
        "practitioner",
        "child",
        "carer",
        "consent",
        "team_member",
        "venue",
        "group",
        "group_staff",
        "enrolment",
        "session",
        "attendance",
        "observation",
        "strategy",
        "child_strategy",
        "home_visit",
        "teaching_target",
        "visit_target_progress",
        "support_plan",
        "plan_outcome",
        "plan_review",
    }
)

#: An announcement names at most this many types (a bound for the reader, far above any need).
MAX_ANNOUNCED_TYPES: Final = 1000


def synced_entity_types() -> frozenset[str]:
    """Every entity type this software synchronises: the one place sync and the central
    service read it from."""
    return frozenset(t.entity for t in record_types.SYNCED_TYPES)


def sendable_entity_types(announced: Iterable[str]) -> frozenset[str]:
    """The synchronised types whose current schema revision the names `announced` accept:
    an export sends their records and holds back the others'."""
    return sendable(announced, synced_entity_types())


def newest_announcement(entities: Iterable[str]) -> frozenset[str]:
    """The names announcing the current schema revision of each of `entities` (and, by the
    rule of section 14.3, every earlier one)."""
    return announced_names(current_schemas(entities))


class BadAnnouncement(ValueError):
    """An `accepted_entities` value that is not a list of distinct entity names."""


def parse_accepted_entities(value: object) -> frozenset[str]:
    """The types an `accepted_entities` member announces; BadAnnouncement if it is not a list
    of at most MAX_ANNOUNCED_TYPES distinct entity names (1 to 200 characters each)."""
    if not isinstance(value, list) or len(value) > MAX_ANNOUNCED_TYPES:
        raise BadAnnouncement("accepted_entities is not a list of entity names")
    if not all(is_id(name) for name in value):
        raise BadAnnouncement("accepted_entities is not a list of entity names")
    names = frozenset(str(name) for name in value)
    if len(names) != len(value):
        raise BadAnnouncement("accepted_entities names an entity twice")
    return names


def announcement(types: Iterable[str]) -> list[str]:
    """The `accepted_entities` value for `types`: sorted, each once."""
    return sorted(set(types))


def plural_name(entity: str) -> str:
    """A kind of record as people call several of them: "observations", "children" (the
    registry's name; an entity this software does not know keeps its own name)."""
    if entity == ERASURE:
        return "erasure instructions"
    try:
        return record_types.record_type(entity).plural
    except record_types.UnknownRecordType:
        return entity.replace("_", " ")


def held_back_types_message(held: Mapping[str, int]) -> str:
    """One line saying which records wait for the central service to accept their type."""
    records = sum(held.values())
    kinds = len(held)
    names = ", ".join(plural_name(entity) for entity in sorted(held))
    if records == 1:
        return f"1 record of 1 kind is held back until the central service accepts it: {names}."
    return (
        f"{records} records of {kinds} kind{'s' if kinds != 1 else ''} are held back until "
        f"the central service accepts them: {names}."
    )
