"""The meeting editor's dialogs for one child discussed: a decision (notifying the local
authority asks for the health professional who notifies and the reason), the parents told of
that notification, and an action (what, who, by when)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

from earlyyears_desktop.domain.enums import DecisionKind
from earlyyears_desktop.services.container import Services
from earlyyears_desktop.services.meetings import ActionInput, NotifierInput
from earlyyears_desktop.services.practitioners import PractitionerRow
from earlyyears_desktop.ui.enum_combo import EnumCombo
from earlyyears_desktop.ui.forms import date_edit, py_date
from earlyyears_desktop.ui.meeting_dialogs import KeepTypedDialog, roles_combo
from earlyyears_desktop.ui.operations import OpRunner

#: how parents are commonly told (any words may be typed)
TOLD_HOW = (
    "In person",
    "By phone",
    "By letter",
    "By email",
)
DETAIL_HINTS = {
    DecisionKind.NOTIFY_LOCAL_AUTHORITY: "Anything to add (the reason goes below)",
    DecisionKind.REQUEST_ASSESSMENT: "Which assessment, by whom",
    DecisionKind.REFER_TO_SERVICE: "Which service (needed)",
    DecisionKind.SUPPORT_FOR_SCHOOL: "The school, the support planned for the move",
    DecisionKind.NO_FURTHER_ACTION: "Why, in a few words",
    DecisionKind.OTHER: "What was decided (needed)",
}


def _box(name: str, placeholder: str = "") -> QPlainTextEdit:
    box = QPlainTextEdit()
    box.setTabChangesFocus(True)
    box.setAccessibleName(name)
    box.setPlaceholderText(placeholder)
    box.setFixedHeight(72)
    return box


class DecisionDialog(KeepTypedDialog):
    """What the meeting decided for the child; "notify the local authority" names the health
    professional who notifies (the chair, to start with) and the reason."""

    def __init__(
        self,
        services: Services,
        runner: OpRunner,
        discussion_id: str,
        child_name: str,
        chair: tuple[str, str],
        parent: QWidget | None,
    ) -> None:
        super().__init__(
            f"A decision for {child_name}", runner, parent, save_text="&Save the decision"
        )
        self.services = services
        self.discussion_id = discussion_id
        self.kind = self.add_field("kind", "&Decision:", EnumCombo(DecisionKind, "Decision"))
        self.detail = self.add_field("detail", "De&tail:", _box("Detail"))
        self.notifier = QGroupBox("The notification to the local authority")
        self.notifier.setAccessibleName("The notification to the local authority")
        self.form.addRow(self.notifier)
        notifier_form = QFormLayout(self.notifier)
        self.notified_by = self.add_field(
            "notified_by", "&Notified by:", QLineEdit(chair[0]), notifier_form
        )
        self.notified_by.setAccessibleName("Health professional who notifies")
        self.notified_by.setPlaceholderText("The health professional who notifies")
        self.notified_role = self.add_field(
            "notified_by_role",
            "Their &role:",
            roles_combo(chair[1], "Role of who notifies"),
            notifier_form,
        )
        self.reason = self.add_field(
            "reason",
            "Re&ason:",
            _box("Reason for the notification", "Why the child may have SEND"),
            notifier_form,
        )
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.finish_layout()
        self._kind_changed()
        self.kind.setFocus()

    def _kind_changed(self, _index: int = 0) -> None:
        kind = DecisionKind(self.kind.value() or DecisionKind.OTHER.value)
        self.notifier.setVisible(kind is DecisionKind.NOTIFY_LOCAL_AUTHORITY)
        self.detail.setPlaceholderText(DETAIL_HINTS.get(kind, ""))
        self.adjustSize()

    def typed(self) -> tuple[object, ...]:
        return (self.detail.toPlainText(), self.reason.toPlainText())

    def work(self) -> Callable[[], Any]:
        kind = self.kind.value() or ""
        detail = self.detail.toPlainText()
        notifier = None
        if kind == DecisionKind.NOTIFY_LOCAL_AUTHORITY.value:
            notifier = NotifierInput(
                self.notified_by.text(),
                self.notified_role.currentText(),
                self.reason.toPlainText(),
            )
        meetings, discussion_id = self.services.meetings, self.discussion_id
        return lambda: meetings.decide(discussion_id, kind, detail, notifier=notifier)


class ParentsToldDialog(KeepTypedDialog):
    """When and how the parents were told that the local authority was notified."""

    def __init__(
        self,
        services: Services,
        runner: OpRunner,
        notification_id: str,
        told: tuple[dt.date | None, str],
        parent: QWidget | None,
    ) -> None:
        super().__init__(
            "Parents told of the notification",
            runner,
            parent,
            intro="The parents are told that the local authority was notified of their child. "
            "Record when and how.",
        )
        self.services = services
        self.notification_id = notification_id
        today = services.meetings.today()
        self.told_on = self.add_field(
            "parents_told_on", "&When:", date_edit(told[0] or today, "When the parents were told")
        )
        self.how = self.add_field("parents_told_how", "&How:", QComboBox())
        self.how.setEditable(True)
        self.how.addItems(list(TOLD_HOW))
        self.how.setCurrentIndex(-1)
        self.how.setEditText(told[1])
        self.how.setAccessibleName("How the parents were told")
        line = self.how.lineEdit()
        if line is not None:
            line.setAccessibleName("How the parents were told")
            line.setPlaceholderText("In person at clinic, by phone…")
        self.finish_layout()
        self.how.setFocus()

    def work(self) -> Callable[[], Any]:
        on, how = py_date(self.told_on), self.how.currentText()
        meetings, notification_id = self.services.meetings, self.notification_id
        return lambda: meetings.parents_told(notification_id, on, how)


def owner_combo(team: Sequence[PractitionerRow]) -> QComboBox:
    """The team's practitioners to choose from; any other person's name may be typed."""
    combo = QComboBox()
    combo.setEditable(True)
    combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
    for worker in team:
        combo.addItem(f"{worker.name} ({worker.role_label})", worker.id)
    combo.setCurrentIndex(-1)
    combo.setEditText("")
    combo.setAccessibleName("Who will do it")
    line = combo.lineEdit()
    if line is not None:
        line.setAccessibleName("Who will do it")
        line.setPlaceholderText("Choose someone of the team, or type a name")
    return combo


def chosen_owner(combo: QComboBox) -> tuple[str | None, str]:
    """(practitioner id, "") for one of the team chosen, else (None, the name typed)."""
    at = combo.findText(combo.currentText())
    if at >= 0 and isinstance(combo.itemData(at), str):
        return str(combo.itemData(at)), ""
    return None, combo.currentText()


class ActionDialog(KeepTypedDialog):
    """Something to do after the meeting: what, who (a practitioner of the team sees it on
    their Today page), by when."""

    def __init__(
        self,
        services: Services,
        runner: OpRunner,
        discussion_id: str,
        child_name: str,
        team: Sequence[PractitionerRow],
        due: dt.date,
        parent: QWidget | None,
    ) -> None:
        super().__init__(f"An action for {child_name}", runner, parent, save_text="&Add the action")
        self.services = services
        self.discussion_id = discussion_id
        self.what = self.add_field("what", "&What:", _box("What is to be done"))
        self.what.setPlaceholderText("Ask the nursery for a short report before the visit")
        self.owner = self.add_field("owner", "W&ho:", owner_combo(team))
        self.alias("owner_name", "owner")
        self.due_on = self.add_field("due_on", "&By:", date_edit(due, "To be done by"))
        self.finish_layout()
        self.what.setFocus()

    def work(self) -> Callable[[], Any]:
        owner_id, owner_name = chosen_owner(self.owner)
        given = ActionInput(
            what=self.what.toPlainText(),
            due_on=py_date(self.due_on),
            owner_id=owner_id,
            owner_name=owner_name,
        )
        meetings, discussion_id = self.services.meetings, self.discussion_id
        return lambda: meetings.add_action(discussion_id, given)


__all__ = [
    "TOLD_HOW",
    "ActionDialog",
    "DecisionDialog",
    "ParentsToldDialog",
    "chosen_owner",
    "owner_combo",
]
