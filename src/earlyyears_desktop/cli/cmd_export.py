"""earlyyears export DIR --out FOLDER [--again]: write the next export bundle."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from earlyyears_desktop.cli.errors import EXIT_USAGE, CommandError
from earlyyears_desktop.cli.vault_access import add_vault_argument, unlocked
from earlyyears_desktop.sync.device import DeviceSync, NothingToExport

HELP = "write the changes since the last export into a bundle for the central service"


def configure(parser: argparse.ArgumentParser) -> None:
    add_vault_argument(parser)
    parser.add_argument(
        "--out", metavar="FOLDER", type=Path, required=True, help="folder or USB stick"
    )
    parser.add_argument(
        "--again",
        action="store_true",
        help="also send changes exported before but not yet confirmed (a lost USB stick)",
    )


def _progress(done: int, total: int | None) -> None:
    if total:
        print(f"\rExporting: {done} of {total} records", end="", file=sys.stderr, flush=True)


def run(args: argparse.Namespace) -> int:
    out: Path = args.out
    if not out.is_dir():
        raise CommandError(f"The folder {out} does not exist.", EXIT_USAGE)
    show_progress = sys.stderr.isatty()
    with unlocked(args) as services:
        try:
            result = DeviceSync(services).export(
                out, progress=_progress if show_progress else None, again=args.again
            )
        except NothingToExport as exc:
            if show_progress:
                print(file=sys.stderr)
            # stdout carries only the path of a bundle written; there is none.
            print(exc.message, file=sys.stderr)
            return 0
    if show_progress:
        print(file=sys.stderr)
    print(result.path)
    print(result.message, file=sys.stderr)
    return 0
