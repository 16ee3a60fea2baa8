"""A process of its own playing the app that holds a vault unlocked, through the services.

`start_app_holder(folder, today)` starts it and waits for its first line. Run by hand:
python app_holder.py VAULT_DIR TODAY   (passphrase in EARLYYEARS_PASSPHRASE; TODAY, as
YYYY-MM-DD, is the day the services' clock reads)

It unlocks as the app does (`services.accounts.unlock`, which takes the vault's app lock) and
prints `ready`, or `refused MESSAGE` and exits 3. Then it reads commands, one a line, and
answers each once done:
  hold-write     begin a write transaction (BEGIN IMMEDIATE) and keep it open -> `holding`
  commit         end it -> `committed`
At the end of its input it locks the vault and exits 0.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from earlyyears_desktop.services.accounts import DomainError, unlock
from earlyyears_desktop.services.clock import Clock


class AppHolder:
    """The running holder: `first` is its first line (`ready` or `refused ...`)."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        self.process = process
        assert process.stdout is not None
        self.first = process.stdout.readline().strip()

    @property
    def pid(self) -> int:
        return self.process.pid

    def tell(self, command: str) -> str:
        """Send one command; its answer."""
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(command + "\n")
        self.process.stdin.flush()
        return self.process.stdout.readline().strip()

    def close(self) -> int:
        """End its input: it locks the vault and exits; its exit code."""
        if self.process.stdin is not None and not self.process.stdin.closed:
            with contextlib.suppress(BrokenPipeError):
                self.process.stdin.close()
        return self.process.wait(timeout=60)


def start_app_holder(folder: Path, today: dt.date, passphrase: str) -> AppHolder:
    """The holder started on `folder`, once it has said whether it unlocked."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("EARLYYEARS_")}
    env["EARLYYEARS_PASSPHRASE"] = passphrase
    process = subprocess.Popen(
        [sys.executable, __file__, str(folder), today.isoformat()],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    return AppHolder(process)


def main() -> int:
    folder, today = Path(sys.argv[1]), dt.date.fromisoformat(sys.argv[2])
    try:
        unlocked = unlock(folder, os.environ["EARLYYEARS_PASSPHRASE"], clock=Clock.fixed(today))
    except DomainError as exc:
        print("refused", exc.message, flush=True)
        return 3
    print("ready", flush=True)
    held: Any = None
    for line in sys.stdin:
        command = line.strip()
        if command == "hold-write":
            held = unlocked.services.vault.engine.raw_connection()
            held.driver_connection.execute("BEGIN IMMEDIATE")
            print("holding", flush=True)
        elif command == "commit" and held is not None:
            held.driver_connection.execute("COMMIT")
            held.close()
            held = None
            print("committed", flush=True)
    unlocked.lock()
    return 0


if __name__ == "__main__":
    sys.exit(main())
