"""Screenshots of writing, changing and deleting an observation, for docs/user-guide.md.

Called from scripts/screenshots.py with the Children page showing a demo child's record (Zoë);
it writes one observation and changes one of hers, as a practitioner would, so the pictures
that follow (the children list) may show them.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QApplication, QWidget

from earlyyears_desktop.ui.children_page import ChildrenPage
from earlyyears_desktop.ui.observation_dialog import ObservationDialog

Wait = Callable[..., None]


def observation_shots(
    app: QApplication,
    children: ChildrenPage,
    out: Path,
    wait_until: Wait,
    save: Callable[[QWidget, Path, str], None],
) -> None:
    record = children.record
    assert record.view is not None
    services = record.services

    def dialog_opened() -> ObservationDialog:
        wait_until(
            app, lambda: isinstance(record.dialog, ObservationDialog) and record.dialog.isVisible()
        )
        dialog = record.dialog
        assert isinstance(dialog, ObservationDialog)
        dialog.resize(640, 620)
        return dialog

    # A new observation, shared with the family.
    record.dialog = None
    record.add_observation()
    new = dialog_opened()
    new.text.setPlainText(
        "Zoë brought the blue car to me and said “go” when I paused the ramp game. "
        "She waited for my turn twice before pushing the car again."
    )
    new.area.set_value("communication_and_interaction")
    new.share.setChecked(True)
    save(new, out, "observation-new")
    new.save()
    wait_until(app, lambda: not new.isVisible())

    # Changing one already shared: the reason is asked for beside its field.
    shared = next(
        o
        for o in services.observations.for_child(record.view.record.id)
        if o.share_with_parents and "blue car" not in o.text
    )
    record.dialog = None
    record.open_observation(shared.id)
    edit = dialog_opened()
    edit.text.setPlainText(edit.text.toPlainText() + " Mum says she does this at home too.")
    edit.save()
    wait_until(app, lambda: edit.errors["reason"].isVisible())
    save(edit, out, "observation-reason")
    edit.reason.setText("Added what Mum told us at pick-up")
    edit.save()
    wait_until(app, lambda: not edit.isVisible())

    # Its history, then the delete dialog (left unsaved).
    record.dialog = None
    record.open_observation(shared.id)
    again = dialog_opened()
    again.show_history()
    wait_until(app, lambda: again.side_dialog is not None and again.side_dialog.isVisible())
    save(again.side_dialog, out, "observation-history")
    again.side_dialog.reject()
    again.ask_delete()
    wait_until(app, lambda: again.side_dialog is not None and again.side_dialog.isVisible())
    again.side_dialog.reason.setText("Written on the wrong child's record")
    save(again.side_dialog, out, "observation-delete")
    again.side_dialog.reject()
    again.reject()
