"""The Sync page driven through its real widgets (pytest-qt, offscreen)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from PySide6.QtWidgets import QPushButton
from pytestqt.qtbot import QtBot

from earlyyears_desktop.services.children import ChildInput
from earlyyears_desktop.services.container import Services
from earlyyears_desktop.ui.operations import OpRunner
from earlyyears_desktop.ui.sync_page import SyncPage

from .conftest import TODAY, Central, add_child


@pytest.fixture
def page(qtbot: QtBot, services: Services) -> SyncPage:
    runner = OpRunner()
    widget = SyncPage(services, runner)
    qtbot.addWidget(widget)
    widget.show()
    yield widget
    runner.wait_for_idle()


def test_enrol_export_import_and_resolve_from_the_page(
    page: SyncPage, services: Services, central: Central, tmp_path: Path, qtbot: QtBot
) -> None:
    page.reload()
    qtbot.waitUntil(lambda: "Not enrolled" in page.enrolment_label.text())
    assert not page.export_button.isEnabled()
    for button in page.findChildren(QPushButton):
        assert button.accessibleName()

    request, response = tmp_path / "request.json", tmp_path / "response.json"
    page.choose_save_file = lambda *a: request  # type: ignore[method-assign]
    page.request_button.click()
    qtbot.waitUntil(lambda: "fingerprints" in page.message.text())
    qtbot.waitUntil(lambda: "signing" in page.device_prints.text())
    central.respond(request, response)
    page.choose_open_file = lambda *a: response  # type: ignore[method-assign]
    page.response_button.click()
    qtbot.waitUntil(lambda: page.export_button.isEnabled())
    assert central.name in page.enrolment_label.text()
    assert "compare" in page.message.text()

    child = add_child(services, "Maya", "Page")
    usb = tmp_path / "usb"
    usb.mkdir()
    page.reload()
    qtbot.waitUntil(lambda: "waiting to be sent" in page.unsynced_label.text())
    page.choose_folder = lambda *a: usb  # type: ignore[method-assign]
    page.export_button.click()
    qtbot.waitUntil(lambda: "Wrote export bundle 1" in page.message.text())
    qtbot.waitUntil(lambda: page.history_model.rowCount() == 1)
    assert len(list(usb.glob("*.eyb"))) == 1

    # Acknowledge, then change the child here and centrally: a conflict.
    central.return_bundle(tmp_path / "ack.eyb", acknowledged=[1])
    page.choose_open_file = lambda *a: tmp_path / "ack.eyb"  # type: ignore[method-assign]
    page.import_button.click()
    qtbot.waitUntil(lambda: "confirmed by the central service" in page.message.text())
    with services.uow.read() as session:
        from earlyyears_desktop.domain.models import Child
        from earlyyears_desktop.sync.records import encode_record

        base = encode_record(session.get(Child, child))
    services.children.update_child(
        child, ChildInput("Maya", "Page", TODAY - dt.timedelta(days=900), key_person="Here")
    )
    theirs = json.loads(json.dumps(base))
    theirs.update(version=3, changed_by_device="central")
    theirs["data"]["key_person"] = "Central"
    central.return_bundle(tmp_path / "conflict.eyb", [theirs])
    page.choose_open_file = lambda *a: tmp_path / "conflict.eyb"  # type: ignore[method-assign]
    page.import_button.click()
    qtbot.waitUntil(lambda: page.conflict_model.rowCount() == 1)
    assert page.conflict_model.item(0, 0).text() == "Maya Page"
    assert "key person" in page.conflict_model.item(0, 2).text()
    assert page.take_button.isEnabled()

    page.take_button.click()
    qtbot.waitUntil(lambda: page.conflict_model.rowCount() == 0)
    assert "central service's version" in page.message.text()
    assert services.children.get_child(child).key_person == "Central"

    # A refused bundle: one plain message, nothing changed.
    (tmp_path / "junk.eyb").write_bytes(b"not a bundle at all")
    page.choose_open_file = lambda *a: tmp_path / "junk.eyb"  # type: ignore[method-assign]
    page.import_button.click()
    qtbot.waitUntil(lambda: "refused" in page.message.text())

    page.clear_personal_data()
    assert page.conflict_model.rowCount() == 0 and page.message.text() == ""


def test_revoked_device_cannot_export_from_the_page(
    page: SyncPage, services: Services, central: Central, tmp_path: Path, qtbot: QtBot
) -> None:
    from .conftest import enrol

    sync = enrol(services, central, tmp_path)
    central.return_bundle(tmp_path / "rev.eyb", revoked=True, reason="device retired")
    sync.import_return(tmp_path / "rev.eyb")
    page.reload()
    qtbot.waitUntil(lambda: "revoked" in page.enrolment_label.text())
    assert "device retired" in page.enrolment_label.text()
    assert not page.export_button.isEnabled()
