"""Every entity's schema revisions (docs/bundle-format.md 14.3) match the data model.

A column added to a synchronised model without a new schema revision in the registry
(`later_schemas` in domain/record_types.py) fails `test_the_newest_revision_is_the_models_columns`:
devices would send the new member to central services that refuse it, and hold nothing back.
"""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from earlyyears_desktop.domain import record_types
from earlyyears_desktop.sync.entity_schemas import (
    FIRST_MEMBERS,
    absent_members,
    accepted_schemas,
    announced_names,
    members,
    parse_schema_name,
    revision_members,
    sendable,
)
from earlyyears_desktop.sync.entity_types import (
    FORMAT_1_ENTITY_TYPES,
    newest_announcement,
    sendable_entity_types,
    synced_entity_types,
)
from earlyyears_desktop.sync.errors import BundleRefused
from earlyyears_desktop.sync.records import CODECS, decode_record, encode_values

SYNCED = sorted(synced_entity_types())


@pytest.mark.parametrize("entity", SYNCED)
def test_the_newest_revision_is_the_models_columns(entity: str) -> None:
    newest = revision_members(entity)[-1]
    assert CODECS[entity].data_names == newest, (
        f"{entity}: its columns changed; add a SchemaRevision to its registry entry "
        "(docs/architecture.md, 'Adding a column to a synchronised record type')"
    )


def test_every_synced_entity_has_a_first_schema_and_nothing_else_does() -> None:
    assert set(FIRST_MEMBERS) == set(SYNCED)


@pytest.mark.parametrize("entity", SYNCED)
def test_a_revision_only_adds_members_each_with_a_default(entity: str) -> None:
    revisions = revision_members(entity)
    for earlier, later in itertools.pairwise(revisions):
        assert earlier < later
    codec = CODECS[entity]
    assert set(codec.later_defaults) == revisions[-1] - revisions[0]
    for later in record_types.record_type(entity).later_schemas:
        assert set(later.widened) <= revisions[0]


def test_the_changed_entities_of_the_releases_are_schema_2() -> None:
    assert {t.entity: t.schema for t in record_types.SYNCED_TYPES if t.schema > 1} == {
        # revision 1.2 of the bundle format
        "observation": 2,
        "strategy": 2,
        "child_strategy": 2,
        # revision 1.3: Portage and support plans
        "home_visit": 2,
        "teaching_target": 2,
        "visit_target_progress": 2,
        "support_plan": 2,
        "plan_outcome": 2,
        "plan_review": 2,
    }
    assert members("strategy", 2) - members("strategy", 1) == {"tags"}
    assert "observed_at" not in members("observation", 1)
    assert members("visit_target_progress", 2) - members("visit_target_progress", 1) == {"step_id"}


def test_announced_names() -> None:
    assert parse_schema_name("observation") == ("observation", 1)
    assert parse_schema_name("observation@2") == ("observation", 2)
    for odd in ("observation@", "observation@02", "observation@x", "@2", "observation@²"):
        assert parse_schema_name(odd) == (odd, 1)
    assert accepted_schemas(["strategy", "strategy@3", "strategy@2"]) == {"strategy": 3}
    # A revision above 1 is announced with the plain name too, for devices of revision 1.1.
    assert announced_names({"observation": 2, "child": 1}) == {
        "observation",
        "observation@2",
        "child",
    }
    newest = newest_announcement(SYNCED)
    assert {"observation", "observation@2", "strategy@2", "child_strategy@2"} <= newest
    assert sendable_entity_types(newest) == set(SYNCED)


def test_format_1_names_accept_only_the_unchanged_types() -> None:
    assert sendable_entity_types(FORMAT_1_ENTITY_TYPES) == FORMAT_1_ENTITY_TYPES - {
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
    assert sendable(["observation@2"], ["observation"]) == {"observation"}
    assert sendable(["observation"], ["observation"]) == frozenset()


def test_absent_members_name_a_revision_or_nothing() -> None:
    newest = revision_members("child_strategy")[-1]
    first = members("child_strategy", 1)
    assert absent_members("child_strategy", newest) == frozenset()
    assert absent_members("child_strategy", first) == newest - first
    assert absent_members("child_strategy", first | {"title"}) is None  # a mix
    assert absent_members("child_strategy", newest | {"colour"}) is None


def _child_strategy(**drop_or_add: object) -> dict[str, object]:
    """A current `child_strategy` record; a member given None is left out, others added."""
    stamp = dt.datetime(2026, 11, 25, 10, 0)
    codec = CODECS["child_strategy"]
    values: dict[str, object] = {c.name: "" for c in codec.data_columns if c.kind == "text"}
    values.update(
        id="cs-1",
        version=1,
        changed_by_device="dev",
        child_id="c1",
        strategy_id=None,
        assigned_on=dt.date(2026, 11, 25),
        started_on=None,
        progress="not_started",
        agreed_by=None,
        stopped_on=None,
        created_at=stamp,
        updated_at=stamp,
        deleted_at=None,
    )
    record = encode_values(codec, values)
    data = record["data"]
    assert isinstance(data, dict)
    for name, value in drop_or_add.items():
        if value is None:
            del data[name]
        else:
            data[name] = value
    return record


def test_a_reader_accepts_an_earlier_revision_and_gives_the_rest_their_defaults() -> None:
    later = revision_members("child_strategy")[-1] - members("child_strategy", 1)
    decoded = decode_record(_child_strategy(**dict.fromkeys(later)))
    assert decoded.absent == later
    assert decoded.values["title"] == "" and decoded.values["stopped_on"] is None
    assert decode_record(_child_strategy()).absent == frozenset()


@pytest.mark.parametrize(
    ("change", "says"),
    [
        ({"colour": "red"}, "unknown columns: colour"),
        ({"title": None, "agreed_by": None}, "lacks columns: agreed_by, title"),  # a mix
        ({"child_id": None}, "lacks columns: child_id"),
    ],
)
def test_an_unknown_member_or_a_mix_is_refused(change: dict[str, object], says: str) -> None:
    with pytest.raises(BundleRefused) as refused:
        decode_record(_child_strategy(**change))
    assert refused.value.code == "bad-payload"
    assert says in refused.value.reason
