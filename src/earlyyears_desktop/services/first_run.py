"""First-run set-up: a new vault, its first practitioner with a passphrase, its recovery key."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from earlyyears_desktop.services.accounts import UnlockedVault, vault_exists
from earlyyears_desktop.services.clock import Clock
from earlyyears_desktop.services.container import Services, set_up_vault
from earlyyears_desktop.storage.keyslots import KdfParams


@dataclass(frozen=True)
class SetUp:
    """The new vault, open, and its recovery key (shown once, then never again)."""

    unlocked: UnlockedVault
    recovery_key: str


def needs_set_up(folder: Path) -> bool:
    """No vault in `folder` yet: the app starts with the set-up wizard."""
    return not vault_exists(folder)


def set_up(
    folder: Path,
    *,
    team_name: str,
    practitioner_name: str,
    role: str,
    discipline: str = "",
    passphrase: str,
    params: KdfParams | None = None,
    clock: Clock | None = None,
) -> SetUp:
    """Create the vault with its first practitioner (recorded and audited like any write),
    the starter set of the strategy library, and a recovery key. Refusals are
    `ValidationError`s naming the field; a vault already in `folder` is refused, and a failed
    set-up leaves no vault behind. The app holds the new vault with its app lock (one app per
    vault) until it is locked."""
    created = set_up_vault(
        Path(folder),
        team_name=team_name,
        practitioner_name=practitioner_name,
        role=role,
        discipline=discipline,
        passphrase=passphrase,
        params=params,
        starter_strategies=True,
        exclusive=True,
    )
    return SetUp(UnlockedVault.of(Services(created.vault, clock=clock)), created.recovery_key)
