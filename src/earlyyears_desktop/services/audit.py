"""Checking the hash-chained audit trail."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from earlyyears_desktop.domain.models import AuditEvent
from earlyyears_desktop.services.unit_of_work import GENESIS_HASH, UnitOfWork, audit_hash


@dataclass(frozen=True)
class AuditReport:
    events: int
    ok: bool
    first_bad_seq: int | None = None
    problem: str = ""

    @property
    def message(self) -> str:
        if self.ok:
            return f"The audit trail is intact: {self.events} events, every link checked."
        return f"The audit trail has been altered at event {self.first_bad_seq}: {self.problem}"


def verify_audit_chain(uow: UnitOfWork) -> AuditReport:
    """Recompute every link; the first event that does not match is reported."""
    prev, expected_seq, count = GENESIS_HASH, 1, 0
    with uow.read() as session:
        for event in session.scalars(
            select(AuditEvent).order_by(AuditEvent.seq).execution_options(yield_per=2000)
        ):
            count += 1
            if event.seq != expected_seq:
                return AuditReport(count, False, expected_seq, "an event is missing.")
            if event.prev_hash != prev:
                return AuditReport(count, False, event.seq, "it does not follow the one before.")
            if audit_hash(prev, event) != event.hash:
                return AuditReport(count, False, event.seq, "its contents were changed.")
            prev, expected_seq = event.hash, expected_seq + 1
    return AuditReport(count, True)
