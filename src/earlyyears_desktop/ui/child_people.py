"""A child's carers and team around the child, each as a block of rich text on the record."""

from __future__ import annotations

from html import escape

from earlyyears_desktop.domain.enums import AccessibleFormat, LabelledEnum
from earlyyears_desktop.services.family import CarerRow, TeamMemberRow


def carer_html(c: CarerRow) -> str:
    """Name, relationship, contact, language and accessible format of one carer."""
    lines = [
        f"<b>{escape(c.name)}</b>"
        + (f", {escape(c.relationship)}" if c.relationship else "")
        + (" (main contact)" if c.is_main_contact else "")
    ]
    contact = " · ".join(escape(x) for x in (c.phone, c.email) if x)
    if contact:
        lines.append(contact)
    language = f"Preferred language: {escape(c.preferred_language)}"
    if c.interpreter_needed:
        language += " · <b>interpreter needed</b>"
    lines.append(language)
    if c.accessible_format != AccessibleFormat.STANDARD:
        lines.append(
            f"Accessible format: <b>{escape(enum_label(AccessibleFormat, c.accessible_format))}</b>"
        )
    return "<br>".join(lines)


def member_html(m: TeamMemberRow) -> str:
    """Name, role, lead professional, agency and contact of one member of the team."""
    head = f"<b>{escape(m.name)}</b>" + (f", {escape(m.role)}" if m.role else "")
    if m.is_lead_professional:
        head += " · <b>lead professional</b>"
    lines = [head]
    if m.agency:
        lines.append(escape(m.agency))
    contact = " · ".join(escape(x) for x in (m.phone, m.email) if x)
    if contact:
        lines.append(contact)
    return "<br>".join(lines)


def enum_label(enum_type: type[LabelledEnum], value: str) -> str:
    """A stored value in words, or as it was stored if this release does not know it."""
    try:
        return enum_type(value).label
    except ValueError:
        return value
