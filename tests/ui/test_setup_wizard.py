"""First run: the setup wizard end to end, creating a real vault."""

from __future__ import annotations

from PySide6.QtWidgets import QWizard

from earlyyears_desktop.storage.vault import is_vault, open_vault, unlock_choices
from earlyyears_desktop.ui.passphrase_fields import passphrase_strength
from earlyyears_desktop.ui.setup_wizard import CHECK_GROUP, SetupWizard


def test_strength_meter_words():
    assert "at least" in passphrase_strength("short")[1]
    weak, _ = passphrase_strength("abcdefghij")
    strong, words = passphrase_strength("Kettle orange harbour 7 lighthouse")
    assert strong > weak and words == "Strong."


def test_setup_wizard_end_to_end(qtbot, tmp_path, runner):
    folder = tmp_path / "new-vault"
    wizard = SetupWizard(folder, runner)
    qtbot.addWidget(wizard)
    wizard.show()
    next_button = wizard.button(QWizard.WizardButton.NextButton)

    wizard.team_page.team.setText("Cherwell Early Years SEND Team")
    next_button.click()
    assert wizard.currentPage() is wizard.practitioner_page
    wizard.practitioner_page.name.setText("Amira Haddad")
    wizard.practitioner_page.role.setCurrentIndex(wizard.practitioner_page.role.findData("senco"))
    next_button.click()

    page = wizard.passphrase_page
    page.passphrase.setText("too short")
    page.again.setText("too short")
    next_button.click()
    assert wizard.currentPage() is page
    assert "at least" in page.error.text()
    page.passphrase.setText("kettle orange harbour 7")
    page.again.setText("kettle orange harbour 8")
    next_button.click()
    assert "not the same" in page.error.text()
    page.again.setText("kettle orange harbour 7")
    next_button.click()

    # Creation runs on the database thread; the wizard moves on by itself when it is done.
    qtbot.waitUntil(lambda: wizard.currentPage() is wizard.key_page, timeout=15_000)
    assert is_vault(folder)
    key = wizard.created.recovery_key
    assert wizard.key_page.key.text().replace("\n", "") == key  # hyphens shown, as typed
    # Print… opens the system's print dialog; nothing is printed unless it is confirmed.
    from PySide6.QtPrintSupport import QPrintDialog

    wizard.key_page.print_button.click()
    dialog = wizard.key_page.print_dialog
    assert isinstance(dialog, QPrintDialog) and dialog.isVisible()
    dialog.reject()
    assert not next_button.isEnabled()  # until the user says they kept it
    wizard.key_page.kept.setChecked(True)
    assert next_button.isEnabled()
    next_button.click()
    assert wizard.currentPage() is wizard.check_page

    finish = wizard.button(QWizard.WizardButton.FinishButton)
    wizard.check_page.group.setText("WRONG")
    finish.click()
    assert "does not match" in wizard.check_page.error.text()
    wizard.check_page.group.setText(key.split("-")[CHECK_GROUP - 1].lower())
    with qtbot.waitSignal(wizard.vault_ready, timeout=5000) as ready:
        finish.click()
    created = ready.args[0]
    assert created.unlocked.practitioner_id
    assert not created.unlocked.is_locked
    # The device keys were made with the vault, ready for enrolment.
    from earlyyears_desktop.sync.device import DeviceSync

    assert DeviceSync(created.unlocked.services).device_keys() is not None
    created.unlocked.lock()

    # The vault opens with the passphrase and with the recovery key.
    assert [c.label for c in unlock_choices(folder)] == ["Amira Haddad"]
    open_vault(folder, "kettle orange harbour 7").lock()
    open_vault(folder, key).lock()
