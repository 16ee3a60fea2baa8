"""The observations' search index split by child (storage/search_index.py, revision 0011):
each observation's words are in its child's shard and only there, a search reads every
shard and merges them newest first, and an erasure owes the optimisation of its child's
shard alone."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import text

from earlyyears_desktop.domain.enums import ErasureReason
from earlyyears_desktop.domain.models import VaultSetting
from earlyyears_desktop.services.children import ChildInput
from earlyyears_desktop.services.container import Services
from earlyyears_desktop.services.observation_rules import ObservationValues
from earlyyears_desktop.services.observation_search import ObservationQuery
from earlyyears_desktop.services.observations import ObservationInput
from earlyyears_desktop.storage import migrations
from earlyyears_desktop.storage.engine import connect
from earlyyears_desktop.storage.search_index import SHARDS, shard_of, shard_table, shard_tables

from .conftest import TODAY, VaultUnderTest, downgrade
from .test_erasure import _plaintext

#: the names of the setting saying a compaction is owed, as a vault stores it
PENDING = "erasure_compact_pending"
GIVEN = ("Aroha", "Björn", "Chiamaka", "Dương", "Eilís", "Farrukh", "Gülşen", "Hōkū")


def test_a_childs_shard_never_changes() -> None:
    # Vaults already hold rows where these put them: the rule is part of the file format.
    ids = ("", "child-1", "5f0c8a64-1d5e-4c47-9b7a-3f8e2c1d9a10", "Đạt-ü")
    assert [shard_of(i) for i in ids] == [0, 15, 12, 15]
    assert shard_table(7) == "observations_fts_07"
    assert shard_tables() == tuple(f"observations_fts_{n:02d}" for n in range(SHARDS))
    with pytest.raises(ValueError):
        shard_table(SHARDS)


def test_the_vault_has_one_table_per_shard(fresh: VaultUnderTest) -> None:
    with fresh.vault.engine.connect() as conn:
        tables = set(
            conn.execute(
                text("SELECT name FROM sqlite_master WHERE sql LIKE 'CREATE VIRTUAL TABLE%'")
            ).scalars()
        )
    assert tables == set(shard_tables())


def _children_in_different_shards(services: Services, how_many: int) -> list[str]:
    """New children, each in a shard none of the others is in."""
    found: dict[int, str] = {}
    for n in range(200):
        child_id = services.children.create_child(
            ChildInput(GIVEN[n % len(GIVEN)], f"Shard {n}", dt.date(2023, 2, 28))
        ).id
        found.setdefault(shard_of(child_id), child_id)
        if len(found) == how_many:
            return list(found.values())
    raise AssertionError("200 children in fewer shards than asked for")


def _shards_holding(services: Services, word: str) -> dict[int, list[int]]:
    with services.uow.read() as session:
        held = {
            shard: list(
                session.execute(
                    text(f"SELECT rowid FROM {fts} WHERE {fts} MATCH :w"), {"w": word}
                ).scalars()
            )
            for shard, fts in enumerate(shard_tables())
        }
    return {shard: rowids for shard, rowids in held.items() if rowids}


def _rowid(services: Services, observation_id: str) -> int:
    with services.uow.read() as session:
        return int(
            session.execute(
                text("SELECT rowid FROM observations WHERE id = :i"), {"i": observation_id}
            ).scalar_one()
        )


def test_words_are_in_their_childs_shard_and_follow_the_observation(
    fresh: VaultUnderTest, tmp_path: Path
) -> None:
    services = fresh.services
    first, second = _children_in_different_shards(services, 2)
    written = services.observations.add(
        ObservationInput(first, "Stacked the zephyrquince cups", TODAY)
    ).id
    rowid = _rowid(services, written)
    assert _shards_holding(services, "zephyrquince") == {shard_of(first): [rowid]}

    # an edit re-indexes the text in the same shard
    services.observations.edit(
        written, ObservationValues("Stacked the umberlark cups", TODAY), "better word"
    )
    assert _shards_holding(services, "zephyrquince") == {}
    assert _shards_holding(services, "umberlark") == {shard_of(first): [rowid]}

    # written against the wrong child and moved (as a sync may bring it): the words move
    with services.uow.engine.begin() as conn:
        conn.execute(
            text("UPDATE observations SET child_id = :c WHERE id = :i"), {"c": second, "i": written}
        )
    assert _shards_holding(services, "umberlark") == {shard_of(second): [rowid]}
    found = services.observation_search.find(ObservationQuery("umberlark", child_id=second))
    assert [h.id for h in found.hits] == [written]
    assert (
        services.observation_search.find(ObservationQuery("umberlark", child_id=first)).hits == ()
    )

    # erased with the child, it leaves every shard, and both shards are owed a merge: the
    # one it left still holds its words, marked deleted
    services.erasure.erase_child(second, ErasureReason.RECORDED_IN_ERROR, compact=False)
    assert _shards_holding(services, "umberlark") == {}
    assert _pending(services) == str(sorted([shard_of(first), shard_of(second)]))
    assert b"umberlark" in _plaintext(fresh.vault, tmp_path / "before.db")
    assert services.erasure.compact()
    assert b"umberlark" not in _plaintext(fresh.vault, tmp_path / "after.db")
    with services.uow.read() as session:
        moves = session.execute(text("SELECT count(*) FROM observations_fts_moves")).scalar()
    assert moves == 0


def test_a_search_merges_the_shards_newest_written_first(fresh: VaultUnderTest) -> None:
    services = fresh.services
    children = _children_in_different_shards(services, 4)
    written = [
        services.observations.add(
            ObservationInput(children[n % 4], f"Played with the xylobrook drum, turn {n}", TODAY)
        ).id
        for n in range(10)
    ]
    assert len(_shards_holding(services, "xylobrook")) == 4
    # one day, no times: the order they were written in, newest first
    everything = services.observation_search.find(ObservationQuery("xylobrook"))
    assert [h.id for h in everything.hits] == written[::-1] and not everything.more
    # the limit takes the newest across every shard, and says there are more
    newest = services.observation_search.find(ObservationQuery("xylobrook"), limit=3)
    assert [h.id for h in newest.hits] == written[:-4:-1] and newest.more
    # a word longer than the prefix indexes is expanded from every shard's words
    assert len(services.observation_search.find(ObservationQuery("xylob")).hits) == 10
    assert services.observation_search.find(ObservationQuery("xylobx")).hits == ()

    # The newest match deleted: the newest of the shards' matches are no longer all live,
    # and each shard's are read until the limit (or every match at once, when few).
    services.observations.delete(written[-1], "Wrong child")
    newest = services.observation_search.find(ObservationQuery("xylobrook"), limit=3)
    assert [h.id for h in newest.hits] == written[-2:-5:-1] and newest.more
    everything = services.observation_search.find(ObservationQuery("xylobrook"))
    assert [h.id for h in everything.hits] == written[-2::-1] and not everything.more
    # two shown: the three newest matches are read (two shards hold three), one is not
    # live, and the shards are read again to know whether there are more
    two = services.observation_search.find(ObservationQuery("xylobrook"), limit=2)
    assert [h.id for h in two.hits] == written[-2:-4:-1] and two.more
    assert services.observations.search("xylobrook")[0].id == written[-2]


def _pending(services: Services) -> str | None:
    with services.uow.read() as session:
        row = session.get(VaultSetting, PENDING)
        return row.value if row is not None else None


def _erase_with_a_word(services: Services, child_id: str, word: str) -> None:
    services.observations.add(ObservationInput(child_id, f"Found the {word} shell", TODAY))
    services.erasure.erase_child(child_id, ErasureReason.FAMILY_REQUEST, compact=False)


def test_an_erasure_owes_its_childs_shard_and_the_compaction_clears_it(
    fresh: VaultUnderTest, tmp_path: Path
) -> None:
    services = fresh.services
    first, second = _children_in_different_shards(services, 2)
    _erase_with_a_word(services, first, "quillorchestra")
    assert _pending(services) == f"[{shard_of(first)}]"
    _erase_with_a_word(services, second, "lanternmarmot")
    assert _pending(services) == str(sorted([shard_of(first), shard_of(second)]))
    # until the shards are merged, their pages still hold the erased words
    before = _plaintext(fresh.vault, tmp_path / "before.db")
    assert b"quillorchestra" in before and b"lanternmarmot" in before

    assert services.erasure.compact()
    assert _pending(services) is None and not services.erasure.compact_pending()
    after = _plaintext(fresh.vault, tmp_path / "after.db")
    assert b"quillorchestra" not in after and b"lanternmarmot" not in after


def test_a_compaction_owed_before_the_shards_merges_them_all(
    fresh: VaultUnderTest, tmp_path: Path
) -> None:
    services = fresh.services
    (child_id,) = _children_in_different_shards(services, 1)
    _erase_with_a_word(services, child_id, "ochrewhistle")
    # what an app before revision 0011 wrote: "1", the whole index
    with services.uow.engine.begin() as conn:
        conn.execute(text("UPDATE vault_settings SET value = '1' WHERE key = :k"), {"k": PENDING})
    assert services.erasure.compact_if_pending()
    assert not services.erasure.compact_pending()
    assert b"ochrewhistle" not in _plaintext(fresh.vault, tmp_path / "after.db")


@pytest.mark.parametrize(
    ("begin", "merged"),
    [
        # the shard is merged, but the reader keeps the log's old frames: the vacuum is owed
        ("BEGIN", True),
        # nothing could start: the shard is owed still
        ("BEGIN IMMEDIATE", False),
    ],
    ids=["another reader", "another writer"],
)
def test_a_compaction_held_up_keeps_what_is_still_owed(
    fresh: VaultUnderTest, begin: str, merged: bool
) -> None:
    services = fresh.services
    (child_id,) = _children_in_different_shards(services, 1)
    _erase_with_a_word(services, child_id, "saffronkestrel")
    other = connect(fresh.vault.paths.database, fresh.vault._data_key())
    try:
        other.execute(begin)
        other.execute("SELECT count(*) FROM children").fetchall()
        assert not services.erasure.compact()
        assert _pending(services) == ("[]" if merged else f"[{shard_of(child_id)}]")
    finally:
        other.close()
    assert services.erasure.compact_if_pending() and _pending(services) is None


def test_an_upgrade_fills_the_shards_and_a_downgrade_gives_one_index_back(
    fresh: VaultUnderTest,
) -> None:
    services = fresh.services
    first, second = _children_in_different_shards(services, 2)
    ids = [
        services.observations.add(ObservationInput(c, "Painted a vermilionheron", TODAY)).id
        for c in (first, second)
    ]
    _erase_with_a_word(services, _children_in_different_shards(services, 1)[0], "tealbadger")
    assert _pending(services) not in (None, "1")
    downgrade(fresh.vault, "0010")
    # the app of revision 0010 reads "1" as a compaction owed (of its single index)
    assert _pending(services) == "1"
    with fresh.vault.engine.connect() as conn:
        assert (
            conn.execute(
                text("SELECT count(*) FROM observations_fts WHERE observations_fts MATCH :w"),
                {"w": "vermilionheron"},
            ).scalar()
            == 2
        )
        names = set(conn.execute(text("SELECT name FROM sqlite_master")).scalars())
    assert not names & set(shard_tables())
    services = fresh.reopen()
    assert migrations.current_revision(services.vault.engine) == migrations.head_revision()
    assert set(_shards_holding(services, "vermilionheron")) == {shard_of(first), shard_of(second)}
    found = services.observation_search.find(ObservationQuery("vermilion"))
    assert {h.id for h in found.hits} == set(ids)
    with services.vault.engine.connect() as conn:
        assert "observations_fts" not in set(
            conn.execute(text("SELECT name FROM sqlite_master")).scalars()
        )


def test_the_shard_function_is_on_every_vault_connection(fresh: VaultUnderTest) -> None:
    raw = connect(fresh.vault.paths.database, fresh.vault._data_key())
    try:
        assert raw.execute("SELECT ey_shard('child-1')").fetchone()[0] == shard_of("child-1")
        assert raw.execute("SELECT ey_shard(NULL)").fetchone()[0] is None
    finally:
        raw.close()
