"""full-text search of observations (FTS5, inside the encrypted database)

Revision ID: 0002
Revises: 0001

The index is an external-content FTS5 table over observations.text, kept in step by
triggers, so searching never needs a plaintext copy outside the encrypted file.
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        "CREATE VIRTUAL TABLE observations_fts USING fts5("
        "text, content='observations', content_rowid='rowid', "
        "tokenize='unicode61 remove_diacritics 2')"
    )
    op.execute(
        "CREATE TRIGGER observations_fts_insert AFTER INSERT ON observations BEGIN "
        "INSERT INTO observations_fts(rowid, text) VALUES (new.rowid, new.text); END"
    )
    op.execute(
        "CREATE TRIGGER observations_fts_delete AFTER DELETE ON observations BEGIN "
        "INSERT INTO observations_fts(observations_fts, rowid, text) "
        "VALUES ('delete', old.rowid, old.text); END"
    )
    op.execute(
        "CREATE TRIGGER observations_fts_update AFTER UPDATE OF text ON observations BEGIN "
        "INSERT INTO observations_fts(observations_fts, rowid, text) "
        "VALUES ('delete', old.rowid, old.text); "
        "INSERT INTO observations_fts(rowid, text) VALUES (new.rowid, new.text); END"
    )
    # Observations written at revision 0001 become searchable.
    op.execute("INSERT INTO observations_fts(observations_fts) VALUES ('rebuild')")


def downgrade() -> None:
    for trigger in ("insert", "delete", "update"):
        op.execute(f"DROP TRIGGER IF EXISTS observations_fts_{trigger}")
    op.execute("DROP TABLE IF EXISTS observations_fts")
