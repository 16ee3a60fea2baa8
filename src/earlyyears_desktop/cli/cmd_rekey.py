"""earlyyears rekey DIR [--remove PRACTITIONER_ID]: give the vault a new data key.

With `--remove`, that practitioner is removed first (as Settings > Remove from this vault…
does): their passphrase stops opening the vault, and a copy they kept opens nothing written
from now on. Every other passphrase keeps working. Only an administrator's passphrase may do
it, and never while the app has the vault open (the command takes the app's lock). It prints
who needs a new passphrase, the new recovery key (every re-key makes one: the old one stops
working; printed once, on standard output only, never written to a file or a log), and what
an older copy still opens.
"""

from __future__ import annotations

import argparse
import sys

from earlyyears_desktop.cli.errors import EXIT_OK, EXIT_REFUSED, CommandError
from earlyyears_desktop.cli.passphrase import read_passphrase
from earlyyears_desktop.cli.vault_access import add_vault_argument, opening_errors_said
from earlyyears_desktop.services.accounts import OLD_RECOVERY_KEY, DomainError, unlock
from earlyyears_desktop.services.practitioners import PractitionerRow
from earlyyears_desktop.storage.vault import check_vault_folder

HELP = "give the vault a new data key, optionally removing a practitioner who left"


def configure(parser: argparse.ArgumentParser) -> None:
    add_vault_argument(parser)
    parser.add_argument(
        "--remove",
        metavar="PRACTITIONER_ID",
        help="remove this practitioner first: their id, or their name as the app lists it",
    )


def run(args: argparse.Namespace) -> int:
    with opening_errors_said():
        check_vault_folder(args.vault)
        unlocked = unlock(args.vault, read_passphrase(args))
    try:
        accounts = unlocked.accounts

        def say(step: str) -> None:
            print(step, file=sys.stderr, flush=True)

        if args.remove:
            leaver = _practitioner(unlocked.services.practitioners.list(), args.remove)
            done = accounts.remove_practitioner(leaver, rekey=True, progress=say)
            print(f"{done.name} is removed and the vault has a new key.")
        else:
            done = accounts.rekey(progress=say)
            print("The vault has a new key.")
    except DomainError as exc:
        raise CommandError(exc.message, EXIT_REFUSED) from None
    finally:
        unlocked.lock()
    for name in done.need_new_passphrase:
        print(f"{name} needs a new passphrase: an administrator resets it with the recovery key.")
    if done.recovery_key:
        print(f"The new recovery key (shown once, write it down): {done.recovery_key}")
        print(OLD_RECOVERY_KEY)
    print(done.old_copies)
    return EXIT_OK


def _practitioner(people: list[PractitionerRow], wanted: str) -> str:
    """The id of the practitioner named by id or by name (ignoring case)."""
    for person in people:
        if person.id == wanted:
            return person.id
    named = [p.id for p in people if p.active and p.name.casefold() == wanted.strip().casefold()]
    if len(named) != 1:
        raise DomainError(
            "No practitioner in this vault has that id or name."
            if not named
            else "Several practitioners have that name: give their id instead."
        )
    return named[0]
