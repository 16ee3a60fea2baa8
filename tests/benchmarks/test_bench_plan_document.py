"""The plan_document_s benchmark makes the family's copy of a plan with three reviews.

Tests assert, benchmarks measure: nothing here looks at how long anything took.
"""

from __future__ import annotations

from pathlib import Path

from benchmarks.bench_plan_document import measure_plan_document_s
from benchmarks.run import TARGETS

from earlyyears_desktop.services.container import Services
from earlyyears_desktop.services.record_lists import RecordLists

from ..fast_vaults import make_vault


def test_the_measure_makes_a_plan_with_three_reviews_and_its_document(tmp_path: Path) -> None:
    created = make_vault(tmp_path / "vault")
    try:
        services = Services(created.vault)
        details: list[str] = []
        figure = measure_plan_document_s(services, details, repeats=1)
        [plan] = RecordLists(services.uow).plans()
    finally:
        created.vault.lock()
    assert figure > 0
    assert plan.reviews == 3
    assert "3 reviews and the one-page profile, 3 pages" in details[0]
    target = next(t for t in TARGETS if t.key == "plan_document_s")
    assert (target.limit, target.unit) == (1, "s")
