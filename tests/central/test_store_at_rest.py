"""The central SQLite store at rest: encrypted, private whatever the umask, behind the passphrase.

Also the migration of a folder made before the store was encrypted, and many ingests at once.
"""

from __future__ import annotations

import json
import os
import select as select_module
import stat
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from earlyyears_desktop.central import models
from earlyyears_desktop.central.errors import DatabaseBusy
from earlyyears_desktop.central.folder import open_central
from earlyyears_desktop.central.ingest import ingest_bundle
from earlyyears_desktop.central.records import RecordWriter, parse_record
from earlyyears_desktop.storage.keyslots import KdfParams, KeySlotFile, normalise_passphrase
from earlyyears_desktop.sync.keys import ED25519_RAW_LEN, X25519_RAW_LEN

from ..fast_vaults import make_central
from .conftest import PASSPHRASE, CentralEnv, Run, record

#: The tests on the `central` fixture: the SQLite store only (PostgreSQL is not SQLCipher).
sqlite_only = pytest.mark.parametrize("backend", ["sqlite"])

# Fictional people; none of these strings may be found in the store's files.
SECRETS = {
    "legal_given_names": "Oluwaseun Przybylski-Ñúñez",
    "nhs_number": "943 476 5919",
    "diagnosis": "Velocardiofacial zz-fictional syndrome",
    "observation": "Stacked the quokka-blue bricks unaided",
}
CLI = [sys.executable, "-m", "earlyyears_desktop.central.cli"]


def _child(record_id: str = "c1") -> dict[str, object]:
    return record("child", record_id, **SECRETS)


def _files_under(*folders: Path) -> list[Path]:
    return [p for folder in folders for p in sorted(folder.rglob("*")) if p.is_file()]


def _assert_no_secret_in(files: list[Path]) -> None:
    assert files
    for path in files:
        data = path.read_bytes()
        for value in SECRETS.values():
            assert value.encode("utf-8") not in data, f"{value!r} in {path.name}"


def _env_without_passphrase() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("EARLYYEARS_CENTRAL_PASSPHRASE", None)
    return env


@contextmanager
def _umask(mask: int) -> Iterator[None]:
    old = os.umask(mask)
    try:
        yield
    finally:
        os.umask(old)


def _new_central(
    tmp_path: Path, central_cli: Callable[..., Run], where: str
) -> tuple[CentralEnv, Path]:
    """A new central folder whose store is in it or at an absolute path elsewhere."""
    folder = tmp_path / "central"
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    store = folder / "central.db"
    database_url = None
    if where == "absolute path":
        store = elsewhere / "store.db"
        database_url = f"sqlite:///{store}"
    make_central(folder, passphrase=PASSPHRASE, database_url=database_url)
    work = tmp_path / "work"
    work.mkdir()
    return CentralEnv(folder, work, central_cli), store


# --- encrypted ---------------------------------------------------------------------------------


@sqlite_only
def test_the_store_holds_no_name_or_nhs_number_in_plaintext(central: CentralEnv) -> None:
    device = central.enrol("dev-a")
    bundle = device.bundle(central.work, [_child("c1"), _child("c2")])
    result = central.cli("ingest", central.folder, bundle.path)
    assert result.code == 0, result.err
    assert central.status()["totals"]["records"] == 2  # type: ignore[index]
    store = central.folder / "central.db"
    assert not store.read_bytes().startswith(b"SQLite format 3")
    _assert_no_secret_in(_files_under(central.folder))
    # While a connection is open, the WAL and shared-memory files hold no plaintext either.
    opened = central.open()
    try:
        with opened.engine.connect() as conn:
            rows = conn.execute(select(models.records.c.data)).all()
            assert any(SECRETS["nhs_number"] in row.data for row in rows)
            assert (central.folder / "central.db-wal").exists()
            _assert_no_secret_in(_files_under(central.folder))
    finally:
        opened.close()


# --- private files -----------------------------------------------------------------------------


@pytest.mark.parametrize("mask", [0o022, 0o000])
@pytest.mark.parametrize("where", ["in the folder", "absolute path"])
def test_every_file_of_the_store_is_private_whatever_the_umask(
    tmp_path: Path, central_cli: Callable[..., Run], mask: int, where: str
) -> None:
    with _umask(mask):
        central, store = _new_central(tmp_path, central_cli, where)
        folder, work, elsewhere = central.folder, central.work, tmp_path / "elsewhere"
        device = central.enrol("dev-a")
        good = device.bundle(work, [_child()])
        refused = work / "garbage.eyb"
        refused.write_bytes(b"not a bundle at all")
        central.cli("ingest", folder, good.path, refused)
        assert central.status()["totals"]["quarantined"] == 1  # type: ignore[index]
        opened = central.open()
        try:
            with opened.engine.connect() as conn:  # the -wal and -shm files exist meanwhile
                conn.execute(select(models.meta.c.key)).all()
                files = _files_under(folder, elsewhere)
                names = {p.name for p in files}
                wal, shm = f"{store.name}-wal", f"{store.name}-shm"
                assert {store.name, wal, shm, "keys.json"} <= names
                assert any(p.parent.name == "quarantine" for p in files)
                for path in files:
                    assert stat.S_IMODE(path.stat().st_mode) == 0o600, path.name
                for sub in [folder, *(p for p in folder.rglob("*") if p.is_dir())]:
                    assert stat.S_IMODE(sub.stat().st_mode) == 0o700, sub.name
        finally:
            opened.close()


# --- the passphrase ----------------------------------------------------------------------------


@sqlite_only
def test_reading_commands_refuse_without_the_passphrase_or_with_a_wrong_one(
    central: CentralEnv, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    central.enrol("dev-a")
    roster = tmp_path / "roster.json"
    roster.write_text(json.dumps([]))
    commands = [
        ("status", central.folder),
        ("status", central.folder, "--json"),
        ("roster", central.folder, roster),
        ("revoke", central.folder, "dev-a"),
    ]
    monkeypatch.setenv("EARLYYEARS_CENTRAL_PASSPHRASE", "not the central passphrase")
    for command in commands:
        result = central.cli(*command)
        assert result.code == 3, (command, result.err)
        assert result.err == "That is not the central service's passphrase.\n"
    # No passphrase at all, and no terminal to ask on (stdin is not a terminal under pytest).
    monkeypatch.delenv("EARLYYEARS_CENTRAL_PASSPHRASE")
    for command in commands:
        result = central.cli(*command)
        assert result.code == 3, (command, result.err)
        assert "No central passphrase" in result.err
    phrase = tmp_path / "phrase.txt"
    phrase.write_text(PASSPHRASE + "\n")
    assert central.cli("status", central.folder, "--passphrase-file", phrase).code == 0
    revoked = central.cli("revoke", central.folder, "dev-a", "--passphrase-file", phrase)
    assert revoked.code == 0, revoked.err


@sqlite_only
def test_status_asks_for_the_passphrase_on_a_terminal(central: CentralEnv) -> None:
    master, slave = os.openpty()
    process = subprocess.Popen(
        [*CLI, "status", str(central.folder)],
        stdin=slave,
        stdout=subprocess.PIPE,
        stderr=slave,
        env=_env_without_passphrase(),
        start_new_session=True,
    )
    os.close(slave)
    try:
        seen = b""
        deadline = time.monotonic() + 60  # a safety net only
        while b"Central passphrase:" not in seen and time.monotonic() < deadline:
            ready, _, _ = select_module.select([master], [], [], 1)
            if ready:
                seen += os.read(master, 1024)
        assert b"Central passphrase:" in seen
        os.write(master, PASSPHRASE.encode() + b"\n")
        out, _ = process.communicate(timeout=60)
    finally:
        process.kill()
        os.close(master)
    assert process.returncode == 0
    assert b"Central service central-" in out


# --- an older folder ---------------------------------------------------------------------------


def _make_it_an_old_folder(central: CentralEnv, store: Path) -> None:
    """Turn a folder into what earlier versions made: plaintext store, keys-only key file."""
    opened = central.open()
    plain = store.with_name("plain.db")
    try:
        with opened.engine.connect() as conn:
            raw = conn.connection.dbapi_connection
            assert raw is not None
            raw.execute("ATTACH DATABASE ? AS plain KEY ''", (str(plain),))
            raw.execute("SELECT sqlcipher_export('plain')").fetchall()
            raw.execute("DETACH DATABASE plain")
    finally:
        opened.close()
    os.replace(plain, store)
    os.chmod(store, 0o644)  # as the old versions left it
    keys_path = central.folder / "keys.json"
    slots = KeySlotFile.load(keys_path)
    slot, secret = slots.unwrap(normalise_passphrase(PASSPHRASE), slots.passphrase_slots())
    keys_only = secret[: ED25519_RAW_LEN + X25519_RAW_LEN]
    assert len(secret) == len(keys_only) + 32
    slots.remove_slot(slot.id)
    slots.add_slot(
        keys_only,
        normalise_passphrase(PASSPHRASE),
        kind="passphrase",
        params=KdfParams.for_tests(),
        label="central passphrase",
    )
    slots.save(keys_path)
    # A last change still in the plaintext WAL, as a process killed mid-work leaves it.
    script = (
        "import os, sqlite3, sys\n"
        "c = sqlite3.connect(sys.argv[1])\n"
        "c.execute('PRAGMA journal_mode = WAL')\n"
        "c.execute('PRAGMA wal_autocheckpoint = 0')\n"
        "c.execute(\"INSERT INTO central_meta (key, value) VALUES ('wal_only', ?)\",\n"
        "          (sys.argv[2],))\n"
        "c.commit()\n"
        "os._exit(0)\n"
    )
    subprocess.run([sys.executable, "-c", script, str(store), SECRETS["observation"]], check=True)
    assert store.with_name(store.name + "-wal").exists()


@pytest.mark.parametrize("where", ["in the folder", "absolute path"])
def test_an_old_plaintext_store_is_encrypted_in_place_and_keeps_its_data(
    tmp_path: Path, central_cli: Callable[..., Run], where: str
) -> None:
    central, store = _new_central(tmp_path, central_cli, where)
    folder, work = central.folder, central.work
    device = central.enrol("dev-a")
    bundle = device.bundle(work, [_child()])
    assert central.cli("ingest", folder, bundle.path).code == 0
    before = central.status()
    _make_it_an_old_folder(central, store)
    assert SECRETS["nhs_number"].encode() in store.read_bytes()  # really plaintext now
    key_file_before = (folder / "keys.json").read_bytes()

    result = central.cli("status", folder, "--json")

    assert result.code == 0, result.err
    assert result.err.count("\n") == 1
    assert "was not encrypted: it has been encrypted in place" in result.err
    assert json.loads(result.out) == before  # every record kept
    assert (folder / "keys.json").read_bytes() != key_file_before  # now with the database key
    assert stat.S_IMODE(store.stat().st_mode) == 0o600
    leftovers = sorted(p.name for p in store.parent.iterdir() if p.name.startswith(store.name))
    assert leftovers == [store.name]
    _assert_no_secret_in(_files_under(folder, store.parent))
    opened = central.open()
    try:
        with opened.engine.connect() as conn:
            m = models.meta.c
            kept = conn.execute(select(m.value).where(m.key == "wal_only")).scalar_one()
        assert kept == SECRETS["observation"]  # what was only in the WAL survived too
    finally:
        opened.close()
    # Once is enough: the next command says nothing about it.
    again = central.cli("status", folder)
    assert again.code == 0 and again.err == ""
    # And the device goes on as before.
    following = device.bundle(work, [_child("c2")])
    assert central.cli("ingest", folder, following.path).code == 0


# --- busy is not down --------------------------------------------------------------------------


@sqlite_only
def test_many_ingests_at_once_all_succeed(central: CentralEnv) -> None:
    devices = [central.enrol(f"dev-{n}") for n in range(8)]
    bundles = [
        device.bundle(central.work, [_child(f"{device.device_id}-c{i}") for i in range(50)])
        for device in devices
    ]
    processes = [
        subprocess.Popen(
            [*CLI, "ingest", str(central.folder), str(bundle.path)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for bundle in bundles
    ]
    results = [process.communicate(timeout=600) for process in processes]
    for process, (_out, err) in zip(processes, results, strict=True):
        assert process.returncode == 0, err.decode()
    totals = central.status()["totals"]
    assert totals["bundles_accepted"] == 8  # type: ignore[index]
    assert totals["records"] == 400  # type: ignore[index]


@sqlite_only
def test_an_ingest_waits_for_a_busy_store_and_says_so(central: CentralEnv) -> None:
    device = central.enrol("dev-a")
    bundle = device.bundle(central.work, [_child()])
    holder = central.open()
    try:
        with holder.engine.begin():  # BEGIN IMMEDIATE: the write lock, as a long ingest holds it
            process = subprocess.Popen(
                [*CLI, "ingest", str(central.folder), str(bundle.path)],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
            )
            assert process.stderr is not None
            said = process.stderr.readline().decode()  # blocks until it says it is waiting
            assert "database is busy: another ingest" in said
            assert "Waiting up to 10 minutes" in said
        out, err = process.communicate(timeout=120)
    finally:
        holder.close()
    assert process.returncode == 0, err.decode()
    assert b"ingested (device dev-a, sequence 1)" in out


@sqlite_only
def test_a_store_held_too_long_says_another_ingest_holds_it(central: CentralEnv) -> None:
    device = central.enrol("dev-a")
    bundle = device.bundle(central.work, [_child()])
    said: list[str] = []
    waiting = open_central(central.folder, PASSPHRASE, notify=said.append, busy_wait_seconds=3)
    holder = central.open()
    try:
        with holder.engine.begin(), pytest.raises(DatabaseBusy) as raised:
            ingest_bundle(waiting, waiting.keys, bundle.path)
    finally:
        holder.close()
        waiting.close()
    message = raised.value.message
    assert message.startswith("Another ingest (or another earlyyears-central command) is holding")
    assert "cannot be reached" not in message
    assert len(said) == 1 and "Waiting up to 3 seconds" in said[0]
    assert central.status()["totals"]["bundles_accepted"] == 0  # type: ignore[index]


# --- bulk work ---------------------------------------------------------------------------------

_SQLITE_OK = 0
_SQLITE_SELECT = 21  # the authorizer's action code for a SELECT being prepared


@sqlite_only
def test_an_ingest_batch_select_is_prepared_afresh_for_every_batch(central: CentralEnv) -> None:
    """No batch select stays prepared, holding its ids, while the batch's inserts run.

    A statement kept in the driver's cache keeps the values last bound to it; thousands of
    ids fill the connection's small-allocation pool, and every later allocation then takes
    the memory-security path (locked and wiped), which made inserts 5-10 times slower. The
    authorizer runs when a statement is prepared, never when a cached one is reused, so two
    identical batch selects must be seen twice.
    """
    opened = central.open()
    prepared: list[int] = []

    def authorizer(action: int, *_args: object) -> int:
        if action == _SQLITE_SELECT:
            prepared.append(action)
        return _SQLITE_OK

    try:
        with opened.engine.begin() as conn:
            raw = conn.connection.dbapi_connection
            assert raw is not None
            raw.set_authorizer(authorizer)
            try:
                writer = RecordWriter(
                    conn,
                    source="dev-a",
                    central_id=opened.config.central_id,
                    bundle_id=None,
                    roster_seq=1,
                    now=datetime(2025, 3, 1, 10, 15, tzinfo=UTC),
                )
                for batch in (["c1", "c2", "c3"], ["c4", "c5", "c6"]):  # the same SQL text
                    for record_id in batch:
                        writer.add(parse_record(_child(record_id), "dev-a"))
                    writer.flush()
            finally:
                raw.set_authorizer(None)
        assert writer.counts.inserted == 6
        assert len(prepared) == 2
    finally:
        opened.close()
