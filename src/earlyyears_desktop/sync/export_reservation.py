"""What keeps two exports of one vault apart: a lock held while one is written, and its file.

An export holds `export_lock` (an OS lock on `export.lock` in the vault folder) from before it
reserves its sequence number until its bundle is recorded. The OS releases the lock when the
process ends, however it ends, so a reservation found in the vault while this lock is free was
left by an export that died, never by one still being written.

The bundle's name is checked free while the sequence number is reserved and kept in the vault
(`sync.export.reserved_file`); the bundle is written in temporary files named after it and
given its name only when complete, never over a file that has it (`write_bundle(...,
replace=False)`). So nothing but a whole bundle ever has a bundle's name, and a process only
removes a file it wrote itself. What a killed export left (a bundle never recorded, its
temporary files) is removed by the next export, which finds the reservation still in the vault
(`remove_dead_export`).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Final

from earlyyears_desktop.domain.errors import DomainError
from earlyyears_desktop.storage.file_lock import held_lock

from .bundle import temp_prefix

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


def remove_dead_export(path: Path) -> None:
    """Remove what an export of this vault that died left at `path`: the bundle, complete but
    never recorded (killed between writing it and recording it), or the empty file an
    earlier release reserved the name with; and the temporary files it was being written
    in (`.NAME.*.tmp`, ciphertext only). A bundle this device does not remember sending must
    not be delivered. A folder that is not there now (a USB stick taken out) is left."""
    try:
        leftovers = [path, *path.parent.glob(f"{temp_prefix(path)}*.tmp")]
    except OSError:
        return
    for leftover in leftovers:
        with contextlib.suppress(OSError):
            if not leftover.is_symlink() and leftover.is_file():
                leftover.unlink()


def check_name_free(path: Path) -> None:
    """Refuse (BundleNameTaken) a bundle name that a file in the folder has already."""
    if os.path.lexists(path):
        raise BundleNameTaken(path.name)
