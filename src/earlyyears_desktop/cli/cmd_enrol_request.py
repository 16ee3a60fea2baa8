"""earlyyears enrol-request DIR --out FILE: write this device's enrolment request."""

from __future__ import annotations

import argparse
from pathlib import Path

from earlyyears_desktop.cli.errors import EXIT_USAGE, CommandError
from earlyyears_desktop.cli.vault_access import add_vault_argument, unlocked
from earlyyears_desktop.sync.device import DeviceSync

HELP = "write an enrolment request for the central service and show this device's fingerprints"


def configure(parser: argparse.ArgumentParser) -> None:
    add_vault_argument(parser)
    parser.add_argument(
        "--out", metavar="FILE", type=Path, required=True, help="where to write the request"
    )


def run(args: argparse.Namespace) -> int:
    out: Path = args.out
    if not out.parent.is_dir():
        raise CommandError(f"The folder {out.parent} does not exist.", EXIT_USAGE)
    if out.is_dir():
        raise CommandError(
            f"{out} is a folder: give the name of the file to write, e.g. {out / 'request.json'}.",
            EXIT_USAGE,
        )
    with unlocked(args) as services:
        fingerprints = DeviceSync(services).enrolment_request(out)
        device_id = services.vault.device_id
    print(f"Wrote the enrolment request to {out}.")
    print(f"Device id:               {device_id}")
    print(f"Signing key fingerprint: {fingerprints.signing}")
    print(f"Encryption fingerprint:  {fingerprints.encryption}")
    print("Send the file to your administrator; when they call, compare these fingerprints.")
    return 0
