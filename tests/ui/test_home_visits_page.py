"""The Home visits page: the worker's caseload with its status in words and its summary,
Enter to start (or continue) a visit and to open one, the empty state, and adding a family
by keyboard, refused beside the field when the child is already on a caseload. The Today page
lists the overdue visits."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QAbstractItemModelTester
from PySide6.QtWidgets import QApplication

from earlyyears_desktop.domain.enums import Role, VisitStatus
from earlyyears_desktop.domain.models import HomeVisit
from earlyyears_desktop.services.children import CarerInput, ChildInput
from earlyyears_desktop.services.clock import Clock
from earlyyears_desktop.services.container import Services
from earlyyears_desktop.ui.caseload_dialogs import AddFamilyDialog
from earlyyears_desktop.ui.caseload_model import WORKER_COLUMN
from earlyyears_desktop.ui.home_visits_page import ALL_WORKERS, HomeVisitsPage
from earlyyears_desktop.ui.today_page import TodayPage

from ..fast_vaults import make_vault

D = dt.date
TODAY = D(2026, 11, 25)  # a Wednesday


@dataclass(frozen=True)
class Caseload:
    services: Services
    ids: dict[str, str]


def _child(services: Services, given: str, family: str, carer: str = "") -> str:
    carers = [CarerInput(carer, "Mother", is_main_contact=True)] if carer else []
    return services.children.create_child(ChildInput(given, family, D(2024, 3, 1)), carers).id


def _visit(services: Services, child: str, on: dt.date, next_on: dt.date | None) -> str:
    return services.home_visits.record(
        child,
        on,
        carers_present="Mum",
        activities="Bubbles",
        family_will_practise="Waiting for a look before blowing more bubbles",
        next_visit_on=next_on,
    ).id


@pytest.fixture(scope="module")
def caseload(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Caseload]:
    folder: Path = tmp_path_factory.mktemp("home-visits") / "vault"
    created = make_vault(folder)
    services = Services(created.vault, clock=Clock.fixed(TODAY))
    ids: dict[str, str] = {}
    ids["zoe"] = _child(services, "Zoë", "Adeyemi", "Funmi Adeyemi")
    ids["kofi"] = _child(services, "Kofi", "Mensah", "Ama Mensah")
    ids["hana"] = _child(services, "Hana", "Nováková", "Petra Nováková")
    ids["amara"] = _child(services, "Amara", "Nwosu")
    ids["nia"] = services.practitioners.add("Nia Roberts", Role.PORTAGE_WORKER.value).id
    opened = D(2026, 11, 1)
    services.caseload.add(ids["zoe"], rhythm="weekly", opened_on=opened)
    services.caseload.add(ids["kofi"], rhythm="fortnightly", opened_on=opened)
    services.caseload.add(ids["hana"], rhythm="monthly", opened_on=opened)
    services.caseload.add(
        ids["amara"], rhythm="weekly", opened_on=D(2026, 12, 7), practitioner_id=ids["nia"]
    )
    _visit(services, ids["zoe"], D(2026, 11, 10), D(2026, 11, 17))  # overdue since the 17th
    _visit(services, ids["kofi"], D(2026, 11, 20), D(2026, 11, 27))  # due on Friday
    ids["hana visit"] = _visit(services, ids["hana"], D(2026, 11, 18), None)
    with services.uow.write() as tx:
        started = HomeVisit(
            child_id=ids["hana"],
            practitioner_id=services.actor.practitioner_id,
            visited_on=TODAY,
            status=VisitStatus.IN_PROGRESS.value,
        )
        tx.session.add(started)
    ids["hana in progress"] = started.id
    yield Caseload(services, ids)
    created.vault.lock()


def _page(qtbot, services: Services, runner) -> HomeVisitsPage:  # type: ignore[no-untyped-def]
    page = HomeVisitsPage(services, runner)
    qtbot.addWidget(page)
    page.resize(1100, 700)
    page.show()
    with qtbot.waitSignal(page.loaded, timeout=5000):
        page.reload()
    return page


def _cells(page: HomeVisitsPage, column: int) -> list[str]:
    model = page.model
    return [str(model.index(r, column).data()) for r in range(model.rowCount())]


def test_the_caseload_shows_who_is_overdue_and_due_in_words(
    qtbot, runner, caseload: Caseload
) -> None:  # type: ignore[no-untyped-def]
    page = _page(qtbot, caseload.services, runner)
    QAbstractItemModelTester(page.model, QAbstractItemModelTester.FailureReportingMode.Fatal)
    assert _cells(page, 0) == ["Zoë Adeyemi", "Kofi Mensah", "Hana Nováková"]
    assert _cells(page, 1) == ["Funmi Adeyemi", "Ama Mensah", "Petra Nováková"]
    assert _cells(page, 2) == ["Weekly", "Fortnightly", "Monthly"]
    assert _cells(page, 3) == ["10 Nov 2026", "20 Nov 2026", "25 Nov 2026"]
    assert _cells(page, 4) == ["Tue 17 Nov 2026", "Fri 27 Nov 2026", "Wed 23 Dec 2026"]
    assert _cells(page, 5) == ["Overdue (8 days)", "Due this week", ""]
    assert page.summary.text() == "3 families · 1 due this week · 1 overdue"
    assert page.table.isColumnHidden(WORKER_COLUMN)
    # Each column is wide enough for its usual text (a long name, the status in words).
    metrics = page.table.fontMetrics()
    assert page.table.columnWidth(0) > metrics.horizontalAdvance("Oisín Patrick Ó Briain")
    assert page.table.columnWidth(4) > metrics.horizontalAdvance("Today, 28 Nov 2026")
    assert not page.empty.isVisible()
    # Every worker's caseload, with who visits each family.
    with qtbot.waitSignal(page.loaded, timeout=5000):
        page.worker.setCurrentIndex(page.worker.findData(ALL_WORKERS))
    assert page.model.rowCount() == 4
    assert not page.table.isColumnHidden(WORKER_COLUMN)
    assert "Nia Roberts" in _cells(page, WORKER_COLUMN)
    assert page.worker.findText("Nia Roberts's caseload") >= 0


def test_enter_starts_a_visit_or_continues_the_one_in_progress(
    qtbot, runner, caseload: Caseload
) -> None:  # type: ignore[no-untyped-def]
    page = _page(qtbot, caseload.services, runner)
    ids = caseload.ids
    page.table.setFocus()
    assert QApplication.focusWidget() is page.table
    with qtbot.waitSignal(page.visits_loaded, timeout=5000):
        page.table.setCurrentIndex(page.model.index(0, 0))
    with qtbot.waitSignal(page.start_visit_requested, timeout=1000) as started:
        qtbot.keyClick(page.table, Qt.Key.Key_Return)
    assert started.args == [ids["zoe"]]
    assert page.visit_button.text().replace("&", "") == "Start a visit"
    # Hana's family has a visit in progress: Enter continues it.
    qtbot.keyClick(page.table, Qt.Key.Key_Down)
    with qtbot.waitSignal(page.visits_loaded, timeout=5000):
        qtbot.keyClick(page.table, Qt.Key.Key_Down)
    assert page.selected() is not None and page.selected().child_id == ids["hana"]
    assert page.visit_button.text().replace("&", "") == "Continue the visit"
    with qtbot.waitSignal(page.open_visit_requested, timeout=1000) as continued:
        qtbot.keyClick(page.table, Qt.Key.Key_Enter)
    assert continued.args == [ids["hana in progress"]]
    # Its visits, newest first, with their status in words; Enter opens one.
    visits = page.visits_model
    assert [visits.index(r, 1).data() for r in range(visits.rowCount())] == [
        "In progress",
        "Finished",
    ]
    assert visits.index(1, 2).data() == "Amira Haddad"
    qtbot.keyClick(page.table, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is page.visits
    page.visits.setCurrentIndex(visits.index(1, 0))
    with qtbot.waitSignal(page.open_visit_requested, timeout=1000) as opened:
        qtbot.keyClick(page.visits, Qt.Key.Key_Return)
    assert opened.args == [ids["hana visit"]]


def test_an_empty_caseload_says_what_to_do_and_a_family_is_added_by_keyboard(
    qtbot, runner, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    created = make_vault(tmp_path / "vault")
    try:
        services = Services(created.vault, clock=Clock.fixed(TODAY))
        child = _child(services, "Siân", "Pritchard", "Rhodri Pritchard")
        page = _page(qtbot, services, runner)
        assert page.empty.isVisible() and not page.table.isVisible()
        assert page.empty.text().startswith("No families on your caseload yet. Add a family…")
        assert "(Ctrl+N)" in page.empty.text()

        qtbot.keyClick(page, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
        dialog = page.dialog
        assert isinstance(dialog, AddFamilyDialog)
        qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.search, timeout=5000)
        qtbot.keyClicks(dialog.search, "sian")
        qtbot.waitUntil(lambda: dialog.results.count() == 1, timeout=5000)
        qtbot.keyClick(dialog.search, Qt.Key.Key_Tab)  # the children found
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)  # the worker
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)  # how often
        assert QApplication.focusWidget() is dialog.rhythm
        qtbot.keyClick(dialog.rhythm, Qt.Key.Key_Up)  # fortnightly -> weekly
        with qtbot.waitSignal(page.loaded, timeout=5000):
            qtbot.keyClick(dialog.rhythm, Qt.Key.Key_Return)
        assert _cells(page, 0) == ["Siân Pritchard"]
        assert _cells(page, 2) == ["Weekly"]
        assert _cells(page, 5) == ["Due this week"]  # the first visit: today
        assert page.summary.text() == "1 family · 1 due this week · 0 overdue"
        assert not page.empty.isVisible()

        # The same child again: refused beside the list of children found.
        page.add_family()
        again = page.dialog
        assert isinstance(again, AddFamilyDialog)
        qtbot.keyClicks(again.search, "pritch")
        qtbot.waitUntil(lambda: again.results.count() == 1, timeout=5000)
        qtbot.keyClick(again.search, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: again.errors["child"].isVisible(), timeout=5000)
        assert "already on Amira Haddad's caseload" in again.errors["child"].text()
        assert len(services.caseload.caseload(None)) == 1
        again.reject()
        assert child == page.selected().child_id  # type: ignore[union-attr]
    finally:
        runner.wait_for_idle()
        created.vault.lock()


def test_today_lists_the_overdue_visits(qtbot, runner, caseload: Caseload) -> None:  # type: ignore[no-untyped-def]
    today = TodayPage(caseload.services, runner)
    qtbot.addWidget(today)
    today.show()
    with qtbot.waitSignal(today.loaded, timeout=5000):
        today.reload()
    assert today.overdue_box.isVisible()
    assert today.overdue_box.title() == "Overdue visits"
    items = [today.overdue.item(n) for n in range(today.overdue.count())]
    assert [i.text() for i in items] == ["Zoë Adeyemi · was due on 17 Nov 2026 · 8 days overdue"]
    with qtbot.waitSignal(today.child_requested, timeout=1000) as opened:
        today.overdue.setCurrentRow(0)
        today.overdue.setFocus()
        qtbot.keyClick(today.overdue, Qt.Key.Key_Return)
    assert opened.args == [caseload.ids["zoe"]]
