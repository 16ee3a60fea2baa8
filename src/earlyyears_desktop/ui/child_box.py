"""The part every box of a child's record shares (strategies, teaching targets, support plans):
it reads its own rows on the database thread when the record shows a child, again when a change
touches what it shows, and drops a reply for a child no longer shown (or a read overtaken by a
newer one); a failure is said in the box."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QGroupBox, QWidget
from shiboken6 import isValid

from earlyyears_desktop.services.container import Services
from earlyyears_desktop.services.unit_of_work import Changes
from earlyyears_desktop.ui.error_text import error_text
from earlyyears_desktop.ui.operations import OpRunner
from earlyyears_desktop.ui.widgets import FieldError


class ChildBox(QGroupBox):
    """A box of a child's record over one service read (`read`, shown by `show_rows`)."""

    #: the entities whose changes make the box read again
    entities: tuple[str, ...] = ()

    def __init__(
        self,
        title: str,
        services: Services,
        runner: OpRunner,
        field: str,
        problem_name: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(title, parent)
        self.services = services
        self.runner = runner
        self.child_id: str | None = None
        self._generation = 0
        #: where a failure to read or to act is said (each box places it in its layout)
        self.message = FieldError(field)
        self.message.setAccessibleName(problem_name)
        runner.changed.connect(self._on_changes)

    # ---- what each box does ----

    def read(self, child_id: str) -> Callable[[], Any]:
        """The work (run on the database thread) that reads the box's rows for the child."""
        raise NotImplementedError

    def show_rows(self, child_id: str, answer: Any) -> None:
        """Put the rows read on screen."""
        raise NotImplementedError

    def forget(self) -> None:
        """Take the rows of the child shown off the screen (and close the box's dialogs)."""
        raise NotImplementedError

    # ---- shared ----

    def show_child(self, child_id: str) -> None:
        """Show this child's rows (read on the database thread)."""
        if child_id != self.child_id:
            self.clear()
            self.child_id = child_id
        self.reload()

    def reload(self) -> None:
        child_id = self.child_id
        if child_id is None:
            return
        self._generation += 1
        generation = self._generation
        self.runner.run(
            self.read(child_id),
            on_done=lambda answer: self._answered(generation, child_id, answer),
            on_error=self._failed,
        )

    def clear(self) -> None:
        """Forget the child shown (on lock, or when the record shows nobody)."""
        self._generation += 1
        self.child_id = None
        self.message.clear_message()
        self.forget()

    def _answered(self, generation: int, child_id: str, answer: Any) -> None:
        if generation != self._generation or not isValid(self):
            return  # another child, or a newer read, since; or the record has been closed
        self.message.clear_message()
        self.show_rows(child_id, answer)

    def _failed(self, error: BaseException) -> None:
        if isValid(self):
            self.message.show_message(error_text(error))

    def _on_changes(self, changes: Changes) -> None:
        if self.child_id is not None and changes.touches(*self.entities):
            self.reload()
