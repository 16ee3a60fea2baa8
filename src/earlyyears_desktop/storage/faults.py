"""A write that failed because of the disk, put in words: `storage_fault(error, folder)`.

SQLite says SQLITE_FULL ("database or disk is full") when a write finds no room, and
SQLITE_READONLY or SQLITE_CANTOPEN / SQLITE_IOERR when the disk cannot be written; the
operating system says ENOSPC, EDQUOT or EROFS. Unnamed, these reach a person as "something
unexpected went wrong". Named here (`DiskFull`, `FolderNotWritable`), each says in one plain
sentence what was kept and what to do, with the folder and nothing of any record.

The vault's engine names its own errors (`storage/engine.py` `make_engine`); a file written
beside it (a bundle, a PDF, the copy taken before an upgrade) is named by its writer with
`named_faults(folder, outcome)`.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Final

from earlyyears_desktop.storage.errors import DiskFull, FolderNotWritable, StorageFault

#: what a failed write of the vault kept: nothing (each write is one transaction)
NOTHING_SAVED: Final = "nothing was saved"
_SQLITE_READONLY: Final = 8
_SQLITE_IOERR: Final = 10
_SQLITE_FULL: Final = 13
_SQLITE_CANTOPEN: Final = 14
#: below this much room, an input/output error while writing is taken for a full disk
_NEARLY_FULL_BYTES: Final = 256 * 1024
#: SQLite's words for SQLITE_FULL (sqlite3ErrStr), fixed in its source
_FULL_TEXT: Final = "database or disk is full"
_FULL_ERRNOS: Final = frozenset({errno.ENOSPC, errno.EDQUOT})


def disk_full(folder: Path, outcome: str = NOTHING_SAVED, *, vault: bool = True) -> DiskFull:
    where = f"on the disk that holds the vault ({folder})" if vault else f"in {folder}"
    return DiskFull(f"The disk is full: {outcome}. Free some space {where} and try again.")


def not_writable(
    folder: Path, outcome: str = NOTHING_SAVED, *, vault: bool = True
) -> FolderNotWritable:
    what = "The vault's folder" if vault else "The folder"
    return FolderNotWritable(
        f"{what} {folder} cannot be written now (its disk is read-only): {outcome}. "
        "Make the disk writable again, then try again."
    )


def storage_fault(
    error: BaseException, folder: Path, outcome: str = NOTHING_SAVED, *, vault: bool = True
) -> StorageFault | None:
    """The named fault for `error` met while writing in `folder`, or None if it is not one.

    `outcome` says what was kept ("nothing was saved"); `vault` says whether `folder` is the
    vault's own (the advice then names the disk that holds it).
    """
    if isinstance(error, StorageFault):
        return error
    kind = _kind(error, folder)
    if kind == "full":
        return disk_full(folder, outcome, vault=vault)
    if kind == "read-only":
        return not_writable(folder, outcome, vault=vault)
    return None


@contextmanager
def named_faults(
    folder: Path, outcome: str = NOTHING_SAVED, *, vault: bool = True
) -> Iterator[None]:
    """Raise a write's disk failure in the block as its named fault (chained to it)."""
    try:
        yield
    except DiskFull as exc:  # named by the engine: said again with this block's outcome
        raise disk_full(folder, outcome, vault=vault) from exc
    except FolderNotWritable as exc:
        raise not_writable(folder, outcome, vault=vault) from exc
    except Exception as exc:
        fault = storage_fault(exc, folder, outcome, vault=vault)
        if fault is None:
            raise
        raise fault from exc


def _kind(error: BaseException, folder: Path) -> str | None:
    if isinstance(error, OSError) and error.errno is not None:
        if error.errno in _FULL_ERRNOS:
            return "full"
        if error.errno == errno.EROFS:
            return "read-only"
        return None
    code = _sqlite_code(error)
    if code is None:
        return None
    if code == _SQLITE_FULL or str(getattr(error, "orig", None) or error) == _FULL_TEXT:
        # sqlcipher_export reports a full disk as SQLITE_ERROR with SQLITE_FULL's own text.
        return "full"
    if code == _SQLITE_READONLY:
        return "read-only"
    if code in (_SQLITE_IOERR, _SQLITE_CANTOPEN):
        # SQLite does not say why a write or an open failed: the disk does.
        return _disk_state(folder)
    return None


def _sqlite_code(error: BaseException) -> int | None:
    """SQLite's primary result code of a driver error (wrapped by SQLAlchemy or not)."""
    orig = getattr(error, "orig", None) or error
    code = getattr(orig, "sqlite_errorcode", None)
    return code & 0xFF if isinstance(code, int) else None


def on_read_only_disk(folder: Path) -> bool:
    """Whether `folder` is on a file system mounted read-only (a locked SD card, a disk the
    system made read-only after errors)."""
    return _disk_state(folder) == "read-only"


def _disk_state(folder: Path) -> str | None:
    try:
        disk = os.statvfs(folder)
    except (OSError, AttributeError):  # gone, or Windows
        return None
    if disk.f_flag & os.ST_RDONLY:
        return "read-only"
    if disk.f_bavail * disk.f_frsize < _NEARLY_FULL_BYTES:
        return "full"
    return None
