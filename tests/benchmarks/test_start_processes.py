"""The start-up benchmarks run whole processes and see the app's unlock window.

The vault is made in-process with fast Argon2id parameters (its key slot records them, so
`earlyyears info` and the app open it without any switch). No figure is compared with a time.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from benchmarks import bench_start
from earlyyears_desktop.services.container import set_up_vault
from earlyyears_desktop.storage.keyslots import KdfParams

PASSPHRASE = "correct horse battery staple"
FAST = KdfParams.for_tests()

pytestmark = pytest.mark.slow


@pytest.fixture
def vault(tmp_path: Path) -> bench_start.DemoVault:
    folder = tmp_path / "vault"
    created = set_up_vault(
        folder,
        team_name="Test team",
        practitioner_name="Amira Haddad",
        role="group_leader",
        passphrase=PASSPHRASE,
        params=FAST,
    )
    created.vault.lock()
    secret = tmp_path / "passphrase"
    fd = os.open(secret, os.O_WRONLY | os.O_CREAT, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(PASSPHRASE + "\n")
    return bench_start.DemoVault(folder, secret, (FAST.memory_kib, FAST.iterations, FAST.lanes))


def test_the_launch_driver_stops_at_the_apps_locked_window(
    vault: bench_start.DemoVault, tmp_path: Path
) -> None:
    env = bench_start._environment(tmp_path)
    _, title = bench_start._run_to_first_window(
        [bench_start.sys.executable, "-c", bench_start.LAUNCH_DRIVER, str(vault.folder)], env
    )
    assert "locked" in title.lower()


def test_cli_info_and_launch_with_their_floors(
    vault: bench_start.DemoVault, tmp_path: Path
) -> None:
    figures = {
        **bench_start.measure_cli_info(vault, tmp_path, pairs=1),
        **bench_start.measure_launch(vault, tmp_path, pairs=1),
    }
    assert set(figures) == {
        "cli_info_s",
        "cli_info_floor_s",
        "cli_info_vs_floor_x",
        "launch_to_unlock_s",
        "bare_qt_s",
        "launch_vs_bare_qt_x",
    }
    assert all(value > 0 for value in figures.values())


def test_a_process_that_fails_is_reported_with_its_last_line(
    vault: bench_start.DemoVault, tmp_path: Path
) -> None:
    wrong = bench_start.DemoVault(tmp_path / "no-vault-here", vault.passphrase_file, vault.kdf)
    with pytest.raises(RuntimeError, match="exit code"):
        bench_start.measure_cli_info(wrong, tmp_path, pairs=1)


def test_the_window_benchmark_opens_the_main_window(qtbot, vault: bench_start.DemoVault) -> None:
    """`window_ready_s` unlocks through the accounts service and waits for the Children page's
    first row (one invented child, in a vault made here with a cheap Argon2id)."""
    import datetime as dt

    from benchmarks.bench_window import measure_window_ready

    from earlyyears_desktop.services.accounts import unlock
    from earlyyears_desktop.services.children import ChildInput

    opened = unlock(vault.folder, PASSPHRASE)
    try:
        opened.services.children.create_child(ChildInput("Ayşe", "Demir", dt.date(2024, 3, 1)))
    finally:
        opened.lock()
    assert measure_window_ready(vault.folder, PASSPHRASE) > 0
