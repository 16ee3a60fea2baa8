"""A full disk (a 6 MiB tmpfs of the test's own, filled): a save through the services, a
handout PDF, the incident log itself and the copy taken before an upgrade each fail in one
plain sentence that names no child, nothing is written by halves, and once space is freed
the vault opens whole and the write can be done again."""

from __future__ import annotations

import datetime as dt
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from earlyyears_desktop.cli.errors import EXIT_CANNOT_WRITE
from earlyyears_desktop.cli.main import main
from earlyyears_desktop.handouts.pdf_file import write_pdf_atomically
from earlyyears_desktop.services.children import ChildInput
from earlyyears_desktop.services.clock import Clock
from earlyyears_desktop.services.container import Services
from earlyyears_desktop.services.observations import ObservationInput
from earlyyears_desktop.services.vault_check import check_vault
from earlyyears_desktop.storage import migrations
from earlyyears_desktop.storage.errors import DiskFull
from earlyyears_desktop.storage.incident_log import describe, record_incident
from earlyyears_desktop.storage.vault import open_vault

from ..fast_vaults import PASSPHRASE, make_vault
from ..small_disk import SmallDisk, small_disk
from .conftest import VaultUnderTest, services_on_test_day
from .test_migrations import (  # noqa: F401 (an autouse fixture: vaults made by the revisions)
    OLD_WORDS,
    _vault_at_first_revision,
    vaults_made_by_the_migrations,
)

DAY = dt.date(2028, 2, 29)
GIVEN, FAMILY = "Aarav", "Chaudhary-Ní Bhriain"
WORDS = "Aarav poured water from the jug into three cups without spilling"


@pytest.fixture
def disk(tmp_path: Path) -> Iterator[SmallDisk]:
    with small_disk(tmp_path / "disk") as mounted:
        yield mounted


def _full_disk_message(folder: Path, outcome: str) -> str:
    return (
        f"The disk is full: {outcome}. Free some space on the disk that holds the vault "
        f"({folder}) and try again."
    )


def _deep(levels: int, cause: BaseException | None) -> None:
    if levels == 0:
        raise RuntimeError("the bottom") from cause
    _deep(levels - 1, cause)


def _long_incident() -> BaseException:
    """An error whose entry in the log is longer than a page of the disk (4 KiB)."""
    error: BaseException | None = None
    for _ in range(3):
        try:
            _deep(60, error)
        except RuntimeError as exc:
            error = exc
    assert error is not None and len(describe(error, program="test").details()) > 4096
    return error


def test_a_save_on_a_full_disk_keeps_everything_and_can_be_done_again(disk: SmallDisk) -> None:
    folder = disk.folder / "vault"
    make_vault(folder).vault.lock()
    services = Services(open_vault(folder, PASSPHRASE), clock=Clock.fixed(DAY))
    try:
        child = services.children.create_child(ChildInput(GIVEN, FAMILY, dt.date(2025, 6, 1))).id
        first = services.observations.add(ObservationInput(child, "Stacked four cups", DAY)).id
        logs = disk.folder / "logs"
        assert record_incident(_long_incident(), program="test", folder=logs).log_file
        log_before = (logs / "incidents.log").read_bytes()
        disk.fill()

        with pytest.raises(DiskFull) as refused:
            services.observations.add(ObservationInput(child, WORDS, DAY))
        assert refused.value.message == _full_disk_message(folder, "nothing was saved")
        with pytest.raises(DiskFull) as not_printed:
            write_pdf_atomically(disk.folder / "handout.pdf", b"%PDF-1.4\n" + b"x" * 200_000)
        assert not_printed.value.message == (
            "The disk is full: the document was not saved. "
            f"Free some space in {disk.folder} and try again."
        )
        # The incident log cannot take an entry either: it keeps the ones before, whole.
        assert record_incident(_long_incident(), program="test", folder=logs).log_file is None
        assert (logs / "incidents.log").read_bytes() == log_before
        for message in (refused.value.message, not_printed.value.message):
            assert GIVEN not in message and "jug" not in message

        disk.free()
        assert sorted(p.name for p in disk.folder.iterdir()) == ["logs", "vault"]
        assert [o.id for o in services.observations.for_child(child)] == [first]
        services.observations.add(ObservationInput(child, WORDS, DAY))
        assert len(services.observations.for_child(child)) == 2
    finally:
        services.vault.lock()
    again = Services(open_vault(folder, PASSPHRASE), clock=Clock.fixed(DAY))
    try:
        report = check_vault(again)
        assert report.ok, report.failed
        assert len(again.observations.for_child(child)) == 2
    finally:
        again.vault.lock()


def test_an_upgrade_on_a_full_disk_changes_nothing_and_the_command_says_so(
    disk: SmallDisk,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    incident_log_folder: Path,
) -> None:
    folder = disk.folder / "vault"
    created = make_vault(folder)
    old = VaultUnderTest(
        folder, PASSPHRASE, created.recovery_key, services_on_test_day(created.vault)
    )
    _, observation = _vault_at_first_revision(old)  # locked, at revision 0001
    before = {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}
    # Room to open the vault, not for the copy of it taken before the upgrade.
    disk.fill(leave=128 * 1024)
    monkeypatch.setenv("EARLYYEARS_PASSPHRASE", PASSPHRASE)

    assert main(["info", str(folder)]) == EXIT_CANNOT_WRITE

    said = capsys.readouterr().err.strip()
    assert said == _full_disk_message(
        folder, "the vault was not upgraded and nothing in it was changed"
    )
    assert list((folder / "backups").iterdir()) == []  # no copy, not half of one
    after = {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}
    assert after == before
    # Support finds it in the log: the fault's type and where, no message, no path.
    log = (incident_log_folder / "incidents.log").read_text()
    assert "earlyyears_desktop.storage.errors.DiskFull" in log
    assert str(folder) not in log and "disk is full" not in log

    disk.free()
    services = services_on_test_day(open_vault(folder, PASSPHRASE))
    try:
        assert migrations.current_revision(services.vault.engine) == migrations.head_revision()
        [backup] = (folder / "backups").iterdir()
        assert backup.name.startswith("before-upgrade-")
        assert stat.S_IMODE(backup.stat().st_mode) == 0o600
        found = services.observations.search("marmaladecrumble")
        assert [o.id for o in found] == [observation] and OLD_WORDS
        report = check_vault(services)
        assert report.ok, report.failed
    finally:
        services.vault.lock()
