"""A backup of the scale vault while it is open, and its restore into a new folder.

Targets (docs/performance.md): `backup_s` <= 10, `restore_s` <= 15.

    measure_backup_restore(context) -> {backup_s, restore_s, backup_floor_s,
                                        backup_vs_floor_x, restore_vs_floor_x}

`backup_s` is `services.backups.back_up_now` on the open scale vault (416 MB): the
consistent snapshot (`sqlcipher_export` in one read transaction), its AES-256-GCM chunks,
fsync and rename. `restore_s` is `restore_into_new_folder` of that file with the passphrase:
Argon2id once, every chunk proved and written, SQLite's quick check over the whole file. The
floor, measured in the same run between them, is a plain copy of the database file, fsynced
(`plain_copy_floor`): what neither can avoid, reading and writing the bytes once. `PAIRS`
pairs interleaved (copy, backup, copy, restore); the figures are the medians, each ratio the
median of its pairs' ratios.

    .venv/bin/python -m benchmarks.bench_backup DIR PASSPHRASE   # on a copy of a vault
"""

from __future__ import annotations

import os
import shutil
import statistics
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

if __package__ in (None, ""):  # run as a script: make `benchmarks` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from earlyyears_desktop.services.backups import restore_into_new_folder
from earlyyears_desktop.services.container import Services
from earlyyears_desktop.storage.vault import open_vault

if TYPE_CHECKING:
    from benchmarks.run import BenchContext

PAIRS = 2


def plain_copy_floor(database: Path, target: Path) -> float:
    """A plain copy of the database file, fsynced: the least a backup or restore must do."""
    target.unlink(missing_ok=True)
    start = time.perf_counter()
    with open(database, "rb") as source, open(target, "wb") as out:
        shutil.copyfileobj(source, out, 1 << 20)
        out.flush()
        os.fsync(out.fileno())
    elapsed = time.perf_counter() - start
    target.unlink()
    return elapsed


def measure_with(services: Services, passphrase: str, work_dir: Path) -> dict[str, float]:
    database = services.vault.paths.database
    folder = work_dir / "backups"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    copies, backups, restores = [], [], []
    for round_ in range(PAIRS):
        copies.append(plain_copy_floor(database, work_dir / "floor-copy.db"))
        start = time.perf_counter()
        made = services.backups.back_up_now(folder)
        backups.append(time.perf_counter() - start)
        copies.append(plain_copy_floor(database, work_dir / "floor-copy.db"))
        target = work_dir / f"restored-{round_}"
        start = time.perf_counter()
        restore_into_new_folder(made.path, target, passphrase)
        restores.append(time.perf_counter() - start)
        shutil.rmtree(target)
        made.path.unlink()
    floor_b, floor_r = copies[0::2], copies[1::2]
    return {
        "backup_s": statistics.median(backups),
        "restore_s": statistics.median(restores),
        "backup_floor_s": statistics.median(copies),
        "backup_vs_floor_x": statistics.median(
            b / f for b, f in zip(backups, floor_b, strict=True)
        ),
        "restore_vs_floor_x": statistics.median(
            r / f for r, f in zip(restores, floor_r, strict=True)
        ),
    }


def measure_backup_restore(context: BenchContext) -> dict[str, float]:
    return measure_with(context.services, context.passphrase, context.work_dir)


def main() -> int:
    folder, passphrase = Path(sys.argv[1]), sys.argv[2]
    vault = open_vault(folder, passphrase)
    try:
        for key, value in sorted(measure_with(Services(vault), passphrase, folder.parent).items()):
            print(f"{key} = {value:.3f}")
    finally:
        vault.lock()
    return 0


if __name__ == "__main__":
    sys.exit(main())
