"""The preview of a family's document, driven offscreen: it shows the pages from memory,
turns and zooms them by keyboard, saves a private copy, prints, and forgets the PDF on Escape.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("PySide6.QtPdfWidgets")

from PySide6.QtCore import Qt
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QMessageBox, QWidget

from earlyyears_desktop.handouts import render_visit_documents
from earlyyears_desktop.services.clock import Clock
from earlyyears_desktop.services.container import Services
from earlyyears_desktop.storage.vault import open_vault
from earlyyears_desktop.ui.document_preview import (
    DocumentPreview,
    render_pdf_to_printer,
    show_family_documents,
)
from earlyyears_desktop.ui.operations import OpRunner

from .conftest import FAMILY_TODAY, FamilyVault, pdf_info, pdf_text


@pytest.fixture
def services(family_vault: FamilyVault) -> Iterator[Services]:
    vault = open_vault(family_vault.folder, family_vault.passphrase)
    try:
        yield Services(vault, clock=Clock.fixed(FAMILY_TODAY))
    finally:
        vault.lock()


@pytest.fixture
def runner() -> Iterator[OpRunner]:
    made = OpRunner()
    yield made
    made.wait_for_idle()


def test_preview_turn_zoom_save_print_and_close(
    qtbot,  # type: ignore[no-untyped-def]
    services: Services,
    runner: OpRunner,
    family_vault: FamilyVault,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    temp = Path(tempfile.gettempdir())
    before = set(temp.iterdir())
    parent = QWidget()
    qtbot.addWidget(parent)
    show_family_documents(
        parent, services, runner, visit_id=family_vault.families["Zoë Adeyemi"].visit_id
    )
    qtbot.waitUntil(lambda: parent.findChild(DocumentPreview) is not None, timeout=20_000)
    preview = parent.findChild(DocumentPreview)
    assert preview is not None and preview.isVisible()
    assert preview.document.status() == QPdfDocument.Status.Ready
    assert preview.document.pageCount() == 2
    assert preview.page_label.text() == "Page 1 of 2"
    assert "visit record and activity chart for Zoë Adeyemi: 2 pages" in preview.message.text()
    assert preview.windowTitle() == "Our visit: preview"
    for button in (preview.print_button, preview.save_button, preview.next_button):
        assert button.accessibleName()
    # Read from memory: no PDF was written anywhere to show it.
    assert not [p for p in set(temp.iterdir()) - before if p.suffix in (".pdf", ".part")]

    qtbot.keyClick(preview, Qt.Key.Key_PageDown)
    assert preview.page_label.text() == "Page 2 of 2"
    assert not preview.next_button.isEnabled()
    qtbot.keyClick(preview, Qt.Key.Key_PageUp)
    assert preview.page_label.text() == "Page 1 of 2"
    fitted = preview.zoom_factor()
    qtbot.keyClick(preview, Qt.Key.Key_Plus, Qt.KeyboardModifier.ControlModifier)
    assert preview.view.zoomMode() == preview.view.ZoomMode.Custom
    assert preview.zoom_factor() > fitted
    bigger = preview.zoom_factor()
    qtbot.keyClick(preview, Qt.Key.Key_Minus, Qt.KeyboardModifier.ControlModifier)
    assert preview.zoom_factor() < bigger
    qtbot.keyClick(preview, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)
    assert preview.view.zoomMode() == preview.view.ZoomMode.FitToWidth

    target = tmp_path / "saved" / "our-visit.pdf"
    target.parent.mkdir()
    offered: list[str] = []
    monkeypatch.setattr(
        preview, "choose_save_path", lambda suggested: offered.append(suggested) or target
    )
    qtbot.keyClick(preview, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: "Saved to" in preview.status.text(), timeout=10_000)
    assert offered == ["visit-record-2026-11-24.pdf"]
    assert os.stat(target).st_mode & 0o777 == 0o600
    assert "Zoë Adeyemi" in pdf_text(target)
    assert [p.name for p in target.parent.iterdir()] == ["our-visit.pdf"]

    printed = tmp_path / "printed.pdf"

    def to_file(printer: QPrinter) -> bool:
        printer.setResolution(72)
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(printed))
        return True

    monkeypatch.setattr(preview, "choose_printer", to_file)
    preview.print_button.click()
    assert preview.status.text() == "Sent 2 pages to the printer."
    assert "Pages:           2" in pdf_info(printed)

    qtbot.keyClick(preview, Qt.Key.Key_Escape)
    assert not preview.isVisible()
    assert preview.family_document is None
    assert preview.document.pageCount() == 0


def test_printing_renders_every_page_to_a_pdf_printer(
    qtbot,  # type: ignore[no-untyped-def]
    services: Services,
    family_vault: FamilyVault,
    tmp_path: Path,
) -> None:
    made = render_visit_documents(services, family_vault.families["Siân Pritchard"].visit_id)
    preview = DocumentPreview(made, OpRunner())
    qtbot.addWidget(preview)
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setResolution(72)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    out = tmp_path / "printed.pdf"
    printer.setOutputFileName(str(out))
    assert render_pdf_to_printer(preview.document, printer) == made.pages
    assert f"Pages:           {made.pages}" in pdf_info(out)
    assert "large print" in preview.message.text()


def test_a_failure_is_said_in_a_message(
    qtbot,  # type: ignore[no-untyped-def]
    services: Services,
    runner: OpRunner,
) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    show_family_documents(parent, services, runner, plan_id="no-such-plan")
    qtbot.waitUntil(lambda: parent.findChild(QMessageBox) is not None, timeout=10_000)
    box = parent.findChild(QMessageBox)
    assert box is not None and "There is no support plan with that id" in box.text()
    assert parent.findChild(DocumentPreview) is None
    with pytest.raises(ValueError, match="exactly one"):
        show_family_documents(parent, services, runner)
