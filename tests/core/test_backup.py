"""Encrypted backups and restore, with real files and real processes.

One backup of a copy of the demo vault is made (in this process) while another process marks
attendance, and shared by the tests of this module, each of which works on its own copy of
the file. The chunks are made small (64 KiB) so that the demo's database spans many of them.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import os
import shutil
import signal
import stat
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import select

from earlyyears_desktop.demo import DEMO_PASSPHRASE
from earlyyears_desktop.domain.models import Attendance, AuditEvent, Child
from earlyyears_desktop.services.container import Services
from earlyyears_desktop.services.vault_check import check_vault
from earlyyears_desktop.storage import backup as backup_module
from earlyyears_desktop.storage.backup import (
    BackupDamaged,
    BackupError,
    NotABackup,
    backup_header,
    backup_open_vault_files,
)
from earlyyears_desktop.storage.errors import WrongPassphrase
from earlyyears_desktop.storage.restore import restore_backup
from earlyyears_desktop.storage.vault import open_vault

from ..conftest import DemoTemplate
from .conftest import TODAY, services_on_test_day

WRITER = Path(__file__).with_name("durability_writer.py")
WORKER = Path(__file__).with_name("backup_worker.py")
SMALL_CHUNKS = 64 * 1024

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")

Marks = dict[tuple[str, str], str]


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("EARLYYEARS_")}
    env["EARLYYEARS_PASSPHRASE"] = DEMO_PASSPHRASE
    return env


def _live_marks(services: Services) -> Marks:
    with services.uow.read() as session:
        return {
            (a.session_id, a.child_id): a.status
            for a in session.scalars(select(Attendance).where(Attendance.deleted_at.is_(None)))
        }


@dataclass(frozen=True)
class Made:
    """The module's backup and what a test needs to judge a restore of it."""

    folder: Path
    vault: Path
    backup: Path
    recovery_key: str
    #: the marks after each acknowledged write of the other process, in order
    moments: list[Marks]
    child_name: str
    nhs_number: str


@pytest.fixture(scope="module")
def made(
    demo_on_demo_day: DemoTemplate, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Made]:
    folder = tmp_path_factory.mktemp("backup")
    vault = demo_on_demo_day.copy_to(folder / "vault")
    services = services_on_test_day(open_vault(vault, DEMO_PASSPHRASE))
    marks = _live_marks(services)
    with services.uow.read() as session:
        child = session.scalars(
            select(Child).where(Child.nhs_number.is_not(None)).order_by(Child.id)
        ).first()
        assert child is not None and child.nhs_number
        name, nhs = child.legal_family_name, child.nhs_number
    services.vault.lock()

    writer = subprocess.Popen(
        [sys.executable, str(WRITER), str(vault), "7", TODAY.isoformat()],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=_env(),
        text=True,
    )
    assert writer.stdout is not None
    acks: list[list[str]] = []
    try:
        assert writer.stdout.readline().startswith("ready")

        def read_acks(count: int) -> None:
            assert writer.stdout is not None
            while count:
                line = writer.stdout.readline().split()
                assert line, "the writer stopped by itself"
                if line[0] == "ack":
                    acks.append(line)
                    count -= 1

        read_acks(5)
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(backup_module, "CHUNK_BYTES", SMALL_CHUNKS)
            written = backup_open_vault_files(vault, DEMO_PASSPHRASE, folder / "first.eybackup")
    finally:
        writer.kill()
        writer.wait(timeout=30)
    # Every write committed before the snapshot's moment printed its ack long before the kill:
    # read them all (the writer may have run far ahead of the lines read so far). The kill
    # may cut the last line short (the pipe takes what was written so far); it came later.
    for line in writer.stdout.read().splitlines(keepends=True):
        if line.startswith("ack ") and line.endswith("\n"):
            acks.append(line.split())
    moments = [dict(marks)]
    for _, _, session_id, child_id, status in acks:
        current = dict(moments[-1])
        if status == "-":
            current.pop((session_id, child_id), None)
        else:
            current[(session_id, child_id)] = status
        moments.append(current)
    yield Made(
        folder,
        vault,
        written.path,
        demo_on_demo_day.recovery_key,
        moments,
        name,
        nhs,
    )


def _copy(made: Made, tmp_path: Path) -> Path:
    copy = tmp_path / "copy.eybackup"
    shutil.copyfile(made.backup, copy)
    return copy


def _nothing_left(tmp_path: Path, target: Path) -> None:
    assert not target.exists()
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_restore_while_another_process_wrote_is_a_consistent_moment(
    made: Made, tmp_path: Path
) -> None:
    restored = restore_backup(made.backup, tmp_path / "restored", DEMO_PASSPHRASE)
    assert restored.opened_with == "passphrase"
    services = services_on_test_day(open_vault(restored.folder, DEMO_PASSPHRASE))
    try:
        assert _live_marks(services) in made.moments
        report = check_vault(services)
        assert report.ok, report.lines()
        assert services.vault.vault_id == backup_header(made.backup).vault_id
        # Same device: the central service's sequence of this device's bundles continues.
        original = open_vault(made.vault, DEMO_PASSPHRASE)
        assert services.vault.device_id == original.device_id
        original.lock()
    finally:
        services.vault.lock()
    assert stat.S_IMODE(restored.folder.stat().st_mode) == 0o700


def test_the_recovery_key_opens_a_backup(made: Made, tmp_path: Path) -> None:
    restored = restore_backup(made.backup, tmp_path / "restored", made.recovery_key)
    assert restored.opened_with == "recovery"
    assert (restored.folder / "vault.db").is_file()


def test_a_wrong_passphrase_is_refused_and_nothing_is_left(made: Made, tmp_path: Path) -> None:
    with pytest.raises(WrongPassphrase, match="does not open this backup"):
        restore_backup(made.backup, tmp_path / "restored", "not the passphrase at all")
    _nothing_left(tmp_path, tmp_path / "restored")


def _flip(path: Path, offset: int) -> None:
    data = bytearray(path.read_bytes())
    data[offset] ^= 0x01
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("where", ["magic", "header", "tag", "first", "middle", "last"])
def test_a_flipped_byte_anywhere_is_refused(made: Made, tmp_path: Path, where: str) -> None:
    copy = _copy(made, tmp_path)
    header = backup_header(copy)
    size = copy.stat().st_size
    start = len(header.raw) + len(header.tag)
    offset = {
        "magic": 3,
        "header": len(header.raw) - 20,
        "tag": len(header.raw) + 5,
        "first": start + 40,
        "middle": start + (size - start) // 2,
        "last": size - 3,
    }[where]
    assert header.chunk_count >= 4
    _flip(copy, offset)
    with pytest.raises((BackupDamaged, NotABackup)) as refused:
        restore_backup(copy, tmp_path / "restored", DEMO_PASSPHRASE)
    assert made.child_name not in str(refused.value)
    _nothing_left(tmp_path, tmp_path / "restored")


def test_a_tampered_key_slot_inside_a_backup_is_the_backups_damage(
    made: Made, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # The passphrase opens its slot's private key, but the data key sealed to it was altered:
    # the backup is damaged (its own sentence), not the vault ("ask an administrator...").
    from earlyyears_desktop.cli.main import main

    copy = _copy(made, tmp_path)
    header = backup_header(copy)
    data = copy.read_bytes()
    doc = json.loads(header.raw[len(backup_module.MAGIC) + 4 :])
    slots = json.loads(base64.b64decode(doc["keyslots"]))
    slot = next(s for s in slots["slots"] if s["kind"] == "passphrase")
    sealed = bytearray(base64.b64decode(slot["data_key"]["sealed"]))
    sealed[-1] ^= 0x01
    slot["data_key"]["sealed"] = base64.b64encode(bytes(sealed)).decode()
    doc["keyslots"] = base64.b64encode(json.dumps(slots).encode()).decode()
    text = json.dumps(doc).encode()
    raw = backup_module.MAGIC + len(text).to_bytes(4, "big") + text
    copy.write_bytes(raw + data[len(header.raw) :])
    target = tmp_path / "restored"
    with pytest.raises(BackupDamaged, match=r"copy\.eybackup is damaged or incomplete"):
        restore_backup(copy, target, DEMO_PASSPHRASE)
    _nothing_left(tmp_path, target)
    monkeypatch.setenv("EARLYYEARS_PASSPHRASE", DEMO_PASSPHRASE)
    assert main(["restore", str(copy), str(target)]) == 1
    err = capsys.readouterr().err
    assert "damaged or incomplete, so nothing was restored" in err
    assert "administrator" not in err
    _nothing_left(tmp_path, target)


@pytest.mark.parametrize("cut", ["one byte", "last chunk", "after the header"])
def test_a_truncated_backup_is_refused(made: Made, tmp_path: Path, cut: str) -> None:
    copy = _copy(made, tmp_path)
    data = copy.read_bytes()
    header = backup_header(copy)
    sealed_chunk = SMALL_CHUNKS + 20
    # the last chunk's length: a whole chunk when the snapshot fills its last one
    last = (len(data) - len(header.raw) - 32) % sealed_chunk or sealed_chunk
    keep = {
        "one byte": len(data) - 1,
        # Cut exactly at a chunk boundary: the chunk now last was not sealed as the last.
        "last chunk": len(data) - last,
        "after the header": len(header.raw) + 32,
    }[cut]
    assert keep < len(data)
    copy.write_bytes(data[:keep])
    with pytest.raises(BackupDamaged, match="damaged or incomplete"):
        restore_backup(copy, tmp_path / "restored", DEMO_PASSPHRASE)
    _nothing_left(tmp_path, tmp_path / "restored")


def test_bytes_added_after_the_last_chunk_are_refused(made: Made, tmp_path: Path) -> None:
    copy = _copy(made, tmp_path)
    with copy.open("ab") as f:
        f.write(b"\0" * 10)
    with pytest.raises(BackupDamaged):
        restore_backup(copy, tmp_path / "restored", DEMO_PASSPHRASE)
    _nothing_left(tmp_path, tmp_path / "restored")


def test_the_backup_holds_no_plaintext(made: Made) -> None:
    data = made.backup.read_bytes()
    for text in (made.child_name, made.nhs_number, "Little Steps", "SQLite format"):
        assert text.encode() not in data
        assert text.encode("utf-16-le") not in data
    assert b"vault_settings" not in data


def test_a_target_in_the_way_is_refused(made: Made, tmp_path: Path) -> None:
    a_file = tmp_path / "a-file"
    a_file.write_text("x")
    full = tmp_path / "full"
    full.mkdir()
    (full / "something").write_text("x")
    link = tmp_path / "link"
    link.symlink_to(tmp_path / "empty-elsewhere")
    (tmp_path / "empty-elsewhere").mkdir()
    for target, words in ((a_file, "is a file"), (full, "not empty"), (link, "is a link")):
        with pytest.raises(BackupError, match=words):
            restore_backup(made.backup, target, DEMO_PASSPHRASE)
    assert a_file.read_text() == "x" and os.listdir(full) == ["something"]
    empty = tmp_path / "empty"
    empty.mkdir()
    assert restore_backup(made.backup, empty, DEMO_PASSPHRASE).folder == empty
    assert sorted(os.listdir(empty)) == ["keyslots.json", "vault.db"]


def test_a_device_or_a_link_as_the_backup_is_refused_at_once(made: Made, tmp_path: Path) -> None:
    link = tmp_path / "link.eybackup"
    link.symlink_to(made.backup)
    with pytest.raises(NotABackup, match="link"):
        restore_backup(link, tmp_path / "restored", DEMO_PASSPHRASE)
    with pytest.raises(NotABackup, match="not a backup file"):
        restore_backup(Path("/dev/zero"), tmp_path / "restored", DEMO_PASSPHRASE)
    with pytest.raises(NotABackup, match="not an Early Years backup"):
        restore_backup(made.vault / "keyslots.json", tmp_path / "restored", DEMO_PASSPHRASE)
    _nothing_left(tmp_path, tmp_path / "restored")


def test_an_existing_file_is_never_overwritten(made: Made) -> None:
    before = made.backup.read_bytes()
    with pytest.raises(BackupError, match="already a file"):
        backup_open_vault_files(made.vault, DEMO_PASSPHRASE, made.backup)
    assert made.backup.read_bytes() == before


def test_files_are_private_whatever_the_umask(made: Made, tmp_path: Path) -> None:
    old = os.umask(0)
    try:
        written = backup_open_vault_files(made.vault, DEMO_PASSPHRASE, tmp_path / "b.eybackup")
        restored = restore_backup(written.path, tmp_path / "restored", DEMO_PASSPHRASE)
    finally:
        os.umask(old)
    assert stat.S_IMODE(written.path.stat().st_mode) == 0o600
    assert stat.S_IMODE(restored.folder.stat().st_mode) == 0o700
    for path in restored.folder.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path.name


def _start_halfway(*args: str) -> subprocess.Popen[str]:
    worker = subprocess.Popen(
        [sys.executable, str(WORKER), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=_env(),
        text=True,
    )
    assert worker.stdout is not None
    line = worker.stdout.readline()
    assert line.startswith("halfway"), line + (worker.stderr.read() if worker.stderr else "")
    return worker


def _kill(worker: subprocess.Popen[str]) -> None:
    os.kill(worker.pid, signal.SIGKILL)
    worker.wait(timeout=30)


def test_a_killed_backup_leaves_no_file_and_the_earlier_backup_intact(
    made: Made, tmp_path: Path
) -> None:
    earlier = tmp_path / "earlier.eybackup"
    shutil.copyfile(made.backup, earlier)
    before = earlier.read_bytes()
    target = tmp_path / "killed.eybackup"
    _kill(_start_halfway("backup", str(made.vault), str(target)))
    assert not target.exists()
    assert earlier.read_bytes() == before
    left = [p.name for p in tmp_path.iterdir() if p.name.startswith(".")]
    assert left and all(name.startswith(".killed.eybackup.") for name in left)
    # The next backup in that folder clears what the killed one left.
    again = backup_open_vault_files(made.vault, DEMO_PASSPHRASE, target)
    assert again.path == target
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_a_killed_restore_leaves_no_vault_folder(made: Made, tmp_path: Path) -> None:
    target = tmp_path / "restored"
    _kill(_start_halfway("restore", str(made.backup), str(target)))
    assert not target.exists()
    left = [p.name for p in tmp_path.iterdir()]
    assert left and all(name.startswith(".restored.restoring-") for name in left)
    restore_backup(made.backup, target, DEMO_PASSPHRASE)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["restored"]


def test_a_backup_is_audited_and_timed_by_the_services(made: Made, tmp_path: Path) -> None:
    folder = tmp_path / "vault"
    shutil.copytree(made.vault, folder)
    services = services_on_test_day(open_vault(folder, DEMO_PASSPHRASE))
    try:
        backups = tmp_path / "usb"
        backups.mkdir()
        done = services.backups.back_up_now(backups)
        moment = services.clock.now()
        assert done.path.name == f"earlyyears-backup-{moment:%Y%m%d-%H%M%S}.eybackup"
        second = services.backups.back_up_now(backups)
        assert second.path.name.endswith("-2.eybackup")
        with services.uow.read() as session:
            event = session.scalars(select(AuditEvent).order_by(AuditEvent.seq.desc())).first()
            assert event is not None
            assert (event.action, event.entity, event.record_id) == (
                "backup",
                "vault",
                services.vault.vault_id,
            )
        assert services.verify_audit().ok
        last = services.backups.last_backup()
        assert last is not None and last.name == second.path.name and last.folder == backups
        assert last.when == moment.replace(microsecond=0)
    finally:
        services.vault.lock()
    restored = restore_backup(done.path, tmp_path / "restored", DEMO_PASSPHRASE)
    assert restored.backed_up_at == moment.replace(microsecond=0).astimezone(dt.UTC)
