"""The people around a child: carers and the team of professionals - what a form gives for
each, how it is checked, and the rows a screen shows. `ChildrenService` (services/children.py)
stores them with the child's record."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from earlyyears_desktop.domain.enums import AccessibleFormat
from earlyyears_desktop.domain.errors import ValidationError
from earlyyears_desktop.domain.models import Carer, TeamMember
from earlyyears_desktop.domain.rules import check_email, optional_text, required_name


@dataclass(frozen=True)
class CarerInput:
    name: str
    relationship: str = ""
    phone: str = ""
    email: str = ""
    preferred_language: str = "English"
    interpreter_needed: bool = False
    accessible_format: str = AccessibleFormat.STANDARD.value
    is_main_contact: bool = False


@dataclass(frozen=True)
class TeamMemberInput:
    name: str
    role: str = ""
    agency: str = ""
    phone: str = ""
    email: str = ""
    is_lead_professional: bool = False


@dataclass(frozen=True)
class CarerRow:
    id: str
    name: str
    relationship: str
    phone: str
    email: str
    preferred_language: str
    interpreter_needed: bool
    accessible_format: str
    is_main_contact: bool


@dataclass(frozen=True)
class TeamMemberRow:
    id: str
    name: str
    role: str
    agency: str
    phone: str
    email: str
    is_lead_professional: bool


def carer_values(data: CarerInput) -> dict[str, object]:
    try:
        fmt = AccessibleFormat(data.accessible_format).value
    except ValueError:
        raise ValidationError(
            "accessible_format", "Please choose a format from the list."
        ) from None
    email = check_email(data.email)
    return dict(
        name=required_name("carer_name", data.name, "carer's name"),
        relationship=optional_text(data.relationship),
        phone=optional_text(data.phone),
        email=email,
        preferred_language=optional_text(data.preferred_language) or "English",
        interpreter_needed=bool(data.interpreter_needed),
        accessible_format=fmt,
        is_main_contact=bool(data.is_main_contact),
    )


def team_values(data: TeamMemberInput) -> dict[str, object]:
    return dict(
        name=required_name("member_name", data.name, "professional's name"),
        role=optional_text(data.role),
        agency=optional_text(data.agency),
        phone=optional_text(data.phone),
        email=optional_text(data.email),
        is_lead_professional=bool(data.is_lead_professional),
    )


def clear_lead(session: Session, child_id: str) -> None:
    for member in session.scalars(
        select(TeamMember).where(
            TeamMember.child_id == child_id, TeamMember.is_lead_professional.is_(True)
        )
    ):
        member.is_lead_professional = False


def carer_row(c: Carer) -> CarerRow:
    return CarerRow(
        c.id,
        c.name,
        c.relationship,
        c.phone,
        c.email,
        c.preferred_language,
        bool(c.interpreter_needed),
        c.accessible_format,
        bool(c.is_main_contact),
    )


def team_row(m: TeamMember) -> TeamMemberRow:
    return TeamMemberRow(
        m.id, m.name, m.role, m.agency, m.phone, m.email, bool(m.is_lead_professional)
    )


__all__ = [
    "CarerInput",
    "CarerRow",
    "TeamMemberInput",
    "TeamMemberRow",
    "carer_row",
    "carer_values",
    "clear_lead",
    "team_row",
    "team_values",
]
