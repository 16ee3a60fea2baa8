"""Re-keying the scale vault: a new data key, the database re-encrypted into a staged file,
every slot rewrapped, both swapped in (storage/rekey.py).

    measure_rekey_vs_copy(vault, work_dir, details) -> {"rekey_s", "rekey_floor_s",
                                                        "rekey_vs_copy_x"}

The floor (`plain_copy_floor`) is the least a re-key of the database cannot avoid: reading
the whole database file and writing it again beside itself, synced to disk (a plain copy,
no decryption or encryption). Interleaved: floor, re-key, floor, re-key; each figure is the
median of its runs, the ratio the median of the pairs'.

    .venv/bin/python -m benchmarks.bench_rekey DIR PASSPHRASE   # on a COPY of a vault
"""

from __future__ import annotations

import os
import shutil
import statistics
import sys
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from earlyyears_desktop.storage.rekey import rekey
from earlyyears_desktop.storage.vault import OpenVault, open_vault

PAIRS = 2


def plain_copy_floor(database: Path, work_dir: Path) -> float:
    """Copy the database file and sync the copy: seconds."""
    target = work_dir / "rekey-floor.db"
    started = time.perf_counter()
    shutil.copyfile(database, target)
    fd = os.open(target, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
    elapsed = time.perf_counter() - started
    target.unlink()
    return elapsed


def measure_rekey_vs_copy(
    vault: OpenVault, work_dir: Path, details: list[str] | None = None, *, pairs: int = PAIRS
) -> dict[str, float]:
    times, floors = [], []
    for _ in range(pairs):
        floors.append(plain_copy_floor(vault.paths.database, work_dir))
        started = time.perf_counter()
        rekey(vault)
        times.append(time.perf_counter() - started)
    size_mb = vault.paths.database.stat().st_size / 1e6
    line = (
        f"Re-key: the {size_mb:.0f} MB database copied page by page under a new key into a "
        "staged file, "
        f"the slots rewrapped and both swapped in; `rekey_s` is the median of {pairs} re-keys, "
        "interleaved with its floor (`rekey_floor_s`: a synced plain copy of the file)."
    )
    print(f"  {line}", flush=True)
    if details is not None:
        details += [line, ""]
    return {
        "rekey_s": statistics.median(times),
        "rekey_floor_s": statistics.median(floors),
        "rekey_vs_copy_x": statistics.median(a / b for a, b in zip(times, floors, strict=True)),
    }


def main() -> int:
    folder, passphrase = Path(sys.argv[1]), sys.argv[2]
    vault = open_vault(folder, passphrase, exclusive=True)
    try:
        for key, value in measure_rekey_vs_copy(vault, folder.parent).items():
            print(f"{key} = {value:.3f}")
    finally:
        vault.lock()
    return 0


if __name__ == "__main__":
    sys.exit(main())
