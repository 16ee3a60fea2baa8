"""The central service's database schema: the tables made, and brought up to date.

`create_schema` makes them in an empty database (`init`); `upgrade_schema` brings a database
made by an earlier version of this program up to `SCHEMA_VERSION` when it is opened. Both
let SQLAlchemy's errors through: the folder (`folder.py`) words them for people.
"""

from __future__ import annotations

from typing import Final

from sqlalchemy import Engine, select

from earlyyears_desktop.central import models
from earlyyears_desktop.central.errors import CentralError

#: 2: conflicts have a status (open / resolved) and the time they were resolved
#: 3: devices keep what they read in return bundles (bundle format 14.3)
#: 4: erasures, the records they removed, and the devices still to be told (8.3)
#: 5: erasure instructions refused (the sending device could not hold the child)
SCHEMA_VERSION: Final = "5"
#: the tables version 4 added (made when a database of an earlier version is opened)
_ERASURE_TABLES: Final = (models.erasures, models.erased_records, models.erasure_notices)


def upgrade_schema(engine: Engine) -> None:
    """Bring a database made by an earlier version of this program up to SCHEMA_VERSION."""
    m = models.meta.c
    with engine.begin() as conn:
        version = conn.execute(
            select(m.value).where(m.key == "schema_version")
        ).scalar_one_or_none()
        if version == "1":
            conn.exec_driver_sql(
                "ALTER TABLE conflicts ADD COLUMN status VARCHAR(20) NOT NULL DEFAULT 'open'"
            )
            conn.exec_driver_sql("ALTER TABLE conflicts ADD COLUMN resolved_at TIMESTAMP")
        if version in ("1", "2"):
            conn.exec_driver_sql("ALTER TABLE devices ADD COLUMN accepted_entities TEXT")
        if version in ("1", "2", "3"):
            models.metadata.create_all(conn, tables=list(_ERASURE_TABLES))
        if version in ("1", "2", "3", "4"):
            models.metadata.create_all(conn, tables=[models.refused_erasures])
            conn.execute(
                models.meta.update().where(m.key == "schema_version").values(value=SCHEMA_VERSION)
            )


def create_schema(engine: Engine, central_id: str) -> None:
    """Make the tables in an empty database and record whose they are."""
    with engine.begin() as conn:
        models.metadata.create_all(conn)
        existing = conn.execute(
            select(models.meta.c.value).where(models.meta.c.key == "central_id")
        ).scalar_one_or_none()
        if existing is not None:
            raise CentralError(
                "That database already holds another central service; give an empty one."
            )
        conn.execute(
            models.meta.insert(),
            [
                {"key": "central_id", "value": central_id},
                {"key": "schema_version", "value": SCHEMA_VERSION},
                {"key": "roster_seq", "value": "0"},
            ],
        )
