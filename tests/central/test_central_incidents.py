"""An unexpected failure of the central service leaves its frames in CENTRAL/logs/, no data."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Mapping
from pathlib import Path

import pytest

from earlyyears_desktop.central import ingest
from earlyyears_desktop.central.cli import build_parser, incident_folder
from earlyyears_desktop.central.records import Incoming
from earlyyears_desktop.storage.incident_log import LOG_FILE_NAME

from ..fast_vaults import make_central
from .conftest import PASSPHRASE, CentralEnv, Run, record

CHILD_NAME = "Zoë Łukasiewicz-Ó'Brien"
NHS_NUMBER = "9434765919"


def test_a_failure_while_storing_a_childs_record_is_logged_in_the_central_folder(
    tmp_path: Path,
    central_cli: Callable[..., Run],
    incident_log_folder: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    folder = make_central(tmp_path / "central", passphrase=PASSPHRASE)
    work = tmp_path / "work"
    work.mkdir()
    central = CentralEnv(folder, work, central_cli)
    device = central.enrol("dev-a")
    bundle = device.bundle(
        work, [record("child", "c1", legal_given_names=CHILD_NAME, nhs_number=NHS_NUMBER)]
    )

    # A fault injected into the real ingest (not the log): a bug met while the child's record
    # is in hand, with the child's name in its message.
    real_parse = ingest.parse_record

    def parse_then_fail(raw: Mapping[str, object], device_id: str) -> Incoming:
        parsed = real_parse(raw, device_id)
        raise LookupError(f"no rule for {parsed.raw_data['legal_given_names']}")

    monkeypatch.setattr(ingest, "parse_record", parse_then_fail)
    old_umask = os.umask(0)
    try:
        result = central_cli("ingest", folder, bundle.path)
    finally:
        os.umask(old_umask)

    assert result.code == 1
    [line] = result.err.splitlines()
    assert line.startswith("An unexpected error stopped the command (LookupError).")
    log_file = folder / "logs" / LOG_FILE_NAME
    assert line.endswith(f" in {log_file}.")
    logged = log_file.read_text(encoding="utf-8")
    assert "program: earlyyears-central 0.1.0" in logged
    assert "error: LookupError\n" in logged
    assert "earlyyears_desktop/central/cli.py:" in logged
    assert "earlyyears_desktop/central/ingest.py:" in logged
    assert ".<locals>.parse_then_fail\n" in logged
    for secret in (CHILD_NAME, "Zoë", NHS_NUMBER, "no rule for"):
        assert secret not in logged
        assert secret not in line
    assert stat.S_IMODE((folder / "logs").stat().st_mode) == 0o700
    assert stat.S_IMODE(log_file.stat().st_mode) == 0o600
    assert not incident_log_folder.exists()  # not the user's log folder


def test_init_in_an_empty_folder_never_leaves_a_log_behind(
    tmp_path: Path, central_cli: Callable[..., Run], incident_log_folder: Path
) -> None:
    """Before there is a central service, incidents go to the user's log folder: a failed
    `init` must leave an empty folder empty, ready for the next try."""
    empty = tmp_path / "empty"
    empty.mkdir()
    args = build_parser().parse_args(["init", str(empty)])
    assert incident_folder(args) == incident_log_folder
    assert incident_folder(None) == incident_log_folder
