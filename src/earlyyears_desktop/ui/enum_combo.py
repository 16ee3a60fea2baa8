"""A combo box over one of the domain's vocabularies (`domain/enums.py`).

It shows each member's label and holds its stored value, in the enum's order, optionally
after a first entry that means "none chosen" (a form's "(not given)", a filter's "Any").
"""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QWidget

from earlyyears_desktop.domain.enums import LabelledEnum


class EnumCombo(QComboBox):
    """`value()` is the chosen member's stored value, or None for the "none" entry."""

    def __init__(
        self,
        vocabulary: type[LabelledEnum],
        accessible_name: str,
        *,
        none_label: str | None = None,
        value: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.vocabulary = vocabulary
        self.setAccessibleName(accessible_name)
        self._has_none = none_label is not None
        if none_label is not None:
            self.addItem(none_label, None)
        for member in vocabulary:
            self.addItem(member.label, member.value)
        if value is not None:
            self.set_value(value)

    def value(self) -> str | None:
        data = self.currentData()
        return data if isinstance(data, str) else None

    def set_value(self, value: str | None) -> None:
        """Choose `value`'s entry; the first entry when it is None or not in the vocabulary."""
        index = self.findData(value) if value is not None else -1
        self.setCurrentIndex(max(index, 0))
