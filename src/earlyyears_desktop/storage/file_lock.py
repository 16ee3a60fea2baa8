"""An advisory lock held on a small private file, for work only one process may do at a time.

The operating system frees the lock when its holder exits, so a crash never leaves it taken.
One lock per open file: two holders in one process exclude each other too. POSIX only
(`fcntl.flock`).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterator
from pathlib import Path


@contextlib.contextmanager
def held_lock(path: Path, *, wait: bool) -> Iterator[None]:
    """Hold the lock on `path` (created empty, 0600, never through a link).

    With `wait` False, BlockingIOError is raised at once if another holds it.
    """
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
    try:
        os.fchmod(fd, 0o600)  # an empty file, but private like every file the app writes
        fcntl.flock(fd, fcntl.LOCK_EX if wait else fcntl.LOCK_EX | fcntl.LOCK_NB)
        yield
    finally:
        os.close(fd)  # closing releases the lock
