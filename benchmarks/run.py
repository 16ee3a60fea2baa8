"""Measure the performance targets on the scale vault; record them.

    .venv/bin/python -m benchmarks.run        (or: python benchmarks/run.py; `make bench`)

Builds or reuses the scale vault (benchmarks/scale.py), works on a copy of it so the cached
vault stays as built, and writes:

- benchmarks/results/latest.json: a flat JSON object of numbers, sorted keys;
- docs/performance.md: metric, target, measured, met?, with the machine and the date.

Measured here: unlock_s, mark_p95_ms, child_search_ms, fts_search_ms, sqlcipher_vs_sqlite_ratio.
Measured by other modules when they exist (a missing module is noted and its key left out):

    benchmarks/bench_window.py    measure_window_ready(vault_dir, passphrase) -> window_ready_s
    benchmarks/bench_register.py  measure_register_open_ms(services, session_id)
                                  measure_mark_p95_ms(services, session_id, child_ids)
    benchmarks/bench_sync.py      measure_export_100k(context) -> export_100k_s
    benchmarks/bench_central.py   measure_ingest_100k(context) -> ingest_100k_s
    benchmarks/bench_handouts.py  measure_handouts_30(context) -> handouts_30_s

`context` is a `BenchContext` (below). Benchmarks measure: nothing here is tuned to flatter a
figure, and a figure that misses its target is recorded as missed.
"""

from __future__ import annotations

import datetime as dt
import importlib
import json
import math
import os
import platform
import random
import shutil
import statistics
import sys
import time
import traceback
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make `benchmarks` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlcipher3
from sqlalchemy import text

from benchmarks.scale import SCALE_ROOT, ScaleVault, scale_vault
from earlyyears_desktop.domain.enums import AttendanceStatus
from earlyyears_desktop.services.children import ChildFilter
from earlyyears_desktop.services.container import Services
from earlyyears_desktop.storage import engine as storage_engine
from earlyyears_desktop.storage.keyslots import KdfParams
from earlyyears_desktop.storage.vault import open_vault

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results" / "latest.json"
REPORT = ROOT / "docs" / "performance.md"


@dataclass(frozen=True)
class Target:
    key: str
    what: str
    limit: float
    unit: str


TARGETS = (
    Target("unlock_s", "unlock, Argon2id included", 0.8, "s"),
    Target("window_ready_s", "main window usable after unlock", 1.0, "s"),
    Target("mark_p95_ms", "one attendance mark, durable (service), p95", 20, "ms"),
    Target("register_mark_p95_ms", "one attendance mark from the register, p95", 20, "ms"),
    Target("register_open_ms", "open a 30-child register", 100, "ms"),
    Target("child_search_ms", "child name search", 20, "ms"),
    Target("fts_search_ms", "full-text search of observations", 100, "ms"),
    Target("sqlcipher_vs_sqlite_ratio", "SQLCipher vs plain SQLite, mixed workload", 1.5, "x"),
    Target("export_100k_s", "export 100,000 changes (sign + encrypt)", 5, "s"),
    Target("ingest_100k_s", "central ingest of 100,000 changes into SQLite", 10, "s"),
    Target("handouts_30_s", "30 personalised handouts, one PDF", 3, "s"),
)


@dataclass(frozen=True)
class BenchContext:
    """What a benchmark module gets: the working copy of the scale vault, open."""

    vault_dir: Path
    passphrase: str
    services: Services
    register_session_id: str
    register_child_ids: tuple[str, ...]
    work_dir: Path


#: extra lines for docs/performance.md, added by the measurements as they run
DETAILS: list[str] = []


def log(message: str) -> None:
    print(message, flush=True)


def ms(seconds: float) -> float:
    return seconds * 1000


def p95(values: Sequence[float]) -> float:
    ordered = sorted(values)
    return ordered[math.ceil(0.95 * len(ordered)) - 1]


def timed(fn: Callable[[], Any]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


# ---- the measurements of this module ----


def retune_unlock_slot(folder: Path, passphrase: str) -> None:
    """Give the working copy's slot the Argon2id cost a vault made on this machine now gets.

    The cached scale vault keeps the cost calibrated when it was built, possibly on a busier
    or quieter machine; unlock is measured at today's calibration, as a new vault would have.
    """
    vault = open_vault(folder, passphrase)
    try:
        assert vault.practitioner_id is not None
        vault.change_passphrase(vault.practitioner_id, passphrase, KdfParams.calibrated())
    finally:
        vault.lock()


def measure_unlock_s(folder: Path, passphrase: str, repeats: int = 5) -> float:
    """open_vault, Argon2id and the schema check included; median of `repeats`."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        vault = open_vault(folder, passphrase)
        times.append(time.perf_counter() - start)
        vault.lock()
    return statistics.median(times)


def ensure_register_session(services: Services, scale: ScaleVault) -> str:
    """The 30-child session dated today (the cached vault may have been built another day)."""
    today = dt.date.today()
    if scale.register_session_date == today:
        return scale.register_session_id
    for row in services.groups.sessions(group_id=scale.register_group_id, on=today):
        return row.id
    session_id = services.groups.add_session(scale.register_group_id, today, "Bubbles").id
    return session_id


def measure_mark_p95_ms(services: Services, session_id: str, child_ids: Sequence[str]) -> float:
    """AttendanceService.mark, each a real durable change (the status moves on every round)."""
    statuses = [s.value for s in AttendanceStatus]
    times = []
    for n in range(330):
        child = child_ids[n % len(child_ids)]
        status = statuses[(n // len(child_ids)) % len(statuses)]
        start = time.perf_counter()
        result = services.attendance.mark(session_id, child, status)
        times.append(time.perf_counter() - start)
        assert result.changes, "every benchmarked mark must be a real write"
    return ms(p95(times[30:]))  # the first round creates the records; all rounds are counted


def measure_child_search_ms(services: Services) -> float:
    queries = ["ann", "mar", "ali", "son", "zoe", "luc", "ova", "ber", "kim", "ahm"]
    times = []
    for _ in range(5):
        for q in queries:
            times.append(timed(lambda q=q: services.children.search_ids(ChildFilter(text=q))))
    return ms(statistics.median(times))


def measure_fts_search_ms(services: Services) -> float:
    words = ["bubbles", "puzzle", "balance", "tunnel", "finished", "modelling", "parachute", "pad"]
    times = []
    rows = ["| word | matching observations | median ms |", "| --- | --- | --- |"]
    for w in words:
        own = [timed(lambda w=w: services.observations.search(w)) for _ in range(5)]
        times += own
        with services.uow.read() as session:
            matches = session.execute(
                text("SELECT count(*) FROM observations_fts WHERE observations_fts MATCH :m"),
                {"m": f'"{w}"*'},
            ).scalar()
        rows.append(f"| {w} | {matches:,} | {ms(statistics.median(own)):.1f} |")
    DETAILS.extend(
        ["Full-text search, per word (`fts_search_ms` is the median of all):", "", *rows, ""]
    )
    return ms(statistics.median(times))


# ---- SQLCipher against plain SQLite ----


def _plaintext_copy(encrypted: Path, key: bytes, target: Path) -> None:
    """The same database, schema and data, unencrypted (fictional data; deleted after use)."""
    conn = storage_engine.connect(encrypted, key)
    try:
        conn.execute("ATTACH DATABASE ? AS plain KEY ''", (str(target),))
        conn.execute("SELECT sqlcipher_export('plain')").fetchall()
        conn.execute("DETACH DATABASE plain")
    finally:
        conn.close()


def _plain_connection(path: Path) -> sqlcipher3.Connection:
    """The same library and the same pragmas, without a key: plain SQLite."""
    conn = sqlcipher3.connect(str(path), isolation_level=None, check_same_thread=False)
    assert conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] > 0
    for pragma in storage_engine._PRAGMAS:
        conn.execute(pragma).fetchall()
    conn.create_function("ey_fold", 1, storage_engine._fold, deterministic=True)
    return conn


def mixed_workload(conn: sqlcipher3.Connection, seed: int, spent: dict[str, float]) -> float:
    """Durable single-row inserts and updates interleaved with the app's typical reads."""
    rng = random.Random(seed)
    children = [r[0] for r in conn.execute("SELECT id FROM children ORDER BY id")]
    marks = [r[0] for r in conn.execute("SELECT id FROM attendance ORDER BY id LIMIT 20000")]
    author = conn.execute("SELECT id FROM practitioners LIMIT 1").fetchone()[0]
    words = ["bubbles", "puzzle", "balance", "tunnel", "ramp", "drum", "sign", "tower"]
    statuses = [s.value for s in AttendanceStatus]
    ops = ["insert"] * 300 + ["update"] * 300 + ["child"] * 300 + ["name"] * 100
    ops += ["fts"] * 50 + ["report"] * 10
    rng.shuffle(ops)
    now = "2026-11-26 10:00:00.000000"
    start = time.perf_counter()
    for op in ops:
        op_start = time.perf_counter()
        if op == "insert":
            conn.execute("BEGIN IMMEDIATE")
            conn.execute(
                "INSERT INTO observations (id, child_id, context, observed_on, text, "
                "area_of_need, author_id, share_with_parents, version, created_at, updated_at, "
                "changed_by_device) VALUES (?, ?, 'other', '2026-11-20', ?, '', ?, 0, 1, ?, ?, '')",
                (
                    str(uuid.UUID(int=rng.getrandbits(128))),
                    rng.choice(children),
                    f"Pointed at the {rng.choice(words)} and said 'more' {rng.randint(1, 9)} times",
                    author,
                    now,
                    now,
                ),
            )
            conn.execute("COMMIT")
        elif op == "update":
            conn.execute("BEGIN IMMEDIATE")
            conn.execute(
                "UPDATE attendance SET status = ?, version = version + 1, updated_at = ? "
                "WHERE id = ?",
                (rng.choice(statuses), now, rng.choice(marks)),
            )
            conn.execute("COMMIT")
        elif op == "child":
            conn.execute(
                "SELECT id, observed_on, text FROM observations WHERE child_id = ? "
                "AND deleted_at IS NULL ORDER BY observed_on DESC LIMIT 50",
                (rng.choice(children),),
            ).fetchall()
        elif op == "name":
            conn.execute(
                "SELECT id FROM children WHERE deleted_at IS NULL AND search_key LIKE ? "
                "ORDER BY search_key",
                (f"%{rng.choice(['an', 'mar', 'li', 'son', 'ova'])}%",),
            ).fetchall()
        elif op == "fts":
            conn.execute(
                "SELECT o.id FROM observations_fts f JOIN observations o ON o.rowid = f.rowid "
                "WHERE observations_fts MATCH ? AND o.deleted_at IS NULL "
                "ORDER BY f.rowid DESC LIMIT 50",
                (f'"{rng.choice(words)}"*',),
            ).fetchall()
        else:
            conn.execute(
                "SELECT s.group_id, a.status, count(*) FROM attendance a "
                "JOIN sessions s ON s.id = a.session_id WHERE s.date >= ? GROUP BY 1, 2",
                ((dt.date.today() - dt.timedelta(days=rng.randint(30, 200))).isoformat(),),
            ).fetchall()
        spent[op] = spent.get(op, 0.0) + time.perf_counter() - op_start
    return time.perf_counter() - start


def measure_sqlcipher_ratio(work_vault: Path, key: bytes, work_dir: Path) -> float:
    plain_path = work_dir / "plain-comparison.db"
    _plaintext_copy(work_vault / "vault.db", key, plain_path)
    try:
        encrypted = storage_engine.connect(work_vault / "vault.db", key)
        plain = _plain_connection(plain_path)
        try:
            cipher_time = plain_time = 0.0
            cipher_ops: dict[str, float] = {}
            plain_ops: dict[str, float] = {}
            for rep in range(3):  # alternate, so neither side always runs second
                if rep % 2 == 0:
                    plain_time += mixed_workload(plain, rep, plain_ops)
                    cipher_time += mixed_workload(encrypted, rep, cipher_ops)
                else:
                    cipher_time += mixed_workload(encrypted, rep, cipher_ops)
                    plain_time += mixed_workload(plain, rep, plain_ops)
        finally:
            encrypted.close()
            plain.close()
        log(f"  mixed workload: SQLCipher {cipher_time:.2f} s, plain SQLite {plain_time:.2f} s")
        rows = ["| operation | SQLCipher s | plain SQLite s | ratio |", "| --- | --- | --- | --- |"]
        for op in sorted(cipher_ops):
            ratio = cipher_ops[op] / plain_ops[op]
            rows.append(f"| {op} | {cipher_ops[op]:.2f} | {plain_ops[op]:.2f} | {ratio:.2f} |")
        rows.append(
            f"| all | {cipher_time:.2f} | {plain_time:.2f} | {cipher_time / plain_time:.2f} |"
        )
        DETAILS.extend(["Mixed workload, time by operation (3 rounds):", "", *rows, ""])
        return cipher_time / plain_time
    finally:
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{plain_path}{suffix}").unlink(missing_ok=True)


# ---- measurements other modules provide ----


def optional(key: str, module: str, function: str, *args: Any) -> float | None:
    """Run benchmarks.<module>.<function>(*args) if the module exists; None if it does not."""
    try:
        mod = importlib.import_module(f"benchmarks.{module}")
    except ModuleNotFoundError as exc:
        if exc.name == f"benchmarks.{module}":
            log(f"  {key}: skipped, benchmarks/{module}.py does not exist yet")
            return None
        raise
    value = float(getattr(mod, function)(*args))
    log(f"  {key}: {value:.3f}")
    return value


def guarded(
    results: dict[str, float], failures: dict[str, str], key: str, fn: Callable[[], Any]
) -> None:
    """Record a measurement; a failing benchmark is reported, not silently dropped."""
    log(f"Measuring {key}...")
    try:
        value = fn()
    except Exception as exc:  # record and carry on with the other measurements
        failures[key] = f"{type(exc).__name__}: {exc}".splitlines()[0][:200]
        log(f"  {key}: FAILED ({failures[key]})")
        traceback.print_exc()
        return
    if value is not None:
        results[key] = round(float(value), 4)
        log(f"  {key} = {results[key]}")


# ---- the report ----


def machine() -> dict[str, str]:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    conn = sqlcipher3.connect(":memory:")
    cipher = conn.execute("PRAGMA cipher_version").fetchone()[0]
    conn.close()
    return {
        "cpus": str(os.cpu_count()),
        "cpu": model or platform.processor() or "unknown",
        "python": platform.python_version(),
        "sqlcipher": f"{cipher} (SQLite {sqlcipher3.sqlite_version})",
        "os": f"{platform.system()} {platform.release()}",
    }


def write_report(
    results: dict[str, float], failures: dict[str, str], scale: ScaleVault, kdf: str
) -> None:
    info = machine()
    lines = [
        "# Performance",
        "",
        "Measured by `benchmarks/run.py` (`make bench`) on the scale vault built by",
        "`benchmarks/scale.py`. This file is rewritten by each run; the raw figures are in",
        "`benchmarks/results/latest.json`. Targets are from DESIGN.md.",
        "",
        f"- Date: {dt.datetime.now(dt.UTC).strftime('%Y-%m-%d %H:%M UTC')}",
        f"- Machine: {info['cpus']} CPUs, {info['cpu']}; {info['os']}",
        f"- Python {info['python']}; SQLCipher {info['sqlcipher']}",
        "- Scale vault: "
        + ", ".join(f"{v:,} {k.replace('_', ' ')}" for k, v in scale.counts.items()),
        f"- Unlock key slot: Argon2id {kdf}",
        "",
        "| metric | target | measured | met? |",
        "| --- | --- | --- | --- |",
    ]
    for t in TARGETS:
        target = f"<= {t.limit:g} {t.unit}" if t.unit != "x" else f"<= {t.limit:g} x"
        if t.key in results:
            value = results[t.key]
            shown = f"{value:.3f} {t.unit}" if t.unit != "ms" else f"{value:.1f} ms"
            met = "yes" if value <= t.limit else "**no**"
        elif t.key in failures:
            shown, met = f"failed: {failures[t.key]}", "-"
        else:
            shown, met = "not measured yet", "-"
        lines.append(f"| {t.what} (`{t.key}`) | {target} | {shown} | {met} |")
    lines += [
        "",
        "How each figure is taken:",
        "",
        "- `unlock_s`: `open_vault` with the practitioner's passphrase (Argon2id with the",
        "  cost calibrated on this machine at the start of the run, as a new vault gets;",
        "  key unwrap, schema check), median of 5.",
        "- `mark_p95_ms`: `AttendanceService.mark` on a 30-child session dated today, 330 marks,",
        "  each a real durable change (WAL, `synchronous=FULL`) with its audit event and",
        "  change-log entry; 95th percentile of the last 300.",
        "- `child_search_ms`: `ChildrenService.search_ids` with a 3-letter query, median over",
        "  10 queries x 5.",
        "- `fts_search_ms`: `ObservationService.search` of one word (FTS5 in the encrypted",
        "  database, up to 50 results with their rows), median over 8 words x 5.",
        "- `sqlcipher_vs_sqlite_ratio`: the same interleaved workload (300 durable single-row",
        "  inserts, 300 durable updates, 300 per-child observation lists, 100 name searches,",
        "  50 FTS queries, 10 attendance reports) on the scale vault and on a plaintext export of",
        "  it (same library, schema, data and pragmas, no key); ratio of wall times over 3",
        "  alternating rounds.",
        "- `window_ready_s`, `register_*`: `benchmarks/bench_window.py` and",
        "  `benchmarks/bench_register.py` (the GUI, offscreen).",
        "",
        *DETAILS,
    ]
    REPORT.parent.mkdir(exist_ok=True)
    REPORT.write_text("\n".join(lines), encoding="utf-8")


def main() -> int:
    scale = scale_vault(log)
    work_dir = SCALE_ROOT / f"run-{os.getpid()}"
    shutil.rmtree(work_dir, ignore_errors=True)
    work_dir.mkdir(parents=True)
    results: dict[str, float] = {}
    failures: dict[str, str] = {}
    try:
        log("Copying the scale vault to work on...")
        vault_dir = work_dir / "vault"
        shutil.copytree(scale.folder, vault_dir)

        retune_unlock_slot(vault_dir, scale.passphrase)
        guarded(
            results, failures, "unlock_s", lambda: measure_unlock_s(vault_dir, scale.passphrase)
        )

        vault = open_vault(vault_dir, scale.passphrase)
        services = Services(vault)
        slot = vault.slot
        kdf = (
            f"{slot.params.memory_kib // 1024} MiB, t={slot.params.iterations}, "
            f"{slot.params.lanes} lanes"
            if slot
            else "?"
        )
        try:
            session_id = ensure_register_session(services, scale)
            kids = scale.register_child_ids
            context = BenchContext(
                vault_dir, scale.passphrase, services, session_id, kids, work_dir
            )
            guarded(results, failures, "child_search_ms", lambda: measure_child_search_ms(services))
            guarded(results, failures, "fts_search_ms", lambda: measure_fts_search_ms(services))
            guarded(
                results,
                failures,
                "register_open_ms",
                lambda: optional(
                    "register_open_ms",
                    "bench_register",
                    "measure_register_open_ms",
                    services,
                    session_id,
                ),
            )
            guarded(
                results,
                failures,
                "mark_p95_ms",
                lambda: measure_mark_p95_ms(services, session_id, kids),
            )
            guarded(
                results,
                failures,
                "register_mark_p95_ms",
                lambda: optional(
                    "register_mark_p95_ms",
                    "bench_register",
                    "measure_mark_p95_ms",
                    services,
                    session_id,
                    kids,
                ),
            )
            guarded(
                results,
                failures,
                "sqlcipher_vs_sqlite_ratio",
                lambda: measure_sqlcipher_ratio(vault_dir, vault._data_key(), work_dir),
            )
            for key, module, function in (
                ("export_100k_s", "bench_sync", "measure_export_100k"),
                ("ingest_100k_s", "bench_central", "measure_ingest_100k"),
                ("handouts_30_s", "bench_handouts", "measure_handouts_30"),
            ):
                guarded(
                    results,
                    failures,
                    key,
                    lambda key=key, module=module, function=function: optional(
                        key, module, function, context
                    ),
                )
        finally:
            vault.lock()
        guarded(
            results,
            failures,
            "window_ready_s",
            lambda: optional(
                "window_ready_s",
                "bench_window",
                "measure_window_ready",
                vault_dir,
                scale.passphrase,
            ),
        )
    finally:
        shutil.rmtree(work_dir, ignore_errors=True)

    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, sort_keys=True, indent=2) + "\n")
    write_report(results, failures, scale, kdf)
    log(json.dumps(results, sort_keys=True, indent=2))
    log(f"Wrote {RESULTS} and {REPORT}.")
    return 1 if failures else 0


if __name__ == "__main__":
    exit_code = main()
    # The GUI benchmarks leave Qt objects behind that can crash during interpreter teardown
    # (a segfault after the results were written). Everything is on disk: leave directly.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(exit_code)
