"""The "Referrals and meetings" box of a child's record: the child's referrals to the
pre-school liaison group (where each is, and the family's questionnaire, in words) and the
meetings that discussed the child, or will; a referral made from here.

A referral opens in its dialog; a meeting asks the window to open it
(`meeting_open_requested(meeting_id)`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from html import escape
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget
from shiboken6 import isValid

from earlyyears_desktop.services.container import Services
from earlyyears_desktop.services.meeting_views import MeetingRow
from earlyyears_desktop.services.referrals import ReferralRow, ReferralView
from earlyyears_desktop.ui.child_box import ChildBox
from earlyyears_desktop.ui.forms import FormDialog
from earlyyears_desktop.ui.meetings_model import (
    first_line,
    lower_first,
    meeting_status_words,
    questionnaire_words,
    referral_state_words,
)
from earlyyears_desktop.ui.meetings_page import WATCHED
from earlyyears_desktop.ui.operations import OpRunner
from earlyyears_desktop.ui.referral_dialogs import ReferralDialog
from earlyyears_desktop.ui.widgets import clear_grid, rich_block, short_date

ChildMeetings = tuple[Sequence[ReferralRow], Sequence[tuple[MeetingRow, str]], dt.date]


def referral_html(row: ReferralRow, today: dt.date) -> str:
    state = referral_state_words(row, today)
    return (
        f"<b>Referred {short_date(row.referred_on)}</b> · {escape(state)}<br>"
        f"by {escape(row.referrer)} · questionnaire: "
        f"{escape(lower_first(questionnaire_words(row, today)))}<br>"
        f"<i>{escape(first_line(row.reason))}</i>"
    )


def meeting_html(row: MeetingRow, today: dt.date) -> str:
    return (
        f"<b>{escape(row.name)}</b> · {escape(meeting_status_words(row, today))}<br>"
        f"{row.held_on.strftime('%a ')}{short_date(row.held_on)} · {escape(row.kind.label)}"
        + (f" · {escape(row.place)}" if row.place else "")
    )


class ReferralsBox(ChildBox):
    """The child's referrals and meetings on their record."""

    #: emitted once the rows of the child shown are on screen (with the child's id)
    loaded = Signal(str)
    #: a meeting to open (its id)
    meeting_open_requested = Signal(str)

    entities = WATCHED

    def __init__(self, services: Services, runner: OpRunner, parent: QWidget | None = None):
        super().__init__(
            "Referrals and meetings",
            services,
            runner,
            "referrals",
            "Problem with the referrals and meetings",
            parent,
        )
        self.setAccessibleName("Referrals and meetings")
        self.referrals: tuple[ReferralRow, ...] = ()
        self.meetings: tuple[MeetingRow, ...] = ()
        self.dialog: FormDialog | None = None
        self.child_name = ""
        layout = QVBoxLayout(self)
        self.list = QWidget()
        self.list.setAccessibleName("The child's referrals and meetings")
        self.grid = QGridLayout(self.list)
        self.grid.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.list)
        layout.addWidget(self.message)
        buttons = QHBoxLayout()
        self.refer_button = QPushButton("Re&fer to the liaison group…")
        self.refer_button.setAccessibleName("Refer this child to the pre-school liaison group")
        self.refer_button.clicked.connect(lambda _=False: self.refer())
        buttons.addWidget(self.refer_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)

    def show_child(self, child_id: str, child_name: str = "") -> None:
        """Show this child's rows; `child_name` is what a new referral's dialog calls them."""
        super().show_child(child_id)
        self.child_name = child_name

    def read(self, child_id: str) -> Callable[[], Any]:
        services = self.services

        def work() -> ChildMeetings:
            return (
                services.referrals.rows(child_id=child_id),
                services.meetings.for_child(child_id),
                services.meetings.today(),
            )

        return work

    def forget(self) -> None:
        self.referrals, self.meetings = (), ()
        self.child_name = ""
        clear_grid(self.grid)
        if self.dialog is not None and isValid(self.dialog):
            self.dialog.reject()
        self.dialog = None

    def show_rows(self, child_id: str, answer: ChildMeetings) -> None:
        referrals, meetings, today = answer
        self.referrals = tuple(referrals)
        self.meetings = tuple(row for row, _discussion in meetings)
        clear_grid(self.grid)
        if not referrals and not meetings:
            empty = QLabel(
                "No referral or meeting yet. Once the parents agree that their child has, or "
                "is likely to have, SEND, Refer to the liaison group… records the referral."
            )
            empty.setWordWrap(True)
            self.grid.addWidget(empty, 0, 0)
        n = 0
        for row in self.referrals:
            spoken = (
                f"Referral of {short_date(row.referred_on)}, {referral_state_words(row, today)}"
            )
            self.grid.addWidget(rich_block(spoken, referral_html(row, today)), n, 0)
            opener = QPushButton("Open…")
            opener.setAccessibleName(f"Open the referral of {short_date(row.referred_on)}")
            opener.clicked.connect(lambda _=False, r=row: self.open_referral(r))
            self.grid.addWidget(opener, n, 1, Qt.AlignmentFlag.AlignTop)
            n += 1
        for meeting in self.meetings:
            spoken = f"{meeting.name}, {short_date(meeting.held_on)}"
            self.grid.addWidget(rich_block(spoken, meeting_html(meeting, today)), n, 0)
            opener = QPushButton("Open…")
            opener.setAccessibleName(f"Open the meeting of {short_date(meeting.held_on)}")
            opener.clicked.connect(
                lambda _=False, m=meeting.id: self.meeting_open_requested.emit(m)
            )
            self.grid.addWidget(opener, n, 1, Qt.AlignmentFlag.AlignTop)
            n += 1
        self.loaded.emit(child_id)

    def _open(self, dialog: FormDialog) -> None:
        self.dialog = dialog
        dialog.open()

    def refer(self) -> None:
        """The referral dialog with the child of the record chosen."""
        if self.child_id is None:
            return
        self._open(
            ReferralDialog(
                self.services,
                self.runner,
                self,
                child_id=self.child_id,
                child_name=self.child_name,
            )
        )

    def open_referral(self, row: ReferralRow) -> None:
        self.open_referral_id(row.id)

    def open_entry(self, entity: str, record_id: str) -> None:
        """Open an entry of the child's timeline: a referral in its dialog; a meeting's
        discussion, or a notification made at one, in the meeting's editor."""
        if entity == "referral":
            self.open_referral_id(record_id)
            return
        meetings = self.services.meetings
        self.runner.run(
            lambda: meetings.meeting_of(entity, record_id),
            on_done=self._open_meeting,
            on_error=self._failed,
        )

    def _open_meeting(self, meeting_id: str | None) -> None:
        if meeting_id is not None:
            self.meeting_open_requested.emit(meeting_id)

    def open_referral_id(self, referral_id: str) -> None:
        """Open a referral in its dialog (from the list, or the child's timeline)."""
        referrals = self.services.referrals

        def work() -> tuple[ReferralView, ReferralRow]:
            view = referrals.get(referral_id)
            rows = referrals.rows(child_id=view.child_id)
            return view, next(r for r in rows if r.id == referral_id)

        self.runner.run(
            work,
            on_done=lambda found: self._open(
                ReferralDialog(self.services, self.runner, self, view=found[0], row=found[1])
            ),
            on_error=self._failed,
        )
