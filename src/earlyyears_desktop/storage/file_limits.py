"""Reading a small file with a size cap, so a hostile or broken file cannot fill memory.

Every file a command reads whole (a passphrase file, a key-slot file, an enrolment file, the
central service's configuration) goes through `read_small_file`: it reads at most one byte
more than the cap, so `/dev/zero` or a 1 GB file is refused after a few kilobytes, never read.
Bundles are larger and are streamed instead (`sync/bundle.py`).
"""

from __future__ import annotations

from pathlib import Path


class FileTooLarge(Exception):
    """The file holds more than its cap; nothing past the cap was read."""

    def __init__(self, path: Path, limit: int) -> None:
        super().__init__(f"{path} is larger than {describe_size(limit)}")
        self.path = path
        self.limit = limit


def read_small_file(path: Path, limit: int) -> bytes:
    """The whole of `path`, or FileTooLarge if it holds more than `limit` bytes.

    OSError (missing, permission denied, a folder) is raised as it comes. Devices and pipes
    are read like files, up to the cap: `--passphrase-file /dev/stdin` keeps working.
    """
    with open(path, "rb") as f:
        data = f.read(limit + 1)
    if len(data) > limit:
        raise FileTooLarge(path, limit)
    return data


def describe_size(size: int) -> str:
    """4096 -> "4 KiB", 1048576 -> "1 MiB": the caps as the messages and docs give them."""
    for unit, scale in (("MiB", 1 << 20), ("KiB", 1 << 10)):
        if size >= scale and size % scale == 0:
            return f"{size // scale} {unit}"
    return f"{size} bytes"
