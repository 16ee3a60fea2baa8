"""The device keeps the central service's latest announcement of the entity types it accepts.

No announcement (an enrolment response or return bundle of format revision 1.0) means the
types of format version 1; a malformed one refuses the file. docs/bundle-format.md 14.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from earlyyears_desktop.cli.main import main
from earlyyears_desktop.domain.models import Strategy
from earlyyears_desktop.services.container import Services
from earlyyears_desktop.services.observations import ObservationInput
from earlyyears_desktop.sync.device import DeviceSync
from earlyyears_desktop.sync.entity_types import FORMAT_1_ENTITY_TYPES, synced_entity_types
from earlyyears_desktop.sync.errors import BundleRefused, EnrolmentRefused

from .conftest import PASSPHRASE, TODAY, Central, add_child, enrol

DOC = Path(__file__).resolve().parents[2] / "docs" / "bundle-format.md"
WITHOUT_OBSERVATIONS = sorted(FORMAT_1_ENTITY_TYPES - {"observation"})


def observe(services: Services, child_id: str, text: str = "stacked three bricks") -> None:
    services.observations.add(ObservationInput(child_id=child_id, text=text, observed_on=TODAY))


def enrol_announcing(
    services: Services, central: Central, folder: Path, accepted: list[str] | None
) -> DeviceSync:
    sync = DeviceSync(services)
    request, response = folder / "request.json", folder / "response.json"
    sync.enrolment_request(request)
    central.respond(request, response, accepted_entities=accepted)
    sync.enrol(response)
    return sync


def test_format_1_types_are_those_the_document_lists_and_this_software_syncs() -> None:
    text = DOC.read_text("utf-8")
    listed = re.search(r"The entities are (.*?); the members of each", text, re.S)
    assert listed is not None
    assert set(re.findall(r"`([a-z_]+)`", listed.group(1))) == FORMAT_1_ENTITY_TYPES
    assert synced_entity_types() >= FORMAT_1_ENTITY_TYPES


def test_without_an_announcement_the_types_of_format_version_1_are_sent_at_schema_1(
    services: Services, central: Central, tmp_path: Path
) -> None:
    sync = enrol(services, central, tmp_path, accepted_entities=None)  # announces nothing
    observe(services, add_child(services, "Robin", "Example"))
    # Observations are at schema 2 now (the time of day): a central service of revision 1.0
    # would refuse them, so they wait; the child goes.
    assert sync.held_back_types() == {"observation": 1}
    result = sync.export(tmp_path)
    assert dict(result.held_back_types) == {"observation": 1}
    with central.open_export(result.path) as bundle:
        assert bundle.record_counts["child"] == 1
        assert "observation" not in bundle.record_counts
        # What the device reads in return bundles: every revision it knows (section 14.3).
        reads = bundle.extra["accepted_entities"]
    assert isinstance(reads, list)
    assert "strategy@2" in reads and "strategy" in reads and "observation" not in reads


def test_the_enrolment_response_announcement_holds_back_the_other_types(
    services: Services, central: Central, tmp_path: Path
) -> None:
    sync = enrol_announcing(services, central, tmp_path, WITHOUT_OBSERVATIONS)
    child = add_child(services, "Robin", "Example")
    observe(services, child)
    observe(services, child, "named four colours")
    result = sync.export(tmp_path)
    assert dict(result.held_back_types) == {"observation": 2}
    assert (
        "2 records of 1 kind are held back until the central service accepts them: "
        "observations." in result.message
    )
    with central.open_export(result.path) as bundle:
        assert "observation" not in bundle.record_counts
    assert sync.held_back_types() == {"observation": 2}
    assert "held back (not accepted centrally yet: observation)" in sync.history()[0].outcome


def test_each_return_bundle_replaces_the_announcement_and_none_means_format_1(
    services: Services, central: Central, tmp_path: Path
) -> None:
    sync = enrol(services, central, tmp_path)
    observe(services, add_child(services, "Robin", "Example"))
    sync.import_return(
        central.return_bundle(tmp_path / "r1.eyb", accepted_entities=WITHOUT_OBSERVATIONS).path
    )
    assert sync.held_back_types() == {"observation": 1}
    # The plain name alone is schema 1: still held back.
    plain = [*WITHOUT_OBSERVATIONS, "observation"]
    imported = sync.import_return(
        central.return_bundle(tmp_path / "r2.eyb", accepted_entities=plain).path
    )
    assert imported.now_accepted == ()
    assert sync.held_back_types() == {"observation": 1}
    imported = sync.import_return(
        central.return_bundle(tmp_path / "r3.eyb", accepted_entities=[*plain, "observation@2"]).path
    )
    assert imported.now_accepted == ("observation",)
    assert sync.held_back_types() == {}
    # A later central service that says nothing: those of format version 1 at schema 1.
    sync.import_return(central.return_bundle(tmp_path / "r4.eyb", accepted_entities=None).path)
    assert sync.held_back_types() == {"observation": 1}


@pytest.mark.parametrize(
    "announced",
    ["child", ["child", "child"], ["child", 3], ["child", ""], ["x" * 201], {"child": 1}],
)
def test_a_malformed_announcement_refuses_the_return_bundle(
    services: Services, central: Central, tmp_path: Path, announced: object
) -> None:
    sync = enrol(services, central, tmp_path)
    bundle = central.return_bundle(tmp_path / "r.eyb", accepted_entities=announced)
    with pytest.raises(BundleRefused) as refused:
        sync.import_return(bundle.path)
    assert refused.value.code == "bad-manifest"
    assert sync.history() == []


def test_the_response_signature_covers_the_announcement(
    services: Services, central: Central, tmp_path: Path
) -> None:
    sync = DeviceSync(services)
    request, response = tmp_path / "request.json", tmp_path / "response.json"
    sync.enrolment_request(request)
    central.respond(request, response, accepted_entities=WITHOUT_OBSERVATIONS)
    doc = json.loads(response.read_text("utf-8"))
    doc["accepted_entities"] = sorted(FORMAT_1_ENTITY_TYPES)
    response.write_text(json.dumps(doc), "utf-8")
    with pytest.raises(EnrolmentRefused) as refused:
        sync.enrol(response)
    assert refused.value.code == "bad-signature"
    assert not sync.state().enrolled


def test_info_and_the_export_command_say_what_is_held_back(
    services: Services,
    central: Central,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    enrol_announcing(services, central, tmp_path, WITHOUT_OBSERVATIONS)
    observe(services, add_child(services, "Robin", "Example"))
    folder = services.vault.paths.folder
    services.vault.lock()
    monkeypatch.setenv("EARLYYEARS_PASSPHRASE", PASSPHRASE)
    line = "1 record of 1 kind is held back until the central service accepts it: observations."

    assert main(["info", str(folder)]) == 0
    out, err = capsys.readouterr()
    assert line in out.splitlines() and err == ""
    assert main(["info", str(folder), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["held_back_until_accepted"] == {"observation": 1}

    usb = tmp_path / "usb"
    usb.mkdir()
    assert main(["export", str(folder), "--out", str(usb)]) == 0
    out, err = capsys.readouterr()
    assert Path(out.strip()).parent == usb and line in err.splitlines()
    assert main(["export", str(folder), "--out", str(usb)]) == 0
    out, err = capsys.readouterr()
    assert out == "" and err.startswith("Nothing to export.") and line in err


# --- schema revisions (docs/bundle-format.md 14.3) ----------------------------------------------


def strategy_record(version: int, *, schema: int, **data: object) -> dict[str, object]:
    """A library strategy as a central service writes it: schema 1 (revision 1.1, no tags)
    or schema 2."""
    record: dict[str, object] = {
        "entity": "strategy",
        "id": "strategy-objects-of-reference",
        "version": version,
        "deleted": False,
        "changed_by_device": "central",
        "data": {
            "title": "Objects of reference",
            "area_of_need": "communication_and_interaction",
            "practitioner_wording": "Show the cup before drinks.",
            "try_at_home": "Show the cup before a drink.",
            "from_central": True,
            "created_at": "2026-11-20T10:00:00.000000",
            "updated_at": "2026-11-20T10:00:00.000000",
            "deleted_at": None,
            **data,
        },
    }
    if schema == 2:
        record["data"].setdefault("tags", "")  # type: ignore[union-attr]
    return record


def stored_strategy(services: Services) -> tuple[str, str]:
    with services.uow.read() as session:
        row = session.get(Strategy, "strategy-objects-of-reference")
        assert row is not None
        return row.title, row.tags


def test_a_schema_1_strategy_from_a_central_service_of_revision_1_1_is_read(
    services: Services, central: Central, tmp_path: Path
) -> None:
    sync = enrol(services, central, tmp_path, accepted_entities=sorted(FORMAT_1_ENTITY_TYPES))
    first = central.return_bundle(
        tmp_path / "r1.eyb",
        [strategy_record(1, schema=1)],
        accepted_entities=sorted(FORMAT_1_ENTITY_TYPES),
    )
    assert sync.import_return(first.path).inserted == 1
    assert stored_strategy(services) == ("Objects of reference", "")  # the default

    # Known here with tags; a schema-1 copy says nothing about them: they are kept.
    sync.import_return(
        central.return_bundle(
            tmp_path / "r2.eyb", [strategy_record(2, schema=2, tags="routines")]
        ).path
    )
    assert stored_strategy(services) == ("Objects of reference", "routines")
    later = strategy_record(3, schema=1, title="Objects of reference (cup, coat)")
    assert sync.import_return(central.return_bundle(tmp_path / "r3.eyb", [later]).path).updated == 1
    assert stored_strategy(services) == ("Objects of reference (cup, coat)", "routines")


def test_a_strategy_record_of_no_known_revision_refuses_the_return_bundle(
    services: Services, central: Central, tmp_path: Path
) -> None:
    sync = enrol(services, central, tmp_path)
    unknown = strategy_record(1, schema=2, colour="red")  # a member no revision has
    lacking = strategy_record(1, schema=1)
    del lacking["data"]["title"]  # type: ignore[attr-defined]
    for index, record in enumerate((unknown, lacking)):
        bundle = central.return_bundle(tmp_path / f"r{index}.eyb", [record], sequence=1)
        with pytest.raises(BundleRefused) as refused:
            sync.import_return(bundle.path)
        assert refused.value.code == "bad-payload"
    assert sync.history() == []
