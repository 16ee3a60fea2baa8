"""Every control a screen reader reaches has a name, and a description where the name alone does
not say what it does: a walk over every page of the real main window on the demo vault, the
screens reached from them without a write, the main dialogs, the unlock screen and the set-up
wizard (the rule: tests/ui/accessible_walk.py).

One demo vault for the module, opened once; nothing here writes to it.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import pytest
from PySide6.QtWidgets import QApplication, QDialog, QWidget

from earlyyears_desktop.services.accounts import PractitionerChoice
from earlyyears_desktop.services.clock import Clock
from earlyyears_desktop.services.container import Services
from earlyyears_desktop.storage.incident_log import LOG_DIR_ENV
from earlyyears_desktop.ui.children_page import ChildrenPage
from earlyyears_desktop.ui.colleague_passphrase import ResetPassphraseDialog
from earlyyears_desktop.ui.groups_page import GroupsPage
from earlyyears_desktop.ui.home_visits_page import HomeVisitsPage
from earlyyears_desktop.ui.main_window import MainWindow
from earlyyears_desktop.ui.meeting_editor import MeetingEditor
from earlyyears_desktop.ui.meetings_page import MeetingsPage
from earlyyears_desktop.ui.operations import OpRunner
from earlyyears_desktop.ui.page_list import PAGES
from earlyyears_desktop.ui.plans_page import PlansPage
from earlyyears_desktop.ui.register_observations import QuickNoteDialog
from earlyyears_desktop.ui.settings_page import NewRecoveryKeyDialog, SettingsPage
from earlyyears_desktop.ui.setup_wizard import SetupWizard
from earlyyears_desktop.ui.strategies_page import StrategiesPage
from earlyyears_desktop.ui.visit_editor import VisitEditor
from earlyyears_desktop.ui.visit_opening import open_visit_editor

from ..conftest import DemoTemplate
from .accessible_walk import Unnamed, unnamed_controls
from .conftest import PASSPHRASE, TODAY

#: a dialog or window a test opens
Shown = TypeVar("Shown", bound=QWidget)


@dataclass
class Opened:
    window: MainWindow
    runner: OpRunner
    #: what the unlock screen lacked, walked before the unlock
    unlock_screen: list[Unnamed]


def wait_until(done: Callable[[], bool], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not done():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting for the screen")
        QApplication.processEvents()
        time.sleep(0.005)


def settle(runner: OpRunner) -> None:
    """Let the worker finish what the screen asked for and deliver it (again while a result
    asked for more)."""
    for _ in range(5):
        runner.wait_for_idle()
        QApplication.processEvents()
        if runner.running == 0:
            break
    QApplication.processEvents()


@pytest.fixture(scope="module")
def opened(
    qapp: QApplication,
    demo_on_demo_day: DemoTemplate,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Opened]:
    base = tmp_path_factory.mktemp("accessible-names")
    patch = pytest.MonkeyPatch()
    patch.setenv(LOG_DIR_ENV, str(base / "incident-logs"))
    runner = OpRunner()
    window = MainWindow(demo_on_demo_day.copy_to(base / "vault"), runner, clock=Clock.fixed(TODAY))
    window.resize(1366, 768)
    window.show()
    QApplication.processEvents()
    locked = unnamed_controls(window, "unlock screen")
    for opener, where in (
        (window.unlock_screen.open_recovery, "Forgotten passphrase"),
        (lambda: window.unlock_screen.open_restore(folder=base / "restored"), "Restore a backup"),
    ):
        dialog = _opened_by(opener, runner, QDialog)
        locked += unnamed_controls(dialog, where)
        dialog.reject()
    window.unlock_screen.passphrase.setText(PASSPHRASE)
    window.unlock_screen.passphrase.returnPressed.emit()
    wait_until(lambda: not window.is_locked)
    settle(runner)
    yield Opened(window, runner, locked)
    for dialog in window.findChildren(QDialog):
        dialog.reject()
    window.lock()
    window.idle.remove()
    window.close()
    window.deleteLater()
    runner.wait_for_idle()
    QApplication.processEvents()
    patch.undo()


def check(found: list[Unnamed]) -> None:
    assert not found, "\n".join(["controls a screen reader cannot tell apart:", *map(str, found)])


class Walk:
    """What a test's screens lacked, all of them, checked at the end of the test."""

    def __init__(self, opened: Opened) -> None:
        self.opened = opened
        self.found: list[Unnamed] = []

    def screen(self, top: QWidget, where: str) -> None:
        self.found += unnamed_controls(top, where)

    def dialog(
        self, opener: Callable[[], object], where: str, kind: type[QWidget] = QDialog
    ) -> None:
        """Walk the dialog (or window) `opener` opens, and close it."""
        shown = new_dialog(self.opened, opener, kind)
        try:
            self.screen(shown, where)
        finally:
            if isinstance(shown, QDialog):
                shown.reject()
            else:
                shown.close()
            settle(self.opened.runner)

    def check(self) -> None:
        check(self.found)


def test_the_unlock_screen(opened: Opened) -> None:
    check(opened.unlock_screen)


@pytest.mark.parametrize("key", [spec.key for spec in PAGES])
def test_every_page(opened: Opened, key: str) -> None:
    window = opened.window
    window.show_page(key)
    settle(opened.runner)
    # the sections list and the toolbar once, with the first page
    check(unnamed_controls(window if key == "today" else window.page(key), key))


def new_dialog(opened: Opened, opener: Callable[[], object], kind: type[Shown]) -> Shown:
    """The dialog (or window) of `kind` that `opener` opens, once it shows."""
    return _opened_by(opener, opened.runner, kind)


def _opened_by(opener: Callable[[], object], runner: OpRunner, kind: type[Shown]) -> Shown:
    before = set(_shown_windows(kind))
    opener()
    settle(runner)
    wait_until(lambda: bool(set(_shown_windows(kind)) - before))
    [dialog] = set(_shown_windows(kind)) - before
    return dialog


def _shown_windows(kind: type[Shown]) -> list[Shown]:
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, kind) and w.isVisible()]


def _children_page(opened: Opened, child_id: str) -> ChildrenPage:
    window = opened.window
    window.open_child(child_id)
    page = window.page("children")
    assert isinstance(page, ChildrenPage)
    wait_until(lambda: page.record.view is not None and page.record.view.record.id == child_id)
    settle(opened.runner)
    return page


def _services(opened: Opened) -> Services:
    services = opened.window.services
    assert services is not None
    return services


def _record_children(services: Services) -> dict[str, str]:
    """A child of each kind whose record shows most: on a Portage caseload (targets, visits),
    with a support plan, with a referral."""
    return {
        "portage": services.caseload.caseload(None)[0].child_id,
        "plan": services.support.plans()[0].child_id,
        "referral": services.referrals.rows()[0].child_id,
    }


@pytest.mark.parametrize("kind", ["portage", "plan", "referral"])
def test_a_childs_record(opened: Opened, kind: str) -> None:
    page = _children_page(opened, _record_children(_services(opened))[kind])
    walk = Walk(opened)
    walk.screen(page.record, f"child's record ({kind})")
    record = page.record
    if kind == "portage":
        view = record.view
        assert view is not None
        walk.screen(page, "Children page")
        walk.dialog(page.add_child, "Add a child")
        walk.dialog(lambda: page.edit_child(view.record), "Edit a child")
        walk.dialog(record.add_carer, "Add a parent or carer")
        walk.dialog(record.add_member, "Add to the team")
        walk.dialog(record.record_consent, "Record a consent")
        walk.dialog(record.add_observation, "Observation")
        walk.dialog(record.targets_box.add, "Teaching target")
        walk.dialog(record.strategies_box.agree, "Agree a strategy")
    if kind == "plan":
        walk.dialog(record.plans_box.new_plan, "Support plan")
    if kind == "referral":
        walk.dialog(record.referrals_box.refer, "Refer")
    services = _services(opened)
    child = record.view.record.id if record.view is not None else ""
    for target in services.targets.for_child(child, active_only=True)[:1]:
        walk.dialog(lambda t=target: record.targets_box.edit(t), "Change a target")
        walk.dialog(lambda t=target: record.targets_box.achieve(t), "A step achieved")
        walk.dialog(lambda t=target: record.targets_box.end(t, stop=True), "Stop a target")
        walk.dialog(lambda t=target: record.targets_box.chart(t), "A target's chart")
    for agreed in [s for s in services.child_strategies.for_child(child) if s.active][:1]:
        walk.dialog(lambda a=agreed: record.strategies_box.note_progress(a), "Note progress")
        walk.dialog(lambda a=agreed: record.strategies_box.stop(a), "Stop a strategy")
    walk.check()


def test_groups_and_the_register(opened: Opened) -> None:
    window = opened.window
    window.show_page("groups")
    page = window.page("groups")
    assert isinstance(page, GroupsPage)
    wait_until(lambda: page.register_view is not None and page.register_view.register is not None)
    settle(opened.runner)
    walk = Walk(opened)
    walk.screen(page, "a group and its session's register")
    view = page.register_view
    assert view is not None
    view.set_side_visible(True)
    walk.screen(view, "the register's staff present and session notes")
    view.set_side_visible(False)
    child = view.order[0]
    walk.dialog(lambda: view.open_details(child), "A mark's details")
    walk.dialog(lambda: view.write_note(child), "A note at the register")
    walk.dialog(view.add_visitor, "Add a visitor")
    page.tabs.setCurrentIndex(1)
    settle(opened.runner)
    walk.screen(page, "a group's attendance and follow-up")
    page.tabs.setCurrentIndex(0)
    walk.dialog(page.add_group, "Add a group")
    walk.dialog(page.edit_group, "Edit a group")
    walk.dialog(page.open_enrolments, "Children in a group")
    walk.dialog(page.schedule_term, "Schedule a term")
    walk.dialog(page.add_session, "Add a session")
    walk.dialog(page.edit_session, "Edit a session")
    walk.dialog(page.cancel_session, "Cancel a session")
    walk.check()


def test_a_meeting(opened: Opened) -> None:
    services = _services(opened)
    walk = Walk(opened)
    rows = services.meetings.meetings()[:2]
    for row in rows:
        walk.dialog(lambda m=row.id: opened.window.open_meeting(m), "a meeting", QWidget)
    editor = new_dialog(opened, lambda: opened.window.open_meeting(rows[0].id), MeetingEditor)
    try:
        walk.dialog(editor.edit_details, "A meeting's details")
        walk.dialog(lambda: editor.person_dialog(None), "Someone at a meeting")
        walk.dialog(editor.add_child, "A child to discuss")
    finally:
        editor.close()
        settle(opened.runner)
    meetings = opened.window.page("meetings")
    assert isinstance(meetings, MeetingsPage)
    opened.window.show_page("meetings")
    settle(opened.runner)
    walk.dialog(meetings.refer, "Refer (Meetings page)")
    walk.dialog(meetings.plan_meeting, "Plan a meeting")
    meetings.referrals.setCurrentIndex(meetings.referrals.model().index(0, 0))
    walk.dialog(meetings.type_answers, "The family's answers")
    walk.dialog(meetings.record_sent, "Questionnaire sent")
    walk.dialog(meetings.withdraw, "Withdraw a referral")
    walk.check()


def test_a_home_visit(opened: Opened) -> None:
    services = _services(opened)
    window = opened.window
    walk = Walk(opened)
    child = services.caseload.caseload(None)[0].child_id
    visit = next(v for v in services.home_visits.for_child(child) if v.status == "finished")
    editor = new_dialog(
        opened,
        lambda: open_visit_editor(window, services, opened.runner, visit_id=visit.id),
        VisitEditor,
    )
    settle(opened.runner)
    try:
        walk.screen(editor, "a home visit")
        editor.start_edit()  # every field open to change; nothing is saved
        settle(opened.runner)
        walk.screen(editor, "a home visit, changed")
        walk.dialog(lambda: QuickNoteDialog("Zeynep", "Home visit", editor).open(), "a note")
        editor.cancel_edit()
    finally:
        editor.close()
        settle(opened.runner)
    page = window.page("visits")
    assert isinstance(page, HomeVisitsPage)
    window.show_page("visits")
    settle(opened.runner)
    walk.dialog(page.add_family, "Add a family to the caseload")
    walk.check()


def test_strategies_plans_and_settings_dialogs(opened: Opened) -> None:
    window = opened.window
    walk = Walk(opened)
    window.show_page("strategies")
    strategies = window.page("strategies")
    assert isinstance(strategies, StrategiesPage)
    settle(opened.runner)
    walk.dialog(strategies.new_strategy, "Strategy")
    window.show_page("plans")
    plans = window.page("plans")
    assert isinstance(plans, PlansPage)
    settle(opened.runner)
    walk.dialog(plans.new_plan, "Support plan (Plans page)")
    plan_id = _services(opened).support.plans()[0].id
    window.open_plan(plan_id)
    wait_until(lambda: plans.plan is not None and plans.plan.id == plan_id)
    settle(opened.runner)
    walk.screen(plans, "a support plan")
    walk.dialog(plans.edit_plan, "Change a support plan")
    walk.dialog(plans.parents_told, "Parents told of a plan")
    walk.dialog(plans.add_specialist, "A specialist's advice")
    walk.dialog(plans.edit_profile, "One-page profile")
    walk.dialog(plans.review, "Review a plan")
    window.show_page("settings")
    settings = window.page("settings")
    assert isinstance(settings, SettingsPage)
    settle(opened.runner)
    walk.dialog(settings.open_change_passphrase, "Change my passphrase")
    walk.dialog(settings.open_add_practitioner, "Add a practitioner")
    walk.dialog(
        lambda: ResetPassphraseDialog(
            settings.accounts,
            [PractitionerChoice("someone", "Tomasz Wiśniewski")],
            opened.runner,
            settings,
        ).open(),
        "Reset a colleague's passphrase",
    )
    walk.dialog(
        lambda: NewRecoveryKeyDialog("ABCD-EFGH", "A team", settings).open(), "New recovery key"
    )
    walk.dialog(window.audit_log.action.trigger, "The audit log")
    walk.dialog(window.retention_action.trigger, "Retention review")
    walk.check()


def test_the_setup_wizard(opened: Opened, tmp_path: Path) -> None:
    wizard = SetupWizard(tmp_path / "new-vault", opened.runner)
    wizard.show()
    try:
        found = []
        for page_id in wizard.pageIds():
            page = wizard.page(page_id)
            found += unnamed_controls(page, f"set-up: {page.title()}", shown=False)
        found += unnamed_controls(wizard, "set-up")
        check(found)
    finally:
        wizard.reject()
        wizard.deleteLater()
