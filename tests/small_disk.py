"""A small disk of a test's own: a tmpfs mounted in its folder, to fill up or make read-only.

    with small_disk(tmp_path / "disk") as disk:   # 6 MiB, unmounted at the end
        ...
        disk.fill()          # a filler file takes every free byte: the next write fails
        disk.free()          # the filler goes: writes work again
        disk.read_only()     # remounted read-only (refused while a file is open to write)
        disk.writable()

Mounting needs root (as the tests run here and in CI); elsewhere the test is skipped, saying
why.
"""

from __future__ import annotations

import errno
import os
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

SIZE = "6m"


class SmallDisk:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.filler = folder / "filler"

    def fill(self, *, leave: int = 0) -> int:
        """Write a filler file until the disk refuses one more byte, then give back `leave`
        bytes (room for a small write, not a large one); the filler's size."""
        fd = os.open(self.filler, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        try:
            for size in (1 << 16, 1 << 12, 1 << 9, 1):
                block = b"\0" * size
                try:
                    while True:
                        os.write(fd, block)
                except OSError as exc:
                    assert exc.errno == errno.ENOSPC, exc
        finally:
            os.close(fd)
        assert os.statvfs(self.folder).f_bavail == 0
        size = self.filler.stat().st_size - leave
        os.truncate(self.filler, size)
        return size

    def free(self) -> None:
        self.filler.unlink(missing_ok=True)

    def read_only(self) -> None:
        _mount("-o", "remount,ro", str(self.folder))

    def writable(self) -> None:
        _mount("-o", "remount,rw", str(self.folder))


def _mount(*args: str) -> None:
    done = subprocess.run(["mount", *args], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise OSError(f"mount {' '.join(args)}: {done.stderr.strip()}")


@contextmanager
def small_disk(folder: Path) -> Iterator[SmallDisk]:
    folder.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0:
        pytest.skip("mounting a small disk (tmpfs) needs root, as the tests run in CI")
    try:
        _mount("-t", "tmpfs", "-o", f"size={SIZE},mode=0700", "tmpfs", str(folder))
    except OSError as exc:
        pytest.skip(f"a small disk (tmpfs) cannot be mounted here: {exc}")
    try:
        yield SmallDisk(folder)
    finally:
        subprocess.run(["umount", "-l", str(folder)], capture_output=True, check=False)
