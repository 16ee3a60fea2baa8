"""earlyyears enrol DIR RESPONSE [--replace]: load the central service's enrolment response."""

from __future__ import annotations

import argparse
from pathlib import Path

from earlyyears_desktop.cli.errors import EXIT_OTHER, EXIT_REFUSED, CommandError
from earlyyears_desktop.cli.vault_access import add_vault_argument, unlocked
from earlyyears_desktop.sync.device import AlreadyEnrolled, DeviceSync
from earlyyears_desktop.sync.errors import EnrolmentRefused

HELP = "load the central service's enrolment response and show its fingerprints"


def configure(parser: argparse.ArgumentParser) -> None:
    add_vault_argument(parser)
    parser.add_argument("response", metavar="RESPONSE", type=Path, help="the response file")
    parser.add_argument(
        "--replace",
        action="store_true",
        help="replace an enrolment with another central service (or its new keys)",
    )


def run(args: argparse.Namespace) -> int:
    with unlocked(args) as services:
        try:
            result = DeviceSync(services).enrol(args.response, replace=args.replace)
        except EnrolmentRefused as exc:
            raise CommandError(
                f"Enrolment response refused ({exc.code}): {exc.reason}", EXIT_REFUSED
            ) from None
        except AlreadyEnrolled as exc:
            raise CommandError(f"{exc.message} (use --replace)", EXIT_OTHER) from None
    print(f"Enrolled with {result.central_name} ({result.central_id}).")
    print(f"Central signing key fingerprint: {result.central.signing}")
    print(f"Central encryption fingerprint:  {result.central.encryption}")
    print(f"This device's signing key:       {result.device.signing}")
    print("Compare the central fingerprints with your administrator by phone before you export.")
    return 0
