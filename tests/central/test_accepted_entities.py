"""A new entity type must not break a central service that does not accept it yet.

A real central service (SQLCipher file or PostgreSQL) is configured, in its central.json, to
lack one entity type; a real device vault holds records of it. The device holds them back,
counted and said, and sends them once a return bundle announces the type
(docs/bundle-format.md section 14).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import select

from earlyyears_desktop.central import models
from earlyyears_desktop.central.errors import CentralError
from earlyyears_desktop.central.folder import CentralFolder, open_central
from earlyyears_desktop.central.ingest import ingest_bundle
from earlyyears_desktop.central.registry import enrol_device
from earlyyears_desktop.central.returns import write_return
from earlyyears_desktop.central.roster import check_roster, load_roster
from earlyyears_desktop.central.schema import SCHEMA_VERSION
from earlyyears_desktop.domain.enums import ConsentKind
from earlyyears_desktop.domain.models import Strategy
from earlyyears_desktop.services.children import CarerInput, ChildInput
from earlyyears_desktop.services.container import Services, set_up_vault
from earlyyears_desktop.services.observations import ObservationInput
from earlyyears_desktop.storage.keyslots import KdfParams
from earlyyears_desktop.sync.bundle import TrustedSender, open_bundle
from earlyyears_desktop.sync.device import DeviceSync, ImportResult, NothingToExport
from earlyyears_desktop.sync.entity_types import (
    FORMAT_1_ENTITY_TYPES,
    newest_announcement,
    synced_entity_types,
)
from earlyyears_desktop.sync.erasure_instructions import ERASURE
from earlyyears_desktop.sync.keys import KeyPair, key_id

from ..fast_vaults import make_central
from .conftest import PASSPHRASE, CentralEnv, record

TODAY = dt.date(2026, 11, 25)
LACKING = "observation"
#: every type at its newest schema revision but observations
WITHOUT_LACKING = newest_announcement(synced_entity_types()) - {LACKING, f"{LACKING}@2"}


def narrow(folder: Path, accepted: set[str] | None) -> None:
    """What an administrator does: central.json names the types the service accepts."""
    config_path = folder / "central.json"
    doc = json.loads(config_path.read_text("utf-8"))
    doc.pop("accepted_entities", None)
    if accepted is not None:
        doc["accepted_entities"] = sorted(accepted)
    config_path.write_text(json.dumps(doc, indent=2, sort_keys=True) + "\n", "utf-8")


@dataclass
class Loop:
    tmp: Path
    services: Services
    sync: DeviceSync
    folder: Path
    central: CentralFolder
    keys: KeyPair

    def reopen_central(self) -> None:
        self.central.close()
        self.central = open_central(self.folder, PASSPHRASE)
        self.keys = self.central.unlock(PASSPHRASE)

    def export(self) -> Path:
        usb = self.tmp / "usb"
        usb.mkdir(exist_ok=True)
        return self.sync.export(usb).path

    def give_back(self) -> ImportResult:
        out = self.tmp / "returns"
        out.mkdir(exist_ok=True)
        written = write_return(self.central, self.keys, self.services.vault.device_id, out)
        return self.sync.import_return(written.path)

    def central_ids(self, entity: str) -> set[str]:
        r = models.records.c
        with self.central.engine.connect() as conn:
            return set(conn.scalars(select(r.record_id).where(r.entity == entity)))


def add_child_with_observation(services: Services, given: str) -> str:
    saved = services.children.create_child(
        ChildInput(given, "Example", TODAY - dt.timedelta(days=900)),
        carers=[CarerInput("A Carer", relationship="Parent")],
        consents=[(ConsentKind.SHARE_WITH_CENTRAL.value, "A Carer", TODAY - dt.timedelta(days=9))],
    )
    services.observations.add(
        ObservationInput(child_id=saved.id, text=f"{given} stacked three bricks", observed_on=TODAY)
    )
    return saved.id


@pytest.fixture
def loop(tmp_path: Path, db_url: str | None) -> Iterator[Loop]:
    created = set_up_vault(
        tmp_path / "vault",
        team_name="Riverside Portage Team",
        practitioner_name="Sam Practitioner",
        role="portage_worker",
        passphrase="correct horse battery staple",
        params=KdfParams.for_tests(),
    )
    services = Services(created.vault, today=lambda: TODAY)
    folder = tmp_path / "central"
    make_central(folder, passphrase=PASSPHRASE, name="Test County", database_url=db_url)
    # This central service does not accept observations yet.
    narrow(folder, set(WITHOUT_LACKING))
    central = open_central(folder, PASSPHRASE)
    here = Loop(
        tmp_path, services, DeviceSync(services), folder, central, central.unlock(PASSPHRASE)
    )
    request = tmp_path / "request.json"
    here.sync.enrolment_request(request)
    response = tmp_path / "response.json"
    response.write_bytes(enrol_device(central, here.keys, request.read_bytes()).response)
    here.sync.enrol(response)
    try:
        yield here
    finally:
        services.vault.lock()
        here.central.close()


def test_records_of_a_type_not_accepted_are_held_back_then_sent(loop: Loop) -> None:
    child_id = add_child_with_observation(loop.services, "Robin")

    # The enrolment response announced the types: observations wait, the rest goes.
    usb = loop.tmp / "usb"
    usb.mkdir()
    first = loop.sync.export(usb)
    assert dict(first.held_back_types) == {LACKING: 1}
    assert (
        "1 record of 1 kind is held back until the central service accepts it: observations."
        in first.message
    )
    ingested = ingest_bundle(loop.central, loop.keys, first.path)
    assert ingested.outcome == "ingested", ingested.line()
    assert LACKING not in ingested.per_entity and child_id in loop.central_ids("child")
    assert loop.central_ids(LACKING) == set()

    # Held back, not lost: counted and said, and not marked exported.
    assert loop.sync.held_back_types() == {LACKING: 1}
    summary = loop.sync.summary()
    assert summary.held_back_types_message.startswith("1 record of 1 kind is held back")
    with pytest.raises(NothingToExport) as nothing:
        loop.sync.export(usb)
    assert "held back until the central service accepts it: observations" in str(
        nothing.value.message
    )

    # A return bundle that still lacks the type changes nothing.
    assert loop.give_back().now_accepted == ()
    assert loop.sync.held_back_types() == {LACKING: 1}

    # The service is upgraded to accept observations; its next return bundle says so.
    narrow(loop.folder, None)
    loop.reopen_central()
    imported = loop.give_back()
    assert imported.now_accepted == (LACKING,)
    assert "now accepts observations" in imported.message
    assert loop.sync.held_back_types() == {}

    second = loop.sync.export(usb)
    assert second.held_back_types == ()
    assert second.record_count == 1
    ingested = ingest_bundle(loop.central, loop.keys, second.path)
    assert ingested.outcome == "ingested", ingested.line()
    assert ingested.per_entity == {LACKING: 1}
    assert len(loop.central_ids(LACKING)) == 1


def test_a_central_service_refuses_a_type_it_does_not_accept(central: CentralEnv) -> None:
    # What would happen without the hold-back: the whole bundle is refused, nothing stored.
    narrow(central.folder, set(synced_entity_types()) - {LACKING})
    device = central.enrol("dev-a")
    bundle = device.bundle(
        central.work,
        [
            record("child", "c1", legal_given_names="Sam"),
            record(LACKING, "o1", child_id="c1", text="stacked three bricks"),
            record("dragon\nInjected line", "d1"),
        ],
    )
    result = central.cli("ingest", central.folder, bundle.path)
    assert result.code == 4
    assert "does not accept: (unnamed), observation." in result.out + result.err
    assert "Injected" not in result.out + result.err
    assert central.status()["records"] == {}


def test_the_enrolment_response_and_every_return_bundle_announce_the_types(
    loop: Loop,
) -> None:
    # and `erasure`: it carries out erasure instructions whatever it narrows (8.3)
    accepted = sorted(WITHOUT_LACKING | {ERASURE})
    response = json.loads((loop.tmp / "response.json").read_text("utf-8"))
    assert response["accepted_entities"] == accepted
    out = loop.tmp / "returns"
    out.mkdir()
    written = write_return(loop.central, loop.keys, loop.services.vault.device_id, out)
    keys = loop.sync.device_keys()
    assert keys is not None
    signing = loop.central.config.signing_public_key
    with open_bundle(
        written.path,
        trusted_senders={key_id(signing): TrustedSender(loop.central.config.central_id, signing)},
        recipient_private_key=keys.encryption,
        expected_kind="return",
        now=dt.datetime.now(dt.UTC),
    ) as bundle:
        assert bundle.extra["accepted_entities"] == accepted


def test_a_narrowed_central_json_must_name_known_types_and_revisions(tmp_path: Path) -> None:
    folder = make_central(tmp_path / "central", passphrase=PASSPHRASE)
    narrow(folder, {"child", "dragon"})
    with pytest.raises(CentralError, match="does not know: dragon"):
        open_central(folder, PASSPHRASE)
    narrow(folder, {"child", "observation@3"})  # this software knows schema 2 at most
    with pytest.raises(CentralError, match="does not know: observation@3"):
        open_central(folder, PASSPHRASE)


# --- schema revisions (docs/bundle-format.md 14.3) ----------------------------------------------

STRATEGY_ID = "strategy-objects-of-reference"
#: the store's part is the same SQL on both backends; PostgreSQL is exercised by the
#: return-bundle test, which writes the device's announcement
SQLITE_ONLY = pytest.mark.parametrize("backend", ["sqlite"])


def observation_data(loop: Loop) -> dict[str, object]:
    r = models.records.c
    with loop.central.engine.connect() as conn:
        text = conn.scalar(select(r.data).where(r.entity == LACKING))
    value = json.loads(text)
    assert isinstance(value, dict)
    return value


@SQLITE_ONLY
def test_a_schema_revision_not_announced_is_held_back_then_sent(loop: Loop) -> None:
    # A central service that announces the names of format version 1, without `@2`
    # (as one of revision 1.1 does): observations now carry the time of day (schema 2).
    narrow(loop.folder, set(FORMAT_1_ENTITY_TYPES))
    loop.reopen_central()
    loop.give_back()
    child_id = add_child_with_observation(loop.services, "Robin")
    first = loop.sync.export(loop.tmp)
    assert dict(first.held_back_types) == {LACKING: 1}
    assert "held back until the central service accepts it: observations." in first.message
    assert ingest_bundle(loop.central, loop.keys, first.path).outcome == "ingested"
    assert child_id in loop.central_ids("child") and loop.central_ids(LACKING) == set()
    assert loop.sync.held_back_types() == {LACKING: 1}

    narrow(loop.folder, {*FORMAT_1_ENTITY_TYPES, "observation@2"})
    loop.reopen_central()
    assert loop.give_back().now_accepted == (LACKING,)
    second = loop.sync.export(loop.tmp)
    assert second.held_back_types == () and second.record_count == 1
    assert ingest_bundle(loop.central, loop.keys, second.path).per_entity == {LACKING: 1}
    assert "observed_at" in observation_data(loop)


@SQLITE_ONLY
def test_a_central_service_refuses_a_schema_revision_it_does_not_accept(
    central: CentralEnv,
) -> None:
    narrow(central.folder, set(FORMAT_1_ENTITY_TYPES))
    device = central.enrol("dev-a")
    bundle = device.bundle(
        central.work,
        [record(LACKING, "o1", child_id="c1", text="stacked bricks", observed_at="09:30:00")],
    )
    result = central.cli("ingest", central.folder, bundle.path)
    assert result.code == 4
    assert "observation records of a schema revision" in result.out + result.err
    assert central.status()["records"] == {}


def test_return_records_are_written_to_the_revision_the_device_reads(loop: Loop) -> None:
    items = check_roster(
        [
            {
                "entity": "strategy",
                "id": STRATEGY_ID,
                "data": {"title": "Objects of reference", "tags": "routines"},
            }
        ]
    )
    load_roster(loop.central, items, team=None)
    # The device has said nothing yet (no export): schema 1, without tags.
    loop.give_back()
    assert strategy_here(loop) == ("Objects of reference", "")
    # Its export says it reads strategy@2; the next return bundle sends the roster again.
    add_child_with_observation(loop.services, "Robin")
    assert ingest_bundle(loop.central, loop.keys, loop.export()).outcome == "ingested"
    assert loop.give_back().updated == 1
    assert strategy_here(loop) == ("Objects of reference", "routines")


@SQLITE_ONLY
def test_a_schema_1_edit_keeps_the_members_its_writer_did_not_know(central: CentralEnv) -> None:
    roster = central.work / "strategies.json"
    roster.write_text(
        json.dumps(
            [
                {
                    "entity": "strategy",
                    "id": STRATEGY_ID,
                    "data": {"title": "Objects", "tags": "routines"},
                }
            ]
        )
    )
    assert central.cli("roster", central.folder, roster).code == 0
    stored = stored_data(central, "strategy", STRATEGY_ID)
    old_device = central.enrol("dev-a")  # revision 1.1: writes strategy at schema 1
    edited = record("strategy", STRATEGY_ID, 2, **{k: v for k, v in stored.items() if k != "tags"})
    edited["data"]["title"] = "Objects of reference"  # type: ignore[index]
    edited["base_version"] = 1
    result = central.cli("ingest", central.folder, old_device.bundle(central.work, [edited]).path)
    assert result.code == 0, result.out + result.err
    after = stored_data(central, "strategy", STRATEGY_ID)
    assert after["title"] == "Objects of reference" and after["tags"] == "routines"
    # Sent again unchanged, it is the same record (not a conflict).
    again = central.cli("ingest", central.folder, old_device.bundle(central.work, [edited]).path)
    assert again.code == 0 and "1 unchanged, 0 conflicts" in again.out


def strategy_here(loop: Loop) -> tuple[str, str]:
    with loop.services.uow.read() as session:
        row = session.get(Strategy, STRATEGY_ID)
        assert row is not None
        return row.title, row.tags


def stored_data(central: CentralEnv, entity: str, record_id: str) -> dict[str, object]:
    opened = central.open()
    try:
        r = models.records.c
        with opened.engine.connect() as conn:
            text = conn.scalar(select(r.data).where(r.entity == entity, r.record_id == record_id))
    finally:
        opened.close()
    value = json.loads(text)
    assert isinstance(value, dict)
    return value


def test_a_store_of_the_previous_release_gains_the_devices_announcement(tmp_path: Path) -> None:
    folder = make_central(tmp_path / "central", passphrase=PASSPHRASE)
    opened = open_central(folder, PASSPHRASE)
    m = models.meta.c
    with opened.engine.begin() as conn:  # as the previous release left it (schema 2)
        conn.exec_driver_sql("ALTER TABLE devices DROP COLUMN accepted_entities")
        conn.execute(models.meta.update().where(m.key == "schema_version").values(value="2"))
    opened.close()
    opened = open_central(folder, PASSPHRASE)
    try:
        with opened.engine.connect() as conn:
            assert conn.scalar(select(m.value).where(m.key == "schema_version")) == SCHEMA_VERSION
            assert conn.execute(select(models.devices.c.accepted_entities)).all() == []
    finally:
        opened.close()
