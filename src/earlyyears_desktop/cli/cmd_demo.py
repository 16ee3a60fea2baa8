"""earlyyears demo DIR: create a vault filled with realistic, fictional data."""

from __future__ import annotations

import argparse

from earlyyears_desktop.cli.errors import EXIT_USAGE, CommandError
from earlyyears_desktop.cli.passphrase import add_passphrase_option, read_passphrase
from earlyyears_desktop.demo import create_demo_vault
from earlyyears_desktop.domain.errors import ValidationError
from earlyyears_desktop.storage.errors import VaultExists, VaultInaccessible

HELP = "create a vault with realistic fictional data"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("vault", metavar="DIR", help="folder for the new vault")
    add_passphrase_option(parser)


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    passphrase = read_passphrase(args, "Passphrase for the demo vault: ")
    try:
        created = create_demo_vault(Path(args.vault), passphrase)
    except (VaultExists, VaultInaccessible, ValidationError) as exc:
        raise CommandError(exc.message, EXIT_USAGE) from None
    info = created.summary
    created.vault.lock()
    print(f"Demo vault created in {args.vault}: {info}.")
    print(f"Recovery key (fictional data, but keep it with the vault): {created.recovery_key}")
    return 0
