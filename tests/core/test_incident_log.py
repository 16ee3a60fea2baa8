"""Unexpected errors leave where they happened in a private log, and never anyone's data."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import text

from earlyyears_desktop.demo import DEMO_PASSPHRASE
from earlyyears_desktop.handouts.content import ATTENDED
from earlyyears_desktop.storage.incident_log import (
    LOG_DIR_ENV,
    LOG_FILE_NAME,
    IncidentLog,
    describe,
    record_incident,
)
from earlyyears_desktop.storage.vault import OpenVault

from .conftest import VaultUnderTest

NOW = datetime(2026, 11, 26, 9, 30, tzinfo=UTC)


@dataclass(frozen=True)
class DamagedChild:
    given_names: str
    family_name: str
    nhs_number: str
    session_id: str


def damage_a_childs_date_of_birth(vault: OpenVault) -> DamagedChild:
    """A child who came to a session gets their own name as date of birth (a damaged vault):
    reading them raises ValueError("Invalid isoformat string: '<the name>'")."""
    marks = ", ".join(f"'{status}'" for status in ATTENDED)
    with vault.engine.begin() as conn:
        row = conn.execute(
            text(
                "SELECT c.id, c.legal_given_names, c.legal_family_name, c.nhs_number, "
                "a.session_id FROM children c JOIN attendance a ON a.child_id = c.id "
                f"WHERE a.status IN ({marks}) AND c.nhs_number IS NOT NULL "
                "AND c.deleted_at IS NULL AND a.deleted_at IS NULL LIMIT 1"
            )
        ).one()
        conn.execute(
            text("UPDATE children SET date_of_birth = :name WHERE id = :id"),
            {"name": f"{row.legal_given_names} {row.legal_family_name}", "id": row.id},
        )
    return DamagedChild(
        row.legal_given_names, row.legal_family_name, row.nhs_number, row.session_id
    )


def earlyyears(*args: str, log_dir: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("EARLYYEARS_")}
    env.update(
        EARLYYEARS_PASSPHRASE=DEMO_PASSPHRASE,
        **{LOG_DIR_ENV: str(log_dir)},
    )
    return subprocess.run(
        [sys.executable, "-m", "earlyyears_desktop.cli.main", *args],
        capture_output=True,
        text=True,
        env=env,
        stdin=subprocess.DEVNULL,
        timeout=180,
        umask=0o000,  # the log must be private whatever the umask
    )


def mode(path: Path) -> int:
    return stat.S_IMODE(path.lstat().st_mode)


def test_a_failure_while_reading_a_childs_record_logs_frames_but_no_data(
    demo: VaultUnderTest, tmp_path: Path
) -> None:
    child = damage_a_childs_date_of_birth(demo.vault)
    demo.vault.lock()
    log_dir = tmp_path / "state" / "log"

    result = earlyyears(
        "handouts",
        str(demo.folder),
        "--session",
        child.session_id,
        "--out",
        str(tmp_path / "handouts.pdf"),
        log_dir=log_dir,
    )

    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    [line] = result.stderr.splitlines()
    assert line.startswith("An unexpected error stopped the command (ValueError).")
    log_file = log_dir / LOG_FILE_NAME
    assert f"in {log_file}." in line
    logged = log_file.read_text(encoding="utf-8")
    incident_id = line.split("incident ")[1].split()[0]
    assert logged.startswith(f"incident {incident_id}\n")
    # Where it happened: the types and the frames, file, line and function.
    assert "error: ValueError\n" in logged
    assert "earlyyears_desktop/cli/cmd_handouts.py:" in logged
    assert "earlyyears_desktop/handouts/content.py:" in logged
    assert " in read_session\n" in logged
    # Never what it was about: not the child's names, NHS number, nor the message.
    for secret in (
        child.given_names,
        child.family_name,
        *child.given_names.split(),
        child.nhs_number,
        "Invalid isoformat",
    ):
        assert secret not in logged, secret
        assert secret not in line, secret
    assert str(Path.home()) + "/" not in logged  # a user name is personal data too
    assert mode(log_dir) == 0o700
    assert mode(log_file) == 0o600


def test_an_unwritable_log_folder_still_gives_the_one_line_and_the_code(
    demo: VaultUnderTest, tmp_path: Path
) -> None:
    child = damage_a_childs_date_of_birth(demo.vault)
    demo.vault.lock()
    # A file where the folder should be: no folder can be made there, even by root.
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")

    result = earlyyears(
        "handouts",
        str(demo.folder),
        "--session",
        child.session_id,
        "--out",
        str(tmp_path / "handouts.pdf"),
        log_dir=blocker / "log",
    )

    assert result.returncode == 1, result.stderr
    assert result.stderr == (
        "An unexpected error stopped the command (ValueError). Records already saved are "
        "kept. The details for support could not be saved.\n"
    )


def _raise_with_a_name(name: str, nhs_number: str) -> None:
    record = {"name": name, "nhs_number": nhs_number}
    try:
        raise KeyError(record["nhs_number"])
    except KeyError as exc:
        raise RuntimeError(f"could not save {record['name']}") from exc


def _failure() -> BaseException:
    try:
        _raise_with_a_name("Amelia Okonkwo", "9434765919")
    except RuntimeError as exc:
        return exc
    raise AssertionError("no failure")


def test_an_incident_names_the_chain_of_types_and_frames_only() -> None:
    incident = describe(_failure(), program="earlyyears", now=NOW, incident_id="7KQ2MD")
    assert incident.type_names == ("RuntimeError", "KeyError")
    details = incident.details()
    assert details.startswith(
        "incident 7KQ2MD\ntime: 2026-11-26T09:30:00Z\nprogram: earlyyears 0.1.0 (Python "
    )
    assert "\nerror: RuntimeError\n" in details
    assert "\ndirect cause: KeyError\n" in details
    assert "test_incident_log.py:" in details and " in _raise_with_a_name\n" in details
    for secret in ("Amelia", "Okonkwo", "9434765919", "could not save"):
        assert secret not in details


def test_a_thousand_frames_are_cut_in_the_middle() -> None:
    def deeper(n: int) -> None:
        if n:
            deeper(n - 1)
        raise RecursionError("at the bottom")

    try:
        deeper(200)
    except RecursionError as exc:
        incident = describe(exc, program="earlyyears", now=NOW)
    [failure] = incident.chain
    assert len(failure.frames) == 50
    assert failure.frames_left_out == 152
    assert "... 152 frames left out ..." in incident.details()


def test_rotation_keeps_the_log_bounded_and_every_file_private(tmp_path: Path) -> None:
    old_umask = os.umask(0)
    try:
        log = IncidentLog(tmp_path / "logs", max_bytes=2_000, backups=2)
        for _ in range(30):
            log.append(describe(_failure(), program="earlyyears", now=NOW))
    finally:
        os.umask(old_umask)
    files = log.files()
    assert [p.name for p in files] == [LOG_FILE_NAME, f"{LOG_FILE_NAME}.1", f"{LOG_FILE_NAME}.2"]
    assert sorted(p.name for p in (tmp_path / "logs").iterdir()) == sorted(p.name for p in files)
    for path in files:
        assert path.stat().st_size <= 2_000
        assert mode(path) == 0o600
    assert mode(tmp_path / "logs") == 0o700


def test_a_symbolic_link_in_place_of_the_log_is_not_followed(tmp_path: Path) -> None:
    target = tmp_path / "elsewhere.txt"
    target.write_text("kept as it was\n")
    folder = tmp_path / "logs"
    folder.mkdir()
    (folder / LOG_FILE_NAME).symlink_to(target)

    saved = record_incident(_failure(), program="earlyyears", folder=folder, now=NOW)

    assert saved.log_file is None
    assert target.read_text() == "kept as it was\n"


@pytest.mark.parametrize("umask", [0o000, 0o022])
def test_an_existing_loose_log_is_made_private(tmp_path: Path, umask: int) -> None:
    folder = tmp_path / "logs"
    folder.mkdir(mode=0o755)
    os.chmod(folder, 0o755)
    (folder / LOG_FILE_NAME).write_text("")
    os.chmod(folder / LOG_FILE_NAME, 0o644)
    old_umask = os.umask(umask)
    try:
        saved = record_incident(_failure(), program="earlyyears", folder=folder, now=NOW)
    finally:
        os.umask(old_umask)
    assert saved.log_file == folder / LOG_FILE_NAME
    assert mode(folder) == 0o700
    assert mode(folder / LOG_FILE_NAME) == 0o600


def test_new_folders_are_private_and_a_shared_folder_is_not_used(tmp_path: Path) -> None:
    old_umask = os.umask(0)
    try:
        saved = record_incident(
            _failure(), program="earlyyears", folder=tmp_path / "state" / "earlyyears" / "log"
        )
        shared = tmp_path / "shared"
        shared.mkdir(mode=0o1777)
        refused = record_incident(_failure(), program="earlyyears", folder=shared)
    finally:
        os.umask(old_umask)
    assert saved.log_file == tmp_path / "state" / "earlyyears" / "log" / LOG_FILE_NAME
    for folder in ("state", "state/earlyyears", "state/earlyyears/log"):
        assert mode(tmp_path / folder) == 0o700
    assert refused.log_file is None
    assert mode(shared) == 0o1777 and not any(shared.iterdir())
