"""The preview of a meeting's letters, offscreen and by keyboard alone: who is held back and
why, the list of letters, one file per family, and the sending recorded afterwards; and the
parents' questionnaire through the same `show_family_documents`."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("PySide6.QtPdfWidgets")

from benchmarks.meeting_records import MEETING_DAY, TODAY, family
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from earlyyears_desktop.services.clock import Clock
from earlyyears_desktop.services.container import Services
from earlyyears_desktop.services.meetings import DiscussionInput
from earlyyears_desktop.storage.vault import open_vault
from earlyyears_desktop.ui.document_preview import DocumentPreview, show_family_documents
from earlyyears_desktop.ui.letters_preview import LettersPreview
from earlyyears_desktop.ui.operations import OpRunner

from .conftest import MeetingVault, pdf_text


@pytest.fixture
def services(meeting_vault: MeetingVault, tmp_path: Path) -> Iterator[Services]:
    folder = tmp_path / "vault"
    shutil.copytree(meeting_vault.folder, folder)  # the test records letters as sent
    vault = open_vault(folder, meeting_vault.passphrase)
    try:
        yield Services(vault, clock=Clock.fixed(TODAY))
    finally:
        vault.lock()


@pytest.fixture
def runner() -> Iterator[OpRunner]:
    made = OpRunner()
    yield made
    made.wait_for_idle()


def _key(qtbot, widget: QWidget, key: Qt.Key, modifier=Qt.KeyboardModifier.NoModifier) -> None:  # type: ignore[no-untyped-def]
    """A key pressed where the dialog's keyboard focus is (offscreen, the dialog need not be
    the active window, so the application's focus widget may be another test's)."""
    target = widget.focusWidget() or widget
    qtbot.keyClick(target, key, modifier)


def test_the_letters_previewed_saved_per_family_and_recorded_as_sent_by_keyboard(
    qtbot,  # type: ignore[no-untyped-def]
    services: Services,
    runner: OpRunner,
    meeting_vault: MeetingVault,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    records = meeting_vault.records
    parent = QWidget()
    qtbot.addWidget(parent)
    parent.show()
    show_family_documents(parent, services, runner, meeting_id=records.meeting_id)
    qtbot.waitUntil(lambda: parent.findChild(LettersPreview) is not None, timeout=20_000)
    preview = parent.findChild(LettersPreview)
    assert preview is not None and preview.isVisible()
    preview.activateWindow()
    qtbot.waitUntil(preview.isActiveWindow, timeout=5_000)
    assert preview.windowTitle() == "Letters after the meeting: preview"
    assert "5 letters on" in preview.message.text()
    held = family(5)
    assert preview.held_back.isVisible()
    assert f"Held back: {held[0]} {held[1]}. No outcome is recorded" in preview.held_back.text()
    assert preview.contents.count() == 5
    assert preview.contents.item(1).text().startswith(f"2. {family(1)[0]} {family(1)[1]}: pages 3")
    assert not preview.record_row.isVisible()
    for widget in (preview.per_family_button, preview.contents, preview.sent_how):
        assert widget.accessibleName()

    # the list of letters: Enter on the second shows its first page
    preview.contents.setFocus()
    preview.contents.setCurrentRow(0)
    _key(qtbot, preview, Qt.Key.Key_Down)
    _key(qtbot, preview, Qt.Key.Key_Return)
    assert preview.page_label.text().startswith("Page 3 of")

    # the meeting's editor stays open beside the preview: an outcome recorded there now is not
    # in the letters previewed, so neither in the files saved nor among the letters recorded
    # as sent
    services.meetings.record_discussion(
        records.without_outcome[0], DiscussionInput(outcome="Recorded after the preview.")
    )
    folder = tmp_path / "letters"
    folder.mkdir()
    monkeypatch.setattr(preview, "choose_folder", lambda: folder)
    _key(qtbot, preview, Qt.Key.Key_O, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: preview.status.text().startswith("Saved 5 letters"), timeout=20_000)
    day = MEETING_DAY.isoformat()
    assert f"letter-01-{day}.pdf to letter-05-{day}.pdf" in preview.status.text()
    files = sorted(folder.iterdir())
    assert [p.name for p in files] == [f"letter-0{n}-{day}.pdf" for n in range(1, 6)]
    assert all(os.stat(p).st_mode & 0o777 == 0o600 for p in files)
    assert "Zoë Adeyemi" in pdf_text(files[0])

    # saved: the sending can be recorded, by keyboard (offscreen, the window a progress dialog
    # leaves is not made active again by itself)
    preview.activateWindow()
    qtbot.waitUntil(preview.isActiveWindow, timeout=5_000)
    assert preview.record_row.isVisible()
    assert preview.sent_on.date().toPython() == TODAY
    assert preview.focusWidget() in (preview.sent_how, preview.sent_how.lineEdit())
    preview.sent_how.lineEdit().selectAll()
    qtbot.keyClicks(preview.sent_how.lineEdit(), "By hand at nursery")
    changed: list[object] = []
    runner.changed.connect(changed.append)
    _key(qtbot, preview, Qt.Key.Key_E, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: preview.status.text().startswith("Recorded"), timeout=10_000)
    assert preview.status.text().startswith("Recorded 5 letters as sent (by hand at nursery)")
    assert not preview.record_row.isVisible() and changed
    for discussion_id in records.discussion_ids:
        view = services.meetings.discussion(discussion_id)
        if discussion_id in records.without_outcome:
            assert view.letter_sent_on is None
        else:
            assert (view.letter_sent_on, view.letter_sent_how) == (TODAY, "By hand at nursery")

    # saving again into the same folder asks before replacing
    asked: list[str] = []
    monkeypatch.setattr(preview, "confirm_replace", lambda m: asked.append(m) or False)
    preview.per_family_button.click()
    qtbot.waitUntil(lambda: preview.status.text() == "Nothing was saved.", timeout=20_000)
    assert asked and "already has" in asked[0]

    _key(qtbot, preview, Qt.Key.Key_Escape)
    assert not preview.isVisible() and preview.family_document is None


def test_the_questionnaire_and_a_meeting_without_letters(
    qtbot,  # type: ignore[no-untyped-def]
    services: Services,
    runner: OpRunner,
    meeting_vault: MeetingVault,
) -> None:
    from PySide6.QtWidgets import QMessageBox

    parent = QWidget()
    qtbot.addWidget(parent)
    show_family_documents(
        parent, services, runner, referral_id=meeting_vault.records.unplanned_referral_id
    )
    qtbot.waitUntil(lambda: parent.findChild(DocumentPreview) is not None, timeout=20_000)
    preview = parent.findChild(DocumentPreview)
    assert preview is not None and not isinstance(preview, LettersPreview)
    assert preview.windowTitle() == "Parents' questionnaire: preview"
    assert "parents' questionnaire for Yusuf Demir: 2 pages" in preview.message.text()
    preview.reject()

    show_family_documents(parent, services, runner, meeting_id=meeting_vault.none_ready.meeting_id)
    qtbot.waitUntil(lambda: parent.findChild(QMessageBox) is not None, timeout=10_000)
    box = parent.findChild(QMessageBox)
    assert box is not None and "no outcome is recorded for any child" in box.text()
    box.close()
    qtbot.waitUntil(lambda: parent.findChild(QMessageBox) is None, timeout=5_000)

    # a meeting still planned: its letters wait until it is marked held
    planned = meeting_vault.records.next_meeting_id
    [discussion] = services.meetings.meeting(planned).discussions
    services.meetings.record_discussion(discussion.id, DiscussionInput(outcome="Decided early."))
    show_family_documents(parent, services, runner, meeting_id=planned)
    qtbot.waitUntil(lambda: parent.findChild(QMessageBox) is not None, timeout=10_000)
    box = parent.findChild(QMessageBox)
    assert box is not None
    assert box.text() == (
        "Mark the meeting as held first: the letters tell the family what it decided."
    )
    with pytest.raises(ValueError, match="exactly one"):
        show_family_documents(parent, services, runner, plan_id="p", meeting_id="m")
