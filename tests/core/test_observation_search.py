"""Finding observations (services/observation_search.py): folded words both ways, each filter,
filters without words, highlight spans on the original text, a snippet of a very long text,
deleted observations and children left out. One small vault for the module: the tests read."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from earlyyears_desktop.domain.enums import AreaOfNeed, ObservationContext, Role
from earlyyears_desktop.domain.errors import ValidationError
from earlyyears_desktop.domain.models import Child, Observation
from earlyyears_desktop.services.children import ChildInput
from earlyyears_desktop.services.clock import Clock
from earlyyears_desktop.services.container import Services
from earlyyears_desktop.services.observation_search import (
    ObservationQuery,
    ObservationSearch,
    highlight_spans,
    snippet_of,
)
from earlyyears_desktop.services.observations import ObservationInput, ObservationService
from earlyyears_desktop.services.unit_of_work import Actor, UnitOfWork, mark_deleted

from ..fast_vaults import make_vault

TODAY = dt.date(2026, 11, 25)
COMMS = AreaOfNeed.COMMUNICATION_AND_INTERACTION.value
SENSORY = AreaOfNeed.SENSORY_PHYSICAL.value
LONG_WORDS = 20_000


@dataclass
class World:
    services: Services
    search: ObservationSearch
    zoe: str
    tom: str
    gone_child: str
    amira: str
    deepa: str
    ids: dict[str, str]


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    created = make_vault(tmp_path_factory.mktemp("search") / "vault")
    services = Services(created.vault, clock=Clock.fixed(TODAY))
    children = services.children
    zoe = children.create_child(ChildInput("Zoë Amélie", "Brontë", dt.date(2023, 5, 1))).id
    tom = children.create_child(
        ChildInput("Thomas", "Okafor", dt.date(2022, 9, 3), preferred_name="Tom")
    ).id
    gone = children.create_child(ChildInput("Gwen", "Hughes", dt.date(2023, 1, 9))).id
    amira = created.vault.practitioner_id or ""
    deepa = services.practitioners.add("Deepa Nair", Role.PORTAGE_WORKER.value).id
    by_deepa = ObservationService(
        UnitOfWork(created.vault.engine, Actor(deepa, created.vault.device_id)),
        Clock.fixed(TODAY),
    )
    add = services.observations.add
    ids = {
        "tower": add(
            ObservationInput(
                zoe,
                "Zoë built a tower of five bricks and counted them.",
                TODAY - dt.timedelta(days=3),
                dt.time(9, 30),
                ObservationContext.SESSION.value,
                area_of_need=COMMS,
            )
        ).id,
        "swing": by_deepa.add(
            ObservationInput(
                tom,
                "Tom asked zoe for a turn on the swing, then waited.",
                TODAY - dt.timedelta(days=1),
                None,
                ObservationContext.HOME_VISIT.value,
                area_of_need=SENSORY,
            )
        ).id,
        "late": add(
            # written last, about an earlier day: shown by the day it was seen
            ObservationInput(
                tom,
                "Tom stacked the tower cups, then knocked them over, laughing.",
                TODAY - dt.timedelta(days=10),
                dt.time(11, 0),
                ObservationContext.SETTING.value,
                area_of_need=COMMS,
            )
        ).id,
        "long": add(
            ObservationInput(
                zoe,
                " ".join(["sand"] * (LONG_WORDS // 2))
                + " then the PARACHUTE went up and "
                + " ".join(["water"] * (LONG_WORDS // 2)),
                TODAY - dt.timedelta(days=2),
                None,
                ObservationContext.OTHER.value,
            )
        ).id,
        "deleted": add(
            ObservationInput(zoe, "Zoë painted a tower in red.", TODAY, dt.time(10, 0))
        ).id,
        "gone_child": add(ObservationInput(gone, "Gwen climbed the tower frame.", TODAY)).id,
    }
    with services.uow.write() as tx:
        mark_deleted(tx.session, Observation, ids["deleted"])
        mark_deleted(tx.session, Child, gone)
    yield World(services, services.observation_search, zoe, tom, gone, amira, deepa, ids)
    created.vault.lock()


def found(world: World, **query: object) -> list[str]:
    ids = {v: k for k, v in world.ids.items()}
    return [ids[h.id] for h in world.search.find(ObservationQuery(**query)).hits]  # type: ignore[arg-type]


def test_diacritics_fold_both_ways(world: World) -> None:
    assert set(found(world, text="zoe")) == {"tower", "swing"}
    assert set(found(world, text="ZOË")) == {"tower", "swing"}
    hit = next(
        h
        for h in world.search.find(ObservationQuery(text="zoe")).hits
        if h.id == world.ids["tower"]
    )
    # "Zoë" is highlighted as it was written, accent and all
    assert [hit.snippet[a:b] for a, b in hit.spans] == ["Zoë"]
    swing = next(
        h
        for h in world.search.find(ObservationQuery(text="Zoë")).hits
        if h.id == world.ids["swing"]
    )
    assert [swing.snippet[a:b] for a, b in swing.spans] == ["zoe"]


def test_every_word_must_start_a_word_and_each_is_highlighted(world: World) -> None:
    assert found(world, text="tow") == ["tower", "late"]  # newest observed first
    assert found(world, text="tower zoe") == ["tower"]
    assert found(world, text="ower") == []
    hit = world.search.find(ObservationQuery(text="tow bri")).hits[0]
    assert [hit.snippet[a:b] for a, b in hit.spans] == ["tower", "bricks"]


def test_results_are_newest_observed_first_with_their_details(world: World) -> None:
    results = world.search.find(ObservationQuery())
    assert [h.id for h in results.hits] == [
        world.ids[k] for k in ("swing", "long", "tower", "late")
    ]
    assert not results.more and results.limit > 4
    swing = results.hits[0]
    assert swing.child_name == "Tom Okafor"  # the preferred name
    assert swing.author_name == "Deepa Nair" and swing.author_id == world.deepa
    assert swing.context == ObservationContext.HOME_VISIT.value
    assert swing.area_of_need == SENSORY and swing.spans == ()
    tower = results.hits[2]
    assert tower.child_name == "Zoë Brontë"  # the first given name, no preferred name
    assert tower.observed_at == dt.time(9, 30) and tower.author_name == "Amira Haddad"
    limited = world.search.find(ObservationQuery(), limit=2)
    assert len(limited.hits) == 2 and limited.more


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"child": "tom"}, {"swing", "late"}),
        ({"child": "tom", "text": "tower"}, {"late"}),
        ({"area_of_need": COMMS}, {"tower", "late"}),
        ({"area_of_need": SENSORY, "text": "tower"}, set()),
        ({"author": "deepa"}, {"swing"}),
        ({"author": "amira", "text": "zoe"}, {"tower"}),
        ({"context": ObservationContext.SETTING.value}, {"late"}),
        ({"context": ObservationContext.SESSION.value, "text": "tow"}, {"tower"}),
        ({"date_from": TODAY - dt.timedelta(days=2)}, {"swing", "long"}),
        ({"date_to": TODAY - dt.timedelta(days=3)}, {"tower", "late"}),
        (
            {"date_from": TODAY - dt.timedelta(days=3), "date_to": TODAY - dt.timedelta(days=3)},
            {"tower"},
        ),
    ],
)
def test_each_filter_with_and_without_words(
    world: World, query: dict[str, object], expected: set[str]
) -> None:
    people = {"tom": world.tom, "zoe": world.zoe, "deepa": world.deepa, "amira": world.amira}
    if "child" in query:
        query["child_id"] = people[str(query.pop("child"))]
    if "author" in query:
        query["author_id"] = people[str(query.pop("author"))]
    assert set(found(world, **query)) == expected


def test_deleted_observations_and_deleted_childrens_are_not_found(world: World) -> None:
    assert "deleted" not in found(world, text="painted")
    assert found(world, text="painted") == []
    assert found(world, text="climbed") == []
    assert found(world, child_id=world.gone_child) == []
    assert world.gone_child not in {c.id for c in world.search.children()}


def test_a_20000_word_observation_is_found_and_shown_as_a_window(world: World) -> None:
    [hit] = world.search.find(ObservationQuery(text="parachute")).hits
    assert hit.id == world.ids["long"]
    assert hit.snippet.startswith("… sand") and hit.snippet.endswith("water …")
    assert len(hit.snippet.split()) <= 32
    assert [hit.snippet[a:b] for a, b in hit.spans] == ["PARACHUTE"]
    # without words: the start of it, still a window
    plain = next(h for h in world.search.find(ObservationQuery()).hits if h.id == hit.id)
    assert plain.snippet.startswith("sand sand") and plain.snippet.endswith(" …")
    assert len(plain.snippet) < 300


def test_bad_filters_and_short_words(world: World) -> None:
    with pytest.raises(ValidationError) as error:
        world.search.find(ObservationQuery(date_from=TODAY, date_to=TODAY - dt.timedelta(1)))
    assert error.value.field == "date_to"
    with pytest.raises(ValidationError):
        world.search.find(ObservationQuery(context="garden"))
    short = world.search.find(ObservationQuery(text="a"))
    assert short.too_short and short.hits == ()
    assert world.search.find(ObservationQuery(text="'\"*)(")).too_short  # FTS syntax: no error
    assert found(world, text="zzqx") == []
    assert world.search.any_written()
    assert [c.label for c in world.search.children()] == ["Tom Okafor", "Zoë Brontë"]
    assert [c.label for c in world.search.authors()] == ["Amira Haddad", "Deepa Nair"]


def test_old_search_still_works_through_the_shared_index_code(world: World) -> None:
    assert {o.id for o in world.services.observations.search("zoe")} == {
        world.ids["tower"],
        world.ids["swing"],
    }
    assert world.services.observations.search("b") == []  # one letter: not searched


def test_highlights_map_back_to_the_original_text() -> None:
    original = "Zoë and ZOE met Zoe\u0308 by the Łódź straße; zoetrope, not kazoe."
    spans = highlight_spans(original, ["zoe"])
    assert [original[a:b] for a, b in spans] == ["Zoë", "ZOE", "Zoe\u0308", "zoetrope"]
    assert [original[a:b] for a, b in highlight_spans(original, ["lodz", "stras"])] == [
        "Łódź",
        "straße",
    ]
    snippet, spans = snippet_of("Line one\nZoë\tsmiled.", ["zoe"])
    assert snippet == "Line one Zoë smiled." and [snippet[a:b] for a, b in spans] == ["Zoë"]
    right_to_left = "قالت زوي مرحبا"
    assert highlight_spans(right_to_left, ["زوي"]) == ((5, 8),)
    assert snippet_of("", ["zoe"]) == ("", ())
