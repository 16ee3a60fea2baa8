"""Re-keying: a new data key for the vault, so that what a leaver knows opens nothing new.

1. a new random data key;
2. the database copied page by page into `vault.db.next`, each page encrypted under the new
   key (SQLite's online backup, which SQLCipher re-keys as it writes);
3. the key slots rewrapped for it: every remaining version-2 slot gets the new key sealed to
   its public key (nobody's passphrase is needed) and endorsed by every earlier key; the
   leaver's slots are left out; a version-1 slot cannot be rewrapped (its owner has not
   unlocked since slots became version 2) and is left out too, and its owner needs a new
   passphrase from an administrator afterwards; the recovery slot is always replaced by a new
   recovery key, shown once (administrators hold the recovery key: a leaving administrator
   must not keep a way into the vault), so the old recovery key opens nothing from now on;
4. the two files swapped in together (storage/vault_swap.py), after the old database is
   closed; the open vault goes on with the new key. Which key the database in place is under
   after a failure is what `swap_in` reports (`SwapState.committed`), never a guess from the
   files left: past the commit (the database's rename) it is the new one.

Why a copy rather than `PRAGMA rekey`: rekey rewrites the database in place, so a crash
half-way leaves pages under two keys, and it is refused in WAL mode; a copy is written beside
the old file, which is what makes the swap crash-safe. Why the online backup rather than
`sqlcipher_export`: the export rebuilds every table and index (measured on the scale vault,
406 MB: about 2.5 times as long); the backup copies pages as they are.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine

from earlyyears_desktop.domain.errors import DomainError
from earlyyears_desktop.storage import vault_swap
from earlyyears_desktop.storage.engine import copy_under_key
from earlyyears_desktop.storage.keyslots import (
    DATA_KEY_BYTES,
    KdfParams,
    KeySlot,
    new_recovery_key,
    normalise_recovery_key,
)
from earlyyears_desktop.storage.vault import OpenVault

OWN_SLOT_IS_OLD = "Lock the vault and unlock it again with your own passphrase before re-keying it."


@dataclass(frozen=True)
class RekeyPlan:
    """What a re-key will do, said before it starts."""

    #: the leaver's slots, taken away
    removed_slots: tuple[str, ...]
    #: practitioners whose slot cannot be rewrapped (version 1): they need a new passphrase
    needs_new_passphrase: tuple[str, ...]


@dataclass(frozen=True)
class RekeyResult:
    epoch: int
    needs_new_passphrase: tuple[str, ...]
    #: the new recovery key (shown once): the old one no longer opens the vault
    recovery_key: str


def plan_rekey(vault: OpenVault, remove_practitioner_id: str | None = None) -> RekeyPlan:
    slots = vault.key_slots
    removed = [
        s.id
        for s in slots.passphrase_slots()
        if remove_practitioner_id and s.practitioner_id == remove_practitioner_id
    ]
    stale = {
        s.practitioner_id
        for s in slots.passphrase_slots()
        if s.id not in removed and s.version == 1 and s.practitioner_id
    }
    return RekeyPlan(tuple(removed), tuple(sorted(p for p in stale if p)))


def rekey(
    vault: OpenVault,
    remove_practitioner_id: str | None = None,
    *,
    recovery_params: KdfParams | None = None,
    progress: Callable[[str], None] | None = None,
) -> RekeyResult:
    """Re-encrypt the vault under a new data key and rewrap every remaining slot (see the
    module's docstring). The caller holds the app lock; on any failure before the swap the
    vault is as it was and stays open with the old key."""
    say = progress or (lambda _step: None)
    own = vault.slot
    if own is not None and own.version == 1:
        raise DomainError(OWN_SLOT_IS_OLD)
    plan = plan_rekey(vault, remove_practitioner_id)
    if own is not None and own.id in plan.removed_slots:
        raise DomainError("You cannot remove yourself from the vault.")
    old_slots = vault.key_slots
    old_key = vault.current_data_key()
    new_key = os.urandom(DATA_KEY_BYTES)
    new_slots = old_slots.rekeyed(old_key, new_key, set(plan.removed_slots))
    # A new recovery key every time: the old one (an administrator who leaves holds it) must
    # not open the new key.
    for slot in new_slots.recovery_slots():
        new_slots.remove_slot(slot.id)
    recovery = new_recovery_key()
    say("Making a new recovery key…")
    new_slots.add_vault_slot(
        new_key,
        normalise_recovery_key(recovery),
        kind="recovery",
        params=recovery_params or _recovery_params(old_slots.recovery_slots()),
    )
    engine = vault.engine

    def write_database(path: Path) -> None:
        say("Re-encrypting the records…")
        export_database(engine, path, new_key)
        say("Replacing the vault's files…")

    folder = vault.paths.folder
    swap = vault_swap.SwapState()
    try:
        vault_swap.swap_in(
            folder,
            write_database,
            new_slots.to_bytes(),
            before_commit=vault.close_database,
            state=swap,
        )
    except BaseException as exc:
        if not swap.committed:
            vault.use_key(old_key, old_slots)  # the old pair is the vault still
            raise
        # Past the commit the new database is the vault, whatever failed after it (the slots'
        # rename, a folder sync): go on with the new key, or a later slot save would write
        # the old slots over the new ones and nothing would open the vault.
        vault.use_key(new_key, new_slots)
        if not isinstance(exc, Exception) or (folder / vault_swap.STAGED_KEYSLOTS).exists():
            raise  # the slots are still staged: the next unlock finishes them
        # Only the last folder sync failed: the re-key is done (its new recovery key must
        # still be shown), and the renames stand.
    else:
        vault.use_key(new_key, new_slots)
    return RekeyResult(new_slots.epoch, plan.needs_new_passphrase, recovery)


def export_database(engine: Engine, path: Path, key: bytes) -> None:
    """The step that writes the staged database (a test stops the process here)."""
    copy_under_key(engine, path, key)


def _recovery_params(old: list[KeySlot]) -> KdfParams:
    return old[0].params if old else KdfParams.calibrated()
