"""What keeps two exports of one vault apart: a lock held while one is written, and its file.

An export holds `export_lock` (an OS lock on `export.lock` in the vault folder) from before it
reserves its sequence number until its bundle is recorded. The OS releases the lock when the
process ends, however it ends, so a reservation found in the vault while this lock is free was
left by an export that died, never by one still being written.

The bundle's file name is created (empty, 0600) with `create_exclusively` while the sequence
number is reserved; the finished bundle is then renamed over that empty file. So a process only
ever replaces or removes a file it created itself.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Final

from earlyyears_desktop.domain.errors import DomainError
from earlyyears_desktop.storage.file_lock import held_lock

LOCK_NAME: Final = "export.lock"


class ExportInProgress(DomainError):
    def __init__(self) -> None:
        super().__init__(
            "Another export from this vault is being written right now: wait for it to "
            "finish, then export again."
        )


class BundleNameTaken(DomainError):
    def __init__(self, name: str) -> None:
        super().__init__(
            f"The folder already holds a file named {name}, which this export would write "
            "over: move that file away or export to another folder."
        )


@contextlib.contextmanager
def export_lock(vault_folder: Path) -> Iterator[None]:
    """Hold this vault's export lock, or raise ExportInProgress at once if another has it."""
    try:
        with held_lock(vault_folder / LOCK_NAME, wait=False):
            yield
    except BlockingIOError:
        raise ExportInProgress() from None


def create_exclusively(path: Path, *, left_by_a_dead_export: bool = False) -> bool:
    """Create `path` empty and private; never open an existing file.

    A name that exists already is refused (BundleNameTaken), except the empty file a dead
    export of this vault reserved under this very name (`left_by_a_dead_export`), which is
    taken over as it is. Returns True when the file was created now.
    """
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600)
    except FileExistsError:
        if left_by_a_dead_export and not path.is_symlink() and path.stat().st_size == 0:
            return False
        raise BundleNameTaken(path.name) from None
    os.close(fd)
    return True
