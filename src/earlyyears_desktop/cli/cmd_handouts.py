"""earlyyears handouts DIR (--session ID | --visit ID | --plan ID | --meeting ID |
--referral ID) --out FILE.pdf [--large-print]: the documents a family is handed.

--session: one PDF with a personalised handout for each child who came to a session (each
needs the consent for personalised handouts). --visit: the family's record of a home visit and
a week's activity chart. --plan: the family's copy of a support plan and the one-page profile.
--meeting: the letters after a meeting, one for each family whose child's outcome is recorded,
each starting a new page (the children held back are counted on stderr, by discussion id,
never by name). --referral: the parents' questionnaire before the liaison group.
A visit record, a plan copy, a letter and a questionnaire are the family's own: no consent
gates them, and they follow the main carer's accessible format (--large-print makes them large
print whatever it is).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from earlyyears_desktop.cli.errors import EXIT_USAGE, CommandError
from earlyyears_desktop.cli.vault_access import add_vault_argument, unlocked
from earlyyears_desktop.services.container import Services

HELP = (
    "make the PDF a family is handed: a session's handouts, a home visit's record, the "
    "family's copy of a support plan, a meeting's letters or the parents' questionnaire"
)
SOURCES = ("session", "visit", "plan", "meeting", "referral")
ONE_SOURCE = (
    "Please give exactly one of --session ID, --visit ID, --plan ID, --meeting ID or --referral ID."
)


def configure(parser: argparse.ArgumentParser) -> None:
    add_vault_argument(parser)
    parser.add_argument(
        "--session",
        metavar="ID",
        help="a session's handouts, one per child who came (see `earlyyears sessions`)",
    )
    parser.add_argument(
        "--visit",
        metavar="ID",
        help="a home visit's record and a week's activity chart (see `earlyyears list DIR visits`)",
    )
    parser.add_argument(
        "--plan",
        metavar="ID",
        help="the family's copy of a support plan and the one-page profile "
        "(see `earlyyears list DIR plans`)",
    )
    parser.add_argument(
        "--meeting",
        metavar="ID",
        help="the letters to the families after a meeting, one PDF "
        "(see `earlyyears list DIR meetings`)",
    )
    parser.add_argument(
        "--referral",
        metavar="ID",
        help="the parents' questionnaire before the liaison group "
        "(see `earlyyears list DIR referrals`)",
    )
    parser.add_argument(
        "--out", metavar="FILE.pdf", type=Path, required=True, help="where to save the PDF"
    )
    parser.add_argument("--large-print", action="store_true", help="large print for every family")


def _progress(done: int, total: int | None) -> None:
    if total:
        print(f"\rMaking handouts: {done} of {total}", end="", file=sys.stderr, flush=True)


def run(args: argparse.Namespace) -> int:
    chosen = [name for name in SOURCES if getattr(args, name) is not None]
    if len(chosen) != 1:
        raise CommandError(ONE_SOURCE, EXIT_USAGE)
    out: Path = args.out
    if out.suffix.lower() != ".pdf":
        raise CommandError(f"Please give a file name ending in .pdf, not {out.name}.", EXIT_USAGE)
    if not out.parent.expanduser().is_dir():
        raise CommandError(f"The folder {out.parent} does not exist.", EXIT_USAGE)
    with unlocked(args) as services:
        if args.session is not None:
            return _session(services, args.session, out, args.large_print)
        if args.meeting is not None:
            return _letters(services, args.meeting, out, args.large_print)
        return _family_document(
            services, args.visit, args.plan, args.referral, out, args.large_print
        )


def _session(services: Services, session_id: str, out: Path, large_print: bool) -> int:
    # reportlab loads only when handouts are made, so other commands start as fast as before.
    from earlyyears_desktop.handouts import NoHandouts, UnknownSession, build_session_handouts

    show_progress = sys.stderr.isatty()
    try:
        result = build_session_handouts(
            services,
            session_id,
            out,
            large_print=large_print,
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


def _family_document(
    services: Services,
    visit_id: str | None,
    plan_id: str | None,
    referral_id: str | None,
    out: Path,
    large_print: bool,
) -> int:
    from earlyyears_desktop.handouts import (
        UnknownPlan,
        UnknownReferral,
        UnknownVisit,
        build_plan_documents,
        build_questionnaire,
        build_visit_documents,
    )

    # Without --large-print the carer's own format is followed (None), never forced smaller.
    size = True if large_print else None
    try:
        if visit_id is not None:
            saved = build_visit_documents(services, visit_id, out, large_print=size)
        elif plan_id is not None:
            saved = build_plan_documents(services, plan_id, out, large_print=size)
        else:
            assert referral_id is not None
            saved = build_questionnaire(services, referral_id, out, large_print=size)
    except (UnknownVisit, UnknownPlan, UnknownReferral) as exc:
        raise CommandError(exc.message, EXIT_USAGE) from None
    document = saved.document
    print(saved.path)
    look = document.look.replace("_", " ")
    print(
        f"Made the {document.kind} on {_count(document.pages, 'page')} ({look}).",
        file=sys.stderr,
    )
    if document.name_warning is not None:
        print(
            f"Some names may not print correctly: {document.name_warning.name} (a letter no "
            "font on this computer has prints as an empty box).",
            file=sys.stderr,
        )
    return 0


def _letters(services: Services, meeting_id: str, out: Path, large_print: bool) -> int:
    from earlyyears_desktop.handouts import NoLetters, UnknownMeeting, build_meeting_letters

    show_progress = sys.stderr.isatty()
    try:
        saved = build_meeting_letters(
            services,
            meeting_id,
            out,
            large_print=True if large_print else None,
            progress=_progress if show_progress else None,
        )
    except UnknownMeeting as exc:
        raise CommandError(exc.message, EXIT_USAGE) from None
    except NoLetters as exc:
        _held_back(exc.held_back)
        raise CommandError(exc.message) from None
    finally:
        if show_progress:
            print(file=sys.stderr)
    document = saved.document
    print(saved.path)
    print(
        f"Made {_count(len(document.letters), 'letter')} on {_count(document.pages, 'page')}, "
        "each family's from a new page in its own format.",
        file=sys.stderr,
    )
    _held_back(document.held_back)
    if document.name_warnings:
        print(
            f"{_count(len(document.name_warnings), 'letter')} may not print a name correctly "
            "(a letter no font on this computer has prints as an empty box): check them in "
            "the app's preview.",
            file=sys.stderr,
        )
    return 0


def _held_back(held_back: tuple[object, ...]) -> None:
    """Say which letters wait for an outcome, by discussion id: never a child's name."""
    ids = [str(getattr(held, "discussion_id", "")) for held in held_back]
    if ids:
        print(
            f"{_count(len(ids), 'letter')} held back: no outcome is recorded yet for "
            f"{'this child' if len(ids) == 1 else 'these children'} (discussion "
            f"{', '.join(ids)}).",
            file=sys.stderr,
        )


def _count(n: int, word: str) -> str:
    plural = {"child": "children"}.get(word, word + "s")
    return f"{n} {word if n == 1 else plural}"
