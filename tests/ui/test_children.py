"""Children and families: the list model, search, filters, adding with a carer and consent."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtTest import QAbstractItemModelTester

from earlyyears_desktop.ui.child_form import ChildForm
from earlyyears_desktop.ui.children_page import ChildrenPage

from .conftest import TODAY


def open_children(qtbot, win) -> ChildrenPage:
    qtbot.keyClick(win, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    page = win.page("children")
    qtbot.waitUntil(lambda: page.model.rowCount() > 0, timeout=5000)
    return page


def search(qtbot, page: ChildrenPage, text: str) -> None:
    with qtbot.waitSignal(page.list_ready, timeout=5000):
        page.search.setText(text)


def test_model_passes_the_tester(qtbot, window, unlock):
    unlock(window)
    page = open_children(qtbot, window)
    QAbstractItemModelTester(page.model, QAbstractItemModelTester.FailureReportingMode.Fatal)
    search(qtbot, page, "a")
    with qtbot.waitSignal(page.list_ready, timeout=5000):
        page.table.horizontalHeader().setSortIndicator(2, Qt.SortOrder.DescendingOrder)
    dobs = [page.model.cached_row(r).date_of_birth for r in range(page.model.rowCount())]
    assert dobs == sorted(dobs, reverse=True)


def test_search_ignores_diacritics_and_filters(qtbot, window, unlock):
    unlock(window)
    page = open_children(qtbot, window)
    total = page.model.rowCount()
    search(qtbot, page, "zoe")
    assert page.model.rowCount() == 1
    assert page.model.cached_row(0).display_name == "Zoë Adeyemi"
    search(qtbot, page, "")
    assert page.model.rowCount() == total
    with qtbot.waitSignal(page.list_ready, timeout=5000):
        page.area.setCurrentIndex(page.area.findData("sensory_physical"))
    assert 0 < page.model.rowCount() < total
    assert all(
        "sensory_physical" in page.model.cached_row(r).areas_of_need
        for r in range(page.model.rowCount())
    )


def fill_child(form: ChildForm, dob: str) -> None:
    form.given.setText("Nia Grace")
    form.family.setText("Ó Súilleabháin")
    form.preferred.setText("Nia")
    form.dob.setText(dob)
    form.areas["communication_and_interaction"].setChecked(True)


def test_add_child_with_carer_and_consent_then_find_after_relock(qtbot, window, unlock):
    unlock(window)
    page = open_children(qtbot, window)
    qtbot.keyClick(page.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    form = page.new_form
    assert isinstance(form, ChildForm) and form.isVisible()
    fill_child(form, "14/03/2024")
    form.carer_name.setText("Siobhán Ó Súilleabháin")
    form.relationship.setText("Mother")
    form.language.setText("Irish")
    form.interpreter.setChecked(True)
    form.fmt.setCurrentIndex(form.fmt.findData("large_print"))
    form.consent_boxes["share_with_agencies"].setChecked(True)
    with qtbot.waitSignal(page.record_shown, timeout=5000):
        form.buttons.accepted.emit()
    record = page.record.view.record
    assert record.display_name == "Nia Ó Súilleabháin"
    assert record.carers[0].preferred_language == "Irish"
    assert record.carers[0].interpreter_needed
    assert [c.kind for c in record.consents] == ["share_with_agencies"]
    assert page.record.withdraw_buttons

    window.lock()
    unlock(window)
    page = window.page("children")
    qtbot.waitUntil(lambda: page.model.rowCount() > 0, timeout=5000)
    search(qtbot, page, "nia suilleabhain")
    assert page.model.rowCount() == 1
    page.table.setCurrentIndex(page.model.index(0, 0))
    qtbot.waitUntil(lambda: page.record.view is not None, timeout=5000)
    assert page.record.view.record.carers[0].accessible_format == "large_print"


def test_validation_messages_beside_fields(qtbot, window, unlock):
    unlock(window)
    page = open_children(qtbot, window)
    total = page.model.rowCount()
    page.add_child()
    form = page.new_form

    form.buttons.accepted.emit()  # everything empty
    qtbot.waitUntil(lambda: form.errors["legal_given_names"].isVisible(), timeout=5000)
    assert form.errors["legal_given_names"].text() == "Please enter the given name."

    fill_child(form, "")
    form.buttons.accepted.emit()
    qtbot.waitUntil(lambda: form.errors["date_of_birth"].isVisible(), timeout=5000)
    assert "date of birth" in form.errors["date_of_birth"].text()
    assert not form.errors["legal_given_names"].isVisible()

    future = window.services.children.today() + dt.timedelta(days=30)
    form.dob.setText(future.strftime("%d/%m/%Y"))
    form.buttons.accepted.emit()
    qtbot.waitUntil(
        lambda: form.errors["date_of_birth"].text() == "The date of birth is in the future.",
        timeout=5000,
    )
    form.dob.setText("31/02/2024")
    form.buttons.accepted.emit()
    assert "day/month/year" in form.errors["date_of_birth"].text()

    # A consent ticked without a carer's name is refused before anything is saved.
    form.dob.setText("01/06/2024")
    form.consent_boxes["photos"].setChecked(True)
    form.buttons.accepted.emit()
    assert form.errors["carer_name"].isVisible()
    assert form.isVisible()
    form.reject()
    window.runner.wait_for_idle()
    page.run_query()
    qtbot.waitUntil(lambda: page.model.rowCount() == total, timeout=5000)


def test_withdraw_consent(qtbot, window, unlock):
    unlock(window)
    page = open_children(qtbot, window)
    search(qtbot, page, "Aarav")
    page.table.setCurrentIndex(page.model.index(0, 0))
    qtbot.waitUntil(lambda: page.record.view is not None, timeout=5000)
    before = sum(c.in_force for c in page.record.view.record.consents)
    page.record.withdraw_buttons[0].click()
    dialog = page.record.withdraw_dialog
    dialog.note.setText("Mother asked us to stop.")
    with qtbot.waitSignal(page.record_shown, timeout=5000):
        dialog.buttons.accepted.emit()
    after = page.record.view.record.consents
    assert sum(c.in_force for c in after) == before - 1
    assert any(c.withdrawn_on == TODAY for c in after)


def test_empty_list_says_what_to_do_next(qtbot, window, unlock):
    unlock(window)
    page = open_children(qtbot, window)
    assert not page.empty_hint.isVisible()
    search(qtbot, page, "nobody by this name")
    assert page.model.rowCount() == 0
    assert page.empty_hint.isVisible() and "filters" in page.empty_hint.text()


def test_names_are_not_cut_short_and_area_short_forms_are_explained(qtbot, window, unlock):
    from earlyyears_desktop.ui.children_model import AREAS_COLUMN

    unlock(window)
    page = open_children(qtbot, window)
    # Searching keeps the names stretched: the spare width goes to them, not to the last
    # column, and every name in the list fits its column at 1366x768.
    search(qtbot, page, "a")
    table, header = page.table, page.table.horizontalHeader()
    metrics = table.fontMetrics()
    for column in (0, 1):
        assert header.sectionResizeMode(column) == header.ResizeMode.Stretch
        widest = max(
            metrics.horizontalAdvance(page.model.index(r, column).data())
            for r in range(page.model.rowCount())
        )
        assert table.columnWidth(column) > widest
    last = page.model.columnCount() - 1
    assert table.columnWidth(last) < table.columnWidth(0) + table.columnWidth(1)
    assert page.record.width() <= 420  # the record does not starve the list
    # The short forms: a legend above the list, the full words on the column heading and
    # on each cell.
    for short, words in (("C&I", "communication and interaction"), ("S/P", "sensory")):
        assert short in page.legend.text() and words in page.legend.text()
    tip = page.model.headerData(
        AREAS_COLUMN, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole
    )
    assert "SEMH social, emotional and mental health" in tip
    row = next(r for r in range(page.model.rowCount()) if page.model.index(r, AREAS_COLUMN).data())
    cell = page.model.index(row, AREAS_COLUMN)
    assert len(cell.data(Qt.ItemDataRole.ToolTipRole)) > len(cell.data())
