"""earlyyears backup DIR --out FILE [--json]: an encrypted backup of the vault, made while the
app may have it open (the vault is only read: its key is unwrapped from the key-slot file and
the database copied in one read transaction).

The file opens with the same passphrases or the recovery key as the vault when it was made
(`earlyyears restore`). Exit codes: 0 made; 2 a folder or file that cannot be used; 3 a wrong
passphrase; 1 anything else (no room, the vault damaged).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from earlyyears_desktop.cli.errors import EXIT_OK, CommandError
from earlyyears_desktop.cli.json_output import add_json_option, print_json
from earlyyears_desktop.cli.passphrase import read_passphrase
from earlyyears_desktop.cli.vault_access import add_vault_argument, opening_errors_said
from earlyyears_desktop.storage.backup import BackupError, backup_open_vault_files
from earlyyears_desktop.storage.file_limits import describe_size
from earlyyears_desktop.storage.vault import check_vault_folder

HELP = "write an encrypted backup of the vault (works while the app has it open)"


def configure(parser: argparse.ArgumentParser) -> None:
    add_vault_argument(parser)
    parser.add_argument(
        "--out",
        metavar="FILE",
        type=Path,
        required=True,
        help="the backup file to write (it must not exist yet), e.g. "
        "earlyyears-backup-20261125.eybackup",
    )
    add_json_option(parser)


def run(args: argparse.Namespace) -> int:
    try:
        with opening_errors_said():
            check_vault_folder(args.vault)
            made = backup_open_vault_files(args.vault, read_passphrase(args), args.out)
    except BackupError as exc:
        raise CommandError(exc.message) from None
    if args.json:
        print_json(
            {
                "path": str(made.path),
                "size": made.size,
                "created_at": made.created_at.isoformat(timespec="seconds"),
            }
        )
    else:
        print(f"Backup written: {made.path} ({_size(made.size)}).", file=sys.stdout)
    return EXIT_OK


def _size(size: int) -> str:
    if size >= 1 << 20:
        return f"{size / (1 << 20):.1f} MiB"
    return describe_size(size) if size % 1024 == 0 else f"{size:,} bytes"
