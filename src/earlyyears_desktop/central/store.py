"""The central service's SQLite store: encrypted, private, and patient when another writes.

The SQLite file is a SQLCipher database keyed with a random 256-bit key that the central key
store (keys.json) seals with the central passphrase, beside the private keys. It opens with
the device vault's keyed connections (`storage.engine`): the file is created 0600 before
SQLite touches it, and SQLite gives its -wal and -shm companions the file's own mode, so no
file of the store is readable by others whatever the umask.

A central folder made before the store was encrypted has a plaintext central.db; on first use
it is encrypted where it lies (`encrypt_in_place`). PostgreSQL stores are not handled here.

SQLite has one writer at a time, and every central transaction begins with BEGIN IMMEDIATE
(takes the write lock at once, so a writer never fails half-way upgrading a read lock). An
ingest that finds another holding the lock waits a short while quietly, then says it is
waiting and waits much longer; only then does it give up, saying that another command holds
the database (`DatabaseBusy`), not that the database cannot be reached.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, Final

import sqlcipher3
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import NullPool

from earlyyears_desktop.central.errors import CentralError, DatabaseBusy
from earlyyears_desktop.storage.atomic_file import fsync_dir
from earlyyears_desktop.storage.engine import connect, export_copy, make_sqlcipher_engine
from earlyyears_desktop.storage.errors import VaultDamaged
from earlyyears_desktop.storage.file_lock import held_lock

#: How long a transaction waits quietly for the write lock before saying it is waiting.
FIRST_WAIT_MS: Final = 2_000
#: How long, in all, it waits before giving up.
DEFAULT_BUSY_WAIT_SECONDS: Final = 600.0
#: Held while a store is prepared (its key added, a plaintext file encrypted): one at a time.
LOCK_NAME: Final = ".central.lock"

_SQLITE_HEADER: Final = b"SQLite format 3\x00"
_SQLITE_BUSY: Final = 5
_WIPE_BLOCK: Final = 1024 * 1024

Notify = Callable[[str], None]


def is_busy(exc: BaseException) -> bool:
    """Whether a database error means "another connection holds the lock" (SQLITE_BUSY)."""
    orig = exc.orig if isinstance(exc, DBAPIError) else exc
    code = getattr(orig, "sqlite_errorcode", None)
    if isinstance(code, int):
        return code & 0xFF == _SQLITE_BUSY
    return "database is locked" in str(orig)


def is_plaintext_sqlite(path: Path) -> bool:
    """An unencrypted SQLite file starts with this header; a SQLCipher file with random bytes."""
    try:
        with open(path, "rb") as f:
            return f.read(len(_SQLITE_HEADER)) == _SQLITE_HEADER
    except FileNotFoundError:
        return False


def store_lock(folder: Path) -> contextlib.AbstractContextManager[None]:
    """One process at a time prepares the store (other central commands wait here)."""
    return held_lock(folder / LOCK_NAME, wait=True)


def open_sqlite_store(
    path: Path, key: bytes, *, notify: Notify, busy_wait_seconds: float
) -> Engine:
    """An engine on the encrypted store whose transactions wait patiently for the write lock.

    Statements are not cached: an ingest's batch selects bind thousands of ids, which a
    cached statement would keep, slowing every later insert (`make_sqlcipher_engine`).
    """
    engine = make_sqlcipher_engine(path, lambda: key, cache_statements=False)

    @event.listens_for(engine, "connect")
    def _quiet_wait(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.execute(f"PRAGMA busy_timeout = {FIRST_WAIT_MS}").fetchall()

    @event.listens_for(engine, "begin")
    def _begin(conn: Any) -> None:
        try:
            _begin_immediate(conn.connection.dbapi_connection, notify, busy_wait_seconds)
        except sqlcipher3.Error as exc:
            raise CentralError(
                f"The central service's database cannot be used ({type(exc).__name__})."
            ) from None

    return engine


def _begin_immediate(raw: Any, notify: Notify, busy_wait_seconds: float) -> None:
    try:
        raw.execute("BEGIN IMMEDIATE")
        return
    except sqlcipher3.OperationalError as exc:
        if not is_busy(exc):
            raise
    total_ms = int(busy_wait_seconds * 1000)
    longer_ms = max(total_ms - FIRST_WAIT_MS, 0)
    notify(
        "The central service's database is busy: another ingest (or another "
        f"earlyyears-central command) is writing to it. Waiting up to {_duration(total_ms)}..."
    )
    raw.execute(f"PRAGMA busy_timeout = {longer_ms}").fetchall()
    try:
        raw.execute("BEGIN IMMEDIATE")
    except sqlcipher3.OperationalError as exc:
        if is_busy(exc):
            raise DatabaseBusy(_duration(total_ms)) from None
        raise
    finally:
        raw.execute(f"PRAGMA busy_timeout = {FIRST_WAIT_MS}").fetchall()


def _duration(ms: int) -> str:
    seconds = round(ms / 1000)
    if seconds >= 120 and seconds % 60 == 0:
        return f"{seconds // 60} minutes"
    return f"{seconds} seconds" if seconds != 1 else "1 second"


def encrypt_in_place(path: Path, key: bytes) -> None:
    """Encrypt a plaintext SQLite store with `key`, leaving no plaintext copy behind.

    `sqlcipher_export` writes an encrypted copy into a new 0600 file in the same folder, which
    is synced and checked, then renamed over the plaintext file in one step; the plaintext
    file (still open here) and any -wal, -shm or -journal file it left are then overwritten
    with zeros and removed. A crash at any point leaves either the plaintext store (encrypted
    again on the next use) or the encrypted one, never neither. Call it under `store_lock`.
    """
    folder = path.parent
    for leftover in folder.glob(f"*{path.name}.encrypting-*"):
        leftover.unlink(missing_ok=True)  # an interrupted earlier attempt's encrypted copy
    encrypted = folder / f"{path.name}.encrypting-{os.getpid()}"
    companions = [path.with_name(path.name + suffix) for suffix in ("-wal", "-shm", "-journal")]
    # SQLite removes a WAL it has checkpointed when the last connection closes; held open
    # here, its blocks can still be overwritten afterwards.
    held = [fd for fd in (_open_existing(companion) for companion in companions) if fd >= 0]
    plaintext = create_engine(
        "sqlite://",
        creator=lambda: sqlcipher3.connect(str(path), isolation_level=None),
        module=sqlcipher3.dbapi2,
        hide_parameters=True,
        poolclass=NullPool,
    )
    try:
        try:
            export_copy(plaintext, encrypted, key)
        finally:
            plaintext.dispose()  # the last connection closes: SQLite checkpoints the WAL
        try:
            connect(encrypted, key).close()
        except VaultDamaged:
            raise CentralError(
                "The central service's database could not be encrypted (the encrypted copy "
                "did not open); it was left as it was."
            ) from None
        for companion in companions:
            wipe_and_remove(companion)
        held.append(os.open(path, os.O_RDWR | os.O_NOFOLLOW))
        os.replace(encrypted, path)
        fsync_dir(folder)
        for fd in held:
            _overwrite(fd)
    except sqlcipher3.Error:
        raise CentralError(
            "The central service's database could not be encrypted (it is damaged or in "
            "use); it was left as it was."
        ) from None
    finally:
        for fd in held:
            os.close(fd)
        encrypted.unlink(missing_ok=True)


def _open_existing(path: Path) -> int:
    try:
        return os.open(path, os.O_RDWR | os.O_NOFOLLOW)
    except FileNotFoundError:
        return -1


def wipe_and_remove(path: Path) -> None:
    """Overwrite a file with zeros, sync it, then remove it (if it is there)."""
    try:
        fd = os.open(path, os.O_RDWR | os.O_NOFOLLOW)
    except FileNotFoundError:
        return
    try:
        _overwrite(fd)
    finally:
        os.close(fd)
    path.unlink(missing_ok=True)


def _overwrite(fd: int) -> None:
    # On copy-on-write file systems and SSDs the old blocks may survive an overwrite; the
    # documentation says so (docs/central-service.md), and the store is encrypted from now on.
    remaining = os.fstat(fd).st_size
    os.lseek(fd, 0, os.SEEK_SET)
    zeros = bytes(_WIPE_BLOCK)
    while remaining > 0:
        written = os.write(fd, zeros[: min(remaining, _WIPE_BLOCK)])
        remaining -= written
    os.fsync(fd)
