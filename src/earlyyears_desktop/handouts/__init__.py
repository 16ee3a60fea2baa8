"""Parent handouts: one personalised handout per child who attended a session, in one PDF;
and the documents a family keeps (a home visit's record, the family's copy of a support plan,
the parents' questionnaire before a liaison group and the letters after a meeting).

No Qt here: the GUI, the command line and the tests call the same functions.
"""

from __future__ import annotations

from earlyyears_desktop.handouts.content import SkippedChild
from earlyyears_desktop.handouts.document import (
    HandoutResult,
    IncludedChild,
    NameWarning,
    RenderedHandouts,
    build_session_handouts,
    render_session_handouts,
)
from earlyyears_desktop.handouts.errors import (
    CannotSave,
    FilesExist,
    HandoutError,
    HandoutsCancelled,
    NoHandouts,
    NoLetters,
    UnknownMeeting,
    UnknownPlan,
    UnknownReferral,
    UnknownSession,
    UnknownVisit,
)
from earlyyears_desktop.handouts.family_documents import (
    FamilyDocument,
    SavedDocument,
    build_plan_documents,
    build_visit_documents,
    render_plan_documents,
    render_visit_documents,
)
from earlyyears_desktop.handouts.meeting_documents import (
    LetterInFile,
    MeetingLettersDocument,
    SavedLetterFiles,
    SavedLetters,
    build_letters_per_family,
    build_meeting_letters,
    build_questionnaire,
    letter_file_name,
    render_meeting_letters,
    render_questionnaire,
    save_letters_per_family,
)
from earlyyears_desktop.handouts.pdf_file import write_pdf_atomically

__all__ = [
    "CannotSave",
    "FamilyDocument",
    "FilesExist",
    "HandoutError",
    "HandoutResult",
    "HandoutsCancelled",
    "IncludedChild",
    "LetterInFile",
    "MeetingLettersDocument",
    "NameWarning",
    "NoHandouts",
    "NoLetters",
    "RenderedHandouts",
    "SavedDocument",
    "SavedLetterFiles",
    "SavedLetters",
    "SkippedChild",
    "UnknownMeeting",
    "UnknownPlan",
    "UnknownReferral",
    "UnknownSession",
    "UnknownVisit",
    "build_letters_per_family",
    "build_meeting_letters",
    "build_plan_documents",
    "build_questionnaire",
    "build_session_handouts",
    "build_visit_documents",
    "letter_file_name",
    "render_meeting_letters",
    "render_plan_documents",
    "render_questionnaire",
    "render_session_handouts",
    "render_visit_documents",
    "save_letters_per_family",
    "write_pdf_atomically",
]
