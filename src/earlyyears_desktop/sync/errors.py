"""Refusals raised while reading sync files, and the writer's own failures."""

from __future__ import annotations

# Every code a reader may give; docs/bundle-format.md lists the same set, and a test checks it.
REFUSAL_CODES: frozenset[str] = frozenset(
    {
        "not-a-bundle",
        "truncated",
        "bad-manifest",
        "unsupported-version",
        "wrong-kind",
        "unknown-sender",
        "bad-signature",
        "wrong-recipient",
        "tampered",
        "expired",
        "bad-payload",
        # Not raised by the reader: the receiver's sequence check (docs, section 10) uses these.
        "rollback",
        "too-far-ahead",
    }
)

ENROLMENT_REFUSAL_CODES: frozenset[str] = frozenset(
    {
        "not-an-enrolment-file",
        "bad-enrolment-file",
        "unsupported-version",
        "bad-key",
        "bad-signature",
        "wrong-device",
        "wrong-request",
    }
)


class BundleRefused(Exception):
    """A bundle that must not be imported.

    `reason` is one line a practitioner can read; `code` is a short stable machine code.
    Neither ever contains record contents, because the message may be logged or shown
    to someone who is not allowed to see the records.
    """

    def __init__(self, reason: str, code: str) -> None:
        super().__init__(reason)
        self.reason = reason
        self.code = code

    def __repr__(self) -> str:
        return f"BundleRefused(reason={self.reason!r}, code={self.code!r})"


class BundleCancelled(Exception):
    """The caller asked the writer to stop; no file was left behind."""


class BundleTooLarge(ValueError):
    """The export would not fit in one bundle (the container has no ZIP64 support)."""


class EnrolmentRefused(Exception):
    """An enrolment request or response that must not be accepted."""

    def __init__(self, reason: str, code: str) -> None:
        super().__init__(reason)
        self.reason = reason
        self.code = code

    def __repr__(self) -> str:
        return f"EnrolmentRefused(reason={self.reason!r}, code={self.code!r})"
