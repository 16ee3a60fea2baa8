"""The home visit's autosave benchmark runs on a tiny vault: each round a real durable save of
the visit started for it, beside its floor, and the figure, its floor and their ratio.

Tests assert, benchmarks measure: nothing here looks at how long anything took.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from benchmarks.bench_visit import measure_visit_save_vs_commit
from benchmarks.run import TARGETS

from earlyyears_desktop.domain.enums import VisitStatus
from earlyyears_desktop.services.children import ChildInput
from earlyyears_desktop.services.clock import Clock
from earlyyears_desktop.services.container import Services
from earlyyears_desktop.storage import engine as storage_engine

from ..fast_vaults import make_vault

TODAY = dt.date(2026, 11, 25)


def test_the_autosave_is_measured_beside_its_floor(tmp_path: Path) -> None:
    created = make_vault(tmp_path / "vault")
    services = Services(created.vault, clock=Clock.fixed(TODAY))
    child = services.children.create_child(ChildInput("Zoë", "Adeyemi", dt.date(2024, 5, 1))).id
    conn = storage_engine.connect(created.vault.paths.database, created.vault._data_key())
    try:
        figures = measure_visit_save_vs_commit(services, conn, [child], saves=6, warm_up=2)
        (visit,) = services.home_visits.for_child(child)
        view = services.home_visits.get(visit.id)
    finally:
        conn.close()
        created.vault.lock()
    assert view.status == VisitStatus.IN_PROGRESS
    assert view.activities.startswith("5: bubbles posting box")  # the last save is kept
    assert view.notes == "Floor round 5" and view.version == 7  # six saves after the start
    assert set(figures) == {"visit_save_p95_ms", "visit_commit_p95_ms", "visit_save_vs_commit_x"}
    assert all(value > 0 for value in figures.values())
    target = next(t for t in TARGETS if t.key == "visit_save_p95_ms")
    assert target.limit == 20 and target.floor is not None
    assert target.floor.key == "visit_commit_p95_ms"
