"""earlyyears audit-verify DIR: check every link of the audit trail."""

from __future__ import annotations

import argparse
import sys

from earlyyears_desktop.cli.vault_access import add_vault_argument, unlocked

HELP = "check that the audit trail has not been altered"


def configure(parser: argparse.ArgumentParser) -> None:
    add_vault_argument(parser)


def run(args: argparse.Namespace) -> int:
    with unlocked(args) as services:
        report = services.verify_audit()
    if report.ok:
        print(report.message)
        return 0
    print(report.message, file=sys.stderr)
    return 1
