"""Opening the vault named on the command line, with errors turned into exit codes."""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from earlyyears_desktop.cli.errors import EXIT_LOCKED, EXIT_USAGE, CommandError
from earlyyears_desktop.cli.passphrase import add_passphrase_option, read_passphrase
from earlyyears_desktop.services.container import Services
from earlyyears_desktop.storage.errors import NotAVault, VaultLocked, WrongPassphrase
from earlyyears_desktop.storage.vault import open_vault


def add_vault_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("vault", metavar="DIR", type=Path, help="the vault folder")
    add_passphrase_option(parser)


@contextmanager
def unlocked(args: argparse.Namespace) -> Iterator[Services]:
    folder: Path = args.vault
    if not folder.exists():
        raise CommandError(f"There is no vault at {folder}: the folder does not exist.", EXIT_USAGE)
    passphrase = read_passphrase(args)
    try:
        vault = open_vault(folder, passphrase)
    except NotAVault as exc:
        raise CommandError(exc.message, EXIT_USAGE) from None
    except (WrongPassphrase, VaultLocked) as exc:
        raise CommandError(exc.message, EXIT_LOCKED) from None
    try:
        yield Services(vault)
    finally:
        vault.lock()
