"""Erasing a child from the record, the retention rule in Settings and the retention review,
each done by keyboard alone on a real vault."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel, QMessageBox, QWidget

from earlyyears_desktop.domain.enums import ChildStatus
from earlyyears_desktop.services.accounts import UnlockedVault, unlock
from earlyyears_desktop.services.children import ChildInput
from earlyyears_desktop.services.clock import Clock
from earlyyears_desktop.services.container import Services
from earlyyears_desktop.services.observations import ObservationInput
from earlyyears_desktop.ui.child_record import ChildRecordView, read_child_view
from earlyyears_desktop.ui.erase_child import EraseChildDialog
from earlyyears_desktop.ui.retention_review import (
    NO_RULE,
    RetentionBox,
    RetentionReviewDialog,
)

from ..fast_vaults import FAST_KDF, make_vault

#: far after the wall clock, which stamps the records' own change times
DAY = dt.date(2100, 3, 1)
DEEPA = "kettle orange harbour 7"


def _mnemonics(widget: QWidget) -> list[str]:
    keys = []
    for child in widget.findChildren(QAbstractButton) + widget.findChildren(QLabel):
        text = child.text()
        if "&" in text and not text.endswith("&") and "&amp;" not in text:
            keys.append(text[text.index("&") + 1].lower())
    return keys


def _closed_child(services: Services, given: str, seen_on: dt.date) -> str:
    child_id = services.children.create_child(
        ChildInput(given, "Nakamura-Ødegaard", dt.date(2090, 4, 2), status=ChildStatus.CLOSED)
    ).id
    services.observations.add(ObservationInput(child_id, "Sang a song", observed_on=seen_on))
    return child_id


def test_erasing_a_child_from_their_record(qtbot, runner, host, tmp_path) -> None:
    folder = tmp_path / "vault"
    created = make_vault(folder)
    services = Services(created.vault, clock=Clock.fixed(DAY))
    child_id = _closed_child(services, "Yúna", dt.date(2099, 1, 5))
    deepa_id = UnlockedVault.of(services).accounts.add_practitioner(
        "Deepa Nair", "therapist", "", DEEPA, params=FAST_KDF
    )
    deepa = unlock(folder, DEEPA, practitioner_id=deepa_id)
    try:
        # not an administrator: the button says why, and does nothing
        theirs = ChildRecordView(deepa.services, runner, host)
        theirs.show_child(read_child_view(deepa.services, child_id))
        qtbot.waitUntil(lambda: "Ask Amira Haddad" in theirs.erase_button.toolTip(), timeout=5000)
        assert not theirs.erase_button.isEnabled()
        assert theirs.erase_button.accessibleDescription().startswith("Only an administrator")
    finally:
        runner.wait_for_idle()
        deepa.lock()

    view = ChildRecordView(services, runner, host)
    view.resize(1000, 700)
    view.show()
    view.show_child(read_child_view(services, child_id))
    qtbot.waitUntil(view.erase_button.isEnabled, timeout=5000)
    assert view.erase_button.accessibleName() == "Erase this child's records"
    view.erase_button.setFocus()
    qtbot.keyClick(view.erase_button, Qt.Key.Key_Space)
    dialog = view.erase_button.dialog
    assert isinstance(dialog, EraseChildDialog)
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog, timeout=5000)
    text = dialog.findChild(QLabel).text()
    for words in ("cannot be undone", "audit trail", "central service is told", "Backups made"):
        assert words in text
    assert "Yúna Nakamura-Ødegaard" in text
    keys = _mnemonics(dialog)
    assert len(keys) == len(set(keys)), keys
    assert not dialog.erase_button.isEnabled()
    qtbot.keyClicks(dialog.word, "erase")  # not yet: capitals
    assert not dialog.erase_button.isEnabled() and dialog.hint.isVisible()
    dialog.word.clear()
    qtbot.keyClicks(dialog.word, "ERASE")
    assert dialog.erase_button.isEnabled()
    qtbot.keyClick(dialog, Qt.Key.Key_E, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: view.view is None, timeout=10_000)
    assert services.children.search_ids() == []
    assert not view.erase_button.isVisible()
    qtbot.waitUntil(
        lambda: any(
            isinstance(w, QMessageBox) and w.isVisible() and w.windowTitle() == "Records erased"
            for w in QApplication.topLevelWidgets() + host.findChildren(QMessageBox)
        ),
        timeout=5000,
    )
    created.vault.lock()


def test_the_rule_and_the_review_by_keyboard(qtbot, runner, tmp_path) -> None:
    created = make_vault(tmp_path / "vault")
    services = Services(created.vault, clock=Clock.fixed(DAY))
    try:
        review = RetentionReviewDialog(services, runner)
        qtbot.addWidget(review)
        review.show()
        qtbot.waitUntil(lambda: review.summary.text() == NO_RULE, timeout=5000)
        assert not review.table.isVisible() and not review.erase_button.isEnabled()
        review.close()

        box = RetentionBox(services, runner)
        qtbot.addWidget(box)
        box.show()
        box.activateWindow()
        qtbot.waitUntil(lambda: QApplication.activeWindow() is box, timeout=5000)
        box.reload()
        qtbot.waitUntil(lambda: not box.enabled.isChecked(), timeout=5000)
        box.enabled.setFocus()
        qtbot.keyClick(box.enabled, Qt.Key.Key_Space)
        qtbot.keyClick(box.enabled, Qt.Key.Key_Tab)
        assert box.years.hasFocus()
        box.years.selectAll()
        qtbot.keyClicks(box.years, "3")
        qtbot.keyClick(box.years, Qt.Key.Key_Tab)
        qtbot.keyClick(box.save_button, Qt.Key.Key_Space)
        qtbot.waitUntil(lambda: "after 3 years" in box.outcome.text(), timeout=5000)
        assert services.retention.rule() == 3

        first = _closed_child(services, "Aroha", dt.date(2090, 5, 1))
        second = _closed_child(services, "Bongani", dt.date(2095, 5, 1))
        _closed_child(services, "Chidera", dt.date(2099, 5, 1))  # closed too recently
        review = RetentionReviewDialog(services, runner)
        qtbot.addWidget(review)
        review.show()
        review.activateWindow()
        qtbot.waitUntil(lambda: QApplication.activeWindow() is review, timeout=5000)
        qtbot.waitUntil(lambda: review.model.rowCount() == 2, timeout=5000)
        keys = _mnemonics(review)
        assert len(keys) == len(set(keys)), keys
        assert "2 children whose case closed more than 3 years ago" in review.summary.text()
        review.table.setFocus()
        qtbot.keyClick(review.table, Qt.Key.Key_Space)  # ticks the first row
        assert review.ticked() == [first]
        qtbot.keyClick(review, Qt.Key.Key_T, Qt.KeyboardModifier.AltModifier)
        assert review.confirm.hasFocus()
        qtbot.keyClicks(review.confirm, "2")
        assert not review.erase_button.isEnabled() and review.message.isVisible()
        review.confirm.clear()
        qtbot.keyClicks(review.confirm, "1")
        assert review.erase_button.isEnabled()
        qtbot.keyClick(review, Qt.Key.Key_E, Qt.KeyboardModifier.AltModifier)
        qtbot.waitUntil(
            lambda: "1 child's records were erased" in review.outcome.text(), timeout=10_000
        )
        qtbot.waitUntil(lambda: review.model.rowCount() == 1, timeout=5000)
        assert review.model.item(0, 0).text() == "Bongani Nakamura-Ødegaard"
        assert first not in services.children.search_ids()
        assert second in services.children.search_ids()
    finally:
        runner.wait_for_idle()
        created.vault.lock()
