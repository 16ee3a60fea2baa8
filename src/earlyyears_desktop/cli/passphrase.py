"""Where a command gets the passphrase: a file, the environment, or a prompt."""

from __future__ import annotations

import argparse

from earlyyears_desktop.cli.errors import EXIT_LOCKED, EXIT_USAGE, CommandError
from earlyyears_desktop.storage.passphrase_source import (
    NoPassphrase,
    PassphraseFileUnreadable,
    add_passphrase_file_option,
    read_passphrase_from,
)

ENVIRONMENT_VARIABLE = "EARLYYEARS_PASSPHRASE"


def add_passphrase_option(parser: argparse.ArgumentParser) -> None:
    add_passphrase_file_option(parser, ENVIRONMENT_VARIABLE)


def read_passphrase(args: argparse.Namespace, prompt: str = "Passphrase: ") -> str:
    try:
        return read_passphrase_from(args, ENVIRONMENT_VARIABLE, prompt)
    except PassphraseFileUnreadable as exc:
        raise CommandError(exc.message, EXIT_USAGE) from None
    except NoPassphrase:
        raise CommandError(
            f"No passphrase: use --passphrase-file or set {ENVIRONMENT_VARIABLE}.", EXIT_LOCKED
        ) from None
