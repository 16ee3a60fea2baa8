"""Fixtures for every test folder."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from earlyyears_desktop.storage import vault as vault_module
from earlyyears_desktop.storage.incident_log import LOG_DIR_ENV

from .fast_vaults import DEMO_DAY, finish_demo_build, make_demo_vault, start_demo_build
from .schema_template import SchemaTemplate


@pytest.fixture(autouse=True, scope="session")
def vault_schema_from_a_template(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[SchemaTemplate]:
    """New vaults start as a copy of the database the migrations made for the first, re-keyed
    (tests/schema_template.py)."""
    template = SchemaTemplate(tmp_path_factory.mktemp("schema-template"))
    patch = pytest.MonkeyPatch()
    patch.setattr(vault_module, "OpenVault", template.vault_class())
    yield template
    patch.undo()


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


_EARLY_BUILD = pytest.StashKey[tuple[Path, "subprocess.Popen[str]"]]()


def pytest_collection_finish(session: pytest.Session) -> None:
    """When some test collected needs the shared demo, its build starts now, in a process of its
    own: on a machine with an idle core it is ready by the time the first of them runs."""
    if not any("demo_on_demo_day" in getattr(item, "fixturenames", ()) for item in session.items):
        return
    base = Path(tempfile.mkdtemp(prefix="earlyyears-demo-template-"))
    env = {**os.environ, LOG_DIR_ENV: str(base / "incident-logs")}
    session.config.stash[_EARLY_BUILD] = (base, start_demo_build(base / "vault", DEMO_DAY, env))


def pytest_unconfigure(config: pytest.Config) -> None:
    early = config.stash.get(_EARLY_BUILD, None)
    if early is not None:
        base, process = early
        if process.poll() is None:  # the run ended before any test needed it
            process.kill()
            process.wait()
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(scope="session")
def demo_on_demo_day(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[DemoTemplate]:
    """The demo vault, built once per run for DEMO_DAY (it takes seconds) and shared by every
    test folder's demo fixture, each test working on a copy. At the end of the run the template
    must be as it was built: a test that wrote to it instead of a copy fails here."""
    early = request.config.stash.get(_EARLY_BUILD, None)
    if early is not None:
        base, process = early
        folder = base / "vault"
        recovery_key = finish_demo_build(process, DEMO_DAY)
    else:  # asked for by a test that does not name it (getfixturevalue)
        folder = tmp_path_factory.mktemp("demo-template") / "vault"
        demo = make_demo_vault(folder, today=DEMO_DAY)
        demo.vault.lock()
        recovery_key = demo.recovery_key
    built = _digest(folder)
    yield DemoTemplate(folder, recovery_key)
    assert _digest(folder) == built, "a test wrote to the shared demo vault instead of a copy"
