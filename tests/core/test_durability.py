"""Nothing is lost: a writer killed with SIGKILL keeps every mark it acknowledged."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import select, text

from earlyyears_desktop.domain.models import Attendance
from earlyyears_desktop.services.container import Services
from earlyyears_desktop.storage.vault import open_vault

from .conftest import TODAY, VaultUnderTest, services_on_test_day

WRITER = Path(__file__).with_name("durability_writer.py")

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")


def _live_marks(services: Services) -> dict[tuple[str, str], tuple[str, str]]:
    with services.uow.read() as session:
        return {
            (a.session_id, a.child_id): (a.id, a.status)
            for a in session.scalars(select(Attendance).where(Attendance.deleted_at.is_(None)))
        }


def _run_writer_and_kill(folder: Path, passphrase: str, seed: int, acks_before_kill: int):  # type: ignore[no-untyped-def]
    env = {**os.environ, "EARLYYEARS_PASSPHRASE": passphrase}
    proc = subprocess.Popen(
        [sys.executable, str(WRITER), str(folder), str(seed), TODAY.isoformat()],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        text=True,
    )
    assert proc.stdout is not None
    lines: list[str] = []
    acks = 0
    try:
        first = proc.stdout.readline()
        assert first.startswith("ready"), first + (proc.stderr.read() if proc.stderr else "")
        while acks < acks_before_kill:
            line = proc.stdout.readline()
            assert line, "the writer stopped by itself: " + (
                proc.stderr.read() if proc.stderr else ""
            )
            lines.append(line)
            acks += line.startswith("ack ")
        time.sleep(random.Random(seed).random() * 0.004)  # land the kill anywhere in a write
        os.kill(proc.pid, signal.SIGKILL)
        # Lines already in the pipe were acknowledged before the kill: they count too.
        lines.extend(proc.stdout.read().splitlines(keepends=True))
    finally:
        proc.kill()
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    return [line.split() for line in lines if line.endswith("\n")]


@pytest.mark.parametrize("round_", range(4))
def test_killed_writer_keeps_every_acknowledged_mark(demo: VaultUnderTest, round_: int) -> None:
    rng = random.Random(1000 + round_)
    expected = {pair: status for pair, (_, status) in _live_marks(demo.services).items()}
    demo.vault.lock()

    for attempt in range(2):  # kill, reopen, check, and again on the same vault
        seed = rng.randrange(1 << 30)
        records = _run_writer_and_kill(
            demo.folder, demo.passphrase, seed, acks_before_kill=rng.randint(5, 120)
        )
        in_flight = None
        acked_ids: dict[tuple[str, str], str] = {}
        for fields in records:
            if fields[0] == "intent":
                in_flight = (fields[1], fields[2], fields[3])
            else:
                _, attendance_id, session_id, child_id, status = fields
                pair = (session_id, child_id)
                expected[pair] = None if status == "-" else status
                acked_ids[pair] = attendance_id
                in_flight = None
        assert acked_ids, "the writer acknowledged nothing"

        services = services_on_test_day(open_vault(demo.folder, demo.passphrase))
        try:
            found = _live_marks(services)
            for pair, status in expected.items():
                got = found.get(pair, (None, None))[1]
                if in_flight and pair == in_flight[:2]:
                    # Killed after the commit but before the ack: either state is right.
                    allowed = {status, None if in_flight[2] == "-" else in_flight[2]}
                    assert got in allowed, (attempt, pair, got, allowed)
                    expected[pair] = got
                else:
                    assert got == status, (attempt, pair, got, status)
            for pair, attendance_id in acked_ids.items():
                if expected[pair] is not None:
                    assert found[pair][0] == attendance_id
            assert services.verify_audit().ok
            with services.vault.engine.connect() as conn:
                assert conn.execute(text("PRAGMA integrity_check")).scalar() == "ok"
        finally:
            services.vault.lock()
