"""An erasure travels: laptop A erases a child, the reference central service erases the
child too, and laptop B, which holds the child through the roster, erases it on import.

One scenario for the module, with real bundles end to end (real SQLCipher vaults, real keys,
a real central folder, both command lines' `main` run in this process): the local authority's
roster gives child X to the team of laptops A and B; B records an observation of X and exports
(that bundle waits on a USB stick); A withdraws X's consent and erases X (the family asked),
and exports: the instruction goes whatever the consent. A forged copy of A's bundle is refused
by its signature; the genuine one erases X centrally. B's old bundle, ingested late, does not
bring X back. B's next return bundle erases X on B, whose audit chain still verifies.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import struct
import zlib
from collections.abc import Iterator
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import func, select

from earlyyears_desktop.central import models
from earlyyears_desktop.central.cli import main as central_main
from earlyyears_desktop.central.folder import open_central
from earlyyears_desktop.domain.enums import ConsentKind, ErasureReason
from earlyyears_desktop.domain.models import Child, Consent, Observation
from earlyyears_desktop.services.audit import verify_audit_chain
from earlyyears_desktop.services.children import ChildInput
from earlyyears_desktop.services.clock import Clock
from earlyyears_desktop.services.container import Services
from earlyyears_desktop.services.observations import ObservationInput
from earlyyears_desktop.services.unit_of_work import INCLUDE_DELETED
from earlyyears_desktop.sync.device import DeviceSync
from earlyyears_desktop.sync.device_errors import NothingToExport
from earlyyears_desktop.sync.device_results import ExportResult, ImportResult

from ..fast_vaults import make_central, make_vault
from .conftest import PASSPHRASE as CENTRAL_PASSPHRASE

TODAY = dt.date(2026, 12, 23)
TEAM = "Kingsford Early Years"
CHILD_X = "7c0f4e2a-91d3-4b6e-8a5f-3e2d1c0b9a87"
CONSENT_X = "2b8e6d4c-0a1f-4e3d-9c7b-5a6f8e9d0c1b"
CARER_X = "e4d3c2b1-a0f9-4e8d-b7c6-5d4e3f2a1b0c"
X_NAMES = ("Chiamaka", "Nwosu-Ó Briain")


@dataclass(frozen=True)
class Done:
    code: int
    out: str
    err: str


def _central(*args: object) -> Done:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = central_main([str(a) for a in args])
    assert "Traceback" not in err.getvalue()
    return Done(code, out.getvalue(), err.getvalue())


@dataclass
class Laptop:
    services: Services
    sync: DeviceSync

    @property
    def device_id(self) -> str:
        return self.services.vault.device_id


@dataclass
class Story:
    central: Path
    a: Laptop
    b: Laptop
    forged: Done
    erased: Done
    late: Done
    a_export: ExportResult
    b_import: ImportResult
    b_import_again: ImportResult
    central_after_late: set[tuple[str, str]]
    x_mentions_after_late: int
    status: dict[str, object]
    status_text: str
    status_after_b_exported: dict[str, object]
    a_pending_after_ack: int
    a_nothing_left: bool


def _laptop(folder: Path, name: str) -> Laptop:
    created = make_vault(folder, team_name=TEAM, practitioner_name=name)
    services = Services(created.vault, clock=Clock.fixed(TODAY))
    return Laptop(services, DeviceSync(services))


def _enrol(central: Path, laptop: Laptop, work: Path) -> None:
    request, response = work / f"{laptop.device_id}-req.json", work / f"{laptop.device_id}.json"
    laptop.sync.enrolment_request(request)
    done = _central("enrol", central, request, "--out", response)
    assert done.code == 0, done.err
    laptop.sync.enrol(response)


def _ingest(central: Path, path: Path) -> Done:
    return _central("ingest", central, path)


def _return(central: Path, laptop: Laptop, usb: Path) -> ImportResult:
    done = _central("return", central, "--device", laptop.device_id, "--out", usb)
    assert done.code == 0, done.err
    return laptop.sync.import_return(Path(done.out.strip().splitlines()[-1]))


def _status(central: Path) -> dict[str, object]:
    done = _central("status", central, "--json")
    assert done.code == 0, done.err
    doc = json.loads(done.out)
    assert isinstance(doc, dict)
    return doc


def _forge(genuine: Path, forged: Path) -> None:
    """A copy whose manifest says another time, its CRCs fixed: only the signature notices."""
    data = bytearray(genuine.read_bytes())
    name_length = struct.unpack_from("<H", data, 26)[0]
    start = 30 + name_length
    size = struct.unpack_from("<I", data, 18)[0]
    manifest = bytes(data[start : start + size])
    at = manifest.index(b'"created_at":"') + len(b'"created_at":"')
    data[start + at] = ord("1") if manifest[at : at + 1] != b"1" else ord("2")
    crc = zlib.crc32(bytes(data[start : start + size]))
    struct.pack_into("<I", data, 14, crc)
    central_header = bytes(data).index(b"PK\x01\x02")
    struct.pack_into("<I", data, central_header + 16, crc)
    forged.write_bytes(bytes(data))


def _held_centrally(central: Path) -> tuple[set[tuple[str, str]], int]:
    """(entity, id) of every record held, and how many records mention child X at all."""
    opened = open_central(central, CENTRAL_PASSPHRASE)
    try:
        with opened.engine.connect() as conn:
            r = models.records.c
            held = {(e, i) for e, i in conn.execute(select(r.entity, r.record_id))}
            mentions = conn.execute(
                select(func.count()).where(
                    (r.record_id == CHILD_X) | r.data.contains(CHILD_X, autoescape=True)
                )
            ).scalar_one()
            conflicts = conn.execute(
                select(func.count()).where(
                    models.conflicts.c.incoming_data.contains(CHILD_X, autoescape=True)
                )
            ).scalar_one()
    finally:
        opened.close()
    return held, int(mentions) + int(conflicts)


@pytest.fixture(scope="module")
def story(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Story]:
    work = tmp_path_factory.mktemp("erasure-sync")
    with pytest.MonkeyPatch.context() as env:
        env.setenv("EARLYYEARS_CENTRAL_PASSPHRASE", CENTRAL_PASSPHRASE)
        env.delenv("EARLYYEARS_CENTRAL_DB_URL", raising=False)
        a = _laptop(work / "a", "Oluwaseun Adébáyọ̀")
        b = _laptop(work / "b", "Siobhán Ní Bhriain")
        try:
            yield _tell_the_story(work, a, b)
        finally:
            a.services.vault.lock()
            b.services.vault.lock()


def _tell_the_story(work: Path, a: Laptop, b: Laptop) -> Story:
    usb = work / "usb"
    usb.mkdir()
    central = make_central(work / "central", passphrase=CENTRAL_PASSPHRASE)
    roster = work / "roster.json"
    roster.write_text(
        json.dumps(
            [
                {
                    "entity": "child",
                    "id": CHILD_X,
                    "data": {
                        "legal_given_names": X_NAMES[0],
                        "legal_family_name": X_NAMES[1],
                        "date_of_birth": "2023-06-14",
                        "nhs_number": "9434765919",
                    },
                },
                {
                    "entity": "carer",
                    "id": CARER_X,
                    "data": {"child_id": CHILD_X, "name": "Ngozi Nwosu", "relationship": "Mum"},
                },
                {
                    "entity": "consent",
                    "id": CONSENT_X,
                    "data": {
                        "child_id": CHILD_X,
                        "kind": ConsentKind.SHARE_WITH_CENTRAL.value,
                        "given": True,
                        "given_by": "Ngozi Nwosu",
                        "given_on": "2024-01-10",
                    },
                },
            ]
        ),
        encoding="utf-8",
    )
    assert _central("roster", central, roster, "--team", TEAM).code == 0
    for laptop in (a, b):
        _enrol(central, laptop, work)
        # The first export says what the laptop reads: erasure instructions among them.
        assert _ingest(central, laptop.sync.export(usb).path).code == 0
        assert _return(central, laptop, usb).inserted == 3  # X, the carer, the consent

    b.services.observations.add(
        ObservationInput(CHILD_X, "Pointed at the bus and said “bus”.", TODAY)
    )
    b_old = b.sync.export(usb)  # waits on a USB stick
    assert b_old.record_count == 1

    a.services.children.withdraw_consent(CONSENT_X, TODAY)
    a.services.erasure.erase_child(CHILD_X, ErasureReason.FAMILY_REQUEST)
    a_export = a.sync.export(usb)

    forged_path = usb / "forged.eyb"
    _forge(a_export.path, forged_path)
    forged = _ingest(central, forged_path)
    assert CHILD_X and ("child", CHILD_X) in _held_centrally(central)[0]  # still there
    erased = _ingest(central, a_export.path)
    late = _ingest(central, b_old.path)
    held, mentions = _held_centrally(central)
    status = _status(central)
    status_text = _central("status", central).out

    b_import = _return(central, b, usb)
    b_import_again = _return(central, b, usb)  # not confirmed yet: told again
    b.services.children.create_child(
        ChildInput("Mateo", "Quispe Mamani", TODAY - dt.timedelta(days=800)),
        consents=[(ConsentKind.SHARE_WITH_CENTRAL.value, "Rosa Mamani", TODAY)],
    )
    assert _ingest(central, b.sync.export(usb).path).code == 0
    status_after = _status(central)

    _return(central, a, usb)  # acknowledges A's export, which carried the instruction
    pending = len(a.services.erasure.pending_erasure_instructions())
    try:
        a.sync.export(usb)
        nothing_left = False
    except NothingToExport:
        nothing_left = True
    return Story(
        central=central,
        a=a,
        b=b,
        forged=forged,
        erased=erased,
        late=late,
        a_export=a_export,
        b_import=b_import,
        b_import_again=b_import_again,
        central_after_late=held,
        x_mentions_after_late=mentions,
        status=status,
        status_text=status_text,
        status_after_b_exported=status_after,
        a_pending_after_ack=pending,
        a_nothing_left=nothing_left,
    )


def test_the_instruction_goes_whatever_the_consent(story: Story) -> None:
    assert story.a_export.erasures_sent == 1
    assert "1 child's records were erased here" in story.a_export.message


def test_a_forged_instruction_is_refused_by_the_signature(story: Story) -> None:
    assert story.forged.code == 4
    assert "bad-signature" in story.forged.err


def test_the_central_service_erases_the_child_and_reports_it(story: Story) -> None:
    assert story.erased.code == 0, story.erased.err
    assert "1 child erased (3 records removed)" in story.erased.out
    assert not {key for key in story.central_after_late if CHILD_X in key}
    assert story.x_mentions_after_late == 0
    [erasure] = story.status["erasures"]  # type: ignore[misc]
    assert erasure["child_id"] == CHILD_X
    assert erasure["erased_by"] == story.a.device_id
    assert erasure["reason"] == "family_request"
    assert erasure["erased_at"].endswith("Z")
    assert erasure["devices_to_tell"] == [story.b.device_id]
    assert story.status["totals"]["erasures"] == 1  # type: ignore[index]
    assert "Children erased on instruction: 1" in story.status_text
    for name in X_NAMES:
        assert name not in json.dumps(story.status, ensure_ascii=False)
        assert name not in story.status_text


def test_an_old_bundle_does_not_bring_the_child_back(story: Story) -> None:
    assert story.late.code == 0, story.late.err
    assert "1 records of erased children refused" in story.late.out
    [erasure] = story.status["erasures"]  # type: ignore[misc]
    assert erasure["records_refused"] == 1


def test_the_other_laptop_erases_the_child_on_import(story: Story) -> None:
    assert story.b_import.erased == 1
    assert "1 child's records were erased on the local authority's instruction." in (
        story.b_import.message
    )
    assert story.b_import_again.erased == 0  # a child no longer held: passed over
    uow = story.b.services.uow
    with uow.read() as session:
        for model in (Child, Consent, Observation):
            column = model.id if model is Child else model.child_id
            rows = session.scalars(
                select(model.id).where(column == CHILD_X), execution_options=INCLUDE_DELETED
            ).all()
            assert rows == [], model.entity
    report = verify_audit_chain(uow)
    assert report.ok, report.message
    [erasure] = story.b.services.erasure.erasures()
    assert erasure.instructed_by_central
    assert story.b.services.erasure.pending_erasure_instructions() == []


def test_the_central_service_knows_when_the_other_laptop_has_it(story: Story) -> None:
    [erasure] = story.status_after_b_exported["erasures"]  # type: ignore[misc]
    assert erasure["devices_told"] == [story.b.device_id]
    assert erasure["devices_to_tell"] == []


def test_once_acknowledged_the_instruction_is_sent_and_goes_no_more(story: Story) -> None:
    assert story.a_pending_after_ack == 0
    [erasure] = story.a.services.erasure.erasures()
    assert erasure.sent_in == story.a_export.sequence
    assert story.a_nothing_left
