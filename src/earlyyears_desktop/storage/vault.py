"""The vault: one folder holding the encrypted database and its key-slot file.

    vault/
      keyslots.json     data key wrapped per passphrase and recovery key (no personal data)
      vault.db          SQLCipher 4 database (+ -wal and -shm while open)
      backups/          encrypted copies taken before a migration
      app.lock          held by the app while it has the vault unlocked (storage/app_lock.py)

Opening a vault unwraps the data key and hands back an `OpenVault` with an engine. `lock()`
disposes the engine and forgets the key.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import stat
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from earlyyears_desktop.domain.models import Practitioner, VaultSetting
from earlyyears_desktop.storage import migrations, vault_swap
from earlyyears_desktop.storage.app_lock import AppLock
from earlyyears_desktop.storage.engine import (
    NOT_THIS_VAULT,
    export_copy,
    make_engine,
    stored_vault_id,
)
from earlyyears_desktop.storage.errors import (
    NotAVault,
    VaultDamaged,
    VaultExists,
    VaultInaccessible,
    VaultLocked,
    WrongPassphrase,
)
from earlyyears_desktop.storage.integrity import CheckResult, full_checks, quick_check
from earlyyears_desktop.storage.keyslots import (
    DATA_KEY_BYTES,
    KdfParams,
    KeySlot,
    KeySlotFile,
    looks_like_recovery_key,
    new_recovery_key,
    normalise_passphrase,
    normalise_recovery_key,
)
from earlyyears_desktop.storage.passphrase_rules import (
    check_passphrase_strength,
)

if TYPE_CHECKING:
    from earlyyears_desktop.storage.backup import BackupWritten

KEYSLOTS_NAME = vault_swap.KEYSLOTS_NAME
DATABASE_NAME = vault_swap.DATABASE_NAME
BACKUPS_NAME = "backups"
#: how long locking waits for another process's reads and writes to fold the journal back
CHECKPOINT_WAIT_MS = 1_000


@dataclass(frozen=True)
class VaultPaths:
    folder: Path

    @property
    def keyslots(self) -> Path:
        return self.folder / KEYSLOTS_NAME

    @property
    def database(self) -> Path:
        return self.folder / DATABASE_NAME

    @property
    def backups(self) -> Path:
        return self.folder / BACKUPS_NAME


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
    if not os.access(folder, os.R_OK | os.W_OK | os.X_OK):
        raise VaultInaccessible.permission_denied(folder)


def _check_database_file(database: Path) -> None:
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
    slots = KeySlotFile.load(VaultPaths(Path(folder)).keyslots)
    seen: dict[str, UnlockChoice] = {}
    for slot in slots.passphrase_slots():
        if slot.practitioner_id and slot.practitioner_id not in seen:
            seen[slot.practitioner_id] = UnlockChoice(slot.practitioner_id, slot.label)
    return sorted(seen.values(), key=lambda c: c.label.casefold())


class OpenVault:
    """An unlocked vault: the engine, who unlocked it, and this device's id."""

    def __init__(
        self, paths: VaultPaths, key: bytes, slots: KeySlotFile, slot: KeySlot | None
    ) -> None:
        self.paths = paths
        self._key: bytearray | None = bytearray(key)
        self._slots = slots
        self.slot = slot
        self._engine: Engine | None = make_engine(paths.database, self._data_key)
        self.device_id = ""
        self.practitioner_id = slot.practitioner_id if slot else None
        #: the app's hold on the vault folder (None for the command line), let go by lock()
        self.app_lock: AppLock | None = None

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            raise VaultLocked("The vault is locked.")
        return self._engine

    @property
    def is_locked(self) -> bool:
        return self._engine is None

    @property
    def vault_id(self) -> str:
        return self._slots.vault_id

    def _data_key(self) -> bytes:
        if self._key is None:
            raise VaultLocked("The vault is locked.")
        return bytes(self._key)

    def lock(self) -> None:
        """Fold the WAL back into the database, forget the data key, close every connection.

        The key goes first, so that nothing can open a new connection while the pool is
        being disposed.
        """
        if self._engine is not None and self._key is not None:
            try:
                with self._engine.connect() as conn:
                    # Not the long wait of a write: another process that has the vault open
                    # (the app, while a command ran) folds the journal back when it locks.
                    conn.exec_driver_sql(f"PRAGMA busy_timeout = {CHECKPOINT_WAIT_MS}")
                    conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
            except Exception:  # a busy checkpoint only leaves the (encrypted) WAL in place
                pass
        if self._key is not None:
            for i in range(len(self._key)):
                self._key[i] = 0
            self._key = None
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None
        if self.app_lock is not None:
            self.app_lock.release()

    # ---- key slots ----

    def slots(self) -> list[KeySlot]:
        return list(self._slots.slots)

    def add_passphrase(
        self, practitioner_id: str, label: str, passphrase: str, params: KdfParams | None = None
    ) -> KeySlot:
        check_passphrase_strength(passphrase)
        before = list(self._slots.slots)
        slot = self._slots.add_slot(
            self._data_key(),
            normalise_passphrase(passphrase),
            kind="passphrase",
            params=params or _default_params(),
            practitioner_id=practitioner_id,
            label=label,
        )
        self._save_slots(before)
        return slot

    def remove_passphrase_slot(self, slot_id: str) -> None:
        """Take a passphrase slot away (its owner can no longer unlock with it)."""
        before = list(self._slots.slots)
        self._slots.remove_slot(slot_id)
        self._save_slots(before)

    def change_passphrase(
        self, practitioner_id: str, new_passphrase: str, params: KdfParams | None = None
    ) -> KeySlot:
        """Rewrap the data key for this practitioner; the database is not touched."""
        check_passphrase_strength(new_passphrase)
        old = self._slots.passphrase_slots(practitioner_id)
        label = old[0].label if old else ""
        before = list(self._slots.slots)
        slot = self._slots.add_slot(
            self._data_key(),
            normalise_passphrase(new_passphrase),
            kind="passphrase",
            params=params or (old[0].params if old else _default_params()),
            practitioner_id=practitioner_id,
            label=label,
        )
        for s in old:
            self._slots.remove_slot(s.id)
        self._save_slots(before)
        if self.practitioner_id == practitioner_id:
            self.slot = slot
        return slot

    def new_recovery_key(self, params: KdfParams | None = None) -> str:
        """Replace the recovery key; the old one stops working."""
        recovery = new_recovery_key()
        before = list(self._slots.slots)
        for s in self._slots.recovery_slots():
            self._slots.remove_slot(s.id)
        self._slots.add_slot(
            self._data_key(),
            normalise_recovery_key(recovery),
            kind="recovery",
            params=params or _default_params(),
        )
        self._save_slots(before)
        return recovery

    def _save_slots(self, before: list[KeySlot]) -> None:
        """Write the key-slot file; if it cannot be written, the slots in memory go back to
        what the file holds, so a later save never writes a slot whose own change failed."""
        try:
            self._slots.save(self.paths.keyslots)
        except BaseException:
            self._slots.slots = before
            raise

    def backup_database(self, target: Path) -> None:
        """An encrypted copy of the database under the same data key."""
        export_copy(self.engine, target, self._data_key())

    def write_backup(
        self,
        target: Path,
        created_at: dt.datetime,
        progress: Callable[[int, int], None] | None = None,
    ) -> BackupWritten:
        """The encrypted backup file of this vault (storage/backup.py), made while it stays
        open: a consistent snapshot read beside the app's own connections."""
        from earlyyears_desktop.storage.backup import write_backup

        return write_backup(
            self.paths.database,
            self._data_key(),
            self._slots,
            target,
            created_at=created_at,
            progress=progress,
        )

    def full_checks(self, progress: Callable[[str], None] | None = None) -> list[CheckResult]:
        """SQLite's and SQLCipher's full checks of the database, on a connection of their
        own (read only, beside the app's)."""
        return full_checks(self.paths.database, self._data_key(), progress)

    def setting(self, key: str, default: str = "") -> str:
        with Session(self.engine) as session:
            row = session.get(VaultSetting, key)
            return row.value if row else default


def _default_params() -> KdfParams:
    """The cost of a new slot when the caller names none: tuned on this machine. Tests name
    theirs (`KdfParams.for_tests()`); nothing here reads a switch from the environment."""
    return KdfParams.calibrated()


@dataclass(frozen=True)
class CreatedVault:
    vault: OpenVault
    recovery_key: str


def create_vault(
    folder: Path,
    *,
    team_name: str,
    practitioner_id: str,
    label: str,
    passphrase: str,
    initialise: Callable[[OpenVault], None],
    params: KdfParams | None = None,
    exclusive: bool = False,
) -> CreatedVault:
    """Make a new vault with a passphrase slot for its first practitioner and a recovery slot.

    `initialise` writes the first records (the services pass it); the key-slot file is saved
    only after it succeeds, because a folder without one is not a vault. With `exclusive`
    (the app) the new vault is held with its app lock until it is locked.
    """
    folder = Path(folder)
    paths = VaultPaths(folder)
    try:
        is_file, exists = folder.is_file(), is_vault(folder) or paths.database.exists()
    except PermissionError:
        raise VaultInaccessible.permission_denied(folder) from None
    if is_file:
        raise VaultInaccessible.not_a_folder(folder)
    if exists:
        raise VaultExists(f"There is already a vault in {folder}.")
    check_passphrase_strength(passphrase)
    created_folder = not folder.exists()
    # Only this user may read the folder: the files are encrypted, but their sizes and
    # times are still nobody else's business.
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.chmod(folder, 0o700)
    except PermissionError as exc:
        raise VaultInaccessible.permission_denied(exc.filename or folder) from None
    except (FileExistsError, NotADirectoryError) as exc:  # a file on the way to the folder
        raise VaultInaccessible.not_a_folder(exc.filename or folder) from None
    if not os.access(folder, os.R_OK | os.W_OK | os.X_OK):
        raise VaultInaccessible.permission_denied(folder)
    app_lock = AppLock.take(folder) if exclusive else None
    try:
        # Tuned only once the folder is known to be usable: a refusal comes at once.
        params = params or _default_params()
        data_key = os.urandom(DATA_KEY_BYTES)
        slots = KeySlotFile(vault_id=str(uuid.uuid4()))
        slot = slots.add_slot(
            data_key,
            normalise_passphrase(passphrase),
            kind="passphrase",
            params=params,
            practitioner_id=practitioner_id,
            label=label.strip(),
        )
        recovery = new_recovery_key()
        slots.add_slot(data_key, normalise_recovery_key(recovery), kind="recovery", params=params)
        vault = OpenVault(paths, data_key, slots, slot)
    except BaseException:
        _let_go_of_new(app_lock, folder, created_folder)
        raise
    vault.app_lock = app_lock
    try:
        migrations.upgrade(vault.engine)
        device_id = str(uuid.uuid4())
        with Session(vault.engine) as session, session.begin():
            session.add_all(
                [
                    VaultSetting(key="vault_id", value=slots.vault_id),
                    VaultSetting(key="device_id", value=device_id),
                    VaultSetting(key="team_name", value=team_name.strip()),
                    VaultSetting(key="created_at", value=_now_iso()),
                ]
            )
        vault.device_id = device_id
        initialise(vault)
        slots.save(paths.keyslots)
    except BaseException:
        vault.lock()  # lets go of the app lock too, and removes its file
        for name in (DATABASE_NAME, f"{DATABASE_NAME}-wal", f"{DATABASE_NAME}-shm"):
            (folder / name).unlink(missing_ok=True)
        _let_go_of_new(None, folder, created_folder)
        raise
    return CreatedVault(vault, recovery)


def _let_go_of_new(app_lock: AppLock | None, folder: Path, created_folder: bool) -> None:
    """After a vault could not be made: its lock let go, and no file of it left behind."""
    if app_lock is not None:
        app_lock.release()  # removes its file
    if created_folder:
        shutil.rmtree(folder, ignore_errors=True)


def open_vault(
    folder: Path, secret: str, *, practitioner_id: str | None = None, exclusive: bool = False
) -> OpenVault:
    """Unlock with a passphrase (or a recovery key), migrating the schema if needed.

    With `exclusive` (the app) the vault's app lock is taken before any key is derived and
    held until the vault is locked: `VaultInUse` says who has it open if another app does.
    The command line opens without it.
    """
    folder = Path(folder)
    paths = VaultPaths(folder)
    check_vault_folder(folder)
    app_lock = _finish_half_done_swap(paths, secret, keep_lock=exclusive)
    slots = KeySlotFile.load(paths.keyslots)
    _check_database_file(paths.database)
    if exclusive and app_lock is None:
        app_lock = AppLock.take(folder)
    try:
        vault = _open_with_slots(paths, slots, secret, practitioner_id)
    except BaseException:
        if app_lock is not None:
            app_lock.release()
        raise
    vault.app_lock = app_lock
    return vault


def _finish_half_done_swap(paths: VaultPaths, secret: str, *, keep_lock: bool) -> AppLock | None:
    """Finish or roll back a re-key or restore that a crash interrupted (storage/vault_swap.py),
    under the app lock (VaultInUse while the app is in the middle of one). The lock is handed
    back when the caller keeps it (the app), else let go."""
    if not vault_swap.staged(paths.folder):
        return None
    app_lock = AppLock.take(paths.folder)
    try:
        vault_swap.finish_or_roll_back(
            paths.folder, lambda staged: _staged_slots_open(paths, staged, secret)
        )
    except BaseException:
        app_lock.release()
        raise
    if keep_lock:
        return app_lock
    app_lock.release()
    return None


def _staged_slots_open(paths: VaultPaths, staged: Path, secret: str) -> bool | None:
    """Whether the staged key slots open the database in place (True), the old ones do
    (False), or this secret cannot tell (None)."""
    for path, answer in ((staged, True), (paths.keyslots, False)):
        try:
            slots = KeySlotFile.load(path)
            _, key = slots.unwrap(*_secret_material(slots, secret, None))
        except (NotAVault, WrongPassphrase):
            continue
        if stored_vault_id(paths.database, key) == slots.vault_id:
            return answer
    return None


def _secret_material(
    slots: KeySlotFile, secret: str, practitioner_id: str | None
) -> tuple[bytes, list[KeySlot]]:
    """What a typed secret is tried as: a recovery key against the recovery slots, anything
    else as a passphrase against the passphrase slots (of one practitioner, if named)."""
    if practitioner_id is None and looks_like_recovery_key(secret):
        return normalise_recovery_key(secret), slots.recovery_slots()
    return normalise_passphrase(secret), slots.passphrase_slots(practitioner_id)


def check_vault_files(
    folder: Path, secret: str, progress: Callable[[str], None] | None = None
) -> list[CheckResult]:
    """The full checks of a vault's database without opening it (no migration, no journal
    mode, nothing written), so that a vault the unlock refuses as damaged can be examined."""
    folder = Path(folder)
    paths = VaultPaths(folder)
    check_vault_folder(folder)
    slots = KeySlotFile.load(paths.keyslots)
    _check_database_file(paths.database)
    material = normalise_passphrase(secret)
    candidates = slots.passphrase_slots(None)
    if looks_like_recovery_key(secret):
        candidates, material = slots.recovery_slots(), normalise_recovery_key(secret)
    _, key = slots.unwrap(material, candidates)
    return full_checks(paths.database, key, progress)


def _open_with_slots(
    paths: VaultPaths, slots: KeySlotFile, secret: str, practitioner_id: str | None
) -> OpenVault:
    candidates = slots.passphrase_slots(practitioner_id)
    material = normalise_passphrase(secret)
    if practitioner_id is None and looks_like_recovery_key(secret):
        candidates = slots.recovery_slots()
        material = normalise_recovery_key(secret)
    slot, key = slots.unwrap(material, candidates)
    # Before anything may write to it (the journal mode, a migration): an empty or foreign
    # file is refused as it is, and every file is left as it was.
    if stored_vault_id(paths.database, key) != slots.vault_id:
        raise VaultDamaged(NOT_THIS_VAULT)
    # Still before any write: a damaged database is refused as it was found.
    quick_check(paths.database, key)
    vault = OpenVault(paths, key, slots, slot)
    try:
        _migrate(vault)
        vault.device_id = vault.setting("device_id")
    except BaseException:
        vault.lock()
        raise
    return vault


def practitioner_for_recovery(vault: OpenVault) -> list[tuple[str, str]]:
    """Practitioners (id, name) who can be given a new passphrase after recovery."""
    with Session(vault.engine) as session:
        rows = session.execute(
            select(Practitioner.id, Practitioner.name).where(Practitioner.deleted_at.is_(None))
        ).all()
    return [(r.id, r.name) for r in rows]


def _migrate(vault: OpenVault) -> None:
    if not migrations.pending(vault.engine):
        return
    if migrations.current_revision(vault.engine) is not None:
        vault.paths.backups.mkdir(mode=0o700, exist_ok=True)
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
        vault.backup_database(vault.paths.backups / f"before-upgrade-{stamp}.db")
    migrations.upgrade(vault.engine)


def _now_iso() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
