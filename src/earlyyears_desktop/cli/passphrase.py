"""Where a command gets the passphrase: a file, the environment, or a prompt."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path

from earlyyears_desktop.cli.errors import EXIT_LOCKED, EXIT_USAGE, CommandError

ENVIRONMENT_VARIABLE = "EARLYYEARS_PASSPHRASE"


def add_passphrase_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--passphrase-file",
        metavar="FILE",
        type=Path,
        help=f"read the passphrase from FILE (else ${ENVIRONMENT_VARIABLE}, else a prompt)",
    )


def read_passphrase(args: argparse.Namespace, prompt: str = "Passphrase: ") -> str:
    path: Path | None = getattr(args, "passphrase_file", None)
    if path is not None:
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise CommandError(
                f"Cannot read the passphrase file {path}: {exc.strerror}.", EXIT_USAGE
            ) from None
        # Editors add a final newline; a passphrase never ends in one.
        return text.removesuffix("\n").removesuffix("\r")
    from_env = os.environ.get(ENVIRONMENT_VARIABLE)
    if from_env:
        return from_env
    if not sys.stdin.isatty():
        raise CommandError(
            f"No passphrase: use --passphrase-file or set {ENVIRONMENT_VARIABLE}.", EXIT_LOCKED
        )
    return getpass.getpass(prompt)
