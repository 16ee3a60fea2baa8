"""The dialog for a strategy of the library: a new one, or one written by the team, edited."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QLabel, QLineEdit, QPlainTextEdit, QWidget

from earlyyears_desktop.domain.enums import AreaOfNeed
from earlyyears_desktop.services.container import Services
from earlyyears_desktop.services.strategies import StrategyInput, StrategyRow
from earlyyears_desktop.ui.enum_combo import EnumCombo
from earlyyears_desktop.ui.forms import FormDialog
from earlyyears_desktop.ui.operations import OpRunner

#: what the "try at home" field asks of its words
HOME_HINT = (
    "Parents read this on their handout: short sentences, everyday words, no jargon or "
    "initials. Speak to them as “you”."
)


def _text_box(text: str, lines: int) -> QPlainTextEdit:
    box = QPlainTextEdit(text)
    box.setTabChangesFocus(True)  # Tab moves on; the wording needs no tab characters
    box.setMinimumHeight(box.fontMetrics().lineSpacing() * lines + 12)
    return box


class StrategyDialog(FormDialog):
    """A new strategy (`strategy` None), or changes to one written by the team. `saved`
    carries the service's `Saved` (its id is the new strategy's, for a new one)."""

    def __init__(
        self,
        services: Services,
        runner: OpRunner,
        strategy: StrategyRow | None = None,
        parent: QWidget | None = None,
    ) -> None:
        new = strategy is None
        super().__init__(
            "New strategy" if new else "Edit strategy",
            runner,
            parent,
            intro=(
                "A strategy for the team’s library: what to do and why, and how families can "
                "try it at home."
            ),
            save_text="&Save strategy" if new else "&Save changes",
        )
        self.services = services
        self.strategy = strategy
        self.setMinimumWidth(560)
        self.title = self.add_field(
            "title", "&Title:", QLineEdit(strategy.title if strategy else "")
        )
        self.title.setMaxLength(200)
        self.area = self.add_field(
            "area_of_need",
            "&Area of need:",
            EnumCombo(
                AreaOfNeed,
                "Area of need",
                none_label="(not given)",
                value=strategy.area_of_need if strategy else None,
            ),
        )
        self.wording = self.add_field(
            "practitioner_wording",
            "For &practitioners:",
            _text_box(strategy.practitioner_wording if strategy else "", 4),
        )
        self.wording.setAccessibleName("For practitioners: what to do and why")
        self.wording.setPlaceholderText("What to do, and why it helps")
        self.home = self.add_field(
            "try_at_home", "Try at &home:", _text_box(strategy.try_at_home if strategy else "", 3)
        )
        self.home.setAccessibleName("Try at home: the wording for parents")
        self.home.setAccessibleDescription(HOME_HINT)
        hint = QLabel(HOME_HINT)
        hint.setWordWrap(True)
        hint.setEnabled(False)
        self.form.addRow("", hint)
        self.tags = self.add_field(
            "tags", "Ta&gs:", QLineEdit(", ".join(strategy.tags) if strategy else "")
        )
        self.tags.setPlaceholderText("routines, visual support, sleep")
        self.tags.setAccessibleDescription("Words to find the strategy by, separated by commas")
        self.finish_layout()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.title.setFocus(Qt.FocusReason.OtherFocusReason)  # the buttons come first in the chain

    def work(self) -> Callable[[], Any]:
        data = StrategyInput(
            title=self.title.text(),
            area_of_need=self.area.value() or "",
            practitioner_wording=self.wording.toPlainText(),
            try_at_home=self.home.toPlainText(),
            tags=self.tags.text(),
        )
        strategies = self.services.strategies
        if self.strategy is None:
            return lambda: strategies.add(data)
        strategy_id, version = self.strategy.id, self.strategy.version
        return lambda: strategies.edit(strategy_id, data, expected_version=version)
