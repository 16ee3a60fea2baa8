"""Fixtures for the register tests: a real SQLCipher vault with one group and its term."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest

from earlyyears_desktop.services.children import CarerInput, ChildInput
from earlyyears_desktop.services.container import Services, set_up_vault
from earlyyears_desktop.services.groups import GroupInput
from earlyyears_desktop.storage.keyslots import KdfParams

PASSPHRASE = "correct horse battery staple"
#: a Wednesday in the autumn term; half term is the week of 27 October
TODAY = dt.date(2026, 11, 25)
TERM_START = dt.date(2026, 9, 2)
TERM_END = dt.date(2026, 12, 16)
HALF_TERM = [dt.date(2026, 10, 26) + dt.timedelta(days=i) for i in range(5)]
NAMES = [
    ("Zoë", "Ávila", "Carmen Ávila"),
    ("Oliver James", "Brown", "Sam Brown"),
    ("Aisha", "Khan", "Farah Khan"),
    ("Noah", "O'Neill", "Siobhan O'Neill"),
    ("Maya", "Patel", "Priya Patel"),
    ("Theo", "Walsh", "Dan Walsh"),
]


@dataclass
class Term:
    services: Services
    folder: Path
    group_id: str
    child_ids: list[str]
    session_ids: list[str]
    today_session: str
    future_session: str
    visitor_id: str


def make_services(folder: Path) -> Services:
    created = set_up_vault(
        folder,
        team_name="Test team",
        practitioner_name="Amira Haddad",
        role="group_leader",
        passphrase=PASSPHRASE,
        params=KdfParams.for_tests(),
    )
    return Services(created.vault, today=lambda: TODAY)


def populate_term(services: Services, count: int = len(NAMES)) -> Term:
    groups = services.groups
    venue = groups.add_venue("St Mark's Church Hall", "Church Lane", "Side door").id
    group_id = groups.add_group(
        GroupInput(
            "Little Steps",
            venue,
            weekday=TODAY.weekday(),
            start_time=dt.time(9, 30),
            end_time=dt.time(11, 0),
            capacity=40,
        )
    ).id
    groups.add_staff(group_id, "Amira Haddad", "early_years_education")
    groups.add_staff(group_id, "Gareth Morgan", "speech_and_language_therapy", visiting=True)
    child_ids = []
    for n in range(count):
        given, family, carer = NAMES[n % len(NAMES)]
        if n >= len(NAMES):
            given = f"{given} {n}"
        saved = services.children.create_child(
            ChildInput(given, family, dt.date(2024, 3, 1) + dt.timedelta(days=n)),
            carers=[CarerInput(carer, "parent", is_main_contact=True), CarerInput("Gran")],
        )
        groups.enrol(saved.id, group_id, TERM_START)
        child_ids.append(saved.id)
    visitor = services.children.create_child(
        ChildInput("Visiting", "Child", dt.date(2024, 5, 5)), carers=[CarerInput("Pat Child")]
    )
    session_ids = groups.schedule_term(group_id, TERM_START, TERM_END, skip=HALF_TERM).value
    rows = {s.id: s.date for s in groups.sessions(group_id=group_id)}
    today_session = next(i for i in session_ids if rows[i] == TODAY)
    future_session = next(i for i in session_ids if rows[i] > TODAY)
    return Term(
        services,
        Path(),
        group_id,
        child_ids,
        session_ids,
        today_session,
        future_session,
        visitor.id,
    )


@pytest.fixture
def term(tmp_path: Path) -> Iterator[Term]:
    folder = tmp_path / "vault"
    services = make_services(folder)
    t = populate_term(services)
    t.folder = folder
    yield t
    services.vault.lock()


@pytest.fixture
def runner(qtbot):  # type: ignore[no-untyped-def]
    from earlyyears_desktop.ui.operations import OpRunner

    op = OpRunner()
    yield op
    op.wait_for_idle()
