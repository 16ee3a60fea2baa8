"""Records of one kind as plain rows of ids and stable fields, for `earlyyears list`.

Each row carries what identifies the record and the fields a script needs to follow it, and
no personal data beyond what the kind is: a child's names and status (never the NHS number,
date of birth, diagnoses or family), a session's group and times, an observation's date,
context, area and author (never its text), a library strategy's title, area and tags, a home
visit's child, dates, status and worker (never what was written), a support plan's child,
dates and status (never its outcomes or notes), a meeting's kind, name, date, status and
counts and a referral's child, dates and where it stands (`services/meeting_lists.py`: never
what was said, the reason or the family's questions). The rows are in a stable order, so two
listings of an unchanged vault are identical.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlalchemy import func, select

from earlyyears_desktop.domain.models import (
    Child,
    Group,
    GroupSession,
    HomeVisit,
    Observation,
    PlanReview,
    Strategy,
    SupportPlan,
)
from earlyyears_desktop.domain.rules import search_key
from earlyyears_desktop.services.meeting_lists import (
    MeetingListed,
    ReferralListed,
    list_meetings,
    list_referrals,
)
from earlyyears_desktop.services.unit_of_work import UnitOfWork

#: the kinds `earlyyears list` knows, in the order its help names them
KINDS = (
    "children",
    "sessions",
    "observations",
    "strategies",
    "visits",
    "plans",
    "meetings",
    "referrals",
)


@dataclass(frozen=True)
class ChildListed:
    id: str
    given_names: str
    family_name: str
    preferred_name: str
    status: str


@dataclass(frozen=True)
class SessionListed:
    id: str
    group_id: str
    group: str
    date: dt.date
    start: dt.time | None
    end: dt.time | None
    status: str


@dataclass(frozen=True)
class ObservationListed:
    id: str
    child_id: str
    date: dt.date
    time: dt.time | None
    context: str
    area_of_need: str
    shared: bool
    author_id: str | None


@dataclass(frozen=True)
class StrategyListed:
    id: str
    title: str
    area_of_need: str
    tags: tuple[str, ...]
    from_central: bool


@dataclass(frozen=True)
class VisitListed:
    id: str
    child_id: str
    date: dt.date
    next_visit: dt.date | None
    status: str
    practitioner_id: str | None


@dataclass(frozen=True)
class PlanListed:
    id: str
    child_id: str
    started: dt.date
    next_review: dt.date
    status: str
    reviews: int


Listed = (
    ChildListed
    | SessionListed
    | ObservationListed
    | StrategyListed
    | VisitListed
    | PlanListed
    | MeetingListed
    | ReferralListed
)


class RecordLists:
    """The live records of each kind (tombstones are hidden by the unit of work)."""

    def __init__(self, uow: UnitOfWork) -> None:
        self.uow = uow

    def of_kind(self, kind: str) -> list[Listed]:
        """The rows of `kind`, one of `KINDS` (a LookupError for any other)."""
        readers: dict[str, Callable[[], Sequence[Listed]]] = {
            "children": self.children,
            "sessions": self.sessions,
            "observations": self.observations,
            "strategies": self.strategies,
            "visits": self.visits,
            "plans": self.plans,
            "meetings": self.meetings,
            "referrals": self.referrals,
        }
        if kind not in readers:
            raise LookupError(kind)
        return list(readers[kind]())

    def children(self) -> list[ChildListed]:
        """By family name, then given names (folded, as the children list sorts)."""
        with self.uow.read() as session:
            found = session.execute(
                select(
                    Child.id,
                    Child.legal_given_names,
                    Child.legal_family_name,
                    Child.preferred_name,
                    Child.status,
                )
            ).all()
        rows = [ChildListed(*row) for row in found]
        return sorted(
            rows, key=lambda c: (search_key(c.family_name), search_key(c.given_names), c.id)
        )

    def sessions(self) -> list[SessionListed]:
        """Oldest first, as `earlyyears sessions` lists them."""
        with self.uow.read() as session:
            found = session.execute(
                select(
                    GroupSession.id,
                    GroupSession.group_id,
                    Group.name,
                    GroupSession.date,
                    GroupSession.start_time,
                    GroupSession.end_time,
                    GroupSession.status,
                )
                .join(Group, Group.id == GroupSession.group_id)
                .order_by(GroupSession.date, Group.name, GroupSession.id)
            ).all()
        return [SessionListed(*row) for row in found]

    def observations(self) -> list[ObservationListed]:
        """Oldest observed first; the text is never part of the row."""
        with self.uow.read() as session:
            found = session.execute(
                select(
                    Observation.id,
                    Observation.child_id,
                    Observation.observed_on,
                    Observation.observed_at,
                    Observation.context,
                    Observation.area_of_need,
                    Observation.share_with_parents,
                    Observation.author_id,
                )
                # an observation of a deleted child goes with the child
                .join(Child, Child.id == Observation.child_id)
                .order_by(Observation.observed_on, Observation.observed_at, Observation.id)
            ).all()
        return [
            ObservationListed(i, child, on, at, context, area, bool(shared), author)
            for i, child, on, at, context, area, shared, author in found
        ]

    def strategies(self) -> list[StrategyListed]:
        """The library, by title."""
        with self.uow.read() as session:
            found = session.execute(
                select(
                    Strategy.id,
                    Strategy.title,
                    Strategy.area_of_need,
                    Strategy.tags,
                    Strategy.from_central,
                )
            ).all()
        rows = [
            StrategyListed(
                i, title, area, tuple(t.strip() for t in tags.split(",") if t.strip()), bool(c)
            )
            for i, title, area, tags, c in found
        ]
        return sorted(rows, key=lambda s: (search_key(s.title), s.id))

    def visits(self) -> list[VisitListed]:
        """Home visits, oldest first; what was written at them is never part of the row."""
        with self.uow.read() as session:
            found = session.execute(
                select(
                    HomeVisit.id,
                    HomeVisit.child_id,
                    HomeVisit.visited_on,
                    HomeVisit.next_visit_on,
                    HomeVisit.status,
                    HomeVisit.practitioner_id,
                )
                # a visit of a deleted child goes with the child
                .join(Child, Child.id == HomeVisit.child_id)
                .order_by(HomeVisit.visited_on, HomeVisit.id)
            ).all()
        return [VisitListed(*row) for row in found]

    def plans(self) -> list[PlanListed]:
        """Support plans, oldest first, with how many reviews each has had."""
        with self.uow.read() as session:
            reviews = (
                select(func.count(PlanReview.id))
                .where(PlanReview.plan_id == SupportPlan.id)
                .scalar_subquery()
            )
            found = session.execute(
                select(
                    SupportPlan.id,
                    SupportPlan.child_id,
                    SupportPlan.started_on,
                    SupportPlan.review_on,
                    SupportPlan.status,
                    reviews,
                )
                .join(Child, Child.id == SupportPlan.child_id)
                .order_by(SupportPlan.started_on, SupportPlan.id)
            ).all()
        return [PlanListed(*row) for row in found]

    def meetings(self) -> list[MeetingListed]:
        """Liaison groups and team around the child meetings, oldest first, with counts."""
        with self.uow.read() as session:
            return list_meetings(session)

    def referrals(self) -> list[ReferralListed]:
        """Referrals to the liaison group, oldest first, with where each stands."""
        with self.uow.read() as session:
            return list_referrals(session)


__all__ = [
    "KINDS",
    "ChildListed",
    "Listed",
    "MeetingListed",
    "ObservationListed",
    "PlanListed",
    "RecordLists",
    "ReferralListed",
    "SessionListed",
    "StrategyListed",
    "VisitListed",
]
