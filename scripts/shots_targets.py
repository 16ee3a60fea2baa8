"""Screenshots of a child's teaching targets for docs/user-guide.md ("Teaching targets"): the
Teaching targets box on Zoë's record (with the app's suggestion), the target dialog, and a
target's progress chart.

Called from scripts/screenshots.py with the demo window unlocked and a child's record open;
every name is invented by the demo package.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtWidgets import QApplication

from earlyyears_desktop.domain.enums import ProgressRating
from earlyyears_desktop.services.home_visits import StepRating
from earlyyears_desktop.ui.main_window import MainWindow
from earlyyears_desktop.ui.target_chart import TargetChartDialog
from earlyyears_desktop.ui.target_dialog import TargetDialog

_RATED = (ProgressRating.DEVELOPING, ProgressRating.ACHIEVED, ProgressRating.ACHIEVED)


def target_shots(app: QApplication, window: MainWindow, out: Path) -> None:
    """Saves child-targets.png, target-dialog.png and target-chart.png."""
    from screenshots import save, settle, wait_until  # the runner of all the shots

    record = window.page("children").record
    assert record.view is not None, "open a child's record first"
    child_id = record.view.record.id
    services = window.services
    today = services.clock.today()
    box = record.targets_box
    if not services.targets.for_child(child_id):  # the demo sets none for this child
        target = services.targets.add(
            child_id,
            "Communication",
            "Zoë will ask for 'more' using a word or sign",
            ["Looks at the adult when the activity stops", "Reaches or points to ask for more"],
            set_on=today - dt.timedelta(days=50),
            set_with="Mother (Funmi)",
        ).id
        for weeks, rating in zip((6, 4, 2), _RATED, strict=True):
            services.home_visits.record(
                child_id,
                today - dt.timedelta(weeks=weeks),
                carers_present="Mother (Funmi)",
                activities="Bubbles and a posting box",
                family_will_practise="Pause before blowing more bubbles.",
                ratings=[StepRating(target, rating)],
            )
    services.targets.add(
        child_id,
        "Self-help",
        "Zoë will drink from an open cup",
        ["Holds the cup with two hands", "Sips with an adult steadying it", "Sips on her own"],
        set_on=today - dt.timedelta(days=7),
        set_with="Grandad (Tunde)",
    )
    box.reload()
    wait_until(app, lambda: len(box.rows) >= 2)
    record.ensureWidgetVisible(box)
    settle(app, 0.3)
    save(box, out, "child-targets")

    box.add()
    wait_until(app, lambda: isinstance(box.dialog, TargetDialog))
    dialog = box.dialog
    assert isinstance(dialog, TargetDialog)
    dialog.skill_area.setCurrentText("Physical / motor")
    dialog.wording.setText("Zoë will walk up the stairs holding the rail")
    dialog.steps.setPlainText(
        "Crawls up two stairs with an adult behind her\nSteps up one stair holding two hands\n"
        "Steps up holding the rail and one hand\nWalks up holding the rail"
    )
    dialog.set_with.setText("Mother (Funmi)")
    dialog.resize(560, dialog.sizeHint().height() + 60)
    settle(app, 0.3)
    save(dialog, out, "target-dialog")
    dialog.reject()

    # The worker accepts the suggestion (if there is one), then opens the chart.
    view = next(v for v in box.rows if v.ratings)
    if view.suggested_step is not None:
        services.targets.achieve_step(view.suggested_step.id, view.ratings[-1].visited_on)
    box.chart(view)
    wait_until(app, lambda: isinstance(box.dialog, TargetChartDialog))
    chart = box.dialog
    assert isinstance(chart, TargetChartDialog)
    chart.resize(760, 720)
    settle(app, 0.5)
    save(chart, out, "target-chart")
    chart.reject()
    box.reload()
