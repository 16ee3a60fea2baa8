"""What the family's two documents around a meeting hold: the parents' questionnaire before a
pre-school liaison group, and the outcome letter after a meeting.

Families do not come to the liaison group (seed 002): the questionnaire is their voice there,
and the letter tells them what was decided and answers their own questions. Both are the
family's own records (`domain/record_types.py`, `_FAMILYS_OWN`): read whatever the consent for
personalised session handouts says. Each read is one transaction returning frozen data for the
layout (`handouts/questionnaire.py`, `handouts/outcome_letter.py`); names and words typed in
are kept out of each dataclass's repr, so out of logs.

A child discussed whose outcome is not recorded yet gets no letter: `MeetingLetters.held_back`
lists them (ids, and the reason `NO_OUTCOME_YET`) for the caller to say so. Each letter keeps
its child's place on the meeting's agenda (`LetterCopy.number`), so a family's letter keeps its
number however many of the others are held back. A letter quotes the answers given at THIS
meeting only: a referral discussed at two meetings has one set of questions, and an answer
recorded at the other meeting (`ParentQuestion.answered_in`) is not this meeting's to give.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from earlyyears_desktop.domain.enums import MeetingKind, MeetingStatus, Role
from earlyyears_desktop.domain.errors import DomainError, NotFound
from earlyyears_desktop.domain.models import (
    Child,
    Meeting,
    MeetingAttendee,
    MeetingDiscussion,
    ParentQuestion,
    Practitioner,
    QuestionnaireReply,
    Referral,
)
from earlyyears_desktop.services.family_documents import Family, read_family
from earlyyears_desktop.services.meeting_views import NO_OUTCOME_YET
from earlyyears_desktop.services.unit_of_work import INCLUDE_DELETED, UnitOfWork

#: the group's name on a questionnaire whose referral is on no planned meeting's agenda yet
A_LIAISON_GROUP = "the pre-school liaison group"
#: who was there, in a letter that names roles only, for someone whose role is not recorded
NO_ROLE = "Another professional"


class ReferralWithdrawn(DomainError):
    """The referral was withdrawn: the family gets no questionnaire for it."""


@dataclass(frozen=True)
class QuestionnaireCopy:
    """The questionnaire a family fills in before the liaison group discusses their child."""

    referral_id: str
    team_name: str = field(repr=False)
    family: Family
    #: the group's name: the planned meeting's, else `A_LIAISON_GROUP`
    group_name: str = field(repr=False)
    #: the planned meeting whose agenda has the referral (None: a line to write the date on)
    meeting_on: dt.date | None
    #: who referred the child, and their role as it reads inside a sentence
    referrer_name: str = field(repr=False)
    referrer_role: str = field(repr=False)
    #: whom to give or send it back to, and their role
    return_to: str = field(repr=False)
    return_to_role: str = field(repr=False)


@dataclass(frozen=True)
class AnsweredQuestion:
    question: str = field(repr=False)
    #: "" when this meeting did not answer it (not answered, or answered at another meeting)
    answer: str = field(repr=False)


@dataclass(frozen=True)
class LetterCopy:
    """One family's letter: the outcome for their child and the answers to their questions."""

    discussion_id: str
    #: the child's place on the meeting's agenda (1, 2…), held-back children counted: the
    #: letter's number, in the preview's list and in its own file's name
    number: int
    family: Family
    outcome: str = field(repr=False)
    next_steps: str = field(repr=False)
    contact: str = field(repr=False)
    #: the family's own questions from their questionnaire, in their order
    questions: tuple[AnsweredQuestion, ...]
    #: how the family asked to hear back, from their questionnaire ("" if not said)
    hear_back_how: str = field(repr=False)


@dataclass(frozen=True)
class HeldBack:
    """A child discussed whose letter cannot be made yet, and why (`NO_OUTCOME_YET`)."""

    discussion_id: str
    child_id: str
    #: for the screen only (never the command line or a log)
    name: str = field(repr=False)
    reason: str


@dataclass(frozen=True)
class MeetingLetters:
    """A meeting's letters to the families of the children discussed."""

    meeting_id: str
    kind: MeetingKind
    status: MeetingStatus
    team_name: str = field(repr=False)
    name: str = field(repr=False)
    held_on: dt.date
    #: who was there: roles only when the meeting says so, else "name, role"
    present: tuple[str, ...] = field(repr=False)
    roles_only: bool
    chair_name: str = field(repr=False)
    chair_role: str = field(repr=False)
    #: in the meeting's agenda order
    letters: tuple[LetterCopy, ...]
    held_back: tuple[HeldBack, ...]


class MeetingDocuments:
    """Reads what the questionnaire and the outcome letters hold."""

    def __init__(self, uow: UnitOfWork, team_name: str = "") -> None:
        self.uow = uow
        self.team_name = team_name

    def questionnaire(self, referral_id: str) -> QuestionnaireCopy:
        with self.uow.read() as db:
            referral = db.get(Referral, referral_id)
            if referral is None:
                raise NotFound(
                    "There is no referral with that id in these records "
                    "(`earlyyears list DIR referrals` lists them)."
                )
            if referral.withdrawn_on is not None:
                raise ReferralWithdrawn(
                    "This referral was withdrawn: there is no questionnaire to send for it."
                )
            meeting = db.scalars(
                select(Meeting)
                .join(MeetingDiscussion, MeetingDiscussion.meeting_id == Meeting.id)
                .where(
                    MeetingDiscussion.referral_id == referral.id,
                    Meeting.status == MeetingStatus.PLANNED.value,
                )
                .order_by(Meeting.held_on, Meeting.created_at)
                .limit(1)
            ).first()
            return_to, role = _practitioner(db, referral.recorded_by)
            if not return_to:
                return_to, role = referral.referrer_name, referral.referrer_role
            return QuestionnaireCopy(
                referral_id=referral.id,
                team_name=self.team_name,
                family=read_family(db, referral.child_id),
                group_name=meeting.name if meeting is not None else A_LIAISON_GROUP,
                meeting_on=meeting.held_on if meeting is not None else None,
                referrer_name=referral.referrer_name,
                referrer_role=_lower_first(referral.referrer_role),
                return_to=return_to,
                return_to_role=role,
            )

    def letters(self, meeting_id: str) -> MeetingLetters:
        """Every child discussed with an outcome gets a letter; the others are held back."""
        with self.uow.read() as db:
            meeting = db.get(Meeting, meeting_id)
            if meeting is None:
                raise NotFound(
                    "There is no meeting with that id in these records "
                    "(`earlyyears list DIR meetings` lists them)."
                )
            people = db.scalars(
                select(MeetingAttendee)
                .where(MeetingAttendee.meeting_id == meeting.id, MeetingAttendee.present)
                .order_by(MeetingAttendee.position, MeetingAttendee.created_at)
            ).all()
            present = [
                (p.role or p.agency or NO_ROLE)
                if meeting.letters_roles_only
                else ", ".join(x for x in (p.name, p.role) if x)
                for p in people
            ]
            # a child whose record was deleted has no letter (the join hides the discussion)
            discussions = db.scalars(
                select(MeetingDiscussion)
                .join(Child, Child.id == MeetingDiscussion.child_id)
                .where(MeetingDiscussion.meeting_id == meeting.id)
                .order_by(MeetingDiscussion.position, MeetingDiscussion.created_at)
            ).all()
            letters: list[LetterCopy] = []
            held_back: list[HeldBack] = []
            for number, discussion in enumerate(discussions, 1):
                family = read_family(db, discussion.child_id)
                if not discussion.outcome.strip():
                    held_back.append(
                        HeldBack(discussion.id, family.child_id, family.full_name, NO_OUTCOME_YET)
                    )
                    continue
                questions, hear_back = _questions(db, discussion.referral_id, discussion.id)
                letters.append(
                    LetterCopy(
                        discussion_id=discussion.id,
                        number=number,
                        family=family,
                        outcome=discussion.outcome,
                        next_steps=discussion.next_steps,
                        contact=discussion.contact,
                        questions=questions,
                        hear_back_how=hear_back,
                    )
                )
            return MeetingLetters(
                meeting_id=meeting.id,
                kind=MeetingKind(meeting.kind),
                status=MeetingStatus(meeting.status),
                team_name=self.team_name,
                name=meeting.name,
                held_on=meeting.held_on,
                # the same role twice ("Speech and language therapist") is said once
                present=tuple(dict.fromkeys(present)),
                roles_only=meeting.letters_roles_only,
                chair_name=meeting.chair_name,
                chair_role=meeting.chair_role,
                letters=tuple(letters),
                held_back=tuple(held_back),
            )


def _questions(
    db: Session, referral_id: str | None, discussion_id: str
) -> tuple[tuple[AnsweredQuestion, ...], str]:
    """The family's questions, each with the answer given at this discussion ("" if it was
    not answered here, even if another meeting answered it)."""
    if referral_id is None:
        return (), ""
    reply = db.scalars(
        select(QuestionnaireReply).where(QuestionnaireReply.referral_id == referral_id)
    ).first()
    if reply is None:
        return (), ""
    found = db.scalars(
        select(ParentQuestion)
        .where(ParentQuestion.reply_id == reply.id)
        .order_by(ParentQuestion.position, ParentQuestion.created_at)
    ).all()
    return (
        tuple(
            AnsweredQuestion(q.question, q.answer if q.answered_in == discussion_id else "")
            for q in found
        ),
        reply.hear_back_how,
    )


def _practitioner(db: Session, practitioner_id: str | None) -> tuple[str, str]:
    if not practitioner_id:
        return "", ""
    found = db.get(Practitioner, practitioner_id, execution_options=INCLUDE_DELETED)
    if found is None:
        return "", ""
    try:
        role = Role(found.role).label
    except ValueError:
        role = found.role
    return found.name, role


def _lower_first(role: str) -> str:
    """ "Community paediatrician" inside a sentence reads "community paediatrician" (an
    acronym such as "SENCO" stays as it is)."""
    role = role.strip()
    if len(role) > 1 and role[1].isupper():
        return role
    return role[:1].lower() + role[1:]


__all__ = [
    "A_LIAISON_GROUP",
    "NO_OUTCOME_YET",
    "AnsweredQuestion",
    "HeldBack",
    "LetterCopy",
    "MeetingDocuments",
    "MeetingLetters",
    "QuestionnaireCopy",
    "ReferralWithdrawn",
]
