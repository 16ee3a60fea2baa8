"""Schema migrations with Alembic, applied from code when a vault is unlocked.

Alembic is loaded only when a migration is due (or a vault is being made): opening a vault
already at the newest revision compares the revision stored in the vault with the newest one
named in `revisions/versions/`, both read without Alembic, and so keeps Alembic's import (about
a fifth of a second) off the start-up of the app and of every command.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine

from earlyyears_desktop.storage.errors import VaultDamaged, VaultTooNew

if TYPE_CHECKING:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

_SCRIPTS = Path(__file__).with_name("revisions")
# The two lines every revision file opens with: revision = "0005" / down_revision = "0004".
_REVISION_LINE = re.compile(
    r"^(?P<field>revision|down_revision)\s*(?::[^=\n]*)?=\s*"
    r"""(?P<value>None|"[^"\n]*"|'[^'\n]*')\s*$""",
    re.MULTILINE,
)


def alembic_config() -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(_SCRIPTS))
    return config


def head_revision() -> str:
    """The newest revision, read from the revision files' `revision` and `down_revision`
    lines (tests/core/test_migrations.py checks it against Alembic's own answer)."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in sorted((_SCRIPTS / "versions").glob("*.py")):
        fields = {
            m["field"]: m["value"]
            for m in _REVISION_LINE.finditer(path.read_text(encoding="utf-8"))
        }
        revision = fields.get("revision", "None")
        if revision == "None":
            continue
        revisions.add(revision.strip("\"'"))
        parent = fields.get("down_revision", "None")
        if parent != "None":
            parents.add(parent.strip("\"'"))
    heads = revisions - parents
    if len(heads) != 1:  # a layout this reader does not know: ask Alembic
        head = _scripts().get_current_head()
        assert head is not None
        return head
    return heads.pop()


def current_revision(engine: Engine) -> str | None:
    """The revision the vault's schema is at (Alembic's own table), None for an empty one."""
    with engine.connect() as conn:
        has_table = conn.exec_driver_sql(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'"
        ).first()
        if has_table is None:
            return None
        versions = [
            row[0] for row in conn.exec_driver_sql("SELECT version_num FROM alembic_version")
        ]
    if len(versions) > 1:  # several heads: only Alembic can say what that means
        from alembic.runtime.migration import MigrationContext

        with engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()
    return versions[0] if versions else None


def pending(engine: Engine) -> bool:
    """True when the vault needs upgrading; refuses a vault made by a newer version."""
    current = current_revision(engine)
    if current is not None and current == head_revision():
        return False
    scripts = _scripts()
    if current is not None and not _known(scripts, current):
        raise VaultTooNew(
            "This vault was made by a newer version of Early Years. Please update the app."
        )
    return current != scripts.get_current_head()


def upgrade(engine: Engine, revision: str = "head") -> None:
    from alembic import command

    config = alembic_config()
    with schema_change(engine) as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, revision)


@contextmanager
def schema_change(engine: Engine) -> Iterator[Connection]:
    """One transaction changing the schema, with foreign keys checked at its end.

    A revision that rebuilds a table (Alembic's batch mode) drops the old one, which SQLite
    refuses while other rows refer to it and foreign keys are enforced. So enforcement is off
    for the change (switched outside its transaction, as SQLite requires) and the whole
    database is checked before the commit: a change that broke a reference is rolled back.
    """
    with engine.connect() as conn:
        raw = conn.connection.dbapi_connection
        assert raw is not None
        raw.execute("PRAGMA foreign_keys = OFF")
        try:
            with conn.begin():
                yield conn
                if conn.exec_driver_sql("PRAGMA foreign_key_check").first() is not None:
                    raise VaultDamaged(
                        "Upgrading this vault would break links between its records, so it "
                        "was left as it was."
                    )
        finally:
            raw.execute("PRAGMA foreign_keys = ON")


def _scripts() -> ScriptDirectory:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config())


def _known(scripts: ScriptDirectory, revision: str) -> bool:
    try:
        return scripts.get_revision(revision) is not None
    except Exception:  # alembic raises several kinds for an unknown revision
        return False
