"""The Handouts page, driven offscreen: make, preview from memory, save, print, clear."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

pytest.importorskip("PySide6.QtPdfWidgets")

from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrinter

from earlyyears_desktop.services.container import Services
from earlyyears_desktop.ui import main_window
from earlyyears_desktop.ui.handouts_page import HandoutsPage
from earlyyears_desktop.ui.operations import OpRunner

from .conftest import INCLUDED, NO_CONSENT, Prepared, pdf_info


@pytest.fixture
def page(qtbot, services: Services) -> HandoutsPage:
    runner = OpRunner()
    widget = HandoutsPage(services, runner)
    qtbot.addWidget(widget)
    widget.resize(1000, 800)
    widget.show()
    yield widget
    runner.wait_for_idle()


def _made(qtbot, page: HandoutsPage) -> None:
    page.make_handouts()
    qtbot.waitUntil(
        lambda: (
            page.document.status() == QPdfDocument.Status.Ready and page.document.pageCount() > 0
        ),
        timeout=20_000,
    )


def test_make_preview_save_print_and_clear(
    qtbot, page: HandoutsPage, prepared: Prepared, tmp_path: Path, monkeypatch
) -> None:
    before = set(Path(os.environ.get("TMPDIR", "/tmp")).iterdir())
    page.reload()
    qtbot.waitUntil(lambda: page.session_box.count() > 0)
    assert page.current_session().id == prepared.session_id  # newest first
    assert not page.print_button.isEnabled() and not page.save_button.isEnabled()
    # Before anything is made the preview's place says what to do, not a blank grey box.
    assert page.preview_stack.currentWidget() is page.empty_state
    assert "press Make handouts" in page.empty_state.text()

    _made(qtbot, page)
    assert page.preview_stack.currentWidget() is page.preview
    rendered = page._rendered
    assert rendered is not None
    assert page.document.pageCount() == rendered.pages
    assert f"{len(INCLUDED)} handouts on {rendered.pages} pages" in page.message.text()
    assert page.skipped_label.isVisible()
    assert NO_CONSENT in page.skipped_label.text()
    assert page.print_button.isEnabled() and page.save_button.isEnabled()
    # The preview is read from memory: no PDF was written anywhere for it.
    assert not list(tmp_path.rglob("*.pdf"))
    after = set(Path(os.environ.get("TMPDIR", "/tmp")).iterdir())
    assert not [p for p in after - before if p.suffix in (".pdf", ".part")]

    target = tmp_path / "saved" / "handouts.pdf"
    target.parent.mkdir()
    monkeypatch.setattr(page, "choose_save_path", lambda suggested: target)
    page.save_pdf()
    qtbot.waitUntil(lambda: "Saved the handouts" in page.message.text(), timeout=10_000)
    assert target.read_bytes() == rendered.pdf
    assert os.stat(target).st_mode & 0o777 == 0o600
    assert [p.name for p in target.parent.iterdir()] == ["handouts.pdf"]

    printed = tmp_path / "printed.pdf"

    def to_file(printer: QPrinter) -> bool:
        printer.setResolution(72)  # small images: this is a test, not a print shop
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(printed))
        return True

    monkeypatch.setattr(page, "choose_printer", to_file)
    page.print_handouts()
    assert f"Sent {rendered.pages} pages to the printer" in page.message.text()
    assert f"Pages:           {rendered.pages}" in pdf_info(printed)

    page.clear_personal_data()
    assert page.document.pageCount() == 0
    assert page.session_box.count() == 0
    assert page.skipped_label.text() == "" and not page.skipped_label.isVisible()
    assert page._rendered is None
    assert not page.print_button.isEnabled() and not page.save_button.isEnabled()
    assert page.preview_stack.currentWidget() is page.empty_state


def test_only_sessions_a_family_goes_home_from_are_offered(
    qtbot, page: HandoutsPage, prepared: Prepared
) -> None:
    page.reload()
    qtbot.waitUntil(lambda: page.session_box.count() > 0)
    assert page.session_box.findData(prepared.future_session_id) == -1
    dates = [s.date for s in page._sessions]
    assert dates == sorted(dates, reverse=True)


def test_the_main_window_has_the_page() -> None:
    """A page of its own, not a placeholder (tests/ui/test_navigation.py checks the window
    builds every such page as the real one)."""
    assert "handouts" in {spec.key for spec in main_window.PAGES}


def test_names_that_may_not_print_are_shown(
    qtbot, page: HandoutsPage, services: Services, prepared: Prepared
) -> None:
    from .script_names import add_child

    add_child(services, prepared.session_id, "Ava\U0003fffd", "Stone", "Jo Stone")
    page.reload()
    qtbot.waitUntil(lambda: page.session_box.count() > 0)
    _made(qtbot, page)
    assert "Some names may not print correctly: Ava\U0003fffd." in page.message.text()
