"""The meeting editor's dialogs for the meeting itself (`ui/meeting_editor.py`): its details,
a person there (or who sent apologies), the children added from the referrals waiting, and the
one child of a team around the child meeting.

`KeepTypedDialog` is the shape of every dialog of the editor: Esc on a dialog with something
typed asks before throwing it away (the editor closing, or the lock, discards it without
asking: `discard()`).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QWidget,
)

from earlyyears_desktop.domain.enums import LIAISON_ROLES, MeetingKind
from earlyyears_desktop.domain.errors import ValidationError
from earlyyears_desktop.services.container import Services
from earlyyears_desktop.services.meeting_views import AttendeeView, MeetingView
from earlyyears_desktop.services.meetings import AttendeeInput, MeetingInput
from earlyyears_desktop.services.practitioners import PractitionerRow
from earlyyears_desktop.services.referrals import ReferralRow
from earlyyears_desktop.services.unit_of_work import Saved
from earlyyears_desktop.ui.child_search import ChildSearch
from earlyyears_desktop.ui.enum_combo import EnumCombo
from earlyyears_desktop.ui.forms import FormDialog, date_edit, py_date
from earlyyears_desktop.ui.operations import OpRunner
from earlyyears_desktop.ui.plan_meeting_dialog import name_follows_kind, name_note, read_time
from earlyyears_desktop.ui.widgets import children_found, short_date, ticked_ids

NOT_OF_THE_TEAM = "(someone else: type the name)"
NO_REFERRAL_WAITING = (
    "No referral is waiting for a meeting. A child is referred on the Meetings page, once "
    "their parents agree; the referral then waits here until a meeting discusses it."
)
TICK_SOME = "Please tick the children to add to the agenda (Space ticks the one chosen)."
PERSON_INTRO = (
    "A professional at the meeting, or who sent apologies. The family there is recorded with "
    "the child (Family there), not here: the meeting's people are shared without the child's "
    "consent."
)


def answered_text(row: ReferralRow) -> str:
    """Whether the family answered the questionnaire, in words (never by colour alone)."""
    if row.answered_how is not None:
        return f"Answered {row.answered_how.label[0].lower()}{row.answered_how.label[1:]}"
    if row.questionnaire_sent_on is not None:
        return f"Not answered (questionnaire sent {short_date(row.questionnaire_sent_on)})"
    return "Not answered (questionnaire not sent yet)"


def roles_combo(role: str, accessible_name: str) -> QComboBox:
    """The liaison group's roles to choose from; any other role may be typed."""
    combo = QComboBox()
    combo.setEditable(True)
    combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
    combo.addItems(list(LIAISON_ROLES))
    combo.setAccessibleName(accessible_name)
    combo.setCurrentIndex(-1)
    combo.setEditText(role)
    line = combo.lineEdit()
    if line is not None:
        line.setAccessibleName(accessible_name)
        line.setPlaceholderText("Choose or type a role")
    return combo


def _state(widget: QWidget) -> object:
    if isinstance(widget, QLineEdit):
        return widget.text()
    if isinstance(widget, QPlainTextEdit):
        return widget.toPlainText()
    if isinstance(widget, QComboBox):
        return widget.currentText()
    if isinstance(widget, QCheckBox):
        return widget.isChecked()
    if isinstance(widget, QDateEdit):
        return widget.date().toString(Qt.DateFormat.ISODate)
    if isinstance(widget, QListWidget):
        return tuple(
            widget.item(n).checkState() == Qt.CheckState.Checked for n in range(widget.count())
        )
    return None


class KeepTypedDialog(FormDialog):
    """A form dialog that asks before Esc throws away what was typed in it."""

    _opened_with: tuple[object, ...] | None = None
    asking: QMessageBox | None = None

    def typed(self) -> tuple[object, ...]:
        return tuple(_state(w) for w in self.fields.values())

    def showEvent(self, event: QShowEvent) -> None:
        if self._opened_with is None:
            self._opened_with = self.typed()
        super().showEvent(event)

    def changed_since_opened(self) -> bool:
        return self._opened_with is not None and self.typed() != self._opened_with

    def reject(self) -> None:
        if not self.changed_since_opened():
            super().reject()
            return
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle("Discard what you typed?")
        box.setAccessibleName("Discard what you typed?")
        box.setText("What you typed in this dialog is not saved yet. Discard it?")
        discard = box.addButton("&Discard", QMessageBox.ButtonRole.DestructiveRole)
        keep = box.addButton("&Keep editing", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(keep)
        box.setEscapeButton(keep)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.buttonClicked.connect(lambda button: self.discard() if button is discard else None)
        self.asking = box
        box.open()

    def discard(self) -> None:
        """Close without saving and without asking (the editor closing, the lock)."""
        if self.asking is not None and self.asking.isVisible():
            self.asking.close()
        QDialog.reject(self)


class MeetingDetailsDialog(KeepTypedDialog):
    """The meeting's kind, name, date, time, place (or online), chair, and whether the
    families' letters name the people there by their roles only."""

    def __init__(
        self, services: Services, runner: OpRunner, view: MeetingView, parent: QWidget | None
    ) -> None:
        super().__init__("The meeting's details", runner, parent)
        self.services = services
        self.meeting_id = view.id
        self.kind = self.add_field(
            "kind", "&Kind:", EnumCombo(MeetingKind, "Kind of meeting", value=view.kind.value)
        )
        self.name = self.add_field("name", "&Name:", QLineEdit(view.name))
        self.name.setAccessibleName("The meeting's name")
        self.name_note = name_note(self.name)
        #: the name of a named kind of meeting, given back when the kind comes back to one
        self._other_name = view.name if view.kind is not MeetingKind.TEAM_AROUND_THE_CHILD else ""
        self.kind.currentIndexChanged.connect(lambda _i: self._follow_kind())
        self._follow_kind()
        self.held_on = self.add_field("held_on", "&Date:", date_edit(view.held_on, "Date"))
        self.starts_at = self.add_field(
            "starts_at", "&Time:", QLineEdit(f"{view.starts_at:%H:%M}" if view.starts_at else "")
        )
        self.starts_at.setPlaceholderText("for example 13:30 (empty: no time set)")
        self.starts_at.setAccessibleName("Time it starts")
        self.venue = self.add_field("venue", "&Place:", QLineEdit(view.venue))
        self.venue.setPlaceholderText("Where it is held (or the video link's name when online)")
        self.venue.setAccessibleName("Place")
        self.online = self.add_field("online", "", QCheckBox("&Online"))
        self.online.setChecked(view.online)
        self.online.setAccessibleName("Online")
        self.chair_name = self.add_field("chair_name", "&Chair:", QLineEdit(view.chair_name))
        self.chair_name.setAccessibleName("Chair's name")
        self.chair_role = self.add_field(
            "chair_role", "Chair's &role:", roles_combo(view.chair_role, "Chair's role")
        )
        self.roles_only = self.add_field(
            "letters_roles_only",
            "",
            QCheckBox("The families' &letters name the people there by their roles only"),
        )
        self.roles_only.setChecked(view.letters_roles_only)
        self.roles_only.setAccessibleName("Letters name roles only")
        self.finish_layout()
        (self.name if self.name.isEnabled() else self.held_on).setFocus()

    def _follow_kind(self) -> None:
        if self.name.isEnabled():
            self._other_name = self.name.text()
        name_follows_kind(self.name, self.name_note, self.kind.value(), self._other_name)

    def work(self) -> Callable[[], Any]:
        given = MeetingInput(
            kind=self.kind.value() or MeetingKind.LIAISON_GROUP.value,
            name=self.name.text(),
            held_on=py_date(self.held_on),
            starts_at=read_time(self.starts_at.text()),
            venue=self.venue.text(),
            online=self.online.isChecked(),
            chair_name=self.chair_name.text(),
            chair_role=self.chair_role.currentText(),
            letters_roles_only=self.roles_only.isChecked(),
        )
        meetings, meeting_id = self.services.meetings, self.meeting_id
        return lambda: meetings.edit(meeting_id, given)


def person_input(person: AttendeeView) -> AttendeeInput:
    return AttendeeInput(
        person.name, person.role, person.agency, person.present, person.practitioner_id
    )


class PersonDialog(KeepTypedDialog):
    """Someone at the meeting, or who sent apologies: a practitioner of the team, or anyone
    named, with their role and agency."""

    def __init__(
        self,
        runner: OpRunner,
        team: Sequence[PractitionerRow],
        person: AttendeeView | None,
        save: Callable[[AttendeeInput], Callable[[], Saved[None]]],
        parent: QWidget | None,
    ) -> None:
        super().__init__(
            "Add a person" if person is None else "Change a person",
            runner,
            parent,
            intro=PERSON_INTRO,
            save_text="&Add" if person is None else "&Save",
        )
        self._save = save
        self.team = self.add_field("practitioner", "From the &team:", QComboBox())
        self.team.setAccessibleName("A practitioner of the team")
        self.team.addItem(NOT_OF_THE_TEAM, None)
        for worker in team:
            self.team.addItem(f"{worker.name} ({worker.role_label})", worker.id)
        self.name = self.add_field("name", "&Name:", QLineEdit())
        self.name.setAccessibleName("Name")
        self.role = self.add_field("role", "&Role:", roles_combo("", "Role"))
        self.agency = self.add_field("agency", "A&gency:", QLineEdit())
        self.agency.setAccessibleName("Agency")
        self.agency.setPlaceholderText("Kingsford NHS Trust, the local authority…")
        self.apologies = self.add_field("present", "", QCheckBox("Sent a&pologies (not there)"))
        self.apologies.setAccessibleName("Sent apologies")
        self._team = {w.id: w for w in team}
        if person is not None:
            self.team.setCurrentIndex(max(self.team.findData(person.practitioner_id), 0))
            self.name.setText(person.name)
            self.role.setEditText(person.role)
            self.agency.setText(person.agency)
            self.apologies.setChecked(not person.present)
        self.team.currentIndexChanged.connect(self._from_team)
        self.finish_layout()
        (self.name if person is not None or not team else self.team).setFocus()

    def _from_team(self, _index: int) -> None:
        worker = self._team.get(self.team.currentData())
        if worker is not None:
            self.name.setText(worker.name)
            self.role.setEditText(worker.role_label)

    def work(self) -> Callable[[], Any]:
        practitioner = self.team.currentData()
        return self._save(
            AttendeeInput(
                name=self.name.text(),
                role=self.role.currentText(),
                agency=self.agency.text(),
                present=not self.apologies.isChecked(),
                practitioner_id=practitioner if isinstance(practitioner, str) else None,
            )
        )


class ReferralsDialog(KeepTypedDialog):
    """The referrals waiting for a meeting, to tick onto the agenda, each saying whether the
    family answered the questionnaire."""

    def __init__(
        self,
        services: Services,
        runner: OpRunner,
        meeting_id: str,
        rows: Sequence[ReferralRow],
        on_agenda: Collection[str],
        parent: QWidget | None,
    ) -> None:
        super().__init__(
            "Add from referrals waiting",
            runner,
            parent,
            intro="Tick the children to discuss (Space ticks the one chosen), oldest referral "
            "first. Families are not at the meeting: their questionnaire is their voice there.",
            save_text="&Add to the agenda",
        )
        self.services = services
        self.meeting_id = meeting_id
        self.choices = self.add_field("referrals", "&Referrals waiting:", QListWidget())
        self.choices.setAccessibleName("Referrals waiting")
        self.choices.setMinimumHeight(self.fontMetrics().lineSpacing() * 12)
        self.choices.setWordWrap(True)
        self.setMinimumWidth(680)
        for row in rows:
            if row.child_id in on_agenda:
                continue
            about = f"Referred {short_date(row.referred_on)} by {row.referrer}"
            if row.meeting_on is not None:
                about += f"; on the agenda of the meeting on {short_date(row.meeting_on)}"
            item = QListWidgetItem(f"{row.child_name} · {answered_text(row)}\n{about}")
            item.setData(Qt.ItemDataRole.UserRole, row.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            item.setToolTip(row.reason)
            self.choices.addItem(item)
        self.empty = QLabel(NO_REFERRAL_WAITING)
        self.empty.setWordWrap(True)
        self.empty.setAccessibleName("No referral waiting")
        self.form.addRow(self.empty)
        self.all_button = QPushButton("Tick a&ll")
        self.all_button.setAccessibleName("Tick every referral")
        self.all_button.clicked.connect(self.tick_all)
        self.form.addRow(self.all_button)
        found = self.choices.count() > 0
        self.empty.setVisible(not found)
        self.choices.setVisible(found)
        self.all_button.setVisible(found)
        self.save_button.setEnabled(found)
        self.finish_layout()
        if found:
            self.choices.setCurrentRow(0)
            self.choices.setFocus()

    def tick_all(self) -> None:
        for n in range(self.choices.count()):
            self.choices.item(n).setCheckState(Qt.CheckState.Checked)

    def ticked(self) -> list[str]:
        return ticked_ids(self.choices)

    def work(self) -> Callable[[], Any]:
        ids = self.ticked()
        if not ids:
            raise ValidationError("referrals", TICK_SOME)
        meetings, meeting_id = self.services.meetings, self.meeting_id
        return lambda: meetings.add_referrals(meeting_id, ids)


class ChildDialog(KeepTypedDialog, ChildSearch):
    """The child a team around the child meeting is about, found by name."""

    def __init__(
        self, services: Services, runner: OpRunner, meeting_id: str, parent: QWidget | None
    ) -> None:
        super().__init__(
            "The child this meeting is about",
            runner,
            parent,
            intro="A team around the child meeting is about one child, with the family there.",
            save_text="&Add to the agenda",
        )
        self.services = services
        self.meeting_id = meeting_id
        self.search = QLineEdit()
        self.search.setPlaceholderText("Type part of the child's name")
        self.search.setAccessibleName("Search for a child")
        self.add_field("search", "&Child:", self.search)
        self.results = children_found(8)
        self.add_field("child", "", self.results)
        self.finish_layout()
        self.search_as_typed()
        self.search.setFocus()

    def typed(self) -> tuple[object, ...]:
        return (self.search.text(),)

    def work(self) -> Callable[[], Any]:
        child_id = self.required_child_id()
        meetings, meeting_id = self.services.meetings, self.meeting_id
        return lambda: meetings.add_child(meeting_id, child_id)


__all__ = [
    "ChildDialog",
    "KeepTypedDialog",
    "MeetingDetailsDialog",
    "PersonDialog",
    "ReferralsDialog",
    "answered_text",
    "person_input",
    "roles_combo",
]
