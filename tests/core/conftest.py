"""Fixtures for the core tests: real vaults in temporary folders, never Qt.

Argon2id runs with `KdfParams.for_tests()` here so that a vault opens in milliseconds; one
test in test_vault.py uses the real calibrated parameters. The demo vault is built once per
test session (tests/conftest.py, shared with the other test folders) and copied for each test
that asks for one (building it takes seconds).

No test here reads the wall clock: the demo is built for TODAY and every vault's services read a
clock fixed on it, so the suite passes whatever the date (try it under `faketime`).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from alembic import command

from earlyyears_desktop.demo import DEMO_PASSPHRASE
from earlyyears_desktop.domain.enums import Role
from earlyyears_desktop.services.clock import Clock
from earlyyears_desktop.services.container import Services, set_up_vault
from earlyyears_desktop.storage import migrations
from earlyyears_desktop.storage.keyslots import KdfParams
from earlyyears_desktop.storage.vault import OpenVault, open_vault

from ..conftest import DemoTemplate
from ..fast_vaults import DEMO_DAY

PASSPHRASE = "correct horse battery staple"
FAST = KdfParams.for_tests()
#: the day the core tests run on: a Wednesday in the demo's autumn term, when Little Steps meets
TODAY = DEMO_DAY


def services_on_test_day(vault: OpenVault) -> Services:
    """The services of an open vault, their clock fixed on TODAY."""
    return Services(vault, clock=Clock.fixed(TODAY))


@dataclass
class VaultUnderTest:
    """A vault folder with what a test needs to open it again."""

    folder: Path
    passphrase: str
    recovery_key: str
    services: Services

    @property
    def vault(self) -> OpenVault:
        return self.services.vault

    def reopen(self, secret: str | None = None) -> Services:
        """Lock the vault and open it again (with the passphrase unless told otherwise)."""
        self.vault.lock()
        self.services = services_on_test_day(open_vault(self.folder, secret or self.passphrase))
        return self.services


def files_in(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` (relative path -> bytes)."""
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def downgrade(vault: OpenVault, revision: str) -> None:
    """Take an open vault's schema back to an older revision (as an older app made it)."""
    config = migrations.alembic_config()
    with migrations.schema_change(vault.engine) as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, revision)


@pytest.fixture
def fresh(tmp_path: Path) -> Iterator[VaultUnderTest]:
    """A new, empty vault with one practitioner (a group leader)."""
    created = set_up_vault(
        tmp_path / "vault",
        team_name="Test Early Years Team",
        practitioner_name="Amira Haddad",
        role=Role.GROUP_LEADER.value,
        passphrase=PASSPHRASE,
        params=FAST,
    )
    handle = VaultUnderTest(
        tmp_path / "vault", PASSPHRASE, created.recovery_key, services_on_test_day(created.vault)
    )
    yield handle
    handle.vault.lock()


@pytest.fixture
def services(fresh: VaultUnderTest) -> Services:
    """The services of a new, empty vault."""
    return fresh.services


@pytest.fixture
def demo_template(demo_on_demo_day: DemoTemplate) -> tuple[Path, str]:
    """The demo vault built once per run for TODAY, locked, and its recovery key: never open
    it, copy it."""
    return demo_on_demo_day.folder, demo_on_demo_day.recovery_key


@pytest.fixture
def demo(demo_template: tuple[Path, str], tmp_path: Path) -> Iterator[VaultUnderTest]:
    """A populated demo vault of this test's own, open."""
    template, recovery_key = demo_template
    folder = tmp_path / "demo-vault"
    shutil.copytree(template, folder)
    handle = VaultUnderTest(
        folder,
        DEMO_PASSPHRASE,
        recovery_key,
        services_on_test_day(open_vault(folder, DEMO_PASSPHRASE)),
    )
    yield handle
    handle.vault.lock()
