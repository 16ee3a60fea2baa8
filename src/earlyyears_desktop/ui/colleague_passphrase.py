"""An administrator resets a colleague's forgotten passphrase, with the recovery key."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QComboBox, QWidget

from earlyyears_desktop.services.accounts import Accounts, PractitionerChoice, ValidationError
from earlyyears_desktop.ui.forms import FormDialog
from earlyyears_desktop.ui.operations import OpRunner
from earlyyears_desktop.ui.passphrase_fields import PassphraseFields
from earlyyears_desktop.ui.widgets import passphrase_edit


class ResetPassphraseDialog(FormDialog):
    """Whose passphrase, the recovery key, the new passphrase twice. The colleague should type
    the new passphrase themselves; the records are not re-encrypted."""

    def __init__(
        self,
        accounts: Accounts,
        colleagues: list[PractitionerChoice],
        runner: OpRunner,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(
            "Reset a colleague's passphrase",
            runner,
            parent,
            intro="For a colleague who has forgotten their passphrase. Type the recovery key, "
            "then let your colleague type their new passphrase themselves.",
            save_text="&Reset passphrase",
        )
        self.accounts = accounts
        self.who = QComboBox()
        self.who.setAccessibleName("Colleague")
        for person in colleagues:
            self.who.addItem(person.name, person.practitioner_id)
        self.add_field("practitioner", "&Colleague:", self.who)
        self.key = passphrase_edit("Recovery key")
        self.add_field("recovery_key", "Recovery &key:", self.key)
        self.passphrase_fields = PassphraseFields(
            self.add_field,
            label="&New passphrase:",
            name="Their new passphrase",
            strength_name="Strength of their new passphrase",
        )
        self.new, self.again = self.passphrase_fields.passphrase, self.passphrase_fields.again
        self.finish_layout()
        self.who.setFocus()

    def work(self) -> Callable[[], None]:
        accounts = self.accounts
        practitioner_id = self.who.currentData()
        key, new, again = self.key.text(), self.new.text(), self.again.text()
        if not practitioner_id:
            raise ValidationError("practitioner", "Please choose whose passphrase to reset.")
        if not key.strip():
            raise ValidationError("recovery_key", "Please type the recovery key.")
        return lambda: accounts.reset_passphrase(practitioner_id, key, new, again)

    def done(self, result: int) -> None:
        for edit in (self.key, self.new, self.again):
            edit.clear()
        super().done(result)
