"""Meetings: a pre-school liaison group or a team around the child meeting, one model for both.

A meeting has a date, a place (or "online"), the people there with their roles, apologies, a
chair, and the children discussed: its agenda, built from the referrals waiting. A team around
the child meeting discusses one child, the family there. For each child the meeting records a
summary, its decisions, the actions (what, who, by when), the answers to the family's
questions, and the outcome in plain words for the family's letter (`handouts/`), whose sending
is recorded.

The decision to notify the local authority of a child who may have SEND makes the statutory
notification (`LaNotification`) in the same transaction: the child's names, date of birth and
NHS number as they stand, the health professional who notifies, and the reason. It goes to the
central service whatever the child's consents (`domain/record_types.py`); the parents are told,
and that is recorded.

The reads are `services/meeting_views.py`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from earlyyears_desktop.domain.enums import DecisionKind, MeetingKind, MeetingStatus
from earlyyears_desktop.domain.errors import ValidationError
from earlyyears_desktop.domain.models import (
    Child,
    LaNotification,
    Meeting,
    MeetingAction,
    MeetingAttendee,
    MeetingDecision,
    MeetingDiscussion,
    ParentQuestion,
    Practitioner,
    QuestionnaireReply,
    Referral,
)
from earlyyears_desktop.domain.rules import limited_text, optional_text, required_name
from earlyyears_desktop.services.clock import Clock
from earlyyears_desktop.services.meeting_views import MeetingReads
from earlyyears_desktop.services.unit_of_work import (
    INCLUDE_DELETED,
    Saved,
    UnitOfWork,
    assign_changed,
    get_live,
    mark_deleted,
)


@dataclass(frozen=True)
class MeetingInput:
    kind: str
    name: str
    held_on: dt.date
    starts_at: dt.time | None = None
    venue: str = ""
    online: bool = False
    chair_name: str = ""
    chair_role: str = ""
    #: the families' letters name the people there by their roles only
    letters_roles_only: bool = True


@dataclass(frozen=True)
class AttendeeInput:
    name: str
    role: str = ""
    agency: str = ""
    #: False: sent apologies
    present: bool = True
    practitioner_id: str | None = None


@dataclass(frozen=True)
class DiscussionInput:
    summary: str = ""
    #: the outcome for the child, in plain words for the family's letter
    outcome: str = ""
    next_steps: str = ""
    #: who the family may contact
    contact: str = ""
    #: the family there (a team around the child meeting: "Mother, Leila Haddad")
    family_present: str = ""


@dataclass(frozen=True)
class NotifierInput:
    """The health professional who notifies the local authority, and why."""

    name: str
    role: str
    reason: str


@dataclass(frozen=True)
class ActionInput:
    what: str
    due_on: dt.date | None
    #: a practitioner of this team (sees it on Today), or else a named person
    owner_id: str | None = None
    owner_name: str = ""


def check_kind(kind: str) -> MeetingKind:
    try:
        return MeetingKind(kind)
    except ValueError:
        raise ValidationError("kind", "Please choose the kind of meeting.") from None


def _meeting_values(given: MeetingInput) -> dict[str, object]:
    venue = limited_text("venue", given.venue, 200, "place")
    if not venue and not given.online:
        raise ValidationError("venue", 'Please enter where the meeting is, or choose "Online".')
    kind = check_kind(given.kind)
    # A team around the child meeting is about one child: a name of its own would name the
    # child, and the meeting is sent to the central service without the child's consent.
    if kind is MeetingKind.TEAM_AROUND_THE_CHILD:
        name = kind.label
    else:
        name = required_name("name", given.name, "meeting's name")
    return {
        "kind": kind.value,
        "name": name,
        "held_on": given.held_on,
        "starts_at": given.starts_at,
        "venue": venue,
        "online": given.online,
        "chair_name": limited_text("chair_name", given.chair_name, 200, "chair's name"),
        "chair_role": limited_text("chair_role", given.chair_role, 120, "chair's role"),
        "letters_roles_only": given.letters_roles_only,
    }


class MeetingService(MeetingReads):
    def __init__(self, uow: UnitOfWork, clock: Clock | None = None) -> None:
        self.uow = uow
        self.clock = clock or Clock()

    def today(self) -> dt.date:
        return self.clock.today()

    # ---- the meeting ----

    def plan(self, given: MeetingInput) -> Saved[str]:
        """A new meeting, planned."""
        meeting = Meeting(
            status=MeetingStatus.PLANNED.value,
            recorded_by=self.uow.actor.practitioner_id,
            **_meeting_values(given),
        )
        with self.uow.write() as tx:
            tx.session.add(meeting)
        return Saved(tx.changes, meeting.id)

    def edit(self, meeting_id: str, given: MeetingInput) -> Saved[None]:
        values = _meeting_values(given)
        with self.uow.write() as tx:
            meeting = get_live(tx.session, Meeting, meeting_id)
            if values["kind"] != meeting.kind and _discussions(tx.session, meeting.id):
                raise ValidationError(
                    "kind", "The kind of meeting cannot change once children are on its agenda."
                )
            if meeting.status == MeetingStatus.HELD.value and given.held_on > self.today():
                raise ValidationError("held_on", "A meeting that was held is not in the future.")
            assign_changed(meeting, values)
        return Saved(tx.changes, None)

    def mark_held(self, meeting_id: str) -> Saved[None]:
        """The meeting took place (from its day on): its referrals are no longer waiting."""
        with self.uow.write() as tx:
            meeting = get_live(tx.session, Meeting, meeting_id)
            if meeting.held_on > self.today():
                raise ValidationError(
                    "held_on", "This meeting's date is still to come: it cannot be held yet."
                )
            if meeting.status == MeetingStatus.CANCELLED.value:
                raise ValidationError("form", "This meeting was cancelled.")
            assign_changed(meeting, {"status": MeetingStatus.HELD.value})
        return Saved(tx.changes, None)

    def cancel(self, meeting_id: str) -> Saved[None]:
        """Cancel a planned meeting: its referrals wait for the next one."""
        with self.uow.write() as tx:
            meeting = get_live(tx.session, Meeting, meeting_id)
            if meeting.status == MeetingStatus.HELD.value:
                raise ValidationError("form", "This meeting was held: it cannot be cancelled.")
            decided = tx.session.scalar(
                select(func.count())
                .select_from(MeetingDecision)
                .join(MeetingDiscussion, MeetingDiscussion.id == MeetingDecision.discussion_id)
                .where(MeetingDiscussion.meeting_id == meeting.id)
            )
            if decided:
                raise ValidationError(
                    "form",
                    "Decisions are recorded for this meeting: take them back first, or mark "
                    "the meeting as held.",
                )
            assign_changed(meeting, {"status": MeetingStatus.CANCELLED.value})
        return Saved(tx.changes, None)

    def set_people(self, meeting_id: str, people: Sequence[AttendeeInput]) -> Saved[None]:
        """Who was there (or sent apologies), in this order, replacing the list before."""
        with self.uow.write() as tx:
            get_live(tx.session, Meeting, meeting_id)
            existing = list(
                tx.session.scalars(
                    select(MeetingAttendee)
                    .where(MeetingAttendee.meeting_id == meeting_id)
                    .order_by(MeetingAttendee.position, MeetingAttendee.created_at)
                )
            )
            for position, person in enumerate(people):
                if person.practitioner_id is not None:
                    get_live(tx.session, Practitioner, person.practitioner_id)
                values = {
                    "name": required_name("name", person.name, "person's name"),
                    "role": limited_text("role", person.role, 120, "role"),
                    "agency": limited_text("agency", person.agency, 200, "agency"),
                    "present": person.present,
                    "practitioner_id": person.practitioner_id,
                    "position": position,
                }
                if position < len(existing):
                    assign_changed(existing[position], values)
                else:
                    tx.session.add(MeetingAttendee(meeting_id=meeting_id, **values))
            for extra in existing[len(people) :]:
                mark_deleted(tx.session, MeetingAttendee, extra.id)
        return Saved(tx.changes, None)

    # ---- the agenda ----

    def add_child(
        self, meeting_id: str, child_id: str, *, referral_id: str | None = None
    ) -> Saved[str]:
        """Put a child on the meeting's agenda (from their referral, for a liaison group)."""
        with self.uow.write() as tx:
            meeting = get_live(tx.session, Meeting, meeting_id)
            get_live(tx.session, Child, child_id)
            discussion = _add_child(tx.session, meeting, child_id, referral_id)
        return Saved(tx.changes, discussion.id)

    def add_referrals(self, meeting_id: str, referral_ids: Sequence[str]) -> Saved[list[str]]:
        """Put the children of these referrals on the agenda, in this order."""
        with self.uow.write() as tx:
            meeting = get_live(tx.session, Meeting, meeting_id)
            added = []
            for referral_id in referral_ids:
                referral = get_live(tx.session, Referral, referral_id)
                added.append(_add_child(tx.session, meeting, referral.child_id, referral.id).id)
        return Saved(tx.changes, added)

    def remove_child(self, discussion_id: str) -> Saved[None]:
        """Take a child off the agenda, while nothing has been recorded for them."""
        with self.uow.write() as tx:
            discussion = get_live(tx.session, MeetingDiscussion, discussion_id)
            recorded = (
                discussion.summary
                or discussion.outcome
                or _count(tx.session, MeetingDecision, discussion.id)
                or _count(tx.session, MeetingAction, discussion.id)
            )
            if recorded:
                raise ValidationError(
                    "form",
                    "Something is already recorded for this child at this meeting: it stays "
                    "on the agenda.",
                )
            mark_deleted(tx.session, MeetingDiscussion, discussion.id)
        return Saved(tx.changes, None)

    # ---- for each child ----

    def record_discussion(self, discussion_id: str, given: DiscussionInput) -> Saved[None]:
        """The summary, the outcome for the family, what happens next, who to contact."""
        with self.uow.write() as tx:
            discussion = get_live(tx.session, MeetingDiscussion, discussion_id)
            assign_changed(
                discussion,
                {
                    "summary": optional_text(given.summary),
                    "outcome": optional_text(given.outcome),
                    "next_steps": optional_text(given.next_steps),
                    "contact": limited_text("contact", given.contact, 300, "contact"),
                    "family_present": limited_text(
                        "family_present", given.family_present, 300, "family there"
                    ),
                },
            )
        return Saved(tx.changes, None)

    def decide(
        self,
        discussion_id: str,
        kind: str,
        detail: str = "",
        *,
        notifier: NotifierInput | None = None,
    ) -> Saved[str]:
        """Record a decision for the child; "notify the local authority" needs the health
        professional who notifies and the reason, and makes the notification."""
        try:
            decision_kind = DecisionKind(kind)
        except ValueError:
            raise ValidationError("kind", "Please choose what was decided.") from None
        text = optional_text(detail)
        if decision_kind in (DecisionKind.REFER_TO_SERVICE, DecisionKind.OTHER) and not text:
            what = "which service" if decision_kind is DecisionKind.REFER_TO_SERVICE else "what"
            raise ValidationError("detail", f"Please say {what}.")
        with self.uow.write() as tx:
            discussion = get_live(tx.session, MeetingDiscussion, discussion_id)
            meeting = _open_meeting(tx.session, discussion)
            decision = MeetingDecision(
                discussion_id=discussion.id, kind=decision_kind.value, detail=text
            )
            tx.session.add(decision)
            if decision_kind is DecisionKind.NOTIFY_LOCAL_AUTHORITY:
                if notifier is None:
                    raise ValidationError(
                        "notified_by", "Please name the health professional who notifies."
                    )
                if meeting.held_on > self.today():
                    raise ValidationError(
                        "kind",
                        "The local authority is notified once the meeting has taken place: "
                        "record this decision on the meeting's day or after.",
                    )
                tx.session.flush()
                _notify(tx.session, discussion.child_id, decision, meeting.held_on, notifier)
        return Saved(tx.changes, decision.id)

    def withdraw_decision(self, decision_id: str) -> Saved[None]:
        """Take back a decision recorded by mistake (with its notification, if it made one)."""
        with self.uow.write() as tx:
            mark_deleted(tx.session, MeetingDecision, decision_id)
            for notification in tx.session.scalars(
                select(LaNotification).where(LaNotification.decision_id == decision_id)
            ):
                mark_deleted(tx.session, LaNotification, notification.id)
        return Saved(tx.changes, None)

    def parents_told(self, notification_id: str, told_on: dt.date, how: str) -> Saved[None]:
        """Record that the parents were told of the notification to the local authority."""
        said = limited_text("parents_told_how", how, 200, "how the parents were told")
        if not said:
            raise ValidationError("parents_told_how", "Please say how the parents were told.")
        if told_on > self.today():
            raise ValidationError("parents_told_on", "That date is in the future.")
        with self.uow.write() as tx:
            notification = get_live(tx.session, LaNotification, notification_id)
            if told_on < notification.notified_on - dt.timedelta(days=90):
                raise ValidationError(
                    "parents_told_on", "That date is long before the notification."
                )
            assign_changed(notification, {"parents_told_on": told_on, "parents_told_how": said})
        return Saved(tx.changes, None)

    def add_action(self, discussion_id: str, given: ActionInput) -> Saved[str]:
        """An action for after the meeting: what, who, by when (all three needed)."""
        what = optional_text(given.what)
        if not what:
            raise ValidationError("what", "Please say what is to be done.")
        owner_name = limited_text("owner_name", given.owner_name, 200, "owner's name")
        if given.owner_id is None and not owner_name:
            raise ValidationError("owner", "Please choose who will do it.")
        if given.due_on is None:
            raise ValidationError("due_on", "Please enter the date it is to be done by.")
        with self.uow.write() as tx:
            discussion = get_live(tx.session, MeetingDiscussion, discussion_id)
            meeting = _open_meeting(tx.session, discussion)
            if given.due_on < meeting.held_on:
                raise ValidationError("due_on", "That date is before the meeting.")
            if given.owner_id is not None:
                owner = get_live(tx.session, Practitioner, given.owner_id)
                owner_name = owner_name or owner.name
            action = MeetingAction(
                discussion_id=discussion.id,
                what=what,
                owner_id=given.owner_id,
                owner_name=owner_name,
                due_on=given.due_on,
            )
            tx.session.add(action)
        return Saved(tx.changes, action.id)

    def action_done(self, action_id: str, done_on: dt.date, note: str = "") -> Saved[None]:
        if done_on > self.today():
            raise ValidationError("done_on", "That date is in the future.")
        with self.uow.write() as tx:
            action = get_live(tx.session, MeetingAction, action_id)
            assign_changed(action, {"done_on": done_on, "done_note": optional_text(note)})
        return Saved(tx.changes, None)

    def action_not_done(self, action_id: str) -> Saved[None]:
        """Open an action marked done by mistake again."""
        with self.uow.write() as tx:
            action = get_live(tx.session, MeetingAction, action_id)
            assign_changed(action, {"done_on": None, "done_note": ""})
        return Saved(tx.changes, None)

    def remove_action(self, action_id: str) -> Saved[None]:
        with self.uow.write() as tx:
            mark_deleted(tx.session, MeetingAction, action_id)
        return Saved(tx.changes, None)

    def answer(self, question_id: str, discussion_id: str, answer: str) -> Saved[None]:
        """The meeting's answer to one of the family's questions (empty: not answered)."""
        text = optional_text(answer)
        with self.uow.write() as tx:
            question = get_live(tx.session, ParentQuestion, question_id)
            discussion = get_live(tx.session, MeetingDiscussion, discussion_id)
            reply = get_live(tx.session, QuestionnaireReply, question.reply_id)
            referral = get_live(tx.session, Referral, reply.referral_id)
            if referral.child_id != discussion.child_id:
                raise ValidationError("form", "That question is another family's.")
            assign_changed(
                question, {"answer": text, "answered_in": discussion.id if text else None}
            )
        return Saved(tx.changes, None)

    def letters_sent(
        self, discussion_ids: Sequence[str], sent_on: dt.date, how: str
    ) -> Saved[None]:
        """Record that the families' letters went out (by post, by email, by hand...)."""
        said = limited_text("letter_sent_how", how, 100, "how it was sent")
        if not said:
            raise ValidationError("letter_sent_how", "Please say how the letters were sent.")
        if sent_on > self.today():
            raise ValidationError("letter_sent_on", "That date is in the future.")
        with self.uow.write() as tx:
            for discussion_id in discussion_ids:
                discussion = get_live(tx.session, MeetingDiscussion, discussion_id)
                if not discussion.outcome:
                    raise ValidationError(
                        "outcome",
                        "A letter cannot go before the outcome for the child is recorded.",
                    )
                assign_changed(discussion, {"letter_sent_on": sent_on, "letter_sent_how": said})
        return Saved(tx.changes, None)


def _open_meeting(session: Session, discussion: MeetingDiscussion) -> Meeting:
    """The discussion's meeting, unless it was cancelled (nothing is decided at one)."""
    meeting = get_live(session, Meeting, discussion.meeting_id)
    if meeting.status == MeetingStatus.CANCELLED.value:
        raise ValidationError("form", "This meeting was cancelled: nothing is decided at it.")
    return meeting


def _discussions(session: Session, meeting_id: str) -> int:
    return (
        session.scalar(
            select(func.count())
            .select_from(MeetingDiscussion)
            .where(MeetingDiscussion.meeting_id == meeting_id)
        )
        or 0
    )


def _count(session: Session, model: type[MeetingDecision] | type[MeetingAction], of: str) -> int:
    return (
        session.scalar(select(func.count()).select_from(model).where(model.discussion_id == of))
        or 0
    )


def _add_child(
    session: Session, meeting: Meeting, child_id: str, referral_id: str | None
) -> MeetingDiscussion:
    if meeting.status == MeetingStatus.CANCELLED.value:
        raise ValidationError("form", "This meeting was cancelled.")
    if referral_id is not None:
        referral = get_live(session, Referral, referral_id)
        if referral.child_id != child_id:
            raise ValidationError("referral", "That referral is for another child.")
        if referral.withdrawn_on is not None:
            raise ValidationError("referral", "That referral was withdrawn.")
    already = session.scalars(
        select(MeetingDiscussion)
        .where(MeetingDiscussion.meeting_id == meeting.id, MeetingDiscussion.child_id == child_id)
        .execution_options(**INCLUDE_DELETED)
    ).first()
    if already is not None and already.deleted_at is None:
        raise ValidationError("child", "This child is already on the meeting's agenda.")
    count = _discussions(session, meeting.id)
    if meeting.kind == MeetingKind.TEAM_AROUND_THE_CHILD.value and count:
        raise ValidationError(
            "child",
            "A team around the child meeting is about one child: plan another for this one.",
        )
    if already is not None:
        # Taken off the agenda before: the same record comes back (one per child and
        # meeting), at the end of the agenda, with nothing recorded.
        assign_changed(
            already,
            {
                "deleted_at": None,
                "referral_id": referral_id,
                "position": count,
                "summary": "",
                "outcome": "",
                "next_steps": "",
                "contact": "",
                "family_present": "",
            },
        )
        session.flush()
        return already
    discussion = MeetingDiscussion(
        meeting_id=meeting.id, child_id=child_id, referral_id=referral_id, position=count
    )
    session.add(discussion)
    session.flush()
    return discussion


def _notify(
    session: Session,
    child_id: str,
    decision: MeetingDecision,
    on: dt.date,
    notifier: NotifierInput,
) -> None:
    child = get_live(session, Child, child_id)
    reason = optional_text(notifier.reason) or decision.detail
    if not reason:
        raise ValidationError("reason", "Please give the reason for the notification.")
    session.add(
        LaNotification(
            child_id=child.id,
            decision_id=decision.id,
            notified_on=on,
            given_names=child.legal_given_names,
            family_name=child.legal_family_name,
            date_of_birth=child.date_of_birth,
            nhs_number=child.nhs_number,
            notified_by=required_name(
                "notified_by", notifier.name, "name of the health professional who notifies"
            ),
            notified_by_role=limited_text("notified_by_role", notifier.role, 120, "role"),
            reason=reason,
        )
    )


__all__ = [
    "ActionInput",
    "AttendeeInput",
    "DiscussionInput",
    "MeetingInput",
    "MeetingService",
    "NotifierInput",
]
