"""The ingest benchmark's function works (on a small bundle: tests assert, benchmarks measure)."""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path

from benchmarks.bench_central import (
    make_100k_bundle,
    make_central_with_device,
    measure_ingest_100k,
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
