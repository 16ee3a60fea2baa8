"""Hostile or broken input, run through the real command lines in a subprocess.

Each command runs under a memory ceiling (RLIMIT_AS) and a CPU ceiling, so a regression that
reads /dev/zero whole or derives a 4 GiB Argon2id key fails the test instead of eating the
machine; the command's own peak resident memory is checked against 200 MB (measured by the
small launcher `measured.py`, since a process forked from pytest inherits pytest's peak). The
wall-clock timeout is only a safety net, never an assertion.

Permission tests run the command as an unprivileged user when the suite runs as root (as
CI does): root reads every file whatever its mode. Like the PostgreSQL fixture in
tests/central/conftest.py, the user is `nobody` (or $EARLYYEARS_TEST_USER).
"""

from __future__ import annotations

import os
import pwd
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from ..fast_vaults import CENTRAL_PASSPHRASE, PASSPHRASE, make_central, make_vault

PEAK_RSS_LIMIT_MB = 200
SAFETY_NET_SECONDS = 180

DEVICE = "earlyyears_desktop.cli.main"
CENTRAL = "earlyyears_desktop.central.cli"
_AS_USER = Path(__file__).with_name("as_user.py")
_MEASURED = Path(__file__).with_name("measured.py")


@dataclass(frozen=True)
class Finished:
    code: int
    out: str
    err: str
    peak_rss_mb: int

    def one_line(self, code: int) -> str:
        """The single stderr line of a command that failed with `code`, within the limits."""
        assert self.code == code, (self.code, self.err)
        assert "Traceback" not in self.err
        lines = self.err.splitlines()
        assert len(lines) == 1, self.err
        assert self.peak_rss_mb < PEAK_RSS_LIMIT_MB, self.peak_rss_mb
        return lines[0]


def run(
    module: str,
    *args: str | os.PathLike[str],
    as_user: tuple[int, int] | None = None,
    env: dict[str, str] | None = None,
) -> Finished:
    """`python -m MODULE ARGS...` (as `as_user`, if given) under the ceilings above."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("EARLYYEARS_")}
    clean |= {
        "EARLYYEARS_PASSPHRASE": PASSPHRASE,
        "EARLYYEARS_CENTRAL_PASSPHRASE": CENTRAL_PASSPHRASE,
    }
    clean |= env or {}
    argv = [str(a) for a in args]
    if as_user is None:
        command = [sys.executable, "-m", module, *argv]
    else:
        command = [sys.executable, str(_AS_USER), str(as_user[0]), str(as_user[1]), module, *argv]
    with (
        tempfile.TemporaryFile("w+") as out,
        tempfile.TemporaryFile("w+") as err,
        tempfile.TemporaryDirectory() as scratch,
    ):
        report = Path(scratch) / "report"
        launcher = subprocess.Popen(
            [sys.executable, str(_MEASURED), str(report), *command],
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=err,
            env=clean,
            start_new_session=True,  # the safety net stops the launcher and the command
        )
        _wait(launcher)
        code, peak_kb = (int(word) for word in report.read_text(encoding="ascii").split())
        out.seek(0)
        err.seek(0)
        return Finished(code, out.read(), err.read(), peak_kb // 1024)


def _wait(launcher: subprocess.Popen[bytes]) -> None:
    try:
        launcher.wait(timeout=SAFETY_NET_SECONDS)
    except subprocess.TimeoutExpired:
        os.killpg(launcher.pid, signal.SIGKILL)
        launcher.wait()
        pytest.fail(f"{launcher.args!r} still running after {SAFETY_NET_SECONDS} s")


@pytest.fixture
def home() -> Iterator[Path]:
    """A private folder outside pytest's (which is root's and 0700 when run as root)."""
    base = Path(tempfile.mkdtemp(prefix="ey-limits-"))
    yield base
    for path in [base, *base.rglob("*")]:  # a test may have taken permissions away
        if not path.is_symlink():
            path.chmod(0o700)
    shutil.rmtree(base)


@pytest.fixture
def vault(home: Path) -> Path:
    """A locked vault with one practitioner (cheap Argon2id, which its key slot records)."""
    folder = home / "vault"
    make_vault(folder, passphrase=PASSPHRASE).vault.lock()
    return folder


@pytest.fixture
def central(home: Path) -> Path:
    """A central service folder on SQLite (cheap Argon2id, which its key slot records)."""
    return make_central(home / "central", passphrase=CENTRAL_PASSPHRASE)


@pytest.fixture
def unprivileged() -> Callable[[Path], tuple[int, int] | None]:
    """Give a folder to the user the command will run as; returns whom to run as.

    As root: the folder tree is handed to an unprivileged user and the command runs as that
    user. Otherwise the tests already run unprivileged: None (run as we are).
    """
    if os.geteuid() != 0:
        return lambda _folder: None
    name = os.environ.get("EARLYYEARS_TEST_USER", "nobody")
    try:
        account = pwd.getpwnam(name)
    except KeyError:
        pytest.fail(f"running as root, and there is no {name!r} user to run the commands as")

    def hand_over(folder: Path) -> tuple[int, int]:
        for path in [folder, *folder.rglob("*")]:
            os.chown(path, account.pw_uid, account.pw_gid, follow_symlinks=False)
        return account.pw_uid, account.pw_gid

    return hand_over
