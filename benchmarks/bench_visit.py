"""`visit_save_p95_ms`: the autosave of one field of a home visit in progress, p95, with its
floor.

Called by the `make bench` harness (benchmarks/run.py) on the working copy of the scale vault:

    measure_visit_save_vs_commit(services, connection, child_ids)
        -> {"visit_save_p95_ms", "visit_commit_p95_ms", "visit_save_vs_commit_x"}

The figure is the call the visit editor makes a moment after the typing stops
(ui/visit_editor.py): `HomeVisitService.save(visit_id, activities=...)` with the words as they
now stand (one more each time, as typing adds them), called directly on the worker's behalf:
each a durable commit (WAL, `synchronous=FULL`) with the visit's version stamped, its audit
event and change-log entry. The visit is started for one of the children once, through the
service, before the rounds.

Its floor (`raw_visit_update`) is the least of that work: the same visit's row updated by raw
SQL in its own durable transaction on a keyed connection to the same vault (another column,
so the service's next save still changes its own); no ORM, no read of the row first, no audit,
no change log. Save and floor alternate (save, update, save, update, ...); the first rounds are
not counted; the ratio is p95 over p95, as for `observation_save_p95_ms`, whose `p95` this
module uses.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

from benchmarks.bench_observation_save import p95
from earlyyears_desktop.services.container import Services

#: invented words, as a Portage worker types "what we did" during a visit
WORDS = (
    "bubbles",
    "posting",
    "box",
    "action",
    "rhymes",
    "stacking",
    "cups",
    "peekaboo",
    "with",
    "scarf",
)


def raw_visit_update(conn: Any, visit_id: str, n: int) -> float:
    """The floor, in seconds: the visit's row updated by raw SQL in its own durable
    transaction."""
    start = time.perf_counter()
    conn.execute("BEGIN IMMEDIATE")
    conn.execute("UPDATE home_visits SET notes = ? WHERE id = ?", (f"Floor round {n}", visit_id))
    conn.execute("COMMIT")
    return time.perf_counter() - start


def measure_visit_save_vs_commit(
    services: Services,
    conn: Any,
    child_ids: Sequence[str],
    saves: int = 330,
    warm_up: int = 30,
) -> dict[str, float]:
    """`saves` autosaves of a visit's "what we did", each followed by its floor; the first
    `warm_up` of each are not counted."""
    if not child_ids:
        raise ValueError("There is no child to visit.")
    visit_id = services.home_visits.start(child_ids[0]).id
    save_times, floor_times = [], []
    for n in range(saves):
        words = " ".join(WORDS[i % len(WORDS)] for i in range(n + 1))
        start = time.perf_counter()
        saved = services.home_visits.save(visit_id, activities=f"{n}: {words}")
        save_times.append(time.perf_counter() - start)
        assert saved.changes, "every benchmarked autosave must be a real write"
        floor_times.append(raw_visit_update(conn, visit_id, n))
    save, floor = p95(save_times[warm_up:]), p95(floor_times[warm_up:])
    return {
        "visit_save_p95_ms": save * 1000,
        "visit_commit_p95_ms": floor * 1000,
        "visit_save_vs_commit_x": save / floor,
    }
