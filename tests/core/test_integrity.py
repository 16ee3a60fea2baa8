"""The vault's integrity: a quick check on every unlock before anything is written, and the
full checks on demand (`earlyyears check`): SQLite's, SQLCipher's, the foreign keys and the
audit trail. Real vault files, damaged byte by byte."""

from __future__ import annotations

import hashlib
import json
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from earlyyears_desktop.storage.errors import VaultDamaged
from earlyyears_desktop.storage.integrity import quick_check
from earlyyears_desktop.storage.vault import check_vault_files, open_vault

from ..fast_vaults import PASSPHRASE, make_vault
from .test_cli import run

PAGE = 4096


@dataclass(frozen=True)
class Template:
    folder: Path
    #: the first page of each table, numbered from 1 as SQLite does
    root_pages: dict[str, int]
    key: bytes


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Template:
    """A small vault, locked: copy it, never change it."""
    folder = tmp_path_factory.mktemp("integrity") / "vault"
    created = make_vault(folder)
    vault = created.vault
    with vault.engine.connect() as conn:
        rows = conn.exec_driver_sql(
            "SELECT name, rootpage FROM sqlite_schema WHERE type = 'table'"
        ).all()
    key = vault._data_key()  # for the checks below the vault's opening
    vault.lock()
    return Template(folder, {str(r[0]): int(r[1]) for r in rows}, key)


def copy_of(template: Template, tmp_path: Path) -> Path:
    return Path(shutil.copytree(template.folder, tmp_path / "vault"))


def flip_a_byte(folder: Path, page: int) -> None:
    """One bit changed in the middle of a page (SQLCipher's sealed contents, not a header)."""
    database = folder / "vault.db"
    data = bytearray(database.read_bytes())
    assert page > 1 and page * PAGE <= len(data)
    data[(page - 1) * PAGE + PAGE // 2] ^= 0x01
    database.write_bytes(bytes(data))


def state_of(folder: Path) -> dict[str, tuple[str, int]]:
    """Every file under the folder: its bytes' digest and its modification time."""
    return {
        str(p.relative_to(folder)): (
            hashlib.sha256(p.read_bytes()).hexdigest(),
            p.stat().st_mtime_ns,
        )
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_unlock_refuses_a_damaged_database_and_changes_no_file(
    template: Template, tmp_path: Path
) -> None:
    folder = copy_of(template, tmp_path)
    flip_a_byte(folder, template.root_pages["audit_events"])
    before = state_of(folder)

    with pytest.raises(VaultDamaged) as refused:
        open_vault(folder, PASSPHRASE, exclusive=True)

    message = refused.value.message
    assert "vault.db" in message and str(folder) in message
    assert "nothing in it was changed" in message
    assert "When something goes wrong" in message
    assert state_of(folder) == before  # no migration backup, no journal, no lock file


def test_a_large_vaults_unlock_checks_the_schema_and_the_tables_it_reads(
    template: Template, tmp_path: Path
) -> None:
    """Above FULL_QUICK_CHECK_PAGES the unlock reads only the schema and its own tables: a
    fault there is refused; one elsewhere is left to the full checks, which find it."""
    settings = copy_of(template, tmp_path / "a")
    flip_a_byte(settings, template.root_pages["practitioners"])
    with pytest.raises(VaultDamaged):
        quick_check(settings / "vault.db", template.key, full_below_pages=0)

    elsewhere = copy_of(template, tmp_path / "b")
    flip_a_byte(elsewhere, template.root_pages["audit_events"])
    quick_check(elsewhere / "vault.db", template.key, full_below_pages=0)
    results = {r.name: r for r in check_vault_files(elsewhere, PASSPHRASE)}
    assert not results["sqlite"].ok and not results["sqlcipher"].ok
    assert any("HMAC" in line for line in results["sqlcipher"].findings)


def test_check_passes_a_good_vault(template: Template, tmp_path: Path) -> None:
    folder = copy_of(template, tmp_path)
    done = run("check", str(folder), passphrase=PASSPHRASE)
    assert done.returncode == 0, done.stderr
    assert done.stdout.count(": passed.") == 4
    assert "The vault passed every check." in done.stdout


def test_check_names_the_failed_checks_of_a_damaged_vault_and_changes_nothing(
    template: Template, tmp_path: Path
) -> None:
    folder = copy_of(template, tmp_path)
    flip_a_byte(folder, template.root_pages["audit_events"])
    before = state_of(folder)

    done = run("check", str(folder), "--json", passphrase=PASSPHRASE)

    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    report = json.loads(done.stdout)
    by_name = {c["check"]: c for c in report["checks"]}
    assert report["ok"] is False
    assert by_name["sqlcipher"]["ok"] is False
    assert any("HMAC verification failed" in f for f in by_name["sqlcipher"]["findings"])
    assert by_name["sqlite"]["ok"] is False
    assert by_name["audit"]["findings"] == ["not checked: the database itself is damaged."]
    assert state_of(folder) == before


def test_check_reports_an_audit_event_whose_hash_was_changed(
    template: Template, tmp_path: Path
) -> None:
    folder = copy_of(template, tmp_path)
    vault = open_vault(folder, PASSPHRASE)
    with vault.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE audit_events SET hash = 'ff' || substr(hash, 3) WHERE seq = 1")
    vault.lock()

    done = run("check", str(folder), passphrase=PASSPHRASE)

    assert done.returncode == 1
    failed = [line for line in done.stdout.splitlines() if "FAILED" in line]
    assert failed == [
        "The audit trail (every change, in order): FAILED: The audit trail has been altered "
        "at event 1: its contents were changed."
    ], done.stdout
    assert "failed 1 of 4 checks" in done.stderr
