"""Parent handouts: one personalised handout per child who attended a session, in one PDF;
and the documents a family keeps (a home visit's record, the family's copy of a support plan).

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
    HandoutError,
    HandoutsCancelled,
    NoHandouts,
    UnknownPlan,
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
from earlyyears_desktop.handouts.pdf_file import write_pdf_atomically

__all__ = [
    "CannotSave",
    "FamilyDocument",
    "HandoutError",
    "HandoutResult",
    "HandoutsCancelled",
    "IncludedChild",
    "NameWarning",
    "NoHandouts",
    "RenderedHandouts",
    "SavedDocument",
    "SkippedChild",
    "UnknownPlan",
    "UnknownSession",
    "UnknownVisit",
    "build_plan_documents",
    "build_session_handouts",
    "build_visit_documents",
    "render_plan_documents",
    "render_session_handouts",
    "render_visit_documents",
    "write_pdf_atomically",
]
