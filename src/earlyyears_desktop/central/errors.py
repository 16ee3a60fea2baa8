"""Failures of central-service commands, each with the exit code the command line uses."""

from __future__ import annotations

# The same codes as the device command line (earlyyears_desktop.cli.errors); repeated here
# because the central package sits below the cli layer and must not import it.
EXIT_OK = 0
EXIT_OTHER = 1
EXIT_USAGE = 2
EXIT_WRONG_PASSPHRASE = 3
EXIT_REFUSED = 4


class CentralError(Exception):
    """A command cannot go on: `message` is one line for people, `exit_code` for scripts.

    Messages never contain record contents or names of children or carers.
    """

    def __init__(self, message: str, exit_code: int = EXIT_OTHER) -> None:
        super().__init__(message)
        self.message = message
        self.exit_code = exit_code


class UsageError(CentralError):
    def __init__(self, message: str) -> None:
        super().__init__(message, EXIT_USAGE)


class WrongCentralPassphrase(CentralError):
    def __init__(self, message: str = "That is not the central service's passphrase.") -> None:
        super().__init__(message, EXIT_WRONG_PASSPHRASE)


class Refused(CentralError):
    """A file offered to the central service (bundle, enrolment request) was refused."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message, EXIT_REFUSED)
        self.code = code


class DatabaseBusy(CentralError):
    """Another command held the central database's write lock for longer than we waited."""

    def __init__(self, waited: str | None = None) -> None:
        how_long = f" for more than {waited}" if waited else ""
        super().__init__(
            "Another ingest (or another earlyyears-central command) is holding the central "
            f"service's database{how_long}; this command changed nothing. Run it again when "
            "the other has finished."
        )
