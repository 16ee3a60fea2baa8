"""earlyyears handouts DIR --session ID --out FILE.pdf [--large-print]: the parent handouts."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from earlyyears_desktop.cli.errors import EXIT_USAGE, CommandError
from earlyyears_desktop.cli.vault_access import add_vault_argument, unlocked

HELP = "make one PDF with a personalised handout for each child who came to a session"


def configure(parser: argparse.ArgumentParser) -> None:
    add_vault_argument(parser)
    parser.add_argument(
        "--session", metavar="ID", required=True, help="the session (see `earlyyears sessions`)"
    )
    parser.add_argument(
        "--out", metavar="FILE.pdf", type=Path, required=True, help="where to save the PDF"
    )
    parser.add_argument("--large-print", action="store_true", help="large print for every family")


def _progress(done: int, total: int | None) -> None:
    if total:
        print(f"\rMaking handouts: {done} of {total}", end="", file=sys.stderr, flush=True)


def run(args: argparse.Namespace) -> int:
    # reportlab loads only when handouts are made, so other commands start as fast as before.
    from earlyyears_desktop.handouts import NoHandouts, UnknownSession, build_session_handouts

    out: Path = args.out
    if out.suffix.lower() != ".pdf":
        raise CommandError(f"Please give a file name ending in .pdf, not {out.name}.", EXIT_USAGE)
    if not out.parent.expanduser().is_dir():
        raise CommandError(f"The folder {out.parent} does not exist.", EXIT_USAGE)
    show_progress = sys.stderr.isatty()
    with unlocked(args) as services:
        try:
            result = build_session_handouts(
                services,
                args.session,
                out,
                large_print=args.large_print,
                progress=_progress if show_progress else None,
            )
        except UnknownSession as exc:
            raise CommandError(exc.message, EXIT_USAGE) from None
        except NoHandouts as exc:
            raise CommandError(exc.message) from None
        finally:
            if show_progress:
                print(file=sys.stderr)
    made = len(result.children_included)
    print(result.path)
    line = f"Made {_count(made, 'handout')} on {_count(result.pages, 'page')}."
    skipped = len(result.children_skipped_with_reasons)
    if skipped:
        line += (
            f" {_count(skipped, 'child')} left out: no consent for personalised handouts is in "
            "force (the Handouts page in the app lists who)."
        )
    print(line, file=sys.stderr)
    if result.name_warnings:
        names = ", ".join(w.name for w in result.name_warnings)
        print(
            f"Some names may not print correctly: {names} (a letter no font on this computer "
            "has prints as an empty box).",
            file=sys.stderr,
        )
    return 0


def _count(n: int, word: str) -> str:
    plural = {"child": "children"}.get(word, word + "s")
    return f"{n} {word if n == 1 else plural}"
