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
    QProgressBar,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from earlyyears_desktop.domain.enums import Discipline, Role
from earlyyears_desktop.domain.errors import DomainError, ValidationError
from earlyyears_desktop.domain.models import new_id
from earlyyears_desktop.domain.rules import required_name
from earlyyears_desktop.services.container import Services
from earlyyears_desktop.services.practitioners import PractitionerRow, check_role
from earlyyears_desktop.storage.errors import WrongPassphrase
from earlyyears_desktop.storage.keyslots import KeySlotFile, normalise_passphrase
from earlyyears_desktop.storage.vault import (
    OpenVault,
    check_new_passphrase,
    check_passphrase_strength,
)
from earlyyears_desktop.ui.forms import FormDialog, confirm
from earlyyears_desktop.ui.operations import OpRunner
from earlyyears_desktop.ui.pages import Page
from earlyyears_desktop.ui.preferences import Preferences
from earlyyears_desktop.ui.recovery_key import key_label, open_print_dialog, show_key
from earlyyears_desktop.ui.setup_wizard import passphrase_strength
from earlyyears_desktop.ui.widgets import FieldError, heading, passphrase_edit, push_button


def add_practitioner(
    services: Services, name: str, role: str, discipline: str, passphrase: str
) -> str:
    """A colleague with their own passphrase slot; runs on the database thread."""
    check_passphrase_strength(passphrase)
    required_name("name", name, "colleague's name")
    check_role(role)
    # The slot first, then the record naming it in one transaction; if the record cannot be
    # written the slot goes again, so there is never a person who cannot unlock, nor a slot
    # that names nobody.
    practitioner_id = new_id()
    slot = services.vault.add_passphrase(practitioner_id, name.strip(), passphrase)
    try:
        services.practitioners.add(
            name, role, discipline, practitioner_id=practitioner_id, key_slot_id=slot.id
        )
    except BaseException:
        services.vault.remove_passphrase_slot(slot.id)
        raise
    return practitioner_id


def change_own_passphrase(vault: OpenVault, current: str, new: str, again: str) -> None:
    """Check the current passphrase, then rewrap the key; runs on the database thread."""
    practitioner_id = vault.practitioner_id
    if not practitioner_id:
        raise DomainError(
            "The records were opened with the recovery key: lock them and unlock with your "
            "own passphrase to change it."
        )
    slots = KeySlotFile.load(vault.paths.keyslots)
    try:
        slots.unwrap(normalise_passphrase(current), slots.passphrase_slots(practitioner_id))
    except WrongPassphrase:
        raise ValidationError("current", "That is not your current passphrase.") from None
    check_passphrase_strength(new)
    if new != again:
        raise ValidationError("again", "The two new passphrases are not the same.")
    if new == current:
        raise ValidationError("passphrase", "The new passphrase is the same as the current one.")
    vault.change_passphrase(practitioner_id, new)


def make_recovery_key(vault: OpenVault) -> tuple[str, str]:
    """A new recovery key (the old one stops working) and the team's name, for printing."""
    return vault.new_recovery_key(), vault.setting("team_name")


class SettingsPage(Page):
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
        self.auto_lock.setMaximumWidth(self.fontMetrics().horizontalAdvance("60 minutes") + 48)
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
        self.add_button = push_button(
            "A&dd a practitioner…",
            "Add a practitioner with their own passphrase",
            self.open_add_practitioner,
        )
        row.addWidget(self.add_button)
        row.addStretch(1)
        people_layout.addLayout(row)
        self.message = QLabel("")
        self.message.setWordWrap(True)
        people_layout.addWidget(self.message)
        layout.addWidget(people)

        keys = QGroupBox("Passphrase and recovery key")
        keys_layout = QVBoxLayout(keys)
        keys_intro = QLabel(
            "Change your own passphrase here. A new recovery key replaces the old one, which "
            "then stops working: make one if the printed key is lost or may have been seen."
        )
        keys_intro.setWordWrap(True)
        keys_layout.addWidget(keys_intro)
        key_row = QHBoxLayout()
        self.change_button = push_button(
            "&Change my passphrase…", "Change my passphrase", self.open_change_passphrase
        )
        self.recovery_button = push_button(
            "Make a new &recovery key…", "Make a new recovery key", self.ask_new_recovery_key
        )
        key_row.addWidget(self.change_button)
        key_row.addWidget(self.recovery_button)
        key_row.addStretch(1)
        keys_layout.addLayout(key_row)
        self.key_message = QLabel("")
        self.key_message.setWordWrap(True)
        self.key_message.setAccessibleName("Passphrase and recovery key: result")
        keys_layout.addWidget(self.key_message)
        layout.addWidget(keys)
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
        self.key_message.clear()

    # ---- passphrase and recovery key ----

    def open_change_passphrase(self) -> None:
        dialog = ChangePassphraseDialog(self.services.vault, self.runner, self)
        dialog.saved.connect(
            lambda _r: self.key_message.setText(
                "Your passphrase is changed. Use the new one next time you unlock."
            )
        )
        dialog.open()
        self.dialog = dialog

    def ask_new_recovery_key(self) -> None:
        vault = self.services.vault
        self.dialog = confirm(
            self,
            "Make a new recovery key",
            "The current recovery key will stop working at once, including any printed copy. "
            "The new key is shown once: have paper or a printer ready.",
            "&Make a new key",
            lambda: self.runner.run(
                lambda: make_recovery_key(vault),
                on_done=self._show_recovery_key,
                on_error=self._recovery_failed,
                progress_label="Making a new recovery key…",
                parent=self,
            ),
        )

    def _show_recovery_key(self, result: tuple[str, str]) -> None:
        key, team = result
        dialog = NewRecoveryKeyDialog(key, team, self)
        self.key_message.setText("A new recovery key was made. The old one no longer works.")
        dialog.open()
        self.dialog = dialog

    def _recovery_failed(self, error: BaseException) -> None:
        message = error.message if isinstance(error, DomainError) else "Nothing was changed."
        self.key_message.setText(f"No new recovery key was made. {message}")

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
        self.passphrase = passphrase_edit("Their passphrase")
        form.addRow("Their &passphrase:", self.passphrase)
        self.again = passphrase_edit("Their passphrase again")
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
            check_new_passphrase(passphrase, self.again.text())
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


class ChangePassphraseDialog(FormDialog):
    """My own passphrase: the current one, the new one twice, with its strength shown."""

    def __init__(self, vault: OpenVault, runner: OpRunner, parent: QWidget | None = None):
        super().__init__(
            "Change my passphrase",
            runner,
            parent,
            intro="The records are not re-encrypted: only the way your passphrase opens "
            "them changes. Colleagues' passphrases and the recovery key keep working.",
            save_text="&Change passphrase",
        )
        self.vault = vault
        self.current = self.add_field("current", "&Current passphrase:", passphrase_edit())
        self.new = self.add_field("passphrase", "&New passphrase:", passphrase_edit())
        self.again = self.add_field("again", "Type it &again:", passphrase_edit())
        self.meter = QProgressBar()
        self.meter.setRange(0, 100)
        self.meter.setTextVisible(False)
        self.meter.setAccessibleName("Strength of the new passphrase")
        self.form.addRow("Strength:", self.meter)
        self.verdict = QLabel("")
        self.verdict.setWordWrap(True)
        self.verdict.setAccessibleName("Strength of the new passphrase in words")
        self.form.addRow(self.verdict)
        self.new.textChanged.connect(self._rate)
        self.finish_layout()
        self._rate("")
        self.current.setFocus()

    def _rate(self, text: str) -> None:
        score, words = passphrase_strength(text)
        self.meter.setValue(score)
        self.meter.setAccessibleDescription(words)
        self.verdict.setText(words if text else "")

    def work(self):
        vault, current, new, again = (
            self.vault,
            self.current.text(),
            self.new.text(),
            self.again.text(),
        )
        if not current:
            raise ValidationError("current", "Please type your current passphrase.")
        return lambda: change_own_passphrase(vault, current, new, again)

    def _saved(self, result) -> None:
        for edit in (self.current, self.new, self.again):
            edit.clear()
        super()._saved(result)

    def done(self, result: int) -> None:
        for edit in (self.current, self.new, self.again):
            edit.clear()
        super().done(result)


class NewRecoveryKeyDialog(QDialog):
    """The new recovery key, shown once, with a Print… button."""

    def __init__(self, recovery_key: str, team_name: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Your new recovery key")
        self.setAccessibleName("Your new recovery key")
        self.setMinimumWidth(520)
        self._key, self._team = recovery_key, team_name
        self.print_dialog = None
        layout = QVBoxLayout(self)
        layout.addWidget(heading("Your new recovery key", 2))
        text = QLabel(
            "The old recovery key no longer works. Write this one down or print it now, and "
            "keep it locked away from the laptop. It will not be shown again."
        )
        text.setWordWrap(True)
        layout.addWidget(text)
        self.key = key_label()
        show_key(self.key, recovery_key)
        layout.addWidget(self.key)
        self.kept = QCheckBox("I have &written it down or printed it")
        layout.addWidget(self.kept)
        self.buttons = QDialogButtonBox()
        self.print_button = self.buttons.addButton(
            "&Print…", QDialogButtonBox.ButtonRole.ActionRole
        )
        self.print_button.setAccessibleName("Print the recovery key")
        self.print_button.clicked.connect(self.print_key)
        self.done_button = self.buttons.addButton("&Done", QDialogButtonBox.ButtonRole.AcceptRole)
        self.done_button.setEnabled(False)
        self.kept.toggled.connect(self.done_button.setEnabled)
        self.buttons.accepted.connect(self.accept)
        layout.addWidget(self.buttons)
        self.key.setFocus()

    def print_key(self) -> None:
        self.print_dialog = open_print_dialog(self, self._key, self._team)

    def done(self, result: int) -> None:
        self.key.clear()
        self._key = ""
        super().done(result)
