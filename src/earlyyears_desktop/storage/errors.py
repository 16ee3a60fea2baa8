"""Vault errors. Each message is fit to show a person and names no personal data."""

from __future__ import annotations

from earlyyears_desktop.domain.errors import DomainError, Fault


class VaultError(DomainError):
    pass


class NotAVault(VaultError):
    pass


class WrongPassphrase(VaultError):
    pass


class VaultLocked(VaultError):
    pass


class VaultTooNew(VaultError):
    pass


class VaultExists(VaultError):
    pass


class VaultDamaged(VaultError):
    pass


class VaultInaccessible(VaultError):
    """The path cannot be used as given: permission denied, or a file where a folder belongs.

    The message names the path and says which, so the person can fix it; it is never called
    "damaged", because nothing is.
    """

    @classmethod
    def permission_denied(cls, path: object) -> VaultInaccessible:
        return cls(f"permission denied: {path}")

    @classmethod
    def not_a_folder(cls, path: object) -> VaultInaccessible:
        return cls(f"{path} is a file, not a folder")


class VaultInUse(VaultError):
    """Another Early Years window holds this vault open (its lock file says who and since
    when), or the database stayed busy with another program's write for too long."""


class StorageFault(VaultError, Fault):
    """A write failed because of the disk, not the request: nothing of it was kept
    (`storage/faults.py` names one from SQLite's and the operating system's errors)."""


class DiskFull(StorageFault):
    """The disk has no room left for the write (SQLITE_FULL, ENOSPC)."""


class FolderNotWritable(StorageFault):
    """The folder is on a disk that has become read-only (SQLITE_READONLY, EROFS)."""
