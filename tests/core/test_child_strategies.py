"""Strategies agreed with a child's family: from the library or written for the child, who
agreed them and when, how they are going, and stopping one with a reason."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from earlyyears_desktop.domain.enums import AreaOfNeed, StrategyProgress
from earlyyears_desktop.domain.errors import NotFound, ValidationError
from earlyyears_desktop.domain.models import Strategy
from earlyyears_desktop.services.child_strategies import OwnStrategy
from earlyyears_desktop.services.children import ChildInput
from earlyyears_desktop.services.container import Services
from earlyyears_desktop.services.unit_of_work import mark_deleted

from ..fast_vaults import make_vault
from ..strategy_library import add_library_strategy

TODAY = dt.date(2026, 11, 25)
BORN = dt.date(2023, 3, 14)


@dataclass
class Library:
    services: Services
    now_and_next: str
    bubbles: str


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Library]:
    """One cheap vault for the module; each test agrees strategies for its own child."""
    created = make_vault(tmp_path_factory.mktemp("child-strategies") / "vault")
    services = Services(created.vault, today=lambda: TODAY)
    try:
        yield Library(
            services,
            add_library_strategy(
                services,
                "Now and next board",
                "Show two pictures: what is happening now, and what comes next.",
                area_of_need=AreaOfNeed.SOCIAL_EMOTIONAL_MENTAL_HEALTH.value,
            ),
            add_library_strategy(services, "Ready, steady… go!", "Pause before 'go'."),
        )
    finally:
        created.vault.lock()


def _child(services: Services, name: str = "Zoë") -> str:
    return services.children.create_child(ChildInput(name, "Adeyemi", BORN)).id


def test_agree_from_the_library(library: Library) -> None:
    services = library.services
    child = _child(services)
    saved = services.child_strategies.agree(
        child, library.now_and_next, agreed_with="Mum (Amira)", agreed_on=TODAY
    )
    assert saved.changes.ids("child_strategy") == {saved.id}
    (row,) = services.child_strategies.for_child(child)
    assert row.id == saved.id and row.strategy_id == library.now_and_next and not row.own
    assert row.title == "Now and next board"
    assert row.area_of_need == AreaOfNeed.SOCIAL_EMOTIONAL_MENTAL_HEALTH.value
    assert row.try_at_home.startswith("Show two pictures")
    assert (row.agreed_with, row.agreed_on) == ("Mum (Amira)", TODAY)
    assert row.agreed_by_name == "Amira Haddad"  # who unlocked
    assert row.progress == StrategyProgress.NOT_STARTED.value and row.active
    assert not row.from_central and row.notes == ()


def test_agree_one_written_for_the_child_never_a_library_row(library: Library) -> None:
    services = library.services
    child = _child(services)
    before = {c.id for c in services.strategies.find()}
    saved = services.child_strategies.agree(
        child,
        None,
        agreed_with="Grandad",
        own=OwnStrategy(
            "  Tummy time with the mirror ",
            AreaOfNeed.SENSORY_PHYSICAL.value,
            "Five minutes prone on the mat with the mirror at eye level.",
            "Put a mirror on the floor and lie down together, face to face.",
        ),
    )
    assert "strategy" not in saved.changes.records
    assert {c.id for c in services.strategies.find()} == before
    (row,) = services.child_strategies.for_child(child)
    assert row.own and row.strategy_id is None
    assert row.title == "Tummy time with the mirror"
    assert row.try_at_home == "Put a mirror on the floor and lie down together, face to face."
    assert row.agreed_on == TODAY  # the clock's day unless given


def test_the_same_library_strategy_is_refused_while_it_is_active(library: Library) -> None:
    service = library.services.child_strategies
    child = _child(library.services)
    first = service.agree(child, library.bubbles, agreed_with="Dad").id
    with pytest.raises(ValidationError) as refused:
        service.agree(child, library.bubbles, agreed_with="Mum")
    assert refused.value.field == "strategy"
    assert "already agreed" in refused.value.message
    # Another child may have it; and once stopped, it may be agreed again.
    service.agree(_child(library.services, "Kuba"), library.bubbles, agreed_with="Mum")
    service.stop(first, "Tried for six weeks; not motivating now.")
    again = service.agree(child, library.bubbles, agreed_with="Mum").id
    assert [r.id for r in service.for_child(child)] == [again, first]


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"agreed_with": "  "}, "agreed_with"),
        ({"agreed_with": "Mum", "agreed_on": TODAY + dt.timedelta(days=1)}, "agreed_on"),
        ({"agreed_with": "Mum", "agreed_on": BORN - dt.timedelta(days=1)}, "agreed_on"),
        ({"agreed_with": "Mum", "strategy_id": None}, "strategy"),
        ({"agreed_with": "Mum", "own": OwnStrategy("  ")}, "title"),
        ({"agreed_with": "Mum", "own": OwnStrategy("Bubbles", "tall")}, "area_of_need"),
    ],
)
def test_agreeing_is_refused_beside_the_field(
    library: Library, kwargs: dict[str, object], field: str
) -> None:
    service = library.services.child_strategies
    child = _child(library.services)
    strategy_id = kwargs.pop("strategy_id", library.now_and_next)
    if "own" in kwargs:
        strategy_id = None
    with pytest.raises(ValidationError) as refused:
        service.agree(child, strategy_id, **kwargs)  # type: ignore[arg-type]
    assert refused.value.field == field
    assert service.for_child(child) == []


def test_agreeing_for_a_missing_child_or_strategy(library: Library) -> None:
    service = library.services.child_strategies
    with pytest.raises(NotFound):
        service.agree("no-such-child", library.bubbles, agreed_with="Mum")
    with pytest.raises(NotFound):
        service.agree(_child(library.services), "no-such-strategy", agreed_with="Mum")


def test_progress_notes_keep_their_history_newest_first(library: Library) -> None:
    service = library.services.child_strategies
    child = _child(library.services)
    link = service.agree(
        child, library.now_and_next, agreed_with="Mum", agreed_on=TODAY - dt.timedelta(days=30)
    ).id
    first = TODAY - dt.timedelta(days=20)
    service.note_progress(link, StrategyProgress.SOME_PROGRESS.value, "Looks at the board.", first)
    latest = service.note_progress(
        link, StrategyProgress.GOING_WELL.value, "Points to 'next' herself.", TODAY
    )
    assert latest.changes.ids("child_strategy_note") == {latest.id}
    assert latest.changes.ids("child_strategy") == {link}
    # A note about an earlier day is kept, but the newest note says how it is going now.
    service.note_progress(link, StrategyProgress.NOT_WORKING.value, "", first)
    (row,) = service.for_child(child)
    assert row.progress == StrategyProgress.GOING_WELL.value
    assert row.started_on == first
    assert [(n.noted_on, n.progress, n.note) for n in row.notes] == [
        (TODAY, "going_well", "Points to 'next' herself."),
        (first, "not_working", ""),  # same day: the one noted later first
        (first, "some_progress", "Looks at the board."),
    ]
    assert {n.author_name for n in row.notes} == {"Amira Haddad"}


@pytest.mark.parametrize(
    ("progress", "days", "field"),
    [
        (StrategyProgress.STOPPED.value, 0, "progress"),
        ("brilliant", 0, "progress"),
        (StrategyProgress.GOING_WELL.value, 1, "noted_on"),
        (StrategyProgress.GOING_WELL.value, -40, "noted_on"),  # before it was agreed
    ],
)
def test_a_progress_note_is_refused_beside_the_field(
    library: Library, progress: str, days: int, field: str
) -> None:
    service = library.services.child_strategies
    child = _child(library.services)
    link = service.agree(
        child, library.bubbles, agreed_with="Mum", agreed_on=TODAY - dt.timedelta(days=30)
    ).id
    with pytest.raises(ValidationError) as refused:
        service.note_progress(link, progress, "", TODAY + dt.timedelta(days=days))
    assert refused.value.field == field
    assert service.for_child(child)[0].notes == ()


def test_stopping_needs_a_reason_and_lists_it_after_the_active_ones(library: Library) -> None:
    service = library.services.child_strategies
    child = _child(library.services)
    stopped = service.agree(
        child, library.bubbles, agreed_with="Mum", agreed_on=TODAY - dt.timedelta(days=9)
    ).id
    active = service.agree(
        child, library.now_and_next, agreed_with="Mum", agreed_on=TODAY - dt.timedelta(days=10)
    ).id
    with pytest.raises(ValidationError) as refused:
        service.stop(stopped, "   ")
    assert refused.value.field == "stop_reason"
    with pytest.raises(ValidationError) as refused:
        service.stop(stopped, "Done", TODAY + dt.timedelta(days=1))
    assert refused.value.field == "stopped_on"
    with pytest.raises(ValidationError) as refused:
        service.stop(stopped, "Done", TODAY - dt.timedelta(days=10))
    assert refused.value.field == "stopped_on"

    service.stop(stopped, "Zoë now asks for 'go' herself.", TODAY)
    rows = service.for_child(child)
    assert [r.id for r in rows] == [active, stopped]  # active first, though agreed earlier
    assert (rows[1].progress, rows[1].stopped_on) == ("stopped", TODAY)
    assert rows[1].stop_reason == "Zoë now asks for 'go' herself." and not rows[1].active
    with pytest.raises(ValidationError):
        service.stop(stopped, "again")
    with pytest.raises(ValidationError):
        service.note_progress(stopped, StrategyProgress.GOING_WELL.value)


def test_the_local_authoritys_strategy_and_one_since_removed_from_the_library(
    library: Library,
) -> None:
    """A strategy sent by the central service is marked; one deleted from the library since
    stays on the child's record, named as removed."""
    services = library.services
    central = add_library_strategy(services, "Objects of reference", "Show the cup first.")
    gone = add_library_strategy(services, "Old idea", "Something we no longer suggest.")
    child = _child(services)
    for strategy_id in (central, gone):
        services.child_strategies.agree(child, strategy_id, agreed_with="Mum")
    with services.uow.write() as tx:  # as a return bundle and a deletion would leave them
        tx.session.get_one(Strategy, central).from_central = True
        mark_deleted(tx.session, Strategy, gone)
    rows = {r.strategy_id: r for r in services.child_strategies.for_child(child)}
    assert rows[central].from_central and rows[central].title == "Objects of reference"
    assert rows[gone].title == "A strategy since removed from the library"
    assert rows[gone].try_at_home == "" and not rows[gone].from_central
