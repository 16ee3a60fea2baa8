"""Schema migrations with Alembic, applied from code when a vault is unlocked."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from earlyyears_desktop.storage.errors import VaultTooNew

_SCRIPTS = Path(__file__).with_name("revisions")


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(_SCRIPTS))
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def pending(engine: Engine) -> bool:
    """True when the vault needs upgrading; refuses a vault made by a newer version."""
    current = current_revision(engine)
    scripts = ScriptDirectory.from_config(alembic_config())
    if current is not None and not _known(scripts, current):
        raise VaultTooNew(
            "This vault was made by a newer version of Early Years. Please update the app."
        )
    return current != scripts.get_current_head()


def upgrade(engine: Engine, revision: str = "head") -> None:
    config = alembic_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, revision)


def _known(scripts: ScriptDirectory, revision: str) -> bool:
    try:
        return scripts.get_revision(revision) is not None
    except Exception:  # alembic raises several kinds for an unknown revision
        return False
