"""Which records a device shares with the central service, and which it takes back.

A record that belongs to a child is shared only while that child's latest share-with-central
consent is in force; consent records themselves are always sent. A return bundle may carry
only the entities the central service authors.
"""

from __future__ import annotations

from typing import Any, Final

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from earlyyears_desktop.domain.enums import ConsentKind
from earlyyears_desktop.domain.models import Child, Consent, HomeVisit, SupportPlan, Synced

#: entities a return bundle may carry (agreed with the central service)
RETURN_ENTITIES: Final = frozenset(
    {
        "child",
        "carer",
        "consent",
        "team_member",
        "venue",
        "group",
        "group_staff",
        "enrolment",
        "session",
        "strategy",
    }
)
#: records that belong to one child and need that child's consent to be shared centrally
CHILD_LINKED: Final = frozenset(
    {
        "child",
        "carer",
        "consent",
        "team_member",
        "attendance",
        "observation",
        "child_strategy",
        "home_visit",
        "teaching_target",
        "visit_target_progress",
        "support_plan",
        "plan_outcome",
        "plan_review",
        "enrolment",
    }
)
#: sent even without consent, so the central service learns that consent was refused
ALWAYS_SENT: Final = frozenset({"consent"})


def consenting_children(session: Session) -> set[str]:
    """Children whose latest share-with-central consent is given and not withdrawn."""
    latest: dict[str, bool] = {}
    rows = session.execute(
        select(Consent.child_id, Consent.given, Consent.withdrawn_on)
        .where(
            Consent.kind == ConsentKind.SHARE_WITH_CENTRAL.value,
            Consent.deleted_at.is_(None),
        )
        .order_by(Consent.child_id, Consent.given_on, Consent.created_at)
    )
    for child_id, given, withdrawn_on in rows:
        latest[child_id] = bool(given) and withdrawn_on is None
    return {child_id for child_id, in_force in latest.items() if in_force}


def child_expression(model: type[Synced]) -> ColumnElement[Any] | None:
    if model.entity not in CHILD_LINKED or model.entity in ALWAYS_SENT:
        return None
    columns = model.__table__.c
    if model is Child:
        return columns.id
    if "child_id" in columns:
        return columns.child_id
    if "home_visit_id" in columns:
        return (
            select(HomeVisit.child_id)
            .where(HomeVisit.id == columns.home_visit_id)
            .scalar_subquery()
        )
    if "plan_id" in columns:
        return (
            select(SupportPlan.child_id).where(SupportPlan.id == columns.plan_id).scalar_subquery()
        )
    raise TypeError(f"no child link known for {model.entity}")  # pragma: no cover
