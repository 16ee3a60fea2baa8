"""earlyyears check DIR [--json]: every check of the vault, each result in plain words.

SQLite's integrity check, SQLCipher's (the seal on every page) and the foreign keys run on the
database as it is, read only, without opening the vault: a vault the unlock refuses as damaged
can be examined. Only if those pass is the vault opened to check the audit trail (as
`audit-verify` does). Exit code 0 when everything passed, 1 when a check failed.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

from earlyyears_desktop.cli.errors import EXIT_LOCKED, EXIT_OK, EXIT_OTHER, EXIT_USAGE, CommandError
from earlyyears_desktop.cli.json_output import add_json_option, print_json
from earlyyears_desktop.cli.passphrase import read_passphrase
from earlyyears_desktop.cli.vault_access import add_vault_argument
from earlyyears_desktop.services.container import Services
from earlyyears_desktop.services.vault_check import check_database_then_audit
from earlyyears_desktop.storage.errors import (
    NotAVault,
    VaultInaccessible,
    VaultLocked,
    WrongPassphrase,
)
from earlyyears_desktop.storage.vault import check_vault_files, check_vault_folder, open_vault

HELP = "check the vault: SQLite's and SQLCipher's integrity checks and the audit trail"


def configure(parser: argparse.ArgumentParser) -> None:
    add_vault_argument(parser)
    add_json_option(parser)


def run(args: argparse.Namespace) -> int:
    try:
        check_vault_folder(args.vault)
        secret = read_passphrase(args)
        database = check_vault_files(args.vault, secret, progress=_say(args))
    except (NotAVault, VaultInaccessible) as exc:
        raise CommandError(exc.message, EXIT_USAGE) from None
    except (WrongPassphrase, VaultLocked) as exc:
        raise CommandError(exc.message, EXIT_LOCKED) from None
    opened: list[Services] = []

    def audit_uow() -> Services:
        vault = open_vault(args.vault, secret)
        opened.append(Services(vault))
        return opened[-1]

    try:
        report = check_database_then_audit(database, lambda: audit_uow().uow, progress=_say(args))
    finally:
        for services in opened:
            services.vault.lock()
    if args.json:
        print_json(report.as_json())
    else:
        for line in report.lines():
            print(line)
        print(report.summary, file=sys.stdout if report.ok else sys.stderr)
    return EXIT_OK if report.ok else EXIT_OTHER


def _say(args: argparse.Namespace) -> Callable[[str], None]:
    """Each check's title on stderr as it starts (a large vault takes a while), not in JSON."""

    def say(title: str) -> None:
        if not args.json:
            print(f"Checking: {title}…", file=sys.stderr, flush=True)

    return say
