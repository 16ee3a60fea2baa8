"""The child's timeline: open it for a child with 2,000 observations, first screen shown.

Called by the `make bench` harness (benchmarks/run.py) on the working copy of the scale vault:

    measure_timeline_open_vs_query(services, connection, details)
        -> {"timeline_ms", "timeline_query_ms", "timeline_vs_query_x", "timeline_read_ms"}

The scale vault gives each child about 100 observations, none 2,000. Rather than change the
generator (which would rebuild the whole vault, a long job), `prepare_child` tops up the child
with the most observations to 2,000 in the working copy, through one unit of work (each with
its audit event, change-log entry and full-text index entry, as the generator writes them),
and agrees a strategy, records a home visit and starts a support plan for the child through
the services, so that every kind of the timeline is there. The cached vault is not touched.

`timeline_ms` is the service's first page (`TimelineService.page`) and a new `TimelineView`
showing it (offscreen), laid out and painted once. Its floor (`timeline_rows_query`) is the
raw SQL reading the same first page, one statement per event, on an open SQLCipher connection
to the same vault, with no ORM, no merge and no widget. Opening and the floor run interleaved
(open, query, open, query, ...); the ratio is the median of the pairs' ratios.
`timeline_read_ms` is the service's read alone: the rest of the opening is the widget.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import statistics
import time
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication
from sqlalchemy import func, select

from benchmarks.bench_register import interleaved_ms, qt_app
from earlyyears_desktop.domain.enums import AreaOfNeed, ObservationContext
from earlyyears_desktop.domain.models import Observation
from earlyyears_desktop.services.container import Services
from earlyyears_desktop.services.strategies import StrategyInput
from earlyyears_desktop.services.support_views import OutcomeInput, PlanInput
from earlyyears_desktop.services.timeline import PAGE_SIZE
from earlyyears_desktop.ui.child_timeline import TimelineView
from earlyyears_desktop.ui.operations import OpRunner

OBSERVATIONS = 2_000

#: the first page of each event, as the service reads it: live rows, newest first, one more
#: than a page (which tells whether another page follows)
FIRST_PAGE_SQL = (
    "SELECT a.id, s.date, s.start_time, g.name, s.theme, a.status, a.came_with, "
    "substr(a.note, 1, 400) FROM attendance a JOIN sessions s ON s.id = a.session_id "
    "JOIN groups g ON g.id = s.group_id WHERE a.child_id = :child AND a.deleted_at IS NULL "
    "AND s.deleted_at IS NULL AND g.deleted_at IS NULL "
    "ORDER BY s.date DESC, s.start_time DESC, a.id DESC LIMIT :n",
    "SELECT id, observed_on, observed_at, substr(text, 1, 400), context, area_of_need, "
    "share_with_parents FROM observations WHERE child_id = :child AND deleted_at IS NULL "
    "ORDER BY observed_on DESC, observed_at DESC, id DESC LIMIT :n",
    "SELECT c.id, c.assigned_on, c.stopped_on, coalesce(s.title, c.title), c.agreed_with, "
    "substr(c.stop_reason, 1, 400) FROM child_strategies c LEFT JOIN strategies s "
    "ON s.id = c.strategy_id AND s.deleted_at IS NULL "
    "WHERE c.child_id = :child AND c.deleted_at IS NULL "
    "ORDER BY c.assigned_on DESC, c.id DESC LIMIT :n",
    "SELECT c.id, c.assigned_on, c.stopped_on, coalesce(s.title, c.title), c.agreed_with, "
    "substr(c.stop_reason, 1, 400) FROM child_strategies c LEFT JOIN strategies s "
    "ON s.id = c.strategy_id AND s.deleted_at IS NULL "
    "WHERE c.child_id = :child AND c.stopped_on IS NOT NULL AND c.deleted_at IS NULL "
    "ORDER BY c.stopped_on DESC, c.id DESC LIMIT :n",
    "SELECT id, visited_on, carers_present, substr(activities, 1, 400) FROM home_visits "
    "WHERE child_id = :child AND deleted_at IS NULL ORDER BY visited_on DESC, id DESC LIMIT :n",
    "SELECT id, started_on, title, substr(interventions, 1, 400) FROM support_plans "
    "WHERE child_id = :child AND deleted_at IS NULL ORDER BY started_on DESC, id DESC LIMIT :n",
    "SELECT r.id, r.reviewed_on, p.title, substr(r.progress, 1, 400) FROM plan_reviews r "
    "JOIN support_plans p ON p.id = r.plan_id WHERE p.child_id = :child "
    "AND r.deleted_at IS NULL AND p.deleted_at IS NULL "
    "ORDER BY r.reviewed_on DESC, r.id DESC LIMIT :n",
)


def prepare_child(services: Services, observations: int = OBSERVATIONS, seed: int = 11) -> str:
    """The child with the most observations, topped up to `observations`, with a strategy,
    a home visit and a support plan; its id."""
    rng = random.Random(seed)
    with services.uow.read() as session:
        child_id, count = session.execute(
            select(Observation.child_id, func.count())
            .group_by(Observation.child_id)
            .order_by(func.count().desc(), Observation.child_id)
            .limit(1)
        ).one()
    today = services.clock.today()
    areas = [a.value for a in AreaOfNeed]
    contexts = [c.value for c in ObservationContext]
    if count < observations:
        with services.uow.write() as tx:
            tx.session.add_all(
                Observation(
                    child_id=child_id,
                    observed_on=today - dt.timedelta(days=rng.randint(0, 730)),
                    observed_at=dt.time(rng.randint(9, 15), rng.choice((0, 15, 30, 45)))
                    if rng.random() < 0.6
                    else None,
                    text=f"Pointed to the {rng.choice(('drum', 'bubbles', 'slide'))} and said "
                    f"'{rng.choice(('more', 'go', 'again'))}' with a little help.",
                    context=rng.choice(contexts),
                    area_of_need=rng.choice(areas),
                    author_id=services.actor.practitioner_id,
                    share_with_parents=rng.random() < 0.5,
                )
                for _ in range(observations - count)
            )
    support = services.support
    strategy = services.strategies.add(
        StrategyInput("Now and next board (timeline benchmark)", areas[0])
    ).id
    services.child_strategies.agree(
        child_id, strategy, agreed_with="Mum", agreed_on=today - dt.timedelta(days=30)
    )
    services.home_visits.record(
        child_id,
        today - dt.timedelta(days=3),
        carers_present="Mum",
        activities="Posting shapes, turn-taking with the drum",
        family_will_practise="Posting at bath time",
    )
    support.add_plan(
        PlanInput(
            child_id,
            started_on=today - dt.timedelta(days=60),
            review_on=today + dt.timedelta(days=30),
            outcomes=[
                OutcomeInput(
                    "Uses 20 single words",
                    areas[0],
                    support="Small group language sessions twice a week",
                    expected_impact="Asks for more with a word or a sign",
                )
            ],
            interventions="Small group language sessions twice a week",
        )
    )
    return str(child_id)


def timeline_rows_query(connection: Any, child_id: str) -> list[list[Any]]:
    """The floor: the raw SQL reading the first page of each event (sqlcipher3, keyed)."""
    params = {"child": child_id, "n": PAGE_SIZE + 1}
    return [connection.execute(sql, params).fetchall() for sql in FIRST_PAGE_SQL]


def _open_timeline_ms(
    app: QApplication, services: Services, runner: OpRunner, child_id: str
) -> float:
    start = time.perf_counter()
    view = TimelineView(services, runner)
    view.show_child(child_id, services.timeline.page(child_id))
    view.resize(900, 420)
    view.show()
    app.processEvents()
    elapsed = (time.perf_counter() - start) * 1000
    if view.model.rowCount() != PAGE_SIZE:
        raise RuntimeError("The timeline did not show a full first page.")
    view.close()
    view.deleteLater()
    app.processEvents()
    return elapsed


def query_plan(connection: Any, child_id: str) -> list[str]:
    """How SQLite reads the child's observations for the first page (for the report)."""
    rows = connection.execute(
        "EXPLAIN QUERY PLAN " + FIRST_PAGE_SQL[1], {"child": child_id, "n": PAGE_SIZE + 1}
    ).fetchall()
    return [str(row[-1]) for row in rows]


def measure_timeline_open_vs_query(
    services: Services,
    connection: Any,
    details: list[str] | None = None,
    pairs: int = 7,
    observations: int = OBSERVATIONS,
) -> dict[str, float]:
    """Opening the timeline and its floor, interleaved `pairs` times after one warm-up pair,
    for a child with `observations` observations (`prepare_child`)."""
    child_id = prepare_child(services, observations)
    app = qt_app()
    runner = OpRunner()
    opens: list[float] = []

    def open_timeline() -> None:
        opens.append(_open_timeline_ms(app, services, runner, child_id))

    _, queries, reads = interleaved_ms(
        [
            open_timeline,
            lambda: timeline_rows_query(connection, child_id),
            lambda: services.timeline.page(child_id),
        ],
        pairs,
    )
    runner.wait_for_idle()
    opens = opens[1:]  # the widget's own clock, without the warm-up round
    if details is not None:
        details.extend(
            [
                f"Timeline: how SQLite reads the first page of a child's {observations:,} "
                "observations:",
                "",
                *(f"    {line}" for line in query_plan(connection, child_id)),
                "",
            ]
        )
    return {
        "timeline_ms": statistics.median(opens),
        "timeline_query_ms": statistics.median(queries),
        "timeline_read_ms": statistics.median(reads),
        "timeline_vs_query_x": statistics.median(
            a / b for a, b in zip(opens, queries, strict=True)
        ),
    }


if __name__ == "__main__":  # only this benchmark, on a working copy of the scale vault
    import json
    import shutil
    import tempfile
    from pathlib import Path

    from benchmarks.scale import SCALE_ROOT, scale_vault
    from earlyyears_desktop.storage import engine as storage_engine
    from earlyyears_desktop.storage.vault import open_vault

    scale = scale_vault()
    with tempfile.TemporaryDirectory(dir=SCALE_ROOT) as work:
        folder = Path(work) / "vault"
        shutil.copytree(scale.folder, folder)
        vault = open_vault(folder, scale.passphrase)
        raw = storage_engine.connect(folder / "vault.db", vault._data_key())
        lines: list[str] = []
        try:
            figures = measure_timeline_open_vs_query(Services(vault), raw, lines)
        finally:
            raw.close()
            vault.lock()
    print("\n".join(lines))
    print(json.dumps(figures, indent=2))
