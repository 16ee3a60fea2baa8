"""observation search folds every letter (Ł, Ø, Đ too) and keeps prefix indexes

Revision ID: 0004
Revises: 0003

The index becomes a contentless FTS5 table of the *folded* text (`ey_fold`, a function every
vault connection registers: case, diacritics and letters with a stroke folded, as in the
children's name search), so "lucja" finds "Łucja". Prefix indexes of two and three letters
make as-you-type searches cheap. Contentless means the folded words exist only inside the
index, inside the encrypted database; deletes go by rowid (`contentless_delete`).
"""

from __future__ import annotations

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_OLD_TRIGGERS = ("insert", "delete", "update")


def upgrade() -> None:
    for trigger in _OLD_TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS observations_fts_{trigger}")
    op.execute("DROP TABLE IF EXISTS observations_fts")
    op.execute(
        "CREATE VIRTUAL TABLE observations_fts USING fts5("
        "text, content='', contentless_delete=1, "
        "tokenize='unicode61 remove_diacritics 2', prefix='2 3')"
    )
    op.execute(
        "CREATE TRIGGER observations_fts_insert AFTER INSERT ON observations BEGIN "
        "INSERT INTO observations_fts(rowid, text) VALUES (new.rowid, ey_fold(new.text)); END"
    )
    op.execute(
        "CREATE TRIGGER observations_fts_delete AFTER DELETE ON observations BEGIN "
        "DELETE FROM observations_fts WHERE rowid = old.rowid; END"
    )
    op.execute(
        "CREATE TRIGGER observations_fts_update AFTER UPDATE OF text ON observations BEGIN "
        "DELETE FROM observations_fts WHERE rowid = old.rowid; "
        "INSERT INTO observations_fts(rowid, text) VALUES (new.rowid, ey_fold(new.text)); END"
    )
    op.execute(
        "INSERT INTO observations_fts(rowid, text) SELECT rowid, ey_fold(text) FROM observations"
    )


def downgrade() -> None:
    for trigger in _OLD_TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS observations_fts_{trigger}")
    op.execute("DROP TABLE IF EXISTS observations_fts")
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
    op.execute("INSERT INTO observations_fts(observations_fts) VALUES ('rebuild')")
