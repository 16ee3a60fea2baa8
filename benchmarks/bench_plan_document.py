"""The family's copy of a support plan with three reviews, and the one-page profile, as one
PDF in memory (what the app previews before it is printed or saved).

Target (docs/performance.md): <= 1 s.

    measure_plan_document_s(services, details) -> seconds      (what benchmarks/run.py calls)

A child is added to the vault with the records a plan a year old has
(`benchmarks/family_records.py`: three targets, a visit, a plan of three outcomes with three
reviews, each judging every outcome, a specialist and the one-page profile), through the
services on a clock fixed on that module's TODAY. Then `render_plan_documents` runs 1 + 5
times; the first (cold: fonts registered, reportlab imported, if nothing has made a PDF yet)
is logged, the figure is the median of the five after it.

    .venv/bin/python -m benchmarks.bench_plan_document     # on a new empty vault
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make `benchmarks` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.family_records import TODAY, add_family
from earlyyears_desktop.handouts import render_plan_documents
from earlyyears_desktop.services.clock import Clock
from earlyyears_desktop.services.container import Services

REPEATS = 5


def measure_plan_document_s(
    services: Services, details: list[str] | None = None, *, repeats: int = REPEATS
) -> float:
    on_the_day = Services(services.vault, clock=Clock.fixed(TODAY))
    records = add_family(on_the_day, "Zoë", "Adeyemi", carer="Funmi Adeyemi")
    times = []
    pages = 0
    for _ in range(repeats + 1):
        start = time.perf_counter()
        made = render_plan_documents(on_the_day, records.plan_id)
        times.append(time.perf_counter() - start)
        pages = made.pages
    figure = statistics.median(times[1:])
    line = (
        f"Plan document: the family's copy of a plan with 3 reviews and the one-page profile, "
        f"{pages} pages; the first (cold) run took {times[0]:.2f} s, `plan_document_s` is the "
        f"median of the {repeats} after it."
    )
    print(f"  {line}", flush=True)
    if details is not None:
        details += [line, ""]
    return figure


def main() -> int:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
    from fast_vaults import make_vault

    with tempfile.TemporaryDirectory(prefix="bench-plan-") as tmp:
        created = make_vault(Path(tmp) / "vault")
        try:
            print(f"plan_document_s: {measure_plan_document_s(Services(created.vault)):.3f}")
        finally:
            created.vault.lock()
    return 0


if __name__ == "__main__":
    sys.exit(main())
