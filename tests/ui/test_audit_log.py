"""Records ▸ Audit log…: opening a child's record in the window is listed once (not per
refresh) by whom and for which child; the filters by keyboard; anyone but an administrator
sees the entry disabled with the reason, and the window refuses them."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel, QWidget

from earlyyears_desktop.services.accounts import UnlockedVault
from earlyyears_desktop.services.audit_views import AuditKind, AuditQuery
from earlyyears_desktop.services.children import ChildInput
from earlyyears_desktop.services.clock import Clock
from earlyyears_desktop.services.container import Services
from earlyyears_desktop.services.unit_of_work import Changes
from earlyyears_desktop.storage.keyslots import KdfParams
from earlyyears_desktop.storage.vault import open_vault
from earlyyears_desktop.ui.audit_log import AuditLogDialog, AuditLogEntry

from ..fast_vaults import PASSPHRASE, make_vault
from .conftest import TODAY

DEEPA = "kettle orange harbour 7"


@pytest.fixture(scope="module")
def small_vault(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, str]:
    """A vault with two children and Deepa (not an administrator), locked; the first child's
    id and Deepa's."""
    folder = tmp_path_factory.mktemp("audit-ui") / "vault"
    services = Services(make_vault(folder).vault, clock=Clock.fixed(TODAY))
    zoe = services.children.create_child(ChildInput("Zoë", "Adeyemi", dt.date(2023, 3, 3))).id
    services.children.create_child(ChildInput("Kofi", "Mensah", dt.date(2022, 9, 9)))
    deepa = UnlockedVault.of(services).accounts.add_practitioner(
        "Deepa Nair", "therapist", "", DEEPA, params=KdfParams.for_tests()
    )
    services.vault.lock()
    return folder, zoe, deepa


@pytest.fixture
def copy(small_vault: tuple[Path, str, str], tmp_path: Path) -> Path:
    return Path(shutil.copytree(small_vault[0], tmp_path / "vault"))


@pytest.fixture
def window(qtbot, copy: Path, runner) -> Iterator[object]:
    from earlyyears_desktop.ui.main_window import MainWindow

    win = MainWindow(copy, runner, clock=Clock.fixed(TODAY))
    qtbot.addWidget(win)
    win.resize(1366, 768)
    win.show()
    yield win
    win.lock()
    win.idle.remove()


def _views(services: Services, child_id: str) -> int:
    return services.audit_views.count(
        AuditQuery(child_id=child_id, kinds=frozenset({AuditKind.VIEWED}))
    )


def _mnemonics(widget: QWidget) -> list[str]:
    texts = [w.text() for w in widget.findChildren(QLabel) + widget.findChildren(QAbstractButton)]
    return [m.lower() for t in texts for m in re.findall(r"&(\w)", t)]


def test_opening_a_record_is_listed_once_and_the_filters_work_by_keyboard(
    qtbot, window, unlock, runner, small_vault: tuple[Path, str, str]
) -> None:
    _folder, zoe, _deepa = small_vault
    unlock(window, PASSPHRASE)
    services = window.services
    qtbot.keyClick(window, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    page = window.page("children")
    qtbot.waitUntil(lambda: page.model.rowCount() == 2, timeout=10_000)
    page.table.setFocus()
    assert page.model.row_of(zoe) == 1  # by name: Kofi, then Zoë
    qtbot.keyClick(page.table, Qt.Key.Key_Home)  # Kofi's record
    qtbot.waitUntil(lambda: page.record.title.text() == "Kofi Mensah", timeout=10_000)
    with qtbot.waitSignal(page.record_shown, timeout=10_000):
        qtbot.keyClick(page.table, Qt.Key.Key_Down)
    assert page.record.title.text() == "Zoë Adeyemi"
    # a refresh of the record shown (a change to the child) is not another opening
    with qtbot.waitSignal(page.record_shown, timeout=10_000):
        runner.changed.emit(Changes({"child": frozenset({zoe})}))
    runner.wait_for_idle()
    assert _views(services, zoe) == 1

    entry = window.audit_log
    qtbot.waitUntil(entry.action.isEnabled, timeout=10_000)
    assert entry.action.text() == "&Audit log…"
    assert entry.action in window.menuBar().actions()[0].menu().actions()
    records = [a.text() for a in window.menuBar().actions()[0].menu().actions() if a.text()]
    firsts = [re.search(r"&(\w)", t).group(1).lower() for t in records]  # type: ignore[union-attr]
    assert len(firsts) == len(set(firsts)), records
    entry.action.trigger()
    dialog = entry.dialog
    assert isinstance(dialog, AuditLogDialog)
    qtbot.waitExposed(dialog)
    model = dialog.model
    qtbot.waitUntil(lambda: model.rowCount() > 0, timeout=10_000)
    opened = [r for r in model.rows if r.what == "Opened the record"]
    assert [(r.who, r.child, r.record_kind) for r in opened] == [
        ("Amira Haddad", "Zoë Adeyemi", "child"),
        ("Amira Haddad", "Kofi Mensah", "child"),
    ]
    qtbot.waitUntil(lambda: dialog.count.text().endswith("events"), timeout=10_000)
    assert dialog.count.text() == f"{model.rowCount()} events"
    mnemonics = _mnemonics(dialog)
    assert len(mnemonics) == len(set(mnemonics)), mnemonics

    # Kind by keyboard: Alt+K, then down to "Viewed"
    qtbot.keyClick(dialog, Qt.Key.Key_K, Qt.KeyboardModifier.AltModifier)
    assert dialog.kind.hasFocus()
    with qtbot.waitSignal(runner.busy, timeout=10_000):
        qtbot.keyClick(dialog.kind, Qt.Key.Key_Down)
    qtbot.waitUntil(lambda: model.rowCount() == 2, timeout=10_000)
    assert {r.what for r in model.rows} == {"Opened the record"}

    # Child by keyboard: Alt+H, type, choose from the list with Down and Enter
    qtbot.keyClick(dialog, Qt.Key.Key_H, Qt.KeyboardModifier.AltModifier)
    assert dialog.child.hasFocus()
    qtbot.keyClicks(dialog.child, "Kofi")
    popup = dialog.child.completer().popup()
    qtbot.waitUntil(popup.isVisible, timeout=10_000)
    qtbot.keyClick(popup, Qt.Key.Key_Down)
    qtbot.keyClick(popup, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: model.rowCount() == 1, timeout=10_000)
    assert model.rows[0].child == "Kofi Mensah"

    # a day after the events: nothing, and the empty state says how to see everything
    last = model.rows[0].at.date()
    dialog.set_day(dialog.from_date, last + dt.timedelta(days=1))
    qtbot.waitUntil(lambda: dialog.empty.isVisible(), timeout=10_000)
    assert model.rowCount() == 0 and "No events match these filters" in dialog.empty.text()
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible()


def test_anyone_else_sees_the_entry_disabled_with_the_reason_and_is_refused(
    qtbot, host, runner, copy: Path, small_vault: tuple[Path, str, str]
) -> None:
    deepa = Services(
        open_vault(copy, DEEPA, practitioner_id=small_vault[2]), clock=Clock.fixed(TODAY)
    )
    try:
        entry = AuditLogEntry(host, runner)
        assert not entry.action.isEnabled()
        entry.attach(deepa)
        reason = "Only an administrator can look at the audit log. Ask Amira Haddad."
        qtbot.waitUntil(lambda: entry.action.toolTip() == reason, timeout=10_000)
        assert not entry.action.isEnabled() and entry.action.statusTip() == reason
        dialog = AuditLogDialog(deepa, runner, host)
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitUntil(dialog.empty.isVisible, timeout=10_000)
        assert dialog.empty.text() == reason
        assert dialog.model.rowCount() == 0 and not dialog.person.isEnabled()
        runner.wait_for_idle()
        QApplication.processEvents()
    finally:
        deepa.vault.lock()
