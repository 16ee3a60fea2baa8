"""Vaults and central service folders for tests, made in process with Argon2id at its cheapest.

The product reads no test switch: a new key slot is tuned on the machine unless its maker names
a cost. Tests name `FAST_KDF` here, and since a key slot records its own cost, a vault or a
central folder made this way also opens cheaply in a command started as a subprocess.

Only the few tests of `earlyyears demo` and `earlyyears-central init` themselves, and the
setup wizard's end to end test, pay the calibrated cost (about half a second per derivation).

Import with `from ..fast_vaults import make_vault` from a test folder.

Building the demo takes seconds: a test that needs it for DEMO_DAY copies the one the
`demo_on_demo_day` fixture (tests/conftest.py) builds once per run, as each folder's `demo`
fixture does; demos for other days are built once per module, side by side
(`make_demo_vaults_side_by_side`).
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

from earlyyears_desktop.central.folder import init_central
from earlyyears_desktop.demo import DEMO_PASSPHRASE, DemoVault, create_demo_vault
from earlyyears_desktop.domain.enums import Role
from earlyyears_desktop.services.container import set_up_vault
from earlyyears_desktop.storage.keyslots import KdfParams
from earlyyears_desktop.storage.vault import CreatedVault
from earlyyears_desktop.sync.keys import CipherSuite

#: 8 MiB and one pass: a slot opens in milliseconds. Never for a real vault.
FAST_KDF = KdfParams.for_tests()
PASSPHRASE = "correct horse battery staple"
CENTRAL_PASSPHRASE = "central passphrase for tests only"
#: the day the demo vault shared by the test folders is built for (the `demo_on_demo_day`
#: fixture in tests/conftest.py): a Wednesday in the demo's autumn term, when Little Steps meets
DEMO_DAY = dt.date(2026, 11, 25)


def make_vault(
    folder: Path,
    *,
    passphrase: str = PASSPHRASE,
    team_name: str = "Test Early Years Team",
    practitioner_name: str = "Amira Haddad",
    role: str = Role.GROUP_LEADER.value,
) -> CreatedVault:
    """A new, empty vault with one practitioner, open (lock it when done)."""
    return set_up_vault(
        folder,
        team_name=team_name,
        practitioner_name=practitioner_name,
        role=role,
        passphrase=passphrase,
        params=FAST_KDF,
    )


def make_demo_vault(
    folder: Path, *, today: dt.date | None, passphrase: str = DEMO_PASSPHRASE
) -> DemoVault:
    """The demo vault, built around `today` (None: the day the clock reads, as
    `earlyyears demo` does for a test that then runs the commands), open (lock it when done)."""
    return create_demo_vault(folder, passphrase, params=FAST_KDF, today=today)


#: what a process started by start_demo_build runs: make_demo_vault, lock, print the
#: recovery key
_BUILD_ONE_DEMO = """
import datetime as dt, sys
from pathlib import Path
sys.path.insert(0, sys.argv[1])
from fast_vaults import make_demo_vault
demo = make_demo_vault(Path(sys.argv[2]), today=dt.date.fromisoformat(sys.argv[3]))
demo.vault.lock()
print(demo.recovery_key)
"""


def start_demo_build(
    folder: Path, day: dt.date, env: Mapping[str, str] | None = None
) -> subprocess.Popen[str]:
    """make_demo_vault(folder, today=day) in a process of its own, started now; its output is
    the recovery key (read it with `finish_demo_build`)."""
    here = str(Path(__file__).parent)
    return subprocess.Popen(
        [sys.executable, "-c", _BUILD_ONE_DEMO, here, str(folder), day.isoformat()],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=None if env is None else dict(env),
    )


def finish_demo_build(process: subprocess.Popen[str], day: dt.date) -> str:
    """Wait for a build `start_demo_build` started; its recovery key."""
    out, err = process.communicate(timeout=900)
    assert process.returncode == 0, f"the demo for {day} was not built: {err.strip()[-2000:]}"
    return out.strip()


def make_demo_vaults_side_by_side(days: Mapping[Path, dt.date]) -> None:
    """Several demo vaults (folder -> the day each is built for), locked, each built by
    make_demo_vault in a process of its own, as many at once as the machine has cores: the same
    vaults, in the time of fewer builds on a machine whose other cores are idle."""
    pending = list(days.items())
    running: list[tuple[dt.date, subprocess.Popen[str]]] = []
    try:
        while pending or running:
            while pending and len(running) < max(1, os.cpu_count() or 1):
                folder, day = pending.pop(0)
                running.append((day, start_demo_build(folder, day)))
            day, process = running.pop(0)
            finish_demo_build(process, day)
    finally:
        for _day, process in running:  # only after a build failed
            process.kill()
            process.wait()


def make_central(
    folder: Path,
    *,
    passphrase: str = CENTRAL_PASSPHRASE,
    name: str = "Example County Council",
    database_url: str | None = None,
    suite: CipherSuite = CipherSuite.X25519,
) -> Path:
    """A new central service folder (SQLite in the folder unless `database_url` names one),
    made as `earlyyears-central init` makes it, and closed."""
    init_central(
        folder,
        passphrase=passphrase,
        name=name,
        database_url=database_url,
        suite=suite,
        params=FAST_KDF,
    ).close()
    return folder
