"""The bundle history and the counts the Sync page shows."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from earlyyears_desktop.domain.models import ChangeLogEntry, SyncBundle, SyncConflict

from .device_enrolment import enrolment_state
from .device_results import BundleHistoryRow, SyncSummary
from .entity_types import sendable_entity_types
from .stream_state import read_accepted_entities

if TYPE_CHECKING:
    from earlyyears_desktop.services.container import Services


def bundle_history(services: Services, limit: int = 200) -> list[BundleHistoryRow]:
    with services.uow.read() as session:
        rows = session.scalars(
            select(SyncBundle)
            .order_by(SyncBundle.at.desc(), SyncBundle.sequence.desc())
            .limit(limit)
        )
        return [
            BundleHistoryRow(
                r.id, r.direction, r.sequence, r.file_name, r.record_count, r.at, r.outcome
            )
            for r in rows
        ]


def unsynced_count(services: Services) -> int:
    with services.uow.read() as session:
        return (
            session.scalar(
                select(func.count())
                .select_from(ChangeLogEntry)
                .where(ChangeLogEntry.exported_seq.is_(None))
            )
            or 0
        )


def sync_summary(services: Services) -> SyncSummary:
    state = enrolment_state(services)
    with services.uow.read() as session:
        unsynced = session.scalar(
            select(func.count())
            .select_from(ChangeLogEntry)
            .where(ChangeLogEntry.exported_seq.is_(None))
        )
        awaiting = session.scalar(
            select(func.count())
            .select_from(ChangeLogEntry)
            .where(
                ChangeLogEntry.exported_seq.is_not(None),
                ChangeLogEntry.acknowledged.is_(False),
            )
        )
        last = session.scalar(
            select(func.max(SyncBundle.at)).where(SyncBundle.direction == "export")
        )
        conflicts = session.scalar(
            select(func.count()).select_from(SyncConflict).where(SyncConflict.resolved_at.is_(None))
        )
        held = _held_back_types(session)
    return SyncSummary(
        state, unsynced or 0, awaiting or 0, last, conflicts or 0, tuple(held.items())
    )


def held_back_types(services: Services) -> dict[str, int]:
    """Records, per entity type, whose changes wait for the central service to accept the
    type at its current schema revision (it has not announced it); empty when nothing waits."""
    with services.uow.read() as session:
        return _held_back_types(session)


def _held_back_types(session: Session) -> dict[str, int]:
    accepted = sendable_entity_types(read_accepted_entities(session))
    rows = session.execute(
        select(ChangeLogEntry.entity, func.count(ChangeLogEntry.record_id.distinct()))
        .where(
            ChangeLogEntry.exported_seq.is_(None),
            ChangeLogEntry.acknowledged.is_(False),
            ChangeLogEntry.entity.not_in(sorted(accepted)),
        )
        .group_by(ChangeLogEntry.entity)
        .order_by(ChangeLogEntry.entity)
    )
    return {str(entity): int(count) for entity, count in rows}
