"""Screenshots of a home visit, for docs/user-guide.md ("A home visit").

Called by scripts/screenshots.py with the main window unlocked on the demo vault:

    visit_shots(app, window, out)

Starts a visit for a demo child with a teaching target and saves `visit-editor.png` (a visit
being written: who was there, what we did, the target's step rated, an observation, a
strategy shared, the next visit), `visit-finished.png` (read-only, with Edit… and History…)
and `visit-history.png` (a change kept with its reason). Every name shown is invented by the
demo package.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtWidgets import QApplication, QLineEdit, QPlainTextEdit

from earlyyears_desktop.domain.enums import ProgressRating
from earlyyears_desktop.services.children import ChildFilter
from earlyyears_desktop.services.observations import ObservationInput
from earlyyears_desktop.ui.main_window import MainWindow
from earlyyears_desktop.ui.visit_dialogs import VisitHistoryDialog
from earlyyears_desktop.ui.visit_editor import VisitEditor
from earlyyears_desktop.ui.visit_opening import open_visit_editor

WORDS = {
    "carers_present": "Mum and Grandad",
    "siblings_present": "Big sister (6), home from school",
    "activities": "Bubbles, the posting box and 'Row, row, row your boat'.",
    "how_it_went": "Waited for the bubbles and looked at Mum when she paused.",
    "family_will_practise": "Pause before blowing more bubbles, and wait for a look or a reach.",
}


def visit_shots(app: QApplication, window: MainWindow, out: Path) -> None:
    from screenshots import save, settle, wait_until  # the runner of all the shots

    services = window.services
    assert services is not None
    child = next(
        c
        for c in services.children.search_ids(ChildFilter())
        if services.targets.for_child(c, active_only=True)
    )
    open_visit_editor(window, services, window.runner, child_id=child)
    wait_until(app, lambda: bool(window.findChildren(VisitEditor)))
    (editor,) = window.findChildren(VisitEditor)
    wait_until(app, lambda: editor.view is not None and editor.isEnabled())
    view = editor.view
    assert view is not None
    for name, text in WORDS.items():
        widget = editor.form.widgets[name]
        if isinstance(widget, QLineEdit):
            widget.setText(text)
            widget.textEdited.emit(text)
        elif isinstance(widget, QPlainTextEdit):
            widget.setPlainText(text)
    next_visit = view.visited_on + dt.timedelta(days=14)
    editor.form.next_visit_on.setText(next_visit.strftime("%d/%m/%Y"))
    editor.form.next_visit_on.textEdited.emit(editor.form.next_visit_on.text())
    row = next(iter(editor.form.targets.rows.values()))
    row.choose(ProgressRating.DEVELOPING)
    row.note.setText("Reached twice, looked once")
    row.note.textEdited.emit(row.note.text())
    services.observations.add(
        ObservationInput(
            child,
            "Reached for the bubble wand and said 'ba' when Mum paused.",
            view.visited_on,
            context="home_visit",
            home_visit_id=view.id,
            share_with_parents=True,
        )
    )
    library = services.strategies.find()
    if library:
        services.home_visits.share_strategy(view.id, library[0].id)
    editor.flush_pending()
    editor.reload()
    wait_until(app, lambda: window.runner.running == 0 and editor.state.text() == "Saved ✓")
    settle(app, 0.4)
    save(editor, out, "visit-editor")

    editor.finish()
    wait_until(app, lambda: editor.view is not None and editor.view.finished)
    settle(app, 0.3)
    save(editor, out, "visit-finished")

    services.home_visits.edit(
        view.id, {"carers_present": "Mum, Grandad and Dad"}, "Dad came home before we finished"
    )
    editor.reload(fields=True)
    editor.show_history()
    wait_until(app, lambda: bool(editor.findChildren(VisitHistoryDialog)))
    (history,) = editor.findChildren(VisitHistoryDialog)
    settle(app, 0.3)
    save(history, out, "visit-history")
    history.reject()
    editor.reject()
    settle(app)
