"""The bundle history and the counts the Sync page shows."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import func, select

from earlyyears_desktop.domain.models import ChangeLogEntry, SyncBundle, SyncConflict

from .device_enrolment import enrolment_state
from .device_results import BundleHistoryRow, SyncSummary

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
    return SyncSummary(state, unsynced or 0, awaiting or 0, last, conflicts or 0)
