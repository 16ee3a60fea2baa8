"""Settings: auto-lock time, high contrast, backups (ui/backups.py), keeping records
(retention), and the people who use this laptop (who is an administrator, and what only
administrators do: add a practitioner, make or stop being an administrator, reset a
colleague's passphrase with the recovery key, remove a colleague who leaves, with a re-key:
ui/remove_practitioner.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from earlyyears_desktop.domain.enums import Discipline
from earlyyears_desktop.services.accounts import (
    Accounts,
    NewRecoveryKey,
    PractitionerChoice,
    Removal,
    RemovalPlan,
    ValidationError,
)
from earlyyears_desktop.services.container import Services
from earlyyears_desktop.services.practitioners import PractitionerRow, check_role
from earlyyears_desktop.services.unit_of_work import Saved
from earlyyears_desktop.ui.backups import BackupControls, BackupSettingsBox
from earlyyears_desktop.ui.colleague_passphrase import ResetPassphraseDialog
from earlyyears_desktop.ui.error_text import error_text
from earlyyears_desktop.ui.forms import FormDialog, confirm
from earlyyears_desktop.ui.operations import OpRunner
from earlyyears_desktop.ui.pages import Page
from earlyyears_desktop.ui.passphrase_fields import PassphraseFields, PractitionerFields, rows_of
from earlyyears_desktop.ui.preferences import Preferences
from earlyyears_desktop.ui.recovery_key import (
    key_label,
    open_print_dialog,
    print_warning,
    show_key,
)
from earlyyears_desktop.ui.remove_practitioner import RemovePractitionerDialog, result_text
from earlyyears_desktop.ui.retention_review import RetentionBox
from earlyyears_desktop.ui.widgets import (
    FieldError,
    heading,
    passphrase_edit,
    push_button,
    scrolling_page,
)

if TYPE_CHECKING:
    from PySide6.QtPrintSupport import QPrintDialog


class SettingsPage(Page):
    auto_lock_changed = Signal(int)  # minutes
    high_contrast_changed = Signal(bool)

    def __init__(
        self,
        services: Services,
        accounts: Accounts,
        runner: OpRunner,
        preferences: Preferences,
        parent: QWidget | None = None,
        *,
        backups: BackupControls | None = None,
    ) -> None:
        super().__init__(parent)
        self.services = services
        self.accounts = accounts
        self.runner = runner
        self.dialog: QWidget | None = None
        self.preferences = preferences
        self.setAccessibleName("Settings")
        layout = scrolling_page(
            self, "Settings page", "This laptop's settings, the people, keys and backups"
        )
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
        self.move_on = QCheckBox("After marking, move to the &next child who is not marked")
        self.move_on.setAccessibleName("After marking, move to the next child who is not marked")
        self.move_on.setAccessibleDescription(
            "The register: after a child's first mark, the keyboard goes to the next child "
            "without one"
        )
        self.move_on.setToolTip("In the register, after P, L, A, D or E on a child not yet marked")
        self.move_on.setChecked(preferences.move_to_next_unmarked)
        self.move_on.toggled.connect(self._move_on)
        form.addRow(self.move_on)
        hint = QLabel("Text size follows the size chosen in your computer's display settings.")
        hint.setWordWrap(True)
        form.addRow(hint)
        layout.addWidget(screen)

        people = QGroupBox("People who use this laptop")
        people_layout = QVBoxLayout(people)
        intro = QLabel(
            "Each person unlocks the records with their own passphrase, so the records show "
            "who made each change. Administrators add colleagues, reset a forgotten "
            "passphrase with the recovery key and choose other administrators."
        )
        intro.setWordWrap(True)
        people_layout.addWidget(intro)
        self.people = QListWidget()
        self.people.setAccessibleName("Practitioners")
        self.people.setAccessibleDescription(
            "The people who unlock this vault, administrators marked: the buttons below act "
            "on the one chosen"
        )
        self.people.setMaximumHeight(self.fontMetrics().lineSpacing() * 8)
        people_layout.addWidget(self.people)
        row = QHBoxLayout()
        self.add_button = push_button(
            "A&dd a practitioner…",
            "Add a practitioner with their own passphrase",
            self.open_add_practitioner,
        )
        self.make_admin_button = push_button(
            "&Make administrator",
            "Make the chosen practitioner an administrator",
            self.make_administrator,
        )
        self.stop_admin_button = push_button(
            "&Stop being administrator",
            "The chosen practitioner stops being an administrator",
            self.stop_being_administrator,
        )
        self.reset_button = push_button(
            "Reset a colleague's &passphrase…",
            "Reset a colleague's passphrase with the recovery key",
            self.open_reset_passphrase,
        )
        self.remove_button = push_button(
            "Remo&ve from this vault…",
            "Remove the chosen practitioner from this vault (a colleague who leaves)",
            self.open_remove_practitioner,
        )
        for button in (
            self.add_button,
            self.make_admin_button,
            self.stop_admin_button,
            self.reset_button,
            self.remove_button,
        ):
            row.addWidget(button)
        row.addStretch(1)
        people_layout.addLayout(row)
        self.people.currentRowChanged.connect(lambda _row: self._enable_admin_buttons())
        self._enable_admin_buttons()
        self.message = QLabel("")
        self.message.setWordWrap(True)
        self.message.setAccessibleName("People who use this laptop: result")
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
            "Make a new recovery &key…", "Make a new recovery key", self.ask_new_recovery_key
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
        self.backups = BackupSettingsBox(services, runner, backups, preferences)
        layout.addWidget(self.backups)
        self.retention = RetentionBox(services, runner)
        layout.addWidget(self.retention)
        layout.addStretch(1)

    def _auto_lock(self, minutes: int) -> None:
        self.preferences.auto_lock_minutes = minutes
        self.auto_lock_changed.emit(minutes)

    def _move_on(self, on: bool) -> None:
        self.preferences.move_to_next_unmarked = on

    def _contrast(self, on: bool) -> None:
        self.preferences.high_contrast = on
        self.high_contrast_changed.emit(on)

    def reload(self) -> None:
        services = self.services
        self.backups.reload()
        self.runner.run(
            lambda: (services.practitioners.list(), services.administrators.administrators()),
            on_done=lambda found: self._show_people(*found),
        )
        self.retention.reload()

    def _show_people(self, people: list[PractitionerRow], administrators: list[str]) -> None:
        chosen = self.chosen_practitioner()
        self.people.clear()
        for p in people:
            discipline = Discipline(p.discipline).label if p.discipline else ""
            admin = "Administrator" if p.id in administrators else ""
            status = admin or ("" if p.active else "Left")
            text = ", ".join(x for x in (p.name, p.role_label, discipline) if x)
            item = QListWidgetItem(f"{text} · {status}" if status else text)
            item.setData(Qt.ItemDataRole.UserRole, p.id)
            item.setData(Qt.ItemDataRole.UserRole + 1, bool(admin))
            item.setData(Qt.ItemDataRole.UserRole + 2, p.name)
            item.setData(Qt.ItemDataRole.UserRole + 3, p.active)
            self.people.addItem(item)
            if p.id == chosen:
                self.people.setCurrentItem(item)
        self._enable_admin_buttons()

    def chosen_practitioner(self) -> str | None:
        item = self.people.currentItem()
        return str(item.data(Qt.ItemDataRole.UserRole)) if item else None

    def _enable_admin_buttons(self) -> None:
        """Make or stop, for the one chosen in the list; a colleague who is not an
        administrator may still press them, and is told whom to ask."""
        item = self.people.currentItem()
        is_admin = bool(item.data(Qt.ItemDataRole.UserRole + 1)) if item else False
        self.make_admin_button.setEnabled(item is not None and not is_admin)
        self.stop_admin_button.setEnabled(item is not None and is_admin)
        active = bool(item.data(Qt.ItemDataRole.UserRole + 3)) if item else False
        me = self.accounts.practitioner_id
        self.remove_button.setEnabled(active and self.chosen_practitioner() != me)

    # ---- administrators ----

    def make_administrator(self) -> None:
        chosen = self.chosen_practitioner()
        if chosen:
            self._change_administrator(
                self.services.administrators.make_administrator, chosen, "is now"
            )

    def stop_being_administrator(self) -> None:
        chosen = self.chosen_practitioner()
        if chosen:
            self._change_administrator(
                self.services.administrators.stop_being_administrator, chosen, "is no longer"
            )

    def _change_administrator(
        self, change: Callable[[str], Saved[None]], practitioner_id: str, words: str
    ) -> None:
        item = self.people.currentItem()
        name = str(item.data(Qt.ItemDataRole.UserRole + 2)) if item else "They"
        self.runner.run(
            lambda: change(practitioner_id),
            on_done=lambda _s: self._administrators_changed(f"{name} {words} an administrator."),
            on_error=lambda error: self.message.setText(error_text(error)),
            changes=lambda saved: saved.changes,
        )

    def _administrators_changed(self, text: str) -> None:
        self.message.setText(text)
        self.reload()

    def open_reset_passphrase(self) -> None:
        """Only for administrators: anyone else is told whom to ask, before any dialog."""
        accounts, admins = self.accounts, self.services.administrators

        def colleagues() -> list[PractitionerChoice]:
            admins.require_administrator("reset a colleague's passphrase")
            return accounts.colleagues()

        self.runner.run(
            colleagues,
            on_done=self._show_reset_passphrase,
            on_error=lambda error: self.message.setText(error_text(error)),
        )

    def _show_reset_passphrase(self, colleagues: list[PractitionerChoice]) -> None:
        if not colleagues:
            self.message.setText("Nobody else unlocks these records yet: add a practitioner first.")
            return
        dialog = ResetPassphraseDialog(self.accounts, colleagues, self.runner, self)
        dialog.saved.connect(
            lambda _r: self.message.setText(
                "Their passphrase is reset. They unlock with the new one from now on."
            )
        )
        dialog.open()
        self.dialog = dialog

    def open_remove_practitioner(self) -> None:
        """Only for administrators (anyone else is told whom to ask): what removing this
        colleague will do, read on the database thread, then the dialog that asks."""
        chosen = self.chosen_practitioner()
        if not chosen:
            return
        self.runner.run(
            lambda: self.accounts.removal_plan(chosen),
            on_done=self._show_remove_practitioner,
            on_error=lambda error: self.message.setText(error_text(error)),
        )

    def _show_remove_practitioner(self, plan: RemovalPlan) -> None:
        dialog = RemovePractitionerDialog(self.accounts, plan, self.runner, self)
        dialog.removed.connect(self._removed)
        dialog.open()
        self.dialog = dialog

    def _removed(self, removal: Removal) -> None:
        self.message.setText(result_text(removal))
        if removal.recovery_key:
            dialog = NewRecoveryKeyDialog(removal.recovery_key, removal.team_name, self)
            dialog.open()
            self.dialog = dialog
        self.reload()

    def clear_personal_data(self) -> None:
        self.people.clear()
        self.message.clear()
        self.key_message.clear()

    # ---- passphrase and recovery key ----

    def open_change_passphrase(self) -> None:
        dialog = ChangePassphraseDialog(self.accounts, self.runner, self)
        dialog.saved.connect(
            lambda _r: self.key_message.setText(
                "Your passphrase is changed. Use the new one next time you unlock."
            )
        )
        dialog.open()
        self.dialog = dialog

    def ask_new_recovery_key(self) -> None:
        self.dialog = confirm(
            self,
            "Make a new recovery key",
            "The current recovery key will stop working at once, including any printed copy. "
            "The new key is shown once: have paper or a printer ready.",
            "&Make a new key",
            self._make_recovery_key,
        )

    def _make_recovery_key(self) -> None:
        self.runner.run(
            self.accounts.new_recovery_key,
            on_done=self._show_recovery_key,
            on_error=self._recovery_failed,
            progress_label="Making a new recovery key…",
            parent=self,
        )

    def _show_recovery_key(self, made: NewRecoveryKey) -> None:
        dialog = NewRecoveryKeyDialog(made.key, made.team_name, self)
        self.key_message.setText("A new recovery key was made. The old one no longer works.")
        dialog.open()
        self.dialog = dialog

    def _recovery_failed(self, error: BaseException) -> None:
        self.key_message.setText(f"No new recovery key was made. {error_text(error)}")

    def open_add_practitioner(self) -> None:
        """Only for administrators: anyone else is told whom to ask, before any dialog."""
        admins = self.services.administrators
        self.runner.run(
            lambda: admins.require_administrator("add a practitioner"),
            on_done=lambda _none: self._show_add_practitioner(),
            on_error=lambda error: self.message.setText(error_text(error)),
        )

    def _show_add_practitioner(self) -> None:
        dialog = AddPractitionerDialog(self.accounts, self.runner, self._added, self)
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
        accounts: Accounts,
        runner: OpRunner,
        on_added: Callable[[str], None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.accounts = accounts
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
        self.person = PractitionerFields(rows_of(form), yours=False)
        self.name = self.person.name
        self.passphrase_fields = PassphraseFields(
            rows_of(form),
            label="Their &passphrase:",
            name="Their passphrase",
            strength_name="Strength of their passphrase",
        )
        self.passphrase, self.again = (
            self.passphrase_fields.passphrase,
            self.passphrase_fields.again,
        )
        layout.addLayout(form)
        self.error = FieldError("practitioner")
        layout.addWidget(self.error)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        add = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        assert add is not None
        add.setText("Add this &colleague")
        self.buttons.accepted.connect(self._save)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

    def _save(self) -> None:
        name = self.name.text()
        try:
            if not name.strip():
                raise ValidationError("name", "Please enter the practitioner's name.")
            role = check_role(self.person.role_value)
            passphrase = self.passphrase_fields.checked()
        except ValidationError as exc:
            self.error.show_message(exc.message)
            return
        discipline = self.person.discipline_value
        accounts = self.accounts
        self.buttons.setEnabled(False)
        self.runner.run(
            lambda: accounts.add_practitioner(name, role, discipline, passphrase),
            on_done=lambda _id: self._done(name.strip()),
            on_error=self._failed,
            progress_label="Adding the practitioner…",
            parent=self,
        )

    def _done(self, name: str) -> None:
        self.passphrase_fields.clear()
        self.accept()
        self.on_added(name)

    def _failed(self, error: BaseException) -> None:
        self.buttons.setEnabled(True)
        self.error.show_message(error_text(error))


class ChangePassphraseDialog(FormDialog):
    """My own passphrase: the current one, the new one twice, with its strength shown."""

    def __init__(self, accounts: Accounts, runner: OpRunner, parent: QWidget | None = None):
        super().__init__(
            "Change my passphrase",
            runner,
            parent,
            intro="The records are not re-encrypted: only the way your passphrase opens "
            "them changes. Colleagues' passphrases and the recovery key keep working.",
            save_text="C&hange passphrase",
        )
        self.accounts = accounts
        self.current = passphrase_edit()
        self.add_field("current", "&Current passphrase:", self.current)
        self.passphrase_fields = PassphraseFields(
            self.add_field,
            label="&New passphrase:",
            name="New passphrase",
            strength_name="Strength of the new passphrase",
        )
        self.new, self.again = self.passphrase_fields.passphrase, self.passphrase_fields.again
        self.meter, self.verdict = self.passphrase_fields.meter, self.passphrase_fields.verdict
        self.finish_layout()
        self.current.setFocus()

    def work(self) -> Callable[[], None]:
        accounts, current, new, again = (
            self.accounts,
            self.current.text(),
            self.new.text(),
            self.again.text(),
        )
        if not current:
            raise ValidationError("current", "Please type your current passphrase.")
        return lambda: accounts.change_own_passphrase(current, new, again)

    def _saved(self, result: object) -> None:
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
        self.print_dialog: QPrintDialog | None = None
        layout = QVBoxLayout(self)
        layout.addWidget(heading("Your new recovery key", 2))
        text = QLabel(
            "The old recovery key no longer works: destroy the old printout. Write this one "
            "down or print it now, and keep it locked away from the laptop. It will not be "
            "shown again."
        )
        text.setWordWrap(True)
        layout.addWidget(text)
        self.key = key_label()
        show_key(self.key, recovery_key)
        layout.addWidget(self.key)
        self.kept = QCheckBox("I have &written it down or printed it")
        layout.addWidget(self.kept)
        self.print_warning = print_warning()  # beside Print…, below
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
        bottom = QHBoxLayout()
        bottom.addWidget(self.print_warning, 1)
        bottom.addWidget(self.buttons)
        layout.addLayout(bottom)
        self.key.setFocus()

    def print_key(self) -> None:
        self.print_dialog = open_print_dialog(self, self._key, self._team)

    def done(self, result: int) -> None:
        self.key.clear()
        self._key = ""
        super().done(result)
