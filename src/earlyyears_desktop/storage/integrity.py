"""Is the vault's database whole? SQLite's and SQLCipher's own checks, read only.

Two depths:

- `quick_check`, on every unlock, before anything may write to the database (the journal
  mode, a migration's backup, a migration). SQLite's `PRAGMA quick_check` reads every page,
  and under SQLCipher every page read is decrypted and its HMAC checked, so a flipped byte
  anywhere in a page is seen (SQLite reports it as "database disk image is malformed"). That
  costs about 33 microseconds a page: measured 3.3 s on the scale vault (2,000 children,
  416 MB, 101,634 pages of 4 KiB), far too slow for every unlock. So the whole file is checked
  only while it is small (up to `FULL_QUICK_CHECK_PAGES` pages, about 12 MB: a team's first
  months, under 0.1 s); a larger one has its schema and the tables read at every unlock (the
  settings, practitioners, schema revision) checked, about 1 ms on the scale vault. The full
  checks are `earlyyears check` and the app's "Check the vault…".
- `full_checks`, on demand: `PRAGMA integrity_check` (every page, every index against its
  table), `PRAGMA cipher_integrity_check` (the HMAC of every page, free pages too) and
  `PRAGMA foreign_key_check`. The audit chain is the services' (`services/audit.py`).

Every connection here is `query_only`: a damaged file is left exactly as it was found.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import sqlcipher3

from earlyyears_desktop.storage.errors import VaultDamaged

#: up to this many pages (4 KiB each) the unlock's quick check reads the whole file
FULL_QUICK_CHECK_PAGES = 3_000
#: the tables every unlock reads; on a larger vault only they (and the schema) are checked
_UNLOCK_TABLES = ("sqlite_schema", "vault_settings", "practitioners", "alembic_version")
#: at most this many of SQLite's own lines are kept from a failed check
_MAX_FINDINGS = 20

#: the name of each check in `full_checks`, in order, and the words for it
SQLITE_CHECK = "sqlite"
CIPHER_CHECK = "sqlcipher"
FOREIGN_KEY_CHECK = "foreign_keys"
CHECK_TITLES = {
    SQLITE_CHECK: "SQLite's integrity check (every page and index)",
    CIPHER_CHECK: "SQLCipher's integrity check (the seal on every page)",
    FOREIGN_KEY_CHECK: "Links between records (foreign keys)",
}


def damaged_message(database: Path) -> str:
    """What a person is told when the unlock's quick check fails. The file and folder are
    named; nothing from the records is."""
    return (
        f"The vault's database file ({database.name} in {database.parent}) is damaged, so the "
        "vault was not opened and nothing in it was changed. See “When something goes "
        "wrong” in the user guide."
    )


@dataclass(frozen=True)
class CheckResult:
    """One check's outcome. `findings` are SQLite's own lines (page numbers, table and
    index names: no record's contents), at most `_MAX_FINDINGS` of them."""

    name: str
    ok: bool
    findings: tuple[str, ...] = ()

    @property
    def title(self) -> str:
        return CHECK_TITLES.get(self.name, self.name)

    @property
    def words(self) -> str:
        if self.ok:
            return f"{self.title}: passed."
        first = self.findings[0] if self.findings else "it could not be completed"
        more = len(self.findings) - 1
        extra = f" (and {more} more)" if more > 0 else ""
        return f"{self.title}: FAILED: {first}{extra}."

    def as_json(self) -> dict[str, object]:
        return {"check": self.name, "ok": self.ok, "findings": list(self.findings)}


@contextmanager
def _reading(database: Path, key: bytes) -> Iterator[sqlcipher3.Connection]:
    conn = sqlcipher3.connect(str(database), isolation_level=None, check_same_thread=False)
    try:
        conn.execute("PRAGMA cipher_log_level = NONE").fetchall()
        conn.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
        conn.execute("PRAGMA query_only = ON")
        conn.execute("PRAGMA busy_timeout = 10000")
        yield conn
    finally:
        conn.close()


def _run(conn: sqlcipher3.Connection, pragma: str) -> list[str]:
    """The lines a checking pragma returns ("ok" dropped); a page that fails its HMAC while
    being read stops SQLite with an error, which is a finding too."""
    try:
        rows = conn.execute(pragma).fetchall()
    except sqlcipher3.DatabaseError as exc:
        return [str(exc)]
    lines = [" ".join(str(v) for v in row) for row in rows]
    return [line for line in lines if line != "ok"][:_MAX_FINDINGS]


def quick_check(
    database: Path, key: bytes, *, full_below_pages: int = FULL_QUICK_CHECK_PAGES
) -> None:
    """Raise `VaultDamaged` (naming the file) if the unlock's quick check finds a fault.

    The whole file up to `full_below_pages` pages, the schema and the tables an unlock reads
    for a larger one (see the module's note for why and what it costs)."""
    with _reading(database, key) as conn:
        findings = _run(conn, "PRAGMA page_count")
        pages = int(findings[0]) if findings and findings[0].isdigit() else -1
        if pages < 0:
            raise VaultDamaged(damaged_message(database))
        if pages <= full_below_pages:
            findings = _run(conn, "PRAGMA quick_check")
        else:
            present = {
                str(r[0])
                for r in conn.execute("SELECT name FROM sqlite_schema WHERE type = 'table'")
            }
            findings = []
            for table in _UNLOCK_TABLES:
                if table == "sqlite_schema" or table in present:
                    findings += _run(conn, f"PRAGMA quick_check('{table}')")
    if findings:
        raise VaultDamaged(damaged_message(database))


def full_checks(
    database: Path, key: bytes, progress: Callable[[str], None] | None = None
) -> list[CheckResult]:
    """SQLite's integrity check, SQLCipher's and the foreign keys, each run to its end.

    `progress` is told each check's title as it starts. Read only: nothing is changed,
    whatever is found."""
    results: list[CheckResult] = []
    with _reading(database, key) as conn:
        for name, pragma in (
            (SQLITE_CHECK, f"PRAGMA integrity_check({_MAX_FINDINGS})"),
            (CIPHER_CHECK, "PRAGMA cipher_integrity_check"),
            (FOREIGN_KEY_CHECK, "PRAGMA foreign_key_check"),
        ):
            if progress is not None:
                progress(CHECK_TITLES[name])
            findings = _run(conn, pragma)
            if name == FOREIGN_KEY_CHECK:
                findings = [_foreign_key_words(line) for line in findings]
            results.append(CheckResult(name, not findings, tuple(findings)))
    return results


def _foreign_key_words(line: str) -> str:
    """foreign_key_check's row (table, rowid, parent, fk index) in words."""
    parts = line.split(" ")
    if len(parts) == 4:
        table, rowid, parent, _ = parts
        return f"a row ({rowid}) of {table} points to a missing {parent} record"
    return line
