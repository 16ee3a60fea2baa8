"""The reference central service carries out erasure instructions (bundle format 8.3).

Real bundles from enrolled test devices (their records written by hand, as the format allows):
a child's records reached through chains of references go with it, and nothing of the child
comes back, from a bundle, a roster file or a return bundle. The end to end story with real
laptops is tests/central/test_erasure_sync.py.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select

from earlyyears_desktop.central import models
from earlyyears_desktop.central.folder import open_central
from earlyyears_desktop.central.returns import write_return
from earlyyears_desktop.sync.bundle import TrustedSender, open_bundle
from earlyyears_desktop.sync.erasure_instructions import ERASURE
from earlyyears_desktop.sync.keys import key_id

from ..fast_vaults import CENTRAL_PASSPHRASE, make_central
from .conftest import CentralEnv, Device, record

X = "c-erased"
OTHER = "c-stays"
READS_ERASURES = {
    "accepted_entities": ["child", ERASURE],
    "audit_head": {"hash": "0" * 64, "seq": 0},
}


def _instruction(device: Device, child: str = X, **change: object) -> dict[str, object]:
    return {
        "entity": ERASURE,
        "child_id": child,
        "erased_at": "2026-12-23T10:00:00Z",
        "erased_by": device.device_id,
        "reason": "family_request",
        **change,
    }


def _x_and_other(device: str) -> list[dict[str, object]]:
    """Child X with a plan, its outcome, a review of the outcome, and an attendance mark;
    another child with a plan of its own."""
    return [
        record("child", X, device=device, legal_given_names="Ilse"),
        record("child", OTHER, device=device, legal_given_names="Kofi"),
        record("support_plan", "plan-x", device=device, child_id=X),
        record("support_plan", "plan-o", device=device, child_id=OTHER),
        record("plan_outcome", "out-x", device=device, plan_id="plan-x"),
        record("plan_review", "rev-x", device=device, plan_id="plan-x"),
        record("outcome_review", "orev-x", device=device, review_id="rev-x", outcome_id="out-x"),
        record("attendance", "att-x", device=device, session_id="s1", child_id=X),
    ]


def _held(central: CentralEnv) -> set[str]:
    opened = central.open()
    try:
        with opened.engine.connect() as conn:
            r = models.records.c
            held = set(conn.execute(select(r.record_id)).scalars())
            held |= set(conn.execute(select(models.attendance_marks.c.record_id)).scalars())
            held |= set(conn.execute(select(models.conflicts.c.record_id)).scalars())
    finally:
        opened.close()
    return held


@pytest.mark.parametrize("backend", ["sqlite"])
def test_every_record_of_the_child_goes_and_none_comes_back(central: CentralEnv) -> None:
    a = central.enrol("dev-a")
    b = central.enrol("dev-b", team="South Team")
    work = central.work
    assert (
        central.cli("ingest", central.folder, a.bundle(work, _x_and_other("dev-a")).path).code == 0
    )
    # B's copy of X's plan, made on another base: kept aside as a conflict
    conflict = b.bundle(
        work, [record("support_plan", "plan-x", version=3, device="dev-b", child_id=X)]
    )
    assert "1 conflicts kept" in central.cli("ingest", central.folder, conflict.path).out
    late = b.bundle(
        work,
        [
            record("child", X, version=4, device="dev-b"),
            record("observation", "obs-new", device="dev-b", child_id=X),
            record("plan_review", "rev-new", device="dev-b", plan_id="plan-x"),
            record("outcome_review", "orev-new", device="dev-b", review_id="rev-new"),
            record("observation", "obs-other", device="dev-b", child_id=OTHER),
        ],
    )

    erasing = a.bundle(work, [_instruction(a)])
    done = central.cli("ingest", central.folder, erasing.path)
    assert done.code == 0, done.err
    assert "1 child erased (6 records removed)" in done.out
    assert _held(central) == {OTHER, "plan-o"}

    done = central.cli("ingest", central.folder, late.path)
    assert done.code == 0, done.err
    assert "4 records of erased children refused" in done.out
    assert _held(central) == {OTHER, "plan-o", "obs-other"}

    again = central.cli("ingest", central.folder, a.bundle(work, [_instruction(a)]).path)
    assert "erased" not in again.out  # the same instruction again changes nothing
    [erasure] = central.status()["erasures"]  # type: ignore[misc]
    assert erasure["records_removed"] == 6
    assert erasure["records_refused"] == 4
    assert erasure["devices_to_tell"] == ["dev-b"]  # it sent records of X
    assert erasure["erased_by"] == "dev-a"


@pytest.mark.parametrize("backend", ["sqlite"])
def test_a_bad_instruction_refuses_the_bundle(central: CentralEnv) -> None:
    a = central.enrol("dev-a")
    central.cli("ingest", central.folder, a.bundle(central.work, _x_and_other("dev-a")).path)
    for change, why in (
        ({"erased_by": "dev-b"}, "names another device than its sender"),
        ({"reason": "because"}, "has no valid reason"),
        ({"name": "Ilse"}, "has missing or unexpected members"),
    ):
        bad = a.bundle(central.work, [_instruction(a, **change)])
        done = central.cli("ingest", central.folder, bad.path)
        assert done.code == 4
        assert "bad-payload" in done.err and why in done.err
        assert "Ilse" not in done.err
    assert X in _held(central)


@pytest.mark.parametrize("backend", ["sqlite"])
def test_the_devices_of_the_roster_are_told_and_a_roster_cannot_bring_the_child_back(
    central: CentralEnv,
) -> None:
    roster = central.work / "roster.json"
    roster.write_text(
        json.dumps(
            [
                {
                    "entity": "child",
                    "id": X,
                    "data": {
                        "legal_given_names": "Ilse",
                        "legal_family_name": "Van der Berg",
                        "date_of_birth": "2023-06-14",
                    },
                }
            ]
        ),
        encoding="utf-8",
    )
    assert central.cli("roster", central.folder, roster, "--team", "North Team").code == 0
    a = central.enrol("dev-a")
    reads = central.enrol("dev-reads")  # North Team, reads erasure instructions
    old = central.enrol("dev-old")  # North Team, a release before 1.5: says nothing
    south = central.enrol("dev-south", team="South Team")
    for device, extra in ((reads, READS_ERASURES), (old, None), (south, READS_ERASURES)):
        bundle = device.bundle(
            central.work, [record("venue", f"v-{device.device_id}")], extra=extra
        )
        assert central.cli("ingest", central.folder, bundle.path).code == 0
    done = central.cli("ingest", central.folder, a.bundle(central.work, [_instruction(a)]).path)
    assert "1 child erased (1 records removed)" in done.out
    [erasure] = central.status()["erasures"]  # type: ignore[misc]
    assert erasure["devices_to_tell"] == ["dev-old", "dev-reads"]

    refused = central.cli("roster", central.folder, roster, "--team", "North Team")
    assert refused.code != 0
    assert "erased on a device's instruction" in refused.err
    assert X not in _held(central)

    out = central.work / "returns"
    out.mkdir()
    opened = central.open()
    try:
        keys = opened.unlock(CENTRAL_PASSPHRASE)
        told = write_return(opened, keys, "dev-reads", out)
        not_yet = write_return(opened, keys, "dev-old", out)
    finally:
        opened.close()
    assert (told.erasures, not_yet.erasures) == (1, 0)
    assert _return_lines(told.path, reads) == [_instruction(a)]
    assert _return_lines(not_yet.path, old) == []


def _return_lines(path: Path, device: Device) -> list[dict[str, object]]:
    from datetime import UTC, datetime

    signing = device.response.central_signing_public_key
    with open_bundle(
        path,
        trusted_senders={key_id(signing): TrustedSender(device.response.central_id, signing)},
        recipient_private_key=device.keys.encryption,
        expected_kind="return",
        now=datetime.now(UTC),
    ) as bundle:
        return list(bundle.records())


def test_a_store_of_the_previous_release_gains_the_erasure_tables(tmp_path: Path) -> None:
    folder = make_central(tmp_path / "central", passphrase=CENTRAL_PASSPHRASE)
    opened = open_central(folder, CENTRAL_PASSPHRASE)
    m = models.meta.c
    with opened.engine.begin() as conn:  # as the previous release left it (schema 3)
        for table in ("erasures", "erased_records", "erasure_notices", "refused_erasures"):
            conn.exec_driver_sql(f"DROP TABLE {table}")
        conn.execute(models.meta.update().where(m.key == "schema_version").values(value="3"))
    opened.close()
    opened = open_central(folder, CENTRAL_PASSPHRASE)
    try:
        with opened.engine.connect() as conn:
            assert conn.scalar(select(m.value).where(m.key == "schema_version")) == "5"
            assert conn.execute(select(models.erasures)).all() == []
            assert conn.execute(select(models.refused_erasures)).all() == []
    finally:
        opened.close()


@pytest.mark.parametrize("backend", ["sqlite"])
def test_a_record_refused_in_an_earlier_batch_keeps_its_dependents_out(
    central: CentralEnv,
) -> None:
    """The gate looks at records 500 at a time: an erased child's observations refused in
    the first batch still refuse their revisions (the child's words) in the next."""
    a = central.enrol("dev-a")
    b = central.enrol("dev-b")
    work = central.work
    first = central.cli("ingest", central.folder, a.bundle(work, _x_and_other("dev-a")).path)
    assert first.code == 0, first.err
    done = central.cli("ingest", central.folder, a.bundle(work, [_instruction(a)]).path)
    assert "1 child erased" in done.out
    observations = [
        record("observation", f"obs-{n:03d}", device="dev-b", child_id=X) for n in range(500)
    ]
    revisions = [
        record("observation_revision", "orv-x", device="dev-b", observation_id="obs-000"),
        record("observation_revision", "orv-y", device="dev-b", observation_id="obs-499"),
        record("observation", "obs-other", device="dev-b", child_id=OTHER),
        record("observation_revision", "orv-o", device="dev-b", observation_id="obs-other"),
    ]
    late = b.bundle(work, [*observations, *revisions])
    done = central.cli("ingest", central.folder, late.path)
    assert done.code == 0, done.err
    assert "502 records of erased children refused" in done.out
    assert _held(central) == {OTHER, "plan-o", "obs-other", "orv-o"}


@pytest.mark.parametrize("backend", ["sqlite"])
def test_an_instruction_from_a_device_that_could_not_hold_the_child_is_refused(
    central: CentralEnv,
) -> None:
    """Only a device that could hold the child may erase it: one of the team whose roster
    has it, or one that sent records of it. Another device's instruction is refused and
    counted; the rest of its bundle is ingested."""
    a = central.enrol("dev-a")  # North Team: sends X's records
    south = central.enrol("dev-south", team="South Team")  # never held X
    work = central.work
    first = central.cli("ingest", central.folder, a.bundle(work, _x_and_other("dev-a")).path)
    assert first.code == 0, first.err

    stranger = south.bundle(
        work, [_instruction(south), record("venue", "v-south", device="dev-south")]
    )
    done = central.cli("ingest", central.folder, stranger.path)
    assert done.code == 0, done.err
    assert "1 erasure instruction refused (the device could not hold the child)" in done.out
    assert "erased (" not in done.out
    assert {X, "plan-x", "v-south"} <= _held(central)
    status = central.status()
    assert status["erasures"] == []
    [refused] = status["erasures_refused"]  # type: ignore[misc]
    assert (refused["child_id"], refused["device_id"]) == (X, "dev-south")
    assert refused["bundle_id"] == stranger.manifest["bundle_id"]
    assert status["totals"]["erasures_refused"] == 1  # type: ignore[index]
    text = central.cli("status", central.folder).out
    assert "Erasure instructions refused: 1" in text

    # A device that sent records of X may erase it, whatever its team.
    b = central.enrol("dev-b", team="South Team")
    sent = b.bundle(work, [record("observation", "obs-b", device="dev-b", child_id=X)])
    assert central.cli("ingest", central.folder, sent.path).code == 0
    done = central.cli("ingest", central.folder, b.bundle(work, [_instruction(b)]).path)
    assert "1 child erased" in done.out
    assert X not in _held(central)
