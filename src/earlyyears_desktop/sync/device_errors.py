"""What stops a device's sync step, in words a practitioner understands."""

from __future__ import annotations

from collections.abc import Mapping

from earlyyears_desktop.domain.errors import DomainError

from .entity_types import held_back_types_message


class NotEnrolled(DomainError):
    def __init__(self) -> None:
        super().__init__(
            "This device is not enrolled with the central service yet: create an enrolment "
            "request, send it to your administrator and load their response."
        )


class DeviceRevoked(DomainError):
    def __init__(self, reason: str) -> None:
        super().__init__(
            f"This device's enrolment was revoked by the central service: {reason}. "
            "Ask your administrator to enrol it again."
        )
        self.reason = reason


class AlreadyEnrolled(DomainError):
    pass


class NothingToExport(DomainError):
    def __init__(
        self,
        held_back: int,
        held_back_children: int,
        held_back_types: Mapping[str, int] | None = None,
    ) -> None:
        message = "Nothing to export: every change has already been exported."
        if held_back or held_back_types:
            message = "Nothing to export."
        if held_back:
            message += (
                " "
                + held_back_message(held_back_children)
                + " Their changes stay waiting until consent is recorded."
            )
        if held_back_types:
            message += " " + held_back_types_message(held_back_types)
        super().__init__(message)
        self.held_back = held_back
        self.held_back_children = held_back_children
        self.held_back_types = dict(held_back_types or {})


class ConcurrentExport(DomainError):
    def __init__(self) -> None:
        super().__init__("Another export ran at the same time: export again.")


def held_back_message(children: int) -> str:
    who = "1 child was" if children == 1 else f"{children} children were"
    return f"Records of {who} held back: no consent to share with the central service."
