"""Screenshots of the Plans & reviews page for docs/user-guide.md, called by
scripts/screenshots.py with the demo's main window, unlocked."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QApplication

from earlyyears_desktop.ui.main_window import MainWindow


def plans_shots(app: QApplication, window: MainWindow, out: Path) -> None:
    """plans.png (the list and the plan with three reviews, shown whole), plan-dialog.png (a
    new plan with its review date refused beside the field) and plan-review-dialog.png (a
    review: progress on each outcome with its evidence, both views, the next review)."""
    from screenshots import save, settle, wait_until  # the runner of all the shots

    from earlyyears_desktop.ui.plan_dialogs import PlanDialog
    from earlyyears_desktop.ui.plans_page import PlansPage

    window.show_page("plans")
    page = window.page("plans")
    assert isinstance(page, PlansPage)
    wait_until(app, lambda: page.list.count() > 0 and page.plan is not None)
    for row in range(page.list.count()):
        if "talking and playing" in page.list.item(row).text():
            page.list.setCurrentRow(row)
    wait_until(app, lambda: page.plan is not None and len(page.plan.reviews) == 3)
    settle(app, 0.3)
    save(window, out, "plans")

    page.review()
    wait_until(app, lambda: page.dialog is not None and page.dialog.isVisible())
    review = page.dialog
    settle(app, 0.3)
    save(review, out, "plan-review-dialog")
    review.reject()

    page.new_plan()
    wait_until(app, lambda: page.dialog is not None and page.dialog.isVisible())
    dialog = page.dialog
    assert isinstance(dialog, PlanDialog)
    dialog.title_edit.setText("My support plan: sharing and turns")
    dialog.review_on.setDate(dialog.started_on.date())  # refused: not after the start
    dialog.editors[0].text.setText("Will wait for a turn with the sand timer")
    dialog.save()
    wait_until(app, lambda: dialog.errors["review_on"].isVisible())
    save(dialog, out, "plan-dialog")
    dialog.reject()
    settle(app)
