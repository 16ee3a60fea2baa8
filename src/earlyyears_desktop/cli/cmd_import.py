"""earlyyears import DIR BUNDLE: check and apply a return bundle from the central service."""

from __future__ import annotations

import argparse
from pathlib import Path

from earlyyears_desktop.cli.errors import EXIT_REFUSED, EXIT_USAGE, CommandError
from earlyyears_desktop.cli.vault_access import add_vault_argument, unlocked
from earlyyears_desktop.sync.device import DeviceSync
from earlyyears_desktop.sync.errors import BundleRefused

HELP = "apply a return bundle from the central service (all or nothing)"


def configure(parser: argparse.ArgumentParser) -> None:
    add_vault_argument(parser)
    parser.add_argument("bundle", metavar="BUNDLE", type=Path, help="the .eyb file")


def run(args: argparse.Namespace) -> int:
    bundle: Path = args.bundle
    if not bundle.is_file():
        raise CommandError(f"There is no bundle file at {bundle}.", EXIT_USAGE)
    with unlocked(args) as services:
        try:
            result = DeviceSync(services).import_return(bundle)
        except BundleRefused as exc:
            raise CommandError(
                f"Bundle refused ({exc.code}): {exc.reason} Nothing was changed.", EXIT_REFUSED
            ) from None
    if result.replayed:
        print(f"Return bundle {result.sequence} was already imported, nothing changed.")
        return 0
    print(result.message)
    return 0
