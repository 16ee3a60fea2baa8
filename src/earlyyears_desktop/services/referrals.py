"""Referrals to the pre-school liaison group, and the parents' questionnaire before it.

A professional refers a child after talking with the parents, who agree that the child has,
or is likely to have, SEND. The agreement (who, when, how) is part of the referral: a referral
without it is refused, and the message says why. Families do not come to the liaison group, so
the questionnaire before it (what is going well, their concerns, what they would like talked
about, their questions, how they would like to hear back) is their voice there: the answers are
typed in when they come back, on paper or by phone, with who took them and when; each of the
family's questions is a record of its own, answered at the meeting (`services/meetings.py`)
and quoted with its answer in the family's letter.

A referral is *waiting* until a liaison group meeting that discussed it is held, unless it was
withdrawn.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from earlyyears_desktop.domain.enums import MeetingStatus, QuestionnaireReturn
from earlyyears_desktop.domain.errors import ValidationError
from earlyyears_desktop.domain.models import (
    Child,
    Meeting,
    MeetingDiscussion,
    ParentQuestion,
    Practitioner,
    QuestionnaireReply,
    Referral,
)
from earlyyears_desktop.domain.rules import limited_text, optional_text, required_name
from earlyyears_desktop.services.children import display_name
from earlyyears_desktop.services.clock import Clock
from earlyyears_desktop.services.unit_of_work import (
    Saved,
    UnitOfWork,
    assign_changed,
    get_live,
    mark_deleted,
)

AGREEMENT_NEEDED = (
    "A child can only be referred once their parents agree that the child has, or is likely "
    "to have, special educational needs or a disability. Record who agreed, when and how."
)


@dataclass(frozen=True)
class ReferralInput:
    child_id: str
    referred_on: dt.date
    referrer_name: str
    referrer_role: str
    referrer_agency: str
    #: the date of the discussion with the parents
    discussed_with_parents_on: dt.date | None
    #: which parent or carer agreed, when and how; all three are needed
    parents_agreed_by: str
    parents_agreed_on: dt.date | None
    parents_agreed_how: str
    reason: str
    #: the referrer's questions for the group, one per line
    questions: str = ""


@dataclass(frozen=True)
class QuestionInput:
    """One of the family's questions as typed in: `id` names the question it was when it was
    read (None: a new one)."""

    text: str
    id: str | None = None


@dataclass(frozen=True)
class AnswersInput:
    """The family's answers to the questionnaire, as returned."""

    returned_on: dt.date
    returned_how: str
    going_well: str = ""
    concerns: str = ""
    to_talk_about: str = ""
    hear_back_how: str = ""
    #: their questions, in their order (blank ones are dropped; a plain text is a new one)
    questions: tuple[str | QuestionInput, ...] = ()
    #: who took the answers (None: the signed-in practitioner)
    taken_by: str | None = None


@dataclass(frozen=True)
class QuestionView:
    id: str
    position: int
    question: str
    answer: str
    #: the meeting discussion that answered it
    answered_in: str | None


@dataclass(frozen=True)
class AnswersView:
    id: str
    returned_on: dt.date
    returned_how: QuestionnaireReturn
    taken_by_name: str
    going_well: str
    concerns: str
    to_talk_about: str
    hear_back_how: str
    questions: tuple[QuestionView, ...]


@dataclass(frozen=True)
class ReferralView:
    """A referral whole, as its dialog and the questionnaire show it."""

    id: str
    child_id: str
    child_name: str
    referred_on: dt.date
    referrer_name: str
    referrer_role: str
    referrer_agency: str
    discussed_with_parents_on: dt.date
    parents_agreed_by: str
    parents_agreed_on: dt.date
    parents_agreed_how: str
    reason: str
    questions: str
    questionnaire_sent_on: dt.date | None
    withdrawn_on: dt.date | None
    withdrawn_reason: str
    answers: AnswersView | None
    #: the meetings that discussed it or have it on their agenda: (meeting id, date, status)
    meetings: tuple[tuple[str, dt.date, MeetingStatus], ...] = field(default=())

    @property
    def referrer(self) -> str:
        """ "Dr Farah Siddiqui, community paediatrician (Kingsford NHS Trust)"."""
        text = self.referrer_name
        if self.referrer_role:
            text += f", {self.referrer_role}"
        if self.referrer_agency:
            text += f" ({self.referrer_agency})"
        return text

    @property
    def waiting(self) -> bool:
        """Not withdrawn and not yet discussed at a meeting that was held."""
        return self.withdrawn_on is None and not any(
            status is MeetingStatus.HELD for _, _, status in self.meetings
        )


@dataclass(frozen=True)
class ReferralRow:
    """One referral in a list (the Meetings page's referrals, a meeting's agenda)."""

    id: str
    child_id: str
    child_name: str
    referred_on: dt.date
    referrer: str
    reason: str
    questionnaire_sent_on: dt.date | None
    #: how the family's answers came back (None: not yet)
    answered_how: QuestionnaireReturn | None
    withdrawn_on: dt.date | None
    #: the date of the next meeting it is on the agenda of, or of the held one that discussed it
    meeting_on: dt.date | None
    discussed: bool

    @property
    def waiting(self) -> bool:
        return self.withdrawn_on is None and not self.discussed

    @property
    def answered(self) -> bool:
        return self.answered_how is not None


def _check_date(field_name: str, value: dt.date | None, what: str, today: dt.date) -> dt.date:
    if value is None:
        raise ValidationError(field_name, f"Please enter {what}.")
    if value > today:
        raise ValidationError(field_name, f"The date of {what} is in the future.")
    return value


def _checked(given: ReferralInput, child: Child, today: dt.date) -> dict[str, object]:
    """The referral's columns from `given`, or the first problem with it."""
    agreed_by = optional_text(given.parents_agreed_by)
    agreed_how = optional_text(given.parents_agreed_how)
    if not agreed_by or given.parents_agreed_on is None or not agreed_how:
        missing = "parents_agreed_by" if not agreed_by else "parents_agreed_on"
        if agreed_by and given.parents_agreed_on is not None:
            missing = "parents_agreed_how"
        raise ValidationError(missing, AGREEMENT_NEEDED)
    referred_on = _check_date("referred_on", given.referred_on, "the referral", today)
    discussed = _check_date(
        "discussed_with_parents_on",
        given.discussed_with_parents_on,
        "the discussion with the parents",
        today,
    )
    agreed_on = _check_date("parents_agreed_on", given.parents_agreed_on, "the agreement", today)
    for name, day in (("discussed_with_parents_on", discussed), ("parents_agreed_on", agreed_on)):
        if day < child.date_of_birth:
            raise ValidationError(name, "That date is before the child was born.")
        if day > referred_on:
            raise ValidationError(name, "The parents must agree before the child is referred.")
    reason = optional_text(given.reason)
    if not reason:
        raise ValidationError("reason", "Please say why the child is referred.")
    return {
        "referred_on": referred_on,
        "referrer_name": required_name("referrer_name", given.referrer_name, "referrer's name"),
        "referrer_role": limited_text("referrer_role", given.referrer_role, 120, "role"),
        "referrer_agency": limited_text("referrer_agency", given.referrer_agency, 200, "agency"),
        "discussed_with_parents_on": discussed,
        "parents_agreed_by": limited_text(
            "parents_agreed_by", agreed_by, 200, "name of who agreed"
        ),
        "parents_agreed_on": agreed_on,
        "parents_agreed_how": limited_text(
            "parents_agreed_how", agreed_how, 200, "how the parents agreed"
        ),
        "reason": reason,
        "questions": optional_text(given.questions),
    }


def check_return(value: str) -> str:
    try:
        return QuestionnaireReturn(value).value
    except ValueError:
        raise ValidationError(
            "returned_how", "Please choose how the answers came back (on paper, by phone...)."
        ) from None


class ReferralService:
    def __init__(self, uow: UnitOfWork, clock: Clock | None = None) -> None:
        self.uow = uow
        self.clock = clock or Clock()

    # ---- writes ----

    def refer(self, given: ReferralInput) -> Saved[str]:
        """Record a referral; refused without the parents' agreement (who, when and how)."""
        with self.uow.write() as tx:
            child = get_live(tx.session, Child, given.child_id)
            referral = Referral(
                child_id=child.id,
                recorded_by=self.uow.actor.practitioner_id,
                **_checked(given, child, self.clock.today()),
            )
            tx.session.add(referral)
        return Saved(tx.changes, referral.id)

    def edit(self, referral_id: str, given: ReferralInput) -> Saved[None]:
        with self.uow.write() as tx:
            referral = get_live(tx.session, Referral, referral_id)
            child = get_live(tx.session, Child, referral.child_id)
            assign_changed(referral, _checked(given, child, self.clock.today()))
        return Saved(tx.changes, None)

    def questionnaire_sent(self, referral_id: str, sent_on: dt.date) -> Saved[None]:
        """Record that the questionnaire went to the family on `sent_on`."""
        if sent_on > self.clock.today():
            raise ValidationError("questionnaire_sent_on", "That date is in the future.")
        with self.uow.write() as tx:
            referral = get_live(tx.session, Referral, referral_id)
            if sent_on < referral.referred_on:
                raise ValidationError(
                    "questionnaire_sent_on", "That date is before the child was referred."
                )
            assign_changed(referral, {"questionnaire_sent_on": sent_on})
        return Saved(tx.changes, None)

    def withdraw(self, referral_id: str, withdrawn_on: dt.date, reason: str) -> Saved[None]:
        why = optional_text(reason)
        if not why:
            raise ValidationError("withdrawn_reason", "Please say why the referral is withdrawn.")
        if withdrawn_on > self.clock.today():
            raise ValidationError("withdrawn_on", "That date is in the future.")
        with self.uow.write() as tx:
            referral = get_live(tx.session, Referral, referral_id)
            if referral.withdrawn_on is not None:
                raise ValidationError("form", "This referral is already withdrawn.")
            referral.withdrawn_on = withdrawn_on
            referral.withdrawn_reason = why
        return Saved(tx.changes, None)

    def record_answers(self, referral_id: str, given: AnswersInput) -> Saved[str]:
        """Type in (or correct) the family's answers; their questions are kept in the order
        given, each matched to the record it was read from by its id. A question already
        answered at a meeting can be moved but not reworded or removed: the answer is to its
        words, and the family's letter quotes both."""
        returned_how = check_return(given.returned_how)
        if given.returned_on > self.clock.today():
            raise ValidationError("returned_on", "That date is in the future.")
        questions = [
            QuestionInput(optional_text(q), None)
            if isinstance(q, str)
            else QuestionInput(optional_text(q.text), q.id)
            for q in given.questions
        ]
        questions = [q for q in questions if q.text]
        with self.uow.write() as tx:
            referral = get_live(tx.session, Referral, referral_id)
            if given.returned_on < referral.referred_on:
                raise ValidationError("returned_on", "That date is before the child was referred.")
            taker = given.taken_by or self.uow.actor.practitioner_id
            if tx.session.get(Practitioner, taker) is None:
                raise ValidationError("taken_by", "Please choose who took the answers.")
            values: dict[str, object] = {
                "returned_on": given.returned_on,
                "returned_how": returned_how,
                "taken_by": taker,
                "going_well": optional_text(given.going_well),
                "concerns": optional_text(given.concerns),
                "to_talk_about": optional_text(given.to_talk_about),
                "hear_back_how": limited_text(
                    "hear_back_how", given.hear_back_how, 200, "way to hear back"
                ),
            }
            reply = tx.session.scalars(
                select(QuestionnaireReply).where(QuestionnaireReply.referral_id == referral.id)
            ).first()
            if reply is None:
                reply = QuestionnaireReply(referral_id=referral.id, **values)
                tx.session.add(reply)
                tx.session.flush()
            else:
                assign_changed(reply, values)
            _keep_questions(tx.session, reply.id, questions)
        return Saved(tx.changes, reply.id)

    # ---- reads ----

    def get(self, referral_id: str) -> ReferralView:
        with self.uow.read() as session:
            referral = get_live(session, Referral, referral_id)
            child = get_live(session, Child, referral.child_id)
            reply = session.scalars(
                select(QuestionnaireReply).where(QuestionnaireReply.referral_id == referral.id)
            ).first()
            meetings = session.execute(
                select(Meeting.id, Meeting.held_on, Meeting.status)
                .join(MeetingDiscussion, MeetingDiscussion.meeting_id == Meeting.id)
                .where(MeetingDiscussion.referral_id == referral.id)
                .order_by(Meeting.held_on)
            ).all()
            return ReferralView(
                id=referral.id,
                child_id=child.id,
                child_name=display_name(
                    child.preferred_name, child.legal_given_names, child.legal_family_name
                ),
                referred_on=referral.referred_on,
                referrer_name=referral.referrer_name,
                referrer_role=referral.referrer_role,
                referrer_agency=referral.referrer_agency,
                discussed_with_parents_on=referral.discussed_with_parents_on,
                parents_agreed_by=referral.parents_agreed_by,
                parents_agreed_on=referral.parents_agreed_on,
                parents_agreed_how=referral.parents_agreed_how,
                reason=referral.reason,
                questions=referral.questions,
                questionnaire_sent_on=referral.questionnaire_sent_on,
                withdrawn_on=referral.withdrawn_on,
                withdrawn_reason=referral.withdrawn_reason,
                answers=None if reply is None else _answers(session, reply),
                meetings=tuple((m, day, MeetingStatus(status)) for m, day, status in meetings),
            )

    def rows(self, *, waiting_only: bool = False, child_id: str | None = None) -> list[ReferralRow]:
        """Referrals, oldest first (the order a liaison group takes them in)."""
        with self.uow.read() as session:
            query = (
                select(Referral, Child, QuestionnaireReply.returned_how)
                .join(Child, Child.id == Referral.child_id)
                .outerjoin(QuestionnaireReply, QuestionnaireReply.referral_id == Referral.id)
                .order_by(Referral.referred_on, Referral.created_at, Referral.id)
            )
            if child_id is not None:
                query = query.where(Referral.child_id == child_id)
            found = session.execute(query).all()
            agenda = _meetings_by_referral(session)
        rows = []
        for referral, child, returned_how in found:
            held = [day for day, status in agenda.get(referral.id, ()) if status == "held"]
            planned = [day for day, status in agenda.get(referral.id, ()) if status == "planned"]
            row = ReferralRow(
                id=referral.id,
                child_id=child.id,
                child_name=display_name(
                    child.preferred_name, child.legal_given_names, child.legal_family_name
                ),
                referred_on=referral.referred_on,
                referrer=", ".join(
                    p for p in (referral.referrer_name, referral.referrer_role) if p
                ),
                reason=referral.reason,
                questionnaire_sent_on=referral.questionnaire_sent_on,
                answered_how=None if returned_how is None else QuestionnaireReturn(returned_how),
                withdrawn_on=referral.withdrawn_on,
                meeting_on=max(held) if held else (min(planned) if planned else None),
                discussed=bool(held),
            )
            if not waiting_only or row.waiting:
                rows.append(row)
        return rows


def _meetings_by_referral(session: Session) -> dict[str, list[tuple[dt.date, str]]]:
    found: dict[str, list[tuple[dt.date, str]]] = {}
    for referral_id, held_on, status in session.execute(
        select(MeetingDiscussion.referral_id, Meeting.held_on, Meeting.status)
        .join(Meeting, Meeting.id == MeetingDiscussion.meeting_id)
        .where(MeetingDiscussion.referral_id.is_not(None))
    ):
        if referral_id is not None:
            found.setdefault(referral_id, []).append((held_on, status))
    return found


def _answers(session: Session, reply: QuestionnaireReply) -> AnswersView:
    taker = session.get(Practitioner, reply.taken_by) if reply.taken_by else None
    questions = session.scalars(
        select(ParentQuestion)
        .where(ParentQuestion.reply_id == reply.id)
        .order_by(ParentQuestion.position, ParentQuestion.created_at)
    ).all()
    return AnswersView(
        id=reply.id,
        returned_on=reply.returned_on,
        returned_how=QuestionnaireReturn(reply.returned_how),
        taken_by_name=taker.name if taker else "",
        going_well=reply.going_well,
        concerns=reply.concerns,
        to_talk_about=reply.to_talk_about,
        hear_back_how=reply.hear_back_how,
        questions=tuple(
            QuestionView(q.id, q.position, q.question, q.answer, q.answered_in) for q in questions
        ),
    )


ANSWERED_QUESTION = (
    "That question was answered at a meeting, and the family's letter quotes it with its "
    "answer: it can be moved, but not reworded or removed."
)


def _keep_questions(session: Session, reply_id: str, questions: list[QuestionInput]) -> None:
    """The reply's questions become `questions`, in order: a question given with its id keeps
    its record (and answer), a new one is added, one left out is tombstoned; an answered
    question keeps its words."""
    existing = {
        q.id: q
        for q in session.scalars(select(ParentQuestion).where(ParentQuestion.reply_id == reply_id))
    }
    kept: set[str] = set()
    for position, given in enumerate(questions):
        record = existing.get(given.id) if given.id is not None else None
        if record is None:
            session.add(ParentQuestion(reply_id=reply_id, position=position, question=given.text))
            continue
        if record.answer and record.question != given.text:
            raise ValidationError("questions", ANSWERED_QUESTION)
        assign_changed(record, {"question": given.text, "position": position})
        kept.add(record.id)
    for record in existing.values():
        if record.id in kept:
            continue
        if record.answer:
            raise ValidationError("questions", ANSWERED_QUESTION)
        mark_deleted(session, ParentQuestion, record.id)


__all__ = [
    "AGREEMENT_NEEDED",
    "ANSWERED_QUESTION",
    "AnswersInput",
    "AnswersView",
    "QuestionInput",
    "QuestionView",
    "ReferralInput",
    "ReferralRow",
    "ReferralService",
    "ReferralView",
]
