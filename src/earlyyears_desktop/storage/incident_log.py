"""Where an unexpected error happened, kept for support without anyone's personal data.

A bug is reported to the person as one line (the exception's type); this module keeps the
rest for whoever has to fix it: an *incident* with a short random id, the UTC time, the
program and its version, the exception types (with the chain of causes) and the frames, each
as file, line and function. It never keeps an exception's message, its arguments, a frame's
local values or a line of source: those are where a child's name, an NHS number or a note
would be.

Incidents are appended to a small rotating log, every file 0600 in a 0700 folder whatever
the umask: the platform's user log folder (`~/.local/state/earlyyears/log` on Linux, or
$EARLYYEARS_LOG_DIR), or `CENTRAL/logs/` for the central service. Writing the log never
raises: a read-only home or a full disk costs the details, never the command's own message
or exit code.
"""

from __future__ import annotations

import contextlib
import os
import platform
import secrets
import stat
import sys
import traceback
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Final

from earlyyears_desktop import __version__

LOG_DIR_ENV: Final = "EARLYYEARS_LOG_DIR"
LOG_FILE_NAME: Final = "incidents.log"
#: one file's size before it is rotated, and how many rotated files are kept
MAX_BYTES: Final = 256 * 1024
BACKUPS: Final = 3
#: a RecursionError has a thousand frames: the outermost and innermost ones say enough
FRAMES_KEPT_OUTER: Final = 15
FRAMES_KEPT_INNER: Final = 35
#: causes followed (raise ... from, or an error while handling another)
CHAIN_KEPT: Final = 5
# Crockford's base32 without the letters people misread (I, L, O, U).
_ID_ALPHABET: Final = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_ID_LENGTH: Final = 6


@dataclass(frozen=True)
class Frame:
    """One step of the traceback: code, never data."""

    file: str
    line: int
    function: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line} in {self.function}"


@dataclass(frozen=True)
class Failure:
    """One exception of the chain: its type and its frames.

    `how` says how it relates to the one before it in `Incident.chain`: "" for the error that
    stopped the work, "direct cause" (`raise ... from`), or "while handling" (an error that
    was being handled when the one before it was raised).
    """

    type_name: str
    frames: tuple[Frame, ...]
    frames_left_out: int = 0
    how: str = ""


@dataclass(frozen=True)
class Incident:
    incident_id: str
    recorded_at: datetime
    program: str
    version: str
    chain: tuple[Failure, ...]

    @property
    def type_names(self) -> tuple[str, ...]:
        return tuple(failure.type_name for failure in self.chain)

    def details(self) -> str:
        """The text kept in the log and copied for a support request."""
        lines = [
            f"incident {self.incident_id}",
            f"time: {self.recorded_at.strftime('%Y-%m-%dT%H:%M:%SZ')}",
            f"program: {self.program} {self.version} "
            f"(Python {platform.python_version()}, {sys.platform})",
        ]
        for failure in self.chain:
            label = failure.how or "error"
            lines.append(f"{label}: {failure.type_name}")
            kept = failure.frames
            split = FRAMES_KEPT_OUTER if failure.frames_left_out else len(kept)
            lines.extend(f"  {frame}" for frame in kept[:split])
            if failure.frames_left_out:
                lines.append(f"  ... {failure.frames_left_out} frames left out ...")
                lines.extend(f"  {frame}" for frame in kept[split:])
        return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class RecordedIncident:
    """An incident and where it was saved (`log_file` is None if the log could not be written)."""

    incident: Incident
    log_file: Path | None

    def for_support(self) -> str:
        """A sentence to end the one-line error with (starts with a space)."""
        if self.log_file is None:
            return " The details for support could not be saved."
        return f" Details for support: incident {self.incident.incident_id} in {self.log_file}."


def describe(
    error: BaseException,
    *,
    program: str,
    now: datetime | None = None,
    incident_id: str | None = None,
) -> Incident:
    """The incident for `error`: types and frames only, whatever the error holds."""
    chain: list[Failure] = []
    seen: set[int] = set()
    current: BaseException | None = error
    how = ""
    while current is not None and id(current) not in seen and len(chain) < CHAIN_KEPT:
        seen.add(id(current))
        frames, left_out = _frames(current.__traceback__)
        chain.append(Failure(_type_name(type(current)), frames, left_out, how))
        if current.__cause__ is not None:
            current, how = current.__cause__, "direct cause"
        elif current.__context__ is not None and not current.__suppress_context__:
            current, how = current.__context__, "while handling"
        else:
            current = None
    return Incident(
        incident_id=incident_id or new_incident_id(),
        recorded_at=(now or datetime.now(UTC)).astimezone(UTC),
        program=program,
        version=__version__,
        chain=tuple(chain),
    )


def new_incident_id() -> str:
    return "".join(secrets.choice(_ID_ALPHABET) for _ in range(_ID_LENGTH))


def _type_name(kind: type[BaseException]) -> str:
    module = kind.__module__
    name = kind.__qualname__
    return name if module in ("builtins", "__main__") else f"{module}.{name}"


def _frames(tb: TracebackType | None) -> tuple[tuple[Frame, ...], int]:
    """The traceback's frames (outermost first), without a long middle."""
    # walk_tb reads only the code objects and line numbers: no locals, no source lines.
    steps = [
        Frame(_code_path(frame.f_code.co_filename), line, frame.f_code.co_qualname)
        for frame, line in traceback.walk_tb(tb)
    ]
    kept = FRAMES_KEPT_OUTER + FRAMES_KEPT_INNER
    if len(steps) <= kept:
        return tuple(steps), 0
    return (
        tuple(steps[:FRAMES_KEPT_OUTER] + steps[-FRAMES_KEPT_INNER:]),
        len(steps) - kept,
    )


def _code_path(file_name: str) -> str:
    """A source file as a package path (`earlyyears_desktop/cli/main.py`), never a home folder.

    A file below an import folder (src/, site-packages) is named from there; any other
    absolute path keeps only its last part, since a folder name can be a person's user name.
    """
    if not os.path.isabs(file_name):
        return file_name.replace(os.sep, "/")  # "<frozen runpy>", a compiled module's own name
    best = ""
    for entry in sys.path:
        if not entry:
            continue
        root = os.path.join(os.path.abspath(entry), "")
        if file_name.startswith(root) and len(root) > len(best):
            best = root
    if best:
        return file_name[len(best) :].replace(os.sep, "/")
    return os.path.basename(file_name)


def user_log_folder() -> Path:
    """$EARLYYEARS_LOG_DIR, else the platform's user log folder for earlyyears."""
    chosen = os.environ.get(LOG_DIR_ENV)
    if chosen:
        return Path(chosen)
    from platformdirs import user_log_dir

    return Path(user_log_dir("earlyyears", appauthor=False))


class IncidentLog:
    """An append-only log of incidents in `folder`, bounded by rotation.

    `incidents.log` grows to `max_bytes`, then becomes `incidents.log.1` (and `.1` becomes
    `.2`, ..., the oldest beyond `backups` is dropped). Every file is created 0600 and the
    folder made 0700, whatever the umask; a symbolic link in their place is refused.
    """

    def __init__(self, folder: Path, *, max_bytes: int = MAX_BYTES, backups: int = BACKUPS) -> None:
        self.folder = folder
        self.path = folder / LOG_FILE_NAME
        self.max_bytes = max_bytes
        self.backups = backups

    def append(self, incident: Incident) -> Path:
        """Add one incident; OSError if the folder or the file cannot be used."""
        entry = (incident.details() + "\n").encode("utf-8")[: self.max_bytes]
        self._make_folder()
        try:
            size = os.lstat(self.path).st_size
        except FileNotFoundError:
            size = 0
        if size and size + len(entry) > self.max_bytes:
            self._rotate()
        flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT
        flags |= getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
        fd = os.open(self.path, flags, 0o600)
        try:
            if hasattr(os, "fchmod"):
                os.fchmod(fd, 0o600)  # the mode os.open asked for, less the umask: make it so
            start = os.lseek(fd, 0, os.SEEK_END)
            try:
                written = 0
                while written < len(entry):
                    written += os.write(fd, entry[written:])
            except OSError:
                # A full disk: no half entry is left for the next one to follow.
                with contextlib.suppress(OSError):
                    os.ftruncate(fd, start)
                raise
        finally:
            os.close(fd)
        return self.path

    def files(self) -> list[Path]:
        """The log file and its rotated copies that exist, newest first."""
        names = [self.path] + [self._rotated(n) for n in range(1, self.backups + 1)]
        return [path for path in names if path.exists()]

    def _make_folder(self) -> None:
        if self.folder.is_symlink():
            raise OSError(f"{self.folder} is a symbolic link")
        missing = [self.folder, *self.folder.parents]
        missing = [folder for folder in missing if not folder.exists()]
        for folder in reversed(missing):  # each new folder private too, whatever the umask
            try:
                folder.mkdir(mode=0o700)
            except FileExistsError:  # made by another process just now
                continue
            os.chmod(folder, 0o700)
        if os.lstat(self.folder).st_mode & stat.S_ISVTX:
            # A shared folder such as /tmp is no place for these, and is not ours to chmod.
            raise OSError(f"{self.folder} is a shared folder")
        os.chmod(self.folder, 0o700)

    def _rotated(self, n: int) -> Path:
        return self.path.with_name(f"{LOG_FILE_NAME}.{n}")

    def _rotate(self) -> None:
        # A rename keeps each file's 0600 mode; the oldest copy is overwritten.
        for n in range(self.backups - 1, 0, -1):
            older = self._rotated(n)
            if older.exists():
                os.replace(older, self._rotated(n + 1))
        if self.backups:
            os.replace(self.path, self._rotated(1))
        else:
            self.path.unlink()


def record_incident(
    error: BaseException,
    *,
    program: str,
    folder: Path | None = None,
    now: datetime | None = None,
) -> RecordedIncident:
    """Describe `error` and append it to the log in `folder` (default: `user_log_folder()`).

    Never raises: a log that cannot be written gives `log_file=None`, and a failure to
    describe the error gives an incident with its type alone.
    """
    try:
        incident = describe(error, program=program, now=now)
    except Exception:
        incident = Incident(
            new_incident_id(),
            (now or datetime.now(UTC)).astimezone(UTC),
            program,
            __version__,
            (Failure(type(error).__name__, ()),),
        )
    try:
        log_file: Path | None = IncidentLog(folder or user_log_folder()).append(incident)
    except Exception:  # a read-only home, a full disk: the details are lost, nothing else
        log_file = None
    return RecordedIncident(incident, log_file)
