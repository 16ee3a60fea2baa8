"""The register's and the mark's benchmark floors read and write what they claim to.

Tests assert, benchmarks measure: nothing here looks at how long anything took.
"""

from __future__ import annotations

from benchmarks.bench_register import measure_register_open_vs_query, register_rows_query
from benchmarks.run import FLOOR_TABLE, measure_mark_vs_commit

from earlyyears_desktop.storage import engine as storage_engine

from .conftest import Term


def _raw_connection(term: Term):  # type: ignore[no-untyped-def]
    vault = term.services.vault
    return storage_engine.connect(vault.paths.database, vault._data_key())


def test_the_register_query_reads_the_rows_the_register_shows(term: Term) -> None:
    term.services.attendance.mark(term.today_session, term.child_ids[0], "present")
    register = term.services.attendance.register(term.today_session)
    conn = _raw_connection(term)
    try:
        rows = register_rows_query(conn, term.today_session)
    finally:
        conn.close()
    assert {row[0] for row in rows["children"]} == {card.child_id for card in register.cards}
    assert len(rows["attendance"]) == 1
    assert len(rows["carers"]) == sum(len(card.carers) for card in register.cards)
    assert term.today_session in rows["sessions"][0]
    assert term.group_id in rows["groups"][0]


def test_register_open_and_its_floor_give_the_figure_the_floor_and_the_ratio(
    term: Term, qtbot
) -> None:  # type: ignore[no-untyped-def]
    conn = _raw_connection(term)
    try:
        figures = measure_register_open_vs_query(term.services, conn, term.today_session, pairs=1)
    finally:
        conn.close()
    assert set(figures) == {
        "register_open_ms",
        "register_query_ms",
        "register_open_vs_query_x",
        "register_read_ms",
    }
    assert all(value > 0 for value in figures.values())


def test_the_mark_and_its_floor_are_durable_writes_and_the_floor_leaves_nothing(
    term: Term,
) -> None:
    conn = _raw_connection(term)
    try:
        figures = measure_mark_vs_commit(
            term.services, conn, term.today_session, term.child_ids[:3]
        )
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
    finally:
        conn.close()
    assert set(figures) == {"mark_p95_ms", "mark_commit_p95_ms", "mark_vs_commit_x"}
    assert all(value > 0 for value in figures.values())
    assert FLOOR_TABLE not in tables
    register = term.services.attendance.register(term.today_session)
    assert sum(card.attendance_id is not None for card in register.cards) == 3
