"""The register on any day of the year: a term day, a weekend, half term, the Christmas
holidays and a leap day; and the demo's meetings around each of those days.

The demo is built for each day with the services' clock fixed on it (never the wall clock),
then the register flows run through the services, and the Today page and the Groups page show
that day's session, or on a day without one the next, never an error.
"""

from __future__ import annotations

import datetime as dt
import logging
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from earlyyears_desktop.demo import DEMO_PASSPHRASE, term_bounds
from earlyyears_desktop.domain.errors import ValidationError
from earlyyears_desktop.services.attendance import NO_MARK
from earlyyears_desktop.services.attendance_reports import AttendanceReports
from earlyyears_desktop.services.clock import FIXED_TIME, Clock
from earlyyears_desktop.services.container import Services
from earlyyears_desktop.services.groups import SessionRow
from earlyyears_desktop.storage.vault import open_vault

from ..conftest import DemoTemplate
from ..demo_checks import check_demo_meetings
from ..fast_vaults import DEMO_DAY, make_demo_vaults_side_by_side

#: (day, does a group meet that day?)
DAYS = {
    "term day": (dt.date(2026, 11, 25), True),  # a Wednesday in the autumn term
    "weekend": (dt.date(2026, 12, 6), False),  # a Sunday in term
    "half term": (dt.date(2026, 10, 28), False),  # the Wednesday of the October half term
    "christmas holidays": (dt.date(2026, 12, 23), False),  # the term ended on 18 December
    "leap day": (dt.date(2028, 2, 29), True),  # a Tuesday in the spring term
}


@dataclass
class DayVault:
    day: dt.date
    meets: bool
    services: Services


@pytest.fixture(scope="module")
def other_days(tmp_path_factory: pytest.TempPathFactory) -> dict[dt.date, Path]:
    """The demo built for each day but the shared one, locked (the builds run side by side)."""
    base = tmp_path_factory.mktemp("demo-on-day")
    folders = {day: base / day.isoformat() for day, _ in DAYS.values() if day != DEMO_DAY}
    make_demo_vaults_side_by_side({folder: day for day, folder in folders.items()})
    return folders


@pytest.fixture(scope="module", params=list(DAYS), ids=list(DAYS))
def day_template(request: pytest.FixtureRequest) -> tuple[Path, dt.date, bool]:
    """The demo built for the day (once per day; each test works on a copy). The term day is
    the day of the demo every test folder shares, built once per run."""
    day, meets = DAYS[request.param]
    if day == DEMO_DAY:
        shared: DemoTemplate = request.getfixturevalue("demo_on_demo_day")
        return shared.folder, day, meets
    others: dict[dt.date, Path] = request.getfixturevalue("other_days")
    return others[day], day, meets


@pytest.fixture
def on_day(day_template: tuple[Path, dt.date, bool], tmp_path: Path) -> Iterator[DayVault]:
    template, day, meets = day_template
    folder = tmp_path / "vault"
    shutil.copytree(template, folder)
    services = Services(open_vault(folder, DEMO_PASSPHRASE), clock=Clock.fixed(day))
    yield DayVault(day, meets, services)
    services.vault.lock()


def _todays_or_next(services: Services, day: dt.date) -> SessionRow:
    groups = services.groups
    todays = [s for s in groups.sessions(on=day) if s.status != "cancelled"]
    return todays[0] if todays else groups.next_sessions(after=day)[0]


def test_register_flows_run_on_any_day(on_day: DayVault) -> None:
    services, day = on_day.services, on_day.day
    attendance, groups = services.attendance, services.groups
    assert services.clock.today() == attendance.today() == groups.today() == day

    session = _todays_or_next(services, day)
    assert (session.date == day) is on_day.meets
    assert session.date >= day
    register = attendance.register(session.id)
    children = [c.child_id for c in register.cards if not c.enrolment_ended]
    assert children, "the session has children enrolled"

    if on_day.meets:
        # Mark, change, undo, clear: the arrival time is the services' clock's, not the wall's.
        first = attendance.mark(session.id, children[0], "present")
        assert first.changes and first.value.state.arrived_at == FIXED_TIME
        changed = attendance.mark(session.id, children[0], "apologies")
        assert changed.value.state.status == "apologies" and changed.value.state.arrived_at is None
        undone = attendance.undo(session.id, children[0], changed.value.previous)
        assert undone.value.state == first.value.state
        cleared = attendance.undo(session.id, children[0], first.value.previous)
        assert cleared.value.state == NO_MARK
        attendance.mark(session.id, children[1], "late")
        unmarked = attendance.end_session(session.id).value
        assert children[1] not in {c.child_id for c in unmarked}
        assert attendance.register(session.id).status == "held"
    else:
        # The next session is on a later day: its register opens, and says why it takes no
        # marks yet, in words.
        with pytest.raises(ValidationError, match="later date"):
            attendance.mark(session.id, children[0], "present")
        with pytest.raises(ValidationError, match="later date"):
            attendance.end_session(session.id)

    # The last session held before today can still be corrected, and the correction undone.
    held = [s for s in groups.sessions(group_id=session.group_id) if s.date < day]
    last = attendance.register(held[-1].id)
    card = next(c for c in last.cards if c.mark.status is not None)
    other = "did_not_attend" if card.mark.status != "did_not_attend" else "present"
    corrected = attendance.mark(last.session_id, card.child_id, other)
    assert corrected.changes and corrected.value.previous == card.mark
    restored = attendance.undo(last.session_id, card.child_id, corrected.value.previous)
    assert restored.value.state.status == card.mark.status

    # The term's reports read the same clock.
    start, end, _ = term_bounds(day)
    reports = AttendanceReports(services.uow, attendance.today)
    summary = reports.group_term(session.group_id, start, end)
    assert summary.children
    reports.follow_up(start, end)


def test_the_demos_meetings_hold_together_on_any_day(on_day: DayVault) -> None:
    """Last month's liaison group, next month's agenda, the team around the child meeting:
    whatever the day, their dates are in order and the record is whole."""
    check_demo_meetings(on_day.services)


def test_today_and_groups_pages_show_the_day_or_the_next_session(
    qtbot, on_day: DayVault, runner, caplog: pytest.LogCaptureFixture
) -> None:
    from PySide6.QtWidgets import QLabel, QPushButton

    from earlyyears_desktop.ui.groups_page import GroupsPage
    from earlyyears_desktop.ui.today_page import TodayPage
    from earlyyears_desktop.ui.widgets import long_date

    caplog.set_level(logging.ERROR)
    services, day = on_day.services, on_day.day
    expected = _todays_or_next(services, day)

    opened: list[str] = []
    today = TodayPage(services, runner, open_register=opened.append)
    qtbot.addWidget(today)
    today.show()
    with qtbot.waitSignal(today.loaded, timeout=10_000):
        today.reload()
    assert today.summary is not None and today.summary.today == day

    def shown(kind: type[QLabel] | type[QPushButton]) -> list:  # type: ignore[type-arg]
        return [w for w in today.sessions_box.findChildren(kind) if w.isVisible()]

    qtbot.waitUntil(lambda: bool(shown(QPushButton)), timeout=5000)  # a session to open
    texts = [w.text() for w in shown(QLabel)]
    if on_day.meets:
        assert any(expected.group_name in t for t in texts)
    else:
        assert today.summary.sessions == ()
        assert f"No group session today. The next is on {long_date(expected.date)}:" in texts
        assert any(expected.group_name in t for t in texts)
    shown(QPushButton)[0].click()
    assert opened == [expected.id]

    page = GroupsPage(services, runner)
    qtbot.addWidget(page)
    page.resize(1366, 768)
    page.show()
    page.reload()
    qtbot.waitUntil(
        lambda: page.register_view is not None and page.register_view.register is not None,
        timeout=10_000,
    )
    view = page.register_view
    assert view.session_id == expected.id
    assert view.markable is on_day.meets
    if not on_day.meets:
        assert view.header.banner.text() == (
            "This session is on a later date: the register opens on the day."
        )
    runner.wait_for_idle()
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []
