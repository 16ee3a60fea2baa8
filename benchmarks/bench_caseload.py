"""The Portage caseload: open the Home visits page on a worker's caseload of 40 families.

Called by the `make bench` harness (benchmarks/run.py) on the working copy of the scale vault:

    measure_caseload_open_vs_query(services, connection)
        -> {"caseload_open_ms", "caseload_query_ms", "caseload_vs_query_x",
            "caseload_read_ms"}

The scale vault has no caseloads. Rather than change its generator (which would rebuild the
whole vault, a long job), `prepare_caseload` puts 40 of its children on the signed-in
practitioner's caseload in the working copy, each with a term of visits (12), weekly or
fortnightly, through one unit of work (each record with its audit event and change-log
entry). The cached vault is not touched.

`caseload_open_ms` is a new `HomeVisitsPage` with the service's read
(`CaseloadService.caseload`, through `read_caseload`) shown, laid out and painted (offscreen),
and the first family's visits read and shown below it. Its floor (`caseload_rows_query`) is
the raw SQL behind the caseload (`CASELOAD_SQL`, the statement the service runs) on an open
SQLCipher connection to the same vault, with no ORM and no widget. Opening and the floor run
interleaved (open, query, open, query, ...); the ratio is the median of the pairs' ratios.
`caseload_read_ms` is the service's read alone: the rest of the opening is the widget.
"""

from __future__ import annotations

import datetime as dt
import os
import statistics
import time
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication
from sqlalchemy import exists, select

from benchmarks.bench_register import interleaved_ms, qt_app
from earlyyears_desktop.domain.enums import VisitRhythm, VisitStatus
from earlyyears_desktop.domain.models import CaseloadEntry, Child, HomeVisit
from earlyyears_desktop.services.caseload import CASELOAD_SQL
from earlyyears_desktop.services.container import Services
from earlyyears_desktop.ui.home_visits_page import HomeVisitsPage, read_caseload
from earlyyears_desktop.ui.operations import OpRunner

FAMILIES = 40
VISITS = 12


def prepare_caseload(
    services: Services, families: int = FAMILIES, visits: int = VISITS
) -> tuple[str, int]:
    """Up to `families` children not on a caseload put on the signed-in practitioner's, each
    with `visits` finished visits at its rhythm, the last a few days either side of a visit
    due; (the practitioner's id, the number of families)."""
    worker = services.actor.practitioner_id
    today = services.clock.today()
    open_entry = exists().where(
        CaseloadEntry.child_id == Child.id, CaseloadEntry.closed_on.is_(None)
    )
    with services.uow.read() as session:
        children = list(
            session.scalars(select(Child.id).where(~open_entry).order_by(Child.id).limit(families))
        )
    with services.uow.write() as tx:
        for n, child_id in enumerate(children):
            rhythm = VisitRhythm.WEEKLY if n % 2 else VisitRhythm.FORTNIGHTLY
            gap = dt.timedelta(days=rhythm.days)
            # The last visit from 2 to 25 days ago: some families overdue, some due this week.
            last = today - dt.timedelta(days=2 + n % 24)
            days = [last - gap * k for k in range(visits)][::-1]
            tx.session.add(
                CaseloadEntry(
                    child_id=child_id,
                    practitioner_id=worker,
                    rhythm=rhythm.value,
                    opened_on=days[0] if days else today,
                )
            )
            for k, day in enumerate(days):
                tx.session.add(
                    HomeVisit(
                        child_id=child_id,
                        practitioner_id=worker,
                        visited_on=day,
                        carers_present="Mum",
                        activities="Bubbles, posting box, action rhymes",
                        family_will_practise="Wait for a look before blowing more bubbles.",
                        next_visit_on=day + gap,
                        how_it_went="A settled visit." if k % 3 else "",
                        status=VisitStatus.FINISHED.value,
                        finished_at=dt.datetime.combine(day, dt.time(11, 0)),
                    )
                )
    return worker, len(children)


def caseload_rows_query(connection: Any, worker_id: str) -> list[Any]:
    """The floor: the caseload's SQL, raw (sqlcipher3, keyed)."""
    return list(connection.execute(CASELOAD_SQL, {"worker": worker_id}).fetchall())


def _open_caseload_ms(
    app: QApplication, services: Services, runner: OpRunner, worker_id: str, families: int
) -> float:
    start = time.perf_counter()
    page = HomeVisitsPage(services, runner)
    page.show_caseload(read_caseload(services, worker_id))
    page.resize(1200, 760)
    page.show()
    app.processEvents()
    runner.wait_for_idle()  # the first family's visits, read on the database thread
    app.processEvents()
    elapsed = (time.perf_counter() - start) * 1000
    if page.model.rowCount() != families or page.visits_model.rowCount() == 0:
        raise RuntimeError("The Home visits page did not show the whole caseload.")
    page.close()
    page.deleteLater()
    app.processEvents()
    return elapsed


def measure_caseload_open_vs_query(
    services: Services,
    connection: Any,
    pairs: int = 7,
    families: int = FAMILIES,
    visits: int = VISITS,
) -> dict[str, float]:
    """Opening the caseload and its floor, interleaved `pairs` times after one warm-up pair,
    on a caseload of `families` families with `visits` visits each (`prepare_caseload`)."""
    worker, shown = prepare_caseload(services, families, visits)
    app = qt_app()
    runner = OpRunner()
    opens: list[float] = []

    def open_caseload() -> None:
        opens.append(_open_caseload_ms(app, services, runner, worker, shown))

    _, queries, reads = interleaved_ms(
        [
            open_caseload,
            lambda: caseload_rows_query(connection, worker),
            lambda: services.caseload.caseload(worker),
        ],
        pairs,
    )
    opens = opens[1:]  # the widget's own clock, without the warm-up round
    return {
        "caseload_open_ms": statistics.median(opens),
        "caseload_query_ms": statistics.median(queries),
        "caseload_read_ms": statistics.median(reads),
        "caseload_vs_query_x": statistics.median(
            a / b for a, b in zip(opens, queries, strict=True)
        ),
    }


if __name__ == "__main__":  # only this benchmark, on a working copy of the scale vault
    import json
    import shutil
    import sys
    import tempfile
    from pathlib import Path

    from benchmarks.scale import PASSPHRASE, SCALE_ROOT, vault_folder
    from earlyyears_desktop.storage import engine as storage_engine
    from earlyyears_desktop.storage.vault import open_vault

    # A scale vault already built (this one's, or another checkout's named on the command
    # line): never built here, which takes a long time.
    source = Path(sys.argv[1]) if len(sys.argv) > 1 else vault_folder()
    if not (source / "vault.db").exists():
        raise SystemExit(f"No scale vault at {source}: build it with `python -m benchmarks.scale`.")
    SCALE_ROOT.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory(dir=SCALE_ROOT) as work:
        folder = Path(work) / "vault"
        shutil.copytree(source, folder)
        vault = open_vault(folder, PASSPHRASE)
        raw = storage_engine.connect(folder / "vault.db", vault._data_key())
        try:
            figures = measure_caseload_open_vs_query(Services(vault), raw)
        finally:
            raw.close()
            vault.lock()
    print(json.dumps(figures, indent=2))
