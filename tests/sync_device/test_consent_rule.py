"""One consent rule (services/consent.py), the same answer in every place that applies it:
the child's record on screen, the children service, the handouts and the export filter.

The case the four former copies could disagree on: two consents of one kind, equally latest
(the same `given_on` and the same `created_at`, as every record of one central roster file
has), one given and one refused. Each copy took "the last row" of an ORDER BY that does not
decide between them, ascending in three copies and descending in one, so the answer depended
on row order and differed between the screen and the children service. The rule kept:
equally latest consents are in force only if all of them are, so a refusal is never
outvoted by row order.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import select

from earlyyears_desktop.domain import record_types
from earlyyears_desktop.domain.enums import ConsentKind
from earlyyears_desktop.domain.models import (
    MODEL_BY_ENTITY,
    Attendance,
    ChangeLogEntry,
    Child,
    Consent,
    Group,
    GroupSession,
)
from earlyyears_desktop.handouts.content import read_session
from earlyyears_desktop.services.container import Services

from .conftest import TODAY, Central, add_child, enrol

#: one time stamp for several records, as a roster file's records all have
STAMP = dt.datetime(2026, 11, 20, 9, 0, 0)
KINDS = (ConsentKind.SHARE_WITH_CENTRAL.value, ConsentKind.HANDOUTS.value)


def add_equally_latest_consents(services: Services, child_id: str, given: list[bool]) -> None:
    """Consents of both kinds, one per entry of `given`, all with one date and one stamp."""
    with services.uow.write() as tx:
        for kind in KINDS:
            for is_given in given:
                tx.session.add(
                    Consent(
                        child_id=child_id,
                        kind=kind,
                        given=is_given,
                        given_by="A Carer",
                        given_on=TODAY - dt.timedelta(days=5),
                        created_at=STAMP,
                    )
                )


def session_attended_by(services: Services, child_ids: list[str]) -> str:
    with services.uow.write() as tx:
        group = Group(name="Little Steps")
        tx.session.add(group)
        tx.session.flush()
        session = GroupSession(group_id=group.id, date=TODAY)
        tx.session.add(session)
        tx.session.flush()
        for child_id in child_ids:
            tx.session.add(Attendance(session_id=session.id, child_id=child_id, status="present"))
        return session.id


@pytest.mark.parametrize(
    "given", [[True, False], [False, True]], ids=["given-first", "refused-first"]
)
def test_equally_latest_consents_count_as_refused_everywhere(
    services: Services, central: Central, usb: Path, tmp_path: Path, given: list[bool]
) -> None:
    refused = add_child(services, "Tied", "Refusal", consent=False)
    agreed = add_child(services, "Tied", "Agreement", consent=False)
    add_equally_latest_consents(services, refused, given)
    add_equally_latest_consents(services, agreed, [True, True])
    session_id = session_attended_by(services, [refused, agreed])

    for kind in KINDS:
        # The child's record on screen, and the children service.
        assert not services.children.get_child(refused).consent_in_force(kind)
        assert not services.children.consent_in_force(refused, kind)
        assert services.children.get_child(agreed).consent_in_force(kind)
        assert services.children.consent_in_force(agreed, kind)

    # The handouts.
    content = read_session(services, session_id)
    assert [c.child_id for c in content.children] == [agreed]
    assert [s.child_id for s in content.skipped] == [refused]

    # The export filter: the refused child's records stay on the laptop.
    sync = enrol(services, central, tmp_path)
    result = sync.export(usb)
    assert result.held_back_children == 1
    records = list(central.open_export(result.path).records())
    children_sent = {r["id"] for r in records if r["entity"] == "child"}
    assert agreed in children_sent and refused not in children_sent
    # Consent records go anyway, so the central service learns of the refusal.
    consents_sent = [r["data"]["child_id"] for r in records if r["entity"] == "consent"]
    assert consents_sent.count(refused) == len(KINDS) * len(given)


# --- the export filter against the foreign keys -------------------------------------------------


def children_of_every_record(services: Services) -> dict[tuple[str, str], set[str]]:
    """(entity, id) -> the children the record reaches through its foreign keys, worked out
    from the metadata of domain/models.py alone (not from the registry)."""
    by_table = {model.__tablename__: model for model in MODEL_BY_ENTITY.values()}
    rows: dict[str, dict[str, dict[str, object]]] = {}
    with services.uow.read() as session:
        for name, model in by_table.items():
            table = model.__table__
            rows[name] = {
                str(row["id"]): dict(row) for row in session.execute(select(table)).mappings()
            }

    def reached(table_name: str, record_id: str) -> set[str]:
        if table_name == Child.__tablename__:
            return {record_id}
        found: set[str] = set()
        row = rows[table_name][record_id]
        for column in by_table[table_name].__table__.columns:
            for fk in column.foreign_keys:
                target = fk.column.table.name
                value = row[column.name]
                if isinstance(value, str) and value in rows.get(target, {}):
                    found |= reached(target, value)
        return found

    return {
        (by_table[name].entity, record_id): reached(name, record_id)
        for name, records in rows.items()
        for record_id in records
    }


def test_the_export_holds_back_every_record_that_reaches_a_child_without_consent(
    demo: Services, central: Central, usb: Path, tmp_path: Path
) -> None:
    reached = children_of_every_record(demo)
    # The demo child whose records are of the most kinds loses its consent to share.
    kinds: dict[str, set[str]] = {}
    for (entity, _id), children in reached.items():
        for child_id in children:
            kinds.setdefault(child_id, set()).add(entity)
    child = max(sorted(kinds), key=lambda c: len(kinds[c]))
    assert kinds[child] >= {"child", "carer", "attendance", "observation", "plan_review"}
    consent = next(
        c
        for c in demo.children.get_child(child).consents
        if c.kind == ConsentKind.SHARE_WITH_CENTRAL.value and c.in_force
    )
    demo.children.withdraw_consent(consent.id, TODAY)

    result = enrol(demo, central, tmp_path).export(usb)
    sent = {(r["entity"], r["id"]) for r in central.open_export(result.path).records()}
    of_child = {key for key, children in reached.items() if child in children}
    # Only the records sent whatever the consent go: the child's consents (so the central
    # service learns of the withdrawal) and any notification to the local authority...
    always = {key for key in of_child if key[0] in record_types.ALWAYS_SENT}
    assert {entity for entity, _id in always} >= {"consent"}
    assert sent & of_child == always
    # ...and every other record that reaches the child stays on the laptop, whatever its kind.
    held = of_child - always
    assert result.held_back == len(held)
    with demo.uow.read() as session:
        waiting = {
            (entity, record_id)
            for entity, record_id in session.execute(
                select(ChangeLogEntry.entity, ChangeLogEntry.record_id).where(
                    ChangeLogEntry.exported_seq.is_(None)
                )
            )
        }
    assert waiting == held
