"""The strategy library service: the starter set at set-up, search, add and edit with their
refusals, and strategies from the local authority kept read-only."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import func, select

from earlyyears_desktop.domain.errors import ConflictError, ValidationError
from earlyyears_desktop.domain.models import ChangeLogEntry, Strategy, new_id
from earlyyears_desktop.domain.strategy_library import starter_strategies
from earlyyears_desktop.services.container import Services
from earlyyears_desktop.services.first_run import set_up
from earlyyears_desktop.services.strategies import (
    FROM_CENTRAL_READ_ONLY,
    CentralStrategyReadOnly,
    StrategyFilter,
    StrategyInput,
)

from ..fast_vaults import make_vault
from .conftest import FAST, PASSPHRASE

STARTER = len(starter_strategies())


@pytest.fixture(scope="module")
def team(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Services]:
    """An empty vault shared by the tests that add and edit (each with titles of its own)."""
    created = make_vault(tmp_path_factory.mktemp("team") / "vault")
    yield Services(created.vault)
    created.vault.lock()


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Services]:
    """A vault made by first-run set-up (so with the starter set), for tests that only read."""
    made = set_up(
        tmp_path_factory.mktemp("library") / "vault",
        team_name="Test Early Years Team",
        practitioner_name="Amira Haddad",
        role="group_leader",
        passphrase=PASSPHRASE,
        params=FAST,
    )
    yield made.unlocked.services
    made.unlocked.services.vault.lock()


def central_strategy(services: Services, title: str = "Objects of reference") -> str:
    """A strategy as a return bundle from the central service stores it."""
    strategy = Strategy(
        id=new_id(),
        version=1,
        title=title,
        area_of_need="communication_and_interaction",
        from_central=True,
    )
    with services.uow.write(applying_sync=True) as tx:
        tx.session.add(strategy)
    return strategy.id


def test_first_run_set_up_gives_the_starter_set_with_change_log_entries(
    library: Services,
) -> None:
    rows = library.strategies.find()
    assert len(rows) == STARTER and library.strategies.starter_set_missing() == 0
    assert not any(r.from_central for r in rows)
    with library.uow.read() as session:
        logged = session.scalar(
            select(func.count())
            .select_from(ChangeLogEntry)
            .where(ChangeLogEntry.entity == "strategy")
        )
    assert logged == STARTER  # each one syncs like any strategy written here
    board = next(r for r in rows if r.title == "Now and next board")
    assert board.area_label == "Communication and interaction"
    assert "visual support" in board.tags and board.try_at_home.startswith("Take two photos")


def test_search_folds_case_and_accents_and_reads_every_field(library: Services) -> None:
    find = library.strategies.find
    titles = [r.title for r in find(StrategyFilter(text="SÁND tÌmer"))]
    assert titles == ["Sand timer for turns"]
    # words from the "try at home" wording, in any order
    assert [r.title for r in find(StrategyFilter(text="bubbles smile"))] == [
        "Ready, steady... wait"
    ]
    # a tag's words are searched too, and a tag filter finds exactly its strategies
    slept = find(StrategyFilter(tag="Sleep"))
    assert [r.title for r in slept] == ["A calm bedtime routine"]
    assert find(StrategyFilter(text="sleep"))[0].title == "A calm bedtime routine"
    assert find(StrategyFilter(text="no such words here")) == []
    eating = find(StrategyFilter(tag="eating", area_of_need="sensory_physical"))
    assert {r.title for r in eating} == {
        "Messy play little and often",
        "A steady seat",
        "New foods without pressure",
    }
    assert "eating" in library.strategies.tags() and "sleep" in library.strategies.tags()
    titles = [r.title.casefold() for r in find()]
    assert titles == sorted(titles)


def test_add_validates_and_normalises_tags(team: Services) -> None:
    strategies, services = team.strategies, team
    with pytest.raises(ValidationError) as no_title:
        strategies.add(StrategyInput(title="   "))
    assert no_title.value.field == "title"
    with pytest.raises(ValidationError) as bad_area:
        strategies.add(StrategyInput(title="Bubbles", area_of_need="speech"))
    assert bad_area.value.field == "area_of_need"
    with pytest.raises(ValidationError) as long_tag:
        strategies.add(StrategyInput(title="Bubbles", tags="x" * 41))
    assert long_tag.value.field == "tags"
    saved = strategies.add(
        StrategyInput(
            title=" Zoë's bubble routine ",
            practitioner_wording="Blow bubbles at the start of each session.",
            tags=" Routines ,Visual   Support,, routines,",
        )
    )
    assert saved.changes.ids("strategy") == {saved.id}
    row = strategies.get(saved.id)
    assert row.title == "Zoë's bubble routine" and row.area_of_need == ""
    assert row.tags == ("routines", "visual support") and row.source == "Written by your team"
    with services.uow.read() as session:
        assert session.get(Strategy, saved.id).tags == "routines,visual support"  # type: ignore[union-attr]
    # "zoe" finds "Zoë"; the same title twice is refused, whatever its case or accents
    assert [r.id for r in strategies.find(StrategyFilter(text="zoe"))] == [saved.id]
    with pytest.raises(ValidationError) as twice:
        strategies.add(StrategyInput(title="ZOE'S BUBBLE ROUTINE"))
    assert twice.value.field == "title"


def test_edit_changes_own_strategies_and_refuses_central_ones(team: Services) -> None:
    strategies, services = team.strategies, team
    own = strategies.add(StrategyInput(title="Bubbles", tags="play")).id
    version = strategies.get(own).version
    saved = strategies.edit(
        own,
        StrategyInput(
            title="Bubbles at the start",
            area_of_need="communication_and_interaction",
            try_at_home="Blow bubbles with your child.",
            tags="Play, Anticipation",
        ),
        expected_version=version,
    )
    assert saved.changes.ids("strategy") == {own}
    row = strategies.get(own)
    assert row.title == "Bubbles at the start" and row.tags == ("play", "anticipation")
    with pytest.raises(ConflictError):
        strategies.edit(own, StrategyInput(title="Bubbles again"), expected_version=version)
    with pytest.raises(ValidationError) as empty:
        strategies.edit(own, StrategyInput(title=""))
    assert empty.value.field == "title" and strategies.get(own).title == "Bubbles at the start"

    central = central_strategy(services)
    row = strategies.get(central)
    assert row.from_central and row.source == "The local authority"
    with pytest.raises(CentralStrategyReadOnly) as refused:
        strategies.edit(central, StrategyInput(title="Objects of reference, changed"))
    assert refused.value.message == FROM_CENTRAL_READ_ONLY
    assert strategies.get(central).title == "Objects of reference"
    # another strategy may not take a title already in the library, central or not
    with pytest.raises(ValidationError):
        strategies.edit(own, StrategyInput(title="objects of reference"))


def test_the_starter_set_is_added_once_and_only_what_is_missing(services: Services) -> None:
    """A vault made without it (as before the starter set existed) starts empty; the
    Strategies page's offer adds what is missing, once."""
    strategies = services.strategies
    assert strategies.find() == [] and strategies.tags() == []
    assert strategies.count() == 0 and strategies.starter_set_missing() == STARTER
    strategies.add(StrategyInput(title="now and NEXT board", tags="mine"))  # our own wording
    central_strategy(services, "Sand timer for turns")
    saved = strategies.add_starter_set()
    assert len(saved.value) == STARTER - 2
    assert saved.changes.ids("strategy") == set(saved.value)
    assert strategies.count() == STARTER and strategies.starter_set_missing() == 0
    again = strategies.add_starter_set()
    assert again.value == () and not again.changes
    mine = strategies.find(StrategyFilter(text="now and next"))
    assert [(r.title, r.tags) for r in mine] == [("now and NEXT board", ("mine",))]


def test_the_demo_agrees_starter_strategies_with_its_children(demo_services: Services) -> None:
    from earlyyears_desktop.domain.models import ChildStrategy

    assert demo_services.strategies.starter_set_missing() == 0
    with demo_services.uow.read() as session:
        used = set(session.scalars(select(ChildStrategy.strategy_id)))
    titles = {demo_services.strategies.get(i).title for i in used if i}
    assert titles and titles <= {s.title for s in starter_strategies()}


@pytest.fixture
def demo_services(demo: object) -> Services:
    return demo.services  # type: ignore[attr-defined, no-any-return]


def test_a_strategy_from_the_central_roster_is_marked_as_from_the_local_authority() -> None:
    import datetime as dt

    from earlyyears_desktop.central.roster import complete_data

    now = dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.UTC)
    assert complete_data("strategy", {"title": "Objects of reference"}, False, now)["from_central"]
    assert complete_data("strategy", {"title": "X", "from_central": False}, False, now)[
        "from_central"
    ]
