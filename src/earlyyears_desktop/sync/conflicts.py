"""Conflicts between this device's copy of a record and the central service's, and their
resolution by people."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Final

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from earlyyears_desktop.domain.errors import NotFound
from earlyyears_desktop.domain.models import (
    ChangeLogEntry,
    Child,
    Group,
    GroupSession,
    SyncConflict,
    Synced,
    utcnow,
)
from earlyyears_desktop.services.children import display_name
from earlyyears_desktop.services.unit_of_work import Changes

from .device_results import ConflictView
from .records import DecodedRecord, codec_for
from .return_applier import ReturnApplier, decoded_central, differing_fields
from .stream_state import raise_synced

if TYPE_CHECKING:
    from earlyyears_desktop.services.container import Services

KEEP_MINE: Final = "keep-mine"
TAKE_CENTRAL: Final = "take-central"


def conflict_views(services: Services, *, include_resolved: bool = False) -> list[ConflictView]:
    with services.uow.read() as session:
        query = select(SyncConflict).order_by(SyncConflict.detected_at, SyncConflict.id)
        if not include_resolved:
            query = query.where(SyncConflict.resolved_at.is_(None))
        views = []
        for conflict in session.scalars(query):
            central = decoded_central(conflict)
            local = session.get(central.model, conflict.record_id)
            views.append(
                ConflictView(
                    id=conflict.id,
                    entity=conflict.entity,
                    record_id=conflict.record_id,
                    label=_label(session, central.model, local, central),
                    local_version=local.version if local else 0,
                    central_version=conflict.central_version,
                    fields=differing_fields(local, central),
                    detected_at=conflict.detected_at,
                )
            )
        return views


def resolve_conflict(services: Services, conflict_id: str, choice: str) -> Changes:
    """`KEEP_MINE`: this device's copy stays and is sent again, as version central + 1
    based on the central version. `TAKE_CENTRAL`: the central copy replaces it exactly and
    the pending local changes of that record are marked superseded, so they are not sent."""
    if choice not in (KEEP_MINE, TAKE_CENTRAL):
        raise ValueError("choice must be KEEP_MINE or TAKE_CENTRAL")
    with services.uow.write(applying_sync=choice == TAKE_CENTRAL) as tx:
        session = tx.session
        conflict = session.get(SyncConflict, conflict_id)
        if conflict is None or conflict.resolved_at is not None:
            raise NotFound("That conflict has already been resolved.")
        central = decoded_central(conflict)
        if choice == KEEP_MINE:
            local = session.get(central.model, conflict.record_id)
            if local is not None:
                # Based on the central copy from now on: the unit of work makes this
                # version central + 1 and logs it, and the next export (base_version =
                # the central version) is accepted by the central service.
                local.version = conflict.central_version
                local.updated_at = utcnow()  # a change even when the versions were equal
                raise_synced(session, {(conflict.entity, conflict.record_id): central.version})
        else:
            ReturnApplier(session).write(central, session.get(central.model, central.id))
            raise_synced(session, {(conflict.entity, conflict.record_id): central.version})
            session.execute(
                update(ChangeLogEntry)
                .where(
                    ChangeLogEntry.entity == conflict.entity,
                    ChangeLogEntry.record_id == conflict.record_id,
                    ChangeLogEntry.acknowledged.is_(False),
                )
                .values(
                    acknowledged=True,
                    # 0: superseded before it was ever sent, so not counted as unsynced
                    exported_seq=func.coalesce(ChangeLogEntry.exported_seq, 0),
                )
            )
        conflict.resolved_at = utcnow()
        conflict.resolution = choice
        tx.audit_only(f"conflict-{choice}", conflict.entity, conflict.record_id)
    return tx.changes


def _label(
    session: Session, model: type[Synced], local: Synced | None, central: DecodedRecord
) -> str:
    """A label a practitioner recognises: the child's name for child-linked records."""
    values: Mapping[str, object] = (
        {name: getattr(local, name) for name in codec_for(model.entity).all_column_names}
        if local is not None
        else central.values
    )
    kind = model.entity.replace("_", " ")
    child_id: object = None
    if model is Child:
        child_id = values["id"]
    elif "child_id" in values:
        child_id = values["child_id"]
    if isinstance(child_id, str):
        child = session.get(Child, child_id)
        if child is not None:
            name = display_name(
                child.preferred_name, child.legal_given_names, child.legal_family_name
            )
            return name if model is Child else f"{name}: {kind}"
    if model is GroupSession:
        group = session.get(Group, values.get("group_id"))
        when = values.get("date")
        return f"{group.name if group else 'Group'} session, {when}"
    for attr in ("name", "title"):
        if isinstance(values.get(attr), str):
            return f"{values[attr]} ({kind})"
    return kind.capitalize()
