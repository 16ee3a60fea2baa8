"""The whole loop through both command lines, as separate processes, like people run it:

(a demo vault and a central folder, made in process with a cheap Argon2id) -> enrol-request ->
earlyyears-central enrol -> earlyyears enrol -> export -> earlyyears-central ingest -> roster ->
return -> earlyyears import. `earlyyears demo` and `earlyyears-central init` themselves are
tested in tests/core/test_cli.py and tests/central/test_central.py (at the calibrated cost).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from ..fast_vaults import make_central, make_demo_vault
from .conftest import PASSPHRASE

DEVICE_PASSPHRASE = "demo-only passphrase 2026"


def _run(*argv: str | os.PathLike[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [str(a) for a in argv], capture_output=True, text=True, env=env, timeout=300, check=False
    )
    assert "Traceback" not in result.stderr, result.stderr
    return result


def _strategies_titled(title: str, vault: Path, env: dict[str, str]) -> int:
    """How many live strategies with this title the laptop's vault holds (read in a child
    process, as the other steps are)."""
    script = (
        "import sys\n"
        "from sqlalchemy import func, select\n"
        "from earlyyears_desktop.domain.models import Strategy\n"
        "from earlyyears_desktop.storage.vault import open_vault\n"
        "vault = open_vault(__import__('pathlib').Path(sys.argv[1]), sys.argv[2])\n"
        "with vault.engine.connect() as conn:\n"
        "    print(conn.execute(select(func.count()).select_from(Strategy.__table__).where(\n"
        "        Strategy.title == sys.argv[3], Strategy.deleted_at.is_(None))).scalar_one())\n"
        "vault.lock()\n"
    )
    done = _run(sys.executable, "-c", script, vault, DEVICE_PASSPHRASE, title, env=env)
    assert done.returncode == 0, done.stderr
    return int(done.stdout.strip())


def test_round_trip_through_the_command_lines(tmp_path: Path, db_url: str | None) -> None:
    env = {
        **os.environ,
        "EARLYYEARS_PASSPHRASE": DEVICE_PASSPHRASE,
        "EARLYYEARS_CENTRAL_PASSPHRASE": PASSPHRASE,
        "QT_QPA_PLATFORM": "offscreen",
    }
    env.pop("EARLYYEARS_CENTRAL_DB_URL", None)
    device = [sys.executable, "-m", "earlyyears_desktop.cli.main"]
    central = [sys.executable, "-m", "earlyyears_desktop.central.cli"]
    vault, folder, usb = tmp_path / "vault", tmp_path / "central", tmp_path / "usb"
    usb.mkdir()

    # The demo is built for the day the commands' clock reads, as `earlyyears demo` builds it.
    make_demo_vault(vault, today=None, passphrase=DEVICE_PASSPHRASE).vault.lock()
    make_central(folder, passphrase=PASSPHRASE, database_url=db_url)

    request, response = tmp_path / "request.json", tmp_path / "response.json"
    done = _run(*device, "enrol-request", vault, "--out", request, env=env)
    assert done.returncode == 0, done.stderr
    done = _run(*central, "enrol", folder, request, "--out", response, env=env)
    assert done.returncode == 0, done.stderr
    assert "device signing key:" in done.stdout
    done = _run(*device, "enrol", vault, response, env=env)
    assert done.returncode == 0, done.stderr
    device_id = json.loads(request.read_text())["device_id"]
    team = json.loads(request.read_text())["team_name"]

    done = _run(*device, "export", vault, "--out", usb, env=env)
    assert done.returncode == 0, done.stderr
    export = Path(done.stdout.strip().splitlines()[-1])
    assert export.is_file()
    done = _run(*central, "ingest", folder, export, env=env)
    assert done.returncode == 0, done.stderr
    assert "ingested (device" in done.stdout
    done = _run(*central, "ingest", folder, export, env=env)
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
    done = _run(*central, "roster", folder, roster, "--team", team, env=env)
    assert done.returncode == 0, done.stderr
    # The same file again changes nothing: the carer and the strategy, given without ids, get
    # ids derived from their content, so they are not stored (and sent) a second time.
    done = _run(*central, "roster", folder, roster, "--team", team, env=env)
    assert done.returncode == 0, done.stderr
    assert "0 new, 0 updated, 3 unchanged" in done.stdout, done.stdout

    returns = tmp_path / "returns"
    returns.mkdir()
    done = _run(*central, "return", folder, "--device", device_id, "--out", returns, env=env)
    assert done.returncode == 0, done.stderr
    back = Path(done.stdout.strip())
    assert back.is_file()
    done = _run(*device, "import", vault, back, env=env)
    assert done.returncode == 0, done.stderr
    # The referral (child, carer) and the strategy reach the laptop; its export is confirmed.
    assert "3 records applied (3 new, 0 updated)" in done.stdout, done.stdout
    assert "changes were confirmed by the central service" in done.stdout
    done = _run(*device, "import", vault, back, env=env)
    assert done.returncode == 0, done.stderr
    assert "already imported" in done.stdout  # the same return bundle again changes nothing
    # Loading the roster once more after the laptop has it sends it nothing new.
    done = _run(*central, "roster", folder, roster, "--team", team, env=env)
    assert "0 new, 0 updated, 3 unchanged" in done.stdout, done.stdout
    done = _run(*central, "return", folder, "--device", device_id, "--out", returns, env=env)
    assert done.returncode == 0, done.stderr
    done = _run(*device, "import", vault, Path(done.stdout.strip()), env=env)
    assert done.returncode == 0, done.stderr
    assert "records applied" not in done.stdout or "0 records applied" in done.stdout, done.stdout
    assert _strategies_titled("Objects of reference", vault, env) == 1

    done = _run(*central, "status", folder, "--json", env=env)
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
