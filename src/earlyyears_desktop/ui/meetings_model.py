"""The Meetings page's tables: the referrals to the pre-school liaison group, and the meetings
(liaison groups and teams around the child), each row's state in words ("Not sent",
"Sent 3 Feb", "Answered by phone"; "Waiting", "Discussed 12 Mar"; "Upcoming", "Held").

A team holds tens of referrals and meetings a year, read whole by one query each: the models
hold the rows, put in words once per read (`caseload_model`'s text table).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from PySide6.QtCore import QObject
from PySide6.QtGui import QFont

from earlyyears_desktop.domain.enums import MeetingKind, MeetingStatus
from earlyyears_desktop.services.meeting_views import MeetingRow
from earlyyears_desktop.services.referrals import ReferralRow
from earlyyears_desktop.ui.caseload_model import TextTable

REFERRAL_COLUMNS = ("Referred", "Child", "Referred by", "Reason", "Questionnaire", "Where it is")
REFERRAL_SAMPLES = (
    "28 Nov 2026",
    "Oisín Patrick Ó Briain",
    "Dr Farah Siddiqui, Community paediatrician",
    "Few words at 2½; not yet pointing",
    "Answered on paper",
    "On the agenda for 12 Mar",
)
MEETING_COLUMNS = (
    "Date",
    "Kind",
    "Name",
    "Place",
    "Children",
    "Questionnaires",
    "Letters",
    "Status",
)
MEETING_SAMPLES = (
    "Wed 28 Nov 2026",
    "Pre-school liaison group",
    "Kingsford pre-school liaison group",
    "Riverside Children's Centre",
    "Children",
    "4 of 6 answered",
    "6 of 6 sent",
    "Upcoming",  # the last column stretches over the rest of the width
)
REASON_LENGTH = 80


def day_words(day: dt.date, today: dt.date) -> str:
    """'3 Feb' in the year of `today`, else '3 Feb 2027'."""
    return day.strftime("%-d %b") if day.year == today.year else day.strftime("%-d %b %Y")


def lower_first(words: str) -> str:
    """'Sent 3 Feb' as part of a sentence: 'sent 3 Feb' (the month keeps its capital)."""
    return words[:1].lower() + words[1:]


def questionnaire_words(row: ReferralRow, today: dt.date) -> str:
    """'Not sent', 'Sent 3 Feb', 'Answered by phone'."""
    if row.answered_how is not None:
        return f"Answered {row.answered_how.label.lower()}"
    if row.questionnaire_sent_on is not None:
        return f"Sent {day_words(row.questionnaire_sent_on, today)}"
    return "Not sent"


def referral_state_words(row: ReferralRow, today: dt.date) -> str:
    """Where the referral is: withdrawn, discussed, on a meeting's agenda, or waiting."""
    if row.withdrawn_on is not None:
        return f"Withdrawn {day_words(row.withdrawn_on, today)}"
    if row.discussed and row.meeting_on is not None:
        return f"Discussed {day_words(row.meeting_on, today)}"
    if row.meeting_on is not None:
        return f"On the agenda for {day_words(row.meeting_on, today)}"
    return "Waiting for a meeting"


def first_line(text: str, length: int = REASON_LENGTH) -> str:
    line = text.strip().splitlines()[0] if text.strip() else ""
    return line if len(line) <= length else line[: length - 1].rstrip() + "…"


def referral_texts(row: ReferralRow, today: dt.date) -> tuple[str, ...]:
    """A referral's cells, in the order of REFERRAL_COLUMNS."""
    return (
        day_words(row.referred_on, today),
        row.child_name,
        row.referrer,
        first_line(row.reason),
        questionnaire_words(row, today),
        referral_state_words(row, today),
    )


def upcoming(row: MeetingRow, today: dt.date) -> bool:
    return row.status is MeetingStatus.PLANNED and row.held_on >= today


def meeting_status_words(row: MeetingRow, today: dt.date) -> str:
    if row.status is MeetingStatus.PLANNED:
        if row.held_on == today:
            return "Today"
        if row.held_on < today:
            return "Date passed: not marked as held"
        return "Upcoming"
    return row.status.label


def answered_words(row: MeetingRow) -> str:
    """'4 of 6 answered'; 'Family there' for a team around the child meeting."""
    if row.kind is MeetingKind.TEAM_AROUND_THE_CHILD:
        return "Family there"
    return f"{row.answered} of {row.children} answered" if row.children else ""


def meeting_texts(row: MeetingRow, today: dt.date) -> tuple[str, ...]:
    """A meeting's cells, in the order of MEETING_COLUMNS."""
    return (
        row.held_on.strftime("%a ") + day_words(row.held_on, today),
        row.kind.label,
        row.name,
        row.place,
        str(row.children),
        # the family is at a team around the child meeting: no questionnaire before it
        answered_words(row),
        f"{row.letters_sent} of {row.children} sent" if row.children else "",
        meeting_status_words(row, today),
    )


def meetings_in_order(rows: Sequence[MeetingRow], today: dt.date) -> list[MeetingRow]:
    """The meetings to come first, soonest first; then the others, the latest first."""
    coming = sorted((r for r in rows if upcoming(r, today)), key=lambda r: r.held_on)
    return coming + [r for r in rows if not upcoming(r, today)]


class ReferralsModel(TextTable):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(REFERRAL_COLUMNS, parent)
        self._rows: tuple[ReferralRow, ...] = ()

    def set_rows(self, rows: Sequence[ReferralRow], today: dt.date) -> None:
        self._rows = tuple(rows)
        tip = "Open the referral: press Enter or double-click"
        self._fill([referral_texts(r, today) for r in self._rows], [tip] * len(self._rows))

    def clear_rows(self) -> None:
        self.set_rows((), dt.date.min)

    def row_at(self, row: int) -> ReferralRow | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, referral_id: str) -> int:
        return next((n for n, r in enumerate(self._rows) if r.id == referral_id), -1)


class MeetingsModel(TextTable):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(MEETING_COLUMNS, parent)
        self._rows: tuple[MeetingRow, ...] = ()

    def set_rows(self, rows: Sequence[MeetingRow], today: dt.date) -> None:
        self._rows = tuple(meetings_in_order(rows, today))
        tip = "Open the meeting: press Enter or double-click"
        self._fill([meeting_texts(r, today) for r in self._rows], [tip] * len(self._rows))
        bold = QFont()
        bold.setBold(True)
        status = MEETING_COLUMNS.index("Status")
        for n, row in enumerate(self._rows):
            item = self.item(n, status)
            if item is not None and row.status is MeetingStatus.PLANNED and row.held_on <= today:
                item.setFont(bold)

    def clear_rows(self) -> None:
        self.set_rows((), dt.date.min)

    def row_at(self, row: int) -> MeetingRow | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, meeting_id: str) -> int:
        return next((n for n, r in enumerate(self._rows) if r.id == meeting_id), -1)
