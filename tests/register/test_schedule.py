"""Service tests for groups and the term's schedule (no Qt)."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from earlyyears_desktop.domain.errors import ValidationError
from earlyyears_desktop.services.groups import GroupInput

from .conftest import HALF_TERM, TERM_END, TERM_START, Term


def test_schedule_term_is_weekly_and_skips_half_term(term: Term) -> None:
    dates = [s.date for s in term.services.groups.sessions(group_id=term.group_id)]
    assert dates == sorted(dates)
    assert all(d.weekday() == 2 for d in dates)
    assert dates[0] == TERM_START and dates[-1] == TERM_END
    assert not set(dates) & set(HALF_TERM)
    assert len(dates) == 16 - 1  # sixteen Wednesdays, one of them in half term
    assert dt.date(2026, 10, 28) not in dates
    assert all((b - a).days in (7, 14) for a, b in itertools.pairwise(dates))


def test_schedule_term_again_adds_nothing_and_one_offs_are_kept(term: Term) -> None:
    groups = term.services.groups
    again = groups.schedule_term(term.group_id, TERM_START, TERM_END).value
    # Half term was skipped the first time; without the skip it is filled in, nothing else.
    assert [s.date for s in groups.sessions(group_id=term.group_id) if s.id in again] == [
        dt.date(2026, 10, 28)
    ]
    one_off = groups.add_session(term.group_id, dt.date(2026, 12, 19), "Christmas party").id
    assert groups.sessions(on=dt.date(2026, 12, 19))[0].theme == "Christmas party"
    assert one_off


def test_schedule_term_refuses_a_term_ending_before_it_starts(term: Term) -> None:
    with pytest.raises(ValidationError):
        term.services.groups.schedule_term(term.group_id, TERM_END, TERM_START)


def test_update_group_staff_and_session(term: Term) -> None:
    groups = term.services.groups
    venue = groups.venues()[0]
    groups.update_venue(venue.id, venue.name, "1 Church Lane", "Ramp at the side door")
    assert groups.venues()[0].access_notes == "Ramp at the side door"
    saved = groups.update_group(
        term.group_id, GroupInput("Little Steps", venue.id, weekday=2, capacity=12)
    )
    assert saved.changes
    assert not groups.update_group(
        term.group_id, GroupInput("Little Steps", venue.id, weekday=2, capacity=12)
    ).changes
    staff = groups.staff(term.group_id)
    assert [(s.name, s.visiting) for s in staff] == [
        ("Amira Haddad", False),
        ("Gareth Morgan", True),
    ]
    with pytest.raises(ValidationError):
        groups.add_staff(term.group_id, "Someone", "astrology")
    groups.update_staff(staff[1].id, "Gareth Morgan", "physiotherapy", visiting=True)
    groups.remove_staff(staff[0].id)
    assert [s.discipline for s in groups.staff(term.group_id)] == ["physiotherapy"]
    session = term.future_session
    groups.update_session(session, theme="Water play", activities="Sand and water trays")
    row = next(s for s in groups.sessions(group_id=term.group_id) if s.id == session)
    assert row.theme == "Water play"
    groups.cancel_session(session, "Hall unavailable")
    row = next(s for s in groups.sessions(group_id=term.group_id) if s.id == session)
    assert (row.status, row.cancel_reason) == ("cancelled", "Hall unavailable")


def test_marked_session_cannot_change_date_or_be_cancelled(term: Term) -> None:
    services = term.services
    services.attendance.mark(term.today_session, term.child_ids[0], "present")
    with pytest.raises(ValidationError):
        services.groups.update_session(term.today_session, date=dt.date(2026, 11, 26))
    with pytest.raises(ValidationError):
        services.groups.cancel_session(term.today_session, "Snow")
