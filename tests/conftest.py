"""Fixtures for every test folder."""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from earlyyears_desktop.storage.incident_log import LOG_DIR_ENV

from .fast_vaults import DEMO_DAY, make_demo_vault


@pytest.fixture(autouse=True)
def incident_log_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Incidents of a test go to its own folder, never to the user's real log folder."""
    folder = tmp_path / "incident-logs"
    monkeypatch.setenv(LOG_DIR_ENV, str(folder))
    return folder


@dataclass(frozen=True)
class DemoTemplate:
    """The demo vault built for DEMO_DAY, locked. Never open it: copy it (`copy_to`)."""

    folder: Path
    recovery_key: str

    def copy_to(self, folder: Path) -> Path:
        """A copy of the vault of the test's own in `folder` (which must not exist yet)."""
        shutil.copytree(self.folder, folder)
        return folder


def _digest(folder: Path) -> str:
    hashed = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        hashed.update(str(path.relative_to(folder)).encode() + b"\0" + path.read_bytes())
    return hashed.hexdigest()


@pytest.fixture(scope="session")
def demo_on_demo_day(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoTemplate]:
    """The demo vault, built once per run for DEMO_DAY (it takes seconds) and shared by every
    test folder's demo fixture, each test working on a copy. At the end of the run the template
    must be as it was built: a test that wrote to it instead of a copy fails here."""
    folder = tmp_path_factory.mktemp("demo-template") / "vault"
    demo = make_demo_vault(folder, today=DEMO_DAY)
    demo.vault.lock()
    built = _digest(folder)
    yield DemoTemplate(folder, demo.recovery_key)
    assert _digest(folder) == built, "a test wrote to the shared demo vault instead of a copy"
