"""The vault's tables as SQLAlchemy 2.x typed models.

Every synchronised record (a subclass of `Synced`) has a UUID key, a version counter, UTC
timestamps, the device that last changed it and a tombstone instead of a hard delete. The
services bump the version and write the audit event and change-log entry in the same
transaction (see `services.unit_of_work`).

Why this file is long: every table of the vault is here, in one metadata, so that the
foreign keys between them, the Alembic revisions and the record registry read one module.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import ClassVar

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    Time,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def new_id() -> str:
    return str(uuid.uuid4())


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Synced(Base):
    """A record that is synchronised with the central service."""

    __abstract__ = True
    #: the entity name used in the change log, audit events and bundles
    entity: ClassVar[str]

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    changed_by_device: Mapped[str] = mapped_column(String(36), default="")
    deleted_at: Mapped[dt.datetime | None] = mapped_column(DateTime, default=None)


def _fk(target: str, nullable: bool = False) -> Mapped[str]:
    return mapped_column(String(36), ForeignKey(target), nullable=nullable, index=True)


def _fk_opt(target: str) -> Mapped[str | None]:
    return mapped_column(String(36), ForeignKey(target), nullable=True, index=True)


class Practitioner(Synced):
    __tablename__ = "practitioners"
    entity = "practitioner"

    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(40))
    discipline: Mapped[str] = mapped_column(String(60), default="")
    key_slot_id: Mapped[str | None] = mapped_column(String(36), default=None)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Child(Synced):
    __tablename__ = "children"
    entity = "child"

    legal_given_names: Mapped[str] = mapped_column(String(200))
    legal_family_name: Mapped[str] = mapped_column(String(200))
    preferred_name: Mapped[str] = mapped_column(String(200), default="")
    #: folded legal and preferred names for diacritic-insensitive search
    search_key: Mapped[str] = mapped_column(String(700), default="", index=True)
    date_of_birth: Mapped[dt.date] = mapped_column(Date)
    nhs_number: Mapped[str | None] = mapped_column(String(10), default=None)
    #: comma-separated `AreaOfNeed` values
    areas_of_need: Mapped[str] = mapped_column(String(200), default="")
    diagnoses_notes: Mapped[str] = mapped_column(Text, default="")
    key_person: Mapped[str] = mapped_column(String(200), default="")
    setting_attended: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str] = mapped_column(String(20), default="active", index=True)


class Carer(Synced):
    __tablename__ = "carers"
    entity = "carer"

    child_id: Mapped[str] = _fk("children.id")
    name: Mapped[str] = mapped_column(String(200))
    relationship: Mapped[str] = mapped_column(String(80), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    email: Mapped[str] = mapped_column(String(200), default="")
    preferred_language: Mapped[str] = mapped_column(String(80), default="English")
    interpreter_needed: Mapped[bool] = mapped_column(Boolean, default=False)
    accessible_format: Mapped[str] = mapped_column(String(20), default="standard")
    is_main_contact: Mapped[bool] = mapped_column(Boolean, default=False)


class Consent(Synced):
    __tablename__ = "consents"
    entity = "consent"

    child_id: Mapped[str] = _fk("children.id")
    kind: Mapped[str] = mapped_column(String(40))
    given: Mapped[bool] = mapped_column(Boolean, default=True)
    given_by: Mapped[str] = mapped_column(String(200), default="")
    given_on: Mapped[dt.date] = mapped_column(Date)
    withdrawn_on: Mapped[dt.date | None] = mapped_column(Date, default=None)
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_by: Mapped[str | None] = _fk_opt("practitioners.id")


class TeamMember(Synced):
    """A professional or agency in the team around the child."""

    __tablename__ = "team_members"
    entity = "team_member"

    child_id: Mapped[str] = _fk("children.id")
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(120), default="")
    agency: Mapped[str] = mapped_column(String(200), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    email: Mapped[str] = mapped_column(String(200), default="")
    is_lead_professional: Mapped[bool] = mapped_column(Boolean, default=False)


class Venue(Synced):
    __tablename__ = "venues"
    entity = "venue"

    name: Mapped[str] = mapped_column(String(200))
    address: Mapped[str] = mapped_column(Text, default="")
    access_notes: Mapped[str] = mapped_column(Text, default="")


class Group(Synced):
    __tablename__ = "groups"
    entity = "group"

    name: Mapped[str] = mapped_column(String(200))
    venue_id: Mapped[str | None] = _fk_opt("venues.id")
    #: 0 = Monday
    weekday: Mapped[int | None] = mapped_column(Integer, default=None)
    start_time: Mapped[dt.time | None] = mapped_column(Time, default=None)
    end_time: Mapped[dt.time | None] = mapped_column(Time, default=None)
    capacity: Mapped[int | None] = mapped_column(Integer, default=None)
    focus: Mapped[str] = mapped_column(Text, default="")


class GroupStaff(Synced):
    __tablename__ = "group_staff"
    entity = "group_staff"

    group_id: Mapped[str] = _fk("groups.id")
    name: Mapped[str] = mapped_column(String(200))
    discipline: Mapped[str] = mapped_column(String(60), default="")
    practitioner_id: Mapped[str | None] = _fk_opt("practitioners.id")
    visiting: Mapped[bool] = mapped_column(Boolean, default=False)


class Enrolment(Synced):
    __tablename__ = "enrolments"
    entity = "enrolment"

    child_id: Mapped[str] = _fk("children.id")
    group_id: Mapped[str] = _fk("groups.id")
    starts_on: Mapped[dt.date] = mapped_column(Date)
    ends_on: Mapped[dt.date | None] = mapped_column(Date, default=None)


class GroupSession(Synced):
    """One meeting of a group on a date."""

    __tablename__ = "sessions"
    entity = "session"

    group_id: Mapped[str] = _fk("groups.id")
    date: Mapped[dt.date] = mapped_column(Date, index=True)
    start_time: Mapped[dt.time | None] = mapped_column(Time, default=None)
    end_time: Mapped[dt.time | None] = mapped_column(Time, default=None)
    theme: Mapped[str] = mapped_column(String(200), default="")
    activities: Mapped[str] = mapped_column(Text, default="")
    #: newline-separated names of staff present
    staff_present: Mapped[str] = mapped_column(Text, default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default="planned")
    cancel_reason: Mapped[str] = mapped_column(String(300), default="")


class Attendance(Synced):
    __tablename__ = "attendance"
    __table_args__ = (UniqueConstraint("session_id", "child_id"),)
    entity = "attendance"

    session_id: Mapped[str] = _fk("sessions.id")
    child_id: Mapped[str] = _fk("children.id")
    status: Mapped[str] = mapped_column(String(20))
    came_with: Mapped[str] = mapped_column(String(200), default="")
    arrived_at: Mapped[dt.time | None] = mapped_column(Time, default=None)
    note: Mapped[str] = mapped_column(Text, default="")
    is_visitor: Mapped[bool] = mapped_column(Boolean, default=False)
    recorded_by: Mapped[str | None] = _fk_opt("practitioners.id")
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class Observation(Synced):
    __tablename__ = "observations"
    entity = "observation"
    #: a child's observations newest first without sorting them all (the timeline, search)
    __table_args__ = (
        Index("ix_observations_child_when", "child_id", "observed_on", "observed_at", "id"),
    )

    child_id: Mapped[str] = _fk("children.id")
    context: Mapped[str] = mapped_column(String(20), default="other")
    session_id: Mapped[str | None] = _fk_opt("sessions.id")
    home_visit_id: Mapped[str | None] = _fk_opt("home_visits.id")
    observed_on: Mapped[dt.date] = mapped_column(Date, index=True)
    #: the time of day it was seen, when the practitioner gave one (local time)
    observed_at: Mapped[dt.time | None] = mapped_column(Time, default=None)
    text: Mapped[str] = mapped_column(Text)
    area_of_need: Mapped[str] = mapped_column(String(60), default="")
    outcome_id: Mapped[str | None] = _fk_opt("plan_outcomes.id")
    author_id: Mapped[str | None] = _fk_opt("practitioners.id")
    share_with_parents: Mapped[bool] = mapped_column(Boolean, default=False)


class ObservationRevision(Synced):
    """One change to an observation: what it said before, who changed it, when and why.

    An edit keeps the previous values here; a deletion tombstones the observation and keeps
    its last values and the reason here, so nothing is removed silently.
    """

    __tablename__ = "observation_revisions"
    entity = "observation_revision"

    observation_id: Mapped[str] = _fk("observations.id")
    #: `ObservationChange`: edited or deleted
    change: Mapped[str] = mapped_column(String(20))
    revised_at: Mapped[dt.datetime] = mapped_column(DateTime)
    revised_by: Mapped[str | None] = _fk_opt("practitioners.id")
    reason: Mapped[str] = mapped_column(Text, default="")
    previous_text: Mapped[str] = mapped_column(Text)
    previous_observed_on: Mapped[dt.date] = mapped_column(Date)
    previous_observed_at: Mapped[dt.time | None] = mapped_column(Time, default=None)
    previous_context: Mapped[str] = mapped_column(String(20))
    previous_area_of_need: Mapped[str] = mapped_column(String(60), default="")
    previous_outcome_id: Mapped[str | None] = _fk_opt("plan_outcomes.id")
    previous_share_with_parents: Mapped[bool] = mapped_column(Boolean, default=False)


class Strategy(Synced):
    __tablename__ = "strategies"
    entity = "strategy"

    title: Mapped[str] = mapped_column(String(200))
    area_of_need: Mapped[str] = mapped_column(String(60), default="")
    practitioner_wording: Mapped[str] = mapped_column(Text, default="")
    try_at_home: Mapped[str] = mapped_column(Text, default="")
    #: comma-separated tags, lower case, each once ("routines,visual support")
    tags: Mapped[str] = mapped_column(String(400), default="")
    from_central: Mapped[bool] = mapped_column(Boolean, default=False)


class ChildStrategy(Synced):
    """A strategy agreed with a child's family: one from the library (`strategy_id`), or one
    written for this child (no `strategy_id`; its own title and wording), which belongs to the
    child and so goes wherever the child's consent lets it go."""

    __tablename__ = "child_strategies"
    entity = "child_strategy"

    child_id: Mapped[str] = _fk("children.id")
    strategy_id: Mapped[str | None] = _fk_opt("strategies.id")
    #: the date it was agreed with the family
    assigned_on: Mapped[dt.date] = mapped_column(Date)
    started_on: Mapped[dt.date | None] = mapped_column(Date, default=None)
    progress: Mapped[str] = mapped_column(String(30), default="not_started")
    note: Mapped[str] = mapped_column(Text, default="")
    #: a strategy written for this child: its own words (empty for a library strategy)
    title: Mapped[str] = mapped_column(String(200), default="")
    area_of_need: Mapped[str] = mapped_column(String(60), default="")
    practitioner_wording: Mapped[str] = mapped_column(Text, default="")
    try_at_home: Mapped[str] = mapped_column(Text, default="")
    #: who in the family it was agreed with ("Mum (Amira)")
    agreed_with: Mapped[str] = mapped_column(String(200), default="")
    #: the practitioner who agreed it
    agreed_by: Mapped[str | None] = _fk_opt("practitioners.id")
    stopped_on: Mapped[dt.date | None] = mapped_column(Date, default=None)
    stop_reason: Mapped[str] = mapped_column(Text, default="")


class ChildStrategyNote(Synced):
    """How a child's strategy is going, noted on a day."""

    __tablename__ = "child_strategy_notes"
    entity = "child_strategy_note"

    child_strategy_id: Mapped[str] = _fk("child_strategies.id")
    noted_on: Mapped[dt.date] = mapped_column(Date)
    progress: Mapped[str] = mapped_column(String(30))
    note: Mapped[str] = mapped_column(Text, default="")
    author_id: Mapped[str | None] = _fk_opt("practitioners.id")


class CaseloadEntry(Synced):
    """A family on a Portage worker's caseload: who visits, how often, since when."""

    __tablename__ = "caseload_entries"
    entity = "caseload_entry"

    child_id: Mapped[str] = _fk("children.id")
    #: the worker whose caseload it is (None: not allocated)
    practitioner_id: Mapped[str | None] = _fk_opt("practitioners.id")
    #: `VisitRhythm`: weekly, fortnightly...
    rhythm: Mapped[str] = mapped_column(String(30), default="fortnightly")
    opened_on: Mapped[dt.date] = mapped_column(Date)
    closed_on: Mapped[dt.date | None] = mapped_column(Date, default=None)
    close_reason: Mapped[str] = mapped_column(Text, default="")


class HomeVisit(Synced):
    """A Portage (or other) visit to the family's home.

    Started in the family's living room and autosaved as it is typed (`status` in progress),
    then finished; an edit after that keeps the previous values in `HomeVisitRevision`.
    """

    __tablename__ = "home_visits"
    entity = "home_visit"

    child_id: Mapped[str] = _fk("children.id")
    practitioner_id: Mapped[str | None] = _fk_opt("practitioners.id")
    visited_on: Mapped[dt.date] = mapped_column(Date, index=True)
    carers_present: Mapped[str] = mapped_column(String(300), default="")
    activities: Mapped[str] = mapped_column(Text, default="")
    family_will_practise: Mapped[str] = mapped_column(Text, default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    next_visit_on: Mapped[dt.date | None] = mapped_column(Date, default=None)
    #: `VisitStatus`; a visit written before visits could be in progress was finished
    status: Mapped[str] = mapped_column(String(20), default="finished")
    siblings_present: Mapped[str] = mapped_column(String(300), default="")
    #: other professionals at the visit (an interpreter, a therapist...)
    others_present: Mapped[str] = mapped_column(String(300), default="")
    #: how it went, in words for the family's visit record
    how_it_went: Mapped[str] = mapped_column(Text, default="")
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime, default=None)


class HomeVisitRevision(Synced):
    """One edit of a finished home visit: the values before, who changed them, when and why."""

    __tablename__ = "home_visit_revisions"
    entity = "home_visit_revision"

    home_visit_id: Mapped[str] = _fk("home_visits.id")
    revised_at: Mapped[dt.datetime] = mapped_column(DateTime)
    revised_by: Mapped[str | None] = _fk_opt("practitioners.id")
    reason: Mapped[str] = mapped_column(Text, default="")
    #: the changed fields' previous values, a JSON object (field name -> value; dates ISO)
    previous: Mapped[str] = mapped_column(Text, default="{}")


class VisitStrategy(Synced):
    """A strategy shared with the family at a home visit, in the words they were given."""

    __tablename__ = "visit_strategies"
    entity = "visit_strategy"

    home_visit_id: Mapped[str] = _fk("home_visits.id")
    #: the library strategy it came from (None: written for this visit)
    strategy_id: Mapped[str | None] = _fk_opt("strategies.id")
    title: Mapped[str] = mapped_column(String(200))
    try_at_home: Mapped[str] = mapped_column(Text, default="")


class TeachingTarget(Synced):
    """A Portage teaching target set with the family, taught in small steps (`TargetStep`)."""

    __tablename__ = "teaching_targets"
    entity = "teaching_target"

    child_id: Mapped[str] = _fk("children.id")
    skill_area: Mapped[str] = mapped_column(String(120))
    target: Mapped[str] = mapped_column(Text)
    #: the small steps as first set, newline-separated (the steps themselves: `TargetStep`)
    small_steps: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default="active")
    set_on: Mapped[dt.date] = mapped_column(Date)
    #: finished on (status achieved)
    achieved_on: Mapped[dt.date | None] = mapped_column(Date, default=None)
    #: who in the family it was set with ("Mum (Amara)")
    set_with: Mapped[str] = mapped_column(String(200), default="")
    set_by: Mapped[str | None] = _fk_opt("practitioners.id")
    stopped_on: Mapped[dt.date | None] = mapped_column(Date, default=None)
    #: why it was finished or stopped
    end_reason: Mapped[str] = mapped_column(Text, default="")


class TargetStep(Synced):
    """One small step of a teaching target, in order; the current step is the first not yet
    achieved."""

    __tablename__ = "target_steps"
    entity = "target_step"

    target_id: Mapped[str] = _fk("teaching_targets.id")
    position: Mapped[int] = mapped_column(Integer, default=0)
    text: Mapped[str] = mapped_column(Text)
    achieved_on: Mapped[dt.date | None] = mapped_column(Date, default=None)
    achieved_by: Mapped[str | None] = _fk_opt("practitioners.id")


class VisitTargetProgress(Synced):
    """How a target's step went at a visit: Emerging, Developing or Achieved."""

    __tablename__ = "visit_target_progress"
    __table_args__ = (UniqueConstraint("home_visit_id", "target_id"),)
    entity = "visit_target_progress"

    home_visit_id: Mapped[str] = _fk("home_visits.id")
    target_id: Mapped[str] = _fk("teaching_targets.id")
    #: `ProgressRating`
    rating: Mapped[str] = mapped_column(String(20), default="emerging")
    note: Mapped[str] = mapped_column(Text, default="")
    #: the step worked on (None: rated before targets had steps of their own)
    step_id: Mapped[str | None] = _fk_opt("target_steps.id")


class SupportPlan(Synced):
    """A graduated-approach support plan: the assessment, outcomes with their support and
    expected impact, who is responsible, the review date; that the parents were told SEN
    support started; the child's one-page profile."""

    __tablename__ = "support_plans"
    entity = "support_plan"

    child_id: Mapped[str] = _fk("children.id")
    title: Mapped[str] = mapped_column(String(200), default="Support plan")
    started_on: Mapped[dt.date] = mapped_column(Date)
    review_on: Mapped[dt.date] = mapped_column(Date, index=True)
    #: support across the plan (each outcome's own support: `PlanOutcome.support`)
    interventions: Mapped[str] = mapped_column(Text, default="")
    expected_impact: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default="active")
    author_id: Mapped[str | None] = _fk_opt("practitioners.id")
    assessment_summary: Mapped[str] = mapped_column(Text, default="")
    #: who works with the child day to day (usually the key person)
    key_person: Mapped[str] = mapped_column(String(200), default="")
    #: when and how the parents were told that SEN support has started
    parents_told_on: Mapped[dt.date | None] = mapped_column(Date, default=None)
    parents_told_how: Mapped[str] = mapped_column(String(200), default="")
    #: the one-page profile: what people like and admire about the child
    profile_admire: Mapped[str] = mapped_column(Text, default="")
    #: what is important to the child
    profile_important: Mapped[str] = mapped_column(Text, default="")
    #: how best to support the child
    profile_support: Mapped[str] = mapped_column(Text, default="")


class PlanOutcome(Synced):
    __tablename__ = "plan_outcomes"
    entity = "plan_outcome"

    plan_id: Mapped[str] = _fk("support_plans.id")
    outcome: Mapped[str] = mapped_column(Text)
    area_of_need: Mapped[str] = mapped_column(String(60), default="")
    position: Mapped[int] = mapped_column(Integer, default=0)
    #: the interventions and support for this outcome
    support: Mapped[str] = mapped_column(Text, default="")
    expected_impact: Mapped[str] = mapped_column(Text, default="")
    #: who does what ("Key person, daily; parents at bedtime")
    responsible: Mapped[str] = mapped_column(String(300), default="")
    #: when it was added (None: with the plan) and when it ended (met, or changed at a review)
    added_on: Mapped[dt.date | None] = mapped_column(Date, default=None)
    ended_on: Mapped[dt.date | None] = mapped_column(Date, default=None)
    end_reason: Mapped[str] = mapped_column(Text, default="")


class PlanSpecialist(Synced):
    """A specialist involved in a plan, only with the parents' agreement (who and when)."""

    __tablename__ = "plan_specialists"
    entity = "plan_specialist"

    plan_id: Mapped[str] = _fk("support_plans.id")
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(120), default="")
    agency: Mapped[str] = mapped_column(String(200), default="")
    parents_agreed_on: Mapped[dt.date] = mapped_column(Date)
    #: which parent or carer agreed
    parents_agreed_by: Mapped[str] = mapped_column(String(200), default="")


class PlanReview(Synced):
    __tablename__ = "plan_reviews"
    entity = "plan_review"

    plan_id: Mapped[str] = _fk("support_plans.id")
    reviewed_on: Mapped[dt.date] = mapped_column(Date)
    #: overall progress (progress on each outcome: `OutcomeReview`)
    progress: Mapped[str] = mapped_column(Text, default="")
    parent_views: Mapped[str] = mapped_column(Text, default="")
    child_views: Mapped[str] = mapped_column(Text, default="")
    changes_agreed: Mapped[str] = mapped_column(Text, default="")
    next_review_on: Mapped[dt.date | None] = mapped_column(Date, default=None)
    reviewer_id: Mapped[str | None] = _fk_opt("practitioners.id")
    #: how the child's views were gathered (watching play, choosing pictures...)
    child_views_how: Mapped[str] = mapped_column(Text, default="")


class OutcomeReview(Synced):
    """Progress against one outcome at one review."""

    __tablename__ = "outcome_reviews"
    __table_args__ = (UniqueConstraint("review_id", "outcome_id"),)
    entity = "outcome_review"

    review_id: Mapped[str] = _fk("plan_reviews.id")
    outcome_id: Mapped[str] = _fk("plan_outcomes.id")
    #: `OutcomeProgress`
    progress: Mapped[str] = mapped_column(String(30), default="some_progress")
    note: Mapped[str] = mapped_column(Text, default="")


class Referral(Synced):
    """A child referred to the pre-school liaison group by a named professional, after a
    discussion in which the parents agreed that the child has, or is likely to have, SEND.
    The parents' agreement (who, when, how) is part of the referral, not a consent record."""

    __tablename__ = "referrals"
    entity = "referral"

    child_id: Mapped[str] = _fk("children.id")
    referred_on: Mapped[dt.date] = mapped_column(Date, index=True)
    referrer_name: Mapped[str] = mapped_column(String(200))
    referrer_role: Mapped[str] = mapped_column(String(120), default="")
    referrer_agency: Mapped[str] = mapped_column(String(200), default="")
    #: the date of the discussion with the parents
    discussed_with_parents_on: Mapped[dt.date] = mapped_column(Date)
    #: which parent or carer agreed, when, and how (in person, by phone...)
    parents_agreed_by: Mapped[str] = mapped_column(String(200))
    parents_agreed_on: Mapped[dt.date] = mapped_column(Date)
    parents_agreed_how: Mapped[str] = mapped_column(String(200))
    reason: Mapped[str] = mapped_column(Text)
    #: the referrer's questions for the group, one per line
    questions: Mapped[str] = mapped_column(Text, default="")
    #: when the parents' questionnaire was sent to the family
    questionnaire_sent_on: Mapped[dt.date | None] = mapped_column(Date, default=None)
    withdrawn_on: Mapped[dt.date | None] = mapped_column(Date, default=None)
    withdrawn_reason: Mapped[str] = mapped_column(Text, default="")
    recorded_by: Mapped[str | None] = _fk_opt("practitioners.id")


class QuestionnaireReply(Synced):
    """The family's answers to the questionnaire before the meeting, typed in when they came
    back (on paper, by phone...); their questions are `ParentQuestion` records."""

    __tablename__ = "questionnaire_replies"
    entity = "questionnaire_reply"

    referral_id: Mapped[str] = _fk("referrals.id")
    returned_on: Mapped[dt.date] = mapped_column(Date)
    #: `QuestionnaireReturn`
    returned_how: Mapped[str] = mapped_column(String(20), default="paper")
    #: who took the answers (typed them in, or wrote them down on the phone)
    taken_by: Mapped[str | None] = _fk_opt("practitioners.id")
    going_well: Mapped[str] = mapped_column(Text, default="")
    concerns: Mapped[str] = mapped_column(Text, default="")
    to_talk_about: Mapped[str] = mapped_column(Text, default="")
    #: how the family would like to hear back (a letter, a phone call...)
    hear_back_how: Mapped[str] = mapped_column(String(200), default="")


class Meeting(Synced):
    """A pre-school liaison group or a team around the child meeting. It names no child: the
    children discussed are `MeetingDiscussion` records, each under its own child's consent."""

    __tablename__ = "meetings"
    entity = "meeting"

    #: `MeetingKind`
    kind: Mapped[str] = mapped_column(String(30))
    #: the group's name ("Kingsford pre-school liaison group")
    name: Mapped[str] = mapped_column(String(200))
    held_on: Mapped[dt.date] = mapped_column(Date, index=True)
    starts_at: Mapped[dt.time | None] = mapped_column(Time, default=None)
    venue: Mapped[str] = mapped_column(String(200), default="")
    online: Mapped[bool] = mapped_column(Boolean, default=False)
    chair_name: Mapped[str] = mapped_column(String(200), default="")
    chair_role: Mapped[str] = mapped_column(String(120), default="")
    #: `MeetingStatus`
    status: Mapped[str] = mapped_column(String(20), default="planned")
    #: the families' letters name the people present by their roles only
    letters_roles_only: Mapped[bool] = mapped_column(Boolean, default=True)
    recorded_by: Mapped[str | None] = _fk_opt("practitioners.id")


class MeetingAttendee(Synced):
    """Someone at a meeting, or who sent apologies."""

    __tablename__ = "meeting_attendees"
    entity = "meeting_attendee"

    meeting_id: Mapped[str] = _fk("meetings.id")
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(120), default="")
    agency: Mapped[str] = mapped_column(String(200), default="")
    #: False: sent apologies
    present: Mapped[bool] = mapped_column(Boolean, default=True)
    practitioner_id: Mapped[str | None] = _fk_opt("practitioners.id")
    position: Mapped[int] = mapped_column(Integer, default=0)


class MeetingDiscussion(Synced):
    """A child discussed at a meeting: the summary, the outcome for the family's letter, what
    happens next and who to contact; the letter's sending."""

    __tablename__ = "meeting_discussions"
    __table_args__ = (UniqueConstraint("meeting_id", "child_id"),)
    entity = "meeting_discussion"

    meeting_id: Mapped[str] = _fk("meetings.id")
    child_id: Mapped[str] = _fk("children.id")
    #: the referral that put the child on the agenda (None: a team around the child meeting,
    #: or a child added without one)
    referral_id: Mapped[str | None] = _fk_opt("referrals.id")
    position: Mapped[int] = mapped_column(Integer, default=0)
    summary: Mapped[str] = mapped_column(Text, default="")
    #: the outcome for the child, in plain words for the family's letter
    outcome: Mapped[str] = mapped_column(Text, default="")
    next_steps: Mapped[str] = mapped_column(Text, default="")
    #: who the family may contact ("Mei Lin Chen, Portage practitioner, 01632 960 123")
    contact: Mapped[str] = mapped_column(String(300), default="")
    #: the family there (a team around the child meeting): kept with the child, under the
    #: child's consent, never among the meeting's people (who are sent without one)
    family_present: Mapped[str] = mapped_column(String(300), default="")
    letter_sent_on: Mapped[dt.date | None] = mapped_column(Date, default=None)
    letter_sent_how: Mapped[str] = mapped_column(String(100), default="")


class MeetingDecision(Synced):
    __tablename__ = "meeting_decisions"
    entity = "meeting_decision"

    discussion_id: Mapped[str] = _fk("meeting_discussions.id")
    #: `DecisionKind`
    kind: Mapped[str] = mapped_column(String(40))
    detail: Mapped[str] = mapped_column(Text, default="")


class MeetingAction(Synced):
    """Something to do after a meeting: what, who, by when. A practitioner of the team who
    owns it sees it on their Today page until it is done."""

    __tablename__ = "meeting_actions"
    entity = "meeting_action"

    discussion_id: Mapped[str] = _fk("meeting_discussions.id")
    what: Mapped[str] = mapped_column(Text)
    #: the owner, when a practitioner of this team; else named in `owner_name`
    owner_id: Mapped[str | None] = _fk_opt("practitioners.id")
    owner_name: Mapped[str] = mapped_column(String(200), default="")
    due_on: Mapped[dt.date] = mapped_column(Date, index=True)
    done_on: Mapped[dt.date | None] = mapped_column(Date, default=None)
    done_note: Mapped[str] = mapped_column(Text, default="")


class ParentQuestion(Synced):
    """One of the family's questions from their questionnaire, and the group's answer."""

    __tablename__ = "parent_questions"
    entity = "parent_question"

    reply_id: Mapped[str] = _fk("questionnaire_replies.id")
    position: Mapped[int] = mapped_column(Integer, default=0)
    question: Mapped[str] = mapped_column(Text)
    answer: Mapped[str] = mapped_column(Text, default="")
    #: the discussion at which it was answered
    answered_in: Mapped[str | None] = _fk_opt("meeting_discussions.id")


class LaNotification(Synced):
    """The health professional's statutory notification to the local authority of a child
    who may have SEND (Children and Families Act 2014, section 23). It carries what the duty
    needs and no more, copied when it was made, and is sent whatever the child's consents;
    the parents are told."""

    __tablename__ = "la_notifications"
    entity = "la_notification"

    child_id: Mapped[str] = _fk("children.id")
    #: the meeting's decision it came from (None: made outside a meeting)
    decision_id: Mapped[str | None] = _fk_opt("meeting_decisions.id")
    notified_on: Mapped[dt.date] = mapped_column(Date, index=True)
    given_names: Mapped[str] = mapped_column(String(200))
    family_name: Mapped[str] = mapped_column(String(200))
    date_of_birth: Mapped[dt.date] = mapped_column(Date)
    nhs_number: Mapped[str | None] = mapped_column(String(10), default=None)
    #: the health professional who notified, and their role
    notified_by: Mapped[str] = mapped_column(String(200))
    notified_by_role: Mapped[str] = mapped_column(String(120), default="")
    reason: Mapped[str] = mapped_column(Text)
    parents_told_on: Mapped[dt.date | None] = mapped_column(Date, default=None)
    parents_told_how: Mapped[str] = mapped_column(String(200), default="")


SYNCED_MODELS: tuple[type[Synced], ...] = (
    Practitioner,
    Child,
    Carer,
    Consent,
    TeamMember,
    Venue,
    Group,
    GroupStaff,
    Enrolment,
    GroupSession,
    Attendance,
    Observation,
    ObservationRevision,
    Strategy,
    ChildStrategy,
    ChildStrategyNote,
    CaseloadEntry,
    HomeVisit,
    HomeVisitRevision,
    VisitStrategy,
    TeachingTarget,
    TargetStep,
    VisitTargetProgress,
    SupportPlan,
    PlanOutcome,
    PlanSpecialist,
    PlanReview,
    OutcomeReview,
    Referral,
    QuestionnaireReply,
    Meeting,
    MeetingAttendee,
    MeetingDiscussion,
    MeetingDecision,
    MeetingAction,
    ParentQuestion,
    LaNotification,
)
MODEL_BY_ENTITY: dict[str, type[Synced]] = {m.entity: m for m in SYNCED_MODELS}


# ---- local bookkeeping, never synchronised as records ----


class AuditEvent(Base):
    """Who did what to which record, when. Hash-chained: each row's hash covers the previous.

    Holds ids only, never names or text, so the chain can be shown and exported safely.
    """

    __tablename__ = "audit_events"
    #: the audit viewer's events about one child's records (revision 0010)
    __table_args__ = (Index("ix_audit_events_record", "record_id"),)

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime)
    practitioner_id: Mapped[str] = mapped_column(String(36), default="")
    device_id: Mapped[str] = mapped_column(String(36), default="")
    action: Mapped[str] = mapped_column(String(40))
    entity: Mapped[str] = mapped_column(String(40))
    record_id: Mapped[str] = mapped_column(String(36))
    version: Mapped[int] = mapped_column(Integer, default=0)
    #: SHA-256 of the record's columns after the change ("" for events about no record)
    record_sha256: Mapped[str] = mapped_column(String(64), default="", server_default="")
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class ChangeLogEntry(Base):
    """One change to export. `exported_seq` is the bundle it went out in; acknowledged once the
    central service confirms that bundle."""

    __tablename__ = "change_log"
    __table_args__ = (Index("ix_change_log_pending", "acknowledged", "seq"),)

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    entity: Mapped[str] = mapped_column(String(40))
    record_id: Mapped[str] = mapped_column(String(36))
    version: Mapped[int] = mapped_column(Integer)
    at: Mapped[dt.datetime] = mapped_column(DateTime)
    exported_seq: Mapped[int | None] = mapped_column(Integer, default=None)
    acknowledged: Mapped[bool] = mapped_column(Boolean, default=False)


class VaultSetting(Base):
    """Small key/value facts about this vault: device id, team name, sync state."""

    __tablename__ = "vault_settings"

    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    value: Mapped[str] = mapped_column(Text, default="")


class DeviceKey(Base):
    """This device's private keys (inside the encrypted database) and peers' public keys."""

    __tablename__ = "device_keys"

    name: Mapped[str] = mapped_column(String(80), primary_key=True)
    key_bytes: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class SyncBundle(Base):
    """Every bundle this device wrote or read, with its outcome."""

    __tablename__ = "sync_bundles"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    direction: Mapped[str] = mapped_column(String(10))  # "export" or "return"
    sequence: Mapped[int] = mapped_column(Integer)
    manifest_sha256: Mapped[str] = mapped_column(String(64))
    file_name: Mapped[str] = mapped_column(String(300), default="")
    record_count: Mapped[int] = mapped_column(Integer, default=0)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    outcome: Mapped[str] = mapped_column(String(300), default="")


class SyncRecordVersion(Base):
    """The version of one record this device knows the central service holds: what its next
    export of that record is based on (`base_version`), and what "changed here since the last
    sync" is measured against. Set when a return bundle confirms an exported version was
    accepted, and when a central copy is applied. Local bookkeeping, never sent as a record."""

    __tablename__ = "sync_record_versions"

    entity: Mapped[str] = mapped_column(String(40), primary_key=True)
    record_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    central_version: Mapped[int] = mapped_column(Integer)


class SyncConflict(Base):
    """A record changed here and centrally; both versions kept until a person resolves it."""

    __tablename__ = "sync_conflicts"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    entity: Mapped[str] = mapped_column(String(40))
    record_id: Mapped[str] = mapped_column(String(36))
    local_version: Mapped[int] = mapped_column(Integer)
    central_version: Mapped[int] = mapped_column(Integer)
    #: canonical JSON of the central copy, kept encrypted inside the vault
    central_data: Mapped[str] = mapped_column(Text)
    detected_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    resolved_at: Mapped[dt.datetime | None] = mapped_column(DateTime, default=None)
    resolution: Mapped[str] = mapped_column(String(40), default="")
