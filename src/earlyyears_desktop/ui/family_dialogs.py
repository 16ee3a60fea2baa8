"""A child's family and team: add or edit a carer or a professional, record a consent."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QCheckBox, QComboBox, QLineEdit, QWidget

from earlyyears_desktop.domain.enums import AccessibleFormat, ConsentKind
from earlyyears_desktop.domain.errors import ValidationError
from earlyyears_desktop.services.children import (
    CarerInput,
    CarerRow,
    TeamMemberInput,
    TeamMemberRow,
)
from earlyyears_desktop.services.container import Services
from earlyyears_desktop.ui.enum_combo import EnumCombo
from earlyyears_desktop.ui.forms import FormDialog, date_edit, py_date
from earlyyears_desktop.ui.operations import OpRunner


def _line(text: str = "", placeholder: str = "") -> QLineEdit:
    edit = QLineEdit(text)
    if placeholder:
        edit.setPlaceholderText(placeholder)
    return edit


class CarerDialog(FormDialog):
    """Add a parent or carer to a child's record, or edit one."""

    def __init__(
        self,
        services: Services,
        runner: OpRunner,
        child_id: str,
        carer: CarerRow | None = None,
        parent: QWidget | None = None,
    ) -> None:
        title = "Edit a parent or carer" if carer else "Add a parent or carer"
        super().__init__(title, runner, parent)
        self.services = services
        self.child_id = child_id
        self.carer = carer
        self.name = self.add_field("carer_name", "&Name:", _line(carer.name if carer else ""))
        self.relationship = self.add_field(
            "relationship",
            "&Relationship:",
            _line(carer.relationship if carer else "", "e.g. Mother, Grandfather, Foster carer"),
        )
        self.phone = self.add_field("phone", "&Phone:", _line(carer.phone if carer else ""))
        self.email = self.add_field("email", "&Email:", _line(carer.email if carer else ""))
        self.language = self.add_field(
            "preferred_language",
            "Preferred &language:",
            _line(carer.preferred_language if carer else "English"),
        )
        self.interpreter = QCheckBox("An &interpreter is needed")
        self.interpreter.setChecked(bool(carer and carer.interpreter_needed))
        self.add_field("interpreter_needed", "", self.interpreter)
        self.format = EnumCombo(
            AccessibleFormat,
            "Accessible format for handouts and letters",
            value=carer.accessible_format if carer else None,
        )
        self.add_field("accessible_format", "Accessible &format:", self.format)
        self.main_contact = QCheckBox("&Main contact for this child")
        self.main_contact.setChecked(bool(carer and carer.is_main_contact))
        self.add_field("is_main_contact", "", self.main_contact)
        self.finish_layout()
        self.name.setFocus()

    def data(self) -> CarerInput:
        return CarerInput(
            name=self.name.text(),
            relationship=self.relationship.text(),
            phone=self.phone.text(),
            email=self.email.text(),
            preferred_language=self.language.text(),
            interpreter_needed=self.interpreter.isChecked(),
            accessible_format=self.format.value() or AccessibleFormat.STANDARD.value,
            is_main_contact=self.main_contact.isChecked(),
        )

    def work(self) -> Callable[[], Any]:
        data, children = self.data(), self.services.children
        if self.carer is None:
            child_id = self.child_id
            return lambda: children.add_carer(child_id, data)
        carer_id = self.carer.id
        return lambda: children.update_carer(carer_id, data)


class TeamMemberDialog(FormDialog):
    """Add a professional to the team around the child, or edit one."""

    def __init__(
        self,
        services: Services,
        runner: OpRunner,
        child_id: str,
        member: TeamMemberRow | None = None,
        parent: QWidget | None = None,
    ) -> None:
        title = "Edit a team member" if member else "Add to the team around the child"
        super().__init__(title, runner, parent)
        self.services = services
        self.child_id = child_id
        self.member = member
        m = member
        self.name = self.add_field("member_name", "&Name:", _line(m.name if m else ""))
        self.role = self.add_field(
            "role", "&Role:", _line(m.role if m else "", "e.g. Speech and language therapist")
        )
        self.agency = self.add_field(
            "agency", "&Agency:", _line(m.agency if m else "", "e.g. Children's Therapies")
        )
        self.phone = self.add_field("phone", "&Phone:", _line(m.phone if m else ""))
        self.email = self.add_field("email", "&Email:", _line(m.email if m else ""))
        self.lead = QCheckBox("&Lead professional for this child")
        self.lead.setChecked(bool(m and m.is_lead_professional))
        self.lead.setToolTip("Only one lead professional: choosing this one replaces any other")
        self.add_field("is_lead_professional", "", self.lead)
        self.finish_layout()
        self.name.setFocus()

    def data(self) -> TeamMemberInput:
        return TeamMemberInput(
            name=self.name.text(),
            role=self.role.text(),
            agency=self.agency.text(),
            phone=self.phone.text(),
            email=self.email.text(),
            is_lead_professional=self.lead.isChecked(),
        )

    def work(self) -> Callable[[], Any]:
        data, children = self.data(), self.services.children
        if self.member is None:
            child_id = self.child_id
            return lambda: children.add_team_member(child_id, data)
        member_id = self.member.id
        return lambda: children.update_team_member(member_id, data)


class ConsentDialog(FormDialog):
    """Record a consent given for a child: what, by whom, when."""

    def __init__(
        self,
        services: Services,
        runner: OpRunner,
        child_id: str,
        carers: tuple[CarerRow, ...] = (),
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(
            "Record a consent",
            runner,
            parent,
            intro="Record only what the parent or carer has agreed to. It can be withdrawn "
            "later from the child's record.",
            save_text="&Record consent",
        )
        self.services = services
        self.child_id = child_id
        self.kind = EnumCombo(ConsentKind, "What the consent is for", none_label="Choose…")
        self.add_field("consent_kind", "&What for:", self.kind)
        self.given_by = QComboBox()
        self.given_by.setEditable(True)
        self.given_by.addItems([c.name for c in carers])
        self.given_by.setCurrentText(carers[0].name if carers else "")
        typed = self.given_by.lineEdit()
        if typed is not None:  # an editable combo box has one
            typed.setPlaceholderText("Choose a carer or type a name")
        self.given_by.setAccessibleName("Given by")
        self.add_field("given_by", "Given &by:", self.given_by)
        today = services.children.today()
        self.given_on = self.add_field("given_on", "&Date given:", date_edit(today, "Date given"))
        self.note = self.add_field("note", "&Note:", _line("", "Optional"))
        self.finish_layout()
        self.kind.setFocus()

    def work(self) -> Callable[[], Any]:
        kind = self.kind.value()
        if kind is None:
            raise ValidationError("consent_kind", "Please choose what the consent is for.")
        given_by, given_on = self.given_by.currentText(), py_date(self.given_on)
        note, child_id, children = self.note.text(), self.child_id, self.services.children
        return lambda: children.record_consent(child_id, kind, given_by, given_on, note)
