"""Errors that carry a message a practitioner understands.

Messages never contain personal data: they name the field and the rule, not the value.
"""

from __future__ import annotations


class DomainError(Exception):
    """A request the domain refuses. `str(error)` is fit to show a person."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ValidationError(DomainError):
    """Bad input for one field; `field` lets a form show the message beside it."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


class NotFound(DomainError):
    pass


class ConflictError(DomainError):
    """The record changed since it was read (optimistic version check)."""


class Fault(DomainError):
    """The computer could not do what was asked (a full disk, a folder that cannot be
    written), not a request refused: told in its own words like any domain error, and also
    recorded in the incident log (its types and frames, never its message) for whoever
    supports the app."""
