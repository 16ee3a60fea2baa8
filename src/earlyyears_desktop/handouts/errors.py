"""Why handouts could not be made or saved, in words a practitioner understands.

No message names a child: the UI lists who was left out from the result, not from an error.
"""

from __future__ import annotations

from earlyyears_desktop.domain.errors import DomainError


class HandoutError(DomainError):
    """Handouts could not be made or saved."""


class UnknownSession(HandoutError):
    """The session id names no session in these records."""


class UnknownVisit(HandoutError):
    """The visit id names no home visit in these records."""


class UnknownPlan(HandoutError):
    """The plan id names no support plan in these records."""


class NoHandouts(HandoutError):
    """Nobody at the session can have a handout (nobody attended, or no consent in force).

    `skipped` holds the children left out and why, for the UI to list."""

    def __init__(self, message: str, skipped: tuple[object, ...] = ()) -> None:
        super().__init__(message)
        self.skipped = skipped


class HandoutsCancelled(HandoutError):
    """The user stopped the work; nothing was written."""


class CannotSave(HandoutError):
    """The PDF could not be written where the user asked."""


class FilesExist(CannotSave):
    """Files of the names about to be written are already in the folder (nothing written)."""


class UnknownMeeting(HandoutError):
    """The meeting id names no meeting in these records."""


class UnknownReferral(HandoutError):
    """The referral id names no referral in these records."""


class NoLetters(HandoutError):
    """No family of the meeting can have a letter yet (no outcome recorded for any child, no
    child discussed, or the meeting was cancelled).

    `held_back` holds the children whose letters wait, for the caller to list."""

    def __init__(self, message: str, held_back: tuple[object, ...] = ()) -> None:
        super().__init__(message)
        self.held_back = held_back
