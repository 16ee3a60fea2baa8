"""earlyyears sessions DIR [--json]: list sessions with who was present."""

from __future__ import annotations

import argparse

from earlyyears_desktop.cli.json_output import add_json_option, print_json
from earlyyears_desktop.cli.vault_access import add_vault_argument, unlocked

HELP = "list sessions: id, group, date, status, present"


def configure(parser: argparse.ArgumentParser) -> None:
    add_vault_argument(parser)
    add_json_option(parser)


def run(args: argparse.Namespace) -> int:
    with unlocked(args) as services:
        sessions = services.groups.sessions()
    if args.json:
        rows = [
            {
                "id": s.id,
                "group": s.group_name,
                "date": s.date.isoformat(),
                "status": s.status,
                "present": list(s.present),
            }
            for s in sessions
        ]
        print_json(rows)
        return 0
    for s in sessions:
        print(
            f"{s.id}  {s.date.isoformat()}  {s.group_name:<28} {s.status:<10} {len(s.present):>3}"
        )
    return 0
