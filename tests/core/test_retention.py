"""Retention (services/retention.py): the rule, off by default, set by an administrator; the
children due for review, from the dates in the records; nothing erased without the review."""

from __future__ import annotations

import datetime as dt

import pytest

from earlyyears_desktop.domain.enums import ChildStatus, ErasureReason
from earlyyears_desktop.domain.errors import ValidationError
from earlyyears_desktop.services.children import ChildInput
from earlyyears_desktop.services.clock import Clock
from earlyyears_desktop.services.container import Services
from earlyyears_desktop.services.groups import GroupInput
from earlyyears_desktop.services.observations import ObservationInput
from earlyyears_desktop.services.retention import whole_years, years_before

from .conftest import VaultUnderTest

#: a day far after the wall clock, so the records' own change times (stamped by the wall
#: clock) are older than every date the test writes
DAY = dt.date(2100, 3, 1)


def _child(services: Services, given: str, status: str, seen_on: dt.date) -> str:
    child_id = services.children.create_child(
        ChildInput(given, "Ōkawa-Nnamdi", dt.date(2090, 1, 15), status=status)
    ).id
    services.observations.add(ObservationInput(child_id, "Played with sand", observed_on=seen_on))
    return child_id


def test_the_review_lists_closed_cases_past_the_rule(fresh: VaultUnderTest) -> None:
    services = Services(fresh.vault, clock=Clock.fixed(DAY))
    assert services.retention.rule() is None
    old = _child(services, "Émile", ChildStatus.CLOSED.value, dt.date(2095, 6, 30))
    _child(services, "Ayşe", ChildStatus.CLOSED.value, dt.date(2099, 6, 1))  # too recent
    _child(services, "Kofi", ChildStatus.ACTIVE.value, dt.date(2094, 1, 10))  # still open
    moved = _child(services, "Siân", ChildStatus.TRANSFERRED.value, dt.date(2090, 9, 1))
    held = _child(services, "Raúl", ChildStatus.CLOSED.value, dt.date(2090, 9, 1))
    group = services.groups.add_group(GroupInput("Little Steps")).id
    services.groups.enrol(held, group, dt.date(2090, 9, 1))  # still enrolled: not closed
    assert services.retention.retention_due() == []  # no rule: nothing is due

    services.retention.set_rule(3)
    due = services.retention.retention_due()
    assert [(d.child_id, d.closed_on, d.years) for d in due] == [
        (moved, dt.date(2090, 9, 1), 9),
        (old, dt.date(2095, 6, 30), 4),
    ]
    assert due[1].name == "Émile Ōkawa-Nnamdi"
    # nothing went: the review lists, the administrator erases
    assert len(services.children.search_ids()) == 5
    services.erasure.erase_children([moved], ErasureReason.RETENTION)
    assert [d.child_id for d in services.retention.retention_due()] == [old]
    services.retention.set_rule(None)
    assert services.retention.rule() is None


def test_the_rule_is_checked(fresh: VaultUnderTest) -> None:
    with pytest.raises(ValidationError, match="between 1 and 30 years"):
        fresh.services.retention.set_rule(0)


def test_years_count_on_a_leap_day() -> None:
    assert years_before(dt.date(2028, 2, 29), 1) == dt.date(2027, 2, 28)
    assert whole_years(dt.date(2024, 2, 29), dt.date(2025, 2, 28)) == 0
    assert whole_years(dt.date(2024, 2, 29), dt.date(2025, 3, 1)) == 1
    assert whole_years(dt.date(2020, 12, 24), dt.date(2023, 12, 27)) == 3
