"""Vault errors. Each message is fit to show a person and names no personal data."""

from __future__ import annotations

from earlyyears_desktop.domain.errors import DomainError


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
