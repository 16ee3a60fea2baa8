"""What a screen says when something it asked for failed: `error_text(error)`.

A `DomainError` (a `ValidationError` too) carries a message written for a practitioner, with
no record's contents in it: it is shown as it is. Anything else is unexpected (a bug, or a
failure nobody put into words): its own text may hold a child's details (a database row, a
file name), so it is never shown; the screen says `UNEXPECTED_ERROR` instead, and the incident
log has the types and frames (`ui/operations.py`).

A screen that can explain a failure better in its place (a refused bundle, a full USB stick)
says so before falling back on `error_text`.
"""

from __future__ import annotations

from typing import Final

from earlyyears_desktop.domain.errors import DomainError

#: the one text for a failure nobody put into words: true whatever was being done
UNEXPECTED_ERROR: Final = (
    "Something unexpected went wrong. Records already saved are kept; please try again."
)


def error_text(error: BaseException) -> str:
    """The words to show a person for `error`: a domain error's own, else `UNEXPECTED_ERROR`."""
    if isinstance(error, DomainError):
        return error.message
    return UNEXPECTED_ERROR
