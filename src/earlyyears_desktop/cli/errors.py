"""Exit codes and the one-line error the command line prints."""

from __future__ import annotations

EXIT_OK = 0
EXIT_OTHER = 1
EXIT_USAGE = 2
EXIT_LOCKED = 3
EXIT_REFUSED = 4
#: the disk is full or cannot be written: nothing of the command's change was kept
EXIT_CANNOT_WRITE = 5


class CommandError(Exception):
    """Stop the command with a message for stderr and an exit code."""

    def __init__(self, message: str, code: int = EXIT_OTHER) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
