"""Parent handouts: one personalised handout per child who attended a session, in one PDF.

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
    UnknownSession,
)
from earlyyears_desktop.handouts.pdf_file import write_pdf_atomically

__all__ = [
    "CannotSave",
    "HandoutError",
    "HandoutResult",
    "HandoutsCancelled",
    "IncludedChild",
    "NameWarning",
    "NoHandouts",
    "RenderedHandouts",
    "SkippedChild",
    "UnknownSession",
    "build_session_handouts",
    "render_session_handouts",
    "write_pdf_atomically",
]
