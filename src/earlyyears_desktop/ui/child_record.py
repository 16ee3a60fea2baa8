"""One child's record: details, family, consents, the team around the child and a timeline."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from html import escape
from typing import TypeVar

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from earlyyears_desktop.domain.enums import (
    AreaOfNeed,
    ChildStatus,
    ConsentKind,
)
from earlyyears_desktop.domain.rules import format_nhs_number
from earlyyears_desktop.services.children import (
    CarerRow,
    ChildRecord,
    ConsentRow,
    Saved,
    TeamMemberRow,
)
from earlyyears_desktop.services.container import Services
from earlyyears_desktop.services.timeline import TimelinePage
from earlyyears_desktop.ui.child_people import carer_html, enum_label, member_html
from earlyyears_desktop.ui.child_plans import PlansBox
from earlyyears_desktop.ui.child_referrals import ReferralsBox
from earlyyears_desktop.ui.child_strategies import StrategiesBox
from earlyyears_desktop.ui.child_targets import TargetsBox
from earlyyears_desktop.ui.child_timeline import TimelineView
from earlyyears_desktop.ui.erase_child import EraseChildButton
from earlyyears_desktop.ui.error_text import error_text
from earlyyears_desktop.ui.family_dialogs import CarerDialog, ConsentDialog, TeamMemberDialog
from earlyyears_desktop.ui.forms import confirm, py_date
from earlyyears_desktop.ui.observation_dialog import (
    ObservationDialog,
    ObservationForm,
    read_observation_form,
)
from earlyyears_desktop.ui.operations import OpRunner
from earlyyears_desktop.ui.visit_opening import open_visit_editor
from earlyyears_desktop.ui.widgets import (
    FieldError,
    age_text,
    clear_grid,
    heading,
    long_date,
    rich_block,
    selectable_text,
    short_date,
)


@dataclass(frozen=True)
class ChildView:
    """Everything the record view shows, read in one go on the database thread."""

    record: ChildRecord
    #: the first page of the child's timeline, every kind
    timeline: TimelinePage


def read_child_view(services: Services, child_id: str, *, opening: bool = False) -> ChildView:
    """The record and its timeline; with `opening` (a child chosen, not a refresh) the
    service records the opening in the audit trail."""
    children = services.children
    record = children.open_record(child_id) if opening else children.get_child(child_id)
    return ChildView(record, services.timeline.page(child_id))


#: one record shown as a row (a carer, a member of the team)
Row = TypeVar("Row")


class _Rows(QWidget):
    """A box of rows: text on the left, its buttons on the right."""

    def __init__(self, name: str) -> None:
        super().__init__()
        self.setAccessibleName(name)
        self.grid = QGridLayout(self)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setColumnStretch(0, 1)


def _add_button(
    text: str, name: str, slot: Callable[[], object], layout: QVBoxLayout
) -> QPushButton:
    button = QPushButton(text)
    button.setAccessibleName(name)
    button.clicked.connect(lambda _=False: slot())
    row = QHBoxLayout()
    row.addWidget(button)
    row.addStretch(1)
    layout.addLayout(row)
    return button


def _empty_line(text: str) -> QLabel:
    """What an empty part of the record says, wrapped to the pane's width (it ran past it)."""
    label = QLabel(text)
    label.setWordWrap(True)
    return label


def _fill_rows(
    holder: _Rows,
    rows: Iterable[tuple[Row, str, str]],
    empty: str,
    on_edit: Callable[[Row], object],
    on_remove: Callable[[Row], object],
) -> list[QPushButton]:
    """One line of rich text per record with its Edit and Remove buttons; the buttons made."""
    rows = list(rows)
    grid = holder.grid
    clear_grid(grid)
    buttons: list[QPushButton] = []
    if not rows:
        grid.addWidget(_empty_line(empty), 0, 0)
    for n, (record, html, name) in enumerate(rows):
        text = rich_block(name)
        text.setText(html)
        grid.addWidget(text, n, 0)
        actions = QWidget()
        column = QVBoxLayout(actions)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        edit = QPushButton("Edit…")
        edit.setAccessibleName(f"Edit {name}")
        edit.clicked.connect(lambda _=False, r=record: on_edit(r))
        remove = QPushButton("Remove…")
        remove.setAccessibleName(f"Remove {name}")
        remove.clicked.connect(lambda _=False, r=record: on_remove(r))
        column.addWidget(edit)
        column.addWidget(remove)
        grid.addWidget(actions, n, 1, Qt.AlignmentFlag.AlignTop)
        buttons += [edit, remove]
    return buttons


class ChildRecordView(QScrollArea):
    edit_requested = Signal(object)  # ChildRecord
    #: a mark on the timeline was opened: show that session's register
    session_requested = Signal(str)
    #: a support plan asked for from the record (its id), to be seen on the Plans page
    plan_requested = Signal(str)
    #: a meeting asked for from the record (its id), to be opened
    meeting_open_requested = Signal(str)

    def __init__(self, services: Services, runner: OpRunner, parent: QWidget | None = None):
        super().__init__(parent)
        self.services = services
        self.runner = runner
        self.view: ChildView | None = None
        self.setWidgetResizable(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setAccessibleName("Child's record")
        body = QWidget()
        self.setWidget(body)
        layout = QVBoxLayout(body)

        top = QHBoxLayout()
        self.title = heading("")
        self.title.setAccessibleName("Child's name")
        top.addWidget(self.title, 1)
        self.edit_button = QPushButton("&Edit details…")
        self.edit_button.setAccessibleName("Edit the child's details")
        self.edit_button.clicked.connect(self._edit)
        top.addWidget(self.edit_button, 0, Qt.AlignmentFlag.AlignTop)
        self.visit_button = QPushButton("Start a home &visit…")
        self.visit_button.setAccessibleName("Start a home visit")
        self.visit_button.clicked.connect(self._start_visit)
        top.addWidget(self.visit_button, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(top)
        self.action_message = FieldError("record")
        self.action_message.setAccessibleName("Problem changing the record")
        layout.addWidget(self.action_message)
        self.empty = QLabel("Choose a child in the list to see their record.")
        self.empty.setWordWrap(True)
        layout.addWidget(self.empty)

        self.details_box = QGroupBox("Details")
        self.details = QFormLayout(self.details_box)
        self.detail_labels: dict[str, QLabel] = {}
        for key, caption in [
            ("legal", "Legal name"),
            ("dob", "Date of birth"),
            ("nhs", "NHS number"),
            ("status", "Status"),
            ("areas", "Areas of need"),
            ("key_person", "Key person"),
            ("lead", "Lead professional"),
            ("setting", "Setting attended"),
            ("notes", "Diagnoses or notes"),
        ]:
            value = selectable_text(caption)
            self.details.addRow(f"{caption}:", value)
            self.detail_labels[key] = value
        layout.addWidget(self.details_box)

        self.carers_box = QGroupBox("Parents and carers")
        carers_layout = QVBoxLayout(self.carers_box)
        self.carers = _Rows("Parents and carers")
        carers_layout.addWidget(self.carers)
        self.add_carer_button = _add_button(
            "Add a &parent or carer…", "Add a parent or carer", self.add_carer, carers_layout
        )
        self.carer_buttons: list[QPushButton] = []
        layout.addWidget(self.carers_box)

        self.consents_box = QGroupBox("Consents")
        consents_layout = QVBoxLayout(self.consents_box)
        self.consents = _Rows("Consents")
        self.consent_rows = self.consents.grid
        self.withdraw_buttons: list[QPushButton] = []
        consents_layout.addWidget(self.consents)
        self.record_consent_button = _add_button(
            "Record a co&nsent…", "Record a consent", self.record_consent, consents_layout
        )
        layout.addWidget(self.consents_box)

        self.team_box = QGroupBox("Team around the child")
        team_layout = QVBoxLayout(self.team_box)
        self.team = _Rows("Team around the child")
        team_layout.addWidget(self.team)
        self.add_member_button = _add_button(
            "Add to the &team…", "Add a professional to the team", self.add_member, team_layout
        )
        self.team_buttons: list[QPushButton] = []
        layout.addWidget(self.team_box)
        self.strategies_box = StrategiesBox(services, runner)
        layout.addWidget(self.strategies_box)
        self.targets_box = TargetsBox(services, runner)
        layout.addWidget(self.targets_box)
        self.plans_box = PlansBox(services, runner)
        self.plans_box.open_requested.connect(self.plan_requested)
        layout.addWidget(self.plans_box)
        self.referrals_box = ReferralsBox(services, runner)
        self.referrals_box.meeting_open_requested.connect(self.meeting_open_requested)
        layout.addWidget(self.referrals_box)

        self.timeline_box = QGroupBox("Timeline")
        timeline_layout = QVBoxLayout(self.timeline_box)
        self.timeline = TimelineView(services, runner)
        self.timeline.open_requested.connect(self._open_timeline_entry)
        timeline_layout.addWidget(self.timeline)
        self.add_observation_button = _add_button(
            "Add an &observation…", "Add an observation", self.add_observation, timeline_layout
        )
        layout.addWidget(self.timeline_box)
        self.erase_button = EraseChildButton(services, runner, self.clear_personal_data)
        layout.addWidget(self.erase_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addStretch(1)
        self.clear_personal_data()

    # ---- showing ----

    def show_child(self, view: ChildView) -> None:
        self.view = view
        self.action_message.clear_message()
        r = view.record
        today = self.services.children.today()
        self.empty.hide()
        for box in self._boxes():
            box.show()
        self.title.setText(r.display_name)
        self.title.setAccessibleName(f"Record of {r.display_name}")
        lead = r.lead_professional
        values = {
            "legal": f"{r.legal_given_names} {r.legal_family_name}",
            "dob": f"{long_date(r.date_of_birth)} (age {age_text(r.date_of_birth, today)})",
            "nhs": format_nhs_number(r.nhs_number) or "Not recorded",
            "status": enum_label(ChildStatus, r.status),
            "areas": "; ".join(enum_label(AreaOfNeed, a) for a in r.areas_of_need)
            or "None recorded",
            "key_person": r.key_person or "Not recorded",
            "lead": f"{lead.name}, {lead.role}" if lead else "None named",
            "setting": r.setting_attended or "Not recorded",
            "notes": r.diagnoses_notes or "None",
        }
        for key, text in values.items():
            self.detail_labels[key].setText(text)
        self.carer_buttons = _fill_rows(
            self.carers,
            [(c, carer_html(c), c.name) for c in r.carers],
            "No parent or carer recorded yet. Add a parent or carer… below adds one.",
            self.edit_carer,
            self.remove_carer,
        )
        self._show_consents(r.consents)
        self.team_buttons = _fill_rows(
            self.team,
            [(m, member_html(m), m.name) for m in r.team],
            "No professionals recorded yet. Add to the team… below names one who works with "
            "the child.",
            self.edit_member,
            self.remove_member,
        )
        self.strategies_box.show_child(r.id)
        self.targets_box.show_child(r.id)
        self.plans_box.show_child(r.id)
        self.referrals_box.show_child(r.id, r.display_name)
        self.timeline.show_child(r.id, view.timeline)
        self.erase_button.set_child(r.id, r.display_name)

    def _clear_consents(self) -> None:
        clear_grid(self.consent_rows)
        self.withdraw_buttons = []

    def _show_consents(self, consents: tuple[ConsentRow, ...]) -> None:
        self._clear_consents()
        if not consents:
            self.consent_rows.addWidget(
                _empty_line(
                    "No consents recorded. Record a consent… below records what was agreed."
                ),
                0,
                0,
            )
        for row, c in enumerate(consents):
            if c.withdrawn_on:
                state = f"withdrawn {short_date(c.withdrawn_on)}"
            elif c.given:
                state = "given"
            else:
                state = "refused"
            what = enum_label(ConsentKind, c.kind)
            text = QLabel(
                f"<b>{escape(what)}</b>: {state}<br>by {escape(c.given_by)}, "
                f"{short_date(c.given_on)}" + (f"<br><i>{escape(c.note)}</i>" if c.note else "")
            )
            text.setWordWrap(True)
            text.setTextFormat(Qt.TextFormat.RichText)
            self.consent_rows.addWidget(text, row, 0)
            if c.in_force:
                button = QPushButton("Withdraw…")
                button.setAccessibleName(f"Withdraw consent for {what}")
                button.clicked.connect(lambda _=False, consent=c: self._withdraw(consent))
                self.consent_rows.addWidget(button, row, 1, Qt.AlignmentFlag.AlignTop)
                self.withdraw_buttons.append(button)

    def _boxes(self) -> list[QWidget]:
        return [
            self.details_box,
            self.carers_box,
            self.consents_box,
            self.team_box,
            self.strategies_box,
            self.targets_box,
            self.plans_box,
            self.referrals_box,
            self.timeline_box,
            self.visit_button,
            self.edit_button,
            self.erase_button,
        ]

    def clear_personal_data(self) -> None:
        self.view = None
        self.title.setText("")
        self.title.setAccessibleName("Child's name")
        for label in self.detail_labels.values():
            label.clear()
        clear_grid(self.carers.grid)
        clear_grid(self.team.grid)
        self.carer_buttons, self.team_buttons = [], []
        self._clear_consents()
        self.strategies_box.clear()
        self.targets_box.clear()
        self.plans_box.clear()
        self.referrals_box.clear()
        self.timeline.clear_personal_data()
        for box in self._boxes():
            box.hide()
        self.empty.show()

    # ---- actions ----

    def _edit(self) -> None:
        if self.view is not None:
            self.edit_requested.emit(self.view.record)

    def _start_visit(self) -> None:
        if (child_id := self._child_id()) is not None:
            open_visit_editor(self, self.services, self.runner, child_id=child_id)

    def _open_timeline_entry(self, entity: str, record_id: str) -> None:
        """An entry of the timeline asked to be opened (Enter or double-click)."""
        if entity == "observation":
            self.open_observation(record_id)
        elif entity == "session":
            self.session_requested.emit(record_id)
        elif entity == "child_strategy":
            self.strategies_box.show_strategy(record_id)
        elif entity in ("teaching_target", "target_step"):
            self.targets_box.show_target(record_id)
        elif entity == "home_visit":
            open_visit_editor(self, self.services, self.runner, visit_id=record_id)
        elif entity == "support_plan":
            self.plan_requested.emit(record_id)
        elif entity == "plan_review":
            support = self.services.support
            self.runner.run(
                lambda: support.plan_of_review(record_id),
                on_done=self.plan_requested.emit,
                on_error=self._action_failed,
            )
        elif entity in ("referral", "meeting_discussion", "la_notification"):
            self.referrals_box.open_entry(entity, record_id)

    def _child_id(self) -> str | None:
        return self.view.record.id if self.view is not None else None

    def _open(self, dialog: QDialog) -> None:
        self.dialog = dialog
        dialog.open()

    def add_carer(self) -> None:
        if (child_id := self._child_id()) is not None:
            self._open(CarerDialog(self.services, self.runner, child_id, None, self))

    def edit_carer(self, carer: CarerRow) -> None:
        if (child_id := self._child_id()) is not None:
            self._open(CarerDialog(self.services, self.runner, child_id, carer, self))

    def remove_carer(self, carer: CarerRow) -> None:
        children = self.services.children
        self.dialog = confirm(
            self,
            "Remove a parent or carer",
            f"Remove {carer.name} from this child's record? Consents they gave stay recorded.",
            "&Remove",
            lambda: self.runner.run(
                lambda: children.remove_carer(carer.id),
                changes=lambda saved: saved.changes,
                on_error=self._action_failed,
            ),
        )

    def add_member(self) -> None:
        if (child_id := self._child_id()) is not None:
            self._open(TeamMemberDialog(self.services, self.runner, child_id, None, self))

    def edit_member(self, member: TeamMemberRow) -> None:
        if (child_id := self._child_id()) is not None:
            self._open(TeamMemberDialog(self.services, self.runner, child_id, member, self))

    def remove_member(self, member: TeamMemberRow) -> None:
        children = self.services.children
        self.dialog = confirm(
            self,
            "Remove from the team",
            f"Remove {member.name} from the team around this child?",
            "&Remove",
            lambda: self.runner.run(
                lambda: children.remove_team_member(member.id),
                changes=lambda saved: saved.changes,
                on_error=self._action_failed,
            ),
        )

    def record_consent(self) -> None:
        if self.view is not None:
            record = self.view.record
            self._open(ConsentDialog(self.services, self.runner, record.id, record.carers, self))

    # ---- observations ----

    def add_observation(self) -> None:
        """Write a new observation of the child shown."""
        if (child_id := self._child_id()) is not None:
            self._read_observation_form(lambda s: read_observation_form(s, child_id=child_id))

    def open_observation(self, observation_id: str) -> None:
        """Open the observation to read, change or delete it (from the timeline or search)."""
        self._read_observation_form(
            lambda s: read_observation_form(s, observation_id=observation_id)
        )

    def _read_observation_form(self, read: Callable[[Services], ObservationForm]) -> None:
        services = self.services
        self.action_message.clear_message()
        self.runner.run(
            lambda: read(services),
            on_done=lambda form: self._open(ObservationDialog(services, self.runner, form, self)),
            on_error=self._action_failed,
        )

    def _action_failed(self, error: BaseException) -> None:
        self.action_message.show_message(error_text(error))

    def _withdraw(self, consent: ConsentRow) -> None:
        if not consent.in_force:
            return
        dialog = WithdrawConsentDialog(self.services, self.runner, consent, self)
        dialog.open()
        self.withdraw_dialog = dialog


class WithdrawConsentDialog(QDialog):
    def __init__(
        self,
        services: Services,
        runner: OpRunner,
        consent: ConsentRow,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.services = services
        self.runner = runner
        self.consent = consent
        self.setWindowTitle("Withdraw consent")
        self.setAccessibleName("Withdraw consent")
        layout = QVBoxLayout(self)
        text = QLabel(
            f"Record that consent for “{enum_label(ConsentKind, consent.kind)}” has been "
            "withdrawn. From that date it is no longer relied on."
        )
        text.setWordWrap(True)
        layout.addWidget(text)
        form = QFormLayout()
        self.on = QDateEdit()
        self.on.setCalendarPopup(True)
        self.on.setDisplayFormat("d MMM yyyy")
        today = services.children.today()
        self.on.setDate(QDate(today.year, today.month, today.day))
        self.on.setAccessibleName("Date withdrawn")
        form.addRow("&Withdrawn on:", self.on)
        self.note = QLineEdit()
        self.note.setAccessibleName("Note about the withdrawal")
        form.addRow("&Note:", self.note)
        layout.addLayout(form)
        self.error = FieldError("withdrawn_on")
        layout.addWidget(self.error)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("&Withdraw consent")
        self.buttons.accepted.connect(self._save)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

    def _save(self) -> None:
        on = py_date(self.on)
        note = self.note.text()
        consent_id = self.consent.id
        children = self.services.children
        self.buttons.setEnabled(False)
        self.runner.run(
            lambda: children.withdraw_consent(consent_id, on, note),
            on_done=self._done,
            on_error=self._failed,
            changes=lambda saved: saved.changes,
        )

    def _done(self, _saved: Saved[str]) -> None:
        self.accept()

    def _failed(self, error: BaseException) -> None:
        self.buttons.setEnabled(True)
        self.error.show_message(error_text(error))
