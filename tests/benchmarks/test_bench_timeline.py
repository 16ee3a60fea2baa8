"""The timeline benchmark's floor reads the rows the timeline's first page shows, and the
measurement gives the figure, its floor and their ratio.

Tests assert, benchmarks measure: nothing here looks at how long anything took.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from benchmarks.bench_timeline import (
    measure_timeline_open_vs_query,
    timeline_rows_query,
)
from benchmarks.run import TARGETS

from earlyyears_desktop.services.children import ChildInput
from earlyyears_desktop.services.clock import Clock
from earlyyears_desktop.services.container import Services
from earlyyears_desktop.services.observations import ObservationInput
from earlyyears_desktop.services.timeline import PAGE_SIZE
from earlyyears_desktop.storage import engine as storage_engine

from ..fast_vaults import make_vault

TODAY = dt.date(2026, 11, 25)


def test_the_floor_reads_the_first_page_and_the_figure_has_its_floor_and_ratio(
    tmp_path: Path, qtbot
) -> None:  # type: ignore[no-untyped-def]
    created = make_vault(tmp_path / "vault")
    services = Services(created.vault, clock=Clock.fixed(TODAY))
    child = services.children.create_child(ChildInput("Zoë", "Adeyemi", dt.date(2023, 5, 1))).id
    services.observations.add(ObservationInput(child, "Said 'more'.", TODAY))
    conn = storage_engine.connect(created.vault.paths.database, created.vault._data_key())
    try:
        # The child with the most observations is the one measured: topped up to 70 here.
        details: list[str] = []
        figures = measure_timeline_open_vs_query(services, conn, details, pairs=1, observations=70)
        assert len(services.observations.for_child(child, limit=100)) == 70
        page = services.timeline.page(child, limit=PAGE_SIZE + 1)
        rows = timeline_rows_query(conn, child)
    finally:
        conn.close()
        created.vault.lock()
    # Every event's first page is read: the page's entries are among the floor's rows, and the
    # floor reads no more than one page and one row of each.
    read = {row[0] for table in rows for row in table}
    assert {e.record_id for e in page.entries} <= read
    assert all(len(table) <= PAGE_SIZE + 1 for table in rows)
    assert {e.event for e in page.entries} >= {"observation", "strategy_agreed", "home_visit"}
    assert set(figures) == {
        "timeline_ms",
        "timeline_query_ms",
        "timeline_vs_query_x",
        "timeline_read_ms",
    }
    assert all(value > 0 for value in figures.values())
    assert any("observations" in line for line in details)
    target = next(t for t in TARGETS if t.key == "timeline_ms")
    assert target.limit == 100 and target.floor is not None
    assert target.floor.key == "timeline_query_ms"
