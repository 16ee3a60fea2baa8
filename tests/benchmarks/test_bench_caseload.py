"""The caseload benchmark puts families on the worker's caseload, its floor reads the rows the
page shows, and the measurement gives the figure, its floor and their ratio.

Tests assert, benchmarks measure: nothing here looks at how long anything took.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from benchmarks.bench_caseload import caseload_rows_query, measure_caseload_open_vs_query
from benchmarks.run import TARGETS

from earlyyears_desktop.services.children import ChildInput
from earlyyears_desktop.services.clock import Clock
from earlyyears_desktop.services.container import Services
from earlyyears_desktop.storage import engine as storage_engine

from ..fast_vaults import make_vault

TODAY = dt.date(2026, 11, 25)


def test_the_floor_reads_the_caseload_and_the_figure_has_its_floor_and_ratio(
    tmp_path: Path, qtbot
) -> None:  # type: ignore[no-untyped-def]
    created = make_vault(tmp_path / "vault")
    services = Services(created.vault, clock=Clock.fixed(TODAY))
    for given in ("Zoë", "Kofi", "Hana"):
        services.children.create_child(ChildInput(given, "Adeyemi", dt.date(2023, 5, 1)))
    conn = storage_engine.connect(created.vault.paths.database, created.vault._data_key())
    try:
        figures = measure_caseload_open_vs_query(services, conn, pairs=1, families=2, visits=3)
        worker = services.actor.practitioner_id
        rows = services.caseload.caseload(worker)
        floor = caseload_rows_query(conn, worker)
    finally:
        conn.close()
        created.vault.lock()
    # Two of the three children are on the caseload, each with three visits; the floor reads
    # the same families.
    assert len(rows) == 2 and all(r.last_visit_on is not None for r in rows)
    assert {row[1] for row in floor} == {r.child_id for r in rows}
    assert set(figures) == {
        "caseload_open_ms",
        "caseload_query_ms",
        "caseload_vs_query_x",
        "caseload_read_ms",
    }
    assert all(value > 0 for value in figures.values())
    target = next(t for t in TARGETS if t.key == "caseload_open_ms")
    assert target.limit == 100 and target.floor is not None
    assert target.floor.key == "caseload_query_ms"
