"""Run `earlyyears ARGS...` in this process and kill it (SIGKILL) at one chosen step.

    python kill_at.py STEP ARGS...     (the passphrase in EARLYYEARS_PASSPHRASE)

A test-only helper: it replaces one function of the product in this process only, so that the
process dies at a known point, as it would if the laptop's power went; the product reads no
switch for this. The steps:

  bundle-written   an export: the bundle is whole in its temporary file, not yet named
  bundle-named     an export: the bundle has its name, the vault has not recorded it
  copy-written     an upgrade: the copy taken before it written in its `.partial` file
  mid-upgrade      an upgrade: the third revision applied, inside the upgrade's transaction

If the step is never reached the command ends as usual and this exits 99.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

STEPS = ("bundle-written", "bundle-named", "copy-written", "mid-upgrade")


def die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def arm(step: str) -> None:
    if step == "bundle-written":
        from earlyyears_desktop.sync import bundle

        write_container = bundle.write_container

        def written_then_killed(out: Any, *args: Any, **kwargs: Any) -> None:
            write_container(out, *args, **kwargs)
            out.flush()
            die()

        bundle.write_container = written_then_killed  # type: ignore[assignment]
    elif step == "bundle-named":
        from earlyyears_desktop.sync import export

        export._record_export = lambda *args, **kwargs: die()  # type: ignore[assignment,return-value]
    elif step == "copy-written":
        fsync = os.fsync

        def killed_at_the_copy(fd: int) -> None:
            if os.readlink(f"/proc/self/fd/{fd}").endswith(".partial"):
                die()
            fsync(fd)

        os.fsync = killed_at_the_copy
    elif step == "mid-upgrade":
        from alembic.runtime.migration import HeadMaintainer

        update_to_step = HeadMaintainer.update_to_step
        applied: list[object] = []

        def third_then_killed(self: HeadMaintainer, step: Any) -> None:
            update_to_step(self, step)
            applied.append(step)
            if len(applied) == 3:
                die()

        HeadMaintainer.update_to_step = third_then_killed  # type: ignore[method-assign]
    else:
        raise SystemExit(f"unknown step {step!r}: one of {', '.join(STEPS)}")


def run_killed(step: str, *args: str | os.PathLike[str], passphrase: str) -> None:
    """`earlyyears ARGS...` in a process of its own, killed at `step` (fails if it was not)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("EARLYYEARS_")}
    env["EARLYYEARS_PASSPHRASE"] = passphrase
    if "EARLYYEARS_LOG_DIR" in os.environ:  # the test's own incident log
        env["EARLYYEARS_LOG_DIR"] = os.environ["EARLYYEARS_LOG_DIR"]
    done = subprocess.run(
        [sys.executable, str(Path(__file__)), step, *map(str, args)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == -signal.SIGKILL, (step, done.returncode, done.stderr[-2000:])


if __name__ == "__main__":
    arm(sys.argv[1])
    from earlyyears_desktop.cli.main import main

    main(sys.argv[2:])
    sys.exit(99)
