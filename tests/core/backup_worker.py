"""Child process for test_backup: a backup or a restore that stops half-way to be killed.

Usage: python backup_worker.py backup VAULT_DIR OUT_FILE
       python backup_worker.py restore BACKUP_FILE NEW_DIR
(passphrase in EARLYYEARS_PASSPHRASE). After the first chunk is written (backup) or proved and
written into the staging folder (restore) it prints `halfway`, flushes, and waits to be killed.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from earlyyears_desktop.storage.backup import backup_open_vault_files
from earlyyears_desktop.storage.restore import restore_backup


def _stop_halfway(done: int, total: int) -> None:
    print("halfway", done, total, flush=True)
    time.sleep(120)


def main() -> int:
    verb, first, second = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
    secret = os.environ["EARLYYEARS_PASSPHRASE"]
    if verb == "backup":
        backup_open_vault_files(first, secret, second, progress=_stop_halfway)
    else:
        restore_backup(first, second, secret, progress=_stop_halfway)
    print("finished", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
