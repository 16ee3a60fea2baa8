"""Central ingest of 100,000 changes into SQLite: time.

Target (docs/performance.md): <= 10 s.

    measure_ingest_100k(bundle_path, central_dir_factory) -> {"ingest_100k_s": seconds}
    measure_ingest_100k(context) -> seconds
    measure_ingest_vs_floor(context) -> {"ingest_100k_s", "ingest_floor_s", "ingest_vs_floor_x"}
                                        (what benchmarks/run.py calls)

What is timed is what `earlyyears-central ingest CENTRAL BUNDLE` does after Python has
started: open the central folder and its database, unwrap the central keys with the passphrase
(Argon2id at the folder's own cost), verify the whole bundle (signature, hashes, every chunk
decrypted and counted), apply the receiver policy, and store every record in one transaction
(batched inserts/upserts), committed durably.

- `central_dir_factory()` returns a fresh central folder (already `init`-ed, the bundle's
  device enrolled) each time it is called; the passphrase is `passphrase=` or
  $EARLYYEARS_CENTRAL_PASSPHRASE.
- With a `BenchContext` (the scale vault, open), a central folder is made in the context's
  work folder, the vault's device is enrolled with it (replacing any enrolment: the vault is
  a working copy), and the device exports 100,000 changes to it with its own code.
- The floor (`executemany_floor`) is what no ingest can avoid: one `executemany` of the same
  rows (entity, id, version, deleted, device, canonical JSON of the data: built before the
  clock starts) into a bare SQLite table (no index, no constraint), committed durably. Ingest
  and floor run interleaved (ingest, floor, ingest, floor, ...), each ingest into a fresh copy
  of the enrolled central folder; the ratio is the median of the pairs' ratios.

Self-contained (generated records, write_bundle, a throwaway central in /tmp):

    .venv/bin/python -m benchmarks.bench_central [--records 100000] [--db URL]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import sqlite3
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from earlyyears_desktop.central.folder import init_central, open_central
from earlyyears_desktop.central.ingest import ingest_bundle
from earlyyears_desktop.central.records import data_text
from earlyyears_desktop.central.registry import enrol_device
from earlyyears_desktop.storage.keyslots import KdfParams
from earlyyears_desktop.sync.bundle import WrittenBundle, write_bundle
from earlyyears_desktop.sync.enrolment_files import (
    EnrolmentRequest,
    build_enrolment_request,
    parse_enrolment_request,
)
from earlyyears_desktop.sync.keys import CipherSuite, KeyPair

CHANGES = 100_000
#: ingest/floor pairs measured by measure_ingest_vs_floor
PAIRS = 3
PASSPHRASE_ENV = "EARLYYEARS_CENTRAL_PASSPHRASE"
BENCH_PASSPHRASE = "benchmark central passphrase (throwaway)"


def log(message: str) -> None:
    print(message, flush=True)


def measure_ingest_100k(
    bundle_or_context: Any,
    central_dir_factory: Callable[[], Path] | None = None,
    *,
    passphrase: str | None = None,
) -> Any:
    """See the module docstring: a dict for (bundle, factory), seconds for a BenchContext."""
    if central_dir_factory is None:
        return _measure_context(bundle_or_context)
    secret = passphrase or os.environ.get(PASSPHRASE_ENV)
    if not secret:
        raise ValueError(f"give passphrase= or set {PASSPHRASE_ENV}")
    seconds, _lines = time_ingest(Path(bundle_or_context), Path(central_dir_factory()), secret)
    return {"ingest_100k_s": round(seconds, 4)}


def time_ingest(bundle: Path, central_dir: Path, passphrase: str) -> tuple[float, str]:
    started = time.perf_counter()
    central = open_central(central_dir, passphrase)
    try:
        result = ingest_bundle(central, central.keys, bundle)
    finally:
        central.close()
    seconds = time.perf_counter() - started
    if result.outcome != "ingested":
        raise RuntimeError(f"the bundle was not ingested: {result.line()}")
    log(f"  bench_central: {result.line()} in {seconds:.2f} s")
    return seconds, result.line()


# --- with the harness's scale vault ------------------------------------------------------------


def _measure_context(context: Any) -> float:
    _work, folder, bundle, _keys, _request = _central_with_export(context)
    seconds, _line = time_ingest(bundle, folder, BENCH_PASSPHRASE)
    return seconds


def executemany_floor(rows: list[tuple[str, str, int, int, str, str]], database: Path) -> float:
    """The ingest's floor, in seconds: one executemany of `rows` into a bare table of a new
    SQLite database (WAL, synchronous=FULL), committed. Creating the file is not timed."""
    database.unlink(missing_ok=True)
    conn = sqlite3.connect(database, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode = WAL").fetchall()
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute(
            "CREATE TABLE records (entity TEXT, id TEXT, version INTEGER, deleted INTEGER, "
            "changed_by_device TEXT, data TEXT)"
        )
        started = time.perf_counter()
        conn.execute("BEGIN")
        conn.executemany("INSERT INTO records VALUES (?, ?, ?, ?, ?, ?)", rows)
        conn.execute("COMMIT")
        return time.perf_counter() - started
    finally:
        conn.close()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{database}{suffix}").unlink(missing_ok=True)


def floor_rows(records: list[dict[str, Any]]) -> list[tuple[str, str, int, int, str, str]]:
    """The rows the floor stores: what the central service keeps of each record."""
    return [
        (
            r["entity"],
            r["id"],
            r["version"],
            int(r.get("deleted", False)),
            r.get("changed_by_device", ""),
            data_text(r.get("data", {})),
        )
        for r in records
    ]


def measure_ingest_vs_floor(context: Any, pairs: int = PAIRS) -> dict[str, float]:
    """Ingest 100,000 changes and its floor, interleaved `pairs` times (see the docstring).

    `ingest_100k_s` and `ingest_floor_s` are the medians of each side, `ingest_vs_floor_x`
    the median of the pairs' ratios.
    """
    from benchmarks.bench_sync import read_export_records

    work, template, bundle, keys, request = _central_with_export(context)
    rows = floor_rows(read_export_records(bundle, request, keys))
    ingests: list[float] = []
    floors: list[float] = []
    for n in range(pairs):
        central = work / f"central-{n + 1}"
        shutil.copytree(template, central)
        seconds, _line = time_ingest(bundle, central, BENCH_PASSPHRASE)
        shutil.rmtree(central)
        ingests.append(seconds)
        floors.append(executemany_floor(rows, work / "floor.db"))
        log(f"  bench_central: pair {n + 1}: ingest {seconds:.2f} s; floor {floors[-1]:.2f} s")
    return {
        "ingest_100k_s": statistics.median(ingests),
        "ingest_floor_s": statistics.median(floors),
        "ingest_vs_floor_x": statistics.median(a / b for a, b in zip(ingests, floors, strict=True)),
    }


def _central_with_export(context: Any) -> tuple[Path, Path, Path, KeyPair, EnrolmentRequest]:
    """A new central folder with the vault's device enrolled, and a 100,000-change export to
    it: (work folder, central folder, bundle, central keys, the device's enrolment request)."""
    from benchmarks.bench_sync import ensure_consent
    from earlyyears_desktop.sync.device import DeviceSync

    work = Path(context.work_dir) / "bench-central"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    folder = work / "central"
    central = init_central(
        folder,
        passphrase=BENCH_PASSPHRASE,
        name="Benchmark central service",
        database_url=None,
        suite=CipherSuite.X25519,
    )
    try:
        keys = central.keys
        sync = DeviceSync(context.services)
        request = work / "request.json"
        sync.enrolment_request(request)
        device = parse_enrolment_request(request.read_bytes())
        response = work / "response.json"
        enrolled = enrol_device(central, keys, request.read_bytes(), replace=True)
        response.write_bytes(enrolled.response)
    finally:
        central.close()
    sync.enrol(response, replace=True)
    ensure_consent(context.services)
    out = work / "bundles"
    out.mkdir()
    log("  bench_central: the device exports 100,000 changes to the benchmark central service")
    exported = sync.export(out, again=True, max_changes=CHANGES)
    log(f"  bench_central: {exported.record_count} records in {exported.path.name}")
    return work, folder, exported.path, keys, device


# --- self-contained ----------------------------------------------------------------------------


def synthetic_records(device_id: str, count: int = CHANGES) -> Iterator[dict[str, object]]:
    """Records shaped like a device's export: children, attendance marks and observations."""
    children = [str(uuid.UUID(int=i + 1)) for i in range(min(2_000, max(1, count // 50)))]
    sessions = [str(uuid.UUID(int=10**9 + i)) for i in range(500)]
    stamp = "2025-03-01T10:15:00.000000"
    for i in range(count):
        if i < len(children):
            yield _record(
                "child",
                children[i],
                device_id,
                {
                    "legal_given_names": f"Given{i}",
                    "legal_family_name": f"Family{i}",
                    "preferred_name": "",
                    "date_of_birth": "2022-06-14",
                    "status": "active",
                    "areas_of_need": "communication_and_interaction",
                    "created_at": stamp,
                    "updated_at": stamp,
                    "deleted_at": None,
                },
            )
        elif i % 3 == 0:
            yield _record(
                "attendance",
                str(uuid.uuid4()),
                device_id,
                {
                    "session_id": sessions[i % len(sessions)],
                    "child_id": children[i % len(children)],
                    "status": "present",
                    "came_with": "mum",
                    "arrived_at": "09:31:00",
                    "note": "",
                    "is_visitor": False,
                    "recorded_by": str(uuid.UUID(int=7)),
                    "recorded_at": stamp,
                    "created_at": stamp,
                    "updated_at": stamp,
                    "deleted_at": None,
                },
            )
        else:
            yield _record(
                "observation",
                str(uuid.uuid4()),
                device_id,
                {
                    "child_id": children[i % len(children)],
                    "context": "session",
                    "session_id": sessions[i % len(sessions)],
                    "observed_on": "2025-03-01",
                    "text": "Stacked four bricks and waited for a turn; named two colours with "
                    "a sign. Enjoyed the song bag and chose the next song.",
                    "area_of_need": "communication_and_interaction",
                    "share_with_parents": i % 2 == 0,
                    "created_at": stamp,
                    "updated_at": stamp,
                    "deleted_at": None,
                },
            )


def _record(entity: str, record_id: str, device: str, data: dict[str, object]) -> dict[str, object]:
    return {
        "entity": entity,
        "id": record_id,
        "version": 1,
        "deleted": False,
        "changed_by_device": device,
        "data": data,
    }


def make_central_with_device(
    folder: Path,
    device: KeyPair,
    device_id: str,
    passphrase: str,
    db_url: str | None = None,
    params: KdfParams | None = None,
) -> tuple[str, Any]:
    """A new central folder with `device` enrolled; its id and encryption public key.
    Argon2id at `params` (default: calibrated here, as `init` does)."""
    central = init_central(
        folder,
        passphrase=passphrase,
        name="Benchmark",
        database_url=db_url,
        suite=CipherSuite.X25519,
        params=params,
    )
    try:
        keys = central.keys
        request = build_enrolment_request(
            device,
            device_id=device_id,
            practitioner_name="Bench",
            team_name="Bench Team",
            now=dt.datetime.now(dt.UTC),
        )
        enrol_device(central, keys, request)
        return central.config.central_id, keys.encryption_public_key
    finally:
        central.close()


def make_100k_bundle(
    out: Path,
    device: KeyPair,
    device_id: str,
    central_id: str,
    central_key: Any,
    count: int = CHANGES,
) -> WrittenBundle:
    return write_bundle(
        out,
        kind="export",
        sender_id=device_id,
        sender_signing_key=device.signing,
        recipient_id=central_id,
        recipient_public_key=central_key,
        sequence=1,
        previous_bundle_sha256=None,
        records=synthetic_records(device_id, count),
        extra={"audit_head": {"hash": "0" * 64, "seq": count}},
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=CHANGES)
    parser.add_argument("--db", help="a PostgreSQL URL to measure instead of SQLite")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args(argv)
    base = Path(tempfile.mkdtemp(prefix="bench-central-"))
    try:
        device_id = str(uuid.uuid4())
        device = KeyPair.generate()
        template = base / "template"
        central_id, central_key = make_central_with_device(
            template, device, device_id, BENCH_PASSPHRASE, args.db
        )
        started = time.perf_counter()
        bundle = make_100k_bundle(
            base / "export.eyb", device, device_id, central_id, central_key, args.records
        )
        log(
            f"  bench_central: wrote {args.records} records "
            f"({bundle.path.stat().st_size / 1e6:.1f} MB) in {time.perf_counter() - started:.2f} s"
        )
        copies = iter(range(1, 1_000))

        def factory() -> Path:
            if args.db:
                return template  # one database: measure once
            target = base / f"central-{next(copies)}"
            shutil.copytree(template, target)
            return target

        figures = measure_ingest_100k(bundle.path, factory, passphrase=BENCH_PASSPHRASE)
        print(json.dumps(figures, sort_keys=True))
    finally:
        if not args.keep:
            shutil.rmtree(base, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
