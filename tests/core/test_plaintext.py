"""Nothing leaks: no file the vault leaves on disk holds a name, a note or the schema."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from earlyyears_desktop.storage.vault import open_vault

from .conftest import TODAY, VaultUnderTest, downgrade, files_in, services_on_test_day
from .plaintext_workload import MARKER_CARER, MARKER_CHILD, MARKER_NHS, MARKER_WORDS

WORKLOAD = Path(__file__).with_name("plaintext_workload.py")
KNOWN_NAMES = {"keyslots.json", "vault.db", "vault.db-wal", "vault.db-shm"}


def _needles(demo: VaultUnderTest) -> dict[str, bytes]:
    texts = [*MARKER_CHILD, MARKER_CARER, *MARKER_WORDS]
    # Names from the demo data, with diacritics, and everyone's NHS number.
    texts += ["Wiśniewska", "Adeyemi", "Zoë Grace", "Agnieszka", "Rainbow Day Nursery"]
    texts += ["bubble wand", "Cherwell Early Years"]
    needles: dict[str, bytes] = {
        "sqlite header": b"SQLite format 3",
        "schema": b"CREATE TABLE",
        "table name": b"observations",
        "column name": b"legal_given_names",
        "marker NHS number": MARKER_NHS.encode(),
    }
    for child_id in demo.services.children.search_ids():
        nhs = demo.services.children.get_child(child_id).nhs_number
        if nhs:
            needles[f"NHS number of {child_id}"] = nhs.encode()
    for t in texts:
        needles[f"{t} (utf-8)"] = t.encode("utf-8")
        needles[f"{t} (utf-16-le)"] = t.encode("utf-16-le")
        needles[f"{t} (utf-16-be)"] = t.encode("utf-16-be")
        needles[f"{t} (lower case)"] = t.lower().encode("utf-8")
    return needles


def _leaks(folder: Path, needles: dict[str, bytes]) -> list[str]:
    found = []
    for name, data in files_in(folder).items():
        for what, needle in needles.items():
            if needle in data:
                found.append(f"{what} in {name}")
    return found


def test_no_plaintext_in_any_file_while_open_and_after_close(
    demo: VaultUnderTest, tmp_path: Path
) -> None:
    needles = _needles(demo)
    demo.vault.lock()
    private_tmp = tmp_path / "tmpdir"
    private_tmp.mkdir()
    env = {
        **os.environ,
        "EARLYYEARS_PASSPHRASE": demo.passphrase,
        "TMPDIR": str(private_tmp),
        "SQLITE_TMPDIR": str(private_tmp),
    }
    proc = subprocess.Popen(
        [sys.executable, str(WORKLOAD), str(demo.folder), TODAY.isoformat()],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        text=True,
    )
    assert proc.stdin is not None and proc.stdout is not None
    try:
        assert proc.stdout.readline().strip() == "open", proc.stderr.read() if proc.stderr else ""
        names = {p.name for p in demo.folder.iterdir()}
        assert "vault.db-wal" in names and names <= KNOWN_NAMES
        assert (demo.folder / "vault.db-wal").stat().st_size > 0
        assert _leaks(demo.folder, needles) == []
        assert _leaks(private_tmp, needles) == []
        proc.stdin.write("\n")
        proc.stdin.flush()
        assert proc.stdout.readline().strip() == "closed"
    finally:
        proc.kill()
        proc.wait(timeout=30)

    assert {p.name for p in demo.folder.iterdir()} <= KNOWN_NAMES
    assert _leaks(demo.folder, needles) == []
    assert list(private_tmp.iterdir()) == []

    # The marker really is in the vault: the scan looked for something that is there.
    services = services_on_test_day(open_vault(demo.folder, demo.passphrase))
    demo.services = services
    assert services.observations.search(MARKER_WORDS[0])
    assert services.children.search_ids()


def test_no_plaintext_in_a_migration_backup(demo: VaultUnderTest) -> None:
    needles = _needles(demo)
    downgrade(demo.vault, "0001")
    demo.reopen()  # upgrades to head, taking a backup first
    backups = demo.folder / "backups"
    assert [p.name.startswith("before-upgrade-") for p in backups.iterdir()] == [True]
    assert {p.name for p in demo.folder.iterdir()} <= KNOWN_NAMES | {"backups"}
    assert _leaks(backups, needles) == []
    demo.vault.lock()
    assert _leaks(demo.folder, needles) == []


def test_the_scan_would_find_plaintext(tmp_path: Path) -> None:
    """The scanner itself works: a plain SQLite file with a marker is caught."""
    import sqlite3

    conn = sqlite3.connect(tmp_path / "plain.db")
    conn.execute("CREATE TABLE observations (text TEXT)")
    conn.execute("INSERT INTO observations VALUES (?)", (MARKER_CHILD[0],))
    conn.commit()
    conn.close()
    leaks = _leaks(tmp_path, {"header": b"SQLite format 3", "name": MARKER_CHILD[0].encode()})
    assert sorted(leaks) == ["header in plain.db", "name in plain.db"]
