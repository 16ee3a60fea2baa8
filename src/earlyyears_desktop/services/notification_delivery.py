"""Whether each notification to the local authority has reached the central service.

A notification is the statutory duty of a health professional (Children and Families Act 2014,
section 23); the app shows whether it was done. It is *sent* in the first export bundle that
carried it, and counts as *acknowledged* once a return bundle acknowledges the sequence of a
bundle that carried it (docs/sync.md). Both are read from the change log this vault keeps for
sync (`ChangeLogEntry.exported_seq` and `acknowledged`, written by `sync/`); nothing here
imports `sync/`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from earlyyears_desktop.domain.models import ChangeLogEntry, LaNotification

NOTIFICATION: Final = LaNotification.entity
#: the change log's `exported_seq` of entries a bundle carried (0: superseded, never sent)
_CARRIED = ChangeLogEntry.exported_seq > 0


@dataclass(frozen=True)
class Delivery:
    """How far one notification has gone towards the central service."""

    #: the sequence number of the first export bundle that carried it (None: not sent yet)
    sent_in: int | None = None
    #: a return bundle acknowledged a bundle that carried it
    acknowledged: bool = False

    @property
    def words(self) -> str:
        """In a practitioner's words, for a list or a record."""
        if self.acknowledged:
            return f"Received by the central service (export {self.sent_in})"
        if self.sent_in is not None:
            return f"Sent in export {self.sent_in}; waiting for the central service to confirm"
        return "Not sent to the central service yet"


NOT_SENT: Final = Delivery()


def deliveries(session: Session, notification_ids: Iterable[str]) -> dict[str, Delivery]:
    """Each notification's delivery (notifications never exported are left out: NOT_SENT)."""
    ids = sorted(set(notification_ids))
    found: dict[str, Delivery] = {}
    for start in range(0, len(ids), 500):
        rows = session.execute(
            select(
                ChangeLogEntry.record_id,
                func.min(ChangeLogEntry.exported_seq),
                func.max(case((ChangeLogEntry.acknowledged, 1), else_=0)),
            )
            .where(
                ChangeLogEntry.entity == NOTIFICATION,
                ChangeLogEntry.record_id.in_(ids[start : start + 500]),
                _CARRIED,
            )
            .group_by(ChangeLogEntry.record_id)
        )
        for record_id, first, acknowledged in rows:
            found[str(record_id)] = Delivery(int(first), bool(acknowledged))
    return found


@dataclass(frozen=True)
class NotificationTally:
    """The notifications of this vault by how far they have gone (`earlyyears info`)."""

    total: int
    not_sent: int
    waiting: int
    acknowledged: int
    #: the date of the oldest notification not yet acknowledged (None: every one is)
    oldest_unacknowledged: dt.date | None

    def as_json(self) -> dict[str, object]:
        return {
            "total": self.total,
            "not_sent": self.not_sent,
            "sent_waiting_for_confirmation": self.waiting,
            "acknowledged": self.acknowledged,
            "oldest_unacknowledged": None
            if self.oldest_unacknowledged is None
            else self.oldest_unacknowledged.isoformat(),
        }

    @property
    def words(self) -> str:
        """One line: "Notifications to the local authority: 3 (2 received by the central
        service, 1 sent and waiting for confirmation, 0 not sent yet)."."""
        return (
            f"Notifications to the local authority: {self.total} ({self.acknowledged} received "
            f"by the central service, {self.waiting} sent and waiting for confirmation, "
            f"{self.not_sent} not sent yet)"
        )


def tally(session: Session) -> NotificationTally:
    """How many live notifications are not sent, sent, and acknowledged."""
    live = dict(session.execute(select(LaNotification.id, LaNotification.notified_on)).all())
    found = deliveries(session, live)
    acknowledged = {i for i in live if found.get(i, NOT_SENT).acknowledged}
    waiting = {i for i in live if i not in acknowledged and i in found}
    pending_days = [day for i, day in live.items() if i not in acknowledged]
    return NotificationTally(
        total=len(live),
        not_sent=len(live) - len(acknowledged) - len(waiting),
        waiting=len(waiting),
        acknowledged=len(acknowledged),
        oldest_unacknowledged=min(pending_days) if pending_days else None,
    )


__all__ = ["NOT_SENT", "Delivery", "NotificationTally", "deliveries", "tally"]
