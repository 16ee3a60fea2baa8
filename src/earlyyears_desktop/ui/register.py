"""The attendance register of one session: a card per child, marked by a tap or a key.

Every mark goes to the vault at once through the `OpRunner` (one database thread, so marks
are saved in the order they were made). A card shows the mark straight away with "Saving…"
and "Saved ✓" only once the worker has come back with the committed result. If a save fails
the card goes back to what was saved and says so.

Keys (ui/register_keys.py): arrows move, P/L/A/D/E mark present/late/apologies/did not
attend/left early, Enter opens the details, N writes a note of what the child did (an
observation: ui/register_observations.py), Ctrl+Z undoes the last mark; each saved mark is
said on the status line and to a screen reader.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from earlyyears_desktop.domain.enums import AttendanceStatus, SessionStatus
from earlyyears_desktop.services.attendance import (
    Mark,
    MarkState,
    Register,
    RegisterCard,
)
from earlyyears_desktop.services.container import Services
from earlyyears_desktop.services.unit_of_work import Changes, Saved
from earlyyears_desktop.ui.card_grid import CardGrid
from earlyyears_desktop.ui.error_text import error_text
from earlyyears_desktop.ui.operations import OpRunner
from earlyyears_desktop.ui.register_card import ChildCard
from earlyyears_desktop.ui.register_dialogs import MarkDetailsDialog, VisitorDialog
from earlyyears_desktop.ui.register_header import RegisterHeader
from earlyyears_desktop.ui.register_keys import RegisterKeys
from earlyyears_desktop.ui.register_observations import RegisterObservations
from earlyyears_desktop.ui.session_notes import SessionNotesPanel


@dataclass
class _CardState:
    info: RegisterCard
    mark: MarkState
    #: the mark as the vault last confirmed it
    saved: MarkState
    pending: int = 0
    error: str = ""


@dataclass
class _UndoStep:
    token: int
    child_id: str
    previous: MarkState
    done: bool = field(default=False)
    #: where the child's first mark moved the keyboard, in words ("" when it stayed)
    then: str = ""


class RegisterView(QWidget):
    """One session's register. Build it, then it loads itself through the runner."""

    #: a mark (or undo) came back from the vault: child id
    mark_saved = Signal(str)
    #: the register finished loading (or reloading)
    loaded = Signal()
    #: an operation failed: the message shown to the user
    failed = Signal(str)
    #: the "Register only" button was pressed: show only the register (True) or everything
    focus_mode_requested = Signal(bool)
    #: what the register said (a saved mark, an undo): the status line and a screen reader
    announced = Signal(str)

    def __init__(
        self,
        services: Services,
        runner: OpRunner,
        session_id: str,
        parent: QWidget | None = None,
        *,
        load: bool = True,
        move_on: Callable[[], bool] | None = None,
    ) -> None:
        """`move_on` reads "After marking, move to the next child who is not marked"."""
        super().__init__(parent)
        self.services = services
        self.runner = runner
        self.session_id = session_id
        self.register: Register | None = None
        self.states: dict[str, _CardState] = {}
        self.cards: dict[str, ChildCard] = {}
        self.order: list[str] = []
        self.current = 0
        self._highlighted: str | None = None
        self.markable = False
        self._undo: list[_UndoStep] = []
        self._tokens = itertools.count(1)
        self.details_dialog: MarkDetailsDialog | None = None
        self.visitor_dialog: VisitorDialog | None = None
        self.unmarked_at_end: tuple[RegisterCard, ...] | None = None
        self._retired = False
        self._own_changes: Changes | None = None
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self._build()
        self.keys = RegisterKeys(self, move_on)
        #: notes of what each child did: the dialog and what the cards show
        self.observations = RegisterObservations(self)
        runner.changed.connect(self._changed)
        if load:
            self.reload()

    @property
    def retired(self) -> bool:
        """Set on lock or when the page replaces this view, and true once the widget is
        gone (its page deleted): results that land late are then dropped."""
        return self._retired or not isValid(self)

    @retired.setter
    def retired(self, value: bool) -> None:
        self._retired = value

    # ---- layout ----

    def _build(self) -> None:
        self.header = RegisterHeader()
        self.header.undo_button.clicked.connect(self.undo_last)
        self.header.visitor_button.clicked.connect(self.add_visitor)
        self.header.end_button.clicked.connect(self.end_session)
        self.header.side_button.toggled.connect(self.set_side_visible)
        self.header.focus_button.toggled.connect(self.focus_mode_requested)
        self.card_grid = CardGrid()
        #: staff present and session notes, beside the cards
        self.side = SessionNotesPanel(
            self.services,
            self.runner,
            self.session_id,
            own_changes=self._mine,
            retired=lambda: self.retired,
        )

        body = QHBoxLayout()
        body.addWidget(self.card_grid, 1)
        body.addWidget(self.side)

        layout = QVBoxLayout(self)
        layout.setSpacing(4)
        layout.addWidget(self.header)
        layout.addLayout(body, 1)

    # ---- loading ----

    def reload(self) -> None:
        attendance, groups = self.services.attendance, self.services.groups
        observations, session_id = self.services.observations, self.session_id

        def work() -> tuple[Register, list[Any], dict[str, list[Any]]]:
            register = attendance.register(session_id)
            notes = observations.for_session(session_id)
            return register, groups.staff(register.group_id), notes

        self.runner.run(work, on_done=self._loaded, on_error=self._show_error)

    def _loaded(self, result: tuple[Register, list[Any], dict[str, list[Any]]]) -> None:
        if self.retired:
            return
        register, staff, self.observations.notes = result
        self.show_register(register, [s.name for s in staff])
        self.loaded.emit()

    def show_register(self, register: Register, staff_names: list[str] | None = None) -> None:
        """Build the cards for a register (also used by the benchmark, synchronously)."""
        current_id = self.order[self.current] if self.order else None
        self.register = register
        today = self.services.attendance.today()
        self.markable = register.status != SessionStatus.CANCELLED and register.date <= today
        self.header.show_title(register)
        if register.status == SessionStatus.CANCELLED:
            self._say(f"This session was cancelled ({register.cancel_reason}): it takes no marks.")
        elif register.date > today:
            self._say("This session is on a later date: the register opens on the day.")
        else:
            self.header.banner.setVisible(False)
        self.header.end_button.setEnabled(self.markable and register.status != SessionStatus.HELD)
        self.header.visitor_button.setEnabled(self.markable)

        for card in self.cards.values():
            card.deleteLater()
        self.cards.clear()
        self._highlighted = None
        self.states = {c.child_id: _CardState(c, c.mark, c.mark) for c in register.cards}
        self.order = [c.child_id for c in register.cards]
        self.card_grid.host.setUpdatesEnabled(False)
        for info in register.cards:
            card = ChildCard(info, self.card_grid.host)
            card.chosen.connect(self._card_chosen)
            card.mark_requested.connect(self.mark_child)
            card.details_requested.connect(self.open_details)
            card.note_requested.connect(self.write_note)
            card.set_markable(self.markable)
            card.show_mark(info.mark, saving=False)
            self.cards[info.child_id] = card
        self.card_grid.lay_out(self.cards[child_id] for child_id in self.order)
        self.observations.show_on_cards()
        self.card_grid.host.setUpdatesEnabled(True)
        self.current = self.order.index(current_id) if current_id in self.order else 0
        self._highlight()
        self._update_counts()
        if staff_names is not None:
            self.side.show_details(register, staff_names)

    @property
    def columns(self) -> int:
        """Cards side by side: as many as the width holds."""
        return self.card_grid.columns

    def set_side_visible(self, visible: bool) -> None:
        """Show or hide the staff present and session notes (kept, and saved, when hidden)."""
        self.side.setVisible(visible)
        if self.header.side_button.isChecked() != visible:
            self.header.side_button.blockSignals(True)
            self.header.side_button.setChecked(visible)
            self.header.side_button.blockSignals(False)

    def show_focus_mode(self, on: bool) -> None:
        """Reflect "Register only" (the page hides its lists): the button, and the staff and
        notes folded away to make room (the "Staff & notes" button brings them back)."""
        if self.header.focus_button.isChecked() != on:
            self.header.focus_button.blockSignals(True)
            self.header.focus_button.setChecked(on)
            self.header.focus_button.blockSignals(False)
        self.set_side_visible(not on)

    def visible_cards(self) -> list[str]:
        """Children whose whole card is on screen now, in register order."""
        cards = self.card_grid.fully_visible(self.cards[child_id] for child_id in self.order)
        return [card.child_id for card in cards]

    # ---- marking ----

    def mark_child(self, child_id: str, status: str, **details: Any) -> None:
        """Mark a child: shown at once, saved through the runner, confirmed when saved."""
        state = self.states.get(child_id)
        if state is None:
            return
        self._choose(child_id)
        if not self.markable:
            self._say(self._why_not_markable())
            return
        came_with = details.get("came_with")
        if (
            came_with is None
            and AttendanceStatus(status).attended
            and not state.mark.came_with
            and state.info.expected_carer
        ):
            came_with = state.info.expected_carer
        wanted = MarkState(
            status,
            state.mark.came_with if came_with is None else came_with,
            details.get("arrived_at", state.mark.arrived_at),
            details.get("note", state.mark.note),
        )
        if not details and state.mark.status == status:
            return  # the same mark again changes nothing
        if wanted == state.mark and state.pending == 0:
            return
        step = _UndoStep(next(self._tokens), child_id, state.mark)
        self._undo.append(step)
        self.header.undo_button.setEnabled(True)
        state.mark = wanted
        self._show_pending(child_id)
        if step.previous.status is None:
            step.then = self.keys.move_on_after(child_id)
        attendance, session_id = self.services.attendance, self.session_id
        kwargs = {"came_with": came_with, **{k: v for k, v in details.items() if k != "came_with"}}
        if "arrived_at" in details and details["arrived_at"] is None:
            # The details dialog's arrival time was cleared: remove it, fill none in.
            kwargs.pop("arrived_at")
            kwargs["clear_arrived_at"] = True
        if state.info.enrolment_ended:
            # No longer enrolled on this date: a child who comes anyway is a visitor.
            kwargs["visitor"] = True
        self.runner.run(
            lambda: attendance.mark(session_id, child_id, status, **kwargs),
            on_done=lambda result: self._mark_saved(step, result),
            on_error=lambda error: self._mark_failed(step, error),
            changes=lambda result: result.changes,
        )

    def undo_last(self) -> None:
        """Put the last mark made on this screen back as it was."""
        if not self._undo:
            return
        step = self._undo.pop()
        self.header.undo_button.setEnabled(bool(self._undo))
        state = self.states.get(step.child_id)
        if state is None:
            return
        self._choose(step.child_id)
        state.mark = step.previous
        self._show_pending(step.child_id)
        attendance, session_id = self.services.attendance, self.session_id
        self.runner.run(
            lambda: attendance.undo(session_id, step.child_id, step.previous),
            on_done=lambda result: self._mark_saved(None, result, child_id=step.child_id),
            on_error=lambda error: self._mark_failed(None, error, child_id=step.child_id),
            changes=lambda result: result.changes,
        )

    def _show_pending(self, child_id: str) -> None:
        state = self.states[child_id]
        state.pending += 1
        state.error = ""
        self.cards[child_id].show_mark(state.mark, saving=True)
        self._update_counts()

    def _mark_saved(
        self, step: _UndoStep | None, saved: Saved[Mark], *, child_id: str | None = None
    ) -> None:
        result = saved.value
        child_id = child_id or (step.child_id if step else "")
        state = self.states.get(child_id)
        if step is not None:
            step.done = True
            step.previous = result.previous
        if state is None or self.retired:
            return
        state.pending -= 1
        state.saved = result.state
        if state.pending == 0:
            state.mark = result.state
            self.cards[child_id].show_mark(state.mark, saving=False)
            self._update_counts()
        then = step.then if step is not None else ""
        self.keys.mark_saved(child_id, result.state, then=then, undone=step is None)
        self.mark_saved.emit(child_id)

    def _mark_failed(
        self, step: _UndoStep | None, error: BaseException, *, child_id: str | None = None
    ) -> None:
        child_id = child_id or (step.child_id if step else "")
        if self.retired:
            return
        if step is not None and step in self._undo:
            self._undo.remove(step)
            self.header.undo_button.setEnabled(bool(self._undo))
        message = error_text(error)
        self._show_error(error)
        state = self.states.get(child_id)
        if state is None:
            return
        state.pending -= 1
        state.error = message
        if state.pending == 0:
            state.mark = state.saved
        self.cards[child_id].show_mark(state.mark, saving=state.pending > 0, error=message)
        self._update_counts()
        self.keys.mark_failed(child_id, message)

    # ---- details, visitors, end of session ----

    def open_details(self, child_id: str | None = None) -> None:
        child_id = child_id or (self.order[self.current] if self.order else None)
        if child_id is None or child_id not in self.states:
            return
        if not self.markable:
            self._say(self._why_not_markable())
            return
        self._choose(child_id)
        state = self.states[child_id]
        now = self.services.clock.now().time()
        dialog = MarkDetailsDialog(state.info, state.mark, now, self)
        self.details_dialog = dialog

        def save() -> None:
            values = dialog.values()
            status = values.pop("status")
            self.mark_child(child_id, status, **values)

        dialog.accepted.connect(save)
        dialog.finished.connect(lambda _r: self.setFocus())
        dialog.open()

    def write_note(self, child_id: str | None = None) -> None:
        """A note of what the child did (the highlighted child unless named): N, or Note…"""
        child_id = child_id or self.current_child_id()
        if child_id is not None:
            self.observations.write(child_id)

    def add_visitor(self) -> None:
        if not self.markable:
            self._say(self._why_not_markable())
            return
        dialog = VisitorDialog(self.services, self.runner, self)
        self.visitor_dialog = dialog
        dialog.accepted.connect(lambda: self._visitor_chosen(dialog.chosen_child_id()))
        dialog.finished.connect(lambda _r: self.setFocus())
        dialog.open()

    def add_visitor_child(self, child_id: str) -> None:
        """Add a child who is not enrolled, marked present, as a visitor."""
        self._visitor_chosen(child_id)

    def _visitor_chosen(self, child_id: str | None) -> None:
        if not child_id:
            return
        if child_id in self.states:
            self._choose(child_id)
            self._say("That child is already on this register.")
            return
        attendance, session_id = self.services.attendance, self.session_id
        self.runner.run(
            lambda: attendance.mark(
                session_id, child_id, AttendanceStatus.PRESENT.value, visitor=True
            ),
            on_done=lambda _result: None if self.retired else self.reload(),
            on_error=self._show_error,
            changes=lambda result: result.changes,
        )

    def end_session(self) -> None:
        attendance, session_id = self.services.attendance, self.session_id
        self.runner.run(
            lambda: attendance.end_session(session_id),
            on_done=self._ended,
            on_error=self._show_error,
            changes=lambda saved: self._mine(saved.changes),
        )

    def _ended(self, saved: Saved[tuple[RegisterCard, ...]]) -> None:
        unmarked = saved.value
        if self.retired:
            return
        self.unmarked_at_end = unmarked
        if unmarked:
            names = ", ".join(c.display_name for c in unmarked)
            self._say(f"Session marked as held. Not marked ({len(unmarked)}): {names}.")
        else:
            self._say("Session marked as held. Everyone has a mark.")
        self.header.end_button.setEnabled(False)
        if self.register is not None:
            self.register = replace(self.register, status=SessionStatus.HELD.value)
            self.header.show_title(self.register)
        self._update_counts()

    # ---- staff present and notes ----

    def flush_pending(self) -> None:
        """Save notes being typed now (before the page is closed or the vault locked)."""
        self.side.flush_pending()

    # ---- counts, focus, keys ----

    def counts_now(self) -> dict[str, int]:
        present = carers = expected = to_arrive = 0
        for state in self.states.values():
            status = state.mark.status
            attended = AttendanceStatus(status).attended if status else False
            present += attended
            carers += attended and bool(state.mark.came_with)
            if state.info.expected:
                expected += 1
                to_arrive += status is None
        return {"present": present, "carers": carers, "expected": expected, "to_arrive": to_arrive}

    def _update_counts(self) -> None:
        held = self.register is not None and self.register.status == SessionStatus.HELD.value
        self.header.show_counts(**self.counts_now(), held=held)

    def _card_chosen(self, child_id: str) -> None:
        self._choose(child_id)
        self.setFocus()

    def _choose(self, child_id: str) -> None:
        if child_id in self.order:
            self.current = self.order.index(child_id)
            self._highlight()

    def _highlight(self) -> None:
        highlighted = self._highlighted
        if highlighted is not None and highlighted in self.cards:
            self.cards[highlighted].set_current(False)
        self._highlighted = self.order[self.current] if self.order else None
        if self._highlighted is not None:
            self.cards[self._highlighted].set_current(True)
        if self.order:
            self.card_grid.ensureWidgetVisible(self.cards[self.order[self.current]], 10, 10)
        self.keys.highlighted()

    def current_child_id(self) -> str | None:
        return self.order[self.current] if self.order else None

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if self.keys.key_press(event):
            event.accept()
        else:
            super().keyPressEvent(event)

    # ---- messages and broadcasts ----

    def _why_not_markable(self) -> str:
        if self.register is None:
            return "The register is still loading."
        if self.register.status == SessionStatus.CANCELLED:
            return "This session was cancelled: it takes no marks."
        return "This session is on a later date: marks can be made on the day."

    def _say(self, text: str) -> None:
        self.header.say(text)

    def _show_error(self, error: BaseException) -> None:
        if self.retired:
            return
        message = error_text(error)
        self._say(message)
        self.failed.emit(message)

    def _changed(self, changes: Changes) -> None:
        if self.retired:
            return
        # Another view changed who is invited or their carers: reload. Marks and session
        # details made here are already on screen; a reload would only repeat them.
        if changes.touches("enrolment", "child", "carer") and not self._pending():
            self.reload()
        elif self.session_id in changes.ids("session") and changes is not self._own_changes:
            self._refresh_header()  # edited elsewhere ("Edit session…"): theme, activities

    def _mine(self, changes: Changes) -> Changes:
        """A change this view made itself (staff, notes, End session): already shown."""
        self._own_changes = changes
        return changes

    def _refresh_header(self) -> None:
        attendance, session_id = self.services.attendance, self.session_id
        self.runner.run(
            lambda: attendance.register(session_id),
            on_done=self._header_read,
            on_error=self._show_error,
        )

    def _header_read(self, register: Register) -> None:
        if self.retired or self.register is None:
            return
        if register.date != self.register.date and not self._pending():
            # Moved to another day (only possible with no marks): who is invited and
            # whether it can be marked yet may differ, so the cards are built again.
            self.show_register(register)
        else:
            self.register = replace(
                self.register, theme=register.theme, activities=register.activities
            )
            self.header.show_title(self.register)

    def _pending(self) -> bool:
        return any(s.pending for s in self.states.values())

    def clear_personal_data(self) -> None:
        """Drop every name and note; results still on their way are ignored."""
        self.retired = True
        self.side.clear_personal_data()
        self.observations.clear()
        for dialog in (self.details_dialog, self.visitor_dialog):
            if dialog is not None:
                dialog.reject()
        self.states.clear()
        self._undo.clear()
        for card in self.cards.values():
            card.deleteLater()
        self.cards.clear()
        self.order = []
        self.card_grid.lay_out([])
        self.header.clear()
