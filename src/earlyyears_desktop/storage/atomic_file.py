"""Private files written in one step: the old file or the new one, never half of either.

Every file the app writes outside the vault database (the key slots, enrolment requests, sync
bundles, the handouts PDF) goes through here: a 0600 temporary file in the destination folder,
flushed to disk, renamed over the destination, and the folder synced so the rename lasts.
"""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from pathlib import Path


def private_temp_file(folder: Path, *, prefix: str, suffix: str) -> Path:
    """A new empty file in `folder` that only this user can read (mkstemp: 0600, any umask)."""
    fd, name = tempfile.mkstemp(prefix=prefix, suffix=suffix, dir=folder)
    os.close(fd)
    return Path(name)


def replace_atomically(path: Path, data: bytes, *, prefix: str, suffix: str) -> None:
    """Write `data` to a private temporary file beside `path`, fsync it, rename it over `path`.

    On any failure the temporary file is removed and the error raised as it came; the folder
    is not synced here (see `sync_folder`), so the caller decides how a failure there is met.
    """
    # mkstemp creates the file with mode 0600, whatever the umask.
    fd, temp_name = tempfile.mkstemp(prefix=prefix, suffix=suffix, dir=path.parent)
    temp = Path(temp_name)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise


def publish_new(temp: Path, path: Path) -> None:
    """Give the finished file `temp` the name `path`, unless a file has that name already
    (FileExistsError, `temp` left as it is): never written over, not even by a race."""
    try:
        os.link(temp, path)  # fails if `path` exists, atomically
    except FileExistsError:
        raise
    except OSError:
        # A file system without hard links (FAT or exFAT on a USB stick): the name is checked
        # first. Only this vault's exports write this name, one at a time (export.lock).
        if os.path.lexists(path):
            raise FileExistsError(errno.EEXIST, "File exists", str(path)) from None
        os.replace(temp, path)
        return
    temp.unlink()


def sync_folder(folder: Path) -> None:
    """Make a rename durable (a no-op where folders cannot be opened, as on Windows)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def fsync_dir(folder: Path) -> None:
    """Make a rename durable, raising if the folder cannot be synced (unlike `sync_folder`)."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
