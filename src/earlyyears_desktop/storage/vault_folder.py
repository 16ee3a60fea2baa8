"""A vault folder before it is opened: is it one, may it be used, and who can unlock it
(read from the key-slot file alone)."""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

from earlyyears_desktop.storage.engine import NOT_THIS_VAULT
from earlyyears_desktop.storage.errors import (
    FolderNotWritable,
    NotAVault,
    VaultDamaged,
    VaultInaccessible,
)
from earlyyears_desktop.storage.faults import on_read_only_disk
from earlyyears_desktop.storage.keyslots import KeySlotFile
from earlyyears_desktop.storage.vault_swap import KEYSLOTS_NAME


def is_vault(folder: Path) -> bool:
    return (folder / KEYSLOTS_NAME).is_file()


def check_vault_folder(folder: Path) -> None:
    """Refuse, saying why, a vault folder that cannot be used: missing, a file, or one this
    user may not read and write (SQLite writes its journal beside the database)."""
    try:
        mode = folder.stat().st_mode
    except (FileNotFoundError, NotADirectoryError):
        raise NotAVault(f"There is no vault at {folder}: the folder does not exist.") from None
    except PermissionError:
        raise VaultInaccessible.permission_denied(folder) from None
    if not stat.S_ISDIR(mode):
        raise NotAVault(f"{folder} is a file, not a vault folder.")
    if not os.access(folder, os.R_OK | os.X_OK):
        raise VaultInaccessible.permission_denied(folder)
    if not os.access(folder, os.W_OK):
        raise folder_not_writable(folder)


def folder_not_writable(folder: Path) -> FolderNotWritable:
    """The refusal of a vault folder that can be read but not written: a vault is written to
    as it is used (SQLite keeps its journal beside the database)."""
    why = "is on a read-only disk" if on_read_only_disk(folder) else "cannot be written"
    return FolderNotWritable(
        f"The vault folder {folder} {why}, so the vault was not opened: Early Years needs to "
        "write there as it is used."
    )


def check_database_file(database: Path) -> None:
    try:
        mode = database.stat().st_mode
    except FileNotFoundError:
        raise NotAVault(f"The vault in {database.parent} has lost its database file.") from None
    if not stat.S_ISREG(mode):
        raise VaultDamaged(NOT_THIS_VAULT)
    if not os.access(database, os.R_OK | os.W_OK):
        raise VaultInaccessible.permission_denied(database)


@dataclass(frozen=True)
class UnlockChoice:
    """A practitioner who can unlock this vault, as the unlock screen lists them."""

    practitioner_id: str
    label: str


def unlock_choices(folder: Path) -> list[UnlockChoice]:
    """The practitioners with a passphrase slot, read from the key-slot file without unlocking.

    The labels are the names practitioners chose for the unlock screen; no child's data.
    """
    slots = KeySlotFile.load(Path(folder) / KEYSLOTS_NAME)
    seen: dict[str, UnlockChoice] = {}
    for slot in slots.passphrase_slots():
        if slot.practitioner_id and slot.practitioner_id not in seen:
            seen[slot.practitioner_id] = UnlockChoice(slot.practitioner_id, slot.label)
    return sorted(seen.values(), key=lambda c: c.label.casefold())
