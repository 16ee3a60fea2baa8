"""The error dialog for a bug: what happened, where the details are, and "Copy details".

The details are the incident as the log keeps it (`services.incidents`): an id, the time,
the version, the error types and where in the program they happened. No names, no message, no
record contents, so they can be pasted into an email to support as they are.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from earlyyears_desktop.services.incidents import RecordedIncident
from earlyyears_desktop.ui.error_text import UNEXPECTED_ERROR

TITLE = "Something went wrong"


def incident_text(recorded: RecordedIncident) -> str:
    """What the dialog says (plain text)."""
    lines = [UNEXPECTED_ERROR]
    incident_id = recorded.incident.incident_id
    if recorded.log_file is not None:
        lines.append(f"Details for support are saved as incident {incident_id} in:")
        lines.append(str(recorded.log_file))
    else:
        lines.append(
            f"The details of incident {incident_id} could not be saved, but you can still "
            "copy them."
        )
    lines.append(
        "They say where in the program it happened, never a name or anything from the "
        "records. To ask for help, choose Copy details and paste them into your message."
    )
    return "\n\n".join(lines)


class IncidentDialog(QDialog):
    def __init__(self, recorded: RecordedIncident, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.recorded = recorded
        self.setWindowTitle(TITLE)
        self.setAccessibleName(TITLE)
        self.setMinimumWidth(460)
        layout = QVBoxLayout(self)
        self.message = QLabel(incident_text(recorded))
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.message)
        self.status = QLabel("")
        self.status.setAccessibleName("Copy status")
        layout.addWidget(self.status)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        # An action button: copying leaves the dialog open, so it can be read again.
        self.copy_button = self.buttons.addButton(
            "&Copy details", QDialogButtonBox.ButtonRole.ActionRole
        )
        self.copy_button.clicked.connect(self.copy_details)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.copy_button.setDefault(True)
        self.copy_button.setFocus(Qt.FocusReason.OtherFocusReason)

    def copy_details(self) -> None:
        QGuiApplication.clipboard().setText(self.recorded.incident.details())
        self.status.setText("The details are on the clipboard.")
