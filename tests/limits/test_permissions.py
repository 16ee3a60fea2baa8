"""Messages that say what happened: a permission that is missing is "permission denied: PATH"
and a file where a folder belongs is "PATH is a file, not a folder" (exit 2), never "damaged"
or "unexpected error". Run as an unprivileged user: root reads every file whatever its mode."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from .conftest import CENTRAL, DEVICE, run

HandOver = Callable[[Path], tuple[int, int] | None]


@pytest.mark.parametrize(
    ("take_from", "mode"),
    [
        (".", 0o000),
        ("keyslots.json", 0o000),
        ("vault.db", 0o000),
        ("vault.db", 0o400),
    ],
    ids=[
        "folder-closed",
        "key-slots-closed",
        "database-closed",
        "database-read-only",
    ],
)
def test_a_vault_without_permission_says_so(
    vault: Path, home: Path, unprivileged: HandOver, take_from: str, mode: int
) -> None:
    user = unprivileged(home)
    denied = vault / take_from if take_from != "." else vault
    denied.chmod(mode)
    line = run(DEVICE, "info", vault, as_user=user).one_line(2)
    assert line == f"permission denied: {denied}"


def test_a_vault_folder_that_cannot_be_written_says_so(
    vault: Path, home: Path, unprivileged: HandOver
) -> None:
    """A folder the user may read but not write (0500): a vault is written to as it is used,
    so it is not opened by any command (here one that writes), and nothing is written (exit
    5, as for a read-only disk: tests/core/test_read_only_vault.py)."""
    user = unprivileged(home)
    vault.chmod(0o500)
    before = sorted(p.name for p in vault.iterdir())
    out = home / "request.json"
    line = run(DEVICE, "enrol-request", vault, "--out", out, as_user=user).one_line(5)
    assert line == (
        f"The vault folder {vault} cannot be written, so the vault was not opened: Early "
        "Years needs to write there as it is used."
    )
    assert sorted(p.name for p in vault.iterdir()) == before and not out.exists()


def test_a_demo_over_a_file_says_it_is_a_file(home: Path) -> None:
    existing = home / "notes.txt"
    existing.write_text("not a folder\n")
    line = run(DEVICE, "demo", existing).one_line(2)
    assert line == f"{existing} is a file, not a folder"
    assert existing.read_text() == "not a folder\n"


def test_a_demo_where_it_may_not_write_says_so(home: Path, unprivileged: HandOver) -> None:
    closed = home / "closed"
    closed.mkdir()
    user = unprivileged(home)
    closed.chmod(0o500)
    line = run(DEVICE, "demo", closed / "vault", as_user=user).one_line(2)
    assert line == f"permission denied: {closed / 'vault'}"
    assert list(closed.iterdir()) == []


@pytest.mark.parametrize(
    ("file_name", "command"),
    [("keys.json", ("ingest", "no-such.eyb")), ("central.json", ("status",))],
)
def test_a_central_file_without_permission_says_so(
    central: Path, home: Path, unprivileged: HandOver, file_name: str, command: tuple[str, ...]
) -> None:
    user = unprivileged(home)
    (central / file_name).chmod(0o000)
    line = run(CENTRAL, command[0], central, *command[1:], as_user=user).one_line(2)
    assert line == f"permission denied: {central / file_name}"
