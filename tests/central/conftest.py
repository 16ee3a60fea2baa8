"""Fixtures for the central service: folders, device keys, bundles, and a real PostgreSQL.

The PostgreSQL server is started by the suite itself (initdb + pg_ctl in a temporary folder,
as the unprivileged 'postgres' user when the tests run as root, listening on a unix socket in
that folder and on 127.0.0.1 at a free port) and stopped at the end. Without PostgreSQL's
binaries the PostgreSQL tests are skipped, or fail when $CI is set (CI installs them).
"""

from __future__ import annotations

import glob
import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest

from earlyyears_desktop.central.cli import main as central_main
from earlyyears_desktop.central.folder import CentralFolder, open_central
from earlyyears_desktop.sync.bundle import WrittenBundle, write_bundle
from earlyyears_desktop.sync.enrolment_files import (
    EnrolmentResponse,
    build_enrolment_request,
    parse_enrolment_response,
)
from earlyyears_desktop.sync.keys import KeyPair

from ..fast_vaults import CENTRAL_PASSPHRASE as PASSPHRASE
from ..fast_vaults import make_central

# --- PostgreSQL ---------------------------------------------------------------------------------


def _pg_bindir() -> Path | None:
    found = shutil.which("pg_ctl")
    if found:
        return Path(found).parent
    candidates = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"),
        key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit() else 0,
    )
    return Path(candidates[-1]).parent if candidates else None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class PostgresServer:
    host: str
    port: int
    user: str
    _counter: Iterator[int]

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://{self.user}@{self.host}:{self.port}/{database}"

    def new_database(self) -> str:
        """A fresh, empty database; its postgresql+psycopg URL."""
        import psycopg

        name = f"central_{next(self._counter)}_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(
            host=self.host, port=self.port, user=self.user, dbname="postgres", autocommit=True
        ) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    bindir = _pg_bindir()
    if bindir is None or not (bindir / "initdb").exists():
        message = "PostgreSQL server binaries (initdb, pg_ctl) not found"
        if os.environ.get("CI"):
            pytest.fail(f"{message}; CI must install them (scripts/install-system-packages.sh)")
        pytest.skip(message)
    as_root = os.geteuid() == 0
    prefix: list[str] = []
    if as_root:
        try:
            account = pwd.getpwnam("postgres")
        except KeyError:
            pytest.fail("running as root, and there is no 'postgres' user to run PostgreSQL as")
        prefix = ["runuser", "-u", "postgres", "--"]
    base = Path(tempfile.mkdtemp(prefix="ey-central-pg-"))
    data = base / "data"
    if as_root:
        os.chown(base, account.pw_uid, account.pw_gid)
    port = _free_port()
    log = base / "server.log"
    user = "postgres" if as_root else pwd.getpwuid(os.geteuid()).pw_name

    def run(*cmd: str) -> None:
        result = subprocess.run(
            [*prefix, *cmd], capture_output=True, text=True, timeout=120, check=False
        )
        if result.returncode != 0:
            raise RuntimeError(
                f"{Path(cmd[0]).name} failed ({result.returncode}): {result.stderr.strip()[-800:]}"
            )

    started = False
    try:
        run(
            str(bindir / "initdb"),
            "-D",
            str(data),
            "-U",
            user,
            "--auth=trust",
            "--encoding=UTF8",
            "--locale=C",
            "--no-sync",
        )
        options = (
            f"-k {base} -h 127.0.0.1 -p {port} -c fsync=off -c synchronous_commit=off "
            "-c full_page_writes=off -c max_connections=50"
        )
        run(str(bindir / "pg_ctl"), "-D", str(data), "-l", str(log), "-o", options, "-w", "start")
        started = True
        yield PostgresServer("127.0.0.1", port, user, itertools.count(1))
    finally:
        if started:
            try:
                run(str(bindir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop")
            except RuntimeError:
                time.sleep(0.5)
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def db_url(backend: str, request: pytest.FixtureRequest) -> str | None:
    """None for the default SQLite file in the central folder, or a fresh PostgreSQL database."""
    if backend == "sqlite":
        return None
    server: PostgresServer = request.getfixturevalue("postgres_server")
    return server.new_database()


# --- the central service -------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _central_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EARLYYEARS_CENTRAL_PASSPHRASE", PASSPHRASE)
    monkeypatch.delenv("EARLYYEARS_CENTRAL_DB_URL", raising=False)


@dataclass
class Run:
    code: int
    out: str
    err: str


@pytest.fixture
def central_cli(capsys: pytest.CaptureFixture[str]) -> Callable[..., Run]:
    """Run `earlyyears-central ARGS...` in process; returns exit code, stdout and stderr."""

    def run(*args: str | os.PathLike[str]) -> Run:
        capsys.readouterr()
        code = central_main([str(a) for a in args])
        captured = capsys.readouterr()
        return Run(code, captured.out, captured.err)

    return run


@dataclass
class Device:
    device_id: str
    keys: KeyPair
    team: str
    response: EnrolmentResponse
    last: WrittenBundle | None = None
    sequence: int = 0

    def bundle(
        self,
        folder: Path,
        records: list[Mapping[str, object]],
        *,
        sequence: int | None = None,
        previous: str | bool | None = True,
        extra: Mapping[str, object] | None = None,
        name: str | None = None,
    ) -> WrittenBundle:
        """Write this device's next export bundle (or one with a chosen sequence/previous)."""
        seq = self.sequence + 1 if sequence is None else sequence
        if previous is True:
            prev = self.last.manifest_sha256 if self.last is not None and seq > 1 else None
        else:
            prev = previous if isinstance(previous, str) else None
        written = write_bundle(
            folder / (name or f"{self.device_id}-{seq:04d}-{uuid.uuid4().hex[:6]}.eyb"),
            kind="export",
            sender_id=self.device_id,
            sender_signing_key=self.keys.signing,
            recipient_id=self.response.central_id,
            recipient_public_key=self.response.central_encryption_public_key,
            sequence=seq,
            previous_bundle_sha256=prev,
            records=records,
            extra=dict(extra or {"audit_head": {"hash": "0" * 64, "seq": 0}}),
        )
        if sequence is None:
            self.sequence = seq
            self.last = written
        return written


@dataclass
class CentralEnv:
    folder: Path
    work: Path
    cli: Callable[..., Run]

    def open(self) -> CentralFolder:
        return open_central(self.folder, PASSPHRASE)

    def enrol(
        self, device_id: str, team: str = "North Team", keys: KeyPair | None = None
    ) -> Device:
        keys = keys or KeyPair.generate()
        request = self.work / f"{device_id}-request.json"
        request.write_bytes(
            build_enrolment_request(
                keys,
                device_id=device_id,
                practitioner_name="Practitioner Ñame",
                team_name=team,
                now=datetime.now(UTC),
            )
        )
        response = self.work / f"{device_id}-response.json"
        result = self.cli("enrol", self.folder, request, "--out", response)
        assert result.code == 0, result.err
        parsed = parse_enrolment_response(
            response.read_bytes(),
            device_id=device_id,
            device_keys=keys,
            request=request.read_bytes(),
        )
        return Device(device_id, keys, team, parsed)

    def status(self) -> dict[str, object]:
        import json

        result = self.cli("status", self.folder, "--json")
        assert result.code == 0, result.err
        doc = json.loads(result.out)
        assert isinstance(doc, dict)
        return doc


@pytest.fixture
def central(tmp_path: Path, db_url: str | None, central_cli: Callable[..., Run]) -> CentralEnv:
    """A new central service folder, made as `init` makes it with a cheap Argon2id (the
    commands the test runs open it cheaply: the key slot records its own cost)."""
    folder = make_central(tmp_path / "central", passphrase=PASSPHRASE, database_url=db_url)
    work = tmp_path / "work"
    work.mkdir()
    return CentralEnv(folder, work, central_cli)


def record(
    entity: str,
    record_id: str,
    version: int = 1,
    device: str = "dev-a",
    deleted: bool = False,
    **data: object,
) -> dict[str, object]:
    return {
        "entity": entity,
        "id": record_id,
        "version": version,
        "deleted": deleted,
        "changed_by_device": device,
        "data": data,
    }
