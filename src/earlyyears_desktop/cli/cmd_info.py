"""earlyyears info DIR [--json]: counts of records, unsynced changes, last export, how many
administrators the vault has (a count, no names), and how far the notifications to the local
authority have gone (sent, acknowledged by the central service)."""

from __future__ import annotations

import argparse

from earlyyears_desktop.cli.json_output import add_json_option, print_json
from earlyyears_desktop.cli.vault_access import add_vault_argument, unlocked
from earlyyears_desktop.domain.models import MODEL_BY_ENTITY
from earlyyears_desktop.services.notification_delivery import tally
from earlyyears_desktop.sync.entity_types import held_back_types_message
from earlyyears_desktop.sync.history import held_back_types

HELP = "counts of records, unsynced changes and the last export"


def configure(parser: argparse.ArgumentParser) -> None:
    add_vault_argument(parser)
    add_json_option(parser)


def run(args: argparse.Namespace) -> int:
    with unlocked(args) as services:
        info = services.info()
        held = held_back_types(services)
        with services.uow.read() as session:
            notifications = tally(session)
    if args.json:
        print_json(
            {
                **info.as_json(),
                "held_back_until_accepted": held,
                "la_notifications": notifications.as_json(),
            }
        )
        return 0
    print(f"Team: {info.team_name}")
    for entity in sorted(MODEL_BY_ENTITY):
        count = info.counts.get(entity, 0)
        if count:
            print(f"  {entity.replace('_', ' '):<24}{count:>8}")
    print(f"Administrators: {info.administrators}")
    print(f"Changes not yet exported: {info.unsynced_changes}")
    if held:
        print(held_back_types_message(held))
    print(f"Last export: {info.last_export or 'never'}")
    if notifications.total:
        print(notifications.words)
    return 0
