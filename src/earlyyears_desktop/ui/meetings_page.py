"""The Meetings page: the referrals to the pre-school liaison group (those waiting first, or all
of them) with where each family's questionnaire is, and the meetings to come and past.

Families do not come to the liaison group: the questionnaire before it and the letter after it
are their voice there. From here a practitioner refers a child (Ctrl+N), records that the
questionnaire went out, types in the answers that came back, withdraws a referral, and plans a
meeting. The page only asks for what others build: `meeting_open_requested(meeting_id)` (the
meeting's own window, also after "Plan a meeting…") and `questionnaire_requested(referral_id)`
(the printable questionnaire) are for the window to connect.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from earlyyears_desktop.domain.enums import MeetingKind
from earlyyears_desktop.services.container import Services
from earlyyears_desktop.services.meeting_views import MeetingRow
from earlyyears_desktop.services.practitioners import PractitionerRow
from earlyyears_desktop.services.referrals import ReferralRow, ReferralView
from earlyyears_desktop.services.unit_of_work import Changes, Saved
from earlyyears_desktop.ui.answers_dialog import AnswersDialog
from earlyyears_desktop.ui.error_text import error_text
from earlyyears_desktop.ui.forms import FormDialog
from earlyyears_desktop.ui.meetings_model import (
    MEETING_SAMPLES,
    REFERRAL_SAMPLES,
    MeetingsModel,
    ReferralsModel,
)
from earlyyears_desktop.ui.operations import OpRunner
from earlyyears_desktop.ui.pages import Page
from earlyyears_desktop.ui.plan_meeting_dialog import PlanMeetingDialog
from earlyyears_desktop.ui.referral_dialogs import (
    QuestionnaireSentDialog,
    ReferralDialog,
    WithdrawReferralDialog,
)
from earlyyears_desktop.ui.widgets import FieldError, heading, push_button, text_table

#: the records whose change can change what the page shows
WATCHED = (
    "referral",
    "questionnaire_reply",
    "parent_question",
    "meeting",
    "meeting_discussion",
    "child",
)
WAITING, ALL = "waiting", "all"


@dataclass(frozen=True)
class MeetingsView:
    today: dt.date
    waiting_only: bool
    referrals: tuple[ReferralRow, ...]
    meetings: tuple[MeetingRow, ...]


def read_meetings(services: Services, waiting_only: bool) -> MeetingsView:
    return MeetingsView(
        services.meetings.today(),
        waiting_only,
        tuple(services.referrals.rows(waiting_only=waiting_only)),
        tuple(services.meetings.meetings()),
    )


def _empty_label(name: str) -> QLabel:
    label = QLabel("")
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setAccessibleName(name)
    label.hide()
    return label


class MeetingsPage(Page):
    #: open this meeting (its id): its agenda, people, discussions and letters
    meeting_open_requested = Signal(str)
    #: the printable questionnaire for this referral's family (the referral's id)
    questionnaire_requested = Signal(str)
    #: both lists are shown (after each read)
    loaded = Signal()

    def __init__(self, services: Services, runner: OpRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.runner = runner
        self.view: MeetingsView | None = None
        self.dialog: FormDialog | None = None
        self._generation = 0
        self.setAccessibleName("Meetings")

        layout = QVBoxLayout(self)
        layout.addWidget(heading("Meetings"))
        self.message = FieldError("meetings")
        self.message.setAccessibleName("Problem on the Meetings page")
        layout.addWidget(self.message)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self._referrals_box())
        splitter.addWidget(self._meetings_box())
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setChildrenCollapsible(False)
        layout.addWidget(splitter, 1)

        self.setTabOrder(self.show_choice, self.referrals)
        self.setTabOrder(self.referrals, self.meetings)
        self.setFocusProxy(self.referrals)
        QShortcut(QKeySequence.StandardKey.New, self, self.refer)
        runner.changed.connect(self._on_changes)
        self._enable_actions()

    def _referrals_box(self) -> QGroupBox:
        box = QGroupBox("Referrals to the pre-school liaison group")
        box.setAccessibleName("Referrals to the pre-school liaison group")
        column = QVBoxLayout(box)
        top = QHBoxLayout()
        self.refer_button = push_button("Re&fer a child…", "Refer a child", self.refer)
        self.refer_button.setToolTip("Refer a child to the liaison group (Ctrl+N)")
        self.open_button = push_button("&Open…", "Open the referral", self.open_referral)
        self.open_button.setToolTip("See or change the referral chosen (Enter)")
        self.sent_button = push_button(
            "Questionnaire &sent…", "Record that the questionnaire was sent", self.record_sent
        )
        self.answers_button = push_button(
            "&Answers…", "Type in the family's answers", self.type_answers
        )
        self.answers_button.setToolTip("Type in the answers the family sent back")
        self.questionnaire_button = push_button(
            "Questionnaire for the famil&y…",
            "The questionnaire for the family, to print",
            self.questionnaire,
        )
        self.withdraw_button = push_button("&Withdraw…", "Withdraw the referral", self.withdraw)
        for button in (
            self.refer_button,
            self.open_button,
            self.sent_button,
            self.answers_button,
            self.questionnaire_button,
            self.withdraw_button,
        ):
            top.addWidget(button)
        top.addStretch(1)
        shown = QLabel("S&how:")
        self.show_choice = QComboBox()
        self.show_choice.setAccessibleName("Which referrals to show")
        self.show_choice.addItem("Referrals waiting", WAITING)
        self.show_choice.addItem("All referrals (also discussed and withdrawn)", ALL)
        self.show_choice.currentIndexChanged.connect(lambda _i: self.reload())
        shown.setBuddy(self.show_choice)
        top.addWidget(shown)
        top.addWidget(self.show_choice)
        column.addLayout(top)
        self.referrals_empty = _empty_label("No referrals")
        column.addWidget(self.referrals_empty)
        self.referrals_model = ReferralsModel(self)
        self.referrals = text_table(
            "Referrals",
            "Enter opens the referral chosen",
            self.referrals_model,
            REFERRAL_SAMPLES,
        )
        self.referrals.activated.connect(self._referral_activated)
        self.referrals.selectionModel().currentRowChanged.connect(
            lambda _c, _p: self._enable_actions()
        )
        column.addWidget(self.referrals, 1)
        return box

    def _meetings_box(self) -> QGroupBox:
        box = QGroupBox("Meetings")
        box.setAccessibleName("Meetings: to come, then past")
        column = QVBoxLayout(box)
        top = QHBoxLayout()
        self.plan_button = push_button("&Plan a meeting…", "Plan a meeting", self.plan_meeting)
        self.plan_button.setToolTip("A pre-school liaison group or a team around the child meeting")
        self.meeting_button = push_button(
            "Open &meeting", "Open the meeting chosen", self.open_meeting
        )
        self.meeting_button.setToolTip("Open the meeting chosen (Enter on a meeting)")
        top.addWidget(self.plan_button)
        top.addWidget(self.meeting_button)
        top.addStretch(1)
        column.addLayout(top)
        self.meetings_empty = _empty_label("No meetings")
        column.addWidget(self.meetings_empty)
        self.meetings_model = MeetingsModel(self)
        self.meetings = text_table(
            "Meetings", "Enter opens the meeting chosen", self.meetings_model, MEETING_SAMPLES
        )
        self.meetings.activated.connect(self._meeting_activated)
        self.meetings.selectionModel().currentRowChanged.connect(
            lambda _c, _p: self._enable_actions()
        )
        column.addWidget(self.meetings, 1)
        return box

    # ---- reading ----

    def waiting_only(self) -> bool:
        return bool(self.show_choice.currentData() != ALL)

    def reload(self) -> None:
        self._generation += 1
        generation, services, waiting = self._generation, self.services, self.waiting_only()
        self.runner.run(
            lambda: read_meetings(services, waiting),
            on_done=lambda view: self._show(view, generation),
            on_error=self._failed,
        )

    def _on_changes(self, changes: Changes) -> None:
        if self.isVisible() and changes.touches(*WATCHED):
            self.reload()

    def _show(self, view: MeetingsView, generation: int) -> None:
        if generation == self._generation:  # else a newer read is on its way
            self.show_lists(view)

    def show_lists(self, view: MeetingsView) -> None:
        """Show the lists read by `read_meetings`, the rows chosen kept chosen."""
        referral, meeting = self.selected_referral(), self.selected_meeting()
        self.view = view
        self.message.clear_message()
        self.referrals_model.set_rows(view.referrals, view.today)
        self.meetings_model.set_rows(view.meetings, view.today)
        self.referrals_empty.setText(self._referrals_empty_text(view))
        self.referrals_empty.setVisible(not view.referrals)
        self.referrals.setVisible(bool(view.referrals))
        self.meetings_empty.setText(
            "No meetings yet. Plan a meeting… (Alt+P) sets the date and place of the next "
            "liaison group or team around the child meeting; its agenda is made from the "
            "referrals waiting."
        )
        self.meetings_empty.setVisible(not view.meetings)
        self.meetings.setVisible(bool(view.meetings))
        for table, model, chosen in (
            (self.referrals, self.referrals_model, referral.id if referral else None),
            (self.meetings, self.meetings_model, meeting.id if meeting else None),
        ):
            if model.rowCount():
                row = model.row_of(chosen) if chosen else -1
                table.setCurrentIndex(model.index(max(row, 0), 0))
        self._enable_actions()
        self.loaded.emit()

    def _referrals_empty_text(self, view: MeetingsView) -> str:
        refer = (
            "Refer a child… (Ctrl+N) records a referral once the parents agree that their "
            "child has, or is likely to have, SEND."
        )
        if view.waiting_only:
            return (
                f"No referrals waiting for a meeting. {refer} To see the referrals already "
                "discussed or withdrawn, choose Show: All referrals."
            )
        return f"No referrals yet. {refer}"

    def _failed(self, error: BaseException) -> None:
        self.message.show_message(error_text(error))

    # ---- the rows chosen ----

    def selected_referral(self) -> ReferralRow | None:
        return self.referrals_model.row_at(self.referrals.currentIndex().row())

    def selected_meeting(self) -> MeetingRow | None:
        return self.meetings_model.row_at(self.meetings.currentIndex().row())

    def _enable_actions(self) -> None:
        row = self.selected_referral()
        for button in (
            self.open_button,
            self.sent_button,
            self.answers_button,
            self.questionnaire_button,
        ):
            button.setEnabled(row is not None)
        self.withdraw_button.setEnabled(row is not None and row.withdrawn_on is None)
        self.meeting_button.setEnabled(self.selected_meeting() is not None)

    # ---- referrals ----

    def _open(self, dialog: FormDialog, back_to: QWidget) -> None:
        self.dialog = dialog
        dialog.saved.connect(lambda _r: back_to.setFocus())
        dialog.open()

    def refer(self) -> None:
        self._open(ReferralDialog(self.services, self.runner, self), self.referrals)

    def _referral_activated(self, index: QModelIndex) -> None:
        if index.isValid():
            self.open_referral()

    def open_referral(self) -> None:
        row = self.selected_referral()
        if row is None:
            return
        referrals, referral = self.services.referrals, row.id
        self.runner.run(
            lambda: referrals.get(referral),
            on_done=lambda view: self._open(
                ReferralDialog(self.services, self.runner, self, view=view, row=row),
                self.referrals,
            ),
            on_error=self._failed,
        )

    def type_answers(self) -> None:
        row = self.selected_referral()
        if row is None:
            return
        services, referral = self.services, row.id

        def read() -> tuple[ReferralView, list[PractitionerRow]]:
            return services.referrals.get(referral), services.practitioners.list()

        self.runner.run(
            read,
            on_done=lambda answer: self._open(
                AnswersDialog(self.services, self.runner, answer[0], answer[1], self),
                self.referrals,
            ),
            on_error=self._failed,
        )

    def record_sent(self) -> None:
        row = self.selected_referral()
        if row is not None:
            self._open(
                QuestionnaireSentDialog(self.services, self.runner, row, self), self.referrals
            )

    def withdraw(self) -> None:
        row = self.selected_referral()
        if row is not None and row.withdrawn_on is None:
            self._open(
                WithdrawReferralDialog(self.services, self.runner, row, self), self.referrals
            )

    def questionnaire(self) -> None:
        row = self.selected_referral()
        if row is not None:
            self.questionnaire_requested.emit(row.id)

    # ---- meetings ----

    def _meeting_activated(self, index: QModelIndex) -> None:
        if index.isValid():
            self.open_meeting()

    def open_meeting(self) -> None:
        row = self.selected_meeting()
        if row is not None:
            self.meeting_open_requested.emit(row.id)

    def plan_meeting(self) -> None:
        names: dict[str, str] = {}
        for row in reversed(self.view.meetings if self.view else ()):
            names[row.kind.value] = row.name  # the latest of each kind wins
        names.setdefault(MeetingKind.LIAISON_GROUP.value, "")
        dialog = PlanMeetingDialog(self.services, self.runner, self, names=names)
        dialog.saved.connect(self._planned)
        self._open(dialog, self.meetings)

    def _planned(self, saved: Saved[str]) -> None:
        self.meeting_open_requested.emit(saved.id)

    def clear_personal_data(self) -> None:
        self._generation += 1
        self.view = None
        self.referrals_model.clear_rows()
        self.meetings_model.clear_rows()
        self.referrals_empty.clear()
        self.meetings_empty.clear()
        self.message.clear_message()
        if self.dialog is not None:
            self.dialog.reject()
            self.dialog = None
        self._enable_actions()
