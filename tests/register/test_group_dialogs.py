"""The Groups page's own screens: groups, enrolments, a term, a one-off session, editing and
cancelling a session; and the page's promise that the highlighted session is the open
register."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, Qt, QTime
from PySide6.QtTest import QTest

from earlyyears_desktop.services.container import set_up_vault
from earlyyears_desktop.storage.keyslots import KdfParams
from earlyyears_desktop.ui.enrolment_dialogs import (
    EndEnrolmentDialog,
    EnrolChildDialog,
    EnrolmentsDialog,
)
from earlyyears_desktop.ui.forms import qdate
from earlyyears_desktop.ui.group_dialogs import GroupDialog
from earlyyears_desktop.ui.groups_page import GroupsPage
from earlyyears_desktop.ui.session_dialogs import (
    AddSessionDialog,
    CancelSessionDialog,
    EditSessionDialog,
    ScheduleTermDialog,
)

from .conftest import PASSPHRASE, TODAY, Term


def make_page(qtbot, services, runner) -> GroupsPage:
    page = GroupsPage(services, runner)
    qtbot.addWidget(page)
    page.resize(1366, 768)
    page.show()
    page.reload()
    return page


def loaded(qtbot, page: GroupsPage) -> None:
    qtbot.waitUntil(
        lambda: page.register_view is not None and page.register_view.register is not None,
        timeout=5000,
    )
    qtbot.waitUntil(lambda: page.runner.running == 0, timeout=5000)


def highlighted(page: GroupsPage) -> str | None:
    item = page.session_list.currentItem()
    return item.data(Qt.ItemDataRole.UserRole) if item else None


def test_highlighted_session_is_the_open_register(qtbot, term: Term, runner) -> None:
    page = make_page(qtbot, term.services, runner)
    loaded(qtbot, page)
    # Today's session opens by default, and it is the one highlighted.
    assert page.register_view.session_id == term.today_session == highlighted(page)
    # Moving through the list with the keyboard opens each session's register in turn.
    page.session_list.setFocus()
    QTest.keyClick(page.session_list, Qt.Key.Key_Down)
    qtbot.waitUntil(lambda: page.register_view.session_id == highlighted(page), timeout=5000)
    assert highlighted(page) == term.future_session
    assert page.session_list.hasFocus()  # opening in passing does not take the focus
    loaded(qtbot, page)
    assert "later date" in page.register_view.header.banner.text()


def test_no_groups_says_what_to_do(qtbot, tmp_path, runner) -> None:
    from earlyyears_desktop.services.container import Services

    created = set_up_vault(
        tmp_path / "empty",
        team_name="Test team",
        practitioner_name="Amira Haddad",
        role="group_leader",
        passphrase=PASSPHRASE,
        params=KdfParams.for_tests(),
    )
    services = Services(created.vault, today=lambda: TODAY)
    try:
        page = make_page(qtbot, services, runner)
        qtbot.waitUntil(lambda: page.placeholder_title.text() == "No groups yet", timeout=5000)
        assert page.placeholder_action.isVisible()
        assert not page.schedule_button.isEnabled() and not page.edit_group_button.isEnabled()

        # The empty state's own button adds the first group, with a new venue and staff.
        page.placeholder_action.click()
        qtbot.waitUntil(lambda: isinstance(page.dialog, GroupDialog), timeout=5000)
        dialog = page.dialog
        dialog.name.setText("Chatterbox")
        dialog.venue.setCurrentText("Bicester Family Centre")
        dialog.day.setCurrentIndex(dialog.day.findData(0))
        dialog.start.setTime(QTime(13, 30))
        dialog.end.setTime(QTime(13, 0))  # ends before it starts: refused, nothing saved
        dialog.staff_name.setText("Gareth Morgan")
        dialog.staff_discipline.setCurrentIndex(
            dialog.staff_discipline.findData("speech_and_language_therapy")
        )
        dialog.staff_visiting.setChecked(True)
        dialog.add_staff_button.click()
        assert dialog.staff.count() == 1
        dialog.save_button.click()
        qtbot.waitUntil(lambda: dialog.errors["end_time"].isVisible(), timeout=5000)
        assert services.groups.groups() == [] and services.groups.venues() == []

        dialog.end.setTime(QTime(15, 0))
        dialog.capacity.setValue(12)
        dialog.save_button.click()
        qtbot.waitUntil(lambda: page.group_box.count() == 1, timeout=5000)
        [group] = services.groups.groups()
        assert (group.name, group.venue_name, group.weekday, group.capacity) == (
            "Chatterbox",
            "Bicester Family Centre",
            0,
            12,
        )
        [staff] = services.groups.staff(group.id)
        assert staff.name == "Gareth Morgan" and staff.visiting
        qtbot.waitUntil(
            lambda: page.placeholder_title.text() == "No sessions for this group yet",
            timeout=5000,
        )

        # Schedule the term from the empty state, skipping half term.
        page.placeholder_action.click()
        dialog = page.dialog
        assert isinstance(dialog, ScheduleTermDialog)
        dialog.first.setDate(QDate(2026, 9, 1))
        dialog.last.setDate(QDate(2026, 12, 18))
        dialog.skip_from.setDate(QDate(2026, 10, 26))
        dialog.skip_to.setDate(QDate(2026, 10, 30))
        dialog.add_skip_button.click()
        assert "14 sessions" in dialog.preview.text()
        dialog.save_button.click()
        qtbot.waitUntil(lambda: page.session_list.count() == 14, timeout=5000)
        dates = [s.date for s in services.groups.sessions(group_id=group.id)]
        assert dt.date(2026, 10, 26) not in dates and all(d.weekday() == 0 for d in dates)
        loaded(qtbot, page)
        # The next Monday after "today" is open and highlighted.
        assert page.current_session().date == dt.date(2026, 11, 30)
        assert highlighted(page) == page.register_view.session_id
    finally:
        runner.wait_for_idle()
        services.vault.lock()


def test_edit_group_and_staff(qtbot, term: Term, runner) -> None:
    page = make_page(qtbot, term.services, runner)
    loaded(qtbot, page)
    page.edit_group_button.click()
    qtbot.waitUntil(lambda: isinstance(page.dialog, GroupDialog), timeout=5000)
    dialog = page.dialog
    assert dialog.name.text() == "Little Steps" and dialog.staff.count() == 2
    dialog.focus_text.setText("Early communication")
    dialog.staff.setCurrentRow(1)
    dialog.remove_staff_button.click()
    dialog.staff_name.setText("Olivia Brennan")  # typed, not added: saving adds her
    dialog.save_button.click()
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=5000)
    [group] = term.services.groups.groups()
    assert group.focus == "Early communication"
    names = sorted(s.name for s in term.services.groups.staff(group.id))
    assert len(names) == 2 and "Olivia Brennan" in names
    qtbot.waitUntil(lambda: "Early communication" in page.group_info.text(), timeout=5000)


def test_enrol_and_unenrol(qtbot, term: Term, runner) -> None:
    page = make_page(qtbot, term.services, runner)
    loaded(qtbot, page)
    page.enrol_button.click()
    dialog = page.dialog
    assert isinstance(dialog, EnrolmentsDialog)
    qtbot.waitUntil(lambda: dialog.table.rowCount() == len(term.child_ids), timeout=5000)

    dialog.enrol_button.click()
    enrol = dialog.child_dialog
    assert isinstance(enrol, EnrolChildDialog)
    enrol.save_button.click()  # nobody chosen
    assert enrol.errors["child"].isVisible()
    QTest.keyClicks(enrol.search, "visit")
    qtbot.waitUntil(lambda: enrol.results.count() == 1, timeout=5000)
    enrol.has_end.setChecked(True)
    enrol.ends.setDate(enrol.starts.date().addDays(-1))
    enrol.save_button.click()
    qtbot.waitUntil(lambda: enrol.errors["ends_on"].isVisible(), timeout=5000)
    enrol.has_end.setChecked(False)
    enrol.save_button.click()
    qtbot.waitUntil(lambda: dialog.table.rowCount() == len(term.child_ids) + 1, timeout=5000)
    ids = {e.child_id for e in term.services.groups.enrolments(term.group_id, on=TODAY)}
    assert term.visitor_id in ids

    # Unenrol: the enrolment ends on a chosen day.
    row = next(i for i, r in enumerate(dialog.rows) if r.child_id == term.visitor_id)
    dialog.table.selectRow(row)
    dialog.end_button.click()
    end = dialog.child_dialog
    assert isinstance(end, EndEnrolmentDialog)
    end.save_button.click()
    qtbot.waitUntil(lambda: not end.isVisible(), timeout=5000)
    [enrolment] = [
        e for e in term.services.groups.enrolments(term.group_id) if e.child_id == term.visitor_id
    ]
    assert enrolment.ends_on == TODAY
    dialog.reject()


def test_one_off_session_and_cancelling(qtbot, term: Term, runner) -> None:
    page = make_page(qtbot, term.services, runner)
    loaded(qtbot, page)
    page.add_session_button.click()
    dialog = page.dialog
    assert isinstance(dialog, AddSessionDialog)
    dialog.date.setDate(QDate(2026, 12, 19))
    dialog.theme.setText("Christmas party")
    dialog.save_button.click()
    qtbot.waitUntil(lambda: page.session_list.count() == 16, timeout=5000)
    loaded(qtbot, page)
    party = page.current_session()
    assert (party.date, party.theme) == (dt.date(2026, 12, 19), "Christmas party")
    assert highlighted(page) == party.id

    page.cancel_button.click()
    dialog = page.dialog
    assert isinstance(dialog, CancelSessionDialog)
    dialog.save_button.click()  # no reason
    qtbot.waitUntil(lambda: dialog.errors["cancel_reason"].isVisible(), timeout=5000)
    dialog.reason.setText("Venue closed for repairs")
    dialog.save_button.click()
    qtbot.waitUntil(lambda: page.current_session().status == "cancelled", timeout=5000)
    loaded(qtbot, page)
    assert "Venue closed" in page.register_view.header.banner.text()
    assert not page.cancel_button.isEnabled()

    # A session with marks cannot be cancelled: the reason is shown, nothing changes.
    page.open_session(term.today_session)
    loaded(qtbot, page)
    QTest.keyClick(page.register_view, Qt.Key.Key_P)
    qtbot.waitUntil(lambda: not page.register_view._pending(), timeout=5000)
    page.cancel_button.click()
    dialog = page.dialog
    dialog.reason.setText("Snow")
    dialog.save_button.click()
    qtbot.waitUntil(lambda: dialog.errors["status"].isVisible(), timeout=5000)
    assert "marks" in dialog.errors["status"].text()
    dialog.reject()
    today = next(s for s in term.services.groups.sessions(on=TODAY))
    assert today.status == "planned"


def open_edit_session(qtbot, page: GroupsPage) -> EditSessionDialog:
    page.edit_session_button.click()
    qtbot.waitUntil(
        lambda: isinstance(page.dialog, EditSessionDialog) and page.dialog.isVisible(),
        timeout=5000,
    )
    return page.dialog


def test_edit_session_theme_and_activities(qtbot, term: Term, runner) -> None:
    page = make_page(qtbot, term.services, runner)
    loaded(qtbot, page)
    assert page.current_session().id == term.today_session
    dialog = open_edit_session(qtbot, page)
    # Every field is labelled for a screen reader and reachable by its Alt key.
    assert [dialog.fields[f].accessibleName() for f in ("date", "theme", "activities")] == [
        "Date",
        "Theme",
        "Activities",
    ]
    assert dialog.date.isEnabled() and not dialog.date_note.isVisible()
    assert dialog.theme.text() == "" and dialog.activities.toPlainText() == ""
    QTest.keyClicks(dialog.theme, "Under the sea")
    QTest.keyClicks(dialog.activities, "Sand and water trays")
    QTest.keyClick(dialog.activities, Qt.Key.Key_Return)
    QTest.keyClicks(dialog.activities, "Story sack: The Rainbow Fish")
    dialog.save_button.click()
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=5000)

    saved = term.services.attendance.register(term.today_session)
    assert saved.theme == "Under the sea"
    assert saved.activities == "Sand and water trays\nStory sack: The Rainbow Fish"
    assert saved.date == TODAY
    # The session list and the open register's header follow.
    qtbot.waitUntil(lambda: "Under the sea" in page.session_list.currentItem().text(), timeout=5000)
    view = page.register_view
    qtbot.waitUntil(lambda: "Theme: Under the sea" in view.header.subtitle.text(), timeout=5000)
    assert "Activities: Sand and water trays; Story sack: The Rainbow Fish" in (
        view.header.subtitle.text()
    )
    assert "Story sack" in view.header.subtitle.toolTip()
    assert page.register_view is view  # the register stayed open: not rebuilt

    # The same dialog shows what is saved, and moves a session with no marks to another day.
    page.open_session(term.future_session)
    loaded(qtbot, page)
    future = page.current_session()
    dialog = open_edit_session(qtbot, page)
    dialog.date.setDate(qdate(future.date + dt.timedelta(days=1)))
    dialog.theme.setText("Moved for the nativity")
    dialog.save_button.click()
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=5000)
    view = page.register_view
    moved = future.date + dt.timedelta(days=1)
    qtbot.waitUntil(lambda: view.register.date == moved, timeout=5000)
    assert f"{moved:%A %d %B %Y}" in view.header.title.text()
    qtbot.waitUntil(lambda: page.current_session().date == moved, timeout=5000)
    assert highlighted(page) == future.id


def test_edit_session_date_refused_with_marks(qtbot, term: Term, runner) -> None:
    page = make_page(qtbot, term.services, runner)
    loaded(qtbot, page)
    dialog = open_edit_session(qtbot, page)
    assert dialog.date.isEnabled()
    # Meanwhile a child is marked (another laptop, the register): the date is now fixed.
    runner.wait_for_idle()
    term.services.attendance.mark(term.today_session, term.child_ids[0], "present")
    dialog.date.setDate(qdate(TODAY + dt.timedelta(days=1)))
    dialog.theme.setText("Half saved?")
    dialog.activities.setPlainText("Nothing should be saved")
    dialog.save_button.click()
    qtbot.waitUntil(lambda: dialog.errors["date"].isVisible(), timeout=5000)
    assert "attendance marks" in dialog.errors["date"].text()
    assert dialog.isVisible() and dialog.buttons.isEnabled()
    # Nothing saved half-way: neither the date nor the theme and activities.
    saved = term.services.attendance.register(term.today_session)
    assert (saved.date, saved.theme, saved.activities) == (TODAY, "", "")
    dialog.reject()

    # Opened again, the date is disabled and says why; the theme can still change.
    dialog = open_edit_session(qtbot, page)
    assert not dialog.date.isEnabled()
    assert dialog.date_note.isVisible() and "attendance marks" in dialog.date_note.text()
    assert dialog.date.accessibleDescription() == dialog.date_note.text()
    dialog.theme.setText("Bubbles")
    dialog.save_button.click()
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=5000)
    saved = term.services.attendance.register(term.today_session)
    assert (saved.date, saved.theme) == (TODAY, "Bubbles")

    # A held session's date is fixed too, with its own reason.
    past = term.session_ids[0]
    term.services.attendance.end_session(past)
    held = EditSessionDialog(term.services, runner, term.services.attendance.register(past), page)
    qtbot.addWidget(held)
    assert not held.date.isEnabled() and "held" in held.date_note.text()
