"""A process of its own that removes a practitioner with a re-key, as the app does, and kills
itself (SIGKILL) at one step of it: what a power cut or a crash there leaves.

    python rekey_worker.py VAULT_DIR STEP PRACTITIONER_ID   (passphrase in EARLYYEARS_PASSPHRASE)

STEP is where it dies (the product reads no switch: this script replaces the step's function):
  export       while the staged database is being written (half a file)
  stage-slots  the staged database written, the staged key slots not yet
  commit       both staged and the old database closed, not yet renamed in
  slots        the database renamed in (the commit), the key slots not yet
  after        everything done, before the vault is locked (nothing folded back)
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import sys
from pathlib import Path
from typing import Any

from earlyyears_desktop.services.accounts import unlock
from earlyyears_desktop.services.clock import Clock
from earlyyears_desktop.storage import rekey, vault_swap

STEPS = ("export", "stage-slots", "commit", "slots", "after")


def _die(*_args: Any) -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def _half_then_die(_engine: Any, path: Path, _key: bytes) -> None:
    path.write_bytes(b"\0" * 4096)
    _die()


def main() -> int:
    folder, step, leaver = Path(sys.argv[1]), sys.argv[2], sys.argv[3]
    if step == "export":
        rekey.export_database = _half_then_die  # type: ignore[assignment]
    elif step == "stage-slots":
        vault_swap._write_staged_keyslots = _die  # type: ignore[assignment]
    elif step == "commit":
        vault_swap._commit_database = _die  # type: ignore[assignment]
    elif step == "slots":
        vault_swap._commit_keyslots = _die  # type: ignore[assignment]
    unlocked = unlock(
        folder, os.environ["EARLYYEARS_PASSPHRASE"], clock=Clock.fixed(dt.date(2026, 2, 28))
    )
    unlocked.accounts.remove_practitioner(leaver, rekey=True)
    _die()
    return 1


if __name__ == "__main__":
    sys.exit(main())
