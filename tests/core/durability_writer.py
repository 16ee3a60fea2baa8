"""Child process for test_durability: records attendance marks until it is killed.

Usage: python durability_writer.py VAULT_DIR SEED TODAY   (passphrase in EARLYYEARS_PASSPHRASE;
TODAY, as YYYY-MM-DD, is the day the services' clock reads, the test's own, never the wall clock)

Before each mark it prints `intent SESSION CHILD STATUS`; once `AttendanceService.mark` has
returned (the commit is durable) it prints `ack ATTENDANCE_ID SESSION CHILD STATUS`, and
flushes, so every `ack` line the test reads is a write the app would have shown as saved.
STATUS `-` means the mark was cleared.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import sys
from pathlib import Path

from sqlalchemy import select

from earlyyears_desktop.domain.enums import AttendanceStatus
from earlyyears_desktop.domain.models import Attendance
from earlyyears_desktop.services.clock import Clock
from earlyyears_desktop.services.container import Services
from earlyyears_desktop.storage.vault import open_vault

STATUSES = [s.value for s in AttendanceStatus]


def main() -> int:
    folder, seed, today = Path(sys.argv[1]), int(sys.argv[2]), dt.date.fromisoformat(sys.argv[3])
    rng = random.Random(seed)
    services = Services(
        open_vault(folder, os.environ["EARLYYEARS_PASSPHRASE"]), clock=Clock.fixed(today)
    )
    with services.uow.read() as session:
        marks = {
            (a.session_id, a.child_id): a.status
            for a in session.scalars(select(Attendance).where(Attendance.deleted_at.is_(None)))
        }
    pairs = sorted(marks)
    current: dict[tuple[str, str], str | None] = dict(marks)
    print("ready", len(pairs), flush=True)
    for _ in range(20_000):
        pair = rng.choice(pairs)
        if current[pair] is not None and rng.random() < 0.15:
            status: str | None = None
        else:
            status = rng.choice([s for s in STATUSES if s != current[pair]])
        shown = status or "-"
        print("intent", pair[0], pair[1], shown, flush=True)
        result = services.attendance.mark(pair[0], pair[1], status)
        assert result.changes
        current[pair] = status
        print("ack", result.value.attendance_id, pair[0], pair[1], shown, flush=True)
    services.vault.lock()
    return 0


if __name__ == "__main__":
    sys.exit(main())
