"""'Things to try at home': a child's active strategies, from the library or written for the
child, and never a child's own strategy anywhere but on that child's handout."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from earlyyears_desktop.domain.enums import ConsentKind
from earlyyears_desktop.handouts import build_session_handouts
from earlyyears_desktop.handouts.content import EVERYDAY_IDEAS, SessionContent, read_session
from earlyyears_desktop.services.child_strategies import OwnStrategy
from earlyyears_desktop.services.children import ChildInput
from earlyyears_desktop.services.container import Services
from earlyyears_desktop.services.groups import GroupInput

from ..fast_vaults import make_vault
from ..strategy_library import add_library_strategy
from .conftest import pdf_text

TODAY = dt.date(2026, 11, 25)
BOARD = "Show two pictures: what is happening now, and what comes next."
BUBBLES = "Blow bubbles and wait for your child to ask for more."
SONGS = "Sing the hello song at breakfast."
OWN = "Put a mirror on the floor and lie down together, face to face."
PRIVATE_OWN = "Léa's own idea: a weighted blanket at story time."


@dataclass
class Session:
    services: Services
    session_id: str
    ids: dict[str, str]
    links: dict[str, str]


@pytest.fixture(scope="module")
def session(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Session]:
    """A small group's session today: Zoë has library and own strategies (one stopped),
    Kuba has none, Léa has her own but no consent to handouts."""
    created = make_vault(tmp_path_factory.mktemp("handout-strategies") / "vault")
    services = Services(created.vault, today=lambda: TODAY)
    try:
        group = services.groups.add_group(GroupInput("Little Steps", weekday=2)).id
        session_id = services.groups.add_session(group, TODAY).id
        ids: dict[str, str] = {}
        for name, consent in (("Zoë", True), ("Kuba", True), ("Léa", False)):
            consents = [(ConsentKind.HANDOUTS.value, "Mum", dt.date(2026, 9, 1))] if consent else []
            child = services.children.create_child(
                ChildInput(name, "Tester", dt.date(2023, 5, 1)), consents=consents
            ).id
            services.groups.enrol(child, group, dt.date(2026, 9, 1))
            services.attendance.mark(session_id, child, "present")
            ids[name] = child
        board = add_library_strategy(services, "Now and next board", BOARD)
        bubbles = add_library_strategy(services, "Bubbles", BUBBLES)
        songs = add_library_strategy(services, "Songs at home", SONGS)
        agree = services.child_strategies.agree
        days = dt.timedelta(days=1)
        links = {
            "board": agree(ids["Zoë"], board, agreed_with="Mum", agreed_on=TODAY - 20 * days).id,
            "bubbles": agree(ids["Zoë"], bubbles, agreed_with="Dad", agreed_on=TODAY - 9 * days).id,
            "own": agree(
                ids["Zoë"],
                None,
                agreed_with="Grandad",
                agreed_on=TODAY - 5 * days,
                own=OwnStrategy("Mirror play", try_at_home=OWN),
            ).id,
            "songs": agree(ids["Zoë"], songs, agreed_with="Mum", agreed_on=TODAY - 2 * days).id,
            "lea": agree(
                ids["Léa"],
                None,
                agreed_with="Mum",
                own=OwnStrategy("Calm", try_at_home=PRIVATE_OWN),
            ).id,
        }
        services.child_strategies.stop(links["songs"], "Zoë did not enjoy it.")
        yield Session(services, session_id, ids, links)
    finally:
        created.vault.lock()


def _content(session: Session) -> SessionContent:
    return read_session(session.services, session.session_id)


def test_a_childs_active_strategies_newest_agreed_first_and_not_a_stopped_one(
    session: Session,
) -> None:
    zoe = next(c for c in _content(session).children if c.child_id == session.ids["Zoë"])
    assert not zoe.ideas_are_general
    assert [(i.title, i.text) for i in zoe.ideas] == [
        ("Mirror play", OWN),  # written for Zoë, agreed 5 days ago
        ("Bubbles", BUBBLES),
        ("Now and next board", BOARD),
    ]
    assert SONGS not in {i.text for i in zoe.ideas}  # stopped


def test_an_own_strategy_stays_on_its_childs_handout(session: Session) -> None:
    content = _content(session)
    kuba = next(c for c in content.children if c.child_id == session.ids["Kuba"])
    # Kuba has no strategy: the group's ideas, counted from library strategies only.
    assert kuba.ideas_are_general
    assert {i.title for i in kuba.ideas} == {"Now and next board", "Bubbles"}
    everything = {i.text for c in content.children for i in c.ideas}
    assert PRIVATE_OWN not in everything  # Léa has no consent: no handout at all
    assert [c.child_id for c in content.skipped] == [session.ids["Léa"]]
    assert OWN not in {i.text for i in kuba.ideas}


def test_the_handout_says_nothing_of_strategies_when_a_child_has_none(
    session: Session, tmp_path: Path
) -> None:
    out = tmp_path / "handouts.pdf"
    build_session_handouts(session.services, session.session_id, out)
    text = " ".join(pdf_text(out).split())
    assert "These are the ideas we are working on together with Zoë" in text
    assert OWN in text and BOARD in text and SONGS not in text
    assert "working on together with Kuba" not in text
    assert "Some ideas from the group" in text
    assert PRIVATE_OWN not in text


def test_a_stopped_strategy_leaves_the_handout(session: Session) -> None:
    services = session.services
    services.child_strategies.stop(session.links["bubbles"], "Zoë now asks for more herself.")
    services.child_strategies.stop(session.links["board"], "Used at nursery instead.")
    content = _content(session)
    zoe = next(c for c in content.children if c.child_id == session.ids["Zoë"])
    assert [i.text for i in zoe.ideas] == [OWN]
    # No library strategy is active in the group now: the everyday ideas, never Zoë's own.
    kuba = next(c for c in content.children if c.child_id == session.ids["Kuba"])
    assert kuba.ideas == EVERYDAY_IDEAS
