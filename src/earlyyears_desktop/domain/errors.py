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
