"""The consent rule (services/consent.py): the latest consent of a kind decides."""

from __future__ import annotations

import datetime as dt
import itertools

from sqlalchemy import select

from earlyyears_desktop.domain.models import Child, Consent
from earlyyears_desktop.services.consent import (
    ConsentFacts,
    children_with_consent,
    consents_in_force,
)
from earlyyears_desktop.services.container import Services

DAY = dt.date(2026, 11, 1)
STAMP = dt.datetime(2026, 11, 20, 9, 0, 0)


def fact(
    given_on: int,
    created: int = 0,
    given: bool = True,
    withdrawn: bool = False,
    child: str = "c1",
    kind: str = "handouts",
) -> ConsentFacts:
    return ConsentFacts(
        child,
        kind,
        given,
        DAY + dt.timedelta(days=given_on + 1) if withdrawn else None,
        DAY + dt.timedelta(days=given_on),
        STAMP + dt.timedelta(seconds=created),
    )


def in_force(*facts: ConsentFacts) -> bool:
    """The rule's answer for child c1 and handouts, the same for every order of the rows."""
    answers = {
        ("c1", "handouts") in consents_in_force(order) for order in itertools.permutations(facts)
    }
    assert len(answers) == 1, "the answer depends on the order of the rows"
    return answers.pop()


def test_the_latest_consent_decides() -> None:
    assert not in_force()
    assert in_force(fact(0))
    assert not in_force(fact(0, given=False))
    assert not in_force(fact(0, withdrawn=True))
    # A later date wins, whenever it was recorded.
    assert not in_force(fact(5, created=0, given=False), fact(3, created=9))
    assert in_force(fact(3, created=0, given=False), fact(5, created=-9))
    # On the same date, the one recorded last wins.
    assert in_force(fact(3, created=0, given=False), fact(3, created=1))
    assert not in_force(fact(3, created=1, withdrawn=True), fact(3, created=0))
    # Equally latest (one date, one stamp): in force only if all of them are.
    assert not in_force(fact(3, given=False), fact(3))
    assert not in_force(fact(3, withdrawn=True), fact(3), fact(3))
    assert in_force(fact(3), fact(3), fact(1, given=False))


def test_each_child_and_kind_on_its_own() -> None:
    pairs = consents_in_force(
        [
            fact(0, child="a", kind="handouts"),
            fact(0, child="a", kind="photos", given=False),
            fact(1, child="b", kind="handouts", given=False),
            fact(0, child="b", kind="photos"),
        ]
    )
    assert pairs == {("a", "handouts"), ("b", "photos")}


def test_the_query_skips_soft_deleted_consents_and_other_children(services: Services) -> None:
    with services.uow.write() as tx:
        children = [
            Child(legal_given_names="A", legal_family_name=n, date_of_birth=DAY) for n in "XYZ"
        ]
        tx.session.add_all(children)
        tx.session.flush()
        x, y, z = (c.id for c in children)
        for child_id in (x, y, z):
            tx.session.add(Consent(child_id=child_id, kind="handouts", given_by="P", given_on=DAY))
        # y's later refusal is deleted: its earlier consent counts again.
        tx.session.add(
            Consent(
                child_id=y,
                kind="handouts",
                given=False,
                given_by="P",
                given_on=DAY + dt.timedelta(days=2),
            )
        )
    with services.uow.write() as tx:
        refusal = tx.session.scalars(select(Consent).where(Consent.given.is_(False))).one()
        refusal.deleted_at = STAMP
    with services.uow.read() as session:
        assert children_with_consent(session, "handouts") == {x, y, z}
        assert children_with_consent(session, "handouts", [y, z]) == {y, z}
        assert children_with_consent(session, "handouts", []) == set()
        assert children_with_consent(session, "photos") == set()
    assert services.children.consent_in_force(y, "handouts")
    assert services.children.get_child(y).consent_in_force("handouts")
