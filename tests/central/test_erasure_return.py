"""A return bundle written before the central service heard of an erasure made here.

Laptop A erases child X; the local authority changes X's roster entry before A's export (and
its instruction) reaches the central service, so the next return bundles for A carry X's
records again. Importing them on A neither brings X back nor stops the import (a new carer of
X alone would break a foreign key); the audit chain still verifies. And a child that is back
all the same (a release before this one took it) can be erased again.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from earlyyears_desktop.domain.enums import ErasureReason
from earlyyears_desktop.domain.models import Carer, Child, Consent, VaultSetting
from earlyyears_desktop.services.audit import verify_audit_chain
from earlyyears_desktop.services.children import ChildInput
from earlyyears_desktop.services.erasure import LEDGER
from earlyyears_desktop.services.unit_of_work import INCLUDE_DELETED

from ..fast_vaults import make_central
from .conftest import PASSPHRASE as CENTRAL_PASSPHRASE
from .test_erasure_sync import (
    TEAM,
    TODAY,
    Laptop,
    _central,
    _enrol,
    _ingest,
    _laptop,
    _return,
)

CHILD_X = "5d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6"
CARER_X = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"
NEW_CARER_X = "6f5e4d3c-2b1a-4c0d-9e8f-7a6b5c4d3e2f"
X_NAMES = ("Wiremu", "Tūhoe-Ngata")


def _roster(path: Path, *entries: dict[str, object]) -> Path:
    path.write_text(json.dumps(list(entries), ensure_ascii=False), encoding="utf-8")
    return path


def _child(family_name: str = X_NAMES[1]) -> dict[str, object]:
    return {
        "entity": "child",
        "id": CHILD_X,
        "data": {
            "legal_given_names": X_NAMES[0],
            "legal_family_name": family_name,
            "date_of_birth": "2023-03-02",
        },
    }


def _carer(record_id: str, name: str) -> dict[str, object]:
    return {
        "entity": "carer",
        "id": record_id,
        "data": {"child_id": CHILD_X, "name": name, "relationship": "Koro"},
    }


@pytest.fixture(scope="module")
def laptop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Laptop]:
    """One laptop for the module (a vault costs seconds); each test uses its own child."""
    a = _laptop(tmp_path_factory.mktemp("laptop") / "a", "Aroha Te Whata")
    try:
        yield a
    finally:
        a.services.vault.lock()


def test_a_return_bundle_older_than_the_instruction_does_not_bring_the_child_back(
    tmp_path: Path, laptop: Laptop
) -> None:
    a = laptop
    usb = tmp_path / "usb"
    usb.mkdir()
    central = make_central(tmp_path / "central", passphrase=CENTRAL_PASSPHRASE)
    first = _roster(tmp_path / "roster.json", _child(), _carer(CARER_X, "Hēmi Ngata"))
    assert _central("roster", central, first, "--team", TEAM).code == 0
    _enrol(central, a, tmp_path)
    assert _ingest(central, a.sync.export(usb).path).code == 0
    assert _return(central, a, usb).inserted == 2  # X and the carer

    a.services.erasure.erase_child(CHILD_X, ErasureReason.FAMILY_REQUEST)
    a_export = a.sync.export(usb)  # carries the instruction: not ingested yet

    # The roster adds a carer of X: a return bundle with that carer alone.
    more = _roster(
        tmp_path / "more.json",
        _child(),
        _carer(CARER_X, "Hēmi Ngata"),
        _carer(NEW_CARER_X, "Mere Ngata"),
    )
    assert _central("roster", central, more, "--team", TEAM).code == 0
    carer_only = _return(central, a, usb)
    # Then it changes X's entry: X itself, again.
    changed = _roster(
        tmp_path / "changed.json",
        _child("Tūhoe"),
        _carer(CARER_X, "Hēmi Ngata"),
        _carer(NEW_CARER_X, "Mere Ngata"),
    )
    assert _central("roster", central, changed, "--team", TEAM).code == 0
    child_again = _return(central, a, usb)

    assert (carer_only.inserted, carer_only.not_taken_back) == (0, 1)
    assert (child_again.inserted, child_again.updated, child_again.not_taken_back) == (
        0,
        0,
        1,
    )
    assert "1 records of a child erased here were not taken back." in child_again.message
    for name in X_NAMES:
        assert name not in child_again.message
    uow = a.services.uow
    with uow.read() as session:
        for model in (Child, Carer, Consent):
            column = model.id if model is Child else model.child_id
            rows = session.scalars(
                select(model.id).where(column == CHILD_X), execution_options=INCLUDE_DELETED
            ).all()
            assert rows == [], model.entity
    report = verify_audit_chain(uow)
    assert report.ok, report.message

    # The central service hears of it at last; A's next return bundle brings nothing of X.
    done = _ingest(central, a_export.path)
    assert "1 child erased" in done.out
    assert _return(central, a, usb).not_taken_back == 0


def test_a_child_back_in_the_vault_after_its_erasure_can_be_erased_again(laptop: Laptop) -> None:
    services = laptop.services
    child_id = services.children.create_child(
        ChildInput("Wiremu", "Tūhoe-Ngata", TODAY.replace(year=TODAY.year - 3))
    ).value
    # As a release before this one left it: the ledger says erased, the child is back.
    entry = {
        "child_id": child_id,
        "erased_at": "2026-12-01T09:00:00",
        "erased_by": services.uow.actor.practitioner_id,
        "reason": ErasureReason.FAMILY_REQUEST.value,
        "instructed_by_central": False,
        "sent_in": 3,
    }
    with services.uow.write() as tx:
        ledger = tx.session.get(VaultSetting, LEDGER)
        before = json.loads(ledger.value) if ledger is not None else []
        if ledger is None:
            tx.session.add(VaultSetting(key=LEDGER, value=json.dumps([entry])))
        else:
            ledger.value = json.dumps([*before, entry])
    done = services.erasure.erase_child(child_id, ErasureReason.FAMILY_REQUEST).value
    assert done.records >= 1
    with services.uow.read() as session:
        assert session.get(Child, child_id, execution_options=INCLUDE_DELETED) is None
    [erasure] = [e for e in services.erasure.erasures() if e.child_id == child_id]
    assert erasure.sent_in == 3  # the ledger keeps its one line: already told
    report = verify_audit_chain(services.uow)
    assert report.ok, report.message
