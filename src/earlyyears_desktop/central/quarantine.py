"""Keeping refused bundle files: a copy in CENTRAL/quarantine/ and a row saying why.

Only a regular file of at most a bundle's largest size is read: a symbolic link, a folder, a
device or a pipe is refused without being opened (so nothing outside the offered file is ever
copied into the quarantine), and the quarantine keeps copies up to `QuarantineLimits`.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Final

from sqlalchemy import insert, select

from earlyyears_desktop.central import models
from earlyyears_desktop.central.folder import CentralFolder, QuarantineLimits
from earlyyears_desktop.storage.atomic_file import fsync_dir
from earlyyears_desktop.sync.bundle import MAX_MANIFEST_SIZE, MAX_PAYLOAD_SIZE

_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]")
#: No bundle is larger: the payload's limit, the manifest's and room for the zip's own records.
MAX_BUNDLE_BYTES: Final = MAX_PAYLOAD_SIZE + 2 * MAX_MANIFEST_SIZE + 1024 * 1024
_COPY_BLOCK: Final = 1024 * 1024


@dataclass(frozen=True)
class Kept:
    """What became of a refused file: why it was refused (perhaps reworded, when it turned
    out not to be a regular file), where its copy is, or why none was kept."""

    reason: str
    code: str
    quarantined_as: str | None = None
    not_kept: str = ""


def not_a_bundle(info: os.stat_result) -> tuple[str, str] | None:
    """Why a file of this kind and size is not read (reason, code), or None."""
    if stat.S_ISLNK(info.st_mode):
        return (
            "It is a symbolic link; links are not followed: give the bundle file itself. "
            "Nothing was read or copied.",
            "not-a-file",
        )
    if not stat.S_ISREG(info.st_mode):
        return (
            "It is not a regular file (a folder, a device or a pipe). Nothing was read or copied.",
            "not-a-file",
        )
    if info.st_size > MAX_BUNDLE_BYTES:
        return (
            f"It is too large to be a bundle ({info.st_size // (1024 * 1024)} MiB; a bundle "
            f"is at most {MAX_BUNDLE_BYTES // (1024 * 1024)} MiB). Nothing was read or copied.",
            "too-large",
        )
    return None


def keep_refused(central: CentralFolder, path: Path, reason: str, code: str, now: datetime) -> Kept:
    """Keep a copy of the refused file (within the limits) and a row saying why.

    The file is opened again without following a link and checked again, so a file swapped
    for a link or a pipe since it was verified is not copied either. The row never holds the
    file's contents.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError:
        fd = -1
    try:
        if fd < 0:
            changed = "It was changed or removed while it was read. Nothing was copied."
            return Kept(changed, "not-a-file")
        info = os.fstat(fd)
        swapped = not_a_bundle(info)
        if swapped is not None:
            return Kept(*swapped)
        size = info.st_size
        sha = _sha256(fd, size)
        name = f"{sha[:16]}-{_SAFE_NAME.sub('_', path.name)[:120]}"
        not_kept = _keep_copy(central, fd, size, name)
    finally:
        if fd >= 0:
            os.close(fd)
    relative = "" if not_kept else f"{central.quarantine_dir.name}/{name}"
    q = models.quarantine.c
    with central.engine.begin() as conn:
        exists = conn.execute(select(q.id).where(q.sha256 == sha, q.code == code)).first()
        if exists is None:
            conn.execute(
                insert(models.quarantine).values(
                    file=relative,
                    sha256=sha,
                    reason=reason,
                    code=code,
                    refused_at=now.astimezone(UTC).replace(tzinfo=None),
                )
            )
    return Kept(reason, code, relative or None, not_kept)


def _sha256(fd: int, size: int) -> str:
    digest = hashlib.sha256()
    for block in _blocks(fd, size):
        digest.update(block)
    return digest.hexdigest()


def _blocks(fd: int, size: int) -> Iterator[bytes]:
    """The first `size` bytes of the open file, from its start, in blocks."""
    os.lseek(fd, 0, os.SEEK_SET)
    remaining = size
    while remaining > 0:
        block = os.read(fd, min(remaining, _COPY_BLOCK))
        if not block:
            return
        remaining -= len(block)
        yield block


def _keep_copy(central: CentralFolder, fd: int, size: int, name: str) -> str:
    """Copy the open file into the quarantine as `name`; "" if kept, else why not."""
    folder = central.quarantine_dir
    folder.mkdir(mode=0o700, exist_ok=True)
    target = folder / name
    if target.exists():
        return ""
    limits: QuarantineLimits = central.quarantine_limits
    if size > limits.max_file_bytes:
        return f"the file is larger than the {_mib(limits.max_file_bytes)} a copy may be"
    files, total = _quarantine_usage(folder)
    if files + 1 > limits.max_files or total + size > limits.max_total_bytes:
        return (
            f"the quarantine folder is full ({files} files, {_mib(total)}; at most "
            f"{limits.max_files} files and {_mib(limits.max_total_bytes)}): move old "
            "copies out of it"
        )
    tmp = folder / f".{name}.{os.getpid()}.tmp"
    out = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
    try:
        try:
            for block in _blocks(fd, size):
                os.write(out, block)
            os.fsync(out)
        finally:
            os.close(out)
        os.replace(tmp, target)
        fsync_dir(folder)
    finally:
        tmp.unlink(missing_ok=True)
    return ""


def _quarantine_usage(folder: Path) -> tuple[int, int]:
    files = total = 0
    with os.scandir(folder) as entries:
        for entry in entries:
            if entry.is_file(follow_symlinks=False):
                files += 1
                total += entry.stat(follow_symlinks=False).st_size
    return files, total


def _mib(size: int) -> str:
    if size < 1024 * 1024:
        return f"{size} bytes"
    return f"{size / (1024 * 1024):.0f} MiB"
