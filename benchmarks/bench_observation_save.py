"""`observation_save_p95_ms`: one durable observation from the register, p95, with its floor.

Called by the `make bench` harness (benchmarks/run.py) on the scale vault:

    measure_observation_save_vs_commit(services, connection, session_id, child_ids)
        -> {"observation_save_p95_ms", "observation_commit_p95_ms",
            "observation_save_vs_commit_x"}

The figure is the call the register makes when a note is saved (ui/register_observations.py):
`ObservationService.add` of the `note_input` the register builds (context "session", the
session's date, the clock's time of day), on the worker it runs on in the app, here called
directly: each one a durable commit (WAL, `synchronous=FULL`) with its full-text index entry,
audit event and change-log entry.

Its floor (`raw_observation_insert`) is the least of that work: the same observation row
inserted by raw SQL in its own durable transaction on a keyed connection to the same vault,
its full-text index entry written by the same triggers; no ORM, no audit, no change log. Save
and floor alternate (save, insert, save, insert, ...); the first rounds are not counted; the
ratio is p95 over p95, as for `mark_p95_ms`. The floor's rows are deleted afterwards.
"""

from __future__ import annotations

import datetime as dt
import math
import time
import uuid
from collections.abc import Sequence
from typing import Any

from earlyyears_desktop.domain.enums import AreaOfNeed
from earlyyears_desktop.services.container import Services
from earlyyears_desktop.ui.register_observations import note_input

#: invented notes, as a group leader writes them during a session
NOTES = (
    "Built a tower of five bricks and knocked it down laughing",
    "Signed 'more' at snack time without a prompt",
    "Joined the parachute game and waited for his turn",
    "Pointed at the bubbles and said 'pop' twice",
    "Stayed at the sensory tray for ten minutes",
    "Waved goodbye to everyone at the end",
)


def raw_observation_insert(
    conn: Any, n: int, child_id: str, session_id: str, author_id: str, on: dt.date
) -> tuple[float, str]:
    """The floor, in seconds, and the id of the row it wrote: one observation inserted by
    raw SQL in its own durable transaction (its full-text entry by the same triggers)."""
    row_id = str(uuid.uuid4())
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    start = time.perf_counter()
    conn.execute("BEGIN IMMEDIATE")
    conn.execute(
        "INSERT INTO observations (id, child_id, context, session_id, observed_on, observed_at,"
        " text, area_of_need, author_id, share_with_parents, version, created_at, updated_at,"
        " changed_by_device) VALUES (?, ?, 'session', ?, ?, ?, ?, '', ?, 0, 1, ?, ?, '')",
        (
            row_id,
            child_id,
            session_id,
            on.isoformat(),
            "10:00:00.000000",
            NOTES[n % len(NOTES)],
            author_id,
            now,
            now,
        ),
    )
    conn.execute("COMMIT")
    return time.perf_counter() - start, row_id


def measure_observation_save_vs_commit(
    services: Services,
    conn: Any,
    session_id: str,
    child_ids: Sequence[str],
    saves: int = 330,
    warm_up: int = 30,
) -> dict[str, float]:
    """`saves` notes saved as the register saves them, each followed by its floor; the
    first `warm_up` of each are not counted. The session must be dated today or earlier."""
    if not child_ids:
        raise ValueError("The session has no children to write notes about.")
    session_date = services.attendance.register(session_id).date
    author = services.uow.actor.practitioner_id
    areas = ["", *(a.value for a in AreaOfNeed)]
    save_times, floor_times, floor_rows = [], [], []
    try:
        for n in range(saves):
            child_id = child_ids[n % len(child_ids)]
            data = note_input(
                services.clock,
                child_id,
                session_id,
                session_date,
                NOTES[n % len(NOTES)],
                n % 3 == 0,
                areas[n % len(areas)],
            )
            start = time.perf_counter()
            saved = services.observations.add(data)
            save_times.append(time.perf_counter() - start)
            assert saved.changes, "every benchmarked note must be a real write"
            spent, row_id = raw_observation_insert(
                conn, n, child_id, session_id, author, session_date
            )
            floor_times.append(spent)
            floor_rows.append(row_id)
    finally:
        conn.execute("BEGIN IMMEDIATE")
        conn.executemany("DELETE FROM observations WHERE id = ?", [(i,) for i in floor_rows])
        conn.execute("COMMIT")
    save, floor = p95(save_times[warm_up:]), p95(floor_times[warm_up:])
    return {
        "observation_save_p95_ms": save * 1000,
        "observation_commit_p95_ms": floor * 1000,
        "observation_save_vs_commit_x": save / floor,
    }


def p95(values: Sequence[float]) -> float:
    """The 95th percentile, as benchmarks/run.py takes it for `mark_p95_ms`."""
    ordered = sorted(values)
    return ordered[math.ceil(0.95 * len(ordered)) - 1]
