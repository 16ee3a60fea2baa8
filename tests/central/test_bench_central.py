"""The sync benchmarks' functions work (on small bundles: tests assert, benchmarks measure)."""

from __future__ import annotations

import shutil
import uuid
from collections import Counter
from pathlib import Path
from types import SimpleNamespace

from benchmarks.bench_central import (
    executemany_floor,
    floor_rows,
    make_100k_bundle,
    make_central_with_device,
    measure_ingest_100k,
    measure_ingest_vs_floor,
    synthetic_records,
)
from benchmarks.bench_sync import (
    build_synthetic_vault,
    encode_and_encrypt_floor,
    measure_export_vs_floor,
)

from earlyyears_desktop.sync.keys import KeyPair

from ..fast_vaults import FAST_KDF
from .conftest import PASSPHRASE


def test_measure_ingest_on_a_small_bundle(tmp_path: Path) -> None:
    device, device_id = KeyPair.generate(), str(uuid.uuid4())
    template = tmp_path / "template"
    central_id, central_key = make_central_with_device(
        template, device, device_id, PASSPHRASE, params=FAST_KDF
    )
    bundle = make_100k_bundle(
        tmp_path / "export.eyb", device, device_id, central_id, central_key, count=3_000
    )
    made: list[Path] = []

    def factory() -> Path:
        target = tmp_path / f"central-{len(made)}"
        shutil.copytree(template, target)
        made.append(target)
        return target

    figures = measure_ingest_100k(bundle.path, factory)
    assert set(figures) == {"ingest_100k_s"}
    assert figures["ingest_100k_s"] > 0
    assert len(made) == 1


def test_export_and_ingest_with_their_floors_on_a_small_vault(tmp_path: Path) -> None:
    """The harness's export and ingest pairs, on 3,000 changes: every figure, floor and ratio."""
    services = build_synthetic_vault(tmp_path / "vault", "bench passphrase 2026", changes=3_000)
    context = SimpleNamespace(services=services, work_dir=tmp_path / "work")
    try:
        exported = measure_export_vs_floor(context, pairs=2)
        ingested = measure_ingest_vs_floor(context, pairs=2)
    finally:
        services.vault.lock()
    assert set(exported) == {
        "export_100k_s",
        "export_floor_s",
        "export_vs_floor_x",
        "export_100k_peak_mb",
    }
    assert set(ingested) == {"ingest_100k_s", "ingest_floor_s", "ingest_vs_floor_x"}
    for key in ("export_100k_s", "export_floor_s", "export_vs_floor_x", *ingested):
        assert (exported | ingested)[key] > 0, key
    assert not list((tmp_path / "work" / "bench-sync-out").glob("*.eyb"))  # each bundle removed


def test_the_floors_take_the_same_records_the_bundle_carries(tmp_path: Path) -> None:
    device, device_id = KeyPair.generate(), str(uuid.uuid4())
    central_id, central_key = make_central_with_device(
        tmp_path / "central", device, device_id, PASSPHRASE, params=FAST_KDF
    )
    bundle = make_100k_bundle(
        tmp_path / "export.eyb", device, device_id, central_id, central_key, count=500
    )
    records = list(synthetic_records(device_id, 500))
    rows = floor_rows(records)
    assert len(rows) == 500
    assert rows[0][:2] == (records[0]["entity"], records[0]["id"])
    assert bundle.manifest["record_counts"] == dict(
        sorted(Counter(str(r["entity"]) for r in records).items())
    )
    assert encode_and_encrypt_floor(records) > 0
    assert executemany_floor(rows, tmp_path / "floor.db") > 0
    assert not list(tmp_path.glob("floor.db*"))  # the floor's database is removed
