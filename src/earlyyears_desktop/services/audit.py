"""Checking the hash-chained audit trail, and that records still match it."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from earlyyears_desktop.domain.models import SYNCED_MODELS, AuditEvent, Synced
from earlyyears_desktop.domain.record_types import record_type_of
from earlyyears_desktop.services.unit_of_work import (
    GENESIS_HASH,
    INCLUDE_DELETED,
    UnitOfWork,
    audit_hash,
    record_digest,
)


@dataclass(frozen=True)
class AuditReport:
    events: int
    ok: bool
    first_bad_seq: int | None = None
    problem: str = ""
    records_checked: int = 0
    altered_records: tuple[tuple[str, str], ...] = ()

    @property
    def message(self) -> str:
        if self.altered_records:
            entity, record_id = self.altered_records[0]
            more = len(self.altered_records) - 1
            extra = f" (and {more} more)" if more else ""
            return (
                f"A {entity.replace('_', ' ')} record ({record_id}){extra} was changed "
                "outside the app: it no longer matches its last audit event."
            )
        if self.ok:
            return (
                f"The audit trail is intact: {self.events} events, every link checked; "
                f"{self.records_checked} records match their last audit event."
            )
        return f"The audit trail has been altered at event {self.first_bad_seq}: {self.problem}"


def verify_audit_chain(uow: UnitOfWork, *, check_records: bool = True) -> AuditReport:
    """Recompute every link; then check each record against the digest its last event holds.

    The second check catches a record edited directly in the database (which writes no
    event). Neither check can catch someone who holds the key and rewrites the whole chain;
    the head of the chain goes out in every export bundle, so the central service can.
    """
    prev, expected_seq, count = GENESIS_HASH, 1, 0
    latest: dict[tuple[str, str], str] = {}
    with uow.read() as session:
        for event in session.scalars(
            select(AuditEvent).order_by(AuditEvent.seq).execution_options(yield_per=5000)
        ):
            count += 1
            if event.seq != expected_seq:
                return AuditReport(count, False, expected_seq, "an event is missing.")
            if event.prev_hash != prev:
                return AuditReport(count, False, event.seq, "it does not follow the one before.")
            if audit_hash(prev, event) != event.hash:
                return AuditReport(count, False, event.seq, "its contents were changed.")
            prev, expected_seq = event.hash, expected_seq + 1
            if event.action == "erase":
                latest.pop((event.entity, event.record_id), None)
            elif event.version:
                latest[(event.entity, event.record_id)] = event.record_sha256
        if not check_records:
            return AuditReport(count, True)
        altered: list[tuple[str, str]] = []
        checked = 0
        for model in SYNCED_MODELS:
            for record in session.scalars(
                # Tombstones too: a deleted record must still match its last event.
                select(model)
                .order_by(model.id)
                .execution_options(yield_per=5000, **INCLUDE_DELETED)
            ):
                expected = latest.get((model.entity, record.id))
                if expected == "":
                    continue  # written before events covered contents
                checked += 1
                if expected is None or not digest_matches(record, expected):
                    altered.append((model.entity, record.id))
            session.expunge_all()
    return AuditReport(
        count, not altered, None, "", records_checked=checked, altered_records=tuple(altered)
    )


def digest_matches(record: Synced, expected: str) -> bool:
    """Whether the record is what its last audit event recorded.

    A record last written by a release before a schema revision that added columns was
    digested without them: it matches over the columns of its time, provided every column
    added since still holds its default (the migration's value, unchanged since).
    """
    if expected == record_digest(record):
        return True
    added_since: set[str] = set()
    for revision in reversed(record_type_of(type(record)).later_schemas):
        if not all(_holds_default(record, name) for name in revision.added):
            return False
        added_since.update(revision.added)
        if expected == record_digest(record, frozenset(added_since)):
            return True
    return False


def _holds_default(record: Synced, column_name: str) -> bool:
    default = record.__table__.c[column_name].default
    value = default.arg if default is not None and default.is_scalar else None
    return bool(getattr(record, column_name) == value)
