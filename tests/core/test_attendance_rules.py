"""Attendance rules found in review: arrival times and ended enrolments."""

from __future__ import annotations

import datetime as dt

import pytest

from earlyyears_desktop.domain.errors import ValidationError
from earlyyears_desktop.services.container import Services

from .conftest import VaultUnderTest


def _todays_register(services: Services) -> tuple[str, list[str]]:
    today = [s for s in services.groups.sessions(on=dt.date.today()) if s.status != "cancelled"]
    session_id = today[0].id
    cards = services.attendance.register(session_id).cards
    return session_id, [c.child_id for c in cards if not c.enrolment_ended]


def test_a_child_who_did_not_come_has_no_arrival_time(demo: VaultUnderTest) -> None:
    attendance = demo.services.attendance
    session_id, children = _todays_register(demo.services)
    first = attendance.mark(session_id, children[0], "present")
    assert first.state.arrived_at is not None
    changed = attendance.mark(session_id, children[0], "apologies")
    assert changed.state.status == "apologies"
    assert changed.state.arrived_at is None


def test_the_same_mark_again_changes_nothing_after_the_arrival_was_cleared(
    demo: VaultUnderTest,
) -> None:
    attendance = demo.services.attendance
    session_id, children = _todays_register(demo.services)
    attendance.mark(session_id, children[1], "present")
    cleared = attendance.mark(session_id, children[1], "present", clear_arrived_at=True)
    assert cleared.state.arrived_at is None
    again = attendance.mark(session_id, children[1], "present")
    assert not again.changed
    assert again.state.arrived_at is None


def test_a_child_whose_enrolment_ended_is_marked_only_as_a_visitor(
    demo: VaultUnderTest,
) -> None:
    services = demo.services
    session_id, children = _todays_register(services)
    child = children[2]
    with services.uow.read() as session:
        from sqlalchemy import select

        from earlyyears_desktop.domain.models import Enrolment

        enrolment = session.scalars(
            select(Enrolment).where(Enrolment.child_id == child, Enrolment.deleted_at.is_(None))
        ).one()
    services.groups.end_enrolment(enrolment.id, dt.date.today() - dt.timedelta(days=1))
    with pytest.raises(ValidationError, match="visitor"):
        services.attendance.mark(session_id, child, "present")
    marked = services.attendance.mark(session_id, child, "present", visitor=True)
    assert marked.changed
