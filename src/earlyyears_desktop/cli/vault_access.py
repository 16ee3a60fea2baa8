"""Opening the vault named on the command line, with errors turned into exit codes."""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from earlyyears_desktop.cli.errors import EXIT_LOCKED, EXIT_USAGE, CommandError
from earlyyears_desktop.cli.passphrase import add_passphrase_option, read_passphrase
from earlyyears_desktop.services.container import Services
from earlyyears_desktop.storage.errors import (
    NotAVault,
    VaultInaccessible,
    VaultLocked,
    WrongPassphrase,
)
from earlyyears_desktop.storage.vault import check_vault_folder, open_vault


def add_vault_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("vault", metavar="DIR", type=Path, help="the vault folder")
    add_passphrase_option(parser)


@contextmanager
def unlocked(args: argparse.Namespace) -> Iterator[Services]:
    folder: Path = args.vault
    try:
        # Before asking for a passphrase: a folder that cannot be a vault is said at once.
        check_vault_folder(folder)
        vault = open_vault(folder, read_passphrase(args))
    except (NotAVault, VaultInaccessible) as exc:
        raise CommandError(exc.message, EXIT_USAGE) from None
    except (WrongPassphrase, VaultLocked) as exc:
        raise CommandError(exc.message, EXIT_LOCKED) from None
    try:
        services = Services(vault)
        services.after_unlock()
        yield services
    finally:
        vault.lock()
