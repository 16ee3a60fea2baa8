"""A vault on a disk that is read-only (a tmpfs of the test's own, remounted read-only):
opening it says it cannot write there, in the app's use case and on the command line, and
changes nothing; a disk that turns read-only while the vault is open makes a save say so
plainly, and once writable again the save can be done. (A folder read-only by its mode is
refused the same way: tests/limits/test_permissions.py, run as an unprivileged user.)"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from earlyyears_desktop.cli.errors import EXIT_CANNOT_WRITE
from earlyyears_desktop.cli.main import main
from earlyyears_desktop.services.accounts import unlock
from earlyyears_desktop.services.children import ChildInput
from earlyyears_desktop.services.clock import Clock
from earlyyears_desktop.services.container import Services
from earlyyears_desktop.services.observations import ObservationInput
from earlyyears_desktop.services.vault_check import check_vault
from earlyyears_desktop.storage.errors import FolderNotWritable
from earlyyears_desktop.storage.vault import open_vault

from ..fast_vaults import PASSPHRASE, make_vault
from ..small_disk import SmallDisk, small_disk

DAY = dt.date(2027, 12, 27)
WORDS = "Mía carried the watering can to every plant"


@pytest.fixture
def disk(tmp_path: Path) -> Iterator[SmallDisk]:
    with small_disk(tmp_path / "disk") as mounted:
        yield mounted


def refusal(folder: Path) -> str:
    """What opening a vault on a read-only disk says."""
    return (
        f"The vault folder {folder} is on a read-only disk, so the vault was not opened: "
        "Early Years needs to write there as it is used."
    )


def test_a_vault_on_a_read_only_disk_is_refused_saying_so(
    disk: SmallDisk,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    incident_log_folder: Path,
) -> None:
    folder = disk.folder / "vault"
    make_vault(folder).vault.lock()
    before = {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in folder.iterdir()}
    disk.read_only()
    try:
        with pytest.raises(FolderNotWritable) as refused:
            unlock(folder, PASSPHRASE)  # what the unlock screen runs
        assert refused.value.message == refusal(folder)
        monkeypatch.setenv("EARLYYEARS_PASSPHRASE", PASSPHRASE)
        for words in (["info", str(folder)], ["enrol-request", str(folder), "--out", "r.json"]):
            assert main(words) == EXIT_CANNOT_WRITE
            assert capsys.readouterr().err.strip() == refusal(folder)
        log = (incident_log_folder / "incidents.log").read_text()
        assert log.count("earlyyears_desktop.storage.errors.FolderNotWritable") == 2
        assert str(folder) not in log
    finally:
        disk.writable()
    after = {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in folder.iterdir()}
    assert after == before
    unlock(folder, PASSPHRASE).lock()


def test_a_disk_turning_read_only_while_open_makes_a_save_say_so(disk: SmallDisk) -> None:
    folder = disk.folder / "vault"
    make_vault(folder).vault.lock()
    services = Services(open_vault(folder, PASSPHRASE), clock=Clock.fixed(DAY))
    try:
        child = services.children.create_child(
            ChildInput("Mía", "Hernández Ōtsuka", dt.date(2025, 3, 4))
        ).id
        # The vault's connections are let go, as they are when idle; then the disk turns
        # read-only (Linux refuses the remount while a file is open to be written).
        services.vault.engine.dispose()
        disk.read_only()
        try:
            with pytest.raises(FolderNotWritable) as refused:
                services.observations.add(ObservationInput(child, WORDS, DAY))
        finally:
            disk.writable()
        assert refused.value.message == (
            f"The vault's folder {folder} cannot be written now (its disk is read-only): "
            "nothing was saved. Make the disk writable again, then try again."
        )
        assert services.observations.for_child(child) == []
        services.observations.add(ObservationInput(child, WORDS, DAY))
        assert len(services.observations.for_child(child)) == 1
        report = check_vault(services)
        assert report.ok, report.failed
    finally:
        services.vault.lock()
