"""Which records a device shares with the central service, and which it takes back.

A record that belongs to a child is shared only while that child's latest share-with-central
consent is in force; consent records themselves are always sent. A return bundle may carry
only the entities the central service authors. All three facts come from the registry of
record types (`domain/record_types.py`); the consent rule from `services/consent.py`.
"""

from __future__ import annotations

from typing import Any, Final

from sqlalchemy import ColumnElement
from sqlalchemy.orm import Session

from earlyyears_desktop.domain import record_types
from earlyyears_desktop.domain.enums import ConsentKind
from earlyyears_desktop.domain.models import Synced
from earlyyears_desktop.services.consent import child_id_column, children_with_consent

#: entities a return bundle may carry (agreed with the central service)
RETURN_ENTITIES: Final = frozenset(record_types.RETURN_ENTITIES)


def consenting_children(session: Session) -> set[str]:
    """Children whose latest share-with-central consent is given and not withdrawn."""
    return children_with_consent(session, ConsentKind.SHARE_WITH_CENTRAL)


def child_expression(model: type[Synced]) -> ColumnElement[Any] | None:
    """The child whose consent a record needs (None: sent without consent), per the registry."""
    if not record_types.record_type_of(model).needs_central_consent:
        return None
    return child_id_column(model)
