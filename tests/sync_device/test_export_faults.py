"""An export that fails half-way: a USB stick that is full, a process killed (SIGKILL) while
the bundle is written or just after it is named. Afterwards no half bundle has a bundle's
name, no change is marked sent for a bundle the vault does not remember, the vault passes
every check, and the next export sends everything."""

from __future__ import annotations

import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from earlyyears_desktop.services.container import Services
from earlyyears_desktop.services.vault_check import check_vault
from earlyyears_desktop.storage.errors import DiskFull
from earlyyears_desktop.storage.vault import open_vault
from earlyyears_desktop.sync.bundle import bundle_file_name
from earlyyears_desktop.sync.device import DeviceSync

from ..kill_at import run_killed
from ..small_disk import SmallDisk, small_disk
from .conftest import PASSPHRASE, TODAY, Central, add_child, enrol

NAMES = (("Zeynep", "Yılmaz"), ("Oluwaseun", "Adébáyọ̀"))


@pytest.fixture
def stick(tmp_path: Path) -> Iterator[SmallDisk]:
    """A small USB stick of this test's own (a 6 MiB tmpfs)."""
    with small_disk(tmp_path / "stick") as mounted:
        yield mounted


def _enrolled_with_children(services: Services, central: Central, tmp_path: Path) -> int:
    """Enrol, add two children; the number of changes waiting to be sent."""
    sync = enrol(services, central, tmp_path)
    for given, family in NAMES:
        add_child(services, given, family)
    return sync.unsynced_count()


def _reopened(folder: Path) -> Services:
    """The vault opened again (its quick check at unlock), after every full check passed."""
    services = Services(open_vault(folder, PASSPHRASE), today=lambda: TODAY)
    report = check_vault(services)
    assert report.ok, report.failed
    return services


def _sent_children(central: Central, path: Path) -> int:
    with central.open_export(path) as bundle:
        return sum(1 for record in bundle.records() if record["entity"] == "child")


def test_an_export_killed_before_its_bundle_is_named_leaves_no_bundle(
    services: Services, central: Central, tmp_path: Path
) -> None:
    folder = services.vault.paths.folder
    pending = _enrolled_with_children(services, central, tmp_path)
    name = bundle_file_name("export", services.vault.device_id, 1)
    services.vault.lock()
    usb = tmp_path / "usb"
    usb.mkdir()

    run_killed("bundle-written", "export", folder, "--out", usb, passphrase=PASSPHRASE)

    # Only the temporary files it was written in: named after the bundle, private, and
    # holding ciphertext only.
    leftovers = sorted(usb.iterdir())
    assert leftovers and not (usb / name).exists()
    for leftover in leftovers:
        assert leftover.name.startswith(f".{name}.") and leftover.name.endswith(".tmp")
        assert stat.S_IMODE(leftover.stat().st_mode) == 0o600
    again = _reopened(folder)
    try:
        sync = DeviceSync(again)
        assert sync.unsynced_count() == pending
        assert sync.history() == []
        result = sync.export(usb)
        assert result.sequence == 1
        assert [p.name for p in usb.iterdir()] == [name]  # the leftovers went
        assert _sent_children(central, result.path) == len(NAMES)
        assert sync.unsynced_count() == 0
    finally:
        again.vault.lock()


def test_an_export_killed_after_naming_its_bundle_leaves_none_it_does_not_remember(
    services: Services, central: Central, tmp_path: Path
) -> None:
    folder = services.vault.paths.folder
    pending = _enrolled_with_children(services, central, tmp_path)
    name = bundle_file_name("export", services.vault.device_id, 1)
    services.vault.lock()
    usb = tmp_path / "usb"
    usb.mkdir()

    run_killed("bundle-named", "export", folder, "--out", usb, passphrase=PASSPHRASE)

    # A whole bundle (never half of one has the name), which the vault does not remember.
    assert [p.name for p in usb.iterdir()] == [name]
    assert _sent_children(central, usb / name) == len(NAMES)
    again = _reopened(folder)
    try:
        sync = DeviceSync(again)
        assert sync.unsynced_count() == pending and sync.history() == []
        # The next export, to another stick, sends everything under the same number and
        # removes the bundle it never recorded from the first.
        other = tmp_path / "other-usb"
        other.mkdir()
        result = sync.export(other)
        assert result.sequence == 1 and result.path == other / name
        assert list(usb.iterdir()) == []
        assert _sent_children(central, result.path) == len(NAMES)
        assert [row.sequence for row in sync.history()] == [1]
    finally:
        again.vault.lock()


def test_an_export_to_a_full_stick_says_so_and_sends_everything_next_time(
    services: Services, central: Central, tmp_path: Path, stick: SmallDisk
) -> None:
    pending = _enrolled_with_children(services, central, tmp_path)
    sync = DeviceSync(services)
    stick.fill()

    with pytest.raises(DiskFull) as refused:
        sync.export(stick.folder)

    assert refused.value.message == (
        "The disk is full: the bundle was not written and nothing was marked as sent. "
        f"Free some space in {stick.folder} and try again."
    )
    assert [p.name for p in stick.folder.iterdir()] == ["filler"]
    assert sync.unsynced_count() == pending and sync.history() == []
    stick.free()
    result = sync.export(stick.folder)
    assert result.sequence == 1
    assert _sent_children(central, result.path) == len(NAMES)
