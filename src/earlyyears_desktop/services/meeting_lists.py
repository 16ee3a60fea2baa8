"""Meetings and referrals as plain rows of ids and stable fields, for `earlyyears list`.

As for the other kinds (`services/record_lists.py`), a row names its child by id only: a
meeting's row has its kind, name, date, status and counts (children discussed, families who
answered, letters sent, people present and apologies, decisions, open actions, notifications
to the local authority), never what was said; a referral's row has its child, dates, the
referrer's role, where it stands, how the questionnaire came back and how many of the
family's questions were answered, never the reason, the questions or the answers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, case, func, select
from sqlalchemy.orm import Session

from earlyyears_desktop.domain.enums import MeetingStatus
from earlyyears_desktop.domain.models import (
    Child,
    LaNotification,
    Meeting,
    MeetingAction,
    MeetingAttendee,
    MeetingDecision,
    MeetingDiscussion,
    ParentQuestion,
    QuestionnaireReply,
    Referral,
)


@dataclass(frozen=True)
class MeetingListed:
    id: str
    kind: str
    name: str
    date: dt.date
    start: dt.time | None
    status: str
    online: bool
    #: children on the agenda (discussed, once the meeting is held)
    children: int
    #: of those, the families whose questionnaire came back
    answered: int
    letters_sent: int
    present: int
    apologies: int
    decisions: int
    actions_open: int
    #: notifications to the local authority the meeting's decisions made
    notifications: int


@dataclass(frozen=True)
class ReferralListed:
    id: str
    child_id: str
    referred_on: dt.date
    referrer_role: str
    #: "waiting", "on_agenda" (of a planned meeting), "discussed" or "withdrawn"
    status: str
    #: the meeting it is on the agenda of, or that discussed it (None: none yet)
    meeting_id: str | None
    questionnaire_sent_on: dt.date | None
    #: when and how the family's answers came back (None: not yet)
    answered_on: dt.date | None
    answered_how: str | None
    #: the family's questions, and how many have an answer
    questions: int
    questions_answered: int
    withdrawn_on: dt.date | None


def list_meetings(session: Session) -> list[MeetingListed]:
    """Oldest first (by date, then id), with their counts."""
    meetings = session.execute(
        select(
            Meeting.id,
            Meeting.kind,
            Meeting.name,
            Meeting.held_on,
            Meeting.starts_at,
            Meeting.status,
            Meeting.online,
        ).order_by(Meeting.held_on, Meeting.id)
    ).all()
    d = MeetingDiscussion
    children = _per_meeting(session, d.meeting_id, func.count(d.id))
    answered = _per_meeting(
        session,
        d.meeting_id,
        func.count(QuestionnaireReply.id),
        join=(QuestionnaireReply, QuestionnaireReply.referral_id == d.referral_id),
    )
    letters = _per_meeting(session, d.meeting_id, func.count(d.letter_sent_on))
    a = MeetingAttendee
    present = _per_meeting(session, a.meeting_id, func.count(a.id), a.present.is_(True))
    apologies = _per_meeting(session, a.meeting_id, func.count(a.id), a.present.is_(False))
    decisions = _per_meeting(
        session,
        d.meeting_id,
        func.count(MeetingDecision.id),
        join=(MeetingDecision, MeetingDecision.discussion_id == d.id),
    )
    actions = _per_meeting(
        session,
        d.meeting_id,
        func.count(MeetingAction.id),
        MeetingAction.done_on.is_(None),
        join=(MeetingAction, MeetingAction.discussion_id == d.id),
    )
    notified = _per_meeting(
        session,
        d.meeting_id,
        func.count(LaNotification.id),
        join=(MeetingDecision, MeetingDecision.discussion_id == d.id),
        then=(LaNotification, LaNotification.decision_id == MeetingDecision.id),
    )
    return [
        MeetingListed(
            id=i,
            kind=kind,
            name=name,
            date=on,
            start=start,
            status=status,
            online=bool(online),
            children=children.get(i, 0),
            answered=answered.get(i, 0),
            letters_sent=letters.get(i, 0),
            present=present.get(i, 0),
            apologies=apologies.get(i, 0),
            decisions=decisions.get(i, 0),
            actions_open=actions.get(i, 0),
            notifications=notified.get(i, 0),
        )
        for i, kind, name, on, start, status, online in meetings
    ]


def _per_meeting(
    session: Session,
    meeting: Any,
    count: Any,
    *where: ColumnElement[bool],
    join: tuple[Any, Any] | None = None,
    then: tuple[Any, Any] | None = None,
) -> Mapping[str, int]:
    """meeting id -> a count, over the discussions or attendees (`meeting`'s table), joined
    to the records counted."""
    query = select(meeting, count)
    if join is not None:
        query = query.select_from(meeting.class_).join(*join)
    if then is not None:
        query = query.join(*then)
    rows = session.execute(query.where(*where).group_by(meeting)).all()
    return {str(meeting_id): int(n) for meeting_id, n in rows}


def list_referrals(session: Session) -> list[ReferralListed]:
    """Oldest first (the order a liaison group takes them in), then by id."""
    referrals = session.execute(
        select(
            Referral.id,
            Referral.child_id,
            Referral.referred_on,
            Referral.referrer_role,
            Referral.questionnaire_sent_on,
            Referral.withdrawn_on,
            QuestionnaireReply.returned_on,
            QuestionnaireReply.returned_how,
            QuestionnaireReply.id,
        )
        # a referral of a deleted child goes with the child
        .join(Child, Child.id == Referral.child_id)
        .outerjoin(QuestionnaireReply, QuestionnaireReply.referral_id == Referral.id)
        .order_by(Referral.referred_on, Referral.id)
    ).all()
    questions: dict[str, tuple[int, int]] = {
        str(reply): (int(asked), int(answered))
        for reply, asked, answered in session.execute(
            select(
                ParentQuestion.reply_id,
                func.count(ParentQuestion.id),
                func.count(case((ParentQuestion.answer != "", 1))),
            ).group_by(ParentQuestion.reply_id)
        )
    }
    agenda: dict[str, list[tuple[dt.date, str, str]]] = {}
    for referral_id, meeting_id, held_on, status in session.execute(
        select(MeetingDiscussion.referral_id, Meeting.id, Meeting.held_on, Meeting.status)
        .join(Meeting, Meeting.id == MeetingDiscussion.meeting_id)
        .where(MeetingDiscussion.referral_id.is_not(None))
    ):
        agenda.setdefault(str(referral_id), []).append((held_on, str(status), str(meeting_id)))
    rows = []
    for i, child, on, role, sent, withdrawn, answered_on, how, reply in referrals:
        meetings = agenda.get(i, [])
        held = sorted(m for m in meetings if m[1] == MeetingStatus.HELD.value)
        planned = sorted(m for m in meetings if m[1] == MeetingStatus.PLANNED.value)
        if withdrawn is not None:
            status = "withdrawn"
        elif held:
            status = "discussed"
        elif planned:
            status = "on_agenda"
        else:
            status = "waiting"
        meeting = held[-1][2] if held else (planned[0][2] if planned else None)
        asked, replied = questions.get(reply, (0, 0)) if reply else (0, 0)
        rows.append(
            ReferralListed(
                id=i,
                child_id=child,
                referred_on=on,
                referrer_role=role,
                status=status,
                meeting_id=meeting,
                questionnaire_sent_on=sent,
                answered_on=answered_on,
                answered_how=how,
                questions=asked,
                questions_answered=replied,
                withdrawn_on=withdrawn,
            )
        )
    return rows


__all__ = ["MeetingListed", "ReferralListed", "list_meetings", "list_referrals"]
