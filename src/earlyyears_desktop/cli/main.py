"""Entry point: parse the verb, run it, turn every expected failure into one line and a code."""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Sequence

from earlyyears_desktop import __version__
from earlyyears_desktop.cli.errors import EXIT_OTHER, EXIT_USAGE, CommandError
from earlyyears_desktop.domain.errors import DomainError
from earlyyears_desktop.storage.incident_log import record_incident
from earlyyears_desktop.storage.process import harden_process

# verb -> module; each module has HELP, configure(parser) and run(args) -> int.
COMMANDS = {
    "demo": "cmd_demo",
    "info": "cmd_info",
    "audit-verify": "cmd_audit_verify",
    "sessions": "cmd_sessions",
    "enrol-request": "cmd_enrol_request",
    "enrol": "cmd_enrol",
    "export": "cmd_export",
    "import": "cmd_import",
    "handouts": "cmd_handouts",
}


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        # argparse prints usage and exits 2; keep the code, make the message one line.
        raise CommandError(f"{self.prog}: {message} (see --help)", EXIT_USAGE)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="earlyyears",
        description="Early Years: offline records for early years SEND support.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    verbs = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for verb, module_name in COMMANDS.items():
        module = importlib.import_module(f"earlyyears_desktop.cli.{module_name}")
        sub = verbs.add_parser(verb, help=module.HELP, description=module.HELP)
        module.configure(sub)
        sub.set_defaults(run=module.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s: %(message)s")
    harden_process()
    try:
        args = build_parser().parse_args(argv)
        if not getattr(args, "run", None):
            raise CommandError("earlyyears: say which command to run (see --help)", EXIT_USAGE)
        code: int = args.run(args)
        return code
    except CommandError as exc:
        print(exc.message, file=sys.stderr)
        return exc.code
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
