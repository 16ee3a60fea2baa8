"""--json for the read-only verbs: stable JSON (sorted keys, indented, UTF-8 as it is)."""

from __future__ import annotations

import argparse
import json


def add_json_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print stable JSON")


def print_json(value: object) -> None:
    print(json.dumps(value, sort_keys=True, indent=2, ensure_ascii=False))
