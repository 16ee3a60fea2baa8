"""Register benchmarks: opening a session's register, and one durable mark.

Called by the `make bench` harness (benchmarks/run.py) on the scale vault:

    measure_register_open_ms(services, session_id) -> float
    measure_mark_p95_ms(services, session_id, child_ids) -> float

Both drive the register's own code: the service read plus building the card widgets, and a
mark made through `RegisterView.mark_child` -> OpRunner worker -> durable commit -> "Saved ✓"
back on the GUI thread. The session must be markable (dated today or earlier, not cancelled).
"""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Sequence

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QApplication

from earlyyears_desktop.services.container import Services
from earlyyears_desktop.ui.operations import OpRunner
from earlyyears_desktop.ui.register import RegisterView


def _app() -> QApplication:
    app = QApplication.instance()
    return app if isinstance(app, QApplication) else QApplication([])


def measure_register_open_ms(services: Services, session_id: str, repeats: int = 5) -> float:
    """Median time to read a register and build its widget, in milliseconds."""
    app = _app()
    runner = OpRunner()
    times = []
    for _ in range(repeats + 1):  # the first run warms caches; it is not counted
        start = time.perf_counter()
        view = RegisterView(services, runner, session_id, load=False)
        view.show_register(services.attendance.register(session_id), [])
        view.resize(1366, 700)
        view.show()
        app.processEvents()
        times.append((time.perf_counter() - start) * 1000)
        view.close()
        view.deleteLater()
        app.processEvents()
    return statistics.median(times[1:])


def measure_mark_p95_ms(
    services: Services, session_id: str, child_ids: Sequence[str], marks: int = 200
) -> float:
    """95th percentile of tap-to-"Saved ✓" over `marks` marks, in milliseconds.

    Marks alternate between present and late so every one is a real, durable write.
    """
    app = _app()
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
