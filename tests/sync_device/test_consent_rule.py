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

from earlyyears_desktop.domain.enums import ConsentKind
from earlyyears_desktop.domain.models import Attendance, Consent, Group, GroupSession
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
