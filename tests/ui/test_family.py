"""A child's family and team on the record: carers, team members and consents, through the
real dialogs, saved in the real vault; refusals shown beside the field, nothing saved."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QMessageBox

from earlyyears_desktop.ui.children_page import ChildrenPage
from earlyyears_desktop.ui.family_dialogs import CarerDialog, ConsentDialog, TeamMemberDialog


def open_first_child(qtbot, win) -> ChildrenPage:
    qtbot.keyClick(win, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    page = win.page("children")
    qtbot.waitUntil(lambda: page.model.rowCount() > 0, timeout=5000)
    page.table.setCurrentIndex(page.model.index(0, 0))
    qtbot.waitUntil(lambda: page.record.view is not None, timeout=5000)
    return page


def reshown(qtbot, page: ChildrenPage, check) -> None:
    """Wait for the record to be read again after a change and to satisfy `check`."""
    qtbot.waitUntil(
        lambda: page.record.view is not None and check(page.record.view.record),
        timeout=5000,
    )


def test_carers_added_edited_and_removed(qtbot, window, unlock):
    unlock(window)
    page = open_first_child(qtbot, window)
    child_id = page.record.view.record.id
    before = len(page.record.view.record.carers)

    page.record.add_carer_button.click()
    dialog = page.record.dialog
    assert isinstance(dialog, CarerDialog) and dialog.isVisible()
    # Refused: no name. The message is beside the name; nothing is saved.
    dialog.email.setText("amal@example.org")
    dialog.save_button.click()
    qtbot.waitUntil(lambda: dialog.errors["carer_name"].isVisible(), timeout=5000)
    assert "name" in dialog.errors["carer_name"].text().lower()
    assert len(window.services.children.get_child(child_id).carers) == before

    dialog.name.setText("Amal Haddad")
    dialog.relationship.setText("Aunt")
    dialog.language.setText("Arabic")
    dialog.interpreter.setChecked(True)
    dialog.format.setCurrentIndex(dialog.format.findData("large_print"))
    dialog.save_button.click()
    reshown(qtbot, page, lambda r: len(r.carers) == before + 1)
    carer = next(c for c in page.record.view.record.carers if c.name == "Amal Haddad")
    assert (carer.preferred_language, carer.interpreter_needed) == ("Arabic", True)
    assert carer.accessible_format == "large_print" and not carer.is_main_contact

    # Edit: make her the main contact, through the record's own Edit button.
    edit = next(b for b in page.record.carer_buttons if b.accessibleName() == "Edit Amal Haddad")
    edit.click()
    dialog = page.record.dialog
    assert dialog.name.text() == "Amal Haddad"
    dialog.main_contact.setChecked(True)
    qtbot.keyClick(dialog.phone, Qt.Key.Key_Return)  # Enter saves
    reshown(
        qtbot, page, lambda r: any(c.is_main_contact and c.name == "Amal Haddad" for c in r.carers)
    )

    # Remove, after saying yes.
    remove = next(
        b for b in page.record.carer_buttons if b.accessibleName() == "Remove Amal Haddad"
    )
    remove.click()
    box = page.record.dialog
    assert isinstance(box, QMessageBox) and box.isVisible()
    yes = next(b for b in box.buttons() if b.text() == "&Remove")
    yes.click()
    reshown(qtbot, page, lambda r: all(c.name != "Amal Haddad" for c in r.carers))
    assert len(window.services.children.get_child(child_id).carers) == before


def test_team_member_added_and_made_lead(qtbot, window, unlock):
    unlock(window)
    page = open_first_child(qtbot, window)
    page.record.add_member_button.click()
    dialog = page.record.dialog
    assert isinstance(dialog, TeamMemberDialog)
    dialog.save_button.click()  # no name
    qtbot.waitUntil(lambda: dialog.errors["member_name"].isVisible(), timeout=5000)

    dialog.name.setText("Jo Whitfield")
    dialog.role.setText("Portage home visitor")
    dialog.agency.setText("Portage Service")
    dialog.email.setText("jo.whitfield@example.org")
    dialog.save_button.click()
    reshown(qtbot, page, lambda r: any(m.name == "Jo Whitfield" for m in r.team))

    edit = next(b for b in page.record.team_buttons if b.accessibleName() == "Edit Jo Whitfield")
    edit.click()
    dialog = page.record.dialog
    dialog.lead.setChecked(True)
    dialog.save_button.click()
    reshown(
        qtbot,
        page,
        lambda r: r.lead_professional is not None and r.lead_professional.name == "Jo Whitfield",
    )
    # One lead professional only: the previous one is no longer lead.
    assert sum(m.is_lead_professional for m in page.record.view.record.team) == 1
    assert "Jo Whitfield" in page.record.detail_labels["lead"].text()


def test_consent_recorded_with_validation(qtbot, window, unlock):
    unlock(window)
    page = open_first_child(qtbot, window)
    record = page.record.view.record
    before = len(record.consents)
    page.record.record_consent_button.click()
    dialog = page.record.dialog
    assert isinstance(dialog, ConsentDialog)
    assert dialog.given_by.currentText() == record.carers[0].name

    dialog.save_button.click()  # nothing chosen
    assert dialog.errors["consent_kind"].isVisible()

    dialog.kind.setCurrentIndex(dialog.kind.findData("photos"))
    future = window.services.children.today() + dt.timedelta(days=3)
    dialog.given_on.setDate(dialog.given_on.date().addDays(3))
    assert dialog.given_on.date().toPython() == future
    dialog.save_button.click()
    qtbot.waitUntil(lambda: dialog.errors["given_on"].isVisible(), timeout=5000)
    assert "future" in dialog.errors["given_on"].text()
    assert len(window.services.children.get_child(record.id).consents) == before

    dialog.given_on.setDate(dialog.given_on.date().addDays(-3))
    dialog.given_by.setCurrentText("")
    dialog.save_button.click()
    qtbot.waitUntil(lambda: dialog.errors["given_by"].isVisible(), timeout=5000)

    dialog.given_by.setCurrentText(record.carers[0].name)
    dialog.note.setText("Photos for the group's own wall only")
    dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()
    reshown(qtbot, page, lambda r: len(r.consents) == before + 1)
    assert page.record.view.record.consent_in_force("photos")
    assert any("Photographs" in b.accessibleName() for b in page.record.withdraw_buttons)
