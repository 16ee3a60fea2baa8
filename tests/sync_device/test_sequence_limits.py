"""Correctly signed return bundles whose sequence number jumps far ahead: refused, saying why.

They come from the central service's real keys (the stand-in in conftest.py), so every check of
section 9 passes and only the receiver policy of section 10 can stop them. The import runs as a
real `earlyyears import` process under a 200 MB data limit: before gaps were kept as ranges,
the one at 10,000,000 took 1.35 GB and the one at 2**53-1 raised MemoryError.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest

from earlyyears_desktop.domain.models import VaultSetting
from earlyyears_desktop.services.container import Services
from earlyyears_desktop.storage.vault import open_vault
from earlyyears_desktop.sync.bundle import MAX_SEQUENCE_GAP

from .conftest import PASSPHRASE, TODAY, Central, enrol
from .test_device_sync import snapshot

MEMORY_LIMIT = 200 * 1024 * 1024


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_DATA, (MEMORY_LIMIT, MEMORY_LIMIT))


def import_in_a_process(vault: Path, bundle: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "earlyyears_desktop.cli.main", "import", str(vault), str(bundle)],
        env={**os.environ, "EARLYYEARS_PASSPHRASE": PASSPHRASE},
        capture_output=True,
        text=True,
        timeout=300,  # a safety net, not a measure
        preexec_fn=_limit_memory,
    )


@pytest.mark.parametrize("sequence", [10_000_000, 2**53 - 1])
def test_a_return_bundle_far_ahead_is_refused_fast_and_changes_nothing(
    services: Services, central: Central, tmp_path: Path, sequence: int
) -> None:
    sync = enrol(services, central, tmp_path)
    central.return_bundle(tmp_path / "1.eyb")
    assert sync.import_return(tmp_path / "1.eyb").missing is None
    far = tmp_path / "far.eyb"
    central.return_bundle(far, sequence=sequence, previous="0" * 64)
    folder = services.vault.paths.folder
    before = snapshot(services)
    database = services.vault.paths.database
    services.vault.lock()

    result = import_in_a_process(folder, far)

    assert result.returncode == 4, result.stderr
    assert result.stdout == ""
    assert result.stderr == (
        f"Bundle refused (too-far-ahead): This bundle's sequence number ({sequence}) is too "
        f"far ahead of the last one received (1): at most {MAX_SEQUENCE_GAP} bundles may be "
        "missing in between, so it is damaged or was not made by the sender's app. "
        "Nothing was changed.\n"
    )
    size = database.stat().st_size
    reopened = Services(open_vault(folder, PASSPHRASE), today=lambda: TODAY)
    try:
        assert snapshot(reopened) == before
    finally:
        reopened.vault.lock()
    assert size < 10 * 1024 * 1024


def test_a_gap_up_to_the_limit_is_kept_as_one_range(
    services: Services, central: Central, tmp_path: Path
) -> None:
    sync = enrol(services, central, tmp_path)
    central.return_bundle(tmp_path / "1.eyb")
    sync.import_return(tmp_path / "1.eyb")
    last = 1 + MAX_SEQUENCE_GAP + 1
    central.return_bundle(tmp_path / "far.eyb", sequence=last, previous="0" * 64)
    result = sync.import_return(tmp_path / "far.eyb")
    assert result.missing == (2, last - 1)
    assert f"Return bundles 2 to {last - 1} never arrived" in result.message
    central.return_bundle(tmp_path / "next.eyb", sequence=last + 3, previous="0" * 64)
    assert sync.import_return(tmp_path / "next.eyb").missing == (last + 1, last + 2)
    with services.uow.read() as session:
        kept = session.get(VaultSetting, "sync.return.missing")
        assert kept is not None
    assert kept.value == f"2-{last - 1},{last + 1}-{last + 2}"
