"""The observations' full-text index, split by child into shards.

The index is contentless FTS5 (storage revisions 0004 and 0011): deleting a row only marks it
gone, and its words stay in the index's pages until the index is merged. Erasing a child
must remove those words, and FTS5's `optimize` merges a whole index: 3-8 s for one index of
the scale vault's 200,000 observations, whatever the child's size. So the index is
`SHARDS` tables, `observations_fts_00` to `observations_fts_15`, and each observation's
words go to its child's shard (`shard_of`): an erasure optimises that one table, a
sixteenth of the index.

`shard_of` decides where rows already are: it must never change (a vault made with one
rule and read with another would search the wrong shard). Every vault connection registers
it as the SQL function `ey_shard`, which the index's triggers call (`storage/engine.py`).

An observation moved to another child (its `child_id` changed, as a sync may) moves to that
child's shard, and the shard it left keeps its words, marked deleted, until that shard is
optimised: `observations_fts_moves` (rowid, shard) remembers it, and `take_shards_holding`
tells an erasure which shards hold words of the observations it erases.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable

from sqlalchemy import bindparam, text
from sqlalchemy.orm import Session

#: how many tables the index is split into (revision 0011 made this many)
SHARDS = 16


def shard_of(child_id: str) -> int:
    """The shard holding the words of this child's observations (CRC-32 of the id: stable
    across versions and machines, and even for ids that are not UUIDs)."""
    return zlib.crc32(child_id.encode("utf-8")) % SHARDS


def shard_table(shard: int) -> str:
    """The FTS5 table of one shard."""
    if not 0 <= shard < SHARDS:
        raise ValueError(f"no search index shard {shard}")
    return f"observations_fts_{shard:02d}"


def shard_tables() -> tuple[str, ...]:
    """Every shard's table, in shard order."""
    return tuple(shard_table(shard) for shard in range(SHARDS))


def take_shards_holding(session: Session, observation_ids: Iterable[str]) -> set[int]:
    """The shards holding words of these observations: each one's child's shard, and any
    shard it left when it moved to another child (those moves forgotten as they are told).
    Call it in the erasure's transaction, before the rows go: it owes their optimisation."""
    wanted = sorted(set(observation_ids))
    shards: set[int] = set()
    for start in range(0, len(wanted), _CHUNK):
        chunk = {"ids": wanted[start : start + _CHUNK]}
        shards.update(session.execute(_CURRENT_SHARDS, chunk).scalars())
        shards.update(session.execute(_SHARDS_LEFT, chunk).scalars())
    return shards


_CHUNK = 500
_CURRENT_SHARDS = text(
    "SELECT DISTINCT ey_shard(child_id) FROM observations WHERE id IN :ids"
).bindparams(bindparam("ids", expanding=True))
_SHARDS_LEFT = text(
    "DELETE FROM observations_fts_moves WHERE observation_rowid IN "
    "(SELECT rowid FROM observations WHERE id IN :ids) RETURNING shard"
).bindparams(bindparam("ids", expanding=True))


__all__ = ["SHARDS", "shard_of", "shard_table", "shard_tables", "take_shards_holding"]
