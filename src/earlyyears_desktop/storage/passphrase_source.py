"""Where a command-line tool gets a passphrase: a file, an environment variable, or a prompt.

Shared by the device's `earlyyears` commands and `earlyyears-central`, which differ only in
the variable they read, the words of their messages and the exit codes they give.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path

from earlyyears_desktop.storage.file_limits import FileTooLarge, describe_size, read_small_file

#: A passphrase file holds one line; anything longer is a mistake (or /dev/zero).
MAX_PASSPHRASE_FILE = 4096


class PassphraseFileUnreadable(Exception):
    def __init__(self, path: Path, problem: str) -> None:
        super().__init__(f"Cannot read the passphrase file {path}: {problem}.")
        self.message = str(self)


class NoPassphrase(Exception):
    """Neither a file nor the variable gave one, and there is no terminal to ask at."""


class PassphrasesDiffer(Exception):
    """Asked twice at the prompt, the two answers were not the same."""


def add_passphrase_file_option(
    parser: argparse.ArgumentParser, environment_variable: str, what: str = "passphrase"
) -> None:
    parser.add_argument(
        "--passphrase-file",
        metavar="FILE",
        type=Path,
        help=f"read the {what} from FILE (else ${environment_variable}, else a prompt)",
    )


def read_passphrase_from(
    args: argparse.Namespace,
    environment_variable: str,
    prompt: str,
    *,
    again_prompt: str | None = None,
) -> str:
    """--passphrase-file, else the environment variable, else a prompt on the terminal (asked
    a second time with `again_prompt`, if given)."""
    path: Path | None = getattr(args, "passphrase_file", None)
    if path is not None:
        try:
            text = read_small_file(path, MAX_PASSPHRASE_FILE).decode("utf-8")
        except FileTooLarge:
            size = describe_size(MAX_PASSPHRASE_FILE)
            too_large = f"it holds more than {size}, so it is not a passphrase"
            raise PassphraseFileUnreadable(path, too_large) from None
        except (OSError, UnicodeDecodeError) as exc:
            problem = exc.strerror if isinstance(exc, OSError) else "not UTF-8 text"
            raise PassphraseFileUnreadable(path, str(problem)) from None
        # Editors add a final newline; a passphrase never ends in one.
        return text.removesuffix("\n").removesuffix("\r")
    from_env = os.environ.get(environment_variable)
    if from_env:
        return from_env
    if not sys.stdin.isatty():
        raise NoPassphrase()
    first = getpass.getpass(prompt)
    if again_prompt is not None and getpass.getpass(again_prompt) != first:
        raise PassphrasesDiffer()
    return first
