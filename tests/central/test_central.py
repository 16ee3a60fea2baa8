"""The central service through its command line, on SQLite and on a real PostgreSQL server."""

from __future__ import annotations

import json
import stat
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from earlyyears_desktop.central import models
from earlyyears_desktop.central.ingest import REVOKED_REASON
from earlyyears_desktop.sync.bundle import (
    MAX_SEQUENCE_GAP,
    TrustedSender,
    open_bundle,
    write_bundle,
)
from earlyyears_desktop.sync.entity_types import newest_announcement, synced_entity_types
from earlyyears_desktop.sync.erasure_instructions import ERASURE
from earlyyears_desktop.sync.keys import KeyPair

from ..fast_vaults import make_central
from .conftest import PASSPHRASE, CentralEnv, record

CHILD_NAME = "Zoë Łukasiewicz-Ó'Brien"


def _records(central: CentralEnv) -> dict[tuple[str, str], tuple[int, str, str]]:
    opened = central.open()
    try:
        with opened.engine.connect() as conn:
            r = models.records.c
            return {
                (row.entity, row.record_id): (int(row.version), row.source, row.data)
                for row in conn.execute(select(r.entity, r.record_id, r.version, r.source, r.data))
            }
    finally:
        opened.close()


def _open_return(path: Path, device_keys: KeyPair, central: CentralEnv):  # type: ignore[no-untyped-def]
    config = json.loads((central.folder / "central.json").read_text())
    from earlyyears_desktop.sync.keys import load_signing_public_key_pem

    key = load_signing_public_key_pem(config["signing_public_key_pem"])
    return open_bundle(
        path,
        trusted_senders={config["signing_key_id"]: TrustedSender(config["central_id"], key)},
        recipient_private_key=device_keys.encryption,
        expected_kind="return",
        now=datetime.now(UTC),
    )


# --- init and enrol -----------------------------------------------------------------------------


def test_init_makes_a_private_folder_without_secrets(central: CentralEnv) -> None:
    assert stat.S_IMODE(central.folder.stat().st_mode) == 0o700
    assert stat.S_IMODE((central.folder / "keys.json").stat().st_mode) == 0o600
    config = json.loads((central.folder / "central.json").read_text())
    assert len(config["central_id"]) <= 36
    assert "PRIVATE" not in (central.folder / "central.json").read_text()
    keys = json.loads((central.folder / "keys.json").read_text())
    assert keys["slots"][0]["kdf"]["name"] == "argon2id"
    assert PASSPHRASE not in (central.folder / "keys.json").read_text()


def test_init_tunes_argon2id_on_this_machine_whatever_the_environment(
    tmp_path: Path,
    central_cli,
    monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
) -> None:
    """`init` as a user runs it: the key slot's cost is calibrated, and no variable of the
    environment (such as the old test switch) makes it cheap. The one test that pays it."""
    monkeypatch.setenv("EARLYYEARS_TEST_FAST_KDF", "1")
    folder = tmp_path / "calibrated"
    made = central_cli("init", folder, "--suite", "mlkem768-x25519", "--name", "Calibrated")
    assert made.code == 0, made.err
    assert "MLKEM768-X25519" in made.out
    [slot] = json.loads((folder / "keys.json").read_text())["slots"]
    assert slot["kdf"]["memory_kib"] >= 65_536 and slot["kdf"]["iterations"] >= 3
    assert central_cli("status", folder, "--json").code == 0


def test_init_refuses_an_existing_central(central: CentralEnv) -> None:
    result = central.cli("init", central.folder)
    assert result.code == 1
    assert "already a central service" in result.err
    assert result.err.count("\n") == 1


def test_wrong_passphrase_is_exit_3(
    central: CentralEnv, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    device = central.enrol("dev-a")
    bundle = device.bundle(central.work, [record("child", "c1", legal_given_names=CHILD_NAME)])
    monkeypatch.setenv("EARLYYEARS_CENTRAL_PASSPHRASE", "not the passphrase at all")
    result = central.cli("ingest", central.folder, bundle.path)
    assert result.code == 3
    assert "passphrase" in result.err
    phrase = tmp_path / "phrase.txt"
    phrase.write_text(PASSPHRASE + "\n")
    result = central.cli("ingest", central.folder, bundle.path, "--passphrase-file", phrase)
    assert result.code == 0, result.err


def test_enrol_prints_fingerprints_and_guards_keys(central: CentralEnv) -> None:
    device = central.enrol("dev-a")
    request = central.work / "dev-a-request.json"
    again = central.cli("enrol", central.folder, request, "--out", central.work / "again.json")
    assert again.code == 0
    assert "already enrolled" in again.out
    from earlyyears_desktop.sync.keys import fingerprint

    assert fingerprint(device.keys.signing_key_id) in again.out
    assert fingerprint(device.response.central_signing_key_id) in again.out

    other_keys = KeyPair.generate()
    from earlyyears_desktop.sync.enrolment_files import build_enrolment_request

    new_request = central.work / "new-request.json"
    new_request.write_bytes(
        build_enrolment_request(
            other_keys,
            device_id="dev-a",
            practitioner_name="P",
            team_name="North Team",
            now=datetime.now(UTC),
        )
    )
    refused = central.cli("enrol", central.folder, new_request, "--out", central.work / "x.json")
    assert refused.code == 1
    assert "--replace" in refused.err
    replaced = central.cli(
        "enrol", central.folder, new_request, "--out", central.work / "x.json", "--replace"
    )
    assert replaced.code == 0, replaced.err
    # The old keys no longer open the door.
    old = device.bundle(central.work, [record("child", "c1", legal_given_names="A")])
    assert central.cli("ingest", central.folder, old.path).code == 4


def test_enrolment_request_tampered_is_refused(central: CentralEnv) -> None:
    central.enrol("dev-a")
    request = central.work / "dev-a-request.json"
    doc = json.loads(request.read_text())
    doc["team_name"] = "Another Team"
    request.write_text(json.dumps(doc))
    result = central.cli("enrol", central.folder, request, "--out", central.work / "r.json")
    assert result.code == 4
    assert "bad-signature" in result.err


# --- ingest and the receiver policy -------------------------------------------------------------


def test_ingest_then_replay_changes_nothing(central: CentralEnv) -> None:
    device = central.enrol("dev-a")
    bundle = device.bundle(
        central.work,
        [
            record("child", "c1", legal_given_names=CHILD_NAME),
            record("observation", "o1", child_id="c1", text="Stacked four bricks."),
        ],
        extra={"audit_head": {"hash": "ab" * 32, "seq": 7}},
    )
    first = central.cli("ingest", central.folder, bundle.path)
    assert first.code == 0, first.err
    assert "2 new" in first.out
    assert CHILD_NAME not in first.out + first.err
    before = central.status()
    again = central.cli("ingest", central.folder, bundle.path)
    assert again.code == 0
    assert "already ingested, nothing changed" in again.out
    assert central.status() == before
    opened = central.open()
    try:
        with opened.engine.connect() as conn:
            head = conn.execute(select(models.accepted_bundles.c.audit_head)).scalar_one()
    finally:
        opened.close()
    assert json.loads(head) == {"hash": "ab" * 32, "seq": 7}


def test_higher_version_replaces_and_older_from_same_device_is_ignored(
    central: CentralEnv,
) -> None:
    device = central.enrol("dev-a")
    device.bundle(central.work, [record("child", "c1", 1, legal_given_names="One")])
    device.bundle(central.work, [record("child", "c1", 3, legal_given_names="Three")])
    b1 = device.bundle(central.work, [record("child", "c1", 2, legal_given_names="Two")])
    paths = sorted(central.work.glob("dev-a-*.eyb"))
    assert central.cli("ingest", central.folder, *paths).code == 0
    del b1
    version, source, data = _records(central)[("child", "c1")]
    assert (version, source, json.loads(data)) == (3, "dev-a", {"legal_given_names": "Three"})
    assert central.status()["conflicts"] == []


def test_rollback_and_forked_chain_are_refused(central: CentralEnv) -> None:
    device = central.enrol("dev-a")
    device.bundle(central.work, [record("child", "c1", legal_given_names="A")])
    second = device.bundle(central.work, [record("child", "c1", 2, legal_given_names="B")])
    assert (
        central.cli("ingest", central.folder, *sorted(central.work.glob("dev-a-*.eyb"))).code == 0
    )
    # A different bundle claiming to be sequence 1 (a restored backup, an old copy re-made).
    old = device.bundle(central.work, [record("child", "c1", 1, legal_given_names="Z")], sequence=1)
    result = central.cli("ingest", central.folder, old.path)
    assert result.code == 4
    assert "(rollback)" in result.err
    # Sequence 3 whose previous hash is not bundle 2's manifest: a forked history.
    forked = device.bundle(
        central.work,
        [record("child", "c1", 3, legal_given_names="F")],
        sequence=3,
        previous="0" * 64,
    )
    result = central.cli("ingest", central.folder, forked.path)
    assert result.code == 4
    assert "rollback" in result.err
    assert _records(central)[("child", "c1")][0] == 2
    codes = sorted(q["code"] for q in central.status()["quarantined"])  # type: ignore[index]
    assert codes == ["rollback", "rollback"]
    del second


def test_bundle_for_another_recipient_is_refused(central: CentralEnv) -> None:
    device = central.enrol("dev-a")
    stranger = KeyPair.generate()
    path = central.work / "elsewhere.eyb"
    write_bundle(
        path,
        kind="export",
        sender_id="dev-a",
        sender_signing_key=device.keys.signing,
        recipient_id=device.response.central_id,
        recipient_public_key=stranger.encryption_public_key,
        sequence=1,
        previous_bundle_sha256=None,
        records=[record("child", "c1", legal_given_names="A")],
    )
    result = central.cli("ingest", central.folder, path)
    assert result.code == 4
    assert "wrong-recipient" in result.err
    assert _records(central) == {}


def test_unknown_device_is_refused_and_quarantined(central: CentralEnv) -> None:
    known = central.enrol("dev-a")
    stranger = KeyPair.generate()
    path = central.work / "stranger.eyb"
    write_bundle(
        path,
        kind="export",
        sender_id="dev-x",
        sender_signing_key=stranger.signing,
        recipient_id=known.response.central_id,
        recipient_public_key=known.response.central_encryption_public_key,
        sequence=1,
        previous_bundle_sha256=None,
        records=[record("child", "c1", legal_given_names=CHILD_NAME)],
    )
    result = central.cli("ingest", central.folder, path)
    assert result.code == 4
    assert "unknown-sender" in result.err
    quarantined = central.status()["quarantined"]
    assert isinstance(quarantined, list) and len(quarantined) == 1
    entry = quarantined[0]
    assert entry["code"] == "unknown-sender"
    copy = central.folder / entry["file"]
    assert copy.read_bytes() == path.read_bytes()
    assert _records(central) == {}


def test_revoked_device_is_refused_and_told_so(central: CentralEnv) -> None:
    device = central.enrol("dev-a")
    first = device.bundle(central.work, [record("child", "c1", legal_given_names="A")])
    assert central.cli("ingest", central.folder, first.path).code == 0
    result = central.cli("revoke", central.folder, "dev-a", "--reason", "Laptop reported lost")
    assert result.code == 0, result.err
    later = device.bundle(central.work, [record("child", "c1", 2, legal_given_names="B")])
    refused = central.cli("ingest", central.folder, later.path)
    assert refused.code == 4
    assert "This device's enrolment was revoked" in refused.err
    assert _records(central)[("child", "c1")][0] == 1
    out = central.work / "returns"
    out.mkdir()
    ret = central.cli("return", central.folder, "--device", "dev-a", "--out", out)
    assert ret.code == 0, ret.err
    bundle = _open_return(Path(ret.out.strip()), device.keys, central)
    assert bundle.extra["revoked"] is True
    assert bundle.extra["revoked_reason"] == "Laptop reported lost"
    assert bundle.extra["acknowledged_sequences"] == [1]
    assert list(bundle.records()) == []
    status = central.status()
    assert status["devices"][0]["status"] == "revoked"  # type: ignore[index]
    assert status["quarantined"][0]["reason"] == REVOKED_REASON  # type: ignore[index]


def test_tampered_bundle_is_quarantined_and_the_next_is_ingested(central: CentralEnv) -> None:
    device = central.enrol("dev-a")
    good1 = device.bundle(central.work, [record("child", "c1", legal_given_names="A")])
    bad = central.work / "tampered.eyb"
    data = bytearray(good1.path.read_bytes())
    data[-200] ^= 0x01
    bad.write_bytes(bytes(data))
    good2 = device.bundle(central.work, [record("child", "c2", legal_given_names="B")])
    result = central.cli("ingest", central.folder, bad, good1.path, good2.path)
    assert result.code == 4
    assert "tampered" in result.err or "truncated" in result.err
    assert "ingested (device dev-a, sequence 1)" in result.out
    assert "ingested (device dev-a, sequence 2)" in result.out
    assert set(_records(central)) == {("child", "c1"), ("child", "c2")}
    status = central.status()
    assert len(status["quarantined"]) == 1  # type: ignore[arg-type]
    assert (central.folder / status["quarantined"][0]["file"]).is_file()  # type: ignore[index]


def test_gap_is_recorded_reported_and_filled(central: CentralEnv) -> None:
    device = central.enrol("dev-a")
    b1 = device.bundle(central.work, [record("child", "c1", legal_given_names="A")])
    b2 = device.bundle(central.work, [record("child", "c2", legal_given_names="B")])
    b3 = device.bundle(central.work, [record("child", "c3", legal_given_names="C")])
    assert central.cli("ingest", central.folder, b1.path).code == 0
    result = central.cli("ingest", central.folder, b3.path)
    assert result.code == 0, result.err
    assert "gap: sequence 2 not received yet" in result.out
    status = central.status()
    assert status["gaps"] == [{"device_id": "dev-a", "from": 2, "to": 2}]
    assert status["devices"][0]["acknowledged_through"] == 1  # type: ignore[index]
    # The missing bundle arrives late: its chain fits on both sides, so it is taken.
    filled = central.cli("ingest", central.folder, b2.path)
    assert filled.code == 0, filled.err
    assert "fills a gap" in filled.out
    status = central.status()
    assert status["gaps"] == []
    assert status["devices"][0]["acknowledged_through"] == 3  # type: ignore[index]


def without_quarantine(status: dict[str, object]) -> dict[str, object]:
    totals = status["totals"]
    assert isinstance(totals, dict)
    kept = {k: v for k, v in status.items() if k not in ("quarantined", "totals")}
    return {**kept, "totals": {k: v for k, v in totals.items() if "quarantin" not in k}}


@pytest.mark.parametrize("sequence", [10_000_000, 2**53 - 1])
def test_a_bundle_far_ahead_is_refused_and_records_no_gap(
    central: CentralEnv, sequence: int
) -> None:
    device = central.enrol("dev-a")
    b1 = device.bundle(central.work, [record("child", "c1", legal_given_names="A")])
    assert central.cli("ingest", central.folder, b1.path).code == 0
    # Signed with the device's real key: only the sequence rule can stop it.
    far = device.bundle(
        central.work,
        [record("child", "c2", legal_given_names="B")],
        sequence=sequence,
        previous="0" * 64,
    )
    before = central.status()
    result = central.cli("ingest", central.folder, far.path)
    assert result.code == 4, result.err
    assert result.out == "" and result.err.count("\n") == 1
    assert f"refused (too-far-ahead): This bundle's sequence number ({sequence})" in result.err
    assert f"at most {MAX_SEQUENCE_GAP} bundles may be missing" in result.err
    after = central.status()
    assert after["gaps"] == [] and after["quarantined"][0]["code"] == "too-far-ahead"  # type: ignore[index]
    assert without_quarantine(after) == without_quarantine(before)
    # The first bundle a device sends may not start far ahead either.
    other = central.enrol("dev-b")
    first = other.bundle(central.work, [], sequence=sequence, previous="0" * 64)
    assert central.cli("ingest", central.folder, first.path).code == 4
    assert central.status()["gaps"] == []


def test_a_gap_up_to_the_limit_is_one_range(central: CentralEnv) -> None:
    device = central.enrol("dev-a")
    b1 = device.bundle(central.work, [record("child", "c1", legal_given_names="A")])
    assert central.cli("ingest", central.folder, b1.path).code == 0
    last = MAX_SEQUENCE_GAP + 2
    far = device.bundle(central.work, [], sequence=last, previous="0" * 64)
    result = central.cli("ingest", central.folder, far.path)
    assert result.code == 0, result.err
    assert f"gap: sequence 2-{last - 1} not received yet" in result.out
    assert central.status()["gaps"] == [{"device_id": "dev-a", "from": 2, "to": last - 1}]


def test_conflicting_edits_are_both_kept(central: CentralEnv) -> None:
    a = central.enrol("dev-a")
    b = central.enrol("dev-b")
    base = record("child", "c1", 1, "dev-a", legal_given_names="Amélie")
    assert central.cli("ingest", central.folder, a.bundle(central.work, [base]).path).code == 0
    mine = record("child", "c1", 2, "dev-a", legal_given_names="Amélie-Rose")
    theirs = record("child", "c1", 2, "dev-b", legal_given_names="Amelie Rose")
    assert central.cli("ingest", central.folder, a.bundle(central.work, [mine]).path).code == 0
    result = central.cli("ingest", central.folder, b.bundle(central.work, [theirs]).path)
    assert result.code == 0, result.err
    assert "1 conflicts kept" in result.out
    version, source, data = _records(central)[("child", "c1")]
    assert (version, source) == (2, "dev-a")
    assert json.loads(data)["legal_given_names"] == "Amélie-Rose"
    conflicts = central.status()["conflicts"]
    assert conflicts == [
        {
            "bundle_id": conflicts[0]["bundle_id"],  # type: ignore[index]
            "entity": "child",
            "incoming_source": "dev-b",
            "incoming_version": 2,
            "kept_source": "dev-a",
            "kept_version": 2,
            "kind": "same-version",
            "record_id": "c1",
            "status": "open",
        }
    ]
    opened = central.open()
    try:
        with opened.engine.connect() as conn:
            kept = conn.execute(select(models.conflicts.c.incoming_data)).scalar_one()
    finally:
        opened.close()
    assert json.loads(kept)["legal_given_names"] == "Amelie Rose"
    assert "Amelie" not in json.dumps(central.status())


def test_two_devices_marking_the_same_child_are_kept_for_reconciling(
    central: CentralEnv,
) -> None:
    a = central.enrol("dev-a")
    b = central.enrol("dev-b")
    mark_a = record(
        "attendance",
        "att-a",
        1,
        "dev-a",
        session_id="s1",
        child_id="c1",
        status="present",
        recorded_by="p-1",
        recorded_at="2025-03-01T09:31:00.000000",
    )
    mark_b = record(
        "attendance",
        "att-b",
        1,
        "dev-b",
        session_id="s1",
        child_id="c1",
        status="late",
        recorded_by="p-2",
        recorded_at="2025-03-01T09:45:00.000000",
    )
    other = record("attendance", "att-c", 1, "dev-a", session_id="s1", child_id="c2")
    paths = [a.bundle(central.work, [mark_a, other]).path, b.bundle(central.work, [mark_b]).path]
    assert central.cli("ingest", central.folder, *paths).code == 0
    assert {k for k in _records(central)} == {
        ("attendance", "att-a"),
        ("attendance", "att-b"),
        ("attendance", "att-c"),
    }
    status = central.status()
    assert status["reconciliations"] == [
        {
            "entity": "attendance",
            "session_id": "s1",
            "child_id": "c1",
            "marks": [
                {
                    "record_id": "att-a",
                    "source": "dev-a",
                    "changed_by_device": "dev-a",
                    "recorded_by": "p-1",
                    "recorded_at": "2025-03-01T09:31:00.000000",
                },
                {
                    "record_id": "att-b",
                    "source": "dev-b",
                    "changed_by_device": "dev-b",
                    "recorded_by": "p-2",
                    "recorded_at": "2025-03-01T09:45:00.000000",
                },
            ],
        }
    ]
    text = central.cli("status", central.folder)
    assert "Attendance to reconcile: 1" in text.out
    # Device B corrects its mark to another child: nothing left to reconcile.
    moved = dict(mark_b, version=2, data={**mark_b["data"], "child_id": "c3"})  # type: ignore[dict-item]
    assert central.cli("ingest", central.folder, b.bundle(central.work, [moved]).path).code == 0
    assert central.status()["reconciliations"] == []


def test_status_json_is_stable(central: CentralEnv) -> None:
    a = central.enrol("dev-a")
    central.enrol("dev-b", team="South Team")
    a.bundle(central.work, [record("child", "c1", legal_given_names=CHILD_NAME)])
    a.bundle(central.work, [record("child", "c2", legal_given_names="B")])
    a.bundle(central.work, [record("child", "c3", legal_given_names="C")])
    paths = sorted(central.work.glob("dev-a-*.eyb"))
    central.cli("ingest", central.folder, paths[0], paths[2])
    first = central.cli("status", central.folder, "--json")
    second = central.cli("status", central.folder, "--json")
    assert first.code == second.code == 0
    assert first.out == second.out
    doc = json.loads(first.out)
    assert first.out == json.dumps(doc, sort_keys=True, indent=2, ensure_ascii=False) + "\n"
    assert [d["device_id"] for d in doc["devices"]] == ["dev-a", "dev-b"]
    assert doc["records"] == {"child": {"deleted": 0, "roster": 0, "total": 2}}
    assert CHILD_NAME not in first.out


# --- roster and return bundles ------------------------------------------------------------------

ROSTER = [
    {
        "entity": "child",
        "id": "0b5e2f43-5b63-4a43-9f0e-3d8c2a1e0001",
        "data": {
            "legal_given_names": "Siân",
            "legal_family_name": "Nováková",
            "preferred_name": "Siâni",
            "date_of_birth": "2022-05-17",
            "areas_of_need": "communication_and_interaction",
        },
    },
    {
        "entity": "carer",
        "data": {
            "child_id": "0b5e2f43-5b63-4a43-9f0e-3d8c2a1e0001",
            "name": "Zuzana Nováková",
            "relationship": "mother",
            "accessible_format": "large_print",
        },
    },
    {
        "entity": "consent",
        "data": {
            "child_id": "0b5e2f43-5b63-4a43-9f0e-3d8c2a1e0001",
            "kind": "share_with_central",
            "given_by": "Zuzana Nováková",
            "given_on": "2025-02-01",
        },
    },
    {"entity": "venue", "id": "venue-0001", "data": {"name": "St Aidan's Church Hall"}},
    {
        "entity": "group",
        "id": "group-0001",
        "data": {"name": "Little Owls", "venue_id": "venue-0001", "weekday": 1},
    },
    {"entity": "session", "data": {"group_id": "group-0001", "date": "2025-03-04"}},
    {
        "entity": "strategy",
        "data": {
            "title": "Now and next board",
            "try_at_home": "Show two pictures: what happens now, and what comes next.",
        },
    },
]


def test_roster_with_a_bad_record_loads_nothing(central: CentralEnv) -> None:
    bad = [*ROSTER[:3], {"entity": "carer", "data": {"child_id": ROSTER[0]["id"]}}]
    path = central.work / "roster.json"
    path.write_text(json.dumps(bad, ensure_ascii=False, indent=1), encoding="utf-8")
    result = central.cli("roster", central.folder, path)
    assert result.code == 1
    assert f"{path} line 31: field name: required" in result.err  # where record 4 starts
    assert "nothing was loaded" in result.err
    assert "Nováková" not in result.err
    assert _records(central) == {}
    for broken, expected in (
        ([{"entity": "dragon", "data": {}}], "field entity: must be one of"),
        (
            [
                {
                    "entity": "child",
                    "data": {
                        "legal_given_names": "A",
                        "legal_family_name": "B",
                        "date_of_birth": "17/05/2022",
                    },
                }
            ],
            "date_of_birth",
        ),
        ([{"entity": "carer", "data": {"child_id": "nobody", "name": "X"}}], "not known here"),
        ([{"entity": "venue", "data": {"name": "Hall", "colour": "red"}}], "no such field"),
        ({"entity": "venue"}, "JSON list"),
    ):
        path.write_text(json.dumps(broken), encoding="utf-8")
        result = central.cli("roster", central.folder, path)
        assert result.code == 1, broken
        assert expected in result.err, (expected, result.err)
    path.write_text('[{"entity": "venue", "data": {"name": "Hall", "capacity": 1.5}}]')
    assert central.cli("roster", central.folder, path).code == 1
    assert _records(central) == {}


def test_roster_goes_to_the_team_in_return_bundles(central: CentralEnv) -> None:
    north = central.enrol("dev-a", team="North Team")
    south = central.enrol("dev-s", team="South Team")
    path = central.work / "roster.json"
    path.write_text(json.dumps(ROSTER, ensure_ascii=False), encoding="utf-8")
    result = central.cli("roster", central.folder, path, "--team", "North Team")
    assert result.code == 0, result.err
    assert "7 new" in result.out
    strategies = central.work / "strategies.json"
    strategies.write_text(
        json.dumps(
            [{"entity": "strategy", "id": "strat-all", "data": {"title": "Objects of reference"}}]
        )
    )
    assert central.cli("roster", central.folder, strategies).code == 0
    stored = _records(central)
    child = json.loads(stored[("child", ROSTER[0]["id"])][2])  # type: ignore[index]
    assert child["search_key"].startswith("sian")
    assert child["status"] == "active" and child["deleted_at"] is None

    assert (
        central.cli(
            "ingest",
            central.folder,
            north.bundle(
                central.work,
                [record("observation", "o1", 1, "dev-a", child_id=ROSTER[0]["id"], text="Waved.")],
            ).path,
        ).code
        == 0
    )
    out = central.work / "out"
    out.mkdir()
    ret = central.cli("return", central.folder, "--device", "dev-a", "--out", out)
    assert ret.code == 0, ret.err
    bundle = _open_return(Path(ret.out.strip()), north.keys, central)
    entities = [r["entity"] for r in bundle.records()]
    assert entities == [
        "venue",
        "group",
        "strategy",
        "strategy",
        "child",
        "carer",
        "consent",
        "session",
    ]
    assert bundle.extra == {
        "acknowledged_sequences": [1],
        "acknowledged_through": 1,
        "not_accepted": [],
        "revoked": False,
        "revoked_reason": "",
        "accepted_entities": sorted(newest_announcement(synced_entity_types()) | {ERASURE}),
    }
    assert bundle.sequence == 1 and bundle.expires_at is not None
    from earlyyears_desktop.sync.records import decode_record

    for rec in bundle.records():
        decode_record(rec)  # what the device checks on import
    # The South team only gets what was for every team.
    ret_s = central.cli("return", central.folder, "--device", "dev-s", "--out", out)
    south_bundle = _open_return(Path(ret_s.out.strip()), south.keys, central)
    assert [r["id"] for r in south_bundle.records()] == ["strat-all"]
    # Nothing new: the next return bundle carries no records, and chains to the first.
    ret2 = central.cli("return", central.folder, "--device", "dev-a", "--out", out)
    second = _open_return(Path(ret2.out.strip()), north.keys, central)
    assert second.sequence == 2
    assert second.previous_bundle_sha256 == bundle.manifest_sha256
    assert list(second.records()) == []
    # An edit goes out once, with the next version.
    edited = [dict(ROSTER[3], data={"name": "St Aidan's Church Hall (side door)"})]
    path.write_text(json.dumps(edited), encoding="utf-8")
    assert "1 updated" in central.cli("roster", central.folder, path, "--team", "North Team").out
    ret3 = central.cli("return", central.folder, "--device", "dev-a", "--out", out)
    third = list(_open_return(Path(ret3.out.strip()), north.keys, central).records())
    assert [(r["id"], r["version"]) for r in third] == [("venue-0001", 2)]
    full = central.cli("return", central.folder, "--device", "dev-a", "--out", out, "--full")
    assert len(list(_open_return(Path(full.out.strip()), north.keys, central).records())) == 8


def test_device_edit_colliding_with_central_edit_is_kept(central: CentralEnv) -> None:
    device = central.enrol("dev-a")
    path = central.work / "roster.json"
    path.write_text(json.dumps([ROSTER[3]]), encoding="utf-8")
    assert central.cli("roster", central.folder, path).code == 0
    clash = record("venue", "venue-0001", 1, "dev-a", name="Church hall, Aidan St")
    result = central.cli("ingest", central.folder, device.bundle(central.work, [clash]).path)
    assert result.code == 0
    conflicts = central.status()["conflicts"]
    assert [c["kind"] for c in conflicts] == ["central-edit"]  # type: ignore[index,union-attr]
    assert json.loads(_records(central)[("venue", "venue-0001")][2])["name"] == (
        "St Aidan's Church Hall"
    )


# --- command line behaviour ----------------------------------------------------------------------


@pytest.mark.parametrize("backend", ["sqlite"], indirect=False)
def test_errors_are_one_line_with_codes(central: CentralEnv, tmp_path: Path) -> None:
    missing = central.cli("status", tmp_path / "nowhere")
    assert missing.code == 1 and missing.err.count("\n") == 1 and "Traceback" not in missing.err
    usage = central.cli("return", central.folder)
    assert usage.code == 2 and usage.err.count("\n") == 1
    assert central.cli().code == 2
    unknown = central.cli("return", central.folder, "--device", "nobody", "--out", tmp_path)
    assert unknown.code == 1 and "No device nobody" in unknown.err
    none = central.cli("ingest", central.folder, tmp_path / "absent.eyb")
    assert none.code == 1 and "no bundle file" in none.err
    assert central.cli("revoke", central.folder, "nobody").code == 1


@pytest.mark.postgres
def test_postgres_password_is_never_stored(
    tmp_path: Path,
    central_cli,
    postgres_server,
    monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
) -> None:
    url = postgres_server.new_database()
    with_password = url.replace("postgres@", "postgres:s3cret-word@")
    folder = tmp_path / "pg-central"
    result = central_cli("init", folder, "--db", with_password)
    assert result.code == 0, result.err  # trust authentication ignores the password
    text = (folder / "central.json").read_text()
    assert "s3cret-word" not in text
    assert json.loads(text)["database_url"] == url
    monkeypatch.setenv("EARLYYEARS_CENTRAL_DB_URL", with_password)
    assert central_cli("status", folder, "--json").code == 0


def test_post_quantum_suite_end_to_end(
    tmp_path: Path,
    db_url: str | None,
    central_cli,  # type: ignore[no-untyped-def]
) -> None:
    from earlyyears_desktop.sync.keys import CipherSuite

    folder = make_central(
        tmp_path / "pq-central",
        passphrase=PASSPHRASE,
        database_url=db_url,
        suite=CipherSuite.MLKEM768_X25519,
    )
    work = tmp_path / "work"
    work.mkdir()
    env = CentralEnv(folder, work, central_cli)

    device = env.enrol("dev-pq", keys=KeyPair.generate(CipherSuite.MLKEM768_X25519))
    bundle = device.bundle(work, [record("child", "c1", legal_given_names=CHILD_NAME)])
    assert central_cli("ingest", folder, bundle.path).code == 0
    out = work / "out"
    out.mkdir()
    ret = central_cli("return", folder, "--device", "dev-pq", "--out", out)
    assert ret.code == 0, ret.err
    back = _open_return(Path(ret.out.strip()), device.keys, env)
    assert back.extra["acknowledged_through"] == 1
