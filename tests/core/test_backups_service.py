"""services.backups on an empty vault: the schedule, when a backup is overdue or due, the status
bar's words, the backups in a folder; and the `backup` and `restore` verbs (in process)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from earlyyears_desktop.cli.main import main
from earlyyears_desktop.domain.errors import DomainError
from earlyyears_desktop.services.backups import (
    NO_BACKUP_YET,
    BackupFrequency,
    latest_backup,
    list_backups,
)
from earlyyears_desktop.services.clock import Clock
from earlyyears_desktop.services.container import Services

from .conftest import PASSPHRASE, TODAY, VaultUnderTest


def _on(fresh: VaultUnderTest, moment: dt.datetime) -> Services:
    return Services(fresh.vault, clock=Clock(lambda: moment))


MORNING = dt.datetime.combine(TODAY, dt.time(9, 42))


def test_no_backup_yet_is_overdue_and_says_how(fresh: VaultUnderTest) -> None:
    backups = fresh.services.backups
    assert backups.last_backup() is None
    assert backups.backup_overdue(TODAY)
    assert backups.status().text == NO_BACKUP_YET and backups.status().warning
    with pytest.raises(DomainError, match="Choose a folder"):
        backups.back_up_now()


def test_overdue_after_seven_days_and_the_status_bar_words(
    fresh: VaultUnderTest, tmp_path: Path
) -> None:
    made = _on(fresh, MORNING).backups.back_up_now(tmp_path)
    assert made.when == MORNING and made.size == made.path.stat().st_size
    later = _on(fresh, MORNING + dt.timedelta(hours=3)).backups
    assert later.status().text == "Last backup: today 09:42" and not later.status().warning
    assert not later.backup_overdue(TODAY + dt.timedelta(days=7))
    assert later.backup_overdue(TODAY + dt.timedelta(days=8))
    nine = _on(fresh, MORNING + dt.timedelta(days=9)).backups.status()
    assert nine.text.startswith("Last backup: 9 days ago") and nine.warning
    # On a leap day too: counted in days, not by the calendar's numbers.
    leap = dt.datetime(2028, 2, 29, 8, 0)
    _on(fresh, leap).backups.back_up_now(tmp_path)
    assert _on(fresh, leap + dt.timedelta(days=1)).backups.status().text == (
        "Last backup: yesterday 08:00"
    )


def test_the_schedule_says_when_a_backup_is_due(fresh: VaultUnderTest, tmp_path: Path) -> None:
    backups = _on(fresh, MORNING).backups
    assert backups.schedule().every is BackupFrequency.OFF
    assert backups.run_due_backup() is None
    with pytest.raises(DomainError, match="Choose a folder"):
        backups.set_schedule(None, BackupFrequency.DAILY)
    with pytest.raises(DomainError, match="does not exist"):
        backups.set_schedule(tmp_path / "missing", BackupFrequency.DAILY)
    backups.set_schedule(tmp_path, BackupFrequency.WEEKLY)
    assert backups.schedule().folder == tmp_path
    assert backups.backup_due()
    first = backups.run_due_backup()
    assert first is not None and first.path.parent == tmp_path
    assert not _on(fresh, MORNING + dt.timedelta(days=6)).backups.backup_due()
    assert _on(fresh, MORNING + dt.timedelta(days=7)).backups.backup_due()
    _on(fresh, MORNING).backups.set_schedule(tmp_path, BackupFrequency.DAILY)
    assert _on(fresh, MORNING + dt.timedelta(days=1)).backups.backup_due()


def test_backups_in_a_folder_newest_first_without_a_secret(
    fresh: VaultUnderTest, tmp_path: Path
) -> None:
    older = _on(fresh, MORNING).backups.back_up_now(tmp_path)
    newer = _on(fresh, MORNING + dt.timedelta(days=2)).backups.back_up_now(tmp_path)
    (tmp_path / "notes.eybackup").write_text("not a backup")
    listed = list_backups(tmp_path)
    assert [b.name for b in listed] == [newer.path.name, older.path.name]
    assert listed[0].made_at == newer.when
    assert latest_backup(tmp_path, fresh.vault.vault_id) == listed[0]
    assert latest_backup(tmp_path, "another vault") is None
    assert list_backups(tmp_path / "missing") == []


def test_the_backup_and_restore_verbs(
    fresh: VaultUnderTest,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("EARLYYEARS_PASSPHRASE", PASSPHRASE)
    out = tmp_path / "b.eybackup"
    # The vault stays open (as the app would hold it) while the command reads it.
    assert main(["backup", str(fresh.folder), "--out", str(out), "--json"]) == 0
    made = json.loads(capsys.readouterr().out)
    assert made["path"] == str(out) and made["size"] == out.stat().st_size
    assert main(["backup", str(fresh.folder), "--out", str(out)]) == 1
    assert "already a file" in capsys.readouterr().err
    assert main(["restore", str(out), str(tmp_path / "new"), "--json"]) == 0
    restored = json.loads(capsys.readouterr().out)
    assert restored["vault_id"] == fresh.vault.vault_id
    assert main(["restore", str(out), str(tmp_path / "new")]) == 2
    assert "not empty" in capsys.readouterr().err
    monkeypatch.setenv("EARLYYEARS_PASSPHRASE", "a wrong passphrase here")
    assert main(["restore", str(out), str(tmp_path / "other")]) == 3
    assert (
        capsys.readouterr().err.strip()
        == "That passphrase or recovery key does not open this backup."
    )
    assert main(["backup", str(fresh.folder), "--out", str(tmp_path / "c.eybackup")]) == 3
    assert not (tmp_path / "other").exists() and not (tmp_path / "c.eybackup").exists()
