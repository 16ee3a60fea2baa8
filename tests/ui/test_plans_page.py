"""The Plans & reviews page: a plan made by keyboard, the parents told, a specialist only with
the parents' agreement, the one-page profile, reviews with both views and progress on each
outcome (with its evidence), the history, bad dates refused beside the field; the "Support
plans" box on a child's record; reviews due still on Today.

One vault for the module, its clock on 2 March 2028 (the plan starts on 29 February).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QApplication, QLabel, QWidget

from earlyyears_desktop.domain.enums import OutcomeProgress
from earlyyears_desktop.services.children import ChildInput
from earlyyears_desktop.services.clock import Clock
from earlyyears_desktop.services.container import Services
from earlyyears_desktop.services.observations import ObservationInput
from earlyyears_desktop.ui.children_page import ChildrenPage
from earlyyears_desktop.ui.plan_dialogs import (
    ParentsToldDialog,
    PlanDialog,
    ProfileDialog,
    SpecialistDialog,
)
from earlyyears_desktop.ui.plan_review_dialog import ReviewDialog
from earlyyears_desktop.ui.plans_page import EMPTY_TEXT, PlansPage
from earlyyears_desktop.ui.today_page import read_today

from ..fast_vaults import make_vault

TODAY = dt.date(2028, 3, 2)
LEAP_DAY = dt.date(2028, 2, 29)
ALT = Qt.KeyboardModifier.AltModifier


@pytest.fixture(scope="module")
def services(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Services]:
    created = make_vault(tmp_path_factory.mktemp("plans") / "vault")
    services = Services(created.vault, clock=Clock.fixed(TODAY))
    yield services
    created.vault.lock()


@pytest.fixture(scope="module")
def child(services: Services) -> str:
    return services.children.create_child(
        ChildInput("Tamsin Orla", "Quenby-Marr", dt.date(2025, 5, 1))
    ).id


def _open_page(qtbot, services: Services, runner) -> PlansPage:
    page = PlansPage(services, runner)
    qtbot.addWidget(page)
    page.resize(1200, 800)
    page.show()
    qtbot.waitExposed(page)
    page.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is page, timeout=5000)
    with qtbot.waitSignal(page.list_ready, timeout=10_000):
        page.reload()
    return page


def _dialog(qtbot, owner: QWidget, kind: type) -> object:
    qtbot.waitUntil(
        lambda: isinstance(owner.dialog, kind) and owner.dialog.isVisible(), timeout=5000
    )
    dialog = owner.dialog
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog, timeout=5000)
    return dialog


def _press(qtbot, page: PlansPage, key: Qt.Key) -> None:
    """Alt+key on the page, as a keyboard user would after closing a dialog."""
    page.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is page, timeout=5000)
    qtbot.keyClick(page.list, key, ALT)


def _focused() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None
    return widget


def _shown(qtbot, page: PlansPage, act) -> None:
    """Do `act` and wait until the chosen plan is shown again from fresh data."""
    with qtbot.waitSignal(page.plan_shown, timeout=10_000):
        act()


def _text(page: PlansPage) -> str:
    return " ".join(
        label.text() for label in [page.title, page.status, *page.sections.values()]
    ) + " ".join(w.text() for w in page.reviews.findChildren(QWidget) if hasattr(w, "text"))


def _date(day: dt.date) -> QDate:
    return QDate(day.year, day.month, day.day)


def test_a_plan_made_by_keyboard_is_shown_whole(
    qtbot, runner, services: Services, child: str
) -> None:
    page = _open_page(qtbot, services, runner)
    assert page.list.isHidden() and page.empty.text() == EMPTY_TEXT["all"]
    assert page.nothing.isVisible() and not page.review_button.isEnabled()

    qtbot.keyClick(page.show_combo, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    dialog = _dialog(qtbot, page, PlanDialog)
    assert isinstance(dialog, PlanDialog) and dialog.child is not None
    assert dialog.child.currentText() == "Tamsin Quenby-Marr"
    dialog.title_edit.selectAll()
    qtbot.keyClicks(dialog.title_edit, "Talking and playing")
    dialog.started_on.setDate(_date(LEAP_DAY))
    dialog.review_on.setDate(_date(dt.date(2028, 2, 28)))
    qtbot.keyClick(_focused(), Qt.Key.Key_K, ALT)
    assert _focused() is dialog.key_person
    qtbot.keyClicks(dialog.key_person, "Jess Hartley")
    qtbot.keyClick(_focused(), Qt.Key.Key_A, ALT)
    assert _focused() is dialog.assessment
    qtbot.keyClicks(dialog.assessment, "Few words; leads adults by the hand.")
    first = dialog.editors[0]
    first.text.setFocus()
    qtbot.keyClicks(first.text, "Will use 10 words or signs")
    qtbot.keyClick(first.text, Qt.Key.Key_Tab)
    assert _focused() is first.area
    qtbot.keyClick(first.area, Qt.Key.Key_Down)  # the first area of need
    qtbot.keyClick(first.area, Qt.Key.Key_Tab)
    qtbot.keyClicks(first.support, "Signs at snack time")
    qtbot.keyClick(first.support, Qt.Key.Key_Tab)
    qtbot.keyClicks(first.impact, "More requests with words")
    qtbot.keyClick(first.impact, Qt.Key.Key_Tab)
    qtbot.keyClicks(first.responsible, "Key person daily")
    # A review date before the start: refused beside the field, nothing saved.
    qtbot.keyClick(first.responsible, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.errors["review_on"].isVisible(), timeout=5000)
    assert dialog.errors["review_on"].text() == "The review date must be after the plan starts."
    assert services.support.for_child(child) == []
    dialog.review_on.setDate(_date(dt.date(2028, 3, 30)))
    qtbot.keyClick(first.responsible, Qt.Key.Key_D, ALT)  # A&dd another outcome
    qtbot.waitUntil(lambda: len(dialog.editors) == 2, timeout=5000)  # a mnemonic animates
    second = dialog.editors[1]
    assert _focused() is second.text
    qtbot.keyClicks(second.text, "Will play beside a friend")
    with qtbot.waitSignal(page.plan_shown, timeout=10_000):
        qtbot.keyClick(second.text, Qt.Key.Key_Return)
    assert len(services.support.for_child(child)) == 1
    assert page.list.count() == 1
    assert page.list.item(0).text().startswith("Tamsin Quenby-Marr: Talking and playing\n")
    assert "Review due in 28 days" in page.list.item(0).text()
    shown = _text(page)
    for words in (
        "Few words; leads adults by the hand.",
        "Will use 10 words or signs",
        "Signs at snack time",
        "More requests with words",
        "Key person daily",
        "Will play beside a friend",
        "Jess Hartley",
        "Not recorded yet",
        "No review yet",
        "started 29 Feb 2028",
    ):
        assert words in shown, words
    # The four parts in order, then the parents told, specialists and the profile.
    heads = [p.text() for p in page.parts if isinstance(p, QLabel) and p.text()[1:3] == ". "]
    assert heads == [
        "1. Assess",
        "2. Plan: the outcomes sought and the support",
        "3. Do",
        "4. Review",
    ]
    assert page.review_button.isEnabled()


def _plan_page(qtbot, services: Services, runner) -> PlansPage:
    page = _open_page(qtbot, services, runner)
    if page.plan is None:
        qtbot.waitUntil(lambda: page.plan is not None, timeout=5000)
    return page


def test_parents_told_a_specialist_with_agreement_and_the_profile(
    qtbot, runner, services: Services, child: str
) -> None:
    page = _plan_page(qtbot, services, runner)
    _press(qtbot, page, Qt.Key.Key_T)  # Parents &told…
    told = _dialog(qtbot, page, ParentsToldDialog)
    told.how.setCurrentText("By phone")
    told.on.setDate(_date(LEAP_DAY))
    _shown(qtbot, page, lambda: told.save_button.click())
    assert "Told on 29 Feb 2028, By phone." in page.sections["told"].text()

    _press(qtbot, page, Qt.Key.Key_S)  # Add a &specialist…
    add = _dialog(qtbot, page, SpecialistDialog)
    qtbot.keyClicks(add.name, "Dr Olwen Brightwater")
    qtbot.keyClick(add.name, Qt.Key.Key_Return)  # no agreement: refused beside the field
    qtbot.waitUntil(lambda: add.errors["parents_agreed_on"].isVisible(), timeout=5000)
    assert add.errors["parents_agreed_on"].text() == (
        "A specialist is involved only with the parents' agreement: please give the date "
        "they agreed."
    )
    assert services.support.plan(page.plan.id).specialists == ()
    qtbot.keyClick(_focused(), Qt.Key.Key_G, ALT)
    qtbot.waitUntil(add.agreed.isChecked, timeout=5000)  # a mnemonic animates the click
    assert add.agreed_on.isEnabled()
    add.agreed_on.setDate(_date(dt.date(2028, 3, 1)))
    qtbot.keyClicks(add.agreed_by, "Dad")
    _shown(qtbot, page, lambda: qtbot.keyClick(add.agreed_by, Qt.Key.Key_Return))
    [specialist] = page.plan.specialists
    assert (specialist.role, specialist.parents_agreed_on) == (
        "Speech and language therapist",
        dt.date(2028, 3, 1),
    )
    assert "Dr Olwen Brightwater" in " ".join(
        w.text() for w in page.specialists.findChildren(QWidget) if hasattr(w, "text")
    )

    _press(qtbot, page, Qt.Key.Key_P)  # One-page &profile…
    profile = _dialog(qtbot, page, ProfileDialog)
    qtbot.keyClicks(profile.admire, "Her big laugh")
    qtbot.keyClick(profile.admire, Qt.Key.Key_Tab)
    qtbot.keyClicks(_focused(), "The red bus")
    _shown(qtbot, page, lambda: profile.save_button.click())
    assert "Her big laugh" in page.sections["profile"].text()
    assert "The red bus" in page.sections["profile"].text()


def test_reviews_with_both_views_and_each_outcomes_progress_make_the_history(
    qtbot, runner, services: Services, child: str
) -> None:
    page = _plan_page(qtbot, services, runner)
    plan = page.plan
    words, play = plan.current_outcomes
    services.observations.add(
        ObservationInput(child, "Signed more at snack", dt.date(2028, 3, 1), outcome_id=words.id)
    )
    _press(qtbot, page, Qt.Key.Key_V)  # Re&view…
    review = _dialog(qtbot, page, ReviewDialog)
    first, second = review.editors
    assert "Signed more at snack" in first.evidence.text()
    assert "No observations linked" in second.evidence.text()
    # A review before the plan's start: refused beside the date.
    review.reviewed_on.setDate(_date(dt.date(2028, 2, 28)))
    qtbot.keyClick(review.reviewed_on, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: review.errors["reviewed_on"].isVisible(), timeout=5000)
    assert review.errors["reviewed_on"].text() == (
        "A review cannot be before the plan started (29 Feb 2028)."
    )
    review.reviewed_on.setDate(_date(dt.date(2028, 3, 1)))
    # An outcome with no progress chosen: refused beside its choice.
    first.progress.setFocus()
    qtbot.keyClick(first.progress, Qt.Key.Key_Down)
    qtbot.keyClick(first.progress, Qt.Key.Key_Down)  # Good progress
    qtbot.keyClicks(first.note, "Six signs")
    qtbot.keyClick(first.note, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: review.errors[f"progress_{play.id}"].isVisible(), timeout=5000)
    assert services.support.plan(plan.id).reviews == ()
    second.progress.set_value(OutcomeProgress.LITTLE_PROGRESS.value)
    qtbot.keyClick(_focused(), Qt.Key.Key_P, ALT)
    assert _focused() is review.parent_views
    qtbot.keyClicks(review.parent_views, "Dad says bath time is calmer")
    qtbot.keyClick(_focused(), Qt.Key.Key_H, ALT)
    qtbot.keyClicks(review.child_views, "Smiled at the bubbles photo")
    qtbot.keyClick(_focused(), Qt.Key.Key_W, ALT)
    qtbot.keyClicks(review.child_views_how, "Choosing between photos")
    qtbot.keyClick(_focused(), Qt.Key.Key_C, ALT)
    qtbot.keyClicks(review.changes, "Add a sign for help")
    # The next review not after this one: refused beside it.
    review.next_review_on.setDate(_date(dt.date(2028, 3, 1)))
    qtbot.keyClick(review.child_views_how, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: review.errors["next_review_on"].isVisible(), timeout=5000)
    review.next_review_on.setDate(_date(dt.date(2028, 4, 26)))
    _shown(qtbot, page, lambda: qtbot.keyClick(review.child_views_how, Qt.Key.Key_Return))
    assert "Review due in 55 days" in page.status.text()

    # A second review on the day: the plan's history shows both, newest first.
    _press(qtbot, page, Qt.Key.Key_V)  # Re&view…
    again = _dialog(qtbot, page, ReviewDialog)
    for editor in again.editors:
        editor.progress.set_value(OutcomeProgress.ACHIEVED.value)
    qtbot.keyClicks(again.parent_views, "Pleased with the signs")
    again.closes.setChecked(True)  # no next review: the plan closes
    _shown(qtbot, page, lambda: again.save_button.click())
    older, _newer = services.support.plan(plan.id).reviews
    assert (older.parent_views, older.child_views, older.child_views_how) == (
        "Dad says bath time is calmer",
        "Smiled at the bubbles photo",
        "Choosing between photos",
    )
    assert [(o.progress, o.note) for o in older.outcomes] == [
        (OutcomeProgress.GOOD_PROGRESS, "Six signs"),
        (OutcomeProgress.LITTLE_PROGRESS, ""),
    ]
    blocks = [w.text() for w in page.reviews.findChildren(QWidget) if hasattr(w, "text")]
    assert [b.split("</b>")[0] for b in blocks] == [
        "<b>Review of 2 Mar 2028",
        "<b>Review of 1 Mar 2028",
    ]
    assert "Good progress: Six signs" in blocks[1] and "Signed more at snack" in blocks[1]
    assert "The plan closed at this review." in blocks[0]
    assert page.status.text().startswith("<b>Closed</b>") and not page.review_button.isEnabled()
    # The filters: closed plans, then none due.
    with qtbot.waitSignal(page.list_ready, timeout=10_000):
        page.set_shown("closed")
    assert page.list.count() == 1 and "Closed" in page.list.item(0).text()
    with qtbot.waitSignal(page.list_ready, timeout=10_000):
        page.set_shown("due")
    assert page.list.isHidden() and page.empty.text() == EMPTY_TEXT["due"]


def test_the_childs_record_lists_the_plans_and_starts_one_and_today_shows_reviews_due(
    qtbot, runner, services: Services, child: str
) -> None:
    page = ChildrenPage(services, runner)
    qtbot.addWidget(page)
    page.resize(1200, 800)
    page.show()
    qtbot.waitExposed(page)
    box = page.record.plans_box
    with qtbot.waitSignal(box.loaded, timeout=10_000):
        page.open_child(child)
    text = " ".join(w.text() for w in box.list.findChildren(QWidget) if hasattr(w, "text"))
    assert "Talking and playing" in text and "Closed" in text
    page.activateWindow()
    box.new_button.setFocus()
    qtbot.keyClick(box.new_button, Qt.Key.Key_L, ALT)  # New support p&lan…
    dialog = _dialog(qtbot, box, PlanDialog)
    assert dialog.child is None  # the record's child
    dialog.title_edit.selectAll()
    qtbot.keyClicks(dialog.title_edit, "Settling and moving")
    dialog.started_on.setDate(_date(dt.date(2028, 1, 10)))
    dialog.review_on.setDate(_date(dt.date(2028, 2, 28)))
    qtbot.keyClicks(dialog.editors[0].text, "Will settle within ten minutes")
    with qtbot.waitSignal(box.loaded, timeout=10_000):
        qtbot.keyClick(dialog.editors[0].text, Qt.Key.Key_Return)
    text = " ".join(w.text() for w in box.list.findChildren(QWidget) if hasattr(w, "text"))
    assert "Settling and moving</b> · Review overdue by 3 days" in text
    reviews = read_today(services).reviews
    assert [(r.child_name, r.on, r.what) for r in reviews] == [
        ("Tamsin Quenby-Marr", dt.date(2028, 2, 28), "Settling and moving")
    ]
