"""Every mark the service acknowledged survives a SIGKILL of the process that made it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from sqlalchemy import select

from earlyyears_desktop.domain.models import Attendance
from earlyyears_desktop.services.container import Services
from earlyyears_desktop.storage.vault import open_vault

from .conftest import PASSPHRASE, TODAY, Term

WORKER = Path(__file__).with_name("mark_worker.py")


def test_acknowledged_marks_survive_sigkill(term: Term, tmp_path: Path) -> None:
    groups = term.services.groups
    past = [s.id for s in groups.sessions(group_id=term.group_id) if s.date <= TODAY]
    statuses = ["present", "late", "apologies", "did_not_attend", "left_early"]
    pairs = [
        (session_id, child_id, statuses[(i + j) % len(statuses)])
        for i, session_id in enumerate(past)
        for j, child_id in enumerate(term.child_ids)
    ]
    assert len(pairs) >= 60
    plan = tmp_path / "plan.txt"
    plan.write_text("\n".join(" ".join(p) for p in pairs))
    term.services.vault.lock()

    worker = subprocess.Popen(
        [sys.executable, str(WORKER), str(term.folder), PASSPHRASE, TODAY.isoformat(), str(plan)],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert worker.stdout is not None
    assert worker.stdout.readline().strip() == "ready"
    acknowledged: dict[str, str] = {}
    for line in worker.stdout:
        attendance_id, status = line.split()
        acknowledged[attendance_id] = status
        if len(acknowledged) == 40:
            worker.send_signal(signal.SIGKILL)
            break
    worker.wait(timeout=30)
    assert worker.returncode == -signal.SIGKILL
    assert len(acknowledged) == 40

    services = Services(open_vault(term.folder, PASSPHRASE), today=lambda: TODAY)
    try:
        with services.uow.read() as db:
            found = dict(
                db.execute(
                    select(Attendance.id, Attendance.status).where(
                        Attendance.id.in_(list(acknowledged)), Attendance.deleted_at.is_(None)
                    )
                ).all()
            )
        assert found == acknowledged
        assert services.verify_audit().ok
    finally:
        services.vault.lock()
