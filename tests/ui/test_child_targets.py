"""The Teaching targets box on a child's record: set a target by keyboard alone (a target with
no steps refused beside the field), its steps rated over three visits, the app's suggestion
marking the step when the worker presses it, and the progress chart with its text table."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QWidget

from earlyyears_desktop.domain.enums import ProgressRating, TargetStatus
from earlyyears_desktop.services.children import ChildInput
from earlyyears_desktop.services.container import Services
from earlyyears_desktop.services.home_visits import StepRating
from earlyyears_desktop.services.targets import Rating, StepView, TargetView
from earlyyears_desktop.ui.child_record import ChildRecordView, read_child_view
from earlyyears_desktop.ui.child_targets import EMPTY, SUGGESTION, TargetsBox, target_html
from earlyyears_desktop.ui.target_chart import (
    ACHIEVED_LOOK,
    RATING_LOOK,
    TargetChartDialog,
    chart_day,
)
from earlyyears_desktop.ui.target_dialog import AchieveStepDialog, EndTargetDialog, TargetDialog

from ..fast_vaults import make_vault

TODAY = dt.date(2026, 11, 25)
STEPS = [
    "Looks at the adult when the activity stops",
    "Reaches or points to ask for more",
    "Uses the sign or word 'more' with a model",
]
VISITS = [
    (dt.date(2026, 10, 6), ProgressRating.DEVELOPING),
    (dt.date(2026, 10, 20), ProgressRating.ACHIEVED),
    (dt.date(2026, 11, 3), ProgressRating.ACHIEVED),
]


@pytest.fixture(scope="module")
def services(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Services]:
    """One cheap vault for the module; each test has a child of its own."""
    created = make_vault(tmp_path_factory.mktemp("targets-box") / "vault")
    try:
        yield Services(created.vault, today=lambda: TODAY)
    finally:
        created.vault.lock()


def _child(services: Services) -> str:
    return services.children.create_child(ChildInput("Zoë", "Adeyemi", dt.date(2023, 3, 14))).id


def _alt(qtbot, key: Qt.Key) -> None:
    qtbot.keyClick(_focused(), key, Qt.KeyboardModifier.AltModifier)


def _focused() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None
    return widget


def _shown(box: TargetsBox) -> str:
    return " ".join(label.text() for label in box.active.findChildren(QLabel))


def _dialog(qtbot, box: TargetsBox, kind: type) -> object:
    qtbot.waitUntil(lambda: isinstance(box.dialog, kind) and box.dialog.isVisible(), timeout=5000)
    dialog = box.dialog
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog, timeout=5000)
    return dialog


def test_add_a_target_by_keyboard_on_the_childs_record(qtbot, services: Services, runner) -> None:
    child = _child(services)
    record = ChildRecordView(services, runner)
    qtbot.addWidget(record)
    record.resize(700, 900)
    record.show()
    record.activateWindow()
    box = record.targets_box
    with qtbot.waitSignal(box.loaded, timeout=5000):
        record.show_child(read_child_view(services, child))
    assert box.isVisible() and EMPTY in _shown(box) and box.buttons == {}

    box.add_button.setFocus()
    _alt(qtbot, Qt.Key.Key_D)
    dialog = _dialog(qtbot, box, TargetDialog)
    assert isinstance(dialog, TargetDialog)
    _alt(qtbot, Qt.Key.Key_K)
    qtbot.keyClicks(_focused(), "Comm")
    assert dialog.skill_area.currentText().startswith("Comm")  # completes from the list
    dialog.skill_area.setCurrentText("Communication")
    _alt(qtbot, Qt.Key.Key_T)
    assert _focused() is dialog.wording
    qtbot.keyClicks(dialog.wording, "Asks for 'more' using a word or sign")
    _alt(qtbot, Qt.Key.Key_W)
    qtbot.keyClicks(dialog.set_with, "Mum (Funmi)")
    qtbot.keyClick(dialog.set_with, Qt.Key.Key_Return)  # no steps yet: refused beside them
    qtbot.waitUntil(lambda: dialog.errors["steps"].isVisible(), timeout=5000)
    assert dialog.errors["steps"].text() == (
        "Please write at least one small step towards the target."
    )
    assert _focused() is dialog.steps and services.targets.for_child(child) == []

    for n, step in enumerate(STEPS):
        if n:
            qtbot.keyClick(dialog.steps, Qt.Key.Key_Return)  # one step a line
        qtbot.keyClicks(dialog.steps, step)
    qtbot.keyClick(dialog.steps, Qt.Key.Key_Tab)
    assert _focused() is dialog.set_with
    with qtbot.waitSignal(box.loaded, timeout=5000):
        qtbot.keyClick(dialog.set_with, Qt.Key.Key_Return)
    (view,) = services.targets.for_child(child)
    assert (view.skill_area, view.set_with, view.set_on) == ("Communication", "Mum (Funmi)", TODAY)
    assert [s.text for s in view.steps] == STEPS
    assert f"Step 1 of 3: {STEPS[0]}" in _shown(box) and "Set with Mum (Funmi)" in _shown(box)
    assert set(box.buttons[view.id]) == {"achieve", "edit", "finish", "stop", "chart"}

    # On the timeline too; Enter there takes the keyboard to the target's first button.
    timeline = record.timeline.model
    qtbot.waitUntil(
        lambda: any(
            (e := timeline.entry(n)) is not None and e.event == "target_set"
            for n in range(timeline.rowCount())
        ),
        timeout=5000,
    )
    record.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is record, timeout=5000)
    record.timeline.open_requested.emit("teaching_target", view.id)
    assert _focused() is box.buttons[view.id]["achieve"]
    runner.wait_for_idle()


def test_steps_over_three_visits_the_suggestion_and_the_chart(
    qtbot, services: Services, runner
) -> None:
    child = _child(services)
    target = services.targets.add(
        child, "Communication", "Asks for more", STEPS, set_on=dt.date(2026, 9, 29)
    ).id
    for day, rating in VISITS:
        services.home_visits.record(
            child,
            day,
            carers_present="Mum",
            activities="Bubbles",
            family_will_practise="Pause and wait",
            ratings=[
                StepRating(target, rating, note="Looked up at Mum" if day == VISITS[0][0] else "")
            ],
        )
    box = TargetsBox(services, runner)
    qtbot.addWidget(box)
    box.show()
    box.activateWindow()
    with qtbot.waitSignal(box.loaded, timeout=5000):
        box.show_child(child)
    assert SUGGESTION in _shown(box)
    mark = box.suggest_buttons[target]
    assert mark.accessibleName() == "Mark step 1 of Asks for more achieved, as suggested"
    assert services.targets.progress(target).current_step.text == STEPS[0]  # only suggested

    # The worker presses it: the date offered is the last visit rating it Achieved.
    mark.setFocus()
    qtbot.keyClick(mark, Qt.Key.Key_Space)
    dialog = _dialog(qtbot, box, AchieveStepDialog)
    assert dialog.achieved_on.date().toPython() == VISITS[2][0]
    with qtbot.waitSignal(box.loaded, timeout=5000):
        qtbot.keyClick(_focused(), Qt.Key.Key_Return)
    view = services.targets.progress(target)
    assert view.steps[0].achieved_on == VISITS[2][0] and view.current_step.text == STEPS[1]
    assert f"Step 2 of 3: {STEPS[1]}" in _shown(box) and SUGGESTION not in _shown(box)
    assert target not in box.suggest_buttons and "undo" in box.buttons[target]

    # The chart: a point a visit, in its rating's colour and shape; the step achieved starred.
    box.buttons[target]["chart"].click()
    chart = _dialog(qtbot, box, TargetChartDialog)
    assert isinstance(chart, TargetChartDialog)
    assert chart.windowTitle() == "Progress: Asks for more"

    def points(series) -> list[tuple[dt.date, float]]:
        return [(chart_day(p.x()), p.y()) for p in series.points()]

    assert points(chart.series[ProgressRating.EMERGING]) == []
    assert points(chart.series[ProgressRating.DEVELOPING]) == [(VISITS[0][0], 1.0)]
    assert points(chart.series[ProgressRating.ACHIEVED]) == [
        (VISITS[1][0], 1.0),
        (VISITS[2][0], 1.0),
    ]
    assert points(chart.achieved_series) == [(VISITS[2][0], 1.0)]
    looks = {
        (s.color().name(), s.markerShape()) for s in [*chart.series.values(), chart.achieved_series]
    }
    assert len(looks) == 4 and len({shape for _, shape in looks}) == 4  # never colour alone
    for rating, (colour, shape) in RATING_LOOK.items():
        assert (chart.series[rating].color().name(), chart.series[rating].markerShape()) == (
            colour.lower(),
            shape,
        )
        assert chart.series[rating].name() == rating.label
    assert chart.achieved_series.markerShape() == ACHIEVED_LOOK[1]
    legend = [m.label() for m in chart.chart.legend().markers() if m.isVisible()]
    assert legend == ["Step marked achieved", "Emerging", "Developing", "Achieved"]
    assert [chart.y_axis.categoriesLabels()] == [["Step 1", "Step 2", "Step 3"]]
    # The same in words, for screen readers.
    assert chart.table_rows() == [
        ("6 Oct 2026", "1 of 3", STEPS[0], "Developing", "Looked up at Mum"),
        ("20 Oct 2026", "1 of 3", STEPS[0], "Achieved", ""),
        ("3 Nov 2026", "1 of 3", STEPS[0], "Achieved", ""),
    ]
    assert "achieved 3 Nov 2026" in chart.steps_label.text()
    assert chart.table.accessibleName() == "Ratings at each visit, oldest first"
    chart.reject()
    runner.wait_for_idle()


def test_edit_keeps_achieved_steps_stop_needs_a_reason_finish_and_undo(
    qtbot, services: Services, runner
) -> None:
    child = _child(services)
    targets = services.targets
    kept = targets.add(child, "Self-help", "Drinks from an open cup", STEPS, set_on=TODAY).id
    ended = targets.add(
        child, "Physical / motor", "Climbs the stairs", ["One step"], set_on=TODAY
    ).id
    targets.achieve_step(targets.progress(kept).steps[0].id, TODAY)
    first = targets.progress(kept).steps[0]
    box = TargetsBox(services, runner)
    qtbot.addWidget(box)
    box.show()
    with qtbot.waitSignal(box.loaded, timeout=5000):
        box.show_child(child)

    # Edit: the achieved step is shown apart and stays; the others are reordered and added to.
    box.buttons[kept]["edit"].click()
    dialog = _dialog(qtbot, box, TargetDialog)
    assert isinstance(dialog, TargetDialog) and not dialog.set_on.isEnabled()
    assert STEPS[0] in dialog.achieved.text() and STEPS[0] not in dialog.steps.toPlainText()
    dialog.steps.setPlainText(f"{STEPS[2]}\n{STEPS[1]}\nDrinks with no spills")
    with qtbot.waitSignal(box.loaded, timeout=5000):
        dialog.save_button.click()
    view = targets.progress(kept)
    assert [s.text for s in view.steps] == [STEPS[0], STEPS[2], STEPS[1], "Drinks with no spills"]
    assert view.steps[0] == first

    # Undo the step achieved (a mistake), after a question.
    box.buttons[kept]["undo"].click()
    qtbot.waitUntil(lambda: box.dialog is not None and box.dialog.isVisible(), timeout=5000)
    with qtbot.waitSignal(box.loaded, timeout=5000):
        box.dialog.buttons()[0].click()  # "Undo"
    assert targets.progress(kept).current_step == StepView(first.id, 0, STEPS[0], None)
    assert "undo" not in box.buttons[kept]

    # Stop: a reason is needed, shown beside it; then the target moves to the ended list.
    box.buttons[ended]["stop"].click()
    dialog = _dialog(qtbot, box, EndTargetDialog)
    dialog.save_button.click()
    qtbot.waitUntil(lambda: dialog.errors["end_reason"].isVisible(), timeout=5000)
    assert dialog.errors["end_reason"].text() == "Please say why the target is stopped."
    dialog.reason.setPlainText("The family asked to work on sleep first.")
    with qtbot.waitSignal(box.loaded, timeout=5000):
        dialog.save_button.click()
    assert box.ended_button.text() == "Show finished and stopped (1)"
    assert set(box.buttons[ended]) == {"chart"} and not box.ended.isVisible()
    box.ended_button.click()
    assert box.ended.isVisible()

    # Finish, with an optional note.
    box.buttons[kept]["finish"].click()
    dialog = _dialog(qtbot, box, EndTargetDialog)
    with qtbot.waitSignal(box.loaded, timeout=5000):
        dialog.save_button.click()
    assert targets.progress(kept).achieved_on == TODAY
    assert EMPTY in _shown(box) and box.ended_button.text() == "Show finished and stopped (2)"
    runner.wait_for_idle()


def test_a_target_rated_before_it_had_steps_charts_in_the_table_only(qtbot) -> None:
    """A target from before targets had steps of their own (its ratings name no step)."""
    view = TargetView(
        "t1",
        "c1",
        "Communication",
        "Asks for more",
        TargetStatus.ACTIVE,
        dt.date(2026, 9, 1),
        "",
        (),
        ratings=(Rating("v1", dt.date(2026, 9, 8), None, ProgressRating.EMERGING, ""),),
    )
    chart = TargetChartDialog(view)
    qtbot.addWidget(chart)
    assert all(not s.points() for s in chart.series.values())
    assert chart.table_rows() == [("8 Sep 2026", "Not recorded", "", "Emerging", "")]
    assert "No small steps yet" in target_html(view)
