"""The backup file: a consistent snapshot of the vault, encrypted again, with its key slots.

    MAGIC (12 bytes)  "EYBACKUP\\r\\n\\x1a\\n"
    u32               length of the header
    header            JSON: format, version, vault id, created-at, chunk size, database size,
                      a random salt and the key-slot file's bytes (no child's data, but the
                      unlock screen's labels, practitioners' names as they chose them)
    tag (32 bytes)    HMAC-SHA256 of everything before it, under a key derived from the data key
    chunks            u32 length + AES-256-GCM ciphertext of up to `chunk_bytes` of the database

The database inside is the SQLCipher file itself (encrypted under the vault's data key), taken
with SQLite's online backup in one step, one read transaction: a consistent moment while the
app may be writing (measured on the scale vault, 416 MB, twice each: 5.9 and 6.1 s, against
11.1 and 10.8 s for `sqlcipher_export`, which rebuilds every table and index; the pages
copied include free ones, which secure_delete has zeroed). That file is then sealed again in
chunks under a key derived with HKDF-SHA256 from the data key and the backup's own random
salt, so two backups never share a key. Each chunk's nonce is its index and whether it is the
last; its associated data is the header's digest. So a flipped byte anywhere, a truncated file,
chunks reordered or moved between backups, or a header edited (another vault id, other key
slots) are all refused.

A backup opens with any passphrase or the recovery key that opened the vault when it was made:
the key slots are inside. Only the public API of `KeySlotFile` is used (`from_bytes`,
`to_bytes`, `unwrap`, `passphrase_slots`, `recovery_slots`), whatever the key-slot format.

Writing goes to a private partial file beside the target (0600, whatever the umask), fsynced,
then renamed: a crash never leaves half a file under the target's name, and never touches an
earlier backup. Memory stays bounded: one chunk at a time. Restoring is `storage/restore.py`.
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import errno
import hashlib
import hmac
import json
import os
import stat
import struct
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Final

import sqlcipher3
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from earlyyears_desktop.storage.atomic_file import sync_folder
from earlyyears_desktop.storage.engine import (
    BUSY_TIMEOUT_MS,
    NOT_THIS_VAULT,
    copy_pages,
    stored_vault_id,
)
from earlyyears_desktop.storage.errors import (
    NotAVault,
    VaultDamaged,
    VaultError,
    VaultInaccessible,
    WrongPassphrase,
)
from earlyyears_desktop.storage.keyslots import (
    KeySlot,
    KeySlotFile,
    looks_like_recovery_key,
    normalise_passphrase,
    normalise_recovery_key,
)
from earlyyears_desktop.storage.vault import VaultPaths, check_vault_folder

FORMAT: Final = "earlyyears-backup"
FORMAT_VERSION: Final = 1
SUFFIX: Final = ".eybackup"
MAGIC: Final = b"EYBACKUP\r\n\x1a\n"
CHUNK_BYTES: Final = 1 << 20
#: a header holds a key-slot file (at most 1 MiB, base64) and a few fields
MAX_HEADER_BYTES: Final = 2 << 20
_MIN_CHUNK, _MAX_CHUNK = 4_096, 16 << 20
_TAG_BYTES: Final = 16
_SALT_BYTES: Final = 32
_LENGTH = struct.Struct(">I")
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)

Progress = Callable[[int, int], None]

WRONG_SECRET = "That passphrase or recovery key does not open this backup."


class BackupError(VaultError):
    """A backup could not be made, read or restored; the message says why in one sentence."""


class NotABackup(BackupError):
    """The file named is not an Early Years backup (or not a file at all)."""


class BackupDamaged(BackupError):
    """The backup was altered or cut short: nothing from it is used."""


@dataclass(frozen=True)
class BackupHeader:
    """What a backup says about itself, readable without any secret (no child's data; the
    key-slot file's labels name practitioners).

    Until `open_backup` has checked its tag, none of it is to be trusted."""

    vault_id: str
    created_at: dt.datetime
    chunk_bytes: int
    database_bytes: int
    salt: bytes
    keyslots: bytes
    #: the bytes the tag covers (magic, length, header) and the tag itself
    raw: bytes
    tag: bytes

    @property
    def digest(self) -> bytes:
        """What every chunk is bound to: the header and its tag."""
        return hashlib.sha256(self.raw + self.tag).digest()

    @property
    def chunk_count(self) -> int:
        return max(1, -(-self.database_bytes // self.chunk_bytes))


@dataclass(frozen=True)
class OpenedBackup:
    """A backup whose header was proved with the data key it holds."""

    header: BackupHeader
    data_key: bytes
    slot: KeySlot


@dataclass(frozen=True)
class BackupWritten:
    path: Path
    size: int
    created_at: dt.datetime


def backup_file_name(at: dt.datetime) -> str:
    """`earlyyears-backup-YYYYMMDD-HHMMSS.eybackup`: a time, never a child's or team's name."""
    return f"earlyyears-backup-{at:%Y%m%d-%H%M%S}{SUFFIX}"


# ---- keys ----


def _derive(data_key: bytes, salt: bytes, purpose: bytes) -> bytes:
    hkdf = HKDF(
        algorithm=hashes.SHA256(),
        length=32,
        salt=salt,
        info=b"%s/%d/%s" % (FORMAT.encode(), FORMAT_VERSION, purpose),
    )
    return hkdf.derive(data_key)


def _nonce(index: int, last: bool) -> bytes:
    return index.to_bytes(11, "big") + (b"\x01" if last else b"\x00")


def _aad(digest: bytes, index: int, last: bool) -> bytes:
    return digest + index.to_bytes(8, "big") + (b"\x01" if last else b"\x00")


# ---- writing ----


def snapshot_database(database: Path, key: bytes, target: Path) -> None:
    """A consistent copy of the database at `target`, under the same key.

    SQLite's online backup copies every page in one step, inside one read transaction, so
    another process may go on writing: the copy is the database as of the moment the
    transaction began. Nothing is written to the vault's files."""
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW, 0o600)
    os.close(fd)
    conn = sqlcipher3.connect(str(database), isolation_level=None, check_same_thread=False)
    try:
        conn.execute("PRAGMA cipher_log_level = NONE").fetchall()
        conn.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA temp_store = MEMORY")
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlcipher3.DatabaseError:
            raise VaultDamaged(NOT_THIS_VAULT) from None
        copy_pages(conn, target, key)
    finally:
        conn.close()


def write_backup(
    database: Path,
    data_key: bytes,
    slots: KeySlotFile,
    target: Path,
    *,
    created_at: dt.datetime,
    progress: Progress | None = None,
) -> BackupWritten:
    """Snapshot the database and write the backup file at `target` (which must not exist).

    The snapshot and the partial file are private dot-files beside `target`, removed whatever
    happens; one left by a process that was killed is removed by the next backup there."""
    target = Path(target)
    folder = target.parent
    _check_backup_folder(folder)
    if os.path.lexists(target):
        raise BackupError(f"There is already a file at {target}: choose another name.")
    clear_leftovers(folder)
    stem = f".{target.name}.{os.getpid()}"
    snapshot = folder / f"{stem}.snapshot"
    partial = folder / f"{stem}.partial"
    try:
        snapshot_database(database, data_key, snapshot)
        size = snapshot.stat().st_size
        with open(snapshot, "rb") as source:
            _write_sealed(source, size, partial, data_key, slots, created_at, progress)
        os.replace(partial, target)
        sync_folder(folder)
        return BackupWritten(target, target.stat().st_size, created_at)
    except OSError as exc:
        raise _written_error(exc, folder) from None
    finally:
        for path in (partial, snapshot, Path(f"{snapshot}-journal")):
            with contextlib.suppress(OSError):
                path.unlink()


def _write_sealed(
    source: BinaryIO,
    size: int,
    partial: Path,
    data_key: bytes,
    slots: KeySlotFile,
    created_at: dt.datetime,
    progress: Progress | None,
) -> None:
    salt = os.urandom(_SALT_BYTES)
    header = json.dumps(
        {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "vault_id": slots.vault_id,
            "created_at": created_at.astimezone(dt.UTC).isoformat(timespec="seconds"),
            "chunk_bytes": CHUNK_BYTES,
            "database_bytes": size,
            "salt": base64.b64encode(salt).decode("ascii"),
            "keyslots": base64.b64encode(slots.to_bytes()).decode("ascii"),
        },
        sort_keys=True,
    ).encode("utf-8")
    raw = MAGIC + _LENGTH.pack(len(header)) + header
    tag = hmac.new(_derive(data_key, salt, b"header"), raw, hashlib.sha256).digest()
    digest = hashlib.sha256(raw + tag).digest()
    aead = AESGCM(_derive(data_key, salt, b"chunks"))
    count = max(1, -(-size // CHUNK_BYTES))
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(raw + tag)
        for index in range(count):
            plain = source.read(CHUNK_BYTES)
            last = index == count - 1
            sealed = aead.encrypt(_nonce(index, last), plain, _aad(digest, index, last))
            out.write(_LENGTH.pack(len(sealed)) + sealed)
            if progress is not None:
                progress(min(size, (index + 1) * CHUNK_BYTES), size)
        if source.read(1):
            raise BackupError("The vault changed size while it was being backed up.")
        out.flush()
        os.fsync(out.fileno())


def backup_open_vault_files(
    folder: Path, secret: str, target: Path, *, progress: Progress | None = None
) -> BackupWritten:
    """A backup of the vault in `folder` made without opening it as the app does: the key is
    unwrapped from its key-slot file and the database only read, so this works while the app
    has the vault open (the command line's `earlyyears backup`)."""
    folder = Path(folder)
    check_vault_folder(folder)
    paths = VaultPaths(folder)
    slots = KeySlotFile.load(paths.keyslots)
    if not paths.database.is_file():
        raise NotAVault(f"The vault in {folder} has lost its database file.")
    _, key = unwrap_with_secret(slots, secret)
    if stored_vault_id(paths.database, key) != slots.vault_id:
        raise VaultDamaged(NOT_THIS_VAULT)
    return write_backup(
        paths.database, key, slots, target, created_at=dt.datetime.now(dt.UTC), progress=progress
    )


def unwrap_with_secret(slots: KeySlotFile, secret: str) -> tuple[KeySlot, bytes]:
    """The data key from a passphrase (any practitioner's) or the recovery key."""
    if looks_like_recovery_key(secret):
        return slots.unwrap(normalise_recovery_key(secret), slots.recovery_slots())
    return slots.unwrap(normalise_passphrase(secret), slots.passphrase_slots(None))


def _check_backup_folder(folder: Path) -> None:
    try:
        mode = folder.stat().st_mode
    except FileNotFoundError:
        raise BackupError(f"The folder {folder} does not exist.") from None
    except PermissionError:
        raise VaultInaccessible.permission_denied(folder) from None
    if not stat.S_ISDIR(mode):
        raise VaultInaccessible.not_a_folder(folder)
    if not os.access(folder, os.W_OK | os.X_OK):
        raise VaultInaccessible.permission_denied(folder)


def _written_error(exc: OSError, folder: Path) -> BackupError:
    if exc.errno == errno.ENOSPC:
        return BackupError(f"There is not enough room in {folder} for the backup.")
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return BackupError(f"The backup cannot be written in {folder}: permission denied.")
    return BackupError(f"The backup could not be written in {folder} ({exc.strerror}).")


def clear_leftovers(folder: Path) -> None:
    """Remove the snapshot and partial files of backups that a killed process left in
    `folder` (named `.NAME.PID.snapshot` / `.partial`; a living process's are kept)."""
    with contextlib.suppress(OSError):
        for entry in os.scandir(folder):
            name = entry.name
            if not (name.startswith(".") and SUFFIX in name):
                continue
            parts = name.rsplit(".", 2)
            if len(parts) != 3 or parts[2] not in ("snapshot", "partial", "snapshot-journal"):
                continue
            pid = parts[1]
            if pid.isdigit() and not process_alive(int(pid)):
                with contextlib.suppress(OSError):
                    os.unlink(entry.path)


def process_alive(pid: int) -> bool:
    """Whether a process with this id is running (a leftover file of a dead one may go)."""
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


# ---- reading ----


@contextlib.contextmanager
def opened_file(path: Path) -> Iterator[BinaryIO]:
    """The backup file for reading: a regular file, never followed through a symlink (a
    device such as /dev/zero, a folder or a link is refused at once)."""
    path = Path(path)
    try:
        fd = os.open(path, os.O_RDONLY | _NOFOLLOW | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        raise NotABackup(f"There is no backup file at {path}.") from None
    except PermissionError:
        raise VaultInaccessible.permission_denied(path) from None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise NotABackup(f"{path} is a link, not a backup file.") from None
        raise NotABackup(f"{path} cannot be read as a backup file.") from None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise NotABackup(f"{path} is not a backup file.")
        f = os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise
    with f:
        yield f


def _read_exactly(f: BinaryIO, size: int, path: Path) -> bytes:
    data = f.read(size)
    if len(data) != size:
        raise BackupDamaged(damaged_message(path))
    return data


def damaged_message(path: Path) -> str:
    return f"The backup {path.name} is damaged or incomplete, so nothing was restored from it."


def read_header(f: BinaryIO, path: Path) -> BackupHeader:
    """The header at the start of `f` (not yet proved: see `open_backup`)."""
    magic = f.read(len(MAGIC))
    if magic != MAGIC:
        raise NotABackup(f"{path.name} is not an Early Years backup.")
    (length,) = _LENGTH.unpack(_read_exactly(f, _LENGTH.size, path))
    if not 0 < length <= MAX_HEADER_BYTES:
        raise BackupDamaged(damaged_message(path))
    text = _read_exactly(f, length, path)
    tag = _read_exactly(f, 32, path)
    try:
        doc = json.loads(text)
        if not isinstance(doc, dict) or doc.get("format") != FORMAT:
            raise ValueError("format")
        if doc.get("format_version") != FORMAT_VERSION:
            raise NotABackup(f"{path.name} was made by a newer version of the app.")
        chunk_bytes, size = doc["chunk_bytes"], doc["database_bytes"]
        if not (isinstance(chunk_bytes, int) and _MIN_CHUNK <= chunk_bytes <= _MAX_CHUNK):
            raise ValueError("chunk size")
        if not (isinstance(size, int) and size >= 0):
            raise ValueError("size")
        vault_id = doc["vault_id"]
        if not isinstance(vault_id, str) or not 0 < len(vault_id) <= 100:
            raise ValueError("vault id")
        created = dt.datetime.fromisoformat(str(doc["created_at"]))
        salt = base64.b64decode(str(doc["salt"]), validate=True)
        keyslots = base64.b64decode(str(doc["keyslots"]), validate=True)
    except (ValueError, KeyError, TypeError):
        raise BackupDamaged(damaged_message(path)) from None
    raw = MAGIC + _LENGTH.pack(length) + text
    return BackupHeader(vault_id, created, chunk_bytes, size, salt, keyslots, raw, tag)


def backup_header(path: Path) -> BackupHeader:
    """A backup's header without any secret: for listing backups (its date, its vault)."""
    with opened_file(path) as f:
        return read_header(f, Path(path))


def open_backup(f: BinaryIO, path: Path, secret: str) -> OpenedBackup:
    """Read the header, unwrap the data key from its key slots with `secret`, prove the
    header with it. `WrongPassphrase` if no slot opens; `BackupDamaged` if the header was
    altered (a key slot inside it too: the vault's own message, which sends the reader to
    restore a backup, would be wrong here)."""
    header = read_header(f, path)
    try:
        slots = KeySlotFile.from_bytes(header.keyslots, path.parent)
    except NotAVault:
        raise BackupDamaged(damaged_message(path)) from None
    if slots.vault_id != header.vault_id:
        raise BackupDamaged(damaged_message(path))
    try:
        slot, key = unwrap_with_secret(slots, secret)
    except WrongPassphrase:
        raise WrongPassphrase(WRONG_SECRET) from None
    except VaultDamaged:  # a slot's sealed key or its endorsement was altered
        raise BackupDamaged(damaged_message(path)) from None
    expected = hmac.new(_derive(key, header.salt, b"header"), header.raw, hashlib.sha256)
    if not hmac.compare_digest(expected.digest(), header.tag):
        raise BackupDamaged(damaged_message(path))
    return OpenedBackup(header, key, slot)


def decrypt_chunks(
    f: BinaryIO, path: Path, opened: OpenedBackup, progress: Progress | None = None
) -> Iterator[bytes]:
    """Each chunk of the database in order, proved; `BackupDamaged` at the first that is
    not as written (altered, missing, reordered, or anything after the last)."""
    header = opened.header
    aead = AESGCM(_derive(opened.data_key, header.salt, b"chunks"))
    digest, count, size = header.digest, header.chunk_count, header.database_bytes
    done = 0
    for index in range(count):
        last = index == count - 1
        (length,) = _LENGTH.unpack(_read_exactly(f, _LENGTH.size, path))
        if not _TAG_BYTES <= length <= header.chunk_bytes + _TAG_BYTES:
            raise BackupDamaged(damaged_message(path))
        sealed = _read_exactly(f, length, path)
        try:
            plain = aead.decrypt(_nonce(index, last), sealed, _aad(digest, index, last))
        except InvalidTag:
            raise BackupDamaged(damaged_message(path)) from None
        expected = min(header.chunk_bytes, size - done) if size else 0
        if len(plain) != expected:
            raise BackupDamaged(damaged_message(path))
        done += len(plain)
        if progress is not None:
            progress(done, size)
        yield plain
    if f.read(1):
        raise BackupDamaged(damaged_message(path))
