"""SQLCipher connections under SQLAlchemy.

The data key is given as a raw key, the first statement on every connection, so SQLCipher
runs no key derivation of its own. Transactions are begun explicitly (the driver is in
autocommit mode) so that a write takes the write lock up front with BEGIN IMMEDIATE and never
fails half-way on a lock upgrade.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import sqlcipher3
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import ExceptionContext
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import QueuePool

from earlyyears_desktop.domain.rules import search_key
from earlyyears_desktop.storage.errors import VaultDamaged
from earlyyears_desktop.storage.faults import storage_fault
from earlyyears_desktop.storage.search_index import shard_of

BUSY_TIMEOUT_MS = 10_000
#: the end of the name of a copy being written by `export_copy` (".NAME.PID.partial")
PARTIAL_SUFFIX = ".partial"
_SQLITE_BUSY = 5
NOT_THIS_VAULT = (
    "The vault's database is not a vault, or damaged: it does not match its key-slot file."
)

# Before the key: SQLCipher would otherwise print its own lines on stderr ("hmac check
# failed") for a file that is not this vault's database, beside the one line we print.
_QUIET = "PRAGMA cipher_log_level = NONE"

# Applied after the key, in this order, on every connection, then the busy timeout.
_PRAGMAS = (
    "PRAGMA cipher_memory_security = ON",
    "PRAGMA temp_store = MEMORY",
    "PRAGMA journal_mode = WAL",
    "PRAGMA synchronous = FULL",
    "PRAGMA foreign_keys = ON",
    "PRAGMA secure_delete = ON",
)


def connect(path: Path, key: bytes, *, cache_statements: bool = True) -> sqlcipher3.Connection:
    """Open one keyed connection.

    The key has already been proved by unwrapping it from a key slot, so a database that will
    not open with it is damaged or is not the one its key-slot file belongs to.

    With `cache_statements=False` every statement is prepared afresh and finalized once its
    cursor is done with it. The driver's statement cache keeps a statement prepared with the
    values last bound to it, and under `cipher_memory_security` that is costly for bulk
    work: see `make_sqlcipher_engine`.
    """
    if not path.exists():
        # Create the file private to this user before SQLite opens it with the umask.
        path.touch(mode=0o600)
    options: dict[str, Any] = {} if cache_statements else {"cached_statements": 0}
    conn = sqlcipher3.connect(str(path), isolation_level=None, check_same_thread=False, **options)
    try:
        conn.execute(_QUIET).fetchall()
        conn.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlcipher3.DatabaseError as exc:
            # A disk that is full or read-only is said as such, never as damage.
            fault = storage_fault(exc, path.parent)
            if fault is not None:
                raise fault from exc
            raise VaultDamaged(NOT_THIS_VAULT) from None
        for pragma in _PRAGMAS:
            conn.execute(pragma).fetchall()
        # Read when connecting (a test of the wait's end shortens it in its own process).
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}").fetchall()
        add_vault_functions(conn)
    except BaseException:
        conn.close()
        raise
    return conn


def stored_vault_id(path: Path, key: bytes) -> str | None:
    """The vault id written in the database at `path`, read without changing any file.

    None when the file does not open with `key`, is empty, or holds no vault id: then it is
    not this vault's database, and nothing (no migration, no journal mode) may touch it.
    """
    if path.stat().st_size == 0:
        return None  # SQLite would take it for a new database and write one
    conn = sqlcipher3.connect(str(path), isolation_level=None, check_same_thread=False)
    try:
        conn.execute(_QUIET).fetchall()
        conn.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
        conn.execute("PRAGMA query_only = ON")
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        row = conn.execute("SELECT value FROM vault_settings WHERE key = 'vault_id'").fetchone()
    except sqlcipher3.DatabaseError as exc:  # not SQLCipher with this key, or no such table
        fault = storage_fault(exc, path.parent, "the vault was not opened")
        if fault is not None:  # SQLite could not make its shared-memory file: a full disk
            raise fault from exc
        return None
    finally:
        conn.close()
    return str(row[0]) if row is not None else None


def database_busy(exc: BaseException) -> bool:
    """Whether an error means another connection kept the database's lock for longer than
    `BUSY_TIMEOUT_MS` (SQLITE_BUSY): the app, say, writing while a command waited to."""
    orig = getattr(exc, "orig", None) if isinstance(exc, DBAPIError) else exc
    if not isinstance(orig, sqlcipher3.OperationalError):
        return False
    code = getattr(orig, "sqlite_errorcode", None)
    if isinstance(code, int):
        return code & 0xFF == _SQLITE_BUSY
    return "database is locked" in str(orig)


def add_vault_functions(conn: Any) -> None:
    """The SQL functions the vault's schema calls, on a new connection: the observation
    index's triggers fold text with the same rule as name search (`ey_fold`), and put each
    observation's words in its child's shard (`ey_shard`, storage/search_index.py)."""
    conn.create_function("ey_fold", 1, _fold, deterministic=True)
    conn.create_function("ey_shard", 1, _shard, deterministic=True)


def _fold(text: str | None) -> str | None:
    return search_key(text) if text is not None else None


def _shard(child_id: str | None) -> int | None:
    return shard_of(child_id) if child_id is not None else None


def make_engine(path: Path, key_source: Callable[[], bytes]) -> Engine:
    """An engine whose every new connection asks `key_source` for the key.

    The key is fetched at connect time rather than captured, so once the vault is locked
    (the source raises) an engine that someone still holds cannot open a connection.
    Statement parameters are hidden from error messages: they may be a child's name.
    """
    engine = make_sqlcipher_engine(path, key_source)
    _begin_explicitly(engine)
    _name_faults(engine, path.parent)
    return engine


def make_sqlcipher_engine(
    path: Path, key_source: Callable[[], bytes], *, cache_statements: bool = True
) -> Engine:
    """The keyed engine of `make_engine` without its way of beginning transactions.

    The central service's store uses this with a "begin" of its own (it waits longer for a
    busy database and says so); a caller must add one, as the driver is in autocommit mode.

    `cache_statements=False` suits bulk work with many bound text values (the central
    ingest's `record_id IN (...)` batches of 5,000 ids): a cached statement keeps the values
    last bound to it, which fill the connection's small-allocation pool (SQLite's
    "lookaside"), so every later allocation on the connection goes to the general allocator;
    with `cipher_memory_security = ON` (process-wide, and never turned off again once on) each
    of those is locked in memory and wiped on release, two system calls apiece. Measured:
    inserts after such a select ran 5 to 10 times slower than without it.
    """
    return create_engine(
        "sqlite://",
        creator=lambda: connect(path, key_source(), cache_statements=cache_statements),
        module=sqlcipher3.dbapi2,
        hide_parameters=True,
        poolclass=QueuePool,
        pool_size=2,
        max_overflow=2,
    )


def _begin_explicitly(engine: Engine) -> None:
    @event.listens_for(engine, "begin")
    def _begin(conn: Any) -> None:
        if conn.get_execution_options().get("write"):
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            conn.exec_driver_sql("BEGIN")


def _name_faults(engine: Engine, folder: Path) -> None:
    """A write that failed because the disk is full or read-only is raised as `DiskFull` or
    `FolderNotWritable` ("nothing was saved": its transaction is rolled back)."""

    @event.listens_for(engine, "handle_error")
    def _fault(context: ExceptionContext) -> None:
        fault = storage_fault(context.original_exception, folder)
        if fault is not None:
            raise fault from context.original_exception


def export_copy(engine: Engine, target: Path, key: bytes) -> None:
    """Write an encrypted copy of the whole database to `target` with the same key.

    The copy is made in a new file beside `target` and renamed over it when complete, so a
    crash never leaves a half-written backup, and an earlier file of the same name (a retry
    within the same second) is replaced rather than exported into.
    """
    partial = target.with_name(f".{target.name}.{os.getpid()}{PARTIAL_SUFFIX}")
    partial.unlink(missing_ok=True)
    # SQLite would create the file with the umask; make it private first.
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.close(fd)
    try:
        export_into(engine, partial, key)
        with open(partial, "rb") as f:
            os.fsync(f.fileno())
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)


def remove_dead_partials(folder: Path) -> list[Path]:
    """Remove the copies `export_copy` left half-written in `folder` when its process was
    killed (a copy whose process still runs is its own); the paths removed.

    They are encrypted with the vault's key and private (0600), so they were harmless, but
    they hold a whole vault's worth of disk space.
    """
    removed: list[Path] = []
    for path in folder.glob(f".*{PARTIAL_SUFFIX}"):
        pid = path.name[: -len(PARTIAL_SUFFIX)].rsplit(".", 1)[-1]
        if not pid.isdigit() or _process_alive(int(pid)) or not path.is_file():
            continue
        path.unlink(missing_ok=True)
        removed.append(path)
    return removed


def _process_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def export_into(engine: Engine, target: Path, key: bytes) -> None:
    """Export the whole database into the empty file `target`, encrypted with `key` (the
    same key for a backup, a new one for a re-key), in one read transaction: a consistent
    snapshot even while another connection writes."""
    with engine.connect() as conn:
        raw = conn.connection.dbapi_connection
        assert raw is not None
        export_on(raw, target, key)


def export_on(raw: Any, target: Path, key: bytes) -> None:
    """`sqlcipher_export` of the database open on the connection `raw` into `target`, inside
    one read transaction (ATTACH first: SQLite refuses it inside a transaction)."""
    raw.execute(f"ATTACH DATABASE ? AS backup KEY \"x'{key.hex()}'\"", (str(target),))
    try:
        raw.execute("BEGIN")
        try:
            raw.execute("SELECT sqlcipher_export('backup')").fetchall()
            raw.execute("COMMIT")
        except BaseException:
            # SQLite may have rolled back already (a full disk does): the first error is the
            # one to tell, not "no transaction is active"
            with contextlib.suppress(sqlcipher3.Error):
                raw.execute("ROLLBACK")
            raise
    finally:
        with contextlib.suppress(sqlcipher3.Error):
            raw.execute("DETACH DATABASE backup")


def copy_under_key(engine: Engine, target: Path, key: bytes) -> None:
    """Copy the whole database into the empty file `target`, page by page, each page
    re-encrypted under `key` (SQLite's online backup, which SQLCipher re-keys as it writes).

    Several times faster than `export_into` for a re-key: the pages are copied as they are,
    no table or index is rebuilt. One step, under one read transaction of the source: a
    consistent snapshot even while another connection writes.
    """
    with engine.connect() as conn:
        raw = conn.connection.dbapi_connection
        assert raw is not None
        copy_pages(raw, target, key)


def copy_pages(raw: Any, target: Path, key: bytes) -> None:
    """SQLite's online backup of the database open on the connection `raw` into the empty file
    `target` under `key`, in one step: one read transaction, a consistent snapshot."""
    target_conn = sqlcipher3.connect(str(target), isolation_level=None, check_same_thread=False)
    try:
        target_conn.execute(_QUIET).fetchall()
        target_conn.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
        raw.backup(target_conn)
    finally:
        target_conn.close()
