"""The central service's process holds the central private keys and decrypted records: like
the device's, it switches off core dumps and is not dumpable (harden_process)."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest

# Runs one central command in this process, then reports what a crash would leave behind:
# the core-size limit (soft, hard) and prctl(PR_GET_DUMPABLE).
_PROBE = """
import ctypes, resource, sys
from earlyyears_desktop.central.cli import main
main(sys.argv[1:])
print(*resource.getrlimit(resource.RLIMIT_CORE))
print(ctypes.CDLL(None).prctl(3, 0, 0, 0, 0))
"""


def _allow_core_dumps() -> None:
    _soft, hard = resource.getrlimit(resource.RLIMIT_CORE)
    resource.setrlimit(resource.RLIMIT_CORE, (hard, hard))


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="prctl is Linux's")
def test_the_central_command_switches_off_core_dumps(tmp_path: Path) -> None:
    # Where this test process has already switched core dumps off for good (an in-process
    # command test called harden_process), the limits come out (0, 0) whatever the command
    # does; the dumpable flag cannot: execve sets it back to 1 for every new program.
    env = {k: v for k, v in os.environ.items() if not k.startswith("EARLYYEARS_")}
    probe = subprocess.run(
        [sys.executable, "-c", _PROBE, "status", str(tmp_path / "no-central-here")],
        capture_output=True,
        text=True,
        env=env,
        stdin=subprocess.DEVNULL,
        preexec_fn=_allow_core_dumps,  # as a shell with `ulimit -c unlimited` would
        timeout=120,
    )
    assert probe.returncode == 0, probe.stderr
    core_soft, core_hard, dumpable = probe.stdout.split()
    assert (core_soft, core_hard) == ("0", "0")
    assert dumpable == "0"
