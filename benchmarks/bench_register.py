"""Register benchmarks: opening a session's register, and one durable mark.

Called by the `make bench` harness (benchmarks/run.py) on the scale vault:

    measure_register_open_ms(services, session_id) -> float
    measure_register_open_vs_query(services, connection, session_id)
        -> {"register_open_ms", "register_query_ms", "register_open_vs_query_x",
            "register_read_ms"}
    measure_mark_p95_ms(services, session_id, child_ids) -> float

Both drive the register's own code: the service read plus building the card widgets, and a
mark made through `RegisterView.mark_child` -> OpRunner worker -> durable commit -> "Saved ✓"
back on the GUI thread. The session must be markable (dated today or earlier, not cancelled).

The register's floor (`register_rows_query`) is the raw SQL that reads the rows the register
shows (the session, its group, the children enrolled with their enrolments, the session's
marks, the children's carers) on an open SQLCipher connection to the same vault, with no ORM
and no widget. Opening and the floor run interleaved (open, query, open, query, ...); the
ratio is the median of the pairs' ratios.
"""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable, Sequence
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QApplication

from earlyyears_desktop.services.container import Services
from earlyyears_desktop.ui.operations import OpRunner
from earlyyears_desktop.ui.register import RegisterView


def qt_app() -> QApplication:
    app = QApplication.instance()
    return app if isinstance(app, QApplication) else QApplication([])


def interleaved_ms(steps: Sequence[Callable[[], object]], pairs: int) -> list[list[float]]:
    """Each step timed in turn (A B C A B C ...), `pairs` rounds after one warm-up round that
    is not counted: one list of milliseconds per step."""
    times: list[list[float]] = [[] for _ in steps]
    for _ in range(pairs + 1):
        for step, taken in zip(steps, times, strict=True):
            start = time.perf_counter()
            step()
            taken.append((time.perf_counter() - start) * 1000)
    return [taken[1:] for taken in times]


def measure_register_open_ms(services: Services, session_id: str, repeats: int = 5) -> float:
    """Median time to read a register and build its widget, in milliseconds."""
    app = qt_app()
    runner = OpRunner()
    # the first run warms caches; it is not counted
    times = [_open_register_ms(app, services, runner, session_id) for _ in range(repeats + 1)]
    return statistics.median(times[1:])


def _open_register_ms(
    app: QApplication, services: Services, runner: OpRunner, session_id: str
) -> float:
    start = time.perf_counter()
    view = RegisterView(services, runner, session_id, load=False)
    view.show_register(services.attendance.register(session_id), [])
    view.resize(1366, 700)
    view.show()
    app.processEvents()
    elapsed = (time.perf_counter() - start) * 1000
    view.close()
    view.deleteLater()
    app.processEvents()
    return elapsed


def register_rows_query(connection: Any, session_id: str) -> dict[str, list[Any]]:
    """The register's floor: the raw SQL reading the rows a register shows, by table.

    `connection` is a DB-API connection to the vault (sqlcipher3, keyed). The same filters as
    the attendance service: live rows, enrolment started by the session's date and not ended
    more than 28 days before it.
    """
    session = connection.execute(
        "SELECT * FROM sessions WHERE id = ? AND deleted_at IS NULL", (session_id,)
    ).fetchone()
    columns = [c[0] for c in connection.execute("SELECT * FROM sessions LIMIT 0").description]
    if session is None:
        raise ValueError("The register's session was not found by the raw query.")
    row = dict(zip(columns, session, strict=True))
    group = connection.execute(
        "SELECT * FROM groups WHERE id = ? AND deleted_at IS NULL", (row["group_id"],)
    ).fetchone()
    enrolled = connection.execute(
        "SELECT c.id, c.*, e.ends_on FROM children c JOIN enrolments e ON e.child_id = c.id "
        "WHERE e.group_id = ? AND e.deleted_at IS NULL AND e.starts_on <= ? "
        "AND c.deleted_at IS NULL AND (e.ends_on IS NULL OR e.ends_on >= date(?, '-28 days'))",
        (row["group_id"], row["date"], row["date"]),
    ).fetchall()
    marks = connection.execute(
        "SELECT * FROM attendance WHERE session_id = ? AND deleted_at IS NULL", (session_id,)
    ).fetchall()
    children = sorted({r[0] for r in enrolled})
    carers = connection.execute(
        f"SELECT * FROM carers WHERE child_id IN ({', '.join('?' * len(children))}) "
        "AND deleted_at IS NULL ORDER BY is_main_contact DESC, created_at",
        children,
    ).fetchall()
    return {
        "sessions": [session],
        "groups": [group],
        "children": enrolled,
        "attendance": marks,
        "carers": carers,
    }


def measure_register_open_vs_query(
    services: Services, connection: Any, session_id: str, pairs: int = 5
) -> dict[str, float]:
    """Opening the register and its floor, interleaved `pairs` times after one warm-up pair.

    `register_open_ms` and `register_query_ms` are the medians of each side (milliseconds),
    `register_open_vs_query_x` the median of the pairs' ratios. `register_read_ms` (the
    service's read alone, `AttendanceService.register`, taken after each query) says how much
    of the opening is the read and how much the widgets.
    """
    app = qt_app()
    runner = OpRunner()
    opens: list[float] = []

    def open_register() -> None:
        opens.append(_open_register_ms(app, services, runner, session_id))

    _, queries, reads = interleaved_ms(
        [
            open_register,
            lambda: register_rows_query(connection, session_id),
            lambda: services.attendance.register(session_id),
        ],
        pairs,
    )
    opens = opens[1:]  # the widget's own clock, without the warm-up round
    return {
        "register_open_ms": statistics.median(opens),
        "register_query_ms": statistics.median(queries),
        "register_read_ms": statistics.median(reads),
        "register_open_vs_query_x": statistics.median(
            a / b for a, b in zip(opens, queries, strict=True)
        ),
    }


def measure_mark_p95_ms(
    services: Services, session_id: str, child_ids: Sequence[str], marks: int = 200
) -> float:
    """95th percentile of tap-to-"Saved ✓" over `marks` marks, in milliseconds.

    Marks alternate between present and late so every one is a real, durable write.
    """
    app = qt_app()
    runner = OpRunner()
    view = RegisterView(services, runner, session_id, load=False)
    view.show_register(services.attendance.register(session_id), [])
    on_register = [c for c in child_ids if c in view.states] or list(view.states)
    if not on_register:
        raise ValueError("The session has no children to mark.")
    loop = QEventLoop()
    view.mark_saved.connect(lambda _child: loop.quit())
    errors: list[str] = []
    view.failed.connect(lambda message: (errors.append(message), loop.quit()))
    guard = QTimer(singleShot=True, interval=10_000)
    guard.timeout.connect(loop.quit)
    times = []
    for n in range(marks):
        child_id = on_register[n % len(on_register)]
        current = view.states[child_id].mark.status
        status = "late" if current == "present" else "present"
        start = time.perf_counter()
        view.mark_child(child_id, status)
        guard.start()
        loop.exec()
        times.append((time.perf_counter() - start) * 1000)
        if errors:
            raise RuntimeError(errors[0])
    guard.stop()
    runner.wait_for_idle()
    view.deleteLater()
    app.processEvents()
    return statistics.quantiles(times, n=20)[-1]


if __name__ == "__main__":  # a quick run on a demo vault
    import datetime as dt
    import tempfile
    from pathlib import Path

    from earlyyears_desktop.demo import create_demo_vault
    from earlyyears_desktop.storage.keyslots import KdfParams

    today = dt.date(2026, 11, 25)
    folder = Path(tempfile.mkdtemp()) / "vault"
    demo = create_demo_vault(
        folder, "benchmark passphrase 1", params=KdfParams.for_tests(), today=today
    )
    services = Services(demo.vault, today=lambda: today)
    session = services.groups.sessions(on=today)[0]
    register = services.attendance.register(session.id)
    ids = [c.child_id for c in register.cards]
    print(f"register open: {measure_register_open_ms(services, session.id):.1f} ms")
    print(f"mark p95: {measure_mark_p95_ms(services, session.id, ids):.1f} ms")
    demo.vault.lock()
