"""Start-up as whole processes: `earlyyears info`, and the app's launch to its unlock window.

    make_demo_vault(work_dir) -> DemoVault      (`earlyyears demo`, calibrated Argon2id)
    measure_cli_info(demo) -> {"cli_info_s", "cli_info_floor_s", "cli_info_vs_floor_x"}
    measure_launch(demo, work_dir) -> {"launch_to_unlock_s", "bare_qt_s", "launch_vs_bare_qt_x"}

Each figure is a whole process, from spawning it to its end (`earlyyears info`) or to its first
window being exposed (the app), on the demo vault made by `earlyyears demo` with the Argon2id
cost calibrated on this machine. One warm-up pair, then five pairs interleaved (measured,
floor, measured, floor, ...); a figure is the median of its five, a ratio the median of the
five pairs' ratios.

The floors are processes too:

- `cli_floor_process`: imports SQLAlchemy (with its ORM), sqlcipher3 and cryptography's AEAD
  and derives one Argon2id key at the cost recorded in the vault's first passphrase key slot:
  what any command that opens the vault cannot avoid.
- `bare_qt_process`: imports PySide6's widgets and shows a bare window.

How the app's unlock window is seen without a switch in the product: the driver
(`LAUNCH_DRIVER`, run as `python -c`) imports the app's entry point, creates the
QApplication the entry then reuses, installs an event filter on it, and calls the entry with
`--vault DIR`. The filter prints one line at the first `Expose` event of a `QWindow` and ends
the process. The bare window's driver uses the same filter. The platform is Qt's offscreen
one (no display is needed; it exposes a window when it is shown).

    .venv/bin/python -m benchmarks.bench_start          # on a demo vault in /tmp
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO

#: measured pairs, after one warm-up pair
PAIRS = 5
TIMEOUT_SECONDS = 120
DEMO_PASSPHRASE = "benchmark demo passphrase, fictional data"

#: `earlyyears` as its console script runs it
CLI = "import sys; from earlyyears_desktop.cli.main import main; sys.exit(main())"

CLI_FLOOR = """\
import sys
import sqlalchemy.orm
import sqlcipher3
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id
memory_kib, iterations, lanes = (int(a) for a in sys.argv[1:4])
Argon2id(
    salt=bytes(16), length=32, iterations=iterations, lanes=lanes, memory_cost=memory_kib
).derive(b"benchmark passphrase")
"""

_FIRST_EXPOSE = """\
import os
import sys
from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QWindow
from PySide6.QtWidgets import QApplication


class FirstExpose(QObject):
    def eventFilter(self, watched, event):
        if (
            event.type() == QEvent.Type.Expose
            and isinstance(watched, QWindow)
            and watched.isExposed()
        ):
            print("exposed:", watched.title(), flush=True)
            os._exit(0)
        return False


app = QApplication(sys.argv[:1])
first_expose = FirstExpose()
app.installEventFilter(first_expose)
"""

LAUNCH_DRIVER = (
    _FIRST_EXPOSE
    + """\
from earlyyears_desktop.ui.app import main

sys.exit(main(["--vault", sys.argv[1]]))
"""
)

BARE_QT_DRIVER = (
    _FIRST_EXPOSE
    + """\
from PySide6.QtWidgets import QWidget

window = QWidget()
window.setWindowTitle("bare")
window.show()
sys.exit(app.exec())
"""
)


@dataclass(frozen=True)
class DemoVault:
    folder: Path
    passphrase_file: Path
    #: Argon2id cost of its first passphrase slot: memory KiB, iterations, lanes
    kdf: tuple[int, int, int]


def log(message: str) -> None:
    print(message, flush=True)


def _environment(work_dir: Path) -> dict[str, str]:
    """The caller's environment, offscreen Qt, and app-data folders inside `work_dir`."""
    env = dict(os.environ)
    env["QT_QPA_PLATFORM"] = "offscreen"
    for name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
        env[name] = str(work_dir / "home" / name.lower())
    return env


def make_demo_vault(work_dir: Path) -> DemoVault:
    """`earlyyears demo` into `work_dir`, as a person would (calibrated Argon2id)."""
    folder = work_dir / "demo-vault"
    secret = work_dir / "demo-passphrase"
    fd = os.open(secret, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(DEMO_PASSPHRASE + "\n")
    log("  bench_start: earlyyears demo (calibrates Argon2id on this machine)")
    subprocess.run(
        [sys.executable, "-c", CLI, "demo", str(folder), "--passphrase-file", str(secret)],
        check=True,
        stdout=subprocess.DEVNULL,
        env=_environment(work_dir),
        timeout=600,
    )
    slots = json.loads((folder / "keyslots.json").read_text())["slots"]
    kdf = next(s["kdf"] for s in slots if s["kind"] == "passphrase")
    return DemoVault(folder, secret, (kdf["memory_kib"], kdf["iterations"], kdf["lanes"]))


def _last_line(stderr: IO[bytes]) -> str:
    stderr.seek(0)
    lines = stderr.read().decode(errors="replace").strip().splitlines()
    return lines[-1] if lines else ""


def _run_to_end(args: list[str], env: dict[str, str]) -> float:
    """Seconds from spawning to the end of a process that must succeed."""
    with tempfile.TemporaryFile() as stderr:
        start = time.perf_counter()
        code = subprocess.run(
            args, stdout=subprocess.DEVNULL, stderr=stderr, env=env, timeout=TIMEOUT_SECONDS
        ).returncode
        elapsed = time.perf_counter() - start
        if code != 0:
            raise RuntimeError(f"exit code {code}: {_last_line(stderr)}")
    return elapsed


def _run_to_first_window(args: list[str], env: dict[str, str]) -> tuple[float, str]:
    """Seconds from spawning to the driver's "exposed:" line; the window's title.

    Qt's offscreen platform writes notices on stderr ("does not support
    propagateSizeHints()"): stderr is kept aside and shown only if no window appears.
    """
    with tempfile.TemporaryFile() as stderr:
        start = time.perf_counter()
        with subprocess.Popen(
            args, stdout=subprocess.PIPE, stderr=stderr, env=env, text=True
        ) as process:
            assert process.stdout is not None
            guard = threading.Timer(TIMEOUT_SECONDS, process.kill)  # a hung start ends the read
            guard.start()
            try:
                line = process.stdout.readline()
                elapsed = time.perf_counter() - start
                code = process.wait()
            finally:
                guard.cancel()
        if not line.startswith("exposed:") or code != 0:
            raise RuntimeError(f"no window was shown (exit code {code}): {_last_line(stderr)}")
    return elapsed, line.removeprefix("exposed:").strip()


def _interleaved(
    measured: Callable[[], float], floor: Callable[[], float], pairs: int
) -> tuple[list[float], list[float]]:
    measured()  # the warm-up pair: file caches, compiled bytecode
    floor()
    values: list[float] = []
    floors: list[float] = []
    for _ in range(pairs):
        values.append(measured())
        floors.append(floor())
    return values, floors


def _summary(
    keys: tuple[str, str, str], values: list[float], floors: list[float]
) -> dict[str, float]:
    value_key, floor_key, ratio_key = keys
    return {
        value_key: statistics.median(values),
        floor_key: statistics.median(floors),
        ratio_key: statistics.median(a / b for a, b in zip(values, floors, strict=True)),
    }


def cli_floor_process(demo: DemoVault, env: dict[str, str]) -> float:
    """The floor of `earlyyears info`, in seconds (see the module docstring)."""
    return _run_to_end([sys.executable, "-c", CLI_FLOOR, *map(str, demo.kdf)], env)


def measure_cli_info(demo: DemoVault, work_dir: Path, pairs: int = PAIRS) -> dict[str, float]:
    env = _environment(work_dir)
    info = [
        sys.executable,
        "-c",
        CLI,
        "info",
        str(demo.folder),
        "--passphrase-file",
        str(demo.passphrase_file),
    ]
    values, floors = _interleaved(
        lambda: _run_to_end(info, env), lambda: cli_floor_process(demo, env), pairs
    )
    log(
        "  bench_start: earlyyears info "
        + ", ".join(f"{v:.2f}" for v in values)
        + " s; floor "
        + ", ".join(f"{v:.2f}" for v in floors)
        + " s"
    )
    return _summary(("cli_info_s", "cli_info_floor_s", "cli_info_vs_floor_x"), values, floors)


def bare_qt_process(env: dict[str, str]) -> float:
    """The floor of the app's launch, in seconds (see the module docstring)."""
    return _run_to_first_window([sys.executable, "-c", BARE_QT_DRIVER], env)[0]


def measure_launch(demo: DemoVault, work_dir: Path, pairs: int = PAIRS) -> dict[str, float]:
    env = _environment(work_dir)
    titles: set[str] = set()

    def launch() -> float:
        seconds, title = _run_to_first_window(
            [sys.executable, "-c", LAUNCH_DRIVER, str(demo.folder)], env
        )
        titles.add(title)
        return seconds

    values, floors = _interleaved(launch, lambda: bare_qt_process(env), pairs)
    log(
        f"  bench_start: launch to the first window ({', '.join(sorted(titles))!r}) "
        + ", ".join(f"{v:.2f}" for v in values)
        + " s; bare Qt window "
        + ", ".join(f"{v:.2f}" for v in floors)
        + " s"
    )
    return _summary(("launch_to_unlock_s", "bare_qt_s", "launch_vs_bare_qt_x"), values, floors)


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        demo = make_demo_vault(work)
        figures = {**measure_cli_info(demo, work), **measure_launch(demo, work)}
    print(json.dumps(figures, indent=2, sort_keys=True))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
