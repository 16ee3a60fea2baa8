"""New vaults in the tests start as a copy of one database the migrations made, re-keyed.

Every test vault is created by `create_vault`, which runs every Alembic revision on an empty
database: about 1.2 s each under SQLCipher (each DDL statement re-reads the whole schema, with
`cipher_memory_security` on), which over the suite's hundreds of vaults was five minutes.

So the first time a test process needs a new vault, the real migrations build an empty
database at "head" under a key of the template's own, folded out of its WAL. Each new vault's
database file then starts as a byte copy of it, re-keyed to the vault's own data key with
`PRAGMA rekey` before anything opens it (a few milliseconds). The copy is the same database
file the migrations wrote, full-text index and all, so `create_vault` finds it at head and goes
on as always: key slots, vault id, device id and the first practitioner are each vault's own.
A vault that already has a database opens as always.

`tests/core/test_migrations.py` makes its vaults with the revisions themselves (`bypassed`).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import sqlcipher3

from earlyyears_desktop.storage import migrations
from earlyyears_desktop.storage.engine import make_engine
from earlyyears_desktop.storage.keyslots import KeySlot, KeySlotFile
from earlyyears_desktop.storage.vault import OpenVault, VaultPaths

_KEY = os.urandom(32)


def _keyed(path: Path, key: bytes) -> sqlcipher3.Connection:
    conn = sqlcipher3.connect(str(path), isolation_level=None)
    conn.execute("PRAGMA cipher_log_level = NONE").fetchall()
    conn.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
    return conn


class SchemaTemplate:
    def __init__(self, folder: Path) -> None:
        self.path = folder / "schema-template.db"
        #: True: every vault made by the migrations themselves (tests/core/test_migrations.py)
        self.bypassed = False

    def start_database(self, database: Path, key: bytes) -> None:
        """Write a new vault's database at `database`: the template, re-keyed to `key`."""
        if not self.path.exists():
            self._build()
        database.touch(mode=0o600)
        with self.path.open("rb") as source, database.open("r+b") as target:
            shutil.copyfileobj(source, target)
        conn = _keyed(database, key=_KEY)
        try:
            conn.execute(f"PRAGMA rekey = \"x'{key.hex()}'\"").fetchall()
        finally:
            conn.close()

    def _build(self) -> None:
        building = self.path.with_suffix(".building")
        engine = make_engine(building, lambda: _KEY)
        try:
            migrations.upgrade(engine)
        finally:
            engine.dispose()
        conn = _keyed(building, _KEY)
        try:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
            conn.execute("PRAGMA journal_mode = DELETE").fetchall()
        finally:
            conn.close()
        building.replace(self.path)

    def vault_class(self) -> type[OpenVault]:
        """OpenVault, starting a vault with no database yet from the template."""
        template = self

        class TemplatedVault(OpenVault):
            def __init__(
                self, paths: VaultPaths, key: bytes, slots: KeySlotFile, slot: KeySlot | None
            ) -> None:
                if not template.bypassed and not paths.database.exists():
                    template.start_database(paths.database, key)
                super().__init__(paths, key, slots, slot)

        return TemplatedVault
