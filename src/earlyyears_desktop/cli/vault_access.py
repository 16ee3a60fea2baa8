"""Opening the vault named on the command line, with errors turned into exit codes."""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from earlyyears_desktop.cli.errors import EXIT_LOCKED, EXIT_USAGE, CommandError
from earlyyears_desktop.cli.passphrase import add_passphrase_option, read_passphrase
from earlyyears_desktop.services.container import Services
from earlyyears_desktop.storage.app_lock import BUSY_MESSAGE
from earlyyears_desktop.storage.engine import database_busy
from earlyyears_desktop.storage.errors import (
    NotAVault,
    VaultInaccessible,
    VaultInUse,
    VaultLocked,
    WrongPassphrase,
)
from earlyyears_desktop.storage.vault import check_vault_folder, open_vault


def add_vault_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("vault", metavar="DIR", type=Path, help="the vault folder")
    add_passphrase_option(parser)


@contextmanager
def opening_errors_said() -> Iterator[None]:
    """Opening a vault's files, its errors said in their sentence with their exit code: a
    folder that cannot be a vault or cannot be read exits 2; a wrong passphrase, a locked
    vault or one the app holds exits 3."""
    try:
        yield
    except (NotAVault, VaultInaccessible) as exc:
        raise CommandError(exc.message, EXIT_USAGE) from None
    except (WrongPassphrase, VaultLocked, VaultInUse) as exc:
        raise CommandError(exc.message, EXIT_LOCKED) from None


@contextmanager
def unlocked(args: argparse.Namespace) -> Iterator[Services]:
    """The vault named on the command line, open for the command's block and locked after.

    A command does not take the app's lock: it may read a vault the app has open, and a write
    waits for SQLite's write lock (`BUSY_TIMEOUT_MS`) while the app finishes its own. If the
    app still holds it, the command stops with `BUSY_MESSAGE` and nothing of its write is
    kept (each write is one transaction).
    """
    folder: Path = args.vault
    try:
        with opening_errors_said():
            # Before asking for a passphrase: a folder that cannot be a vault is said at once.
            check_vault_folder(folder)
            vault = open_vault(folder, read_passphrase(args))
    except CommandError:
        raise
    except Exception as exc:
        if database_busy(exc):
            raise CommandError(BUSY_MESSAGE, EXIT_LOCKED) from None
        raise
    try:
        services = Services(vault)
        services.after_unlock()
        yield services
    except Exception as exc:
        if database_busy(exc):
            raise CommandError(BUSY_MESSAGE, EXIT_LOCKED) from None
        raise
    finally:
        vault.lock()
