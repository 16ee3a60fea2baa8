"""Fixtures for every test folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from earlyyears_desktop.storage.incident_log import LOG_DIR_ENV


@pytest.fixture(autouse=True)
def incident_log_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Incidents of a test go to its own folder, never to the user's real log folder."""
    folder = tmp_path / "incident-logs"
    monkeypatch.setenv(LOG_DIR_ENV, str(folder))
    return folder
