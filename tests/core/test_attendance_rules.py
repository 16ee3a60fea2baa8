"""Attendance rules found in review: arrival times and ended enrolments."""

from __future__ import annotations

import datetime as dt

import pytest

from earlyyears_desktop.domain.errors import ValidationError
from earlyyears_desktop.services.container import Services

from .conftest import TODAY, VaultUnderTest


def _todays_register(services: Services) -> tuple[str, list[str]]:
    today = [s for s in services.groups.sessions(on=TODAY) if s.status != "cancelled"]
    session_id = today[0].id
    cards = services.attendance.register(session_id).cards
    return session_id, [c.child_id for c in cards if not c.enrolment_ended]


def test_a_child_who_did_not_come_has_no_arrival_time(demo: VaultUnderTest) -> None:
    attendance = demo.services.attendance
    session_id, children = _todays_register(demo.services)
    first = attendance.mark(session_id, children[0], "present")
    assert first.value.state.arrived_at is not None
    changed = attendance.mark(session_id, children[0], "apologies")
    assert changed.value.state.status == "apologies"
    assert changed.value.state.arrived_at is None


def test_the_same_mark_again_changes_nothing_after_the_arrival_was_cleared(
    demo: VaultUnderTest,
) -> None:
    attendance = demo.services.attendance
    session_id, children = _todays_register(demo.services)
    attendance.mark(session_id, children[1], "present")
    cleared = attendance.mark(session_id, children[1], "present", clear_arrived_at=True)
    assert cleared.value.state.arrived_at is None
    again = attendance.mark(session_id, children[1], "present")
    assert not again.changes
    assert again.value.state.arrived_at is None


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
    services.groups.end_enrolment(enrolment.id, TODAY - dt.timedelta(days=1))
    with pytest.raises(ValidationError, match="visitor"):
        services.attendance.mark(session_id, child, "present")
    marked = services.attendance.mark(session_id, child, "present", visitor=True)
    assert marked.changes


def test_deleted_and_closed_children_leave_the_reports_and_the_follow_up_list(
    demo: VaultUnderTest,
) -> None:
    from earlyyears_desktop.demo import term_bounds
    from earlyyears_desktop.services.attendance_reports import AttendanceReports
    from earlyyears_desktop.services.children import ChildInput

    services = demo.services
    reports = AttendanceReports(services.uow, services.attendance.today)
    start, end, _ = term_bounds(TODAY)
    flagged = reports.follow_up(start, end)
    assert flagged, "the demo has a family who missed the last sessions"
    chased = flagged[0].child_id

    record = services.children.get_child(chased)
    services.children.update_child(
        chased,
        ChildInput(
            record.legal_given_names,
            record.legal_family_name,
            record.date_of_birth,
            preferred_name=record.preferred_name,
            nhs_number=record.nhs_number or "",
            areas_of_need=record.areas_of_need,
            status="closed",
        ),
    )
    assert chased not in {r.child_id for r in reports.follow_up(start, end)}

    services.children.delete_child(chased)
    group_ids = {r.group_id for r in flagged}
    for group_id in group_ids:
        summary = reports.group_term(group_id, start, end)
        assert chased not in {c.child_id for c in summary.children}


def test_present_names_in_sessions_sort_with_accents_in_place(demo: VaultUnderTest) -> None:
    for row in demo.services.groups.sessions():
        from earlyyears_desktop.domain.rules import search_key

        assert list(row.present) == sorted(row.present, key=search_key)


def test_a_group_has_one_session_a_day(demo: VaultUnderTest) -> None:
    groups = demo.services.groups
    today = next(s for s in groups.sessions(on=TODAY) if s.status != "cancelled")
    with pytest.raises(ValidationError, match="already has a session on that date"):
        groups.add_session(today.group_id, today.date, "Second one")
    later = [s for s in groups.sessions(group_id=today.group_id) if s.date > today.date]
    with pytest.raises(ValidationError, match="already has a session on that date"):
        groups.update_session(later[0].id, date=later[1].date)
    assert groups.sessions(group_id=today.group_id)[-1].date == later[-1].date
