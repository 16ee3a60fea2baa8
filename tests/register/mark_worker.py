"""Child process for the durability test: marks through the service and prints each
acknowledged attendance id (one per line, flushed) until it is killed or runs out."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

from earlyyears_desktop.services.container import Services
from earlyyears_desktop.storage.vault import open_vault


def main() -> None:
    folder, passphrase, today = Path(sys.argv[1]), sys.argv[2], dt.date.fromisoformat(sys.argv[3])
    pairs = [line.split() for line in Path(sys.argv[4]).read_text().splitlines() if line]
    services = Services(open_vault(folder, passphrase), today=lambda: today)
    print("ready", flush=True)
    for session_id, child_id, status in pairs:
        result = services.attendance.mark(session_id, child_id, status)
        print(result.value.attendance_id, status, flush=True)


if __name__ == "__main__":
    main()
