"""The registry of record types (domain/record_types.py) against the data model it describes.

The child links are derived here from the foreign keys of domain/models.py, independently of
the registry: a table reaches a child when it has a foreign key to `children` or to a table
that reaches a child. A model that reaches a child but is missing from the registry's
child-linked set (so from the consent rule), or a synchronised model with no entry, fails.
"""

from __future__ import annotations

import itertools
import re
from pathlib import Path

from sqlalchemy import Table
from sqlalchemy.orm import DeclarativeBase

from earlyyears_desktop.central import returns, roster
from earlyyears_desktop.domain import record_types
from earlyyears_desktop.domain.enums import ConsentKind
from earlyyears_desktop.domain.models import SYNCED_MODELS, Base, Child, Synced
from earlyyears_desktop.domain.record_types import (
    NAMES_NO_CHILD,
    RECORD_TYPES,
    NoConsent,
    record_type,
    record_type_of,
)
from earlyyears_desktop.services.consent import child_id_column
from earlyyears_desktop.sync import sharing
from earlyyears_desktop.sync.records import CODECS

CHILDREN = Child.__table__.name
#: columns every synchronised record has, filled in by the app, never by a roster file
BASE_COLUMNS = {"id", "version", "created_at", "updated_at", "changed_by_device", "deleted_at"}


def tables_reaching_a_child() -> set[str]:
    """Every table of the metadata with a chain of foreign keys that ends at `children`."""
    reaching = {CHILDREN}
    grew = True
    while grew:
        grew = False
        for table in Base.metadata.tables.values():
            if table.name in reaching:
                continue
            targets = {fk.column.table.name for fk in table.foreign_keys}
            if targets & reaching:
                reaching.add(table.name)
                grew = True
    return reaching


def all_synced_models() -> set[type[Synced]]:
    found: set[type[Synced]] = set()
    stack: list[type[DeclarativeBase]] = [Synced]
    while stack:
        cls = stack.pop()
        for sub in cls.__subclasses__():
            stack.append(sub)
            if issubclass(sub, Synced) and "__tablename__" in sub.__dict__:
                found.add(sub)
    return found


def test_every_synchronised_model_has_one_entry() -> None:
    models = [t.model for t in RECORD_TYPES]
    assert len(models) == len(set(models)), "a model is in the registry twice"
    assert set(models) == all_synced_models() == set(SYNCED_MODELS)
    assert all(record_type(t.entity) is t and record_type_of(t.model) is t for t in RECORD_TYPES)


def test_every_model_that_reaches_a_child_is_under_the_consent_rule() -> None:
    reaching = tables_reaching_a_child()
    by_table = {t.model.__tablename__: t for t in RECORD_TYPES}
    # Local bookkeeping tables never point at a child (they are never sent or printed).
    assert reaching <= set(by_table), sorted(reaching - set(by_table))
    derived = {by_table[name].entity for name in reaching}
    assert derived == record_types.CHILD_LINKED
    for entry in RECORD_TYPES:
        if entry.child_linked:
            # Sent only under a consent kind, or without one for a stated reason that is not
            # "names no child" (the consent records themselves).
            assert entry.central_consent != NAMES_NO_CHILD, entry.entity
            if isinstance(entry.central_consent, NoConsent):
                assert entry.central_consent.reason.strip(), entry.entity
            assert entry.family_consent != NAMES_NO_CHILD, entry.entity
        else:
            assert entry.central_consent == NAMES_NO_CHILD, entry.entity
            assert entry.family_consent in (None, NAMES_NO_CHILD), entry.entity


def test_each_child_link_follows_foreign_keys_to_the_child() -> None:
    for entry in RECORD_TYPES:
        link = entry.child_link
        if link is None:
            continue
        table: Table = entry.model.__table__  # type: ignore[assignment]
        if link.is_the_child:
            assert table.name == CHILDREN
            continue
        for step, name in enumerate(link.path):
            column = table.c[name]
            (reference,) = column.foreign_keys
            target: Table = reference.column.table  # type: ignore[assignment]
            assert reference.column.name == "id", (entry.entity, name)
            if step == len(link.path) - 1:
                assert target.name == CHILDREN, (entry.entity, link.path)
            table = target


def test_the_registry_lists_types_in_foreign_key_order() -> None:
    position = {t.model.__tablename__: i for i, t in enumerate(RECORD_TYPES)}
    for entry in RECORD_TYPES:
        for fk in entry.model.__table__.foreign_keys:
            target = fk.column.table.name
            assert position[target] < position[entry.model.__tablename__], (entry.entity, target)


def test_the_export_filter_reads_the_registry() -> None:
    """Each synchronised type is filtered by its child's consent exactly when the registry says
    so; the filter looks up share-with-central consent only, so a type under another kind
    needs the export collector taught first."""
    assert record_types.central_consent_kinds() == {ConsentKind.SHARE_WITH_CENTRAL}
    assert set(CODECS) == {t.entity for t in RECORD_TYPES if t.syncs}
    assert {"consent", "la_notification"} == record_types.ALWAYS_SENT
    for entry in RECORD_TYPES:
        expression = sharing.child_expression(entry.model)
        assert (expression is not None) == entry.needs_central_consent, entry.entity
        assert (child_id_column(entry.model) is not None) == entry.child_linked, entry.entity


def test_returns_and_the_roster_read_the_registry() -> None:
    returned = tuple(t.entity for t in RECORD_TYPES if t.returned)
    assert returns.RETURN_ENTITIES == returned == record_types.RETURN_ENTITIES
    # The order a return bundle has always been written in (docs/central-service.md).
    assert returned == (
        "venue",
        "group",
        "strategy",
        "child",
        "carer",
        "consent",
        "team_member",
        "group_staff",
        "enrolment",
        "session",
    )
    assert set(returned) == sharing.RETURN_ENTITIES
    required = {t.entity: t.roster_required for t in RECORD_TYPES if t.returned}
    assert dict(roster.REQUIRED) == required


def test_roster_required_fields_are_the_columns_without_a_value_of_their_own() -> None:
    """A roster entry must give every column that cannot be empty and has no default."""
    for entry in RECORD_TYPES:
        if not entry.returned:
            assert entry.roster_required == (), entry.entity
            continue
        needed = {
            column.name
            for column in entry.model.__table__.columns
            if column.name not in BASE_COLUMNS
            and not column.nullable
            and column.default is None
            and column.server_default is None
        }
        assert set(entry.roster_required) == needed, entry.entity


def test_children_are_printed_for_families_under_one_consent() -> None:
    """The handouts check the child's consent for family documents: every child-linked type
    printed for a family must be printed under that same consent."""
    kind = record_types.family_consent_kind()
    assert kind == ConsentKind.HANDOUTS
    for entry in RECORD_TYPES:
        if entry.child_linked and isinstance(entry.family_consent, ConsentKind):
            assert entry.family_consent == kind, entry.entity


def test_names_for_people() -> None:
    for entry in RECORD_TYPES:
        assert entry.singular and entry.plural and entry.singular != entry.plural, entry.entity
        assert "_" not in entry.singular + entry.plural


DOCS = Path(__file__).resolve().parents[2] / "docs"


def _names(text: str) -> list[str]:
    return re.findall(r"[a-z_]+", text)


def test_the_documented_lists_are_the_registry() -> None:
    """docs/bundle-format.md 8.1 and docs/central-service.md name the same record types."""
    bundle_format = " ".join((DOCS / "bundle-format.md").read_text(encoding="utf-8").split())
    held = re.search(
        r"Records belonging to a child \(([^)]*)\) are \*\*held back\*\*", bundle_format
    )
    assert held, "docs/bundle-format.md 8.1 no longer lists the records held back"
    assert set(_names(held.group(1))) == record_types.CHILD_LINKED
    carried = re.search(
        r"Return bundles \(central service to device\) carry only (.*?) records;", bundle_format
    )
    assert carried, "docs/bundle-format.md 8.1 no longer lists what return bundles carry"
    assert set(re.findall(r"`([a-z_]+)`", carried.group(1))) == set(record_types.RETURN_ENTITIES)

    central = " ".join((DOCS / "central-service.md").read_text(encoding="utf-8").split())
    order = re.search(r"comes after those it refers to \(([^)]*)\)", central)
    assert order, "docs/central-service.md no longer gives the order of a return bundle"
    assert tuple(_names(order.group(1))) == record_types.RETURN_ENTITIES
    lines = (DOCS / "central-service.md").read_text(encoding="utf-8").splitlines()
    header = lines.index("| entity | required fields |")
    rows = itertools.takewhile(lambda line: line.startswith("|"), lines[header + 2 :])
    table = {}
    for row in rows:
        entity, fields = (cell.strip() for cell in row.strip("|").split("|"))
        table[entity.strip("`")] = tuple(_names(fields))
    assert table == dict(record_types.ROSTER_REQUIRED)
