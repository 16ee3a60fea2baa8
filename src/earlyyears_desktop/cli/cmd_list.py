"""earlyyears list DIR KIND [--json]: the records of one kind, with ids and stable fields.

KIND is children, sessions, observations, strategies, visits, plans, meetings or referrals
(services/record_lists.py and meeting_lists.py say what each row holds and what it never
holds: no NHS number, date of birth, observation text, what a visit, a plan or a meeting
says, or a referral's reason and questions).
Plain output is a table with a header, columns aligned; --json prints an array of objects with
the same keys, in the same order of rows. An unknown KIND is a usage error (exit 2) naming
the kinds.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import sys

from earlyyears_desktop.cli.json_output import add_json_option, print_json
from earlyyears_desktop.cli.vault_access import add_vault_argument, unlocked
from earlyyears_desktop.services.record_lists import KINDS, RecordLists

HELP = (
    "list records of one kind (children, sessions, observations, strategies, visits, plans, "
    "meetings, referrals) with their ids"
)


def configure(parser: argparse.ArgumentParser) -> None:
    add_vault_argument(parser)
    parser.add_argument("kind", metavar="KIND", choices=KINDS, help=", ".join(KINDS))
    add_json_option(parser)


def run(args: argparse.Namespace) -> int:
    with unlocked(args) as services:
        rows = RecordLists(services.uow).of_kind(args.kind)
    records = [
        {key: _plain(value) for key, value in dataclasses.asdict(row).items()} for row in rows
    ]
    if args.json:
        print_json(records)
        return 0
    if not records:
        print(f"No {args.kind} in this vault.", file=sys.stderr)
        return 0
    header = list(records[0])
    cells = [header, *([_cell(r[key]) for key in header] for r in records)]
    widths = [max(len(line[n]) for line in cells) for n in range(len(header))]
    for line in cells:
        print("  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)).rstrip())
    return 0


def _plain(value: object) -> object:
    """A value as JSON holds it: dates and times as ISO text, tuples as lists."""
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, tuple):
        return list(value)
    return value


def _cell(value: object) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ",".join(str(v) for v in value) or "-"
    return str(value) or "-"
