"""First run: the team, the first practitioner, a passphrase, and the recovery key shown once."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from earlyyears_desktop.services.accounts import (
    MIN_PASSPHRASE_LENGTH,
    ValidationError,
)
from earlyyears_desktop.services.first_run import SetUp, set_up
from earlyyears_desktop.sync.device import DeviceSync
from earlyyears_desktop.ui.error_text import error_text
from earlyyears_desktop.ui.operations import OpRunner
from earlyyears_desktop.ui.passphrase_fields import PassphraseFields, PractitionerFields, rows_of
from earlyyears_desktop.ui.recovery_key import (
    key_label,
    open_print_dialog,
    print_warning,
    show_key,
)
from earlyyears_desktop.ui.widgets import FieldError

if TYPE_CHECKING:
    from PySide6.QtPrintSupport import QPrintDialog

CHECK_GROUP = 3  # which group of the recovery key the user types back


def _label(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    return label


class TeamPage(QWizardPage):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle("Welcome")
        self.setSubTitle("These records stay on this laptop, encrypted, until you sync them.")
        layout = QFormLayout(self)
        intro = _label(
            "Four short steps: your team's name, your own name, a passphrase, and a recovery "
            "key to write down or print. Nothing leaves this laptop unless you sync it."
        )
        layout.addRow(intro)
        self.team = QLineEdit()
        self.team.setAccessibleName("Team or organisation name")
        self.team.setPlaceholderText("e.g. Cherwell Early Years SEND Team")
        layout.addRow("&Team or organisation:", self.team)
        self.error = FieldError("team_name")
        layout.addRow(self.error)
        self.registerField("team*", self.team)

    def validatePage(self) -> bool:
        if not self.team.text().strip():
            self.error.show_message("Please enter the team or organisation name.")
            return False
        return True


class PractitionerPage(QWizardPage):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle("About you")
        self.setSubTitle(
            "You are the first practitioner on this laptop. Colleagues can be added later "
            "in Settings, each with their own passphrase."
        )
        layout = QFormLayout(self)
        self.person = PractitionerFields(rows_of(layout), yours=True)
        self.name, self.role, self.discipline = (
            self.person.name,
            self.person.role,
            self.person.discipline,
        )
        self.error = FieldError("name")
        layout.addRow(self.error)
        self.registerField("name*", self.name)


class PassphrasePage(QWizardPage):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle("Your passphrase")
        self.setSubTitle(
            f"At least {MIN_PASSPHRASE_LENGTH} characters. A few ordinary words you will "
            "remember are stronger than a short jumble: for example four words and a number."
        )
        layout = QFormLayout(self)
        self.passphrase_fields = PassphraseFields(
            rows_of(layout),
            label="&Passphrase:",
            name="Passphrase",
            strength_name="Passphrase strength",
        )
        self.passphrase = self.passphrase_fields.passphrase
        self.again = self.passphrase_fields.again
        self.error = FieldError("passphrase")
        layout.addRow(self.error)
        self.passphrase.textChanged.connect(self.completeChanged)
        self.again.textChanged.connect(self.completeChanged)

    def isComplete(self) -> bool:
        return bool(self.passphrase.text()) and bool(self.again.text())

    def validatePage(self) -> bool:
        try:
            self.passphrase_fields.checked()
        except ValidationError as exc:
            self.error.show_message(exc.message)
            self.passphrase_fields.focus(exc.field)
            return False
        self.error.clear_message()
        return True

    def cleanupPage(self) -> None:
        self.passphrase_fields.clear()


class CreatePage(QWizardPage):
    """Creates the vault on the database thread; the page completes when it is done."""

    def __init__(self, wizard: SetupWizard) -> None:
        super().__init__()
        self._wizard = wizard
        self.setTitle("Setting up the encrypted records")
        self.setSubTitle(
            "The laptop is choosing encryption settings to suit its speed and making a new "
            "random key for the records. This takes a few seconds."
        )
        self.setCommitPage(True)
        layout = QVBoxLayout(self)
        self.bar = QProgressBar()
        self.bar.setRange(0, 0)
        self.bar.setAccessibleName("Setting up")
        layout.addWidget(self.bar)
        self.status = _label("Working…")
        layout.addWidget(self.status)
        self.error = FieldError("setup")
        layout.addWidget(self.error)
        layout.addStretch(1)

    def initializePage(self) -> None:
        self._wizard.start_creation()

    def isComplete(self) -> bool:
        return self._wizard.created is not None

    def finished(self) -> None:
        self.bar.setRange(0, 1)
        self.bar.setValue(1)
        self.status.setText("Done. Next you will see your recovery key, once.")
        self.completeChanged.emit()

    def failed(self, message: str) -> None:
        self.bar.setRange(0, 1)
        self.bar.setValue(0)
        self.status.setText("The records could not be set up.")
        self.error.show_message(message + " Go back to change something and try again.")


class RecoveryKeyPage(QWizardPage):
    def __init__(self, wizard: SetupWizard) -> None:
        super().__init__()
        self._wizard = wizard
        self.setTitle("Your recovery key")
        self.setSubTitle(
            "If every passphrase is forgotten, this key is the only way back into the "
            "records. It is shown now and never again."
        )
        layout = QVBoxLayout(self)
        self.key = key_label()
        layout.addWidget(self.key)
        print_row = QHBoxLayout()
        print_row.addStretch(1)
        self.print_button = QPushButton("&Print…")
        self.print_button.setAccessibleName("Print the recovery key")
        self.print_button.setToolTip("Print a page with the key and the team's name only")
        self.print_button.clicked.connect(self.print_key)
        print_row.addWidget(self.print_button)
        self.print_warning = print_warning()
        print_row.addWidget(self.print_warning, 1)
        print_row.addStretch(1)
        layout.addLayout(print_row)
        self.print_dialog: QPrintDialog | None = None
        layout.addWidget(
            _label(
                "Write it down on paper, or print it, now. Keep it somewhere safe and away "
                "from this laptop, for example locked in the office with the team's other "
                "records. Do not save it in a file or email it."
            )
        )
        self.kept = QCheckBox("I have &written it down or printed it")
        self.kept.setAccessibleName("I have written down the recovery key")
        self.kept.toggled.connect(self.completeChanged)
        layout.addWidget(self.kept)
        layout.addStretch(1)

    def initializePage(self) -> None:
        created = self._wizard.created
        if created is not None:
            show_key(self.key, created.recovery_key)

    def print_key(self) -> None:
        created = self._wizard.created
        if created is not None:
            team = self._wizard.team_page.team.text()
            self.print_dialog = open_print_dialog(self, created.recovery_key, team)

    def isComplete(self) -> bool:
        return self.kept.isChecked()


class CheckKeyPage(QWizardPage):
    def __init__(self, wizard: SetupWizard) -> None:
        super().__init__()
        self._wizard = wizard
        self.setTitle("Check that you kept it")
        self.setSubTitle(
            f"Type the {_ordinal(CHECK_GROUP)} group of five characters of your recovery key "
            f"(the part after the {_ordinal(CHECK_GROUP - 1)} hyphen), reading from what you "
            "wrote down or printed."
        )
        layout = QFormLayout(self)
        self.group = QLineEdit()
        self.group.setMaxLength(7)
        self.group.setAccessibleName(f"Group {CHECK_GROUP} of the recovery key")
        layout.addRow(f"Group &{CHECK_GROUP}:", self.group)
        self.error = FieldError("recovery_key")
        layout.addRow(self.error)

    def initializePage(self) -> None:
        self.group.clear()
        self.group.setFocus()

    def validatePage(self) -> bool:
        created = self._wizard.created
        if created is None:
            return False
        expected = created.recovery_key.split("-")[CHECK_GROUP - 1]
        typed = "".join(c for c in self.group.text().upper() if c.isalnum())
        if typed != expected:
            self.error.show_message(
                "That does not match. Go back to see the key again and check what you wrote."
            )
            return False
        return True


def _ordinal(n: int) -> str:
    return {1: "first", 2: "second", 3: "third"}.get(n, f"{n}th")


class SetupWizard(QWizard):
    """Emits `vault_ready(SetUp)` when finished; the vault is then open."""

    vault_ready = Signal(object)

    def __init__(self, folder: Path, runner: OpRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.folder = Path(folder)
        self.runner = runner
        self.created: SetUp | None = None
        self._creating = False
        self.setWindowTitle("Early Years: first-time setup")
        self.setAccessibleName("First-time setup")
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, False)
        self.team_page = TeamPage()
        self.practitioner_page = PractitionerPage()
        self.passphrase_page = PassphrasePage()
        self.create_page = CreatePage(self)
        self.key_page = RecoveryKeyPage(self)
        self.check_page = CheckKeyPage(self)
        for page in (
            self.team_page,
            self.practitioner_page,
            self.passphrase_page,
            self.create_page,
            self.key_page,
            self.check_page,
        ):
            self.addPage(page)
        self.setMinimumSize(640, 460)

    def start_creation(self) -> None:
        if self.created is not None or self._creating:
            return
        self._creating = True
        folder = self.folder
        team = self.team_page.team.text()
        name = self.practitioner_page.name.text()
        role = self.practitioner_page.person.role_value
        discipline = self.practitioner_page.person.discipline_value
        passphrase = self.passphrase_page.passphrase.text()

        def create() -> SetUp:
            created = set_up(
                folder,
                team_name=team,
                practitioner_name=name,
                role=role,
                discipline=discipline,
                passphrase=passphrase,
            )
            # The device's signing and encryption keys, kept inside the new vault, ready for
            # enrolment with the central service.
            DeviceSync(created.unlocked.services).device_keys(create=True)
            return created

        self.runner.run(
            create,
            on_done=self._created,
            on_error=self._failed,
        )

    def _created(self, created: SetUp) -> None:
        self._creating = False
        self.created = created
        self.passphrase_page.passphrase_fields.clear()
        self.create_page.finished()
        if self.currentPage() is self.create_page:
            self.next()

    def _failed(self, error: BaseException) -> None:
        self._creating = False
        self.create_page.failed(error_text(error))

    def accept(self) -> None:
        if self.created is None:
            return
        created = self.created
        super().accept()
        self.vault_ready.emit(created)

    def reject(self) -> None:
        if self._creating:
            return
        if self.created is not None:
            answer = QMessageBox.question(
                self,
                "Early Years",
                "The records are set up, but you have not confirmed the recovery key. "
                "It will not be shown again. Close anyway?",
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
            self.created.unlocked.lock()
        super().reject()
