"""A home visit, written in the family's living room: who was there, what we did, each
target's current step rated, observations, strategies shared, what the family will practise
and the next visit's date.

A visit in progress is saved as it is typed (`AUTOSAVE_DELAY_MS` after the typing stops, each
rating at once) and at once when the editor closes: by Esc, by the window closing, or by the
lock, which closes every dialog (`done` saves first, so nothing typed is lost; a note being
written in the observation box is saved as an observation too). **Ctrl+Return** finishes the
visit. A finished visit is read-only until **Edit…**; its changes are saved together, with a
reason, and kept in its history (**History…**).

`ui/visit_opening.py` `open_visit_editor` starts a visit for a child (or opens the one in
progress) or opens a visit, and shows its editor; the Home visits page and the child's record
call it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from earlyyears_desktop.domain.enums import ObservationContext, ProgressRating
from earlyyears_desktop.domain.errors import ValidationError
from earlyyears_desktop.services.clock import Clock
from earlyyears_desktop.services.container import Services
from earlyyears_desktop.services.observations import ObservationInput
from earlyyears_desktop.services.unit_of_work import Changes, Saved
from earlyyears_desktop.services.visit_views import (
    VISIT_DATE_FIELDS,
    VISIT_FIELDS,
    VisitView,
)
from earlyyears_desktop.ui.error_text import error_text
from earlyyears_desktop.ui.operations import OpRunner
from earlyyears_desktop.ui.register_observations import QuickNoteDialog
from earlyyears_desktop.ui.visit_dialogs import (
    ReasonDialog,
    ShareStrategyDialog,
    VisitHistoryDialog,
)
from earlyyears_desktop.ui.visit_form import VisitForm
from earlyyears_desktop.ui.widgets import heading, long_date

AUTOSAVE_DELAY_MS = 800
FINISH_KEYS = ("Ctrl+Return", "Ctrl+Enter")
SAVED = "Saved ✓"
SAVING = "Saving…"


def visit_note_input(
    clock: Clock,
    view: VisitView,
    text: str,
    share_with_parents: bool,
    area_of_need: str,
) -> ObservationInput:
    """The observation noted at a visit: of the visit, on its date, at the clock's time of day
    when the visit is today."""
    now = clock.now()
    at = now.time().replace(second=0, microsecond=0) if view.visited_on == now.date() else None
    return ObservationInput(
        child_id=view.child_id,
        text=text,
        observed_on=view.visited_on,
        observed_at=at,
        context=ObservationContext.HOME_VISIT.value,
        home_visit_id=view.id,
        share_with_parents=share_with_parents,
        area_of_need=area_of_need,
    )


class VisitEditor(QDialog):
    """One home visit: editable and autosaved while in progress, read-only once finished."""

    def __init__(
        self, services: Services, runner: OpRunner, visit_id: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.services = services
        self.runner = runner
        self.visit_id = visit_id
        self.view: VisitView | None = None
        #: fields typed and not yet sent to the vault; target ids whose note was typed
        self._pending: set[str] = set()
        self._pending_notes: set[str] = set()
        #: a finished visit being changed (saved with a reason, never as it is typed)
        self.editing = False
        self.closed = False
        self._in_flight = 0
        self.note_dialog: QuickNoteDialog | None = None
        self.setModal(False)
        self.setWindowTitle("Home visit")
        self.setAccessibleName("Home visit")
        self.setMinimumSize(760, 520)
        self.resize(1040, 700)
        self.setSizeGripEnabled(True)
        self._timer = QTimer(self, singleShot=True, interval=AUTOSAVE_DELAY_MS)
        self._timer.timeout.connect(self.save_now)

        self.title = heading("Home visit")
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setAccessibleName("About this visit")
        self.form = VisitForm(services.clock.today())
        self.form.edited.connect(self._edited)
        self.form.targets.rated.connect(self._rated)
        self.form.targets.note_edited.connect(self._note_edited)
        self.form.note_button.clicked.connect(self.note_observation)
        self.form.share_button.clicked.connect(self.share_strategy)
        self.form.unshare_button.clicked.connect(self.unshare_strategy)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setAccessibleName("The visit's record")
        scroll.setWidget(self.form)

        self.state = QLabel()
        self.state.setAccessibleName("Saving state")
        self.history_button = self._button("Histor&y…", "History of changes", self.show_history)
        self.edit_button = self._button("&Edit…", "Edit the finished visit", self.start_edit)
        self.save_edit_button = self._button(
            "&Save changes… (Ctrl+Return)", "Save changes with a reason", self.save_edit
        )
        self.cancel_edit_button = self._button(
            "&Undo changes", "Undo the changes not saved", self.cancel_edit
        )
        self.finish_button = self._button(
            "&Finish visit (Ctrl+Return)", "Finish visit", self.finish
        )
        self.documents_button = self._button(
            "For the fa&mily…", "Documents for the family", self.family_documents
        )
        self.discard_button = self._button(
            "D&iscard this visit…", "Discard this visit started by mistake", self.discard
        )
        self.close_button = self._button("Close (Esc)", "Close", self.reject)
        bar = QHBoxLayout()
        bar.addWidget(self.state, 1)
        for button in (
            self.discard_button,
            self.documents_button,
            self.history_button,
            self.edit_button,
            self.cancel_edit_button,
            self.save_edit_button,
            self.finish_button,
            self.close_button,
        ):
            button.setAutoDefault(False)
            bar.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.status)
        layout.addWidget(scroll, 1)
        layout.addLayout(bar)
        for keys in FINISH_KEYS:
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
            shortcut.activated.connect(self._ctrl_return)
        self.setEnabled(False)  # until the visit is read
        runner.changed.connect(self._changed)
        self.reload(fields=True)

    def family_documents(self) -> None:
        """The visit record and a week's activity chart, previewed to print or save."""
        from earlyyears_desktop.ui.document_preview import show_family_documents  # QtPdf

        show_family_documents(self, self.services, self.runner, visit_id=self.visit_id)

    # ---- building ----

    def _button(self, text: str, name: str, on_click: Callable[[], object]) -> QPushButton:
        button = QPushButton(text)
        button.setAccessibleName(name)
        button.clicked.connect(on_click)
        return button

    # ---- reading ----

    def reload(self, *, fields: bool = False) -> None:
        visits, visit_id = self.services.home_visits, self.visit_id
        self.runner.run(
            lambda: visits.get(visit_id),
            on_done=lambda view: self.show_visit(view, fields=fields),
            on_error=self._read_failed,
        )

    def show_visit(self, view: VisitView, *, fields: bool) -> None:
        """Show the visit; the typed fields only when asked (never over typing in progress)."""
        if self.closed:
            return
        opening = self.view is None
        self.view = view
        self.title.setText(f"Home visit: {view.child_name}")
        self.setWindowTitle(f"Home visit: {view.child_name}")
        if fields:
            self.form.show_fields(view)
        self.form.show_lists(view, typing=self._pending_notes)
        self._apply_mode()
        self.setEnabled(True)
        if opening:
            start = self.form.widgets["carers_present"] if not view.finished else self.close_button
            start.setFocus()

    def _apply_mode(self) -> None:
        view = self.view
        finished = view is not None and view.finished
        self.form.set_mode(finished=finished, editing=self.editing)
        self.finish_button.setVisible(not finished)
        self.discard_button.setVisible(not finished)
        self.history_button.setVisible(finished)
        self.documents_button.setVisible(finished and not self.editing)
        self.edit_button.setVisible(finished and not self.editing)
        self.save_edit_button.setVisible(finished and self.editing)
        self.cancel_edit_button.setVisible(finished and self.editing)
        if view is None:
            return
        if not finished:
            self.status.setText(
                f"In progress · {long_date(view.visited_on)} · {view.practitioner} · "
                "saved as you type"
            )
        else:
            when = view.finished_at
            on = f" on {long_date(when.date())} at {when:%H:%M}" if when else ""
            tail = (
                "change what needs changing, then Save changes…"
                if self.editing
                else "read-only: Edit… to change it (the reason is kept in its history)"
            )
            self.status.setText(f"Finished{on} · {view.practitioner} · {tail}")

    def _read_failed(self, error: BaseException) -> None:
        if not self.closed:
            self.state.setText(error_text(error))

    def _changed(self, changes: Changes) -> None:
        """Another screen changed what the visit shows (a target's step, an observation)."""
        if self.closed or self.view is None:
            return
        if changes.touches("observation", "teaching_target", "target_step", "visit_strategy"):
            self.reload()

    # ---- the autosave ----

    def _edited(self, name: str) -> None:
        if self.view is None:
            return
        if self.view.finished:
            return  # a change of a finished visit is saved with its reason (save_edit)
        self._pending.add(name)
        self.state.setText(SAVING)
        self._timer.start()

    def _note_edited(self, target_id: str) -> None:
        if self.view is None or self.view.finished:
            return
        self._pending_notes.add(target_id)
        self.state.setText(SAVING)
        self._timer.start()

    def save_now(self) -> None:
        """Send what was typed to the vault: the words in one save, each date in its own (a
        refused date keeps none of the words from being saved)."""
        self._timer.stop()
        if self.view is None or self.view.finished:
            return
        pending, self._pending = self._pending, set()
        words: dict[str, object] = {}
        for name in sorted(pending, key=VISIT_FIELDS.index):
            try:
                value = self.form.value(name)
            except ValidationError as refused:
                self._refused(refused)
                continue
            if name in VISIT_DATE_FIELDS:
                self._send(self._saver({name: value}), (name,))
            else:
                words[name] = value
        if words:
            self._send(self._saver(words), tuple(words))
        notes, self._pending_notes = self._pending_notes, set()
        for target_id, rating, note in self.form.targets.notes(sorted(notes)):
            if rating is not None:
                self._rate(target_id, rating, note)

    def _saver(self, values: dict[str, object]) -> Callable[[], Saved[None]]:
        visits, visit_id = self.services.home_visits, self.visit_id
        return lambda: visits.save(visit_id, **values)

    def _send(self, work: Callable[[], Saved[Any]], fields: tuple[str, ...]) -> None:
        self._in_flight += 1
        self.state.setText(SAVING)
        self.runner.run(
            work,
            on_done=lambda _saved: self._saved(fields),
            on_error=self._failed,
            changes=lambda saved: saved.changes,
        )

    def _saved(self, fields: tuple[str, ...]) -> None:
        self._in_flight -= 1
        if self.closed:
            return
        for name in fields:
            self.form.errors[name].clear_message()
        if self._in_flight == 0 and not self._pending and not self._timer.isActive():
            refused = self.form.first_refusal()
            self.state.setText(f"Not saved: {refused}" if refused else SAVED)

    def _failed(self, error: BaseException) -> None:
        self._in_flight -= 1
        if self.closed:
            return
        if isinstance(error, ValidationError) and error.field in self.form.errors:
            self._refused(error)
        elif isinstance(error, ValidationError) and error.field == "target":
            self.state.setText(f"Not saved: {error.message}")
            self.reload()
        else:
            self.state.setText(f"Not saved: {error_text(error)}")

    def _refused(self, error: ValidationError) -> None:
        self.form.show_error(error)
        self.state.setText(f"Not saved: {error.message}")

    def _rated(self, target_id: str, rating: ProgressRating | None) -> None:
        if self.view is None or self.view.finished:
            return
        self._pending_notes.discard(target_id)
        note = next((n for t, _r, n in self.form.targets.notes([target_id]) if t == target_id), "")
        self._rate(target_id, rating, note)

    def _rate(self, target_id: str, rating: ProgressRating | None, note: str) -> None:
        visits, visit_id = self.services.home_visits, self.visit_id
        self._send(lambda: visits.rate(visit_id, target_id, rating, note), ())

    def flush_pending(self) -> None:
        """Save at once whatever is typed and not saved yet (before a close or a lock); a
        note being written in the observation box is saved as an observation."""
        if self._timer.isActive() or self._pending or self._pending_notes:
            self.save_now()
        dialog = self.note_dialog
        if dialog is not None and dialog.isVisible() and dialog.note_text():
            self._save_note(dialog, close_after=False)

    # ---- finishing, closing ----

    def _ctrl_return(self) -> None:
        if self.view is None or any(d.isVisible() for d in self.findChildren(QDialog)):
            return  # the key is the open dialog's (an observation being written)
        if not self.view.finished:
            self.finish()
        elif self.editing:
            self.save_edit()

    def finish(self) -> None:
        if self.view is None or self.view.finished:
            return
        refused = self.form.first_refusal()
        if refused:
            self.state.setText(f"Not finished: {refused}")
            return
        # What is typed and not saved yet is saved with the finish, in the same call: a date
        # the vault refuses keeps the visit in progress, with the message beside the field.
        self._timer.stop()
        pending, self._pending = self._pending, set()
        try:
            values = {name: self.form.value(name) for name in pending}
        except ValidationError as refused_value:
            self._pending |= pending
            self._refused(refused_value)
            return
        self.save_now()  # the ratings' notes, queued first
        visits, visit_id = self.services.home_visits, self.visit_id

        def save_and_finish() -> Saved[None]:
            if values:
                visits.save(visit_id, **values)
            return visits.finish(visit_id)

        def not_finished(error: BaseException) -> None:
            self._pending |= pending
            self._failed_to_finish(error)

        self.state.setText("Finishing…")
        self.runner.run(
            save_and_finish,
            on_done=lambda _saved: self._finished(),
            on_error=not_finished,
            changes=lambda saved: saved.changes,
        )

    def discard(self) -> None:
        """Throw the visit away (started by mistake, or for the wrong family), once asked."""
        if self.view is None or self.view.finished:
            return
        asked = QMessageBox.question(
            self,
            "Discard this visit",
            "Discard this visit? What was typed and rated at it is removed. A visit with "
            "observations written at it cannot be discarded.",
            QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        if asked != QMessageBox.StandardButton.Discard:
            return
        self._timer.stop()
        self._pending.clear()
        self._pending_notes.clear()
        visits, visit_id = self.services.home_visits, self.visit_id
        self.runner.run(
            lambda: visits.discard(visit_id),
            on_done=lambda _saved: self.reject(),
            on_error=self._failed_to_finish,
            changes=lambda saved: saved.changes,
        )

    def _finished(self) -> None:
        if self.closed:
            return
        self.state.setText("Finished ✓")
        self.reload(fields=True)
        self.close_button.setFocus()

    def _failed_to_finish(self, error: BaseException) -> None:
        if self.closed:
            return
        if isinstance(error, ValidationError):
            self.form.show_error(error)
        self.state.setText(f"Not finished: {error_text(error)}")

    def done(self, result: int) -> None:
        """Closing (Esc, the window's close button, the lock): what is typed is saved first."""
        if not self.closed:
            self.flush_pending()
            self.closed = True
            for child in self.findChildren(QDialog):
                if child.isVisible():
                    child.reject()
        super().done(result)
        self.deleteLater()

    # ---- a finished visit: edit with a reason, history ----

    def start_edit(self) -> None:
        self.editing = True
        self._apply_mode()
        self.state.setText("Changing the finished visit: Save changes… asks why.")
        self.form.widgets["carers_present"].setFocus()

    def edited_fields(self) -> dict[str, object]:
        """The fields changed on screen from the visit as saved."""
        assert self.view is not None
        changed = {}
        for name in VISIT_FIELDS:
            value = self.form.value(name)
            if name not in VISIT_DATE_FIELDS:
                value = str(value).strip()
            if value != self.view.value(name):
                changed[name] = value
        return changed

    def save_edit(self) -> None:
        if self.view is None or not self.editing:
            return
        try:
            changes = self.edited_fields()
        except ValidationError as refused:
            self._refused(refused)
            return
        if not changes:
            self.cancel_edit()
            self.state.setText("Nothing was changed.")
            return
        dialog = ReasonDialog(self.services, self.runner, self.visit_id, changes, self)
        dialog.saved.connect(lambda _saved: self._edit_saved())
        dialog.finished.connect(lambda _r: dialog.deleteLater())
        dialog.open()

    def _edit_saved(self) -> None:
        if self.closed:
            return
        self.editing = False
        self.state.setText("Changes saved ✓ (kept in the visit's history)")
        self.reload(fields=True)
        self.activateWindow()  # the keyboard comes back from the reason's dialog

    def cancel_edit(self) -> None:
        self.editing = False
        if self.view is not None:
            self.form.show_fields(self.view)
        self._apply_mode()
        self.state.setText("")

    def show_history(self) -> None:
        visits, visit_id = self.services.home_visits, self.visit_id
        self.runner.run(
            lambda: visits.history(visit_id),
            on_done=self._show_history,
            on_error=self._read_failed,
        )

    def _show_history(self, history: list[Any]) -> None:
        if self.closed:
            return
        dialog = VisitHistoryDialog(history, self)
        dialog.finished.connect(lambda _r: dialog.deleteLater())
        dialog.open()

    # ---- observations and strategies ----

    def note_observation(self) -> None:
        view = self.view
        if view is None or view.finished:
            return
        if self.note_dialog is not None:
            self.note_dialog.reject()
        dialog = QuickNoteDialog(view.child_name, f"Home visit, {long_date(view.visited_on)}", self)
        self.note_dialog = dialog
        dialog.save_requested.connect(lambda: self._save_note(dialog, close_after=True))
        dialog.finished.connect(lambda _r: self._note_closed(dialog))
        dialog.open()
        dialog.text.setFocus()

    def _save_note(self, dialog: QuickNoteDialog, *, close_after: bool) -> None:
        if self.view is None:
            return
        data = visit_note_input(
            self.services.clock,
            self.view,
            dialog.note_text(),
            dialog.share.isChecked(),
            dialog.area.value() or "",
        )
        observations = self.services.observations
        self.runner.run(
            lambda: observations.add(data),
            on_done=lambda _saved: dialog.accept() if close_after and not self.closed else None,
            on_error=lambda error: self._note_refused(dialog, error),
            changes=lambda saved: saved.changes,
        )

    def _note_refused(self, dialog: QuickNoteDialog, error: BaseException) -> None:
        if not self.closed and dialog.isVisible():
            dialog.show_error(error_text(error))

    def _note_closed(self, dialog: QuickNoteDialog) -> None:
        if self.note_dialog is dialog:
            self.note_dialog = None
        dialog.deleteLater()
        if not self.closed:
            self.activateWindow()
            self.form.note_button.setFocus()

    def share_strategy(self) -> None:
        view = self.view
        if view is None or view.finished:
            return
        strategies = self.services.strategies
        self.runner.run(
            strategies.find,
            on_done=lambda library: self._choose_strategy(view, library),
            on_error=self._read_failed,
        )

    def _choose_strategy(self, view: VisitView, library: list[Any]) -> None:
        if self.closed:
            return
        shared = {s.strategy_id for s in view.strategies if s.strategy_id}
        dialog = ShareStrategyDialog(
            self.services, self.runner, self.visit_id, library, self, already_shared=shared
        )
        dialog.finished.connect(lambda _r: dialog.deleteLater())
        dialog.open()

    def unshare_strategy(self) -> None:
        shared_id = self.form.chosen_strategy()
        if shared_id is None:
            self.state.setText("Choose the strategy to take back in the list first.")
            return
        visits = self.services.home_visits
        self._send(lambda: visits.unshare_strategy(shared_id), ())


__all__ = ["AUTOSAVE_DELAY_MS", "VisitEditor", "visit_note_input"]
