"""A failed open never writes: a vault whose database is empty or not a database is refused
before anything (a journal mode, a migration, a backup) touches any file."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from earlyyears_desktop.storage.errors import VaultDamaged
from earlyyears_desktop.storage.vault import open_vault

from .conftest import DEVICE, PASSPHRASE, run

Snapshot = dict[str, tuple[bytes, int, int]]


def snapshot(folder: Path) -> Snapshot:
    """Every file and folder under `folder`: bytes, modification time (ns) and mode."""
    taken: Snapshot = {}
    for path in sorted([folder, *folder.rglob("*")]):
        info = path.stat()
        data = path.read_bytes() if path.is_file() else b""
        taken[str(path.relative_to(folder))] = (data, info.st_mtime_ns, info.st_mode)
    return taken


@pytest.fixture(params=["empty", "random-bytes"])
def broken(vault: Path, request: pytest.FixtureRequest) -> Path:
    database = vault / "vault.db"
    database.write_bytes(b"" if request.param == "empty" else os.urandom(64 * 1024))
    return vault


def test_the_command_refuses_and_leaves_every_file_as_it_was(broken: Path) -> None:
    before = snapshot(broken)
    result = run(DEVICE, "info", broken)
    assert snapshot(broken) == before
    assert "not a vault, or damaged" in result.one_line(1)


def test_opening_refuses_and_leaves_every_file_as_it_was(broken: Path) -> None:
    before = snapshot(broken)
    with pytest.raises(VaultDamaged) as refused:
        open_vault(broken, PASSPHRASE)
    assert snapshot(broken) == before
    assert "not a vault, or damaged" in refused.value.message


def test_a_good_vault_still_opens(vault: Path) -> None:
    opened = open_vault(vault, PASSPHRASE)
    try:
        assert opened.device_id
    finally:
        opened.lock()
