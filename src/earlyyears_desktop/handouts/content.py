"""What goes into a session's handouts, read from the vault in a few queries.

Everything here is plain frozen data: the layout never touches the database, and the whole
session is read in one transaction, so 30 handouts cost a handful of queries, not 30 x 6.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from earlyyears_desktop.domain.enums import (
    AccessibleFormat,
    AttendanceStatus,
    SessionStatus,
)
from earlyyears_desktop.domain.models import (
    Attendance,
    Carer,
    Child,
    ChildStrategy,
    Enrolment,
    Group,
    GroupSession,
    Observation,
    Strategy,
    Venue,
)
from earlyyears_desktop.domain.record_types import family_consent_kind
from earlyyears_desktop.domain.rules import search_key
from earlyyears_desktop.handouts.errors import UnknownSession
from earlyyears_desktop.services.child_strategies import is_active
from earlyyears_desktop.services.children import display_name
from earlyyears_desktop.services.consent import children_with_consent
from earlyyears_desktop.services.container import Services

ATTENDED = tuple(s.value for s in AttendanceStatus if s.attended)
#: most ideas a handout offers, so it stays one friendly page
MAX_IDEAS = 3


@dataclass(frozen=True)
class Idea:
    """One thing to try at home: a short title and the parent-friendly wording."""

    title: str
    text: str


@dataclass(frozen=True)
class ChildHandout:
    """One child's handout. Names are personal data: kept out of repr, so out of logs."""

    child_id: str
    first_name: str = field(repr=False)
    full_name: str = field(repr=False)
    carer_name: str = field(repr=False)
    accessible_format: str
    preferred_language: str
    interpreter_needed: bool
    noticed: tuple[str, ...] = field(repr=False)
    ideas: tuple[Idea, ...] = field(repr=False)
    ideas_are_general: bool


@dataclass(frozen=True)
class SkippedChild:
    child_id: str
    name: str = field(repr=False)
    reason: str


@dataclass(frozen=True)
class NextSession:
    date: dt.date
    start_time: dt.time | None
    end_time: dt.time | None


@dataclass(frozen=True)
class SessionContent:
    session_id: str
    team_name: str
    group_name: str
    venue_name: str
    venue_address: str
    date: dt.date
    start_time: dt.time | None
    end_time: dt.time | None
    theme: str
    activities: tuple[str, ...]
    next_session: NextSession | None
    children: tuple[ChildHandout, ...]
    skipped: tuple[SkippedChild, ...]


NO_CONSENT = "no consent for personalised handouts is in force"


def read_session(services: Services, session_id: str) -> SessionContent:
    """Everything the handouts of one session need: who attended, with consent in force."""
    team_name = services.vault.setting("team_name")
    with services.uow.read() as db:
        session = db.get(GroupSession, session_id)
        if session is None:
            raise UnknownSession(
                "There is no session with that id in these records "
                "(`earlyyears sessions DIR` lists them)."
            )
        group = db.get(Group, session.group_id)
        if group is None:
            raise UnknownSession("That session's group is no longer in these records.")
        venue = db.get(Venue, group.venue_id) if group.venue_id else None

        attended = db.execute(
            select(Child)
            .join(Attendance, Attendance.child_id == Child.id)
            .where(
                Attendance.session_id == session_id,
                Attendance.status.in_(ATTENDED),
            )
        ).scalars()
        children = sorted(attended, key=lambda c: search_key(_names(c)[1]))
        ids = [c.id for c in children]

        carers = _main_carers(db, ids)
        consented = _handout_consent(db, ids)
        noticed = _noticed(db, session_id, ids)
        own_ideas = _own_ideas(db, ids)
        group_ideas = _group_ideas(db, group.id)

        handouts: list[ChildHandout] = []
        skipped: list[SkippedChild] = []
        for child in children:
            first, full = _names(child)
            if child.id not in consented:
                skipped.append(SkippedChild(child.id, full, NO_CONSENT))
                continue
            carer = carers.get(child.id)
            ideas = own_ideas.get(child.id, ())
            handouts.append(
                ChildHandout(
                    child_id=child.id,
                    first_name=first,
                    full_name=full,
                    carer_name=carer.name if carer else "",
                    accessible_format=(
                        carer.accessible_format if carer else AccessibleFormat.STANDARD.value
                    ),
                    preferred_language=carer.preferred_language if carer else "",
                    interpreter_needed=bool(carer and carer.interpreter_needed),
                    noticed=noticed.get(child.id, ()),
                    ideas=ideas or group_ideas,
                    ideas_are_general=not ideas,
                )
            )

        return SessionContent(
            session_id=session.id,
            team_name=team_name,
            group_name=group.name,
            venue_name=venue.name if venue else "",
            venue_address=venue.address if venue else "",
            date=session.date,
            start_time=session.start_time,
            end_time=session.end_time,
            theme=session.theme,
            activities=_lines(session.activities),
            next_session=_next_session(db, group.id, session.date),
            children=tuple(handouts),
            skipped=tuple(skipped),
        )


def _names(child: Child) -> tuple[str, str]:
    first = child.preferred_name or child.legal_given_names.split(" ")[0]
    return first, display_name(
        child.preferred_name, child.legal_given_names, child.legal_family_name
    )


def _lines(text: str) -> tuple[str, ...]:
    """Planned activities, one per line (or separated by semicolons), as bullet points."""
    parts = [p.strip(" \t-•*") for line in text.splitlines() for p in line.split(";")]
    return tuple(p for p in parts if p)


def _main_carers(db: Session, ids: list[str]) -> dict[str, Carer]:
    """Each child's main contact (else the carer added first), as the services order them."""
    found: dict[str, Carer] = {}
    for carer in db.scalars(
        select(Carer)
        .where(Carer.child_id.in_(ids))
        .order_by(Carer.is_main_contact.desc(), Carer.created_at)
    ):
        found.setdefault(carer.child_id, carer)
    return found


def _handout_consent(db: Session, ids: list[str]) -> set[str]:
    """Children whose consent to personalised handouts is in force (services/consent.py; the
    kind is the registry's consent for family documents)."""
    return children_with_consent(db, family_consent_kind(), ids)


def _noticed(db: Session, session_id: str, ids: list[str]) -> dict[str, tuple[str, ...]]:
    """Observations from this session that the practitioner marked to share with parents."""
    found: dict[str, list[str]] = {}
    for obs in db.scalars(
        select(Observation)
        .where(
            Observation.session_id == session_id,
            Observation.child_id.in_(ids),
            Observation.share_with_parents.is_(True),
        )
        .order_by(Observation.created_at)
    ):
        found.setdefault(obs.child_id, []).append(obs.text.strip())
    return {cid: tuple(texts) for cid, texts in found.items()}


def _strategy_rows(
    db: Session, child_ids: list[str], *, library_only: bool = False
) -> list[tuple[str, Idea]]:
    """The children's active strategies that have words for home, newest agreed first: from
    the library, and (unless `library_only`) those written for the child, in their own words.
    A stopped strategy is left out, and so is one whose library row has been deleted."""
    own = ChildStrategy.strategy_id.is_(None)
    title = case((own, ChildStrategy.title), else_=Strategy.title)
    home = case((own, ChildStrategy.try_at_home), else_=Strategy.try_at_home)
    query = (
        select(ChildStrategy.child_id, title, home)
        .outerjoin(Strategy, Strategy.id == ChildStrategy.strategy_id)
        .where(
            ChildStrategy.child_id.in_(child_ids),
            is_active(),
            own | Strategy.id.is_not(None),
            func.coalesce(home, "") != "",
        )
        .order_by(ChildStrategy.assigned_on.desc(), ChildStrategy.created_at.desc())
    )
    if library_only:
        query = query.where(~own)
    return [(child_id, Idea(title, text)) for child_id, title, text in db.execute(query)]


def _own_ideas(db: Session, ids: list[str]) -> dict[str, tuple[Idea, ...]]:
    """The try-at-home wording of each child's active strategies, newest agreed first."""
    found: dict[str, list[Idea]] = {}
    for child_id, idea in _strategy_rows(db, ids):
        ideas = found.setdefault(child_id, [])
        if idea not in ideas and len(ideas) < MAX_IDEAS:
            ideas.append(idea)
    return {cid: tuple(ideas) for cid, ideas in found.items()}


def _group_ideas(db: Session, group_id: str) -> tuple[Idea, ...]:
    """The group's general ideas: the library strategies most used with the group's children
    (no child is named or implied; a strategy written for one child is that child's record and
    never counts here), else a few ideas that suit any young child."""
    members = list(db.scalars(select(Enrolment.child_id).where(Enrolment.group_id == group_id)))
    counts: Counter[Idea] = Counter(
        idea for _, idea in _strategy_rows(db, members, library_only=True)
    )
    ranked = sorted(counts, key=lambda idea: (-counts[idea], idea.title.casefold()))
    return tuple(ranked[:MAX_IDEAS]) or EVERYDAY_IDEAS


EVERYDAY_IDEAS = (
    Idea(
        "Sing together",
        "Sing one of today's songs at bath time or in the car. Pause before a favourite word "
        "and give your child time to join in with a look, a sound or a word.",
    ),
    Idea(
        "Follow their lead",
        "Spend five minutes playing with whatever your child chooses. Join in, copy what they "
        "do and say what they are doing in a few words.",
    ),
    Idea(
        "Now and next",
        "Before a change, show or say what is happening now and what comes next: "
        "'Now shoes, next park.'",
    ),
)


def _next_session(db: Session, group_id: str, after: dt.date) -> NextSession | None:
    nxt = db.scalars(
        select(GroupSession)
        .where(
            GroupSession.group_id == group_id,
            GroupSession.date > after,
            GroupSession.status != SessionStatus.CANCELLED.value,
        )
        .order_by(GroupSession.date, GroupSession.start_time)
        .limit(1)
    ).first()
    return NextSession(nxt.date, nxt.start_time, nxt.end_time) if nxt else None
