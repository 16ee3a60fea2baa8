"""Base versions end to end: a real vault, the real central service, device -> central -> device.

Each side counts its own edits, so a bigger version number never means "newer" by itself:
exports say which central version a change was based on (`base_version`), the central service
replaces only a copy the change was based on, and the device compares central copies with the
version it knows the central service holds. These are the regression tests of the review that
found lost updates and silent divergence; they run on SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

import earlyyears_desktop.sync.export as export_module
from earlyyears_desktop.central import models
from earlyyears_desktop.central.folder import CentralFolder, init_central
from earlyyears_desktop.central.ingest import ingest_bundle
from earlyyears_desktop.central.registry import enrol_device
from earlyyears_desktop.central.returns import write_return
from earlyyears_desktop.central.roster import check_roster, load_roster
from earlyyears_desktop.central.status import status
from earlyyears_desktop.demo import DEMO_PASSPHRASE
from earlyyears_desktop.domain.models import ChangeLogEntry, Child, SyncBundle, SyncConflict
from earlyyears_desktop.services.container import Services
from earlyyears_desktop.storage.vault import open_vault
from earlyyears_desktop.sync.device import (
    KEEP_MINE,
    OLD_EXPORT,
    TAKE_CENTRAL,
    DeviceSync,
    ExportInProgress,
    NothingToExport,
)
from earlyyears_desktop.sync.export_reservation import BundleNameTaken
from earlyyears_desktop.sync.keys import CipherSuite, KeyPair
from earlyyears_desktop.sync.records import encode_record

from ..conftest import DemoTemplate
from ..fast_vaults import DEMO_DAY, FAST_KDF
from .conftest import PASSPHRASE, CentralEnv, record

TODAY = DEMO_DAY


@pytest.fixture
def demo_template(demo_on_demo_day: DemoTemplate) -> Path:
    """The demo vault built once per run for TODAY, locked: never open it, copy it."""
    return demo_on_demo_day.folder


@dataclass
class Loop:
    """One laptop and one central service, with the steps people take."""

    tmp: Path
    services: Services
    sync: DeviceSync
    central: CentralFolder
    keys: KeyPair

    @property
    def device_id(self) -> str:
        return self.services.vault.device_id

    def enrol(self, central: CentralFolder, keys: KeyPair, *, replace: bool = False) -> None:
        request = self.tmp / f"request-{central.config.central_id}.json"
        self.sync.enrolment_request(request)
        response = self.tmp / f"response-{central.config.central_id}.json"
        response.write_bytes(enrol_device(central, keys, request.read_bytes()).response)
        self.sync.enrol(response, replace=replace)

    def export(self) -> Path:
        usb = self.tmp / "usb"
        usb.mkdir(exist_ok=True)
        return self.sync.export(usb).path

    def ingest(self, path: Path) -> Any:
        result = ingest_bundle(self.central, self.keys, path)
        assert result.outcome == "ingested", result.line()
        return result

    def give_back(self) -> Any:
        out = self.tmp / "returns"
        out.mkdir(exist_ok=True)
        written = write_return(self.central, self.keys, self.device_id, out)
        return self.sync.import_return(written.path)

    def round(self) -> tuple[Any, Any]:
        """Export, ingest, return, import; (ingest result, import result)."""
        ingested = self.ingest(self.export())
        return ingested, self.give_back()

    def central_row(self, entity: str, record_id: str) -> Any:
        r = models.records.c
        with self.central.engine.connect() as conn:
            return conn.execute(
                select(r.version, r.source, r.data).where(
                    r.entity == entity, r.record_id == record_id
                )
            ).one()

    def rename_centrally(self, child_id: str, **changes: object) -> None:
        data = json.loads(self.central_row("child", child_id).data)
        for name in ("created_at", "updated_at", "deleted_at"):
            data.pop(name)
        data.update(changes)
        items = check_roster([{"entity": "child", "id": child_id, "data": data}])
        load_roster(self.central, items, team=None)

    def edit_here(self, child_id: str, **changes: object) -> None:
        with self.services.uow.write() as tx:
            child = tx.session.get(Child, child_id)
            assert child is not None
            for name, value in changes.items():
                setattr(child, name, value)

    def local(self, child_id: str) -> Child:
        with self.services.uow.read() as session:
            child = session.get(Child, child_id)
            assert child is not None
            return child

    def same_on_both_sides(self, child_id: str) -> bool:
        row = self.central_row("child", child_id)
        mine = encode_record(self.local(child_id))
        return bool(row.version == mine["version"] and json.loads(row.data) == mine["data"])

    def open_conflicts(self) -> list[Any]:
        return self.sync.conflicts()

    def central_conflicts(self) -> list[dict[str, Any]]:
        return list(status(self.central)["conflicts"])


@pytest.fixture
def loop(tmp_path: Path, demo_template: Path, db_url: str | None) -> Iterator[Loop]:
    folder = tmp_path / "vault"
    shutil.copytree(demo_template, folder)
    services = Services(open_vault(folder, DEMO_PASSPHRASE), today=lambda: TODAY)
    central = init_central(
        tmp_path / "central",
        passphrase=PASSPHRASE,
        name="Test County",
        database_url=db_url,
        suite=CipherSuite.X25519,
        params=FAST_KDF,
    )
    keys = central.unlock(PASSPHRASE)
    sync = DeviceSync(services)
    here = Loop(tmp_path, services, sync, central, keys)
    here.enrol(central, keys)
    ingested, imported = here.round()  # both sides share every record now
    assert ingested.conflicts == 0 and imported.conflicts == 0
    try:
        yield here
    finally:
        services.vault.lock()
        central.close()


def _shared_child(loop: Loop) -> str:
    r = models.records.c
    with loop.central.engine.connect() as conn:
        return str(
            conn.execute(
                select(r.record_id).where(r.entity == "child").order_by(r.record_id).limit(1)
            ).scalar_one()
        )


def _resolve(loop: Loop, choice: str) -> None:
    [conflict] = loop.open_conflicts()
    loop.sync.resolve_conflict(conflict.id, choice)


# --- defect 1: two local edits must not outrank one central edit ---------------------------------


@pytest.mark.parametrize("choice", [KEEP_MINE, TAKE_CENTRAL])
def test_two_offline_edits_do_not_overwrite_a_central_rename(loop: Loop, choice: str) -> None:
    child_id = _shared_child(loop)
    start = loop.local(child_id).version
    loop.rename_centrally(child_id, preferred_name="CentralRename")  # central start + 1
    loop.edit_here(child_id, preferred_name="DeviceRename")
    loop.edit_here(child_id, diagnoses_notes="device note")  # start + 2: a bigger number
    assert loop.local(child_id).version == start + 2

    ingested = loop.ingest(loop.export())
    assert (ingested.updated, ingested.conflicts) == (0, 1)
    row = loop.central_row("child", child_id)
    assert json.loads(row.data)["preferred_name"] == "CentralRename"  # kept, not replaced
    [kept] = loop.central_conflicts()
    assert (kept["record_id"], kept["status"], kept["incoming_version"]) == (
        child_id,
        "open",
        start + 2,
    )

    imported = loop.give_back()
    assert imported.conflicts == 1 and imported.not_accepted == 1
    assert loop.local(child_id).preferred_name == "DeviceRename"  # untouched until chosen
    assert [c.record_id for c in loop.open_conflicts()] == [child_id]

    _check_resolution_converges(loop, child_id, choice, "DeviceRename", "CentralRename")


# --- defect 2: one edit on each side, same version number ----------------------------------------


@pytest.mark.parametrize("choice", [KEEP_MINE, TAKE_CENTRAL])
def test_one_edit_on_each_side_is_a_conflict_on_both_sides(loop: Loop, choice: str) -> None:
    child_id = _shared_child(loop)
    loop.rename_centrally(child_id, preferred_name="CentralRename")
    loop.edit_here(child_id, preferred_name="DeviceRename")
    assert loop.local(child_id).version == loop.central_row("child", child_id).version

    ingested, imported = loop.round()
    assert ingested.conflicts == 1
    # The same return bundle acknowledges the export and carries the central copy: the laptop
    # must not take its own change for accepted, nor the central copy for "up to date".
    assert imported.conflicts == 1 and imported.unchanged == 0
    assert loop.local(child_id).preferred_name == "DeviceRename"

    _check_resolution_converges(loop, child_id, choice, "DeviceRename", "CentralRename")


def _check_resolution_converges(
    loop: Loop, child_id: str, choice: str, mine: str, theirs: str
) -> None:
    central_version = loop.central_row("child", child_id).version
    _resolve(loop, choice)
    assert loop.open_conflicts() == []
    if choice == TAKE_CENTRAL:
        assert loop.local(child_id).preferred_name == theirs
        assert loop.local(child_id).version == central_version
        assert loop.same_on_both_sides(child_id)
        with pytest.raises(NothingToExport):  # the superseded change is not sent
            loop.export()
        return
    assert loop.local(child_id).version == central_version + 1
    ingested, imported = loop.round()
    assert (ingested.updated, ingested.conflicts) == (1, 0)  # based on the central copy
    assert imported.conflicts == 0 and imported.not_accepted == 0
    assert json.loads(loop.central_row("child", child_id).data)["preferred_name"] == mine
    assert loop.same_on_both_sides(child_id)
    assert [c["status"] for c in loop.central_conflicts()] == ["resolved"]
    assert status(loop.central)["totals"]["conflicts_open"] == 0
    # And a later central edit flows to the laptop as an ordinary update.
    loop.rename_centrally(child_id, preferred_name="Later")
    imported = loop.give_back()
    assert imported.updated == 1 and imported.conflicts == 0
    assert loop.same_on_both_sides(child_id)


def test_edits_on_one_side_only_flow_without_conflicts(loop: Loop) -> None:
    child_id = _shared_child(loop)
    loop.edit_here(child_id, preferred_name="One")
    path = loop.export()
    loop.edit_here(child_id, preferred_name="Two")  # exported before hearing back
    first, second = loop.ingest(path), loop.ingest(loop.export())
    assert (first.updated, second.updated, second.conflicts) == (1, 1, 0)
    imported = loop.give_back()
    assert imported.conflicts == 0 and imported.not_accepted == 0
    assert loop.same_on_both_sides(child_id)
    loop.rename_centrally(child_id, preferred_name="Three")
    imported = loop.give_back()
    assert (imported.updated, imported.conflicts) == (1, 0)
    assert loop.local(child_id).preferred_name == "Three"
    loop.edit_here(child_id, preferred_name="Four")
    ingested, imported = loop.round()
    assert (ingested.updated, ingested.conflicts, imported.conflicts) == (1, 0, 0)
    assert loop.same_on_both_sides(child_id)


# --- defect 3: two exports at the same time ------------------------------------------------------


def test_two_exports_at_once_never_share_a_sequence(
    loop: Loop, monkeypatch: pytest.MonkeyPatch
) -> None:
    children = [c for c in _children(loop)][:2]
    loop.edit_here(children[0], diagnoses_notes="edit A")
    original = export_module.write_bundle
    refused: list[str] = []

    def meanwhile(*args: Any, **kwargs: Any) -> Any:
        monkeypatch.setattr(export_module, "write_bundle", original)
        # The command line exports while the app is writing its bundle, after one more edit:
        # it is told that an export is being written, and writes nothing.
        second = Services(open_vault(loop.tmp / "vault", DEMO_PASSPHRASE))
        try:
            with second.uow.write() as tx:
                child = tx.session.get(Child, children[1])
                assert child is not None
                child.diagnoses_notes = "edit B"
            out = loop.tmp / "usb2"
            out.mkdir()
            with pytest.raises(ExportInProgress) as other:
                DeviceSync(second).export(out)
            refused.append(other.value.message)
            assert list(out.iterdir()) == []
        finally:
            second.vault.lock()
        return original(*args, **kwargs)

    monkeypatch.setattr(export_module, "write_bundle", meanwhile)
    first = loop.export()
    assert refused and refused[0].startswith("Another export from this vault is being written")
    second = loop.export()  # edit B, saved while the first was written, comes next
    sequences = [int(p.name[-10:-4]) for p in (first, second)]
    assert sequences[1] == sequences[0] + 1
    loop.ingest(first)
    loop.ingest(second)
    imported = loop.give_back()
    assert imported.not_accepted == 0
    with loop.services.uow.read() as session:
        waiting = session.scalar(
            select(func.count())
            .select_from(ChangeLogEntry)
            .where(ChangeLogEntry.acknowledged.is_(False))
        )
    assert waiting == 0
    for child_id in children:
        assert loop.same_on_both_sides(child_id)


def test_the_export_sequence_is_unique_in_the_vault(loop: Loop) -> None:
    from sqlalchemy.exc import IntegrityError

    with pytest.raises(IntegrityError), loop.services.uow.write() as tx:
        tx.session.add(
            SyncBundle(
                id="00000000-0000-4000-8000-000000000000",
                direction="export",
                sequence=1,
                manifest_sha256="0" * 64,
            )
        )


def _children(loop: Loop) -> list[str]:
    r = models.records.c
    with loop.central.engine.connect() as conn:
        return [
            str(x)
            for x in conn.execute(
                select(r.record_id).where(r.entity == "child").order_by(r.record_id)
            ).scalars()
        ]


# --- defect 4: enrolling with another central service --------------------------------------------


def test_another_central_service_gets_everything(loop: Loop, tmp_path: Path) -> None:
    with loop.services.uow.read() as session:
        changed = set(session.execute(select(ChangeLogEntry.entity, ChangeLogEntry.record_id)))
    other = init_central(
        tmp_path / "other",
        passphrase=PASSPHRASE,
        name="Neighbouring County",
        database_url=None,
        suite=CipherSuite.X25519,
        params=FAST_KDF,
    )
    try:
        other_keys = other.unlock(PASSPHRASE)
        loop.enrol(other, other_keys, replace=True)
        # A new stream starts at 1 again: the first stream's bundle 1, still in the USB
        # folder, is never written over (the export says so and writes nothing).
        usb = loop.tmp / "usb"
        before = {p.name: p.read_bytes() for p in usb.iterdir()}
        with pytest.raises(BundleNameTaken):
            loop.export()
        assert {p.name: p.read_bytes() for p in usb.iterdir()} == before
        fresh = tmp_path / "usb-for-the-other"
        fresh.mkdir()
        path = loop.sync.export(fresh).path
        assert path.name.endswith("-000001.eyb")  # a new stream
        result = ingest_bundle(other, other_keys, path)
        assert result.outcome == "ingested" and result.gap is None
        assert result.inserted == result.records
        # Everything sent to the first central service, not only what it never confirmed
        # (records of children without consent stay held back, as for any export).
        assert result.records == len(changed) - _held_back(loop)
        out = tmp_path / "other-returns"
        out.mkdir()
        returned = write_return(other, other_keys, loop.device_id, out)
        imported = loop.sync.import_return(returned.path)
        assert imported.acknowledged > 0 and imported.conflicts == 0
    finally:
        other.close()
    history = {(row.direction, row.sequence) for row in loop.sync.history()}
    assert (OLD_EXPORT, 1) in history and ("export", 1) in history


def _held_back(loop: Loop) -> int:
    with loop.services.uow.read() as session:
        return int(
            session.scalar(
                select(func.count(func.distinct(ChangeLogEntry.record_id))).where(
                    ChangeLogEntry.exported_seq.is_(None)
                )
            )
            or 0
        )


# --- defect 5: concurrent ingests of one device's bundles ----------------------------------------


def test_concurrent_ingests_record_no_false_gap(
    central: CentralEnv, backend: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    if backend != "postgresql":
        pytest.skip("SQLite has a single writer: ingests never overlap there")
    import earlyyears_desktop.central.ingest as ingest_module

    device = central.enrol("dev-a")
    first = device.bundle(central.work, [record("child", "c1", 1, "dev-a")])
    second = device.bundle(central.work, [record("child", "c2", 1, "dev-a")])
    folder = central.open()
    keys = folder.unlock(PASSPHRASE)
    checked = threading.Event()
    original = ingest_module._check_sequence

    def slow_check(conn: Any, bundle: Any, result: Any) -> None:
        original(conn, bundle, result)
        if bundle.sequence == 1:
            checked.set()
            time.sleep(1.0)  # bundle 2's ingest starts while this one is still open

    monkeypatch.setattr(ingest_module, "_check_sequence", slow_check)
    outcomes: list[Any] = []
    try:
        t1 = threading.Thread(
            target=lambda: outcomes.append(ingest_bundle(folder, keys, first.path))
        )
        t1.start()
        assert checked.wait(10)
        outcomes.append(ingest_bundle(folder, keys, second.path))
        t1.join(10)
        assert sorted(o.outcome for o in outcomes) == ["ingested", "ingested"]
        assert all(o.gap is None for o in outcomes)
        assert status(folder)["gaps"] == []
    finally:
        folder.close()


# --- defect 7: enrol writes the response or registers nothing ------------------------------------


def test_central_enrol_registers_nothing_when_the_response_cannot_be_written(
    central: CentralEnv, monkeypatch: pytest.MonkeyPatch
) -> None:
    from earlyyears_desktop.storage import keyslots
    from earlyyears_desktop.sync.enrolment_files import build_enrolment_request

    request = central.work / "request.json"
    request.write_bytes(
        build_enrolment_request(
            KeyPair.generate(),
            device_id="dev-x",
            practitioner_name="P",
            team_name="T",
            now=dt.datetime.now(dt.UTC),
        )
    )
    # --out names a folder: refused before anything is registered.
    result = central.cli("enrol", central.folder, request, "--out", central.work)
    assert result.code == 2 and "is a folder" in result.err and "Traceback" not in result.err
    assert central.status()["devices"] == []

    def failing(path: Path, data: bytes, **_kwargs: Any) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(keyslots, "write_atomically", failing)
    result = central.cli("enrol", central.folder, request, "--out", central.work / "resp.json")
    assert result.code == 1, result.err
    assert "No space left on device" in result.err and "not enrolled" in result.err
    assert central.status()["devices"] == []
    assert not (central.work / "resp.json").exists()


def test_central_init_on_a_file_is_a_usage_error(
    tmp_path: Path, central_cli: Any, db_url: str | None
) -> None:
    target = tmp_path / "a-file"
    target.write_text("not a folder")
    result = central_cli("init", target, "--name", "X", *(["--db", db_url] if db_url else []))
    assert result.code == 2 and "is a file" in result.err
    assert result.err.count("\n") == 1 and "unexpected" not in result.err


def test_open_conflicts_count_on_the_laptop_after_a_revisited_conflict(loop: Loop) -> None:
    """A second central edit of a record already in conflict updates the kept central copy."""
    child_id = _shared_child(loop)
    loop.rename_centrally(child_id, preferred_name="C1")
    loop.edit_here(child_id, preferred_name="D1")
    loop.round()
    loop.rename_centrally(child_id, preferred_name="C2")
    imported = loop.give_back()
    assert imported.conflicts == 1
    with loop.services.uow.read() as session:
        [kept] = session.scalars(select(SyncConflict)).all()
        assert json.loads(kept.central_data)["data"]["preferred_name"] == "C2"
    _resolve(loop, KEEP_MINE)
    ingested, imported = loop.round()
    assert ingested.updated == 1 and ingested.conflicts == 0
    assert loop.same_on_both_sides(child_id)
