"""The device side of sync against a stand-in central service: real vaults, keys and files."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from earlyyears_desktop.domain.enums import ConsentKind
from earlyyears_desktop.domain.models import (
    MODEL_BY_ENTITY,
    AuditEvent,
    Carer,
    ChangeLogEntry,
    Child,
    Consent,
    SyncBundle,
    SyncConflict,
    VaultSetting,
)
from earlyyears_desktop.services.children import CarerInput, ChildInput
from earlyyears_desktop.services.container import Services
from earlyyears_desktop.sync.device import (
    KEEP_MINE,
    TAKE_CENTRAL,
    AlreadyEnrolled,
    DeviceRevoked,
    DeviceSync,
    NotEnrolled,
    NothingToExport,
)
from earlyyears_desktop.sync.enrolment_files import parse_enrolment_request
from earlyyears_desktop.sync.errors import BundleRefused, EnrolmentRefused
from earlyyears_desktop.sync.keys import KeyPair
from earlyyears_desktop.sync.records import decode_record, encode_record

from .conftest import TODAY, Central, add_child, enrol, now

# --- helpers ------------------------------------------------------------------------------------


def snapshot(services: Services) -> dict[str, object]:
    """Everything an import could change, to show that a refused one changed nothing."""
    with services.uow.read() as session:
        state: dict[str, object] = {}
        for entity, model in MODEL_BY_ENTITY.items():
            state[entity] = sorted((r.id, r.version) for r in session.scalars(select(model)))
        state["change_log"] = session.execute(
            select(ChangeLogEntry.seq, ChangeLogEntry.exported_seq, ChangeLogEntry.acknowledged)
        ).all()
        state["settings"] = sorted((s.key, s.value) for s in session.scalars(select(VaultSetting)))
        state["bundles"] = session.scalar(select(func.count()).select_from(SyncBundle))
        state["conflicts"] = session.scalar(select(func.count()).select_from(SyncConflict))
        state["audit"] = session.scalar(select(func.max(AuditEvent.seq)))
    return state


def child_record(services: Services, child_id: str) -> dict[str, object]:
    with services.uow.read() as session:
        child = session.get(Child, child_id)
        assert child is not None
        return encode_record(child)


def central_edit(record: dict[str, object], version: int, **data: object) -> dict[str, object]:
    changed = json.loads(json.dumps(record))
    changed["version"] = version
    changed["changed_by_device"] = "central"
    changed["data"].update(data)
    return changed


# --- enrolment ----------------------------------------------------------------------------------


def test_enrolment_stores_keys_once_and_shows_both_fingerprints(
    services: Services, central: Central, tmp_path: Path
) -> None:
    sync = DeviceSync(services)
    assert not sync.state().enrolled and sync.state().device is None
    first = sync.enrolment_request(tmp_path / "r1.json")
    second = sync.enrolment_request(tmp_path / "r2.json")
    assert first == second  # keys made once, kept in the vault
    request = parse_enrolment_request((tmp_path / "r1.json").read_bytes())
    assert request.team_name == "Riverside Portage Team"
    assert request.practitioner_name == "Sam Practitioner"
    assert request.signing_fingerprint == first.signing

    # A response answers the latest request only (enrolment_files: request_sha256).
    central.respond(tmp_path / "r2.json", tmp_path / "resp.json")
    result = sync.enrol(tmp_path / "resp.json")
    assert result.central.signing == central_fp(central)
    state = sync.state()
    assert state.enrolled and state.central_id == central.central_id
    assert state.device == first and state.central == result.central

    # Still there after locking and unlocking.
    from earlyyears_desktop.storage.vault import open_vault

    folder = services.vault.paths.folder
    services.vault.lock()
    reopened = Services(open_vault(folder, "correct horse battery staple"))
    try:
        assert DeviceSync(reopened).state() == state
    finally:
        reopened.vault.lock()


def central_fp(central: Central) -> str:
    from earlyyears_desktop.sync.keys import fingerprint

    return fingerprint(central.keys.signing_key_id)


def test_re_enrolment_needs_an_explicit_replace(
    services: Services, central: Central, tmp_path: Path
) -> None:
    sync = enrol(services, central, tmp_path)
    sync.enrol(tmp_path / "response.json")  # the same response again is harmless
    other = Central(keys=KeyPair.generate(), name="Another Council")
    other.respond(tmp_path / "request.json", tmp_path / "other.json")
    with pytest.raises(AlreadyEnrolled):
        sync.enrol(tmp_path / "other.json")
    assert sync.state().central_name == central.name
    result = sync.enrol(tmp_path / "other.json", replace=True)
    assert result.replaced and sync.state().central_name == "Another Council"


def test_response_for_another_device_is_refused(
    services: Services, central: Central, tmp_path: Path
) -> None:
    sync = DeviceSync(services)
    sync.enrolment_request(tmp_path / "mine.json")
    stranger = KeyPair.generate()
    from earlyyears_desktop.sync.enrolment_files import build_enrolment_request

    (tmp_path / "theirs.json").write_bytes(
        build_enrolment_request(
            stranger, device_id="someone-else", practitioner_name="X", team_name="Y", now=now()
        )
    )
    central.respond(tmp_path / "theirs.json", tmp_path / "resp.json")
    with pytest.raises(EnrolmentRefused) as refused:
        sync.enrol(tmp_path / "resp.json")
    assert refused.value.code == "wrong-device"
    assert not sync.state().enrolled


# --- export -------------------------------------------------------------------------------------


def test_export_refused_until_enrolled(services: Services, usb: Path) -> None:
    with pytest.raises(NotEnrolled):
        DeviceSync(services).export(usb)
    assert list(usb.iterdir()) == []


def test_export_round_trip_matches_the_database(
    demo: Services, central: Central, usb: Path, tmp_path: Path
) -> None:
    sync = enrol(demo, central, tmp_path)
    with demo.uow.read() as session:
        pending = session.execute(
            select(ChangeLogEntry.entity, ChangeLogEntry.record_id)
            .where(ChangeLogEntry.exported_seq.is_(None))
            .distinct()
        ).all()
        through = session.scalar(select(func.max(ChangeLogEntry.seq)))
    seen: list[tuple[int, int | None]] = []
    result = sync.export(usb, progress=lambda done, total: seen.append((done, total)))
    assert result.sequence == 1 and result.held_back == 0
    assert result.record_count == len(pending)
    assert seen and seen[-1] == (len(pending), len(pending))

    bundle = central.open_export(result.path)
    assert bundle.sequence == 1 and bundle.previous_bundle_sha256 is None
    assert bundle.extra["change_seq_through"] == through
    head = bundle.extra["audit_head"]
    assert isinstance(head, dict) and isinstance(head["seq"], int) and len(head["hash"]) == 64
    records = list(bundle.records())
    assert {(r["entity"], r["id"]) for r in records} == set(pending)
    with demo.uow.read() as session:
        for record in records:
            decoded = decode_record(record)
            row = session.get(decoded.model, decoded.id)
            assert row is not None
            # Nothing was ever accepted centrally yet: every change is based on no central copy.
            assert record["base_version"] is None
            assert encode_record(row) == {k: v for k, v in record.items() if k != "base_version"}
        # parents come before the records that point at them
        order = [r["entity"] for r in records]
        assert order.index("child") < order.index("carer") < order.index("attendance")
        assert (
            session.scalar(select(func.count()).where(ChangeLogEntry.exported_seq.is_(None))) == 0
        )
        row = session.get(SyncBundle, bundle.bundle_id)
        assert row is not None and row.direction == "export" and row.sequence == 1
        events = session.scalars(select(AuditEvent).where(AuditEvent.action == "export")).all()
        assert [e.record_id for e in events] == [bundle.bundle_id]

    with pytest.raises(NothingToExport, match="Nothing to export"):
        sync.export(usb)

    # The next bundle continues the hash chain.
    demo.children.update_child(
        records[0]["id"] if records[0]["entity"] == "child" else first_child(demo),
        ChildInput("Renamed", "Child", TODAY - dt.timedelta(days=800)),
    )
    second = sync.export(usb)
    assert second.sequence == 2 and second.record_count == 1
    opened = central.open_export(second.path)
    assert opened.previous_bundle_sha256 == bundle.manifest_sha256


def first_child(services: Services) -> str:
    with services.uow.read() as session:
        return str(session.scalar(select(Child.id).limit(1)))


def test_bundle_file_holds_no_plaintext_names(
    demo: Services, central: Central, usb: Path, tmp_path: Path
) -> None:
    sync = enrol(demo, central, tmp_path)
    result = sync.export(usb)
    data = result.path.read_bytes()
    with demo.uow.read() as session:
        names = {
            n
            for c in session.scalars(select(Child))
            for n in (c.legal_family_name, c.legal_given_names.split(" ")[0], c.nhs_number)
            if n and len(n) >= 4
        } | {c.name for c in session.scalars(select(Carer)) if len(c.name) >= 4}
    assert len(names) > 20
    for name in names:
        for encoding in ("utf-8", "utf-16-le", "utf-16-be"):
            assert name.encode(encoding) not in data, "a name is readable in the bundle"
    assert [p.name for p in usb.iterdir()] == [result.path.name]  # no temporary files left


def test_children_without_consent_are_held_back(
    demo: Services, central: Central, usb: Path, tmp_path: Path
) -> None:
    sync = enrol(demo, central, tmp_path)
    sync.export(usb)
    withdrawn = []
    with demo.uow.read() as session:
        consents = session.scalars(
            select(Consent)
            .where(Consent.kind == ConsentKind.SHARE_WITH_CENTRAL.value)
            .order_by(Consent.child_id)
            .limit(2)
        ).all()
    for consent in consents:
        demo.children.withdraw_consent(consent.id, TODAY)
        demo.children.add_carer(consent.child_id, CarerInput("Grandparent Carer"))
        withdrawn.append(consent.child_id)
    new_child = add_child(demo, "Nobody", "Consented", consent=False)
    consenting_child = add_child(demo, "Happy", "Sharer")

    result = sync.export(usb)
    assert result.held_back_children == 3
    assert "Records of 3 children were held back: no consent to share" in result.message
    bundle = central.open_export(result.path)
    records = list(bundle.records())
    # Consent records go anyway, so the central service learns of the withdrawal.
    sent_consents = {r["data"]["child_id"] for r in records if r["entity"] == "consent"}
    assert set(withdrawn) <= sent_consents
    children_sent = {r["id"] for r in records if r["entity"] == "child"}
    carers_sent = {r["data"]["child_id"] for r in records if r["entity"] == "carer"}
    assert consenting_child in children_sent and consenting_child in carers_sent
    assert new_child not in children_sent and new_child not in carers_sent
    # Held-back changes stay pending; everything else is marked exported.
    with demo.uow.read() as session:
        waiting = session.execute(
            select(ChangeLogEntry.entity, ChangeLogEntry.record_id).where(
                ChangeLogEntry.exported_seq.is_(None)
            )
        ).all()
    assert {e for e, _ in waiting} == {"child", "carer"}
    assert [r for e, r in waiting if e == "child"] == [new_child]
    assert len([r for e, r in waiting if e == "carer"]) == 3

    with pytest.raises(NothingToExport, match="3 children were held back"):
        sync.export(usb)
    # Once consent is recorded, the waiting records go in the next bundle.
    demo.children.record_consent(new_child, ConsentKind.SHARE_WITH_CENTRAL.value, "A Carer", TODAY)
    later = sync.export(usb)
    assert later.held_back_children == 2
    sent = {(r["entity"], r["id"]) for r in central.open_export(later.path).records()}
    assert ("child", new_child) in sent


def test_export_again_resends_unacknowledged_changes(
    services: Services, central: Central, usb: Path, tmp_path: Path
) -> None:
    sync = enrol(services, central, tmp_path)
    child = add_child(services, "Lost", "Stick")
    first = sync.export(usb)
    first.path.unlink()  # the USB stick was lost
    other = add_child(services, "Second", "Child")
    plain = sync.export(usb)
    plain_ids = {r["id"] for r in central.open_export(plain.path).records()}
    assert other in plain_ids and child not in plain_ids

    add_child(services, "Third", "Child")
    again = sync.export(usb, again=True)
    again_ids = {r["id"] for r in central.open_export(again.path).records()}
    assert {child, other} <= again_ids
    assert again.sequence == 3
    # After central acknowledges bundle 3, nothing is left to send again.
    central.return_bundle(tmp_path / "ret.eyb", acknowledged=[3], through=0)
    sync.import_return(tmp_path / "ret.eyb")
    with pytest.raises(NothingToExport):
        sync.export(usb, again=True)


def test_cancelled_export_leaves_nothing(
    services: Services, central: Central, usb: Path, tmp_path: Path
) -> None:
    from earlyyears_desktop.sync.errors import BundleCancelled

    sync = enrol(services, central, tmp_path)
    add_child(services, "Cancel", "Me")
    before = snapshot(services)
    with pytest.raises(BundleCancelled):
        sync.export(usb, cancelled=lambda: True)
    assert list(usb.iterdir()) == []
    assert snapshot(services) == before


# --- import -------------------------------------------------------------------------------------


def test_return_bundle_applies_roster_and_acknowledgements(
    services: Services, central: Central, usb: Path, tmp_path: Path
) -> None:
    sync = enrol(services, central, tmp_path)
    mine = add_child(services, "Local", "Child")
    exported = sync.export(usb)
    assert exported.sequence == 1

    # A referral made centrally: a new child with a carer, and an update to ours.
    local = child_record(services, mine)
    newer = central_edit(local, 5, key_person="Key Person From Central")
    referral = central_edit(local, 2, legal_given_names="Referred", legal_family_name="Child")
    referral["id"] = "0b9a7c1e-0000-4000-8000-000000000001"
    referral["data"]["search_key"] = "referred child"
    carer = {
        "entity": "carer",
        "id": "0b9a7c1e-0000-4000-8000-000000000002",
        "version": 1,
        "deleted": False,
        "changed_by_device": "central",
        "data": {
            "child_id": referral["id"],
            "name": "Referral Carer",
            "relationship": "Parent",
            "phone": "",
            "email": "",
            "preferred_language": "English",
            "interpreter_needed": False,
            "accessible_format": "large_print",
            "is_main_contact": True,
            "created_at": "2026-11-20T10:00:00.000000",
            "updated_at": "2026-11-20T10:00:00.000000",
            "deleted_at": None,
        },
    }
    # The carer comes first: foreign keys are checked at the end, not record by record.
    central.return_bundle(
        tmp_path / "ret.eyb", [carer, referral, newer], acknowledged=[1], through=1
    )
    result = sync.import_return(tmp_path / "ret.eyb")
    assert (result.inserted, result.updated, result.conflicts) == (2, 1, 0)
    assert result.acknowledged > 0
    assert "2 new, 1 updated" in result.message
    assert result.changes.ids("child") == {referral["id"], mine}
    with services.uow.read() as session:
        ours = session.get(Child, mine)
        assert ours is not None and ours.version == 5 and ours.key_person.startswith("Key")
        assert ours.changed_by_device == "central"
        theirs = session.get(Child, referral["id"])
        assert theirs is not None and theirs.version == 2
        assert encode_record(theirs) == referral
        assert (
            session.scalar(select(func.count()).where(ChangeLogEntry.acknowledged.is_(False))) == 0
        )
        # Applied records are audited but not queued to go back.
        assert (
            session.scalar(select(func.count()).where(ChangeLogEntry.record_id == referral["id"]))
            == 0
        )
        actions = set(session.scalars(select(AuditEvent.action)))
        assert {"sync-create", "sync-update", "import"} <= actions
        row = session.get(SyncBundle, result.bundle_id)
        assert row is not None and row.direction == "return"
    assert sync.unsynced_count() == 0
    assert [h.direction for h in sync.history()] == ["return", "export"]


def test_older_version_never_overwrites(
    services: Services, central: Central, tmp_path: Path
) -> None:
    sync = enrol(services, central, tmp_path)
    mine = add_child(services, "Local", "Child")
    services.children.update_child(mine, ChildInput("Local", "Twice", TODAY - dt.timedelta(600)))
    sync.export(tmp_path)
    central.return_bundle(tmp_path / "r.eyb", acknowledged=[1])
    sync.import_return(tmp_path / "r.eyb")
    stale = central_edit(child_record(services, mine), 1, legal_family_name="Old")
    central.return_bundle(tmp_path / "r2.eyb", [stale])
    result = sync.import_return(tmp_path / "r2.eyb")
    assert result.unchanged == 1 and result.applied == 0
    assert child_record(services, mine)["data"]["legal_family_name"] == "Twice"


def test_invalid_last_record_changes_nothing(
    services: Services, central: Central, tmp_path: Path
) -> None:
    sync = enrol(services, central, tmp_path)
    mine = add_child(services, "Local", "Child")
    sync.export(tmp_path)
    good = central_edit(child_record(services, mine), 7, key_person="Changed")
    bad = central_edit(child_record(services, mine), 8)
    bad["id"] = "0b9a7c1e-0000-4000-8000-00000000000f"
    bad["data"]["favourite_colour"] = "blue"
    central.return_bundle(tmp_path / "bad.eyb", [good, bad], acknowledged=[1], revoked=True)
    before = snapshot(services)
    with pytest.raises(BundleRefused) as refused:
        sync.import_return(tmp_path / "bad.eyb")
    assert refused.value.code == "bad-payload"
    assert "favourite_colour" in refused.value.reason and "blue" not in refused.value.reason
    assert snapshot(services) == before


@pytest.mark.parametrize(
    "mutate",
    [
        lambda r: r["data"].update(date_of_birth="2024-13-01"),
        lambda r: r["data"].update(date_of_birth="1 May 2024"),
        lambda r: r["data"].update(legal_family_name=None),
        lambda r: r["data"].update(legal_family_name="x" * 201),
        lambda r: r["data"].pop("status"),
        lambda r: r.update(version=0),
        lambda r: r.update(deleted=True),
        lambda r: r.update(entity="observation"),
        lambda r: r.update(entity="spaceship"),
        lambda r: r.update(extra=1),
    ],
)
def test_record_checks(
    services: Services, central: Central, tmp_path: Path, mutate: object
) -> None:
    sync = enrol(services, central, tmp_path)
    mine = add_child(services, "Local", "Child")
    record = central_edit(child_record(services, mine), 9)
    mutate(record)  # type: ignore[operator]
    central.return_bundle(tmp_path / "bad.eyb", [record])
    before = snapshot(services)
    with pytest.raises(BundleRefused) as refused:
        sync.import_return(tmp_path / "bad.eyb")
    assert refused.value.code == "bad-payload"
    assert snapshot(services) == before


def test_replay_is_a_no_op(services: Services, central: Central, tmp_path: Path) -> None:
    sync = enrol(services, central, tmp_path)
    mine = add_child(services, "Local", "Child")
    sync.export(tmp_path)
    record = central_edit(child_record(services, mine), 3, key_person="Once")
    central.return_bundle(tmp_path / "r.eyb", [record], acknowledged=[1])
    assert sync.import_return(tmp_path / "r.eyb").updated == 1
    before = snapshot(services)
    again = sync.import_return(tmp_path / "r.eyb")
    assert again.replayed and "already imported" in again.message
    assert snapshot(services) == before


def test_rollback_and_forked_chain_are_refused(
    services: Services, central: Central, tmp_path: Path
) -> None:
    sync = enrol(services, central, tmp_path)
    central.return_bundle(tmp_path / "1.eyb")
    central.return_bundle(tmp_path / "2.eyb")
    sync.import_return(tmp_path / "1.eyb")
    sync.import_return(tmp_path / "2.eyb")
    # An older bundle with another manifest (a second "bundle 1").
    central.return_bundle(tmp_path / "old.eyb", sequence=1)
    before = snapshot(services)
    with pytest.raises(BundleRefused) as refused:
        sync.import_return(tmp_path / "old.eyb")
    assert refused.value.code == "rollback"
    # The right sequence number, but not following the bundle imported before it.
    central.return_bundle(tmp_path / "fork.eyb", sequence=3, previous="ab" * 32)
    with pytest.raises(BundleRefused) as forked:
        sync.import_return(tmp_path / "fork.eyb")
    assert forked.value.code == "rollback"
    assert snapshot(services) == before
    # Replaying the one already imported is still fine.
    assert sync.import_return(tmp_path / "1.eyb").replayed


def test_gap_is_imported_and_recorded(services: Services, central: Central, tmp_path: Path) -> None:
    sync = enrol(services, central, tmp_path)
    central.return_bundle(tmp_path / "1.eyb")
    central.return_bundle(tmp_path / "2.eyb")  # lost
    central.return_bundle(tmp_path / "3.eyb")
    sync.import_return(tmp_path / "1.eyb")
    result = sync.import_return(tmp_path / "3.eyb")
    assert result.missing == (2, 2)
    assert "2 never arrived" in result.message
    with pytest.raises(BundleRefused) as refused:
        sync.import_return(tmp_path / "2.eyb")  # never an older over a newer
    assert refused.value.code == "rollback"


def test_expired_wrong_recipient_and_unknown_sender_are_refused(
    services: Services, central: Central, tmp_path: Path
) -> None:
    sync = enrol(services, central, tmp_path)
    before = snapshot(services)
    central.return_bundle(
        tmp_path / "expired.eyb", expires_at=now() - dt.timedelta(minutes=1), sequence=1
    )
    other_device = KeyPair.generate()
    central.return_bundle(
        tmp_path / "wrong.eyb", recipient_key=other_device.encryption_public_key, sequence=1
    )
    central.return_bundle(tmp_path / "misaddressed.eyb", recipient_id="another-device", sequence=1)
    central.return_bundle(tmp_path / "stranger.eyb", signing_keys=KeyPair.generate(), sequence=1)
    for name, code in [
        ("expired", "expired"),
        ("wrong", "wrong-recipient"),
        ("misaddressed", "wrong-recipient"),
        ("stranger", "unknown-sender"),
    ]:
        with pytest.raises(BundleRefused) as refused:
            sync.import_return(tmp_path / f"{name}.eyb")
        assert refused.value.code == code, name
    assert snapshot(services) == before


def test_an_export_bundle_is_not_a_return_bundle(
    services: Services, central: Central, tmp_path: Path
) -> None:
    sync = enrol(services, central, tmp_path)
    add_child(services, "A", "Child")
    exported = sync.export(tmp_path)
    with pytest.raises(BundleRefused) as refused:
        sync.import_return(exported.path)
    assert refused.value.code == "wrong-kind"


# --- conflicts ----------------------------------------------------------------------------------


def make_conflict(services: Services, central: Central, tmp_path: Path) -> tuple[DeviceSync, str]:
    sync = enrol(services, central, tmp_path)
    mine = add_child(services, "Maya", "Conflict")
    sync.export(tmp_path)
    central.return_bundle(tmp_path / "ack.eyb", acknowledged=[1])
    sync.import_return(tmp_path / "ack.eyb")
    base = child_record(services, mine)
    # Changed here (pending) ...
    services.children.update_child(
        mine, ChildInput("Maya", "Conflict", TODAY - dt.timedelta(days=900), key_person="Here")
    )
    # ... and centrally.
    theirs = central_edit(base, 3, key_person="Central", setting_attended="Nursery")
    central.return_bundle(tmp_path / "c.eyb", [theirs])
    result = sync.import_return(tmp_path / "c.eyb")
    assert result.conflicts == 1 and result.updated == 0
    assert child_record(services, mine)["data"]["key_person"] == "Here"
    return sync, mine


def test_conflict_is_kept_and_keep_mine_sends_ours(
    services: Services, central: Central, tmp_path: Path
) -> None:
    sync, mine = make_conflict(services, central, tmp_path)
    [conflict] = sync.conflicts()
    assert conflict.label == "Maya Conflict"
    assert conflict.entity == "child" and conflict.record_id == mine
    assert (conflict.local_version, conflict.central_version) == (2, 3)
    assert conflict.fields == ("key_person", "setting_attended")

    sync.resolve_conflict(conflict.id, KEEP_MINE)
    assert sync.conflicts() == []
    record = child_record(services, mine)
    assert record["data"]["key_person"] == "Here" and record["version"] == 4
    sent = list(central.open_export(sync.export(tmp_path).path).records())
    assert [(r["id"], r["version"]) for r in sent] == [(mine, 4)]
    with services.uow.read() as session:
        assert (
            session.scalar(select(func.count()).where(AuditEvent.action == "conflict-keep-mine"))
            == 1
        )


def test_conflict_take_central_supersedes_the_local_change(
    services: Services, central: Central, tmp_path: Path
) -> None:
    sync, mine = make_conflict(services, central, tmp_path)
    [conflict] = sync.conflicts()
    changes = sync.resolve_conflict(conflict.id, TAKE_CENTRAL)
    assert changes.ids("child") == {mine}
    record = child_record(services, mine)
    assert record["data"]["key_person"] == "Central" and record["version"] == 3
    assert sync.conflicts() == [] and len(sync.conflicts(include_resolved=True)) == 1
    with pytest.raises(NothingToExport):
        sync.export(tmp_path, again=True)  # the superseded change is not sent
    with services.uow.read() as session:
        assert (
            session.scalar(select(func.count()).where(AuditEvent.action == "conflict-take-central"))
            == 1
        )


# --- revocation ---------------------------------------------------------------------------------


def test_revoked_device_stops_exporting(
    services: Services, central: Central, usb: Path, tmp_path: Path
) -> None:
    sync = enrol(services, central, tmp_path)
    add_child(services, "Still", "Here")
    central.return_bundle(tmp_path / "rev.eyb", revoked=True, reason="laptop reported stolen")
    result = sync.import_return(tmp_path / "rev.eyb")
    assert result.revoked and "laptop reported stolen" in result.message
    assert sync.state().revoked
    with pytest.raises(DeviceRevoked) as refused:
        sync.export(usb)
    assert refused.value.message == (
        "This device's enrolment was revoked by the central service: laptop reported stolen. "
        "Ask your administrator to enrol it again."
    )
    assert list(usb.iterdir()) == []
    # Enrolling again (an explicit new response) lifts it.
    sync.enrol(tmp_path / "response.json")
    assert not sync.state().revoked
    assert sync.export(usb).record_count > 0


def test_large_return_bundle_in_batches_with_repeated_records(
    services: Services, central: Central, tmp_path: Path
) -> None:
    sync = enrol(services, central, tmp_path)
    mine = add_child(services, "Local", "Child")
    sync.export(tmp_path)
    base = child_record(services, mine)
    children = []
    for i in range(1_100):  # more than one batch of 500
        record = central_edit(base, 1, legal_given_names=f"Referral {i}")
        record["id"] = f"0b9a7c1e-0000-4000-8000-{i:012d}"
        children.append(record)
    # The same record twice in one bundle: the later, newer copy wins.
    children.append(central_edit(children[3], 2, key_person="Second copy"))
    central.return_bundle(tmp_path / "big.eyb", children, acknowledged=[1])
    result = sync.import_return(tmp_path / "big.eyb")
    assert (result.inserted, result.updated, result.conflicts) == (1_100, 1, 0)
    assert child_record(services, children[3]["id"])["data"]["key_person"] == "Second copy"
    with services.uow.read() as session:
        assert session.scalar(select(func.count()).select_from(Child)) == 1_101
