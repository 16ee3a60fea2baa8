"""`earlyyears-central`: the reference central service's command line.

Every failure is one line on stderr and an exit code: 2 usage, 3 wrong or missing central
passphrase, 4 a bundle or enrolment request refused, 1 anything else; never a traceback.
Every command takes the central passphrase (it unlocks the keys and the SQLite store), from
--passphrase-file, else $EARLYYEARS_CENTRAL_PASSPHRASE, else a prompt.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from earlyyears_desktop import __version__
from earlyyears_desktop.central.errors import (
    EXIT_OK,
    EXIT_OTHER,
    EXIT_REFUSED,
    EXIT_WRONG_PASSPHRASE,
    CentralError,
    UsageError,
)
from earlyyears_desktop.central.folder import (
    CONFIG_NAME,
    LOGS_NAME,
    CentralFolder,
    init_central,
    open_central,
    read_config,
)
from earlyyears_desktop.storage.incident_log import record_incident, user_log_folder
from earlyyears_desktop.storage.passphrase_source import (
    NoPassphrase,
    PassphraseFileUnreadable,
    PassphrasesDiffer,
    add_passphrase_file_option,
    read_passphrase_from,
)
from earlyyears_desktop.storage.process import harden_process
from earlyyears_desktop.sync.keys import CipherSuite

PASSPHRASE_ENV = "EARLYYEARS_CENTRAL_PASSPHRASE"
PROG = "earlyyears-central"


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(f"{self.prog}: {message} (see --help)")


def _add_passphrase_option(parser: argparse.ArgumentParser) -> None:
    add_passphrase_file_option(parser, PASSPHRASE_ENV, "central passphrase")


def read_passphrase(args: argparse.Namespace, *, confirm: bool = False) -> str:
    again = "Again, to check: " if confirm else None
    try:
        return read_passphrase_from(
            args, PASSPHRASE_ENV, "Central passphrase: ", again_prompt=again
        )
    except PassphraseFileUnreadable as exc:
        raise UsageError(exc.message) from None
    except NoPassphrase:
        raise CentralError(
            f"No central passphrase: use --passphrase-file or set {PASSPHRASE_ENV}.",
            EXIT_WRONG_PASSPHRASE,
        ) from None
    except PassphrasesDiffer:
        raise UsageError("The two passphrases differ; nothing was created.") from None


def _say(line: str) -> None:
    """What the central service does on the way (a store encrypted, a wait): to stderr."""
    print(line, file=sys.stderr, flush=True)


# --- commands ---------------------------------------------------------------------------------


def cmd_init(args: argparse.Namespace) -> int:
    suite = CipherSuite.MLKEM768_X25519 if args.suite == "mlkem768-x25519" else CipherSuite.X25519
    passphrase = read_passphrase(args, confirm=True)
    central = init_central(
        args.central,
        passphrase=passphrase,
        name=args.name,
        database_url=args.db,
        suite=suite,
        notify=_say,
    )
    try:
        config = central.config
        print(f"Central service {config.central_id} created in {args.central}.")
        print(f"  database:        {central.engine.url.get_backend_name()}")
        print(f"  cipher suite:    {config.suite.value}")
        print(f"  signing key:     {config.signing_fingerprint}")
        print(f"  encryption key:  {config.encryption_fingerprint}")
        print("Keep the central passphrase safe: without it the keys cannot be used.")
    finally:
        central.close()
    return EXIT_OK


def cmd_enrol(args: argparse.Namespace) -> int:
    from earlyyears_desktop.central.registry import enrol_device, read_request_file
    from earlyyears_desktop.storage.keyslots import write_atomically

    request_bytes = read_request_file(Path(args.request))
    out = Path(args.out)
    if not out.parent.is_dir():
        raise UsageError(f"There is no folder {out.parent} for the response.")
    if out.is_dir():
        raise UsageError(f"{out} is a folder: give the name of the response file to write.")

    def deliver(response: bytes) -> None:
        try:
            write_atomically(out, response)
        except OSError as exc:
            raise CentralError(
                f"Cannot write the enrolment response {out}: {exc.strerror}; "
                "the device was not enrolled."
            ) from None
        written.append(out)

    written: list[Path] = []
    with _central(args) as central:
        keys = central.keys
        # Registration and the response file succeed or fail together.
        try:
            enrolled = enrol_device(
                central, keys, request_bytes, replace=args.replace, deliver=deliver
            )
        except CentralError:
            for path in written:  # written, but the registration did not commit
                path.unlink(missing_ok=True)
            raise
        request = enrolled.request
        verb = {"new": "enrolled", "again": "already enrolled", "replaced": "re-enrolled"}
        print(f"Device {request.device_id} {verb[enrolled.how]}; response written to {out}.")
        print("Check these fingerprints with the device's user (by phone or in person):")
        print(f"  device signing key:      {request.signing_fingerprint}")
        print(f"  device encryption key:   {request.encryption_fingerprint}")
        print(f"  central signing key:     {central.config.signing_fingerprint}")
        print(f"  central encryption key:  {central.config.encryption_fingerprint}")
    return EXIT_OK


def cmd_ingest(args: argparse.Namespace) -> int:
    from earlyyears_desktop.central.ingest import ingest_bundle

    with _central(args) as central:
        keys = central.keys
        refused = failed = False
        for path in args.bundles:
            try:
                result = ingest_bundle(central, keys, Path(path))
            except CentralError as exc:
                print(f"{Path(path).name}: {exc.message}", file=sys.stderr)
                failed = True
                continue
            if result.outcome == "refused":
                print(result.line(), file=sys.stderr)
                refused = True
            else:
                print(result.line())
    if refused:
        return EXIT_REFUSED
    return EXIT_OTHER if failed else EXIT_OK


def cmd_return(args: argparse.Namespace) -> int:
    from earlyyears_desktop.central.returns import write_return

    with _central(args) as central:
        written = write_return(
            central,
            central.keys,
            args.device,
            Path(args.out),
            expires_in_days=args.expires_in_days,
            full=args.full,
        )
    print(written.path)
    state = "revoked" if written.revoked else f"{written.records} records"
    if written.erasures:
        state += f", {written.erasures} erasure instruction{'s' if written.erasures > 1 else ''}"
    print(
        f"Return bundle {written.sequence} for device {written.device_id}: {state}, "
        f"exports acknowledged through {written.acknowledged_through}.",
        file=sys.stderr,
    )
    return EXIT_OK


def cmd_roster(args: argparse.Namespace) -> int:
    from earlyyears_desktop.central.roster import load_roster, read_roster_file

    items = read_roster_file(Path(args.file))
    with _central(args) as central:
        loaded = load_roster(central, items, team=args.team)
    scope = f"team {args.team}" if args.team else "every team"
    counts = ", ".join(f"{entity} {n}" for entity, n in sorted(loaded.per_entity.items()))
    print(
        f"Roster loaded for {scope}: {loaded.new} new, {loaded.updated} updated, "
        f"{loaded.unchanged} unchanged ({counts or 'no records'})."
    )
    return EXIT_OK


def cmd_status(args: argparse.Namespace) -> int:
    from earlyyears_desktop.central.status import status, status_json, status_text

    with _central(args) as central:
        if args.json:
            sys.stdout.write(status_json(central))
        else:
            sys.stdout.write(status_text(status(central), notifications=args.notifications))
    return EXIT_OK


def cmd_revoke(args: argparse.Namespace) -> int:
    from earlyyears_desktop.central.registry import revoke_device

    with _central(args) as central:
        changed = revoke_device(central, args.device_id, args.reason)
    if changed:
        print(
            f"Device {args.device_id} revoked: its bundles will be refused, and its next "
            "return bundle tells it so."
        )
    else:
        print(f"Device {args.device_id} was already revoked.")
    return EXIT_OK


class _central:
    """Open the central folder with the passphrase for a command; always release the database."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.folder = Path(args.central)
        self.central: CentralFolder | None = None

    def __enter__(self) -> CentralFolder:
        read_config(self.folder)  # not a central folder: say so before asking for a passphrase
        self.central = open_central(self.folder, read_passphrase(self.args), notify=_say)
        return self.central

    def __exit__(self, *_exc: object) -> None:
        if self.central is not None:
            self.central.close()


# --- parser -----------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog=PROG,
        description="The reference central service for earlyyears devices: device registry, "
        "bundle ingest, return bundles, roster.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    verbs = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    def verb(name: str, help_text: str, run: Callable[[argparse.Namespace], int]) -> _Parser:
        sub = verbs.add_parser(name, help=help_text, description=help_text)
        sub.set_defaults(run=run)
        sub.add_argument("central", metavar="CENTRAL", type=Path, help="the central folder")
        assert isinstance(sub, _Parser)
        return sub

    p = verb("init", "create a central service folder with new keys", cmd_init)
    p.add_argument(
        "--db",
        metavar="URL",
        help="database URL (default: sqlite:///central.db inside the folder; or "
        "postgresql+psycopg://USER@HOST:PORT/DB - the password comes from "
        "$EARLYYEARS_CENTRAL_DB_URL or libpq's PGPASSWORD/.pgpass, never from the folder)",
    )
    p.add_argument("--name", default="Local authority central service", help="name for people")
    p.add_argument(
        "--suite",
        choices=("x25519", "mlkem768-x25519"),
        default="x25519",
        help="encryption suite of the central key (default x25519)",
    )
    _add_passphrase_option(p)

    p = verb("enrol", "enrol a device from its request; write the signed response", cmd_enrol)
    p.add_argument("request", metavar="REQUEST", type=Path, help="the enrolment request file")
    p.add_argument("--out", metavar="RESPONSE", type=Path, required=True)
    p.add_argument("--replace", action="store_true", help="replace a device's enrolled keys")
    _add_passphrase_option(p)

    p = verb("ingest", "ingest export bundles, each all or nothing", cmd_ingest)
    p.add_argument("bundles", metavar="BUNDLE", nargs="+", type=Path)
    _add_passphrase_option(p)

    p = verb("return", "write the next return bundle for a device", cmd_return)
    p.add_argument("--device", metavar="ID", required=True)
    p.add_argument("--out", metavar="FOLDER", type=Path, required=True)
    p.add_argument("--expires-in-days", metavar="DAYS", type=int, default=30)
    p.add_argument(
        "--full", action="store_true", help="resend the whole roster (after a lost bundle)"
    )
    _add_passphrase_option(p)

    p = verb("roster", "load centrally authored records from a JSON file", cmd_roster)
    p.add_argument("file", metavar="FILE.json", type=Path)
    p.add_argument("--team", metavar="TEAM", help="the team they are for (default: every team)")
    _add_passphrase_option(p)

    p = verb(
        "status",
        "devices, bundles, records, gaps, conflicts, quarantine, children notified",
        cmd_status,
    )
    shown = p.add_mutually_exclusive_group()
    shown.add_argument(
        "--json",
        action="store_true",
        help="stable JSON (sorted keys and lists), the children notified included",
    )
    shown.add_argument(
        "--notifications",
        action="store_true",
        help="list the children notified to the local authority (names, date of birth, NHS "
        "number); the plain text gives only their count",
    )
    _add_passphrase_option(p)

    p = verb("revoke", "revoke a device: its later bundles are refused", cmd_revoke)
    p.add_argument("device_id", metavar="DEVICE_ID")
    p.add_argument("--reason", default="", help="told to the device in its next return bundle")
    _add_passphrase_option(p)
    return parser


def incident_folder(args: argparse.Namespace | None) -> Path:
    """CENTRAL/logs for a command on a central folder; the user's log folder otherwise
    (before the folder is known, or when it is not a central service: `init` must still
    find an empty folder empty)."""
    central = getattr(args, "central", None)
    if central is not None and (Path(central) / CONFIG_NAME).is_file():
        return Path(central) / LOGS_NAME
    return user_log_folder()


def main(argv: Sequence[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s: %(message)s")
    args: argparse.Namespace | None = None
    harden_process()  # the central private keys and decrypted records are in this memory
    try:
        args = build_parser().parse_args(argv)
        run = getattr(args, "run", None)
        if run is None:
            raise UsageError(f"{PROG}: say which command to run (see --help)")
        code: int = run(args)
        return code
    except CentralError as exc:
        print(exc.message, file=sys.stderr)
        return exc.exit_code
    except BrokenPipeError:
        sys.stderr.close()
        return EXIT_OK
    except KeyboardInterrupt:
        print("Stopped.", file=sys.stderr)
        return 130
    except Exception as exc:  # a bug: one line, no record contents
        # Where it happened goes to the incident log: types and frames, never the message.
        saved = record_incident(exc, program=PROG, folder=incident_folder(args))
        print(
            f"An unexpected error stopped the command ({type(exc).__name__}). "
            f"Nothing half-done was kept.{saved.for_support()}",
            file=sys.stderr,
        )
        if os.environ.get("EARLYYEARS_DEBUG") == "1":
            raise
        return EXIT_OTHER


if __name__ == "__main__":
    sys.exit(main())
