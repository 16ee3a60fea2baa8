"""What ingest reads and what the quarantine keeps: regular files only, never through a link,
and never more than its limits."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from earlyyears_desktop.central.folder import QuarantineLimits
from earlyyears_desktop.central.ingest import MAX_BUNDLE_BYTES, ingest_bundle

from .conftest import CentralEnv, record

MARKER = b"root:$6$not-a-real-hash-but-secret:19000:0:99999:7:::\n"
CLI = [sys.executable, "-m", "earlyyears_desktop.central.cli"]


def _kept(central: CentralEnv) -> list[Path]:
    quarantine = central.folder / "quarantine"
    return sorted(p for p in quarantine.iterdir()) if quarantine.exists() else []


def _no_marker_anywhere(central: CentralEnv) -> None:
    for path in central.folder.rglob("*"):
        if path.is_file():
            assert MARKER not in path.read_bytes(), path


def test_a_symbolic_link_is_refused_and_nothing_is_copied(
    central: CentralEnv, tmp_path: Path
) -> None:
    secret = tmp_path / "shadow"
    secret.write_bytes(MARKER)
    link = central.work / "link-to-shadow.eyb"
    link.symlink_to(secret)
    # A link to a real, valid bundle is not followed either.
    device = central.enrol("dev-a")
    bundle = device.bundle(central.work, [record("child", "c1", legal_given_names="Ann")])
    link_to_bundle = central.work / "link-to-bundle.eyb"
    link_to_bundle.symlink_to(bundle.path)

    result = central.cli("ingest", central.folder, link, link_to_bundle)

    assert result.code == 4
    lines = result.err.splitlines()
    assert len(lines) == 2
    for line in lines:
        assert "refused (not-a-file): It is a symbolic link; links are not followed" in line
        assert "Nothing was read or copied." in line
    assert _kept(central) == []
    _no_marker_anywhere(central)
    status = central.status()
    assert status["quarantined"] == [] and status["totals"]["bundles_accepted"] == 0  # type: ignore[index]


def test_a_pipe_a_device_and_a_folder_are_refused_without_being_read(
    central: CentralEnv,
) -> None:
    fifo = central.work / "fifo.eyb"
    os.mkfifo(fifo)
    folder = central.work / "folder.eyb"
    folder.mkdir()
    # A subprocess, so that a pipe opened by mistake blocks it and not the test run.
    process = subprocess.run(
        [*CLI, "ingest", str(central.folder), str(fifo), "/dev/zero", str(folder)],
        capture_output=True,
        text=True,
        timeout=120,  # a safety net only
        check=False,
    )
    assert process.returncode == 4, process.stderr
    lines = process.stderr.splitlines()
    assert [line.split(":")[0] for line in lines] == ["fifo.eyb", "zero", "folder.eyb"]
    for line in lines:
        assert "refused (not-a-file): It is not a regular file" in line
    assert _kept(central) == []
    assert central.status()["quarantined"] == []


def test_a_file_too_large_to_be_a_bundle_is_refused_unread(central: CentralEnv) -> None:
    huge = central.work / "huge.eyb"
    with open(huge, "wb") as f:
        f.truncate(MAX_BUNDLE_BYTES + 1)  # sparse: no disk space used
    result = central.cli("ingest", central.folder, huge)
    assert result.code == 4
    assert result.err.count("\n") == 1
    assert "refused (too-large): It is too large to be a bundle" in result.err
    assert _kept(central) == []
    assert central.status()["quarantined"] == []


def _garbage(central: CentralEnv, name: str, size: int) -> Path:
    path = central.work / name
    path.write_bytes(name.encode() + b"-" * (size - len(name)))
    return path


def test_the_quarantine_keeps_copies_within_its_limits(central: CentralEnv) -> None:
    opened = central.open()
    opened.quarantine_limits = QuarantineLimits(
        max_file_bytes=1_000, max_files=2, max_total_bytes=1_200
    )
    now = datetime.now(UTC)
    try:
        results = [
            ingest_bundle(opened, opened.keys, _garbage(central, name, size), now=now)
            for name, size in [
                ("big.eyb", 1_001),  # larger than a kept copy may be
                ("first.eyb", 700),
                ("second.eyb", 700),  # the folder would hold more than 1,200 bytes
                ("third.eyb", 100),
                ("fourth.eyb", 100),  # the folder would hold more than 2 files
            ]
        ]
    finally:
        opened.close()
    assert all(result.outcome == "refused" for result in results)
    big, first, second, third, fourth = results
    assert big.quarantined_as is None
    assert "No copy was kept: the file is larger than the 1000 bytes a copy may be." in big.line()
    assert first.quarantined_as is not None and not first.not_kept
    assert second.quarantined_as is None and "the quarantine folder is full" in second.not_kept
    assert third.quarantined_as is not None
    assert fourth.quarantined_as is None and "at most 2 files" in fourth.line()
    assert [p.name for p in _kept(central)] == sorted(
        Path(str(r.quarantined_as)).name for r in (first, third)
    )
    # Every refusal is still recorded, with no file for those not kept.
    quarantined = central.status()["quarantined"]
    assert isinstance(quarantined, list)
    assert sorted(entry["file"] for entry in quarantined) == sorted(
        ["", "", "", str(first.quarantined_as), str(third.quarantined_as)]
    )
    text = central.cli("status", central.folder).out
    assert text.count("(no copy kept)") == 3


@pytest.mark.parametrize("backend", ["sqlite"])
def test_a_kept_copy_is_private_and_the_same_bytes(central: CentralEnv, backend: str) -> None:
    garbage = _garbage(central, "refused.eyb", 5_000)
    result = central.cli("ingest", central.folder, garbage)
    assert result.code == 4
    [kept] = _kept(central)
    assert kept.read_bytes() == garbage.read_bytes()
    assert kept.stat().st_mode & 0o777 == 0o600
