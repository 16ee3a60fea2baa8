"""Main window usable after unlock: from the data key in hand to a populated children list.

    python benchmarks/bench_window.py VAULT_DIR [--passphrase-file F]

`measure_window_ready(vault_dir, passphrase)` is what `benchmarks/run.py` calls. Key derivation
(Argon2id) is measured by the unlock benchmark, not here: the clock starts once the vault is
open, and stops when the Children page shows its first rows.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import argparse
import sys
import time
from pathlib import Path

from earlyyears_desktop.services.accounts import unlock

TIMEOUT_SECONDS = 60


def measure_window_ready(vault_dir: Path | str, passphrase: str) -> float:
    """Seconds from an unlocked vault to a main window whose children list has rows."""
    from PySide6.QtWidgets import QApplication

    from earlyyears_desktop.ui.main_window import MainWindow
    from earlyyears_desktop.ui.operations import OpRunner

    app = QApplication.instance() or QApplication([])
    folder = Path(vault_dir)
    unlocked = unlock(folder, passphrase)  # Argon2id and any migration: not timed here
    runner = OpRunner()
    window = MainWindow(folder, runner)
    window.current_key = "children"
    window.resize(1366, 768)
    window.show()
    try:
        start = time.perf_counter()
        window.enter(unlocked)
        page = window.page("children")
        deadline = start + TIMEOUT_SECONDS
        while page.model.rowCount() == 0 or page.model.cached_row(0) is None:
            app.processEvents()
            if time.perf_counter() > deadline:
                raise TimeoutError("the children list did not fill in time")
            time.sleep(0.0005)
        app.processEvents()  # paint once with the rows in
        return time.perf_counter() - start
    finally:
        window.lock()
        window.idle.remove()
        window.close()
        window.deleteLater()
        runner.wait_for_idle()
        app.processEvents()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("vault", type=Path)
    parser.add_argument("--passphrase-file", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    if args.passphrase_file:
        passphrase = args.passphrase_file.read_text().rstrip("\n")
    else:
        passphrase = os.environ.get("EARLYYEARS_PASSPHRASE", "")
    times = [measure_window_ready(args.vault, passphrase) for _ in range(args.repeat)]
    print(f"main window usable after unlock: best {min(times):.3f} s, runs {times}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
