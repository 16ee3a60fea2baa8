"""the observation search index split by child into 16 shards

Revision ID: 0011
Revises: 0010

Erasing a child must take their words out of the contentless index, and only `optimize`
does that: it rewrites the whole index (3-8 s on the scale vault's 200,000 observations,
whatever the child's size). Split into 16 tables, `observations_fts_00` to
`observations_fts_15`, each observation's words in its child's shard (`ey_shard`, the CRC-32
of the child's id modulo 16, storage/search_index.py), an erasure optimises one sixteenth.
Each shard is the table revision 0004 made (folded text, prefix indexes of two and three
letters, deletes by rowid). Per shard, three triggers keep it in step: an insert, a delete,
and an update of the text or the child (which may move the row to another shard).

A row moved to another child's shard (a sync may correct the child an observation was written
against) is only marked deleted in the shard it leaves, whose pages keep its words until that
shard is optimised: `observations_fts_moves` remembers the shards each observation left
(rowid and shard, nothing else), and erasing the child it now belongs to owes those shards
too (`storage/search_index.py` `take_shards_holding`).

The shards are filled from the observations; the old index is dropped, with its words of
erased rows not yet merged (the pages it leaves are zeroed: `secure_delete`).
"""

from __future__ import annotations

from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

#: frozen with this revision: storage/search_index.py's SHARDS and shard_table
_SHARDS = 16
_OLD_TRIGGERS = ("insert", "delete", "update")


def _table(shard: int) -> str:
    return f"observations_fts_{shard:02d}"


def upgrade() -> None:
    _drop_single_index()
    # Each row's shard worked out once (a scan of the observations), not once per shard.
    op.execute(
        "CREATE TEMP TABLE observation_shards AS "
        "SELECT rowid AS observation_rowid, ey_shard(child_id) AS shard FROM observations"
    )
    op.execute("CREATE INDEX temp.observation_shards_by_shard ON observation_shards(shard)")
    op.execute(
        "CREATE TABLE observations_fts_moves ("
        "observation_rowid INTEGER NOT NULL, shard INTEGER NOT NULL, "
        "PRIMARY KEY (observation_rowid, shard)) WITHOUT ROWID"
    )
    op.execute(
        "CREATE TRIGGER observations_fts_moved AFTER UPDATE OF child_id ON observations "
        "WHEN ey_shard(old.child_id) != ey_shard(new.child_id) BEGIN "
        "INSERT OR IGNORE INTO observations_fts_moves(observation_rowid, shard) "
        "VALUES (old.rowid, ey_shard(old.child_id)); END"
    )
    for shard in range(_SHARDS):
        fts = _table(shard)
        op.execute(
            f"CREATE VIRTUAL TABLE {fts} USING fts5("
            "text, content='', contentless_delete=1, "
            "tokenize='unicode61 remove_diacritics 2', prefix='2 3')"
        )
        op.execute(
            f"CREATE TRIGGER {fts}_insert AFTER INSERT ON observations "
            f"WHEN ey_shard(new.child_id) = {shard} BEGIN "
            f"INSERT INTO {fts}(rowid, text) VALUES (new.rowid, ey_fold(new.text)); END"
        )
        op.execute(
            f"CREATE TRIGGER {fts}_delete AFTER DELETE ON observations "
            f"WHEN ey_shard(old.child_id) = {shard} BEGIN "
            f"DELETE FROM {fts} WHERE rowid = old.rowid; END"
        )
        # One trigger for both halves, so that within a shard the delete comes first.
        op.execute(
            f"CREATE TRIGGER {fts}_update AFTER UPDATE OF text, child_id ON observations "
            f"WHEN ey_shard(old.child_id) = {shard} OR ey_shard(new.child_id) = {shard} BEGIN "
            f"DELETE FROM {fts} WHERE rowid = old.rowid AND ey_shard(old.child_id) = {shard}; "
            f"INSERT INTO {fts}(rowid, text) SELECT new.rowid, ey_fold(new.text) "
            f"WHERE ey_shard(new.child_id) = {shard}; END"
        )
        op.execute(
            f"INSERT INTO {fts}(rowid, text) SELECT o.rowid, ey_fold(o.text) "
            "FROM observation_shards s JOIN observations o ON o.rowid = s.observation_rowid "
            f"WHERE s.shard = {shard} ORDER BY s.observation_rowid"
        )
    op.execute("DROP TABLE temp.observation_shards")


def downgrade() -> None:
    op.execute("DROP TRIGGER IF EXISTS observations_fts_moved")
    op.execute("DROP TABLE IF EXISTS observations_fts_moves")
    # revision 0010's app reads only "1" as a compaction owed: the whole index
    op.execute("UPDATE vault_settings SET value = '1' WHERE key = 'erasure_compact_pending'")
    for shard in range(_SHARDS):
        fts = _table(shard)
        for trigger in _OLD_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {fts}_{trigger}")
        op.execute(f"DROP TABLE IF EXISTS {fts}")
    # revision 0004's single index, filled again
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


def _drop_single_index() -> None:
    for trigger in _OLD_TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS observations_fts_{trigger}")
    op.execute("DROP TABLE IF EXISTS observations_fts")
