"""A bug met in the app: the error dialog copies the incident's details, never a child's data."""

from __future__ import annotations

import stat
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication
from sqlalchemy import text

from earlyyears_desktop.storage.incident_log import LOG_FILE_NAME
from earlyyears_desktop.storage.vault import open_vault
from earlyyears_desktop.ui.app import Launcher
from earlyyears_desktop.ui.incident_dialog import IncidentDialog

from .conftest import PASSPHRASE


def damage_a_childs_date_of_birth(folder: Path) -> tuple[str, str, str]:
    """Give a child their own name as date of birth: reading them raises ValueError with the
    name in its message. Returns the given names, family name and NHS number."""
    vault = open_vault(folder, PASSPHRASE)
    try:
        with vault.engine.begin() as conn:
            row = conn.execute(
                text(
                    "SELECT id, legal_given_names, legal_family_name, nhs_number FROM children "
                    "WHERE nhs_number IS NOT NULL AND deleted_at IS NULL LIMIT 1"
                )
            ).one()
            conn.execute(
                text("UPDATE children SET date_of_birth = :name WHERE id = :id"),
                {"name": f"{row.legal_given_names} {row.legal_family_name}", "id": row.id},
            )
    finally:
        vault.lock()
    return row.legal_given_names, row.legal_family_name, row.nhs_number


def test_a_failure_reading_a_child_offers_the_details_without_the_childs_data(
    qtbot, demo_vault: Path, unlock, incident_log_folder: Path
) -> None:
    secrets = damage_a_childs_date_of_birth(demo_vault)
    launcher = Launcher(QApplication.instance(), demo_vault)
    launcher.start()
    window = launcher.window
    assert window is not None
    qtbot.addWidget(window)
    try:
        # Opening the vault reads the children for the pages: the damaged one fails.
        with qtbot.waitSignal(launcher.runner.incident, timeout=20_000) as incident:
            unlock(window)
        recorded = incident.args[0]
        dialog = launcher.incident_dialog
        assert isinstance(dialog, IncidentDialog) and dialog.isVisible()
        incident_id = recorded.incident.incident_id
        log_file = incident_log_folder / LOG_FILE_NAME
        assert f"incident {incident_id} in:\n\n{log_file}" in dialog.message.text()

        QGuiApplication.clipboard().clear()
        qtbot.mouseClick(dialog.copy_button, Qt.MouseButton.LeftButton)
        copied = QGuiApplication.clipboard().text()

        assert copied.startswith(f"incident {incident_id}\n")
        assert "program: earlyyears-desktop 0.1.0" in copied
        assert "error: ValueError\n" in copied
        assert "earlyyears_desktop/services/" in copied
        assert dialog.isVisible()  # copying leaves the dialog open
        assert dialog.status.text() == "The details are on the clipboard."
        logged = log_file.read_text(encoding="utf-8")
        assert copied in logged
        for secret in (*secrets, *secrets[0].split(), "Invalid isoformat"):
            assert secret not in copied
            assert secret not in logged
            assert secret not in dialog.message.text()
        assert stat.S_IMODE(log_file.stat().st_mode) == 0o600
    finally:
        launcher.runner.wait_for_idle()
        window.lock()
        window.idle.remove()


def test_an_error_escaping_a_slot_is_recorded_and_shown(
    qtbot, tmp_path: Path, incident_log_folder: Path
) -> None:
    launcher = Launcher(QApplication.instance(), tmp_path / "no-vault-yet")
    launcher.start()  # the setup wizard
    assert launcher.wizard is not None
    qtbot.addWidget(launcher.wizard)
    try:
        {"name": "Amelia Okonkwo"}["nhs number 9434765919"]
    except KeyError as exc:
        launcher.report_unexpected(KeyError, exc, exc.__traceback__)
    dialog = launcher.incident_dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.parent() is launcher.wizard
    logged = (incident_log_folder / LOG_FILE_NAME).read_text(encoding="utf-8")
    assert "error: KeyError\n" in logged
    assert "test_incident_dialog.py:" in logged
    assert "9434765919" not in logged and "Amelia" not in logged
    dialog.close()
    assert launcher.incident_dialog is None
