"""Opening a home visit's editor: a visit started for a child (or the child's visit in
progress), or a visit chosen; an editor already open on the visit is brought forward."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from earlyyears_desktop.services.container import Services
from earlyyears_desktop.ui.operations import OpRunner
from earlyyears_desktop.ui.visit_dialogs import cannot_start_visit
from earlyyears_desktop.ui.visit_editor import VisitEditor


def open_visit_editor(
    parent: QWidget,
    services: Services,
    runner: OpRunner,
    *,
    child_id: str | None = None,
    visit_id: str | None = None,
) -> VisitEditor | None:
    """Open a visit's editor (`visit_id`), or start a visit for a child (`child_id`: a new
    one dated today, or the child's visit in progress) and open it once the vault answers.
    An editor already open on the visit is brought forward rather than opened twice."""
    if (child_id is None) == (visit_id is None):
        raise ValueError("Give a child to start a visit for, or a visit to open.")
    if visit_id is not None:
        return _show_editor(parent, services, runner, visit_id)
    visits, child = services.home_visits, child_id
    assert child is not None
    runner.run(
        lambda: visits.start(child),
        on_done=lambda saved: _opened(_show_editor(parent, services, runner, saved.id)),
        on_error=lambda error: cannot_start_visit(parent, error),
        changes=lambda saved: saved.changes,
    )
    return None


def _show_editor(
    parent: QWidget, services: Services, runner: OpRunner, visit_id: str
) -> VisitEditor:
    for editor in parent.window().findChildren(VisitEditor):
        if editor.visit_id == visit_id and not editor.closed:
            editor.raise_()
            editor.activateWindow()
            return editor
    editor = VisitEditor(services, runner, visit_id, parent)
    editor.show()
    editor.raise_()
    editor.activateWindow()
    return editor


def _opened(_editor: VisitEditor) -> None:
    """The editor is open (started from a child: the runner wants no answer)."""
