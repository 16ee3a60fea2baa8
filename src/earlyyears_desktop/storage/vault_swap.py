"""Replacing a vault's database and key-slot file together, so that a crash leaves one pair.

A re-key (a new data key) and a restore over an open vault both change the database and the
key slots that open it. Each file is replaced in one rename, but two renames are not one step,
so the order is what makes it safe:

1. stage: the new database is written as `vault.db.next` and synced, then the new key slots
   as `keyslots.json.next` (written whole under a temporary name, then renamed), and the
   folder is synced;
2. the caller's `before_commit` closes every connection to the old database (its journal is
   folded back and gone: a `-wal` left beside the new file would be replayed into it);
3. commit: `vault.db.next` is renamed over `vault.db`: from here on the new pair is the
   vault;
4. `keyslots.json.next` is renamed over `keyslots.json`.

`finish_or_roll_back` (called by `open_vault` before it reads the key slots) reads what a
crash left: a staged database still there means the commit never happened, so the staged files
go (roll back); staged key slots alone mean the database is already the new one, so they
replace the old (finish), unless the caller's `check` proves the database is still the old
one. Neither path ever removes the only copy of a file the vault needs.

The step functions are module-level so that a test's own subprocess can stop the process at
each of them (tests/core/rekey_worker.py); the product reads no switch for it.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from pathlib import Path
from typing import Final, Literal

from earlyyears_desktop.storage.atomic_file import fsync_dir, replace_atomically
from earlyyears_desktop.storage.errors import VaultInUse

DATABASE_NAME: Final = "vault.db"
KEYSLOTS_NAME: Final = "keyslots.json"
STAGED_DATABASE: Final = f"{DATABASE_NAME}.next"
STAGED_KEYSLOTS: Final = f"{KEYSLOTS_NAME}.next"
JOURNAL_SUFFIXES: Final = ("-wal", "-shm")
STILL_OPEN: Final = (
    "The vault's database is still open in another program, so it cannot be replaced now. "
    "Close it there and try again."
)

Outcome = Literal["none", "rolled back", "finished"]


def staged(folder: Path) -> bool:
    """Whether a swap was left half-done in `folder` (a staged file is there)."""
    return (folder / STAGED_DATABASE).exists() or (folder / STAGED_KEYSLOTS).exists()


def swap_in(
    folder: Path,
    write_database: Callable[[Path], None],
    keyslots: bytes,
    *,
    before_commit: Callable[[], None],
) -> None:
    """Replace `folder`'s database and key-slot file together.

    `write_database(path)` writes the complete new database at `path` (a new file, 0600);
    `keyslots` is the new key-slot file's content. `before_commit()` closes the old database
    (the caller keeps holding the app lock). Any failure before the commit removes the staged
    files and leaves the vault as it was; the error is raised as it came.
    """
    folder = Path(folder)
    _remove_staged(folder)
    committed = False
    try:
        _write_staged_database(folder, write_database)
        _write_staged_keyslots(folder, keyslots)
        before_commit()
        _check_journal_gone(folder)
        _commit_database(folder)
        committed = True
        _commit_keyslots(folder)
    except BaseException:
        if not committed:
            _remove_staged(folder)
        raise


def finish_or_roll_back(
    folder: Path, check: Callable[[Path], bool | None] | None = None
) -> Outcome:
    """Complete or undo a swap a crash left half-done; what was done.

    `check(staged_keyslots)` may say whether the staged key slots open the database now in
    place (True: finish; False: it is the old database, roll back; None: cannot tell, finish,
    as the order of the steps says the database was committed). The caller holds the vault's
    app lock, so no swap is under way in another process.
    """
    folder = Path(folder)
    database, keyslots = folder / STAGED_DATABASE, folder / STAGED_KEYSLOTS
    if database.exists():
        # The commit (the database's rename) never happened: the old pair is still the vault.
        _remove_staged(folder)
        return "rolled back"
    if not keyslots.exists():
        return "none"
    if check is not None and check(keyslots) is False:
        _remove_staged(folder)
        return "rolled back"
    _commit_keyslots(folder)
    return "finished"


# ---- the steps (a test stops the process at each) ----


def _write_staged_database(folder: Path, write_database: Callable[[Path], None]) -> None:
    path = folder / STAGED_DATABASE
    # Private before anything is written to it, whatever the umask.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.close(fd)
    write_database(path)
    for suffix in JOURNAL_SUFFIXES:  # the writer's own journal, if it left one
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_staged_keyslots(folder: Path, keyslots: bytes) -> None:
    replace_atomically(
        folder / STAGED_KEYSLOTS, keyslots, prefix=f".{STAGED_KEYSLOTS}.", suffix=".tmp"
    )
    fsync_dir(folder)


def _check_journal_gone(folder: Path) -> None:
    """The old database's journal folded back and closed: a write-ahead log with frames in it
    means another connection still has the database open."""
    wal = folder / f"{DATABASE_NAME}-wal"
    with contextlib.suppress(FileNotFoundError):
        if wal.stat().st_size > 0:
            raise VaultInUse(STILL_OPEN)
    for suffix in JOURNAL_SUFFIXES:
        (folder / f"{DATABASE_NAME}{suffix}").unlink(missing_ok=True)


def _commit_database(folder: Path) -> None:
    os.replace(folder / STAGED_DATABASE, folder / DATABASE_NAME)
    fsync_dir(folder)


def _commit_keyslots(folder: Path) -> None:
    os.replace(folder / STAGED_KEYSLOTS, folder / KEYSLOTS_NAME)
    fsync_dir(folder)


def _remove_staged(folder: Path) -> None:
    names = [STAGED_DATABASE, STAGED_KEYSLOTS]
    names += [f"{STAGED_DATABASE}{suffix}" for suffix in JOURNAL_SUFFIXES]
    for name in names:
        (folder / name).unlink(missing_ok=True)
    for leftover in folder.glob(f".{STAGED_KEYSLOTS}.*.tmp"):
        leftover.unlink(missing_ok=True)
    fsync_dir(folder)
