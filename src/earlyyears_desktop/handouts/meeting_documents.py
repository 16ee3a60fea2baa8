"""The family's documents around a meeting: the parents' questionnaire before it and the
outcome letters after it.

    questionnaire = render_questionnaire(services, referral_id)     # a FamilyDocument
    letters = render_meeting_letters(services, meeting_id)           # every family, one PDF
    build_meeting_letters(services, meeting_id, Path("letters.pdf"))
    build_letters_per_family(services, meeting_id, Path("letters/"))  # one PDF per family
    save_letters_per_family(letters, Path("letters/"))  # the previewed letters, one per family

They are the family's own records: made without the consent for personalised session
handouts. Each family's pages follow its main carer's accessible format (large print, high
contrast) unless `large_print` (True or False) overrides the size; in one combined file each
family starts a new page, so two families never share one, and each letter's pages are
numbered on their own ("Page 1 of 2"). A child discussed whose outcome is not recorded yet
gets no letter: the result lists them in `held_back`; a meeting with no letter to make, or
not marked held yet (the letters tell the family what it decided), is refused (`NoLetters`).
Each letter is numbered by its child's place on the meeting's agenda, held-back children
counted, so a family's number (and its own file's name) stays the same when a held-back
child's outcome is recorded later. Nothing touches the disk until a `build_*` or `save_*`
writes, privately (0600) and in one step (`pdf_file.write_pdf_atomically`).
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from pathlib import Path

from earlyyears_desktop.domain.enums import MeetingStatus
from earlyyears_desktop.domain.errors import NotFound
from earlyyears_desktop.handouts.document import NameWarning
from earlyyears_desktop.handouts.errors import (
    CannotSave,
    FilesExist,
    HandoutsCancelled,
    NoLetters,
    UnknownMeeting,
    UnknownReferral,
)
from earlyyears_desktop.handouts.family_documents import (
    FamilyDocument,
    SavedDocument,
    as_family_document,
)
from earlyyears_desktop.handouts.family_pages import family_look
from earlyyears_desktop.handouts.meeting_pages import (
    CancelledFn,
    Part,
    ProgressFn,
    render_parts,
)
from earlyyears_desktop.handouts.outcome_letter import letter_part
from earlyyears_desktop.handouts.pdf_file import write_pdf_atomically
from earlyyears_desktop.handouts.questionnaire import questionnaire_part
from earlyyears_desktop.handouts.scripts import missing
from earlyyears_desktop.services.container import Services
from earlyyears_desktop.services.meeting_documents import (
    HeldBack,
    LetterCopy,
    MeetingDocuments,
    MeetingLetters,
)
from earlyyears_desktop.services.meeting_views import NOT_HELD

log = logging.getLogger(__name__)

QUESTIONNAIRE_TITLE = "Parents' questionnaire"
LETTERS_TITLE = "Letter after a meeting"
QUESTIONNAIRE_KIND = "parents' questionnaire"
NONE_READY = (
    "No letter can be made yet: no outcome is recorded for any child discussed at this "
    "meeting. Record each child's outcome, then make the letters."
)
NOBODY_DISCUSSED = "No child was discussed at this meeting, so there are no letters to make."
CANCELLED = "This meeting was cancelled, so there are no letters to make."


@dataclass(frozen=True)
class LetterInFile:
    """One family's letter within the made file(s)."""

    discussion_id: str
    child_id: str
    #: the child's name, for the screen; never logged or printed on the command line
    name: str = field(repr=False)
    #: standard, large_print, high_contrast or large_high_contrast
    look: str
    #: its child's place on the meeting's agenda (1, 2…, held-back children counted): the
    #: number in the preview's list and in its own file's name, the same however many
    #: letters are held back
    number: int
    #: the page of the combined file it starts on (1-based), and how many pages it has
    first_page: int
    pages: int


@dataclass(frozen=True)
class MeetingLettersDocument:
    """A meeting's letters as one PDF in memory, with who is in it and who is held back."""

    pdf: bytes = field(repr=False)
    pages: int
    meeting_id: str
    #: "outcome letters"
    kind: str
    #: the meeting's name, for the screen
    name: str = field(repr=False)
    held_on: dt.date
    letters: tuple[LetterInFile, ...]
    held_back: tuple[HeldBack, ...]
    #: a file name to offer when saving (the date; no name)
    file_name: str
    #: what the letters were made from (read once), and the size asked for: the files one
    #: per family are made from these again (`save_letters_per_family`), never from a new
    #: read, so they hold what the preview shows
    source: MeetingLetters = field(repr=False, compare=False)
    large_print: bool | None = None
    name_warnings: tuple[NameWarning, ...] = ()

    @property
    def discussion_ids(self) -> tuple[str, ...]:
        """The discussions whose letters are in the file: what `letters_sent` records."""
        return tuple(letter.discussion_id for letter in self.letters)


@dataclass(frozen=True)
class SavedLetters:
    path: Path
    document: MeetingLettersDocument


@dataclass(frozen=True)
class SavedLetterFiles:
    """One file per family, in `folder`, in the order of `letters`."""

    folder: Path
    paths: tuple[Path, ...]
    letters: tuple[LetterInFile, ...]
    held_back: tuple[HeldBack, ...]

    @property
    def discussion_ids(self) -> tuple[str, ...]:
        return tuple(letter.discussion_id for letter in self.letters)


# ---- the questionnaire ----


def render_questionnaire(
    services: Services, referral_id: str, *, large_print: bool | None = None
) -> FamilyDocument:
    """The parents' questionnaire for a referral, as PDF bytes."""
    reader = MeetingDocuments(services.uow, services.vault.setting("team_name"))
    try:
        copy = reader.questionnaire(referral_id)
    except NotFound as exc:
        raise UnknownReferral(exc.message) from None
    look = family_look(copy.family, large_print)
    pdf, pages = render_parts([questionnaire_part(copy, look)], copy.team_name, QUESTIONNAIRE_TITLE)
    services.access_log.made_document([("referral", referral_id)])
    day = f"-{copy.meeting_on.isoformat()}" if copy.meeting_on is not None else ""
    return as_family_document(
        pdf, sum(pages), QUESTIONNAIRE_KIND, copy.family, look.name, f"questionnaire{day}.pdf"
    )


def build_questionnaire(
    services: Services, referral_id: str, out_path: Path, *, large_print: bool | None = None
) -> SavedDocument:
    """Make the questionnaire and save it, privately and atomically, at `out_path`."""
    document = render_questionnaire(services, referral_id, large_print=large_print)
    return SavedDocument(write_pdf_atomically(Path(out_path), document.pdf), document)


# ---- the letters ----


def read_letters(services: Services, meeting_id: str) -> MeetingLetters:
    """The meeting's letters to make, refused when there are none (`NoLetters`)."""
    reader = MeetingDocuments(services.uow, services.vault.setting("team_name"))
    try:
        meeting = reader.letters(meeting_id)
    except NotFound as exc:
        raise UnknownMeeting(exc.message) from None
    if meeting.status is MeetingStatus.CANCELLED:
        raise NoLetters(CANCELLED)
    if meeting.status is not MeetingStatus.HELD:
        raise NoLetters(NOT_HELD)
    if not meeting.letters:
        raise NoLetters(NONE_READY if meeting.held_back else NOBODY_DISCUSSED, meeting.held_back)
    return meeting


def render_meeting_letters(
    services: Services,
    meeting_id: str,
    *,
    large_print: bool | None = None,
    progress: ProgressFn | None = None,
    cancelled: CancelledFn | None = None,
) -> MeetingLettersDocument:
    """Every family's letter in one PDF, each from a new page in its own format."""
    meeting = read_letters(services, meeting_id)
    parts = _parts(meeting, large_print)
    pdf, pages = render_parts(
        parts, meeting.team_name, LETTERS_TITLE, progress=progress, cancelled=cancelled
    )
    _record_letters(services, meeting)
    letters = []
    first = 1
    for letter, part, count in zip(meeting.letters, parts, pages, strict=True):
        letters.append(_in_file(letter, part, first, count))
        first += count
    return MeetingLettersDocument(
        pdf=pdf,
        pages=sum(pages),
        meeting_id=meeting.meeting_id,
        kind="outcome letters",
        name=meeting.name,
        held_on=meeting.held_on,
        letters=tuple(letters),
        held_back=meeting.held_back,
        file_name=f"letters-{meeting.held_on.isoformat()}.pdf",
        name_warnings=_name_warnings(meeting),
        source=meeting,
        large_print=large_print,
    )


def build_meeting_letters(
    services: Services,
    meeting_id: str,
    out_path: Path,
    *,
    large_print: bool | None = None,
    progress: ProgressFn | None = None,
    cancelled: CancelledFn | None = None,
) -> SavedLetters:
    """Make every family's letter in one PDF and save it, privately and atomically."""
    document = render_meeting_letters(
        services, meeting_id, large_print=large_print, progress=progress, cancelled=cancelled
    )
    return SavedLetters(write_pdf_atomically(Path(out_path), document.pdf), document)


def letter_file_name(number: int, held_on: dt.date) -> str:
    """`letter-03-2026-11-24.pdf`: the letter's number in the meeting and the meeting's date.

    Never the child's name: a file name is seen where the letter is not (a folder listing, a
    list of recent files, a backup, an email's attachment line, a printer's queue), and the
    number is enough to match the file to its family on the preview's list."""
    return f"letter-{number:02d}-{held_on.isoformat()}.pdf"


def build_letters_per_family(
    services: Services,
    meeting_id: str,
    folder: Path,
    *,
    large_print: bool | None = None,
    replace: bool = False,
    progress: ProgressFn | None = None,
    cancelled: CancelledFn | None = None,
) -> SavedLetterFiles:
    """One PDF per family in `folder` (`letter_file_name`), each written privately and in one
    step. Files of those names already there are refused (`CannotSave`, naming the first)
    unless `replace`; nothing is written then (`FilesExist`)."""
    meeting = read_letters(services, meeting_id)
    _record_letters(services, meeting)
    return _write_per_family(
        meeting, large_print, folder, replace=replace, progress=progress, cancelled=cancelled
    )


def _record_letters(services: Services, meeting: MeetingLetters) -> None:
    """Each letter in the audit trail (its meeting discussion: the child it is about) before
    any is handed out. Saving the previewed letters again, one per family, records nothing
    more: they are the letters made and recorded here."""
    services.access_log.made_document(
        ("meeting_discussion", letter.discussion_id) for letter in meeting.letters
    )


def save_letters_per_family(
    document: MeetingLettersDocument,
    folder: Path,
    *,
    replace: bool = False,
    progress: ProgressFn | None = None,
    cancelled: CancelledFn | None = None,
) -> SavedLetterFiles:
    """The letters of `document` (the ones previewed), one PDF per family in `folder`, made
    from what `document` was made from, in its size: the same families, numbers and words,
    whatever was recorded since. Otherwise as `build_letters_per_family`."""
    return _write_per_family(
        document.source,
        document.large_print,
        folder,
        replace=replace,
        progress=progress,
        cancelled=cancelled,
    )


def _write_per_family(
    meeting: MeetingLetters,
    large_print: bool | None,
    folder: Path,
    *,
    replace: bool,
    progress: ProgressFn | None,
    cancelled: CancelledFn | None,
) -> SavedLetterFiles:
    target = Path(folder).expanduser().absolute()
    if not target.is_dir():
        raise CannotSave(f"The folder {target} does not exist.")
    names = [letter_file_name(letter.number, meeting.held_on) for letter in meeting.letters]
    there = [name for name in names if (target / name).exists()]
    if there and not replace:
        raise FilesExist(
            f"The folder already has {there[0]}"
            + (f" and {len(there) - 1} more of these letters" if len(there) > 1 else "")
            + ": choose another folder, or replace them."
        )
    parts = _parts(meeting, large_print)
    rendered = []
    for index, part in enumerate(parts):
        if cancelled is not None and cancelled():
            raise HandoutsCancelled("Making the letters was stopped: nothing was saved.")
        if progress is not None:
            progress(index, len(parts))
        rendered.append(render_parts([part], meeting.team_name, LETTERS_TITLE))
    paths = tuple(
        write_pdf_atomically(target / name, pdf)
        for name, (pdf, _pages) in zip(names, rendered, strict=True)
    )
    if progress is not None:
        progress(len(parts), len(parts))
    letters = tuple(
        _in_file(letter, part, 1, sum(pages))
        for letter, part, (_pdf, pages) in zip(meeting.letters, parts, rendered, strict=True)
    )
    return SavedLetterFiles(target, paths, letters, meeting.held_back)


def _parts(meeting: MeetingLetters, large_print: bool | None) -> list[Part]:
    return [
        letter_part(meeting, letter, family_look(letter.family, large_print))
        for letter in meeting.letters
    ]


def _in_file(letter: LetterCopy, part: Part, first: int, pages: int) -> LetterInFile:
    return LetterInFile(
        discussion_id=letter.discussion_id,
        child_id=letter.family.child_id,
        name=letter.family.full_name,
        look=part.look.name,
        number=letter.number,
        first_page=first,
        pages=pages,
    )


def _name_warnings(meeting: MeetingLetters) -> tuple[NameWarning, ...]:
    found = []
    for letter in meeting.letters:
        family = letter.family
        characters = missing(f"{family.full_name}{family.first_name}{family.carer_name}")
        if characters:
            found.append(NameWarning(family.child_id, family.first_name, characters))
    if found:
        log.warning("%d letters have a name with letters no installed font can draw", len(found))
    return tuple(found)


__all__ = [
    "LetterInFile",
    "MeetingLettersDocument",
    "SavedLetterFiles",
    "SavedLetters",
    "build_letters_per_family",
    "build_meeting_letters",
    "build_questionnaire",
    "letter_file_name",
    "read_letters",
    "render_meeting_letters",
    "render_questionnaire",
    "save_letters_per_family",
]
