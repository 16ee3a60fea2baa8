"""The note-from-the-register benchmark saves real observations and its floor leaves nothing.

Tests assert, benchmarks measure: nothing here looks at how long anything took.
"""

from __future__ import annotations

from benchmarks.bench_observation_save import NOTES, measure_observation_save_vs_commit
from sqlalchemy import func, select

from earlyyears_desktop.domain.models import AuditEvent
from earlyyears_desktop.storage import engine as storage_engine

from .conftest import TODAY, Term


def test_the_notes_are_the_registers_durable_saves_and_the_floor_leaves_nothing(
    term: Term,
) -> None:
    vault = term.services.vault
    conn = storage_engine.connect(vault.paths.database, vault._data_key())
    try:
        figures = measure_observation_save_vs_commit(
            term.services, conn, term.today_session, term.child_ids[:2], saves=4, warm_up=1
        )
        raw_rows = conn.execute("SELECT count(*) FROM observations").fetchone()[0]
    finally:
        conn.close()
    assert set(figures) == {
        "observation_save_p95_ms",
        "observation_commit_p95_ms",
        "observation_save_vs_commit_x",
    }
    assert all(value > 0 for value in figures.values())
    assert raw_rows == 4  # the floor's four rows were deleted again

    notes = term.services.observations.for_session(term.today_session)
    assert {child: len(rows) for child, rows in notes.items()} == {
        term.child_ids[0]: 2,
        term.child_ids[1]: 2,
    }
    assert all(r.context == "session" and r.observed_on == TODAY for v in notes.values() for r in v)
    # The floor's full-text entries went with its rows: a search finds the four saves only.
    assert "tower" in NOTES[0]
    assert len(term.services.observations.search("tower")) == 1
    with term.services.uow.read() as db:
        audited = db.scalar(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.entity == "observation")
        )
    assert audited == 4
