"""Writing, changing and deleting an observation from a child's record, through the real
dialog and the Children page in a cheap vault: refusals beside the field, the keyboard alone,
the reason asked for when the observation is shared, the history, and a tombstone on delete.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

import pytest
from PySide6.QtCore import QDate, Qt, QTime
from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel, QWidget

from earlyyears_desktop.domain.enums import Discipline, Role
from earlyyears_desktop.services.children import ChildInput
from earlyyears_desktop.services.clock import Clock
from earlyyears_desktop.services.container import Services, set_up_vault
from earlyyears_desktop.services.observation_rules import SHARED_REASON
from earlyyears_desktop.services.observations import ObservationInput
from earlyyears_desktop.services.support_views import OutcomeInput, PlanInput
from earlyyears_desktop.ui.children_page import ChildrenPage
from earlyyears_desktop.ui.observation_dialog import NO_OUTCOMES, ObservationDialog
from earlyyears_desktop.ui.observation_history_view import (
    DeleteObservationDialog,
    ObservationHistoryDialog,
)

from ..fast_vaults import FAST_KDF, PASSPHRASE
from .conftest import TODAY

BORN = dt.date(2024, 5, 17)
CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture(scope="module")
def services(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Services]:
    created = set_up_vault(
        tmp_path_factory.mktemp("observations-ui") / "vault",
        team_name="Riverside Early Years",
        practitioner_name="Amira Haddad",
        role=Role.GROUP_LEADER.value,
        discipline=Discipline.EARLY_YEARS_EDUCATION.value,
        passphrase=PASSPHRASE,
        params=FAST_KDF,
    )
    services = Services(created.vault, clock=Clock.fixed(TODAY))  # 10:00 on TODAY
    yield services
    services.vault.lock()


def _child(services: Services, given: str, family: str) -> str:
    return services.children.create_child(ChildInput(given, family, BORN)).id


def _page(qtbot, services: Services, runner, child_id: str) -> ChildrenPage:
    page = ChildrenPage(services, runner)
    qtbot.addWidget(page)
    page.resize(1200, 800)
    page.show()
    qtbot.waitExposed(page)
    page.open_child(child_id)
    qtbot.waitUntil(lambda: page.record.view is not None, timeout=5000)
    return page


def _dialog(qtbot, page: ChildrenPage) -> ObservationDialog:
    qtbot.waitUntil(
        lambda: (
            isinstance(getattr(page.record, "dialog", None), ObservationDialog)
            and page.record.dialog.isVisible()
        ),
        timeout=5000,
    )
    dialog = page.record.dialog
    assert isinstance(dialog, ObservationDialog)
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog, timeout=5000)
    return dialog


def _owner(dialog: ObservationDialog, widget: QWidget | None) -> QWidget | None:
    """The dialog's field that holds `widget` (a date edit's inner line edit, say)."""
    fields = [*dialog.fields.values(), *dialog.buttons.buttons()]
    while widget is not None and widget not in fields:
        widget = widget.parentWidget()
    return widget


def _timeline(page: ChildrenPage) -> list[str]:
    """What the timeline's rows say, top to bottom ([] when it is empty)."""
    model = page.record.timeline.model
    return [str(model.index(n).data()) for n in range(model.rowCount())]


def _shown_again(qtbot, page: ChildrenPage, check) -> None:
    qtbot.waitUntil(lambda: check(_timeline(page)), timeout=5000)


def _open_from_timeline(qtbot, page: ChildrenPage, words: str) -> ObservationDialog:
    """Select the observation in the timeline and press Enter, as a keyboard user would."""
    t = page.record.timeline.list
    row = next(n for n, text in enumerate(_timeline(page)) if words in text)
    page.record.dialog = None
    t.setFocus()
    t.setCurrentIndex(t.model().index(row, 0))
    qtbot.keyClick(t, Qt.Key.Key_Return)
    return _dialog(qtbot, page)


def test_an_observation_written_by_keyboard_alone(qtbot, services: Services, runner) -> None:
    child = _child(services, "Kofi", "Mensah-Løvland")
    page = _page(qtbot, services, runner, child)
    assert _timeline(page) == []
    page.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is page, timeout=5000)
    qtbot.keyClick(page, Qt.Key.Key_O, Qt.KeyboardModifier.AltModifier)  # Add an &observation…
    dialog = _dialog(qtbot, page)
    assert dialog.written_by.text() == "Written by Amira Haddad, Early years education"
    assert dialog.focusWidget() is dialog.text
    # Nothing written: refused beside the text, nothing saved.
    qtbot.keyClick(dialog.text, Qt.Key.Key_Return, CTRL)
    qtbot.waitUntil(lambda: dialog.errors["text"].isVisible(), timeout=5000)
    assert dialog.errors["text"].text() == "Please write what you saw."
    assert services.observations.for_child(child) == []

    qtbot.keyClicks(dialog.text, "Pointed at the bus and said bus")  # keyClicks: ASCII only
    # Tab reaches every field in order (through the date's and time's sections); the outcome
    # picker is disabled (no plan yet) and skipped.
    order: list[QWidget | None] = [dialog.text]
    while order[-1] is not dialog.share and len(order) < 20:
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        field = _owner(dialog, QApplication.focusWidget())
        if field is not order[-1]:
            order.append(field)
    assert order == [
        dialog.text,
        dialog.observed_on,
        dialog.observed_at,
        dialog.context,
        dialog.area,
        dialog.share,
    ]
    assert not dialog.outcome.isEnabled() and dialog.outcome.currentText() == NO_OUTCOMES
    qtbot.keyClick(dialog.share, Qt.Key.Key_Space)
    assert dialog.share.isChecked()
    qtbot.keyClick(dialog.share, Qt.Key.Key_Return, CTRL)
    _shown_again(qtbot, page, lambda rows: any("said bus" in r for r in rows))
    assert not dialog.isVisible()
    [row] = services.observations.for_child(child)
    saved = services.observations.get(row.id)
    assert (saved.observed_on, saved.observed_at, saved.context) == (TODAY, dt.time(10), "other")
    assert saved.share_with_parents and saved.author_name == "Amira Haddad"


def test_every_control_is_named_and_mnemonics_do_not_collide(
    qtbot, services: Services, runner
) -> None:
    child = _child(services, "Ngozi", "Ó Briain")
    obs = services.observations.add(ObservationInput(child, "Stacked cups", TODAY)).id
    page = _page(qtbot, services, runner, child)
    page.record.open_observation(obs)
    dialog = _dialog(qtbot, page)
    controls = [
        w
        for w in dialog.findChildren(QWidget)
        if w.focusPolicy() != Qt.FocusPolicy.NoFocus and w.isVisibleTo(dialog)
    ]
    unnamed = [
        (type(w).__name__, getattr(w, "text", lambda: "")())
        for w in controls
        if not w.accessibleName()
    ]
    # The spin boxes' inner line edits are read through their named box.
    assert {kind for kind, _ in unnamed} <= {"QLineEdit"}, unnamed
    keys = [
        m.group(1).lower()
        for w in dialog.findChildren(QLabel) + dialog.findChildren(QAbstractButton)
        if w.isVisibleTo(dialog) and (m := re.search(r"&(\w)", w.text()))
    ]
    assert len(keys) == len(set(keys)), keys
    assert "Ctrl+Enter saves" in dialog.hint.text()


def test_dates_in_the_future_or_before_birth_are_refused_beside_the_field(
    qtbot, services: Services, runner
) -> None:
    child = _child(services, "Ilse", "Nakamura-Ørsted")
    page = _page(qtbot, services, runner, child)
    page.record.add_observation()
    dialog = _dialog(qtbot, page)
    dialog.text.setPlainText("Climbed the soft-play steps")
    cases = [
        (QDate(2026, 11, 26), QTime(9, 0), "observed_on", "The date is in the future."),
        (QDate(2024, 5, 16), QTime(9, 0), "observed_on", "The date is before the child was born."),
        (QDate(2026, 11, 25), QTime(10, 30), "observed_at", "The time is later than now."),
    ]
    for day, at, field, message in cases:
        dialog.observed_on.setDate(day)
        dialog.observed_at.setTime(at)
        dialog.save_button.click()
        qtbot.waitUntil(lambda f=field: dialog.errors[f].isVisible(), timeout=5000)
        assert dialog.errors[field].text() == message
        assert dialog.isVisible()
    assert services.observations.for_child(child) == []
    # "No time" is the time field's lowest value.
    dialog.observed_on.setDate(QDate(2024, 5, 17))
    dialog.observed_at.setTime(QTime(0, 0))
    assert dialog.observed_at.text() == "Not given"
    dialog.save_button.click()
    _shown_again(qtbot, page, lambda rows: any("soft-play" in r for r in rows))
    [row] = services.observations.for_child(child)
    assert services.observations.get(row.id).observed_at is None


def test_a_20000_word_and_a_right_to_left_observation_are_saved_and_shown(
    qtbot, services: Services, runner
) -> None:
    child = _child(services, "Yasmin", "Al-Farsi")
    page = _page(qtbot, services, runner, child)
    long_text = " ".join(f"Yasmin painted stripe {n} in blue and yellow." for n in range(2_500))
    assert len(long_text.split()) >= 20_000
    arabic = "رسمت ياسمين خطوطاً زرقاء وقالت: «شمس!» ثم עוד פעם."
    for text in (long_text, arabic):
        page.record.dialog = None
        page.record.add_observation()
        dialog = _dialog(qtbot, page)
        dialog.text.setPlainText(text)
        dialog.save_button.click()
        qtbot.waitUntil(lambda d=dialog: not d.isVisible(), timeout=10_000)
    _shown_again(qtbot, page, lambda rows: len(rows) == 2)
    # The timeline shows the start of the long one; the dialog shows it whole.
    assert all(len(r) < 700 for r in _timeline(page))
    for text in (long_text, arabic):
        row = next(o for o in services.observations.for_child(child) if o.text == text)
        page.record.dialog = None
        page.record.open_observation(row.id)
        dialog = _dialog(qtbot, page)
        assert dialog.text.toPlainText() == text
        dialog.reject()


def test_changing_a_shared_observation_asks_why_and_keeps_the_history(
    qtbot, services: Services, runner
) -> None:
    child = _child(services, "Tomás", "Ńwáńkwọ́")
    services.observations.add(
        ObservationInput(child, "Held the spoon", TODAY, share_with_parents=True)
    )
    services.observations.add(ObservationInput(child, "Laughed at the bubbles", TODAY))
    page = _page(qtbot, services, runner, child)

    # A fresh, unshared one needs no reason, until it is to be shared.
    dialog = _open_from_timeline(qtbot, page, "bubbles")
    assert not dialog.reason.isVisibleTo(dialog)
    dialog.share.setChecked(True)
    assert dialog.reason.isVisibleTo(dialog)
    dialog.reject()

    dialog = _open_from_timeline(qtbot, page, "spoon")
    assert dialog.windowTitle() == "Change an observation"
    assert dialog.reason.isVisibleTo(dialog) and dialog.reason_why.text() == SHARED_REASON
    assert not dialog.history_button.isEnabled()
    dialog.text.setPlainText("Held the spoon and fed herself three mouthfuls")
    dialog.save_button.click()
    qtbot.waitUntil(lambda: dialog.errors["reason"].isVisible(), timeout=5000)
    assert dialog.errors["reason"].text() == SHARED_REASON
    assert dialog.focusWidget() is dialog.reason
    qtbot.keyClicks(dialog.reason, "Mum told us the rest at pick-up")
    qtbot.keyClick(dialog.reason, Qt.Key.Key_Return, CTRL)
    _shown_again(qtbot, page, lambda rows: any("three mouthfuls" in r for r in rows))

    dialog = _open_from_timeline(qtbot, page, "three mouthfuls")
    assert dialog.history_button.isEnabled()
    dialog.history_button.click()
    history = dialog.side_dialog
    assert isinstance(history, ObservationHistoryDialog) and history.isVisible()
    text = history.versions.toPlainText()
    assert "by Amira Haddad" in text and "Reason: Mum told us the rest at pick-up" in text
    assert text.endswith("\nHeld the spoon")
    history.reject()
    dialog.reject()


def test_deleting_asks_why_and_leaves_the_record(qtbot, services: Services, runner) -> None:
    child = _child(services, "Zuzanna", "Kowalczyk-Adébáyọ̀")
    obs = services.observations.add(ObservationInput(child, "Waved at the window", TODAY)).id
    page = _page(qtbot, services, runner, child)
    dialog = _open_from_timeline(qtbot, page, "window")
    qtbot.keyClick(dialog, Qt.Key.Key_L, Qt.KeyboardModifier.AltModifier)  # De&lete…
    # A mnemonic "animates" the click: the button is pressed a moment later.
    qtbot.waitUntil(lambda: isinstance(dialog.side_dialog, DeleteObservationDialog), timeout=5000)
    delete = dialog.side_dialog
    # the new dialog takes the keyboard once the window system has activated it
    qtbot.waitUntil(lambda: QApplication.focusWidget() is delete.reason, timeout=5000)
    assert delete.isVisible()
    qtbot.keyClick(delete.reason, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: delete.errors["reason"].isVisible(), timeout=5000)
    assert delete.errors["reason"].text() == "Please say why you are deleting this observation."
    qtbot.keyClicks(delete.reason, "Written on the wrong child's record")
    qtbot.keyClick(delete.reason, Qt.Key.Key_Return)
    _shown_again(qtbot, page, lambda rows: rows == [])
    assert not dialog.isVisible() and not delete.isVisible()
    [revision] = services.observations.history(obs)
    assert (revision.change, revision.reason) == ("deleted", "Written on the wrong child's record")
    assert services.observations.search("window") == []


def test_the_outcome_picker_lists_the_childs_plan(qtbot, services: Services, runner) -> None:
    child = _child(services, "Aroha", "Te Whīti")
    services.support.add_plan(
        PlanInput(
            child,
            started_on=TODAY - dt.timedelta(days=20),
            review_on=TODAY + dt.timedelta(days=40),
            outcomes=[
                OutcomeInput("Will ask for help with a sign", "communication_and_interaction")
            ],
            interventions="Makaton signs at snack time",
            title="Spring plan",
        )
    )
    page = _page(qtbot, services, runner, child)
    page.record.add_observation()
    dialog = _dialog(qtbot, page)
    assert dialog.outcome.isEnabled()
    assert [dialog.outcome.itemText(n) for n in range(dialog.outcome.count())] == [
        "Not linked to an outcome",
        "Will ask for help with a sign (Spring plan)",
    ]
    dialog.outcome.setCurrentIndex(1)
    dialog.text.setPlainText("Signed “help” at snack time")
    dialog.save_button.click()
    _shown_again(qtbot, page, lambda rows: any("Signed" in r for r in rows))
    [row] = services.observations.for_child(child)
    assert services.observations.get(row.id).outcome_text == "Will ask for help with a sign"
