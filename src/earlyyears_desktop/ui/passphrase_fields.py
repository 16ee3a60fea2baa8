"""The fields for a person and their new passphrase, shared by the setup wizard, Settings
(add a practitioner, change my passphrase) and the forgotten-passphrase dialog.

Each fieldset adds its rows to a form the screen owns, so the labels line up with the
screen's other rows. A screen with a message beside each field (`FormDialog`) passes its
`add_field` as the way to add a row.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import NamedTuple

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFormLayout, QLabel, QLineEdit, QProgressBar, QWidget

from earlyyears_desktop.domain.enums import Discipline, Role
from earlyyears_desktop.services.accounts import (
    ValidationError,
    check_new_passphrase,
    check_passphrase_strength,
)
from earlyyears_desktop.ui.enum_combo import EnumCombo
from earlyyears_desktop.ui.widgets import passphrase_edit

#: adds one labelled row: (field, label, widget); the field is the name a ValidationError uses
AddRow = Callable[[str, str, QWidget], object]


class PassphraseStrength(NamedTuple):
    score: int  # 0-100, for the meter
    words: str


def passphrase_strength(passphrase: str) -> PassphraseStrength:
    """A rough score 0-100 and a word for it; the hard minimum is check_passphrase_strength."""
    try:
        check_passphrase_strength(passphrase)
    except ValidationError as exc:
        return PassphraseStrength(min(len(passphrase) * 3, 25), exc.message)
    pool = 0
    if any(c.islower() for c in passphrase):
        pool += 26
    if any(c.isupper() for c in passphrase):
        pool += 26
    if any(c.isdigit() for c in passphrase):
        pool += 10
    if any(not c.isalnum() for c in passphrase):
        pool += 20
    bits = len(passphrase) * math.log2(max(pool, 2)) * min(len(set(passphrase)) / 8, 1)
    score = int(min(bits, 100))
    if score < 50:
        return PassphraseStrength(
            score, "Acceptable, but a longer passphrase would be safer: try four or five words."
        )
    if score < 75:
        return PassphraseStrength(score, "Good.")
    return PassphraseStrength(score, "Strong.")


def rows_of(form: QFormLayout) -> AddRow:
    """Add rows to a plain form: the label (with its shortcut) names the field."""

    def add(_field: str, label: str, widget: QWidget) -> QWidget:
        if label:
            form.addRow(label, widget)
        else:
            form.addRow(widget)
        return widget

    return add


class PractitionerFields:
    """Name, role and discipline: the first practitioner (`yours`) or a colleague."""

    def __init__(self, add_row: AddRow, *, yours: bool) -> None:
        self.name = QLineEdit()
        self.name.setAccessibleName("Your name" if yours else "Name")
        add_row("name", "Your &name:" if yours else "&Name:", self.name)
        self.role = EnumCombo(Role, "Your role" if yours else "Role")
        add_row("role", "&Role:", self.role)
        self.discipline = EnumCombo(
            Discipline, "Your discipline" if yours else "Discipline", none_label="(not given)"
        )
        add_row("discipline", "&Discipline:", self.discipline)

    @property
    def role_value(self) -> str:
        return self.role.value() or ""

    @property
    def discipline_value(self) -> str:
        return self.discipline.value() or ""


class PassphraseFields:
    """A new passphrase typed twice, with a meter and a word for its strength.

    `label` and `name` are the first field's label and accessible name ("&Passphrase:",
    "Passphrase"); the second field is "Type it again"; `strength_name` names the meter.
    """

    def __init__(self, add_row: AddRow, *, label: str, name: str, strength_name: str) -> None:
        self.passphrase = passphrase_edit(name)
        add_row("passphrase", label, self.passphrase)
        self.again = passphrase_edit(f"{name} again")
        add_row("again", "Type it &again:", self.again)
        self.meter = QProgressBar()
        self.meter.setRange(0, 100)
        self.meter.setTextVisible(False)
        self.meter.setAccessibleName(strength_name)
        add_row("strength", "Strength:", self.meter)
        self.verdict = QLabel("")
        self.verdict.setWordWrap(True)
        self.verdict.setAccessibleName(f"{strength_name} in words")
        add_row("strength_words", "", self.verdict)
        self.passphrase.textChanged.connect(self._rate)
        self._rate("")

    def _rate(self, text: str) -> None:
        score, words = passphrase_strength(text)
        self.meter.setValue(score)
        self.meter.setAccessibleDescription(words)
        self.verdict.setText(words if text else "")

    def checked(self) -> str:
        """The new passphrase if it is strong enough and typed the same twice; else a
        ValidationError naming "passphrase" or "again"."""
        new = self.passphrase.text()
        check_new_passphrase(new, self.again.text())
        return new

    def focus(self, field: str) -> None:
        """Put the cursor in the field a refusal named."""
        edit = self.again if field == "again" else self.passphrase
        edit.setFocus(Qt.FocusReason.OtherFocusReason)

    def clear(self) -> None:
        self.passphrase.clear()
        self.again.clear()
