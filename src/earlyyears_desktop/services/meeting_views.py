"""What the screens, the letters and the command line read of meetings (`MeetingService`'s
reads, as frozen values)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from earlyyears_desktop.domain.enums import (
    DecisionKind,
    MeetingKind,
    MeetingStatus,
    QuestionnaireReturn,
)
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
from earlyyears_desktop.services.children import display_name
from earlyyears_desktop.services.clock import Clock
from earlyyears_desktop.services.notification_delivery import NOT_SENT, Delivery, deliveries
from earlyyears_desktop.services.referrals import QuestionView
from earlyyears_desktop.services.unit_of_work import UnitOfWork, get_live

NO_OUTCOME_YET = "No outcome is recorded for this child yet: the letter waits for one."
#: why a meeting not marked as held has no letters yet
NOT_HELD = "Mark the meeting as held first: the letters tell the family what it decided."


@dataclass(frozen=True)
class AttendeeView:
    id: str
    name: str
    role: str
    agency: str
    present: bool
    practitioner_id: str | None


@dataclass(frozen=True)
class DecisionView:
    id: str
    kind: DecisionKind
    detail: str
    #: the notification to the local authority it made, if any
    notification_id: str | None

    @property
    def text(self) -> str:
        return f"{self.kind.label}: {self.detail}" if self.detail else self.kind.label


@dataclass(frozen=True)
class ActionView:
    id: str
    what: str
    owner_id: str | None
    owner_name: str
    due_on: dt.date
    done_on: dt.date | None
    done_note: str


@dataclass(frozen=True)
class DiscussionView:
    """A child discussed at a meeting, with all that was recorded for them."""

    id: str
    child_id: str
    child_name: str
    referral_id: str | None
    #: the referral's reason and referrer ("" without a referral)
    reason: str
    referrer: str
    #: how the family's questionnaire came back (None: not yet, or no referral)
    answered_how: QuestionnaireReturn | None
    summary: str
    outcome: str
    next_steps: str
    contact: str
    #: the family there (a team around the child meeting)
    family_present: str
    decisions: tuple[DecisionView, ...]
    actions: tuple[ActionView, ...]
    #: the family's questions from their questionnaire, with the answers given
    questions: tuple[QuestionView, ...]
    letter_sent_on: dt.date | None
    letter_sent_how: str

    @property
    def letter_problem(self) -> str | None:
        """Why the family's letter cannot be made yet, or None."""
        return None if self.outcome else NO_OUTCOME_YET


@dataclass(frozen=True)
class MeetingView:
    id: str
    kind: MeetingKind
    name: str
    held_on: dt.date
    starts_at: dt.time | None
    venue: str
    online: bool
    chair_name: str
    chair_role: str
    status: MeetingStatus
    letters_roles_only: bool
    people: tuple[AttendeeView, ...]
    discussions: tuple[DiscussionView, ...]

    @property
    def place(self) -> str:
        if self.online:
            return f"Online ({self.venue})" if self.venue else "Online"
        return self.venue

    @property
    def present(self) -> tuple[AttendeeView, ...]:
        return tuple(p for p in self.people if p.present)

    @property
    def apologies(self) -> tuple[AttendeeView, ...]:
        return tuple(p for p in self.people if not p.present)


@dataclass(frozen=True)
class MeetingRow:
    id: str
    kind: MeetingKind
    name: str
    held_on: dt.date
    status: MeetingStatus
    place: str
    children: int
    #: families whose questionnaire came back, of those on the agenda with a referral
    answered: int
    letters_sent: int


@dataclass(frozen=True)
class ActionRow:
    """An open action from a meeting, for its owner's Today page."""

    id: str
    what: str
    due_on: dt.date
    overdue: bool
    owner_name: str
    child_id: str
    child_name: str
    meeting_id: str
    meeting_name: str
    meeting_on: dt.date


@dataclass(frozen=True)
class NotificationRow:
    id: str
    child_id: str
    child_name: str
    notified_on: dt.date
    notified_by: str
    notified_by_role: str
    reason: str
    parents_told_on: dt.date | None
    parents_told_how: str
    #: how far it has gone towards the central service: `sent_in` (the export bundle that
    #: first carried it), `acknowledged` (a return bundle confirmed it), `words`
    delivery: Delivery = NOT_SENT


def _name(child: Child) -> str:
    return display_name(child.preferred_name, child.legal_given_names, child.legal_family_name)


def _place(venue: str, online: bool) -> str:
    if online:
        return f"Online ({venue})" if venue else "Online"
    return venue


class MeetingReads:
    """The reads of `MeetingService` (mixed in: it holds the unit of work and the clock)."""

    uow: UnitOfWork
    clock: Clock

    def meetings(self, kind: MeetingKind | None = None) -> list[MeetingRow]:
        """Every meeting (of one kind), the latest first."""
        query = select(Meeting)
        if kind is not None:
            query = query.where(Meeting.kind == kind.value)
        with self.uow.read() as session:
            return _meeting_rows(session, query)

    def meeting(self, meeting_id: str) -> MeetingView:
        with self.uow.read() as session:
            meeting = get_live(session, Meeting, meeting_id)
            people = session.scalars(
                select(MeetingAttendee)
                .where(MeetingAttendee.meeting_id == meeting.id)
                .order_by(MeetingAttendee.position, MeetingAttendee.created_at)
            ).all()
            # a child whose record was deleted is no longer on the agenda (the join hides it)
            discussions = session.scalars(
                select(MeetingDiscussion)
                .join(Child, Child.id == MeetingDiscussion.child_id)
                .where(MeetingDiscussion.meeting_id == meeting.id)
                .order_by(MeetingDiscussion.position, MeetingDiscussion.created_at)
            ).all()
            return MeetingView(
                id=meeting.id,
                kind=MeetingKind(meeting.kind),
                name=meeting.name,
                held_on=meeting.held_on,
                starts_at=meeting.starts_at,
                venue=meeting.venue,
                online=meeting.online,
                chair_name=meeting.chair_name,
                chair_role=meeting.chair_role,
                status=MeetingStatus(meeting.status),
                letters_roles_only=meeting.letters_roles_only,
                people=tuple(
                    AttendeeView(p.id, p.name, p.role, p.agency, p.present, p.practitioner_id)
                    for p in people
                ),
                discussions=tuple(_discussion(session, d) for d in discussions),
            )

    def discussion(self, discussion_id: str) -> DiscussionView:
        with self.uow.read() as session:
            return _discussion(session, get_live(session, MeetingDiscussion, discussion_id))

    def for_child(self, child_id: str) -> list[tuple[MeetingRow, str]]:
        """The meetings that discussed (or will discuss) the child, latest first, each with the
        discussion's id (read for those meetings only: a child's record asks on every show)."""
        with self.uow.read() as session:
            found = dict(
                session.execute(
                    select(MeetingDiscussion.meeting_id, MeetingDiscussion.id).where(
                        MeetingDiscussion.child_id == child_id
                    )
                ).all()
            )
            if not found:
                return []
            rows = _meeting_rows(session, select(Meeting).where(Meeting.id.in_(found)))
        return [(row, found[row.id]) for row in rows]

    def meeting_of(self, entity: str, record_id: str) -> str | None:
        """The meeting a record of a meeting belongs to: a discussion, or the decision behind
        a notification to the local authority (None: a notification made outside one)."""
        with self.uow.read() as session:
            discussion_id: str | None = record_id
            if entity == LaNotification.entity:
                notification = get_live(session, LaNotification, record_id)
                if notification.decision_id is None:
                    return None
                decision = get_live(session, MeetingDecision, notification.decision_id)
                discussion_id = decision.discussion_id
            elif entity != MeetingDiscussion.entity:
                raise ValueError(f"{entity!r} is not a record of a meeting")
            assert discussion_id is not None
            return get_live(session, MeetingDiscussion, discussion_id).meeting_id

    def open_actions(self, owner_id: str | None = None) -> list[ActionRow]:
        """The actions not yet done (of one practitioner), soonest due first; those of a
        cancelled meeting are not listed."""
        today = self.clock.today()
        with self.uow.read() as session:
            query = (
                select(MeetingAction, Child, Meeting)
                .join(MeetingDiscussion, MeetingDiscussion.id == MeetingAction.discussion_id)
                .join(Child, Child.id == MeetingDiscussion.child_id)
                .join(Meeting, Meeting.id == MeetingDiscussion.meeting_id)
                .where(
                    MeetingAction.done_on.is_(None),
                    Meeting.status != MeetingStatus.CANCELLED.value,
                )
                .order_by(MeetingAction.due_on, MeetingAction.created_at)
            )
            if owner_id is not None:
                query = query.where(MeetingAction.owner_id == owner_id)
            found = session.execute(query).all()
        return [
            ActionRow(
                id=action.id,
                what=action.what,
                due_on=action.due_on,
                overdue=action.due_on < today,
                owner_name=action.owner_name,
                child_id=child.id,
                child_name=_name(child),
                meeting_id=meeting.id,
                meeting_name=meeting.name,
                meeting_on=meeting.held_on,
            )
            for action, child, meeting in found
        ]

    def notifications(self) -> list[NotificationRow]:
        """The notifications to the local authority, the latest first."""
        with self.uow.read() as session:
            found = session.execute(
                select(LaNotification, Child)
                .join(Child, Child.id == LaNotification.child_id)
                .order_by(LaNotification.notified_on.desc(), LaNotification.created_at.desc())
            ).all()
            delivered = deliveries(session, (n.id for n, _child in found))
        return [
            NotificationRow(
                id=n.id,
                child_id=child.id,
                child_name=_name(child),
                notified_on=n.notified_on,
                notified_by=n.notified_by,
                notified_by_role=n.notified_by_role,
                reason=n.reason,
                parents_told_on=n.parents_told_on,
                parents_told_how=n.parents_told_how,
                delivery=delivered.get(n.id, NOT_SENT),
            )
            for n, child in found
        ]


def _meeting_rows(session: Session, query: Select[Meeting]) -> list[MeetingRow]:
    """The meetings `query` selects as rows, the latest first, with their agenda's counts."""
    meetings = session.scalars(
        query.order_by(Meeting.held_on.desc(), Meeting.created_at.desc())
    ).all()
    counts = _agenda_counts(session, [m.id for m in meetings])
    return [
        MeetingRow(
            id=m.id,
            kind=MeetingKind(m.kind),
            name=m.name,
            held_on=m.held_on,
            status=MeetingStatus(m.status),
            place=_place(m.venue, m.online),
            children=counts.get(m.id, (0, 0, 0))[0],
            answered=counts.get(m.id, (0, 0, 0))[1],
            letters_sent=counts.get(m.id, (0, 0, 0))[2],
        )
        for m in meetings
    ]


def _agenda_counts(session: Session, meeting_ids: list[str]) -> dict[str, tuple[int, int, int]]:
    """meeting id -> (children on the agenda, questionnaires answered, letters sent)."""
    if not meeting_ids:
        return {}
    rows = session.execute(
        select(
            MeetingDiscussion.meeting_id,
            func.count(MeetingDiscussion.id),
            func.count(QuestionnaireReply.id),
            func.count(MeetingDiscussion.letter_sent_on),
        )
        .join(Child, Child.id == MeetingDiscussion.child_id)
        .outerjoin(
            QuestionnaireReply, QuestionnaireReply.referral_id == MeetingDiscussion.referral_id
        )
        .where(MeetingDiscussion.meeting_id.in_(meeting_ids))
        .group_by(MeetingDiscussion.meeting_id)
    ).all()
    return {meeting: (children, answered, sent) for meeting, children, answered, sent in rows}


def _discussion(session: Session, discussion: MeetingDiscussion) -> DiscussionView:
    child = get_live(session, Child, discussion.child_id)
    referral = session.get(Referral, discussion.referral_id) if discussion.referral_id else None
    reply = None
    if referral is not None:
        reply = session.scalars(
            select(QuestionnaireReply).where(QuestionnaireReply.referral_id == referral.id)
        ).first()
    decisions = session.scalars(
        select(MeetingDecision)
        .where(MeetingDecision.discussion_id == discussion.id)
        .order_by(MeetingDecision.created_at, MeetingDecision.id)
    ).all()
    notifications = dict(
        session.execute(
            select(LaNotification.decision_id, LaNotification.id).where(
                LaNotification.decision_id.in_([d.id for d in decisions])
            )
        ).all()
    )
    actions = session.scalars(
        select(MeetingAction)
        .where(MeetingAction.discussion_id == discussion.id)
        .order_by(MeetingAction.due_on, MeetingAction.created_at)
    ).all()
    questions: Iterable[ParentQuestion] = ()
    if reply is not None:
        questions = session.scalars(
            select(ParentQuestion)
            .where(ParentQuestion.reply_id == reply.id)
            .order_by(ParentQuestion.position, ParentQuestion.created_at)
        ).all()
    referrer = ""
    if referral is not None:
        referrer = ", ".join(p for p in (referral.referrer_name, referral.referrer_role) if p)
    return DiscussionView(
        id=discussion.id,
        child_id=child.id,
        child_name=_name(child),
        referral_id=discussion.referral_id,
        reason=referral.reason if referral is not None and referral.deleted_at is None else "",
        referrer=referrer,
        answered_how=QuestionnaireReturn(reply.returned_how) if reply is not None else None,
        summary=discussion.summary,
        outcome=discussion.outcome,
        next_steps=discussion.next_steps,
        contact=discussion.contact,
        family_present=discussion.family_present,
        decisions=tuple(
            DecisionView(d.id, DecisionKind(d.kind), d.detail, notifications.get(d.id))
            for d in decisions
        ),
        actions=tuple(
            ActionView(a.id, a.what, a.owner_id, a.owner_name, a.due_on, a.done_on, a.done_note)
            for a in actions
        ),
        questions=tuple(
            QuestionView(q.id, q.position, q.question, q.answer, q.answered_in) for q in questions
        ),
        letter_sent_on=discussion.letter_sent_on,
        letter_sent_how=discussion.letter_sent_how,
    )


__all__ = [
    "NOT_HELD",
    "NO_OUTCOME_YET",
    "ActionRow",
    "ActionView",
    "AttendeeView",
    "DecisionView",
    "DiscussionView",
    "MeetingReads",
    "MeetingRow",
    "MeetingView",
    "NotificationRow",
]
