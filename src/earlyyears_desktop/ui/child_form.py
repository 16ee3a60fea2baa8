"""Adding a child (with a carer and consents, saved together) and editing a child's details."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from earlyyears_desktop.domain.enums import AccessibleFormat, AreaOfNeed, ChildStatus, ConsentKind
from earlyyears_desktop.domain.errors import ValidationError
from earlyyears_desktop.domain.rules import format_nhs_number
from earlyyears_desktop.services.children import CarerInput, ChildInput, ChildRecord, Saved
from earlyyears_desktop.services.container import Services
from earlyyears_desktop.ui.enum_combo import EnumCombo
from earlyyears_desktop.ui.forms import FormDialog, date_edit, py_date
from earlyyears_desktop.ui.operations import OpRunner
from earlyyears_desktop.ui.widgets import parse_uk_date


class ChildForm(FormDialog):
    """`saved(Saved)` after the service accepted the whole record; nothing is saved before."""

    def __init__(
        self,
        services: Services,
        runner: OpRunner,
        record: ChildRecord | None = None,
        parent: QWidget | None = None,
    ) -> None:
        editing = record is not None
        super().__init__("Edit child's details" if editing else "Add a child", runner, parent)
        self.services = services
        self.record = record
        self.resize(640, 700)

        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setAccessibleName("The child's details, carers and consents")
        body = QWidget()
        scroll.setWidget(body)
        self.outer.addWidget(scroll)
        layout = QVBoxLayout(body)

        child_box = QGroupBox("Child")
        form = QFormLayout(child_box)
        self.given = self._line(form, "legal_given_names", "Legal &given names:")
        self.family = self._line(form, "legal_family_name", "Legal &family name:")
        self.preferred = self._line(form, "preferred_name", "&Preferred name:")
        self.preferred.setPlaceholderText("What the child is called day to day, if different")
        self.dob = self._line(form, "date_of_birth", "&Date of birth:")
        self.dob.setPlaceholderText("day/month/year, e.g. 14/03/2024")
        self.nhs = self._line(form, "nhs_number", "&NHS number:")
        self.nhs.setPlaceholderText("optional, 10 digits")
        areas = QWidget()
        areas.setAccessibleName("Areas of need")
        area_layout = QVBoxLayout(areas)
        area_layout.setContentsMargins(0, 0, 0, 0)
        self.areas: dict[str, QCheckBox] = {}
        for value, label in AreaOfNeed.choices():
            box = QCheckBox(label)
            box.setAccessibleName(f"Area of need: {label}")
            self.areas[value] = box
            area_layout.addWidget(box)
        self.add_field("areas_of_need", "Areas of need:", areas, form)
        self.status = EnumCombo(ChildStatus, "Status")
        self.add_field("status", "&Status:", self.status, form)
        self.key_person = self._line(form, "key_person", "&Key person:")
        self.setting = self._line(form, "setting_attended", "Setting a&ttended:")
        self.notes = QPlainTextEdit()
        self.notes.setAccessibleName("Diagnoses or notes")
        self.notes.setTabChangesFocus(True)
        self.notes.setFixedHeight(self.fontMetrics().lineSpacing() * 4 + 12)
        self.add_field("diagnoses_notes", "Diagnoses or n&otes:", self.notes, form)
        layout.addWidget(child_box)

        self.carer_box: QGroupBox | None = None
        self.consent_boxes: dict[str, QCheckBox] = {}
        if record is None:
            self._carer_section(layout)
            self._consent_section(layout)
        else:
            self._fill(record)
        layout.addStretch(1)

        self.finish_layout()
        self.given.setFocus()

    # ---- building ----

    def _line(self, form: QFormLayout, field: str, label: str) -> QLineEdit:
        edit = QLineEdit()
        self.add_field(field, label, edit, form)
        return edit

    def _carer_section(self, layout: QVBoxLayout) -> None:
        box = QGroupBox("Parent or carer")
        form = QFormLayout(box)
        self.carer_name = self._line(form, "carer_name", "Carer's na&me:")
        self.relationship = self._line(form, "relationship", "&Relationship:")
        self.relationship.setPlaceholderText("e.g. Mother, Father, Grandmother, Foster carer")
        self.phone = self._line(form, "phone", "P&hone:")
        self.email = self._line(form, "email", "&Email:")
        self.language = self._line(form, "preferred_language", "Preferred &language:")
        self.language.setText("English")
        self.interpreter = QCheckBox("An &interpreter is needed")
        # Named here: add_field would name a row without a label after its field.
        self.interpreter.setAccessibleName("An interpreter is needed")
        self.add_field("interpreter_needed", "", self.interpreter, form)
        self.fmt = EnumCombo(AccessibleFormat, "Accessible format for handouts and letters")
        self.add_field("accessible_format", "Accessible f&ormat:", self.fmt, form)
        layout.addWidget(box)
        self.carer_box = box

    def _consent_section(self, layout: QVBoxLayout) -> None:
        box = QGroupBox("Consent given by this carer")
        form = QFormLayout(box)
        note = QLabel("Tick only what the carer has agreed to. Consent can be withdrawn later.")
        note.setWordWrap(True)
        form.addRow(note)
        column = QWidget()
        col = QVBoxLayout(column)
        col.setContentsMargins(0, 0, 0, 0)
        for value, label in ConsentKind.choices():
            tick = QCheckBox(label)
            tick.setAccessibleName(f"Consent: {label}")
            self.consent_boxes[value] = tick
            col.addWidget(tick)
        self.add_field("consent_kind", "Agreed to:", column, form)
        self.given_on = date_edit(self.services.children.today(), "Date consent was given")
        self.add_field("given_on", "Date &given:", self.given_on, form)
        self.errors["given_by"] = self.errors["consent_kind"]
        layout.addWidget(box)

    def _fill(self, record: ChildRecord) -> None:
        self.given.setText(record.legal_given_names)
        self.family.setText(record.legal_family_name)
        self.preferred.setText(record.preferred_name)
        self.dob.setText(record.date_of_birth.strftime("%d/%m/%Y"))
        self.nhs.setText(format_nhs_number(record.nhs_number))
        for value, box in self.areas.items():
            box.setChecked(value in record.areas_of_need)
        self.status.set_value(record.status)
        self.key_person.setText(record.key_person)
        self.setting.setText(record.setting_attended)
        self.notes.setPlainText(record.diagnoses_notes)

    # ---- saving ----

    def _child_input(self) -> ChildInput:
        try:
            dob = parse_uk_date(self.dob.text())
        except ValueError:
            raise ValidationError(
                "date_of_birth",
                "Please enter the date of birth as day/month/year, e.g. 14/03/2024.",
            ) from None
        return ChildInput(
            legal_given_names=self.given.text(),
            legal_family_name=self.family.text(),
            preferred_name=self.preferred.text(),
            date_of_birth=dob,
            nhs_number=self.nhs.text(),
            areas_of_need=[v for v, box in self.areas.items() if box.isChecked()],
            diagnoses_notes=self.notes.toPlainText(),
            key_person=self.key_person.text(),
            setting_attended=self.setting.text(),
            status=self.status.currentData(),
        )

    def work(self) -> Callable[[], Saved[str]]:
        data = self._child_input()
        children = self.services.children
        if self.record is not None:
            child_id, version = self.record.id, self.record.version
            return lambda: children.update_child(child_id, data, expected_version=version)
        carers, consents = self._family_inputs()
        return lambda: children.create_child(data, carers, consents)

    def _family_inputs(self) -> tuple[list[CarerInput], list[tuple[str, str, dt.date]]]:
        name = self.carer_name.text().strip()
        kinds = [k for k, box in self.consent_boxes.items() if box.isChecked()]
        if not name:
            if kinds:
                raise ValidationError(
                    "carer_name", "Please enter the name of the carer giving consent."
                )
            return [], []
        carer = CarerInput(
            name=name,
            relationship=self.relationship.text(),
            phone=self.phone.text(),
            email=self.email.text(),
            preferred_language=self.language.text(),
            interpreter_needed=self.interpreter.isChecked(),
            accessible_format=self.fmt.value() or AccessibleFormat.STANDARD.value,
            is_main_contact=True,
        )
        given_on = py_date(self.given_on)
        return [carer], [(kind, name, given_on) for kind in kinds]
