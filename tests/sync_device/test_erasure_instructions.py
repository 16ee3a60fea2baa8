"""A device's erasure instructions against a stand-in central service (bundle format 8.3).

Held back while the central service does not announce `erasure` (a service of revision 1.4
would refuse the bundle), sent whatever the consent once it does; a return bundle's
instruction for a child this device never held changes nothing, and a malformed one refuses
the bundle.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from earlyyears_desktop.domain.enums import ErasureReason
from earlyyears_desktop.services.container import Services
from earlyyears_desktop.sync.erasure_instructions import ERASURE
from earlyyears_desktop.sync.errors import BundleRefused

from .conftest import NEWEST, Central, add_child, enrol


def test_held_back_until_announced_then_sent_whatever_the_consent(
    services: Services, central: Central, usb: Path, tmp_path: Path
) -> None:
    sync = enrol(services, central, tmp_path, accepted_entities=NEWEST)  # a 1.4 service
    child = add_child(services, "Zainab", "Al-Rashid", consent=False)
    services.erasure.erase_child(child, ErasureReason.RETENTION)

    first = sync.export(usb)
    assert first.erasures_sent == 0
    assert dict(first.held_back_types) == {ERASURE: 1}
    assert "held back until the central service accepts it: erasure instructions" in (first.message)
    with central.open_export(first.path) as bundle:
        assert ERASURE not in bundle.record_counts
        assert ERASURE in bundle.extra["accepted_entities"]  # the device reads them
        assert bundle.extra["return_imported_through"] == 0

    sync.import_return(
        central.return_bundle(usb / "r1.eyb", accepted_entities=(*NEWEST, ERASURE)).path
    )
    second = sync.export(usb)  # nothing else changed: the instruction alone
    assert (second.erasures_sent, second.record_count) == (1, 0)
    with central.open_export(second.path) as bundle:
        assert bundle.record_counts == {ERASURE: 1}
        assert bundle.extra["return_imported_through"] == 1
        [line] = list(bundle.records())
    assert line == {
        "entity": ERASURE,
        "child_id": child,
        "erased_at": line["erased_at"],
        "erased_by": services.vault.device_id,
        "reason": "retention",
    }
    assert "Zainab" not in second.path.read_bytes().decode("latin-1")


def test_an_instruction_for_a_child_never_held_changes_nothing(
    services: Services, central: Central, usb: Path, tmp_path: Path
) -> None:
    sync = enrol(services, central, tmp_path)
    kept = add_child(services, "Mateus", "Gonçalves")
    instruction = {
        "entity": ERASURE,
        "child_id": "9f8e7d6c-5b4a-4c3d-8e2f-1a0b9c8d7e6f",
        "erased_at": "2026-11-20T09:30:00Z",
        "erased_by": "another-laptop",
        "reason": "family_request",
    }
    result = sync.import_return(central.return_bundle(usb / "r1.eyb", [instruction]).path)
    assert result.erased == 0
    assert "erased" not in result.message
    assert services.erasure.erasures() == []

    bad = central.return_bundle(usb / "r2.eyb", [{**instruction, "reason": "unknown"}])
    with pytest.raises(BundleRefused) as refused:
        sync.import_return(bad.path)
    assert refused.value.code == "bad-payload"
    assert services.children.search_ids() == [kept]
