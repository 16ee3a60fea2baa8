"""The `earlyyears` command line, run as a real subprocess: exit codes and one-line errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from earlyyears_desktop.demo import DEMO_PASSPHRASE

from .conftest import VaultUnderTest


def run(*args: str, passphrase: str | None = DEMO_PASSPHRASE) -> subprocess.CompletedProcess[str]:
    """`earlyyears ARGS...` in a subprocess. The vaults it opens were made in process with a
    cheap Argon2id (their key slots say so); only `demo` pays the calibrated cost."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("EARLYYEARS_")}
    if passphrase is not None:
        env["EARLYYEARS_PASSPHRASE"] = passphrase
    return subprocess.run(
        [sys.executable, "-m", "earlyyears_desktop.cli.main", *args],
        capture_output=True,
        text=True,
        env=env,
        stdin=subprocess.DEVNULL,
        timeout=180,
    )


def assert_one_line_error(result: subprocess.CompletedProcess[str], code: int) -> str:
    assert result.returncode == code, (result.returncode, result.stderr)
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].strip()
    return lines[0]


@pytest.fixture
def locked_demo(demo: VaultUnderTest) -> Path:
    demo.vault.lock()
    return demo.folder


def test_demo_creates_a_vault_that_the_other_commands_read(tmp_path: Path) -> None:
    folder = tmp_path / "demo"
    made = run("demo", str(folder))
    assert made.returncode == 0, made.stderr
    assert made.stderr == ""
    assert "Recovery key" in made.stdout
    assert (folder / "keyslots.json").is_file() and (folder / "vault.db").is_file()
    for slot in json.loads((folder / "keyslots.json").read_text())["slots"]:
        assert slot["kdf"]["memory_kib"] >= 65_536  # tuned on this machine, as for a user

    again = run("demo", str(folder))
    assert "already a vault" in assert_one_line_error(again, 2)

    ok = run("audit-verify", str(folder))
    assert ok.returncode == 0 and "intact" in ok.stdout


def test_info_json_is_stable(locked_demo: Path) -> None:
    first = run("info", str(locked_demo), "--json")
    second = run("info", str(locked_demo), "--json")
    assert first.returncode == 0, first.stderr
    assert first.stdout == second.stdout
    info = json.loads(first.stdout)
    assert info["children"] == 26
    assert info["counts"]["child"] == 26
    assert list(info["counts"]) == sorted(info["counts"])
    assert info["unsynced_changes"] > 0 and info["last_export"] is None
    assert info["administrators"] == 1  # the demo's first practitioner
    assert "Zoë" not in first.stdout  # counts only, no names


def test_info_text(locked_demo: Path) -> None:
    result = run("info", str(locked_demo))
    assert result.returncode == 0 and "Cherwell Early Years SEND Team" in result.stdout
    assert "Administrators: 1" in result.stdout


def test_sessions_json(locked_demo: Path) -> None:
    first = run("sessions", str(locked_demo), "--json")
    assert first.returncode == 0, first.stderr
    rows = json.loads(first.stdout)
    assert rows and {"id", "group", "date", "status", "present"} <= set(rows[0])
    assert {r["group"] for r in rows} == {"Little Steps", "Chatterbox"}
    assert [r["date"] for r in rows] == sorted(r["date"] for r in rows)
    assert any(r["present"] for r in rows)
    assert run("sessions", str(locked_demo), "--json").stdout == first.stdout


def test_audit_verify(locked_demo: Path) -> None:
    result = run("audit-verify", str(locked_demo))
    assert result.returncode == 0 and result.stderr == ""


@pytest.mark.parametrize(
    "args",
    [
        ("no-such-command",),
        ("info",),
        ("info", "a", "b"),
        ("info", "x", "--no-such-option"),
        (),
    ],
    ids=["unknown-verb", "missing-dir", "extra-arg", "unknown-option", "nothing"],
)
def test_bad_arguments_exit_2_with_one_line(args: tuple[str, ...]) -> None:
    assert_one_line_error(run(*args), 2)


def test_missing_vault_folder_exits_2(tmp_path: Path) -> None:
    line = assert_one_line_error(run("info", str(tmp_path / "nowhere")), 2)
    assert "does not exist" in line


def test_a_folder_that_is_not_a_vault_exits_2(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("shopping list")
    line = assert_one_line_error(run("info", str(tmp_path)), 2)
    assert "not a vault" in line


def test_wrong_passphrase_exits_3(locked_demo: Path) -> None:
    line = assert_one_line_error(run("info", str(locked_demo), passphrase="not the passphrase"), 3)
    assert "passphrase" in line and "not the passphrase" not in line


def test_passphrase_file_with_trailing_newline(locked_demo: Path, tmp_path: Path) -> None:
    secret = tmp_path / "passphrase.txt"
    secret.write_text(DEMO_PASSPHRASE + "\n", encoding="utf-8")
    result = run(
        "info", str(locked_demo), "--json", "--passphrase-file", str(secret), passphrase=None
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["children"] == 26


def test_passphrase_file_wins_over_the_environment(locked_demo: Path, tmp_path: Path) -> None:
    secret = tmp_path / "passphrase.txt"
    secret.write_text("wrong passphrase in the file\n", encoding="utf-8")
    result = run("info", str(locked_demo), "--passphrase-file", str(secret))
    assert_one_line_error(result, 3)


def test_unreadable_passphrase_file_exits_2(locked_demo: Path, tmp_path: Path) -> None:
    result = run("info", str(locked_demo), "--passphrase-file", str(tmp_path / "missing.txt"))
    assert_one_line_error(result, 2)


def test_no_passphrase_and_no_terminal_exits_3(locked_demo: Path) -> None:
    line = assert_one_line_error(run("info", str(locked_demo), passphrase=None), 3)
    assert "EARLYYEARS_PASSPHRASE" in line


def test_vault_from_a_newer_version_is_one_line(demo: VaultUnderTest) -> None:
    from sqlalchemy import text

    with demo.vault.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    demo.vault.lock()
    line = assert_one_line_error(run("info", str(demo.folder)), 1)
    assert "newer version" in line
