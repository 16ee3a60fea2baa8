"""The audit log's first page, and what recording an opening costs opening a child's record.

Called by the `make bench` harness (benchmarks/run.py) on the working copy of the scale vault
(about 312,000 audit events):

    measure_audit_view_vs_floor(services, connection, details)
        -> {"audit_view_ms", "audit_view_floor_ms", "audit_view_vs_floor_x",
            "audit_view_child_ms", "child_open_ms", "child_open_logged_ms",
            "view_logging_ms"}

No target is set for these (issue 14 gives none): they are recorded with their floor.

`audit_view_ms` is `AuditViews.page(AuditQuery())`, the viewer's first page: the newest 200
events with each practitioner's and each child's name looked up (through the registry's child
links) and put in words. Its floor (`audit_view_floor_ms`) is the raw SQL reading the same 200
events by `seq` on an open SQLCipher connection, with no ORM and no names. The two run
interleaved; the ratio is the median of the pairs' ratios. `audit_view_child_ms` is the first
page filtered by one child (the index on `record_id`, revision 0010).

`child_open_logged_ms` is `ChildrenService.open_record` (the record read, then the opening
recorded: one short durable transaction) and `child_open_ms` is `get_child` alone, interleaved
on the same child; `view_logging_ms` is the difference of their medians: what recording an
opening adds to opening a record.
"""

from __future__ import annotations

import statistics
from typing import Any

from sqlalchemy import select

from benchmarks.bench_register import interleaved_ms
from earlyyears_desktop.domain.models import Observation
from earlyyears_desktop.services.audit_views import PAGE_SIZE, AuditQuery
from earlyyears_desktop.services.container import Services

PAIRS = 7
FLOOR_SQL = f"SELECT * FROM audit_events ORDER BY seq DESC LIMIT {PAGE_SIZE}"


def measure_audit_view_vs_floor(
    services: Services, connection: Any, details: list[str]
) -> dict[str, float]:
    views = services.audit_views
    with services.uow.read() as session:
        child_id = session.scalar(select(Observation.child_id).limit(1))
    assert child_id is not None

    def floor() -> None:
        rows = connection.execute(FLOOR_SQL).fetchall()
        assert len(rows) == PAGE_SIZE

    page, raw = interleaved_ms([lambda: views.page(AuditQuery()), floor], PAIRS)
    (by_child,) = interleaved_ms([lambda: views.page(AuditQuery(child_id=child_id))], PAIRS)
    plain, logged = interleaved_ms(
        [
            lambda: services.children.get_child(child_id),
            lambda: services.children.open_record(child_id),
        ],
        PAIRS * 3,
    )
    results = {
        "audit_view_ms": statistics.median(page),
        "audit_view_floor_ms": statistics.median(raw),
        "audit_view_vs_floor_x": statistics.median(p / f for p, f in zip(page, raw, strict=True)),
        "audit_view_child_ms": statistics.median(by_child),
        "child_open_ms": statistics.median(plain),
        "child_open_logged_ms": statistics.median(logged),
    }
    results["view_logging_ms"] = results["child_open_logged_ms"] - results["child_open_ms"]
    details.extend(
        [
            "The audit log (no target; issue 14):",
            "",
            f"- first page of 200 events, names looked up: {results['audit_view_ms']:.1f} ms "
            f"against {results['audit_view_floor_ms']:.1f} ms for the same 200 rows by raw SQL "
            f"({results['audit_view_vs_floor_x']:.1f} x); filtered by one child "
            f"{results['audit_view_child_ms']:.1f} ms.",
            f"- a child's record read {results['child_open_ms']:.1f} ms; read and the opening "
            f"recorded {results['child_open_logged_ms']:.1f} ms (recording adds "
            f"{results['view_logging_ms']:.1f} ms: one durable transaction).",
            "",
        ]
    )
    return results
