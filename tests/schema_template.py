"""New vaults in the tests get their schema copied from the first one the migrations made.

Every test vault is created by `create_vault`, which runs every Alembic revision on an empty
database: about 1.2 s each under SQLCipher (each DDL statement re-reads the whole schema, with
`cipher_memory_security` on), which over the suite's hundreds of vaults was five minutes. So the
first empty database of a test process is upgraded by the real migrations and exported
(`sqlcipher_export`) to a template under its own key; each later empty database at "head" gets
the template's schema and `alembic_version` exported into it (about 25 ms). Nothing else
changes: key slots, vault id, device id and the first practitioner are each vault's own, and a
database that is not empty (an older vault opening) is upgraded by the migrations as always.
`tests/core/test_migrations.py` makes its vaults with the revisions themselves and runs them
both ways (`bypassed`).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from earlyyears_desktop.storage import migrations

_KEY = os.urandom(32).hex()


class SchemaTemplate:
    def __init__(self, folder: Path) -> None:
        self.path = folder / "schema-template.db"
        self.made = False
        self.real_upgrade = migrations.upgrade
        #: True: every vault made by the migrations themselves (tests/core/test_migrations.py,
        #: whose downgrades rebuild tables: SQLite re-reads the schema in the order a vault's
        #: own revisions wrote it, which an exported copy does not keep)
        self.bypassed = False

    def upgrade(self, engine: Engine, revision: str = "head") -> None:
        with engine.connect() as conn:
            empty = conn.exec_driver_sql("SELECT count(*) FROM sqlite_master").scalar() == 0
        if not empty or revision != "head" or self.bypassed:
            self.real_upgrade(engine, revision)
            return
        if not self.made:
            self.real_upgrade(engine, revision)
            self._export(engine, "SELECT sqlcipher_export('template')")
            os.chmod(self.path, 0o600)
            self.made = True
            return
        self._export(engine, "SELECT sqlcipher_export('main', 'template')")

    def _export(self, engine: Engine, statement: str) -> None:
        with engine.connect() as conn:
            raw: Any = conn.connection.dbapi_connection
            raw.execute(f"ATTACH DATABASE ? AS template KEY \"x'{_KEY}'\"", (str(self.path),))
            try:
                raw.execute(statement).fetchall()
            finally:
                raw.execute("DETACH DATABASE template")
