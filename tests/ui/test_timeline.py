"""The timeline on a child's record: a child with 2,000 observations opens on its first page
and loads older pages as the list is scrolled; kinds filter it; Enter opens an entry; a change
to the child's records shows at once; a child with nothing recorded says so."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QAbstractItemModelTester

from earlyyears_desktop.domain.models import Observation
from earlyyears_desktop.services.children import ChildInput
from earlyyears_desktop.services.clock import Clock
from earlyyears_desktop.services.container import Services
from earlyyears_desktop.services.groups import GroupInput
from earlyyears_desktop.services.observations import ObservationInput
from earlyyears_desktop.services.timeline import TimelineKind
from earlyyears_desktop.ui.child_record import ChildRecordView, read_child_view
from earlyyears_desktop.ui.child_timeline import EMPTY, NO_KIND, OPEN_HINT, TimelineView

from ..fast_vaults import make_vault
from .conftest import TODAY

MANY = 2_000


@dataclass(frozen=True)
class Vault:
    services: Services
    busy_child: str
    empty_child: str
    quiet_child: str
    later_child: str


@pytest.fixture(scope="module")
def vault(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Vault]:
    created = make_vault(tmp_path_factory.mktemp("timeline") / "vault")
    services = Services(created.vault, clock=Clock.fixed(TODAY))
    new_child = services.children.create_child
    busy = new_child(ChildInput("Łucja", "Wiśniewska", dt.date(2023, 3, 1))).id
    empty = new_child(ChildInput("Oisín", "Kavanagh", dt.date(2023, 4, 1))).id
    quiet = new_child(ChildInput("Mei", "Chen", dt.date(2023, 6, 1))).id
    later = new_child(ChildInput("Kofi", "Mensah", dt.date(2023, 7, 1))).id
    group = services.groups.add_group(GroupInput("Little Steps", start_time=dt.time(9, 30))).id
    services.groups.enrol(busy, group, dt.date(2026, 9, 1))
    for day in (dt.date(2026, 11, 18), dt.date(2026, 11, 25)):
        session = services.groups.add_session(group, day).id
        services.attendance.mark(session, busy, "present")
    # 2,000 observations over about two years, in one write (the service has no bulk path)
    with services.uow.write() as tx:
        tx.session.add_all(
            Observation(
                child_id=busy,
                observed_on=TODAY - dt.timedelta(days=n // 3),
                observed_at=dt.time(9 + n % 3, 15) if n % 2 else None,
                text=f"Observation {n}: pointed at the bubbles and said 'more'.",
                context="session",
            )
            for n in range(MANY)
        )
    yield Vault(services, busy, empty, quiet, later)
    created.vault.lock()


@pytest.fixture
def view(qtbot, vault: Vault, runner) -> TimelineView:
    widget = TimelineView(vault.services, runner)
    qtbot.addWidget(widget)
    widget.resize(700, 400)
    widget.show()
    return widget


def test_2000_observations_open_on_one_page_and_load_more_when_scrolled(
    qtbot, vault: Vault, view: TimelineView
) -> None:
    QAbstractItemModelTester(view.model, QAbstractItemModelTester.FailureReportingMode.Fatal)
    view.show_child(vault.busy_child, vault.services.timeline.page(vault.busy_child))
    # The first screen is there at once: the first page, newest first, without another read.
    assert view.model.rowCount() == 50
    assert view.list.isVisible() and not view.empty.isVisible()
    first = view.model.entry(0)
    assert first is not None and first.date == TODAY
    assert "scroll down" in view.status.text()
    text = view.model.index(0).data()
    assert "Wed 25 Nov 2026" in text and first.title in text
    # Scrolled to the end: the next page is read on the runner and added below.
    view.list.scrollToBottom()
    qtbot.waitUntil(lambda: view.model.rowCount() == 100, timeout=10_000)
    entries = [view.model.entry(n) for n in range(100)]
    assert len({(e.event, e.record_id) for e in entries if e}) == 100
    cursors = [e.cursor for e in entries if e]
    assert cursors == sorted(cursors, reverse=True)


def test_enter_on_an_entry_asks_to_open_its_record(qtbot, vault: Vault, view) -> None:
    view.show_child(vault.busy_child, vault.services.timeline.page(vault.busy_child))
    entry = view.model.entry(3)
    assert entry is not None
    view.list.setFocus()
    view.list.setCurrentIndex(view.model.index(3))
    with qtbot.waitSignal(view.open_requested, timeout=2000) as opened:
        qtbot.keyClick(view.list, Qt.Key.Key_Return)
    assert opened.args == [entry.entity, entry.record_id]
    assert entry.entity in ("observation", "session")


def test_kinds_filter_the_timeline(qtbot, vault: Vault, view: TimelineView) -> None:
    view.show_child(vault.busy_child, vault.services.timeline.page(vault.busy_child))
    for kind, box in view.toggles.items():
        assert (
            box.isChecked() and box.accessibleName() == f"Show {kind.label.lower()} on the timeline"
        )
    view.toggles[TimelineKind.OBSERVATION].setChecked(False)
    qtbot.waitUntil(lambda: view.model.rowCount() == 2, timeout=5000)
    assert all(view.model.entry(n).kind == TimelineKind.ATTENDANCE for n in range(2))  # type: ignore[union-attr]
    assert view.status.text() == f"2 entries. {OPEN_HINT}"
    for box in view.toggles.values():
        box.setChecked(False)
    qtbot.waitUntil(lambda: view.empty.isVisible(), timeout=5000)
    assert view.empty.text() == NO_KIND
    # Another child starts with every kind ticked again.
    view.show_child(vault.quiet_child, vault.services.timeline.page(vault.quiet_child))
    assert all(box.isChecked() for box in view.toggles.values())


def test_typed_markup_is_shown_as_typed_in_a_tooltip(qtbot, vault: Vault, runner) -> None:
    services = vault.services
    child = services.children.create_child(ChildInput("Ana", "Mäkelä", dt.date(2023, 1, 9))).id
    services.observations.add(ObservationInput(child, "Said <b>more</b> & waved", TODAY))
    widget = TimelineView(services, runner)
    qtbot.addWidget(widget)
    widget.show_child(child, services.timeline.page(child))
    tip = widget.model.index(0).data(Qt.ItemDataRole.ToolTipRole)
    assert "Said &lt;b&gt;more&lt;/b&gt; &amp; waved" in tip and "<b>" not in tip
    spoken = widget.model.index(0).data(Qt.ItemDataRole.AccessibleTextRole)
    assert "Said <b>more</b> & waved" in spoken  # a screen reader reads the words


def test_a_child_with_nothing_recorded_says_so(qtbot, vault: Vault, view) -> None:
    view.show_child(vault.empty_child, vault.services.timeline.page(vault.empty_child))
    assert view.empty.isVisible() and view.empty.text() == EMPTY
    assert not view.list.isVisible()


def test_the_record_shows_the_timeline_and_a_new_observation_at_the_top(
    qtbot, vault: Vault, runner
) -> None:
    services = vault.services
    record = ChildRecordView(services, runner)
    qtbot.addWidget(record)
    record.resize(900, 700)
    record.show()
    record.show_child(read_child_view(services, vault.quiet_child))
    timeline = record.timeline
    assert isinstance(timeline, TimelineView) and timeline.empty.isVisible()
    runner.run(
        lambda: services.observations.add(
            ObservationInput(vault.quiet_child, "Mei sang along to 'Wind the bobbin up'.", TODAY)
        ),
        changes=lambda saved: saved.changes,
    )
    qtbot.waitUntil(lambda: timeline.model.rowCount() == 1, timeout=5000)
    entry = timeline.model.entry(0)
    assert entry is not None and entry.title == "Mei sang along to 'Wind the bobbin up'."
    assert timeline.list.isVisible() and not timeline.empty.isVisible()
    record.clear_personal_data()
    assert timeline.model.rowCount() == 0


def test_a_hidden_timeline_reads_a_change_when_it_is_shown_again(
    qtbot, vault: Vault, view: TimelineView, runner
) -> None:
    services = vault.services
    view.show_child(vault.later_child, services.timeline.page(vault.later_child))
    view.hide()
    with qtbot.waitSignal(runner.changed, timeout=5000):
        runner.run(
            lambda: services.observations.add(
                ObservationInput(vault.later_child, "Kofi rolled the ball back.", TODAY)
            ),
            changes=lambda saved: saved.changes,
        )
    runner.wait_for_idle()
    qtbot.wait(50)
    assert view.model.rowCount() == 0 and not view.model.loading  # nothing read while hidden
    view.show()
    qtbot.waitUntil(lambda: view.model.rowCount() == 1, timeout=5000)
    assert view.model.entry(0).title == "Kofi rolled the ball back."  # type: ignore[union-attr]
