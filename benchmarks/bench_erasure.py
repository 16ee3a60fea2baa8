"""Erasing a child on the scale vault (2,000 children): what the administrator waits for.

Target (docs/performance.md): `erase_child_s` <= 2 s.

    measure_erase_child(services, database, key) -> {erase_child_s, erase_transaction_s,
        erase_compact_s, erase_first_compact_s, erase_floor_s, erase_vs_floor_x}

`erase_child_s` is `ErasureService.erase_child` as the app runs it: the transaction (every row
of the child found through the registry and the foreign keys, deleted with one audit event
each, the search index optimised, the ledger written) and then the compaction (`VACUUM` and
`wal_checkpoint(TRUNCATE)`). Its two parts are recorded too (`erase_transaction_s` with
`compact=False`, then `erase_compact_s`, `ErasureService.compact` alone), on other children.
A vault's first compaction is a full VACUUM turning incremental vacuum on; it is run and
recorded first (`erase_first_compact_s`, once per vault), so the figures are the ones every
later erasure sees.

Floor: the least work an erasure cannot avoid: the same child's rows (their ids found
beforehand, the scope's work excluded) deleted by id on a raw connection in one durable
transaction, with the foreign keys and secure delete on (no audit, no index optimise, no
VACUUM). It is interleaved with the transaction on children of the same size (A B A B), and
the ratio is the median of the pairs'.

    .venv/bin/python -m benchmarks.bench_erasure      # on a copy of the scale vault
"""

from __future__ import annotations

import shutil
import statistics
import sys
import time
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make `benchmarks` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import text

from earlyyears_desktop.domain.enums import ErasureReason
from earlyyears_desktop.services.container import Services
from earlyyears_desktop.services.erasure_scope import ErasureScope, child_scope

PAIRS = 3


def _children_by_size(services: Services, wanted: int) -> list[str]:
    """Children with the most observations (the heaviest erasures), most first."""
    with services.uow.read() as session:
        rows = session.execute(
            text(
                "SELECT child_id FROM observations GROUP BY child_id "
                "ORDER BY count(*) DESC, child_id LIMIT :n"
            ),
            {"n": wanted},
        ).scalars()
        return [str(r) for r in rows]


def raw_delete_floor(raw: Any, scope: ErasureScope) -> float:
    """Seconds to delete the scope's rows by id, leaves first, in one durable transaction."""
    from earlyyears_desktop.services.erasure_scope import _sorted_models

    started = time.perf_counter()
    raw.execute("BEGIN IMMEDIATE")
    for model in reversed(_sorted_models()):
        ids = sorted(scope.ids.get(model.__tablename__, ()))
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            raw.execute(f"DELETE FROM {model.__tablename__} WHERE id IN ({marks})", chunk)
    raw.execute("COMMIT")
    return time.perf_counter() - started


def measure_erase_child(
    services: Services,
    database: Path,
    key: bytes,
    details: list[str] | None = None,
    *,
    pairs: int = PAIRS,
) -> dict[str, float]:
    """`database` and `key`: the vault's file and data key, for the floor's own connection
    (opened after each erasure: a connection left open across another's VACUUM was refused
    its tables by the FTS trigger here)."""
    from earlyyears_desktop.storage import engine as storage_engine

    erasure = services.erasure
    children = _children_by_size(services, 2 * pairs + 2)
    # once per vault: the first compaction is a full VACUUM turning incremental vacuum on
    started = time.perf_counter()
    assert erasure.compact()
    first_compact = time.perf_counter() - started
    # what the administrator waits for: the erasure and its compaction, as the app runs it
    started = time.perf_counter()
    done = erasure.erase_child(children[0], ErasureReason.FAMILY_REQUEST)
    whole = time.perf_counter() - started
    assert done.value.compacted
    erase_s, floor_s, ratios = [], [], []
    for pair in range(pairs):
        ours, theirs = children[1 + 2 * pair], children[2 + 2 * pair]
        started = time.perf_counter()
        erasure.erase_child(ours, ErasureReason.FAMILY_REQUEST, compact=False)
        erase_s.append(time.perf_counter() - started)
        with services.uow.read() as session:
            scope = child_scope(session, theirs)
        raw = storage_engine.connect(database, key)
        try:
            floor_s.append(raw_delete_floor(raw, scope))
        finally:
            raw.close()
        ratios.append(erase_s[-1] / floor_s[-1])
    started = time.perf_counter()
    assert erasure.compact()
    compact_s = time.perf_counter() - started
    line = (
        f"Erasure: the child with the most observations ({done.value.records} records) "
        f"erased and the vault compacted in {whole:.2f} s (`erase_child_s`); the transactions "
        f"alone {', '.join(f'{s:.2f}' for s in erase_s)} s against their floors "
        f"{', '.join(f'{s:.2f}' for s in floor_s)} s; a compaction alone {compact_s:.2f} s "
        f"(`erase_compact_s`: the search index optimised, then an incremental vacuum); the "
        f"vault's first compaction, a full VACUUM, {first_compact:.2f} s (once per vault)."
    )
    print(f"  {line}", file=sys.stderr, flush=True)
    if details is not None:
        details += [line, ""]
    return {
        "erase_child_s": round(whole, 3),
        "erase_transaction_s": round(statistics.median(erase_s), 3),
        "erase_compact_s": round(compact_s, 3),
        "erase_first_compact_s": round(first_compact, 3),
        "erase_floor_s": round(statistics.median(floor_s), 4),
        "erase_vs_floor_x": round(statistics.median(ratios), 2),
    }


def main() -> int:
    from benchmarks.scale import PASSPHRASE, vault_folder
    from earlyyears_desktop.storage.vault import open_vault

    # the cached vault is only copied, never opened (benchmarks/run.py builds it if missing)
    work = Path(f"/tmp/bench-erasure-{time.time_ns()}")
    try:
        started = time.perf_counter()
        shutil.copytree(vault_folder(), work / "vault", ignore=shutil.ignore_patterns("backups"))
        print(f"copied the scale vault in {time.perf_counter() - started:.1f} s", file=sys.stderr)
        vault = open_vault(work / "vault", PASSPHRASE)
        try:
            print(
                measure_erase_child(Services(vault), work / "vault" / "vault.db", vault._data_key())
            )
        finally:
            vault.lock()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
