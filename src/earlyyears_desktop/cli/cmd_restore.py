"""earlyyears restore FILE DIR [--json]: restore a backup into a new vault folder.

Everything is checked before the folder appears: the backup opens with the passphrase or the
recovery key given (`--passphrase-file`, $EARLYYEARS_PASSPHRASE or a prompt), every part of it
is proved unaltered, and the database passes SQLite's checks. DIR must not exist, or be an
empty folder. The restored vault keeps the device id it was backed up with: it is this
laptop's records coming back, so use it instead of the old vault, not beside it (see
docs/sync.md). Exit codes: 0 restored; 2 a file or folder that cannot be used; 3 a wrong
passphrase or recovery key; 1 a damaged backup or anything else.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from earlyyears_desktop.cli.errors import EXIT_LOCKED, EXIT_OK, EXIT_USAGE, CommandError
from earlyyears_desktop.cli.json_output import add_json_option, print_json
from earlyyears_desktop.cli.passphrase import add_passphrase_option, read_passphrase
from earlyyears_desktop.storage.backup import (
    BackupDamaged,
    BackupError,
    NotABackup,
    damaged_message,
)
from earlyyears_desktop.storage.errors import VaultDamaged, VaultInaccessible, WrongPassphrase
from earlyyears_desktop.storage.restore import check_restore_target, restore_backup

HELP = "restore a backup into a new vault folder (checked whole before the folder appears)"
SAME_DEVICE = (
    "It is the same device as the vault that was backed up: use it instead of that vault, "
    "not beside it."
)


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("backup", metavar="FILE", type=Path, help="the backup file")
    parser.add_argument(
        "vault", metavar="DIR", type=Path, help="the new vault folder (must not exist, or empty)"
    )
    add_passphrase_option(parser)
    add_json_option(parser)


def run(args: argparse.Namespace) -> int:
    try:
        # Before asking for a passphrase: a target that cannot be used is said at once.
        check_restore_target(args.vault)
        secret = read_passphrase(args, "Passphrase or recovery key: ")
        restored = restore_backup(args.backup, args.vault, secret)
    except (NotABackup, VaultInaccessible) as exc:
        raise CommandError(exc.message, EXIT_USAGE) from None
    except WrongPassphrase as exc:
        raise CommandError(exc.message, EXIT_LOCKED) from None
    except BackupDamaged as exc:
        raise CommandError(exc.message) from None
    except VaultDamaged:  # anything read here is the backup's: its damage, in its sentence
        raise CommandError(damaged_message(args.backup)) from None
    except BackupError as exc:
        raise CommandError(exc.message, EXIT_USAGE) from None
    when = restored.backed_up_at.isoformat(timespec="seconds")
    if args.json:
        print_json(
            {
                "vault": str(restored.folder),
                "vault_id": restored.vault_id,
                "backed_up_at": when,
                "opened_with": restored.opened_with,
            }
        )
    else:
        print(f"Restored the backup made {when} into {restored.folder}. {SAME_DEVICE}")
    return EXIT_OK
