"""Settings: auto-lock time, high contrast, and the people who use this laptop."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from earlyyears_desktop.domain.enums import Discipline, Role
from earlyyears_desktop.domain.errors import DomainError, ValidationError
from earlyyears_desktop.services.container import Services
from earlyyears_desktop.services.practitioners import PractitionerRow, check_role
from earlyyears_desktop.storage.vault import check_passphrase_strength
from earlyyears_desktop.ui.operations import OpRunner
from earlyyears_desktop.ui.preferences import Preferences
from earlyyears_desktop.ui.widgets import FieldError, heading


def add_practitioner(
    services: Services, name: str, role: str, discipline: str, passphrase: str
) -> str:
    """A colleague with their own passphrase slot; runs on the database thread."""
    check_passphrase_strength(passphrase)
    _, practitioner_id = services.practitioners.add(name, role, discipline)
    slot = services.vault.add_passphrase(practitioner_id, name.strip(), passphrase)
    services.practitioners.set_key_slot(practitioner_id, slot.id)
    return practitioner_id


class SettingsPage(QWidget):
    auto_lock_changed = Signal(int)  # minutes
    high_contrast_changed = Signal(bool)

    def __init__(
        self,
        services: Services,
        runner: OpRunner,
        preferences: Preferences,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.services = services
        self.runner = runner
        self.preferences = preferences
        self.setAccessibleName("Settings")
        layout = QVBoxLayout(self)
        layout.addWidget(heading("Settings"))

        screen = QGroupBox("This laptop")
        form = QFormLayout(screen)
        self.auto_lock = QSpinBox()
        self.auto_lock.setRange(1, 60)
        self.auto_lock.setSuffix(" minutes")
        self.auto_lock.setValue(preferences.auto_lock_minutes)
        self.auto_lock.setAccessibleName("Lock automatically after this many idle minutes")
        self.auto_lock.valueChanged.connect(self._auto_lock)
        form.addRow("&Lock automatically after:", self.auto_lock)
        self.contrast = QCheckBox("Use &high-contrast colours")
        self.contrast.setAccessibleName("Use high-contrast colours")
        self.contrast.setChecked(preferences.high_contrast)
        self.contrast.toggled.connect(self._contrast)
        form.addRow(self.contrast)
        hint = QLabel("Text size follows the size chosen in your computer's display settings.")
        hint.setWordWrap(True)
        form.addRow(hint)
        layout.addWidget(screen)

        people = QGroupBox("People who use this laptop")
        people_layout = QVBoxLayout(people)
        intro = QLabel(
            "Each person unlocks the records with their own passphrase, so the records show "
            "who made each change."
        )
        intro.setWordWrap(True)
        people_layout.addWidget(intro)
        self.people = QListWidget()
        self.people.setAccessibleName("Practitioners")
        self.people.setMaximumHeight(self.fontMetrics().lineSpacing() * 8)
        people_layout.addWidget(self.people)
        row = QHBoxLayout()
        self.add_button = QPushButton("A&dd a practitioner…")
        self.add_button.setAccessibleName("Add a practitioner with their own passphrase")
        self.add_button.clicked.connect(self.open_add_practitioner)
        row.addWidget(self.add_button)
        row.addStretch(1)
        people_layout.addLayout(row)
        self.message = QLabel("")
        self.message.setWordWrap(True)
        people_layout.addWidget(self.message)
        layout.addWidget(people)
        layout.addStretch(1)

    def _auto_lock(self, minutes: int) -> None:
        self.preferences.auto_lock_minutes = minutes
        self.auto_lock_changed.emit(minutes)

    def _contrast(self, on: bool) -> None:
        self.preferences.high_contrast = on
        self.high_contrast_changed.emit(on)

    def reload(self) -> None:
        self.runner.run(self.services.practitioners.list, on_done=self._show_people)

    def _show_people(self, people: list[PractitionerRow]) -> None:
        self.people.clear()
        for p in people:
            discipline = Discipline(p.discipline).label if p.discipline else ""
            self.people.addItem(", ".join(x for x in (p.name, p.role_label, discipline) if x))

    def clear_personal_data(self) -> None:
        self.people.clear()
        self.message.clear()

    def open_add_practitioner(self) -> None:
        dialog = AddPractitionerDialog(self.services, self.runner, self._added, self)
        dialog.open()
        self.dialog = dialog

    def _added(self, name: str) -> None:
        self.message.setText(
            f"{name} can now unlock the records with their own passphrase "
            "(choose their name on the unlock screen)."
        )
        self.reload()


class AddPractitionerDialog(QDialog):
    def __init__(
        self,
        services: Services,
        runner: OpRunner,
        on_added: Callable[[str], None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.services = services
        self.runner = runner
        self.on_added = on_added
        self.setWindowTitle("Add a practitioner")
        self.setAccessibleName("Add a practitioner")
        self.setMinimumWidth(480)
        layout = QVBoxLayout(self)
        text = QLabel(
            "The new practitioner should type their own passphrase here themselves. "
            "They will choose their name on the unlock screen."
        )
        text.setWordWrap(True)
        layout.addWidget(text)
        form = QFormLayout()
        self.name = QLineEdit()
        self.name.setAccessibleName("Name")
        form.addRow("&Name:", self.name)
        self.role = QComboBox()
        self.role.setAccessibleName("Role")
        for value, label in Role.choices():
            self.role.addItem(label, value)
        form.addRow("&Role:", self.role)
        self.discipline = QComboBox()
        self.discipline.setAccessibleName("Discipline")
        self.discipline.addItem("(not given)", "")
        for value, label in Discipline.choices():
            self.discipline.addItem(label, value)
        form.addRow("&Discipline:", self.discipline)
        self.passphrase = QLineEdit()
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase.setAccessibleName("Their passphrase")
        form.addRow("Their &passphrase:", self.passphrase)
        self.again = QLineEdit()
        self.again.setEchoMode(QLineEdit.EchoMode.Password)
        self.again.setAccessibleName("Their passphrase again")
        form.addRow("Type it &again:", self.again)
        layout.addLayout(form)
        self.error = FieldError("practitioner")
        layout.addWidget(self.error)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("&Add")
        self.buttons.accepted.connect(self._save)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

    def _save(self) -> None:
        name, passphrase = self.name.text(), self.passphrase.text()
        try:
            if not name.strip():
                raise ValidationError("name", "Please enter the practitioner's name.")
            role = check_role(self.role.currentData())
            check_passphrase_strength(passphrase)
            if passphrase != self.again.text():
                raise ValidationError("passphrase", "The two passphrases are not the same.")
        except ValidationError as exc:
            self.error.show_message(exc.message)
            return
        discipline = self.discipline.currentData()
        services = self.services
        self.buttons.setEnabled(False)
        self.runner.run(
            lambda: add_practitioner(services, name, role, discipline, passphrase),
            on_done=lambda _id: self._done(name.strip()),
            on_error=self._failed,
            progress_label="Adding the practitioner…",
            parent=self,
        )

    def _done(self, name: str) -> None:
        self.passphrase.clear()
        self.again.clear()
        self.accept()
        self.on_added(name)

    def _failed(self, error: BaseException) -> None:
        self.buttons.setEnabled(True)
        if isinstance(error, DomainError):
            self.error.show_message(error.message)
        else:
            self.error.show_message("The practitioner could not be added.")
