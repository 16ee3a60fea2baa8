"""The whole loop through both command lines, like people run it:

(a demo vault and a central folder, made in process with a cheap Argon2id) -> enrol-request ->
earlyyears-central enrol -> earlyyears enrol -> export -> earlyyears-central ingest -> roster ->
return -> earlyyears import. `earlyyears demo` and `earlyyears-central init` themselves are
tested in tests/core/test_cli.py and tests/central/test_central.py (at the calibrated cost).

On SQLite every step is a separate process, as people run them. On PostgreSQL the same steps
run through the same two `main` functions in the test's own process (what the central service
stores is what differs; starting a Python process per step proves nothing more the second time).
"""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Callable, Sequence
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import func, select

from earlyyears_desktop.central.cli import main as central_main
from earlyyears_desktop.cli.main import main as device_main
from earlyyears_desktop.domain.models import Strategy
from earlyyears_desktop.storage.vault import open_vault

from ..fast_vaults import make_central, make_demo_vault
from .conftest import PASSPHRASE

DEVICE_PASSPHRASE = "demo-only passphrase 2026"
DEVICE = [sys.executable, "-m", "earlyyears_desktop.cli.main"]
CENTRAL = [sys.executable, "-m", "earlyyears_desktop.central.cli"]


@dataclass(frozen=True)
class Done:
    returncode: int
    stdout: str
    stderr: str


def _in_subprocess(argv: Sequence[str], env: dict[str, str]) -> Done:
    result = subprocess.run(
        [*argv], capture_output=True, text=True, env=env, timeout=300, check=False
    )
    return Done(result.returncode, result.stdout, result.stderr)


def _in_process(main: Callable[[Sequence[str]], int], argv: Sequence[str]) -> Done:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(list(argv))
    return Done(code, out.getvalue(), err.getvalue())


@pytest.fixture(scope="module")
def demo_for_today(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo built for the day the commands' clock reads, as `earlyyears demo` builds it
    (once per module, locked: each test copies it)."""
    folder = tmp_path_factory.mktemp("round-trip-demo") / "vault"
    make_demo_vault(folder, today=None, passphrase=DEVICE_PASSPHRASE).vault.lock()
    return folder


def _strategies_titled(title: str, vault: Path) -> int:
    """How many live strategies with this title the laptop's vault holds."""
    opened = open_vault(vault, DEVICE_PASSPHRASE)
    try:
        with opened.engine.connect() as conn:
            return int(
                conn.execute(
                    select(func.count())
                    .select_from(Strategy.__table__)
                    .where(Strategy.title == title, Strategy.deleted_at.is_(None))
                ).scalar_one()
            )
    finally:
        opened.lock()


def test_round_trip_through_the_command_lines(
    tmp_path: Path,
    backend: str,
    db_url: str | None,
    demo_for_today: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    env = {
        **os.environ,
        "EARLYYEARS_PASSPHRASE": DEVICE_PASSPHRASE,
        "EARLYYEARS_CENTRAL_PASSPHRASE": PASSPHRASE,
        "QT_QPA_PLATFORM": "offscreen",
    }
    env.pop("EARLYYEARS_CENTRAL_DB_URL", None)
    if backend != "sqlite":
        for name in ("EARLYYEARS_PASSPHRASE", "EARLYYEARS_CENTRAL_PASSPHRASE"):
            monkeypatch.setenv(name, env[name])
        # main() hardens the process it runs in: give pytest's hooks back afterwards.
        monkeypatch.setattr(sys, "excepthook", sys.excepthook)
        monkeypatch.setattr(threading, "excepthook", threading.excepthook)

    def run(
        program: list[str], main: Callable[[Sequence[str]], int], args: Sequence[object]
    ) -> Done:
        argv = [str(a) for a in args]
        if backend == "sqlite":
            done = _in_subprocess([*program, *argv], env)
        else:
            done = _in_process(main, argv)
        assert "Traceback" not in done.stderr, done.stderr
        return done

    def device(*args: str | os.PathLike[str]) -> Done:
        """`earlyyears ARGS...`"""
        return run(DEVICE, device_main, args)

    def central(*args: str | os.PathLike[str]) -> Done:
        """`earlyyears-central ARGS...`"""
        return run(CENTRAL, central_main, args)

    vault, folder, usb = tmp_path / "vault", tmp_path / "central", tmp_path / "usb"
    usb.mkdir()
    shutil.copytree(demo_for_today, vault)
    make_central(folder, passphrase=PASSPHRASE, database_url=db_url)

    request, response = tmp_path / "request.json", tmp_path / "response.json"
    done = device("enrol-request", vault, "--out", request)
    assert done.returncode == 0, done.stderr
    done = central("enrol", folder, request, "--out", response)
    assert done.returncode == 0, done.stderr
    assert "device signing key:" in done.stdout
    done = device("enrol", vault, response)
    assert done.returncode == 0, done.stderr
    device_id = json.loads(request.read_text())["device_id"]
    team = json.loads(request.read_text())["team_name"]

    done = device("export", vault, "--out", usb)
    assert done.returncode == 0, done.stderr
    export = Path(done.stdout.strip().splitlines()[-1])
    assert export.is_file()
    done = central("ingest", folder, export)
    assert done.returncode == 0, done.stderr
    assert "ingested (device" in done.stdout
    done = central("ingest", folder, export)
    assert done.returncode == 0 and "already ingested" in done.stdout

    roster = tmp_path / "roster.json"
    roster.write_text(
        json.dumps(
            [
                {
                    "entity": "child",
                    "id": "5d1c0a52-8f3e-4f7e-9a51-2b7c4e0d0001",
                    "data": {
                        "legal_given_names": "Ffion",
                        "legal_family_name": "Ó Súilleabháin",
                        "date_of_birth": "2023-02-11",
                    },
                },
                {
                    "entity": "carer",
                    "data": {
                        "child_id": "5d1c0a52-8f3e-4f7e-9a51-2b7c4e0d0001",
                        "name": "Siobhán Ó Súilleabháin",
                        "relationship": "mother",
                    },
                },
                {"entity": "strategy", "data": {"title": "Objects of reference"}},
            ],
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    done = central("roster", folder, roster, "--team", team)
    assert done.returncode == 0, done.stderr
    # The same file again changes nothing: the carer and the strategy, given without ids, get
    # ids derived from their content, so they are not stored (and sent) a second time.
    done = central("roster", folder, roster, "--team", team)
    assert done.returncode == 0, done.stderr
    assert "0 new, 0 updated, 3 unchanged" in done.stdout, done.stdout

    returns = tmp_path / "returns"
    returns.mkdir()
    done = central("return", folder, "--device", device_id, "--out", returns)
    assert done.returncode == 0, done.stderr
    back = Path(done.stdout.strip())
    assert back.is_file()
    done = device("import", vault, back)
    assert done.returncode == 0, done.stderr
    # The referral (child, carer) and the strategy reach the laptop; its export is confirmed.
    assert "3 records applied (3 new, 0 updated)" in done.stdout, done.stdout
    assert "changes were confirmed by the central service" in done.stdout
    done = device("import", vault, back)
    assert done.returncode == 0, done.stderr
    assert "already imported" in done.stdout  # the same return bundle again changes nothing
    # Loading the roster once more after the laptop has it sends it nothing new.
    done = central("roster", folder, roster, "--team", team)
    assert "0 new, 0 updated, 3 unchanged" in done.stdout, done.stdout
    done = central("return", folder, "--device", device_id, "--out", returns)
    assert done.returncode == 0, done.stderr
    done = device("import", vault, Path(done.stdout.strip()))
    assert done.returncode == 0, done.stderr
    assert "records applied" not in done.stdout or "0 records applied" in done.stdout, done.stdout
    assert _strategies_titled("Objects of reference", vault) == 1

    done = central("status", folder, "--json")
    assert done.returncode == 0, done.stderr
    status = json.loads(done.stdout)
    (dev,) = status["devices"]
    assert (dev["device_id"], dev["bundles_accepted"], dev["acknowledged_through"]) == (
        device_id,
        1,
        1,
    )
    assert dev["return_bundles_written"] == 2
    assert status["quarantined"] == [] and status["gaps"] == []
    assert status["records"]["child"]["total"] >= 2
    for name in ("Ffion", "Súilleabháin", "Siobhán"):
        assert name not in done.stdout
