"""The schema revisions of each entity's `data` (docs/bundle-format.md sections 8.2 and 14.3).

An entity's records are first specified with some `data` members (schema 1); a later release
that adds a column to the model makes a new schema revision of it (the registry's
`later_schemas`, domain/record_types.py). Readers accept a record written to any revision they
know: the members it lacks take the column's default, and a reader that already holds the
record keeps its own values of them (the writer did not know them, so its record says nothing
about them). Writers send the current revision only where the other side accepts it.

`FIRST_MEMBERS` pins what schema 1 of every entity is. It never changes for an entity that has
been released: `tests/sync/test_schema_revisions.py` checks that the first members plus those
each later revision added are exactly the model's columns, so a column added without a new
revision fails there.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import cache
from types import MappingProxyType
from typing import Final

from earlyyears_desktop.domain import record_types

#: every entity's `data` ends with these three
_TIMESTAMPS: Final = ("created_at", "updated_at", "deleted_at")

#: The `data` members of every entity type's schema 1 (before the timestamps), in column
#: order. Fixed for good once released: a later column is a later revision, never added here.
_FIRST: Final[dict[str, tuple[str, ...]]] = {
    "practitioner": ("name", "role", "discipline", "key_slot_id", "active"),
    "child": (
        "legal_given_names",
        "legal_family_name",
        "preferred_name",
        "search_key",
        "date_of_birth",
        "nhs_number",
        "areas_of_need",
        "diagnoses_notes",
        "key_person",
        "setting_attended",
        "status",
    ),
    "carer": (
        "child_id",
        "name",
        "relationship",
        "phone",
        "email",
        "preferred_language",
        "interpreter_needed",
        "accessible_format",
        "is_main_contact",
    ),
    "consent": (
        "child_id",
        "kind",
        "given",
        "given_by",
        "given_on",
        "withdrawn_on",
        "note",
        "recorded_by",
    ),
    "team_member": ("child_id", "name", "role", "agency", "phone", "email", "is_lead_professional"),
    "venue": ("name", "address", "access_notes"),
    "group": ("name", "venue_id", "weekday", "start_time", "end_time", "capacity", "focus"),
    "group_staff": ("group_id", "name", "discipline", "practitioner_id", "visiting"),
    "enrolment": ("child_id", "group_id", "starts_on", "ends_on"),
    "session": (
        "group_id",
        "date",
        "start_time",
        "end_time",
        "theme",
        "activities",
        "staff_present",
        "notes",
        "status",
        "cancel_reason",
    ),
    "attendance": (
        "session_id",
        "child_id",
        "status",
        "came_with",
        "arrived_at",
        "note",
        "is_visitor",
        "recorded_by",
        "recorded_at",
    ),
    "observation": (
        "child_id",
        "context",
        "session_id",
        "home_visit_id",
        "observed_on",
        "text",
        "area_of_need",
        "outcome_id",
        "author_id",
        "share_with_parents",
    ),
    "observation_revision": (
        "observation_id",
        "change",
        "revised_at",
        "revised_by",
        "reason",
        "previous_text",
        "previous_observed_on",
        "previous_observed_at",
        "previous_context",
        "previous_area_of_need",
        "previous_outcome_id",
        "previous_share_with_parents",
    ),
    "strategy": ("title", "area_of_need", "practitioner_wording", "try_at_home", "from_central"),
    "child_strategy": ("child_id", "strategy_id", "assigned_on", "started_on", "progress", "note"),
    "child_strategy_note": ("child_strategy_id", "noted_on", "progress", "note", "author_id"),
    "caseload_entry": (
        "child_id",
        "practitioner_id",
        "rhythm",
        "opened_on",
        "closed_on",
        "close_reason",
    ),
    "home_visit_revision": ("home_visit_id", "revised_at", "revised_by", "reason", "previous"),
    "visit_strategy": ("home_visit_id", "strategy_id", "title", "try_at_home"),
    "target_step": ("target_id", "position", "text", "achieved_on", "achieved_by"),
    "plan_specialist": (
        "plan_id",
        "name",
        "role",
        "agency",
        "parents_agreed_on",
        "parents_agreed_by",
    ),
    "outcome_review": ("review_id", "outcome_id", "progress", "note"),
    "home_visit": (
        "child_id",
        "practitioner_id",
        "visited_on",
        "carers_present",
        "activities",
        "family_will_practise",
        "notes",
        "next_visit_on",
    ),
    "teaching_target": (
        "child_id",
        "skill_area",
        "target",
        "small_steps",
        "status",
        "set_on",
        "achieved_on",
    ),
    "visit_target_progress": ("home_visit_id", "target_id", "rating", "note"),
    "support_plan": (
        "child_id",
        "title",
        "started_on",
        "review_on",
        "interventions",
        "expected_impact",
        "status",
        "author_id",
    ),
    "plan_outcome": ("plan_id", "outcome", "area_of_need", "position"),
    "plan_review": (
        "plan_id",
        "reviewed_on",
        "progress",
        "parent_views",
        "child_views",
        "changes_agreed",
        "next_review_on",
        "reviewer_id",
    ),
    "referral": (
        "child_id",
        "referred_on",
        "referrer_name",
        "referrer_role",
        "referrer_agency",
        "discussed_with_parents_on",
        "parents_agreed_by",
        "parents_agreed_on",
        "parents_agreed_how",
        "reason",
        "questions",
        "questionnaire_sent_on",
        "withdrawn_on",
        "withdrawn_reason",
        "recorded_by",
    ),
    "questionnaire_reply": (
        "referral_id",
        "returned_on",
        "returned_how",
        "taken_by",
        "going_well",
        "concerns",
        "to_talk_about",
        "hear_back_how",
    ),
    "meeting": (
        "kind",
        "name",
        "held_on",
        "starts_at",
        "venue",
        "online",
        "chair_name",
        "chair_role",
        "status",
        "letters_roles_only",
        "recorded_by",
    ),
    "meeting_attendee": (
        "meeting_id",
        "name",
        "role",
        "agency",
        "present",
        "practitioner_id",
        "position",
    ),
    "meeting_discussion": (
        "meeting_id",
        "child_id",
        "referral_id",
        "position",
        "summary",
        "outcome",
        "next_steps",
        "contact",
        "family_present",
        "letter_sent_on",
        "letter_sent_how",
    ),
    "meeting_decision": (
        "discussion_id",
        "kind",
        "detail",
    ),
    "meeting_action": (
        "discussion_id",
        "what",
        "owner_id",
        "owner_name",
        "due_on",
        "done_on",
        "done_note",
    ),
    "parent_question": (
        "reply_id",
        "position",
        "question",
        "answer",
        "answered_in",
    ),
    "la_notification": (
        "child_id",
        "decision_id",
        "notified_on",
        "given_names",
        "family_name",
        "date_of_birth",
        "nhs_number",
        "notified_by",
        "notified_by_role",
        "reason",
        "parents_told_on",
        "parents_told_how",
    ),
}

FIRST_MEMBERS: Final[Mapping[str, tuple[str, ...]]] = MappingProxyType(
    {entity: (*members, *_TIMESTAMPS) for entity, members in _FIRST.items()}
)


class UnknownSchema(LookupError):
    """An entity whose first schema is not pinned here (a programming error)."""


def current_schema(entity: str) -> int:
    """The schema revision this software writes for `entity` (1 as first specified)."""
    return record_types.record_type(entity).schema


@cache
def revision_members(entity: str) -> tuple[frozenset[str], ...]:
    """The `data` members of each schema revision of `entity`: index 0 is schema 1."""
    try:
        members = set(FIRST_MEMBERS[entity])
    except KeyError:
        raise UnknownSchema(f"{entity!r} has no first schema in entity_schemas") from None
    revisions = [frozenset(members)]
    for later in record_types.record_type(entity).later_schemas:
        members.update(later.added)
        revisions.append(frozenset(members))
    return tuple(revisions)


def members(entity: str, schema: int) -> frozenset[str]:
    """The `data` members of schema revision `schema` of `entity` (1 .. current)."""
    return revision_members(entity)[schema - 1]


@cache
def added_in(entity: str) -> Mapping[str, int]:
    """member -> the schema revision that added it (1: there from the first)."""
    found = dict.fromkeys(FIRST_MEMBERS[entity], 1)
    for revision, later in enumerate(record_types.record_type(entity).later_schemas, start=2):
        found.update(dict.fromkeys(later.added, revision))
    return MappingProxyType(found)


@cache
def widened_in(entity: str) -> Mapping[str, tuple[int, ...]]:
    """member -> the schema revisions that widened its allowed values (empty for most)."""
    found: dict[str, tuple[int, ...]] = {}
    for revision, later in enumerate(record_types.record_type(entity).later_schemas, start=2):
        for name in later.widened:
            found[name] = (*found.get(name, ()), revision)
    return MappingProxyType(found)


def absent_members(entity: str, names: Iterable[str]) -> frozenset[str] | None:
    """The current members a record with `data` members `names` lacks because it was written
    to an earlier schema revision (empty: the current one); None when `names` are the members
    of no revision of `entity` (an unknown or missing member, or a mix of revisions)."""
    given = frozenset(names)
    revisions = revision_members(entity)
    newest = revisions[-1]
    if given == newest:
        return frozenset()
    if given in revisions:
        return newest - given
    return None


# --- announcements ------------------------------------------------------------------------


def schema_name(entity: str, schema: int) -> str:
    """How an announcement names schema `schema` of `entity`: `observation` for 1,
    `observation@2` for 2 (docs/bundle-format.md 14.3)."""
    return entity if schema == 1 else f"{entity}@{schema}"


def parse_schema_name(name: str) -> tuple[str, int]:
    """(entity, schema revision) of an announced name: `observation@2` -> ("observation", 2);
    a plain name, or one whose suffix is not a revision number, is schema 1 of that name."""
    entity, at, revision = name.rpartition("@")
    if at and entity and revision.isdecimal() and revision.isascii() and revision[0] != "0":
        return entity, int(revision)
    return name, 1


def accepted_schemas(names: Iterable[str]) -> dict[str, int]:
    """entity -> the newest schema revision an announcement accepts (it accepts every earlier
    one too): the highest `entity@n` named, or 1 for a plain `entity`."""
    found: dict[str, int] = {}
    for name in names:
        entity, schema = parse_schema_name(name)
        found[entity] = max(schema, found.get(entity, 0))
    return found


def announced_names(schemas: Mapping[str, int]) -> frozenset[str]:
    """The names announcing `schemas` (entity -> newest accepted revision): every entity's
    plain name, so that readers of revision 1.1 (which know only plain names) see it, and
    `entity@n` for a revision above 1."""
    names = set(schemas)
    names.update(schema_name(entity, n) for entity, n in schemas.items() if n > 1)
    return frozenset(names)


def current_schemas(entities: Iterable[str]) -> dict[str, int]:
    """entity -> the revision this software writes, for each of `entities`."""
    return {entity: current_schema(entity) for entity in entities}


def sendable(names: Iterable[str], entities: Iterable[str]) -> frozenset[str]:
    """Those of `entities` whose current schema revision the announcement `names` accepts:
    their records may be sent; the others are held back."""
    accepted = accepted_schemas(names)
    return frozenset(e for e in entities if accepted.get(e, 0) >= current_schema(e))
