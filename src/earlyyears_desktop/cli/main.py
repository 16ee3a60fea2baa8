"""Entry point: parse the verb, run it, turn every expected failure into one line and a code.

Only the module of the verb being run is imported: `earlyyears info` does not load the demo
generator, reportlab or the sync code, and `earlyyears --help` loads none of them. The table
below carries each verb's one-line help so that `--help` lists every verb without importing it
(tests/core/test_cli_start.py checks it against the modules' HELP).
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from types import ModuleType
from typing import Final

from earlyyears_desktop import __version__
from earlyyears_desktop.cli.errors import EXIT_CANNOT_WRITE, EXIT_OTHER, EXIT_USAGE, CommandError
from earlyyears_desktop.domain.errors import DomainError, Fault
from earlyyears_desktop.storage.incident_log import record_incident
from earlyyears_desktop.storage.process import harden_process


@dataclass(frozen=True)
class Command:
    """A verb's module under earlyyears_desktop.cli (with HELP, configure(parser) and
    run(args) -> int) and its one-line help, the same as the module's HELP."""

    module: str
    help: str


COMMANDS: Final[dict[str, Command]] = {
    "demo": Command("cmd_demo", "create a vault with realistic fictional data"),
    "info": Command("cmd_info", "counts of records, unsynced changes and the last export"),
    "audit-verify": Command("cmd_audit_verify", "check that the audit trail has not been altered"),
    "check": Command(
        "cmd_check",
        "check the vault: SQLite's and SQLCipher's integrity checks and the audit trail",
    ),
    "backup": Command(
        "cmd_backup", "write an encrypted backup of the vault (works while the app has it open)"
    ),
    "restore": Command(
        "cmd_restore",
        "restore a backup into a new vault folder (checked whole before the folder appears)",
    ),
    "rekey": Command(
        "cmd_rekey", "give the vault a new data key, optionally removing a practitioner who left"
    ),
    "sessions": Command("cmd_sessions", "list sessions: id, group, date, status, present"),
    "list": Command(
        "cmd_list",
        "list records of one kind (children, sessions, observations, strategies, visits, plans, "
        "meetings, referrals) with their ids",
    ),
    "enrol-request": Command(
        "cmd_enrol_request",
        "write an enrolment request for the central service and show this device's fingerprints",
    ),
    "enrol": Command(
        "cmd_enrol", "load the central service's enrolment response and show its fingerprints"
    ),
    "export": Command(
        "cmd_export",
        "write the changes since the last export into a bundle for the central service",
    ),
    "import": Command(
        "cmd_import", "apply a return bundle from the central service (all or nothing)"
    ),
    "handouts": Command(
        "cmd_handouts",
        "make the PDF a family is handed: a session's handouts, a home visit's record, the "
        "family's copy of a support plan, a meeting's letters or the parents' questionnaire",
    ),
}


def load_command(verb: str) -> ModuleType:
    """The module of one verb, imported now."""
    return importlib.import_module(f"earlyyears_desktop.cli.{COMMANDS[verb].module}")


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        # argparse prints usage and exits 2; keep the code, make the message one line.
        raise CommandError(f"{self.prog}: {message} (see --help)", EXIT_USAGE)


def build_parser(verb: str | None = None) -> argparse.ArgumentParser:
    """The parser listing every verb with its help; only `verb`'s module is imported, to add
    its arguments and the function that runs it."""
    parser = _Parser(
        prog="earlyyears",
        description="Early Years: offline records for early years SEND support.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    verbs = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name, command in COMMANDS.items():
        sub = verbs.add_parser(name, help=command.help, description=command.help)
        if name == verb:
            module = load_command(name)
            module.configure(sub)
            sub.set_defaults(run=module.run)
    return parser


def verb_named_in(argv: Sequence[str]) -> str | None:
    """The verb the command line asks for: its first word that is not an option (the options
    before a verb, --help and --version, take no value)."""
    for word in argv:
        if word == "--":
            return None
        if not word.startswith("-"):
            return word if word in COMMANDS else None
    return None


def main(argv: Sequence[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s: %(message)s")
    harden_process()
    words = sys.argv[1:] if argv is None else list(argv)
    try:
        args = build_parser(verb_named_in(words)).parse_args(words)
        if not getattr(args, "run", None):
            raise CommandError("earlyyears: say which command to run (see --help)", EXIT_USAGE)
        code: int = args.run(args)
        return code
    except CommandError as exc:
        print(exc.message, file=sys.stderr)
        return exc.code
    except Fault as exc:
        # A full or read-only disk: said in its own words, and kept for support (types and
        # frames only) if the log can still be written.
        record_incident(exc, program="earlyyears")
        print(exc.message, file=sys.stderr)
        return EXIT_CANNOT_WRITE
    except DomainError as exc:
        print(exc.message, file=sys.stderr)
        return EXIT_OTHER
    except BrokenPipeError:
        # The reader went away (`| head`): not an error of ours.
        sys.stderr.close()
        return 0
    except KeyboardInterrupt:
        print("Stopped.", file=sys.stderr)
        return 130
    except Exception as exc:  # a bug: say so in one line, without any record's contents
        # Where it happened goes to the incident log: types and frames, never the message.
        saved = record_incident(exc, program="earlyyears")
        print(
            f"An unexpected error stopped the command ({type(exc).__name__}). "
            f"Records already saved are kept.{saved.for_support()}",
            file=sys.stderr,
        )
        return EXIT_OTHER


if __name__ == "__main__":
    sys.exit(main())
