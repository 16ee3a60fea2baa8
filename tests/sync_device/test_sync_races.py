"""Two exports, two imports and a mark at once: real processes started together on one vault.

Each race is started with a barrier: the processes import everything, then wait for a file to
appear and run the command the moment it does, and each round is repeated a few times so that
the commands really overlap. Nothing here asserts how long anything takes.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import select

from earlyyears_desktop.demo import DEMO_PASSPHRASE
from earlyyears_desktop.domain.models import (
    ChangeLogEntry,
    Child,
    GroupSession,
    SyncBundle,
    VaultSetting,
)
from earlyyears_desktop.services.container import Services
from earlyyears_desktop.storage.vault import open_vault
from earlyyears_desktop.sync.bundle import bundle_file_name
from earlyyears_desktop.sync.device import DeviceSync, ExportInProgress
from earlyyears_desktop.sync.export_reservation import BundleNameTaken

from .conftest import TODAY, Central, add_child, enrol

ROUNDS = 4

#: Runs `earlyyears ARGS...` (the module `python -m earlyyears_desktop.cli.main` runs) as soon
#: as the barrier file exists; everything is imported before, so both processes start level.
_AT_THE_BARRIER = """
import os, sys, time
from earlyyears_desktop.cli.main import main
barrier = sys.argv[1]
deadline = time.monotonic() + 120  # a safety net only
while not os.path.exists(barrier):
    if time.monotonic() > deadline:
        sys.exit(99)
    time.sleep(0.0005)
sys.exit(main(sys.argv[2:]))
"""


@dataclass(frozen=True)
class Finished:
    code: int
    out: str
    err: str


def run_together(barrier: Path, *commands: list[str]) -> list[Finished]:
    """Start each command at the barrier, open the barrier, and wait for all of them."""
    env = {**os.environ, "EARLYYEARS_PASSPHRASE": DEMO_PASSPHRASE, "QT_QPA_PLATFORM": "offscreen"}
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", _AT_THE_BARRIER, str(barrier), *command],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for command in commands
    ]
    barrier.touch()
    finished = []
    for process in processes:
        out, err = process.communicate(timeout=300)
        finished.append(Finished(process.returncode, out, err))
    barrier.unlink()
    for result in finished:
        assert "Traceback" not in result.out + result.err
    return finished


@pytest.fixture
def enrolled_demo(demo: Services, central: Central, tmp_path: Path) -> Iterator[Path]:
    """The demo vault enrolled with the stand-in central service, closed on disk."""
    enrol(demo, central, tmp_path)
    folder = demo.vault.paths.folder
    demo.vault.lock()
    yield folder


def opened(folder: Path) -> Services:
    return Services(open_vault(folder, DEMO_PASSPHRASE), today=lambda: TODAY)


def edit_some_children(folder: Path, round_no: int) -> None:
    services = opened(folder)
    try:
        with services.uow.write() as tx:
            for child in tx.session.scalars(select(Child).order_by(Child.id).limit(5)):
                child.diagnoses_notes = f"round {round_no}"
    finally:
        services.vault.lock()


def exported_sequences(folder: Path) -> tuple[int, set[int]]:
    """(changes never exported, export sequence numbers the vault remembers)."""
    services = opened(folder)
    try:
        with services.uow.read() as session:
            pending = session.scalars(
                select(ChangeLogEntry.seq).where(ChangeLogEntry.exported_seq.is_(None))
            ).all()
            remembered = set(
                session.scalars(select(SyncBundle.sequence).where(SyncBundle.direction == "export"))
            )
        return len(pending), remembered
    finally:
        services.vault.lock()


def test_two_exports_at_once_never_lose_a_bundle(
    enrolled_demo: Path, central: Central, tmp_path: Path
) -> None:
    folder = enrolled_demo
    usb = tmp_path / "usb"
    usb.mkdir()
    written: dict[int, Path] = {}
    for round_no in range(ROUNDS):
        if round_no:
            edit_some_children(folder, round_no)
        export = ["export", str(folder), "--out", str(usb)]
        results = run_together(tmp_path / "go", export, export)
        wrote = [r for r in results if r.code == 0 and r.out.strip()]
        assert len(wrote) >= 1, results
        for result in wrote:
            path = Path(result.out.strip())
            # Never deleted by the other process: every bundle announced is on disk, whole.
            assert path.is_file(), (round_no, results)
            bundle = central.open_export(path)
            with bundle:
                assert bundle.sequence not in written
                written[bundle.sequence] = path
        for result in results:
            if result.code == 0 and result.out.strip():
                assert "Wrote export bundle" in result.err
            elif result.code == 0:
                assert result.err.startswith("Nothing to export"), result
            else:
                # The one that found the other writing says so, in one line.
                assert result.code == 1, result
                assert result.err.count("\n") == 1, result
                assert "Another export from this vault is being written" in result.err
        # Every change reached a bundle file.
        pending, remembered = exported_sequences(folder)
        assert pending == 0
        assert remembered == set(written)
        assert sorted(p.name for p in usb.iterdir()) == sorted(p.name for p in written.values())
    assert sorted(written) == list(range(1, len(written) + 1))
    # And `info` says so (what it reads was checked after every round above).
    info = run_together(tmp_path / "go", ["info", str(folder)])[0]
    assert info.code == 0 and "Changes not yet exported: 0" in info.out


def test_a_second_export_while_one_is_written_is_told_so(
    demo: Services, central: Central, tmp_path: Path
) -> None:
    sync = enrol(demo, central, tmp_path)
    usb = tmp_path / "usb"
    usb.mkdir()
    other = Services(open_vault(demo.vault.paths.folder, DEMO_PASSPHRASE), today=lambda: TODAY)
    refusals: list[str] = []

    def meanwhile() -> bool:
        if not refusals:
            with pytest.raises(ExportInProgress) as refused:
                DeviceSync(other).export(usb)
            refusals.append(refused.value.message)
        return False

    try:
        result = sync.export(usb, cancelled=meanwhile)
    finally:
        other.vault.lock()
    assert refusals == [
        "Another export from this vault is being written right now: wait for it to finish, "
        "then export again."
    ]
    assert [p.name for p in usb.iterdir()] == [result.path.name]
    assert sync.unsynced_count() == 0


def test_marks_are_saved_while_an_export_is_written(
    demo: Services, central: Central, tmp_path: Path
) -> None:
    sync = enrol(demo, central, tmp_path)
    usb = tmp_path / "usb"
    usb.mkdir()
    with demo.uow.read() as session:
        session_id = session.scalars(
            select(GroupSession.id).where(GroupSession.date == TODAY).order_by(GroupSession.id)
        ).first()
    assert session_id is not None
    child_id = demo.attendance.register(session_id).cards[0].child_id
    # The register is another connection to the same vault file, as another window would be.
    register = Services(open_vault(demo.vault.paths.folder, DEMO_PASSPHRASE), today=lambda: TODAY)
    outcome: list[object] = []

    def mark() -> None:
        try:
            outcome.append(bool(register.attendance.mark(session_id, child_id, "present").changes))
        except Exception as exc:  # the test fails below, naming it
            outcome.append(exc)

    def meanwhile() -> bool:
        if not outcome:
            # A mark saved from another thread while this export is being written: it gets
            # the write lock at once, or after the 10 s busy timeout fails with "locked".
            marker = threading.Thread(target=mark)
            marker.start()
            marker.join(timeout=120)
            assert not marker.is_alive()
        return False

    try:
        result = sync.export(usb, cancelled=meanwhile)
    finally:
        register.vault.lock()
    assert outcome == [True]
    # The mark came after the bundle's scope was fixed: it waits for the next export.
    assert sync.unsynced_count() == 1
    assert result.path.is_file()
    following = sync.export(usb)
    assert following.sequence == result.sequence + 1
    assert sync.unsynced_count() == 0


def test_two_imports_of_one_return_bundle_at_once(
    enrolled_demo: Path, central: Central, tmp_path: Path
) -> None:
    folder = enrolled_demo
    for round_no in range(ROUNDS):
        bundle = tmp_path / f"return-{round_no}.eyb"
        central.return_bundle(bundle)
        results = run_together(
            tmp_path / "go",
            ["import", str(folder), str(bundle)],
            ["import", str(folder), str(bundle)],
        )
        assert [r.code for r in results] == [0, 0], results
        lines = sorted(r.out.splitlines()[0] for r in results)
        assert lines == [
            f"Imported return bundle {round_no + 1}: 0 records applied (0 new, 0 updated), "
            "0 already up to date.",
            f"Return bundle {round_no + 1} was already imported, nothing changed.",
        ]


def test_an_export_never_writes_over_a_file_it_did_not_make(
    services: Services, central: Central, tmp_path: Path
) -> None:
    sync = enrol(services, central, tmp_path)
    add_child(services, "Some", "Child")
    usb = tmp_path / "usb"
    usb.mkdir()
    name = bundle_file_name("export", services.vault.device_id, 1)
    someone_elses = usb / name
    someone_elses.write_bytes(b"not ours")
    with pytest.raises(BundleNameTaken, match=f"already holds a file named {name}"):
        sync.export(usb)
    assert someone_elses.read_bytes() == b"not ours"
    assert [p.name for p in usb.iterdir()] == [name]
    assert sync.unsynced_count() > 0
    # An empty file reserved by an export that died (the process gone, its lock released)
    # is taken over; the vault remembers the reservation.
    someone_elses.unlink()
    with services.uow.write() as tx:
        tx.session.add(VaultSetting(key="sync.export.reserved_file", value=str(someone_elses)))
    someone_elses.touch()
    result = sync.export(usb)
    assert result.path == someone_elses and result.sequence == 1
    with central.open_export(result.path) as bundle:
        assert bundle.sequence == 1
    assert sync.unsynced_count() == 0
    with services.uow.read() as session:
        assert session.get(VaultSetting, "sync.export.reserved_file") is None
