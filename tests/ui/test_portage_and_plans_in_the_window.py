"""The pages of Portage and support plans joined up in the window, on the demo: the caseload
opens the visit editor, a finished visit and a plan open their family documents, and a
child's record (its Support plans box and its timeline) opens a plan on the Plans page."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from earlyyears_desktop.ui.document_preview import DocumentPreview
from earlyyears_desktop.ui.home_visits_page import HomeVisitsPage
from earlyyears_desktop.ui.plans_page import PlansPage
from earlyyears_desktop.ui.visit_editor import VisitEditor
from earlyyears_desktop.ui.visit_opening import open_visit_editor


def _one(qtbot, window, kind):  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: len(window.findChildren(kind)) == 1, timeout=10000)
    (found,) = window.findChildren(kind)
    return found


def test_the_caseload_opens_the_visit_and_a_finished_visit_its_documents(
    qtbot, window, unlock
) -> None:  # type: ignore[no-untyped-def]
    unlock(window)
    window.show_page("visits")
    page = window.page("visits")
    assert isinstance(page, HomeVisitsPage)
    qtbot.waitUntil(lambda: page.table.model().rowCount() == 8, timeout=10000)
    # The first family on the demo's caseload has finished visits: Enter on the latest one
    # opens it in the editor, read-only, with its documents for the family.
    page.table.setFocus()
    page.table.selectRow(0)
    qtbot.waitUntil(lambda: page.visits.model().rowCount() > 0, timeout=10000)
    page.visits.setFocus()
    page.visits.selectRow(0)
    qtbot.keyClick(page.visits, Qt.Key.Key_Return)
    editor = _one(qtbot, window, VisitEditor)
    qtbot.waitUntil(lambda: editor.view is not None and editor.isEnabled(), timeout=10000)
    assert editor.view.finished
    assert editor.documents_button.isVisible()
    editor.documents_button.click()
    preview = _one(qtbot, window, DocumentPreview)
    qtbot.waitUntil(lambda: preview.isVisible(), timeout=10000)
    assert preview.document.pageCount() >= 2  # the visit record and the activity chart
    preview.reject()
    editor.reject()

    # Enter on a family starts a visit (or continues the one in progress) in the editor.
    page.table.setFocus()
    page.table.selectRow(0)
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    qtbot.waitUntil(
        lambda: any(not e.view.finished for e in window.findChildren(VisitEditor) if e.view),
        timeout=10000,
    )


def test_a_childs_record_opens_a_plan_on_the_plans_page_and_its_familys_copy(
    qtbot, window, unlock
) -> None:  # type: ignore[no-untyped-def]
    unlock(window)
    services = window.services
    plan = next(r for r in services.support.plans("all") if r.title.startswith("My support plan"))
    window.open_child(plan.child_id)
    record = window.page("children").record
    box = record.plans_box
    qtbot.waitUntil(lambda: any(r.id == plan.id for r in box.rows), timeout=10000)
    row = [r.id for r in box.rows].index(plan.id)
    box.grid.itemAtPosition(row, 1).widget().click()
    plans = window.page("plans")
    assert isinstance(plans, PlansPage)
    assert window.current_key == "plans"
    qtbot.waitUntil(lambda: plans.plan is not None and plans.plan.id == plan.id, timeout=10000)

    plans.family_copy_button.click()
    preview = _one(qtbot, window, DocumentPreview)
    qtbot.waitUntil(lambda: preview.isVisible(), timeout=10000)
    preview.reject()

    # A review on the child's timeline opens its plan too.
    review = services.support.plan(plan.id).reviews[-1]
    window.show_page("children")
    record.timeline.open_requested.emit("plan_review", review.id)
    qtbot.waitUntil(lambda: window.current_key == "plans", timeout=10000)
    assert QApplication.activeModalWidget() is None


def test_in_a_visit_the_keyboard_comes_back_to_it_and_ctrl_l_locks(qtbot, window, unlock) -> None:  # type: ignore[no-untyped-def]
    unlock(window)
    services = window.services
    child = services.caseload.caseload(services.actor.practitioner_id)[0].child_id
    open_visit_editor(window, services, window.runner, child_id=child)
    editor = _one(qtbot, window, VisitEditor)
    qtbot.waitUntil(lambda: editor.view is not None and editor.isEnabled(), timeout=10000)
    editor.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is editor, timeout=5000)
    qtbot.keyClick(editor, Qt.Key.Key_N, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: editor.note_dialog is not None, timeout=5000)
    editor.note_dialog.reject()  # closed with nothing written
    qtbot.waitUntil(lambda: editor.note_dialog is None, timeout=5000)
    qtbot.wait(50)  # the window hands the keyboard back on its next turn
    assert QApplication.activeWindow() is editor

    qtbot.keyClick(editor, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.is_locked, timeout=10000)
    assert not any(e.isVisible() for e in window.findChildren(VisitEditor))
