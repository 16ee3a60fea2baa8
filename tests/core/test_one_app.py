"""One app per vault, with real processes: a second app is told who has the vault open and
since when, a crashed holder leaves nothing taken, and a command on a vault the app has open
reads freely and writes after a wait, or says the vault is in use; nothing is corrupted."""

from __future__ import annotations

import getpass
import hashlib
import json
import os
import signal
import socket
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from earlyyears_desktop.services.accounts import UnlockedVault, VaultInUse, unlock
from earlyyears_desktop.storage.app_lock import APP_LOCK_NAME, BUSY_MESSAGE
from earlyyears_desktop.storage.errors import VaultInaccessible
from earlyyears_desktop.storage.vault import open_vault

from ..app_holder import AppHolder, start_app_holder
from ..fast_vaults import PASSPHRASE, make_vault
from .conftest import TODAY


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    folder = tmp_path / "vault"
    make_vault(folder).vault.lock()
    return folder


@pytest.fixture
def holder(folder: Path) -> Iterator[AppHolder]:
    """The app, in a process of its own, with the vault unlocked."""
    held = start_app_holder(folder, TODAY, PASSPHRASE)
    assert held.first == "ready"
    yield held
    if held.process.poll() is None:
        held.process.kill()
        held.process.wait()


def _digests(folder: Path) -> dict[str, str]:
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.iterdir())
        if p.is_file()
    }


#: `earlyyears ARGS...` whose wait for the write lock ends after half a second, not ten
_CLI_WAITING_LESS = """
import sys
from earlyyears_desktop.storage import engine
engine.BUSY_TIMEOUT_MS = 500
from earlyyears_desktop.cli.main import main
sys.exit(main(sys.argv[1:]))
"""


def _cli(*args: str, wait_less: bool = False) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("EARLYYEARS_")}
    env["EARLYYEARS_PASSPHRASE"] = PASSPHRASE
    start = ["-c", _CLI_WAITING_LESS] if wait_less else ["-m", "earlyyears_desktop.cli.main"]
    return subprocess.Popen(
        [sys.executable, *start, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
        env=env,
    )


def test_a_second_app_is_told_who_has_the_vault_open_and_nothing_is_touched(
    folder: Path, holder: AppHolder
) -> None:
    before = _digests(folder)
    # Even a wrong passphrase is answered "in use": the lock comes before any key is derived.
    for secret in (PASSPHRASE, "not the passphrase at all"):
        with pytest.raises(VaultInUse) as refused:
            unlock(folder, secret)
        message = refused.value.message
        assert message.startswith("This vault is open in another Early Years window, by ")
        assert f"by {getpass.getuser()} on {socket.gethostname()} since " in message
        assert message.endswith("Close it there first.")
    assert _digests(folder) == before  # no journal, no migration, no lock file rewritten

    lock_file = folder / APP_LOCK_NAME
    assert stat.S_IMODE(lock_file.stat().st_mode) == 0o600
    content = json.loads(lock_file.read_text(encoding="utf-8"))
    assert set(content) == {"user", "host", "pid", "since"}
    assert content["pid"] == holder.pid
    assert content["since"].endswith("+00:00")
    text = lock_file.read_text(encoding="utf-8")
    for personal in ("Amira", "Haddad", "Test Early Years Team"):
        assert personal not in text


def test_a_killed_app_leaves_the_vault_free_and_locking_lets_it_go(
    folder: Path, holder: AppHolder
) -> None:
    holder.process.send_signal(signal.SIGKILL)
    holder.process.wait(timeout=30)
    unlocked: UnlockedVault = unlock(folder, PASSPHRASE)  # the stale lock file is taken over
    try:
        content = json.loads((folder / APP_LOCK_NAME).read_text(encoding="utf-8"))
        assert content["pid"] == os.getpid()
        # Now this process is the app: another is refused, and says so.
        second = start_app_holder(folder, TODAY, PASSPHRASE)
        assert second.first.startswith("refused This vault is open in another")
        assert second.close() == 3
    finally:
        unlocked.lock()
    assert not (folder / APP_LOCK_NAME).exists()  # locking removes it
    third = start_app_holder(folder, TODAY, PASSPHRASE)
    assert third.first == "ready"
    assert third.close() == 0
    with open_vault(folder, PASSPHRASE).engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"


def test_a_link_or_a_folder_in_place_of_the_lock_file_is_refused(
    folder: Path, tmp_path: Path
) -> None:
    elsewhere = tmp_path / "elsewhere.txt"
    elsewhere.write_text("not the vault's", encoding="utf-8")
    lock_file = folder / APP_LOCK_NAME
    lock_file.symlink_to(elsewhere)
    with pytest.raises(VaultInaccessible) as refused:
        unlock(folder, PASSPHRASE)
    assert "not an ordinary file" in refused.value.message
    assert elsewhere.read_text(encoding="utf-8") == "not the vault's"
    lock_file.unlink()
    lock_file.mkdir()
    with pytest.raises(VaultInaccessible):
        unlock(folder, PASSPHRASE)
    lock_file.rmdir()
    unlock(folder, PASSPHRASE).lock()


def test_a_command_reads_beside_the_app_and_writes_after_a_wait_or_says_in_use(
    folder: Path, holder: AppHolder, tmp_path: Path
) -> None:
    info = _cli("info", str(folder))
    out, err = info.communicate(timeout=120)
    assert info.returncode == 0, err
    assert "practitioner" in out

    # The app keeps the write lock longer than a command waits (ten seconds; half a second
    # here): the command says so, in one line, and keeps nothing of its write.
    assert holder.tell("hold-write") == "holding"
    request = tmp_path / "request.json"
    refused = _cli("enrol-request", str(folder), "--out", str(request), wait_less=True)
    _out, err = refused.communicate(timeout=120)
    assert refused.returncode == 3, err
    assert err.strip() == BUSY_MESSAGE
    assert "Traceback" not in err

    # The app finishes its write while the command waits: the command completes.
    waiting = _cli("enrol-request", str(folder), "--out", str(request))
    time.sleep(1)  # the command is (most likely) waiting now; it succeeds either way
    assert holder.tell("commit") == "committed"
    out, err = waiting.communicate(timeout=120)
    assert waiting.returncode == 0, err
    assert "Wrote the enrolment request" in out
    assert holder.close() == 0

    vault = open_vault(folder, PASSPHRASE)
    try:
        with vault.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
        assert vault.setting("sync.enrolment.request_sha256")
    finally:
        vault.lock()
