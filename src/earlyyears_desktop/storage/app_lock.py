"""One app per vault: the lock an app holds while it has a vault unlocked.

The app holds an exclusive advisory lock (`flock`) on `app.lock` in the vault folder from
before it derives any key until the vault is locked again, when the file is removed. The
operating system frees the lock when the process ends, however it ends, so a lock file left by
a crash is simply taken over. While held, the file says who holds it, for the message another
app shows: the operating-system user, the computer's name, the process id and since when
(UTC). It is not encrypted, so it names no practitioner and no child.

The command line does not take this lock: `earlyyears info` may read a vault the app has
open, and a command that writes waits for SQLite's write lock (storage/engine.py
BUSY_TIMEOUT_MS), then says the vault is in use (`BUSY_MESSAGE`).
"""

from __future__ import annotations

import datetime as dt
import errno
import fcntl
import getpass
import json
import os
import socket
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from earlyyears_desktop.storage.errors import VaultInaccessible, VaultInUse

APP_LOCK_NAME: Final = "app.lock"
BUSY_MESSAGE: Final = "The vault is in use by the app; try again in a moment."
_MAX_READ: Final = 4096
_ATTEMPTS: Final = 5


@dataclass(frozen=True)
class LockHolder:
    """Who holds a vault open, as its lock file says."""

    user: str
    host: str
    pid: int
    since: dt.datetime  # aware, UTC

    def to_json(self) -> str:
        return json.dumps(
            {
                "user": self.user,
                "host": self.host,
                "pid": self.pid,
                "since": self.since.isoformat(),
            }
        )

    @classmethod
    def from_json(cls, text: str) -> LockHolder | None:
        try:
            data = json.loads(text)
            since = dt.datetime.fromisoformat(str(data["since"]))
            if since.tzinfo is None:
                since = since.replace(tzinfo=dt.UTC)
            return cls(str(data["user"]), str(data["host"]), int(data["pid"]), since)
        except (ValueError, KeyError, TypeError):
            return None


def in_use_message(holder: LockHolder | None, now: dt.datetime | None = None) -> str:
    """What a second app says: who has the vault open, on which computer, since when."""
    if holder is None:  # the holder has the lock but has not yet written its name
        return "This vault is open in another Early Years window. Close it there first."
    local = holder.since.astimezone()
    today = (now or dt.datetime.now(dt.UTC)).astimezone().date()
    when = f"{local:%H:%M}"
    if local.date() != today:
        when += f" on {local.day} {local:%B %Y}"
    return (
        f"This vault is open in another Early Years window, by {holder.user} on "
        f"{holder.host} since {when}. Close it there first."
    )


def _this_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return f"user {os.getuid()}"


def _not_a_plain_file(path: Path) -> VaultInaccessible:
    return VaultInaccessible(
        f"{path} is not an ordinary file, so the vault cannot be opened safely: "
        "ask whoever looks after this computer to remove it."
    )


class AppLock:
    """The app's hold on one vault; `release()` (or the process ending) lets it go."""

    def __init__(self, fd: int, path: Path, holder: LockHolder) -> None:
        self._fd: int | None = fd
        self.path = path
        self.holder = holder

    @classmethod
    def take(cls, folder: Path, *, now: dt.datetime | None = None) -> AppLock:
        """Hold `folder`'s app lock, or raise VaultInUse naming who holds it.

        Never through a link: a symlink or a folder in the lock file's place is refused.
        """
        path = Path(folder) / APP_LOCK_NAME
        for _attempt in range(_ATTEMPTS):
            fd = _open_lock_file(path)
            try:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    raise VaultInUse(in_use_message(_read_holder(fd), now)) from None
                if not _still_named(fd, path):
                    # Its holder let it go and removed it between our open and our lock:
                    # a lock on a file no longer in the folder holds nothing. Again.
                    os.close(fd)
                    continue
                os.fchmod(fd, 0o600)
                holder = LockHolder(
                    _this_user(),
                    socket.gethostname(),
                    os.getpid(),
                    (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).replace(microsecond=0),
                )
                os.ftruncate(fd, 0)
                os.pwrite(fd, holder.to_json().encode("utf-8"), 0)
            except BaseException:
                os.close(fd)
                raise
            return cls(fd, path, holder)
        raise VaultInUse(in_use_message(None, now))

    @property
    def held(self) -> bool:
        return self._fd is not None

    def release(self) -> None:
        """Let the vault go: the file is removed while still held, then closing it frees the
        lock. (A process that opened it meanwhile finds, once it has the lock, that the file
        is no longer in the folder, and starts again with a new one.)"""
        fd, self._fd = self._fd, None
        if fd is None:
            return
        try:
            if _still_named(fd, self.path):
                self.path.unlink()
        except OSError:
            pass  # a file left behind is harmless: the lock, not the file, says who holds it
        finally:
            os.close(fd)


def _open_lock_file(path: Path) -> int:
    """The lock file opened (created 0600 if missing), never through a link."""
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
    except OSError as exc:
        if exc.errno in (errno.ELOOP, errno.EISDIR, errno.ENXIO):
            raise _not_a_plain_file(path) from None
        if exc.errno in (errno.EACCES, errno.EPERM):
            raise VaultInaccessible.permission_denied(path) from None
        raise
    if not stat.S_ISREG(os.fstat(fd).st_mode):  # a fifo or a device
        os.close(fd)
        raise _not_a_plain_file(path)
    return fd


def _still_named(fd: int, path: Path) -> bool:
    """Whether `path` is still the file open as `fd` (not removed nor replaced)."""
    try:
        named = os.lstat(path)
    except FileNotFoundError:
        return False
    mine = os.fstat(fd)
    return (named.st_dev, named.st_ino) == (mine.st_dev, mine.st_ino)


def _read_holder(fd: int) -> LockHolder | None:
    try:
        text = os.pread(fd, _MAX_READ, 0).decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    return LockHolder.from_json(text)
