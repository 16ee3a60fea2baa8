"""The register's keyboard and what it tells a screen reader.

Keys on the cards: arrows move, P/L/A/D/E mark (a held key marks once: its repeats are
ignored), Enter opens the details, N writes a note. Shortcuts while the keyboard is anywhere
in the register (the cards, the staff list, the session notes): Ctrl+Z undoes the last mark,
Ctrl+Shift+V adds a visitor, Ctrl+Shift+E ends the session, Ctrl+Shift+S shows or hides the
staff and notes (and takes the keyboard there, or back to the cards). Each is shown on its
button (ui/key_button.py).

After a child's first mark the keyboard moves on to the next child who is not marked, when
the setting "After marking, move to the next child who is not marked" is on (Settings, this
laptop; on by default: `ui/preferences.py` `DEFAULT_MOVE_TO_NEXT_UNMARKED`); once everyone
expected has a mark it stays, and says so.

Every saved mark is said twice: on the status line under the counts, and to a screen reader
as an accessibility announcement (`QAccessibleAnnouncementEvent`, Qt 6.8+), since screen
readers read Qt's changing labels poorly. `RegisterView.announced` carries the same words.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import (
    QAccessible,
    QAccessibleAnnouncementEvent,
    QAccessibleEvent,
    QKeyEvent,
    QKeySequence,
    QShortcut,
)
from PySide6.QtWidgets import QApplication

from earlyyears_desktop.domain.enums import AttendanceStatus
from earlyyears_desktop.services.attendance import MarkState
from earlyyears_desktop.ui.preferences import DEFAULT_MOVE_TO_NEXT_UNMARKED
from earlyyears_desktop.ui.register_header import END_KEY, SIDE_KEY, UNDO_KEY, VISITOR_KEY

if TYPE_CHECKING:
    from earlyyears_desktop.ui.register import RegisterView

KEY_MARKS = {
    Qt.Key.Key_P: AttendanceStatus.PRESENT.value,
    Qt.Key.Key_L: AttendanceStatus.LATE.value,
    Qt.Key.Key_A: AttendanceStatus.APOLOGIES.value,
    Qt.Key.Key_D: AttendanceStatus.DID_NOT_ATTEND.value,
    Qt.Key.Key_E: AttendanceStatus.LEFT_EARLY.value,
}
#: a mark in words, after the child's name
MARK_WORDS = {
    AttendanceStatus.PRESENT.value: "marked present",
    AttendanceStatus.LATE.value: "marked late",
    AttendanceStatus.APOLOGIES.value: "marked absent with apologies",
    AttendanceStatus.DID_NOT_ATTEND.value: "marked did not attend",
    AttendanceStatus.LEFT_EARLY.value: "marked left early",
}
EVERYONE_MARKED = "Everyone expected has a mark."


def mark_text(name: str, mark: MarkState) -> str:
    """ "Amara Okafor marked present, 09:42" (the arrival time when there is one)."""
    if mark.status is None:
        return f"{name} not marked"
    words = f"{name} {MARK_WORDS[mark.status]}"
    if mark.arrived_at is not None and AttendanceStatus(mark.status).attended:
        words += f", {mark.arrived_at:%H:%M}"
    return words


class RegisterKeys(QObject):
    """The register's shortcuts, its keys on the cards, moving on after a mark, and what
    it says. `move_on` reads the setting at each mark (Settings may change it meanwhile)."""

    def __init__(self, view: RegisterView, move_on: Callable[[], bool] | None = None) -> None:
        super().__init__(view)
        self.view = view
        self.move_on = move_on or (lambda: DEFAULT_MOVE_TO_NEXT_UNMARKED)
        shortcuts: list[tuple[str, Callable[[], None]]] = [
            (UNDO_KEY, view.undo_last),
            (VISITOR_KEY, view.add_visitor),
            (END_KEY, view.end_session),
            (SIDE_KEY, self.toggle_side),
        ]
        self.shortcuts: list[QShortcut] = []
        for keys, act in shortcuts:
            shortcut = QShortcut(QKeySequence(keys), view)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(act)
            self.shortcuts.append(shortcut)
        view.setAccessibleName("Register")
        view.setAccessibleDescription(
            "Arrow keys choose a child. P present, L late, A apologies, D did not attend, "
            "E left early; Enter details, N a note; Control Z undoes the last mark."
        )

    # ---- keys ----

    def key_press(self, event: QKeyEvent) -> bool:
        """Handle a key on the cards; False when it is not the register's."""
        view = self.view
        key = Qt.Key(event.key())
        modifiers = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if modifiers not in (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.ShiftModifier):
            return False
        moves = {
            Qt.Key.Key_Left: -1,
            Qt.Key.Key_Right: 1,
            Qt.Key.Key_Up: -view.columns,
            Qt.Key.Key_Down: view.columns,
            Qt.Key.Key_Home: -len(view.order),
            Qt.Key.Key_End: len(view.order),
        }
        if key in moves and view.order:
            view.current = min(max(view.current + moves[key], 0), len(view.order) - 1)
            view._highlight()
        elif key in KEY_MARKS and view.order:
            if not event.isAutoRepeat():  # a key held down marks one child, not a row
                view.mark_child(view.order[view.current], KEY_MARKS[key])
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            view.open_details()
        elif key == Qt.Key.Key_N:
            view.write_note()
        else:
            return False
        return True

    def toggle_side(self) -> None:
        """Ctrl+Shift+S: show the staff and notes and go to them (shown but elsewhere: go to
        them), or, from inside them, hide them and come back to the cards."""
        view = self.view
        focused = QApplication.focusWidget()
        inside = focused is not None and view.side.isAncestorOf(focused)
        show = not (view.side.isVisible() and inside)
        view.set_side_visible(show)
        if show:
            view.side.staff_list.setFocus(Qt.FocusReason.ShortcutFocusReason)
        else:
            view.setFocus(Qt.FocusReason.ShortcutFocusReason)

    # ---- moving on ----

    def next_unmarked(self, after: int) -> int | None:
        """The place of the next expected child with no mark after `after`, going round to
        the start; None when everyone expected has one."""
        order = self.view.order
        for step in range(1, len(order) + 1):
            index = (after + step) % len(order)
            state = self.view.states[order[index]]
            if state.info.expected and state.mark.status is None:
                return index
        return None

    def move_on_after(self, child_id: str) -> str:
        """After a child's first mark: the keyboard to the next child not marked (when the
        setting is on and there is one). What to say of it ("Next: Aisha Rahman.", or that
        everyone expected has a mark); "" when the keyboard stays."""
        view = self.view
        if child_id not in view.order:
            return ""
        index = self.next_unmarked(view.order.index(child_id))
        if index is None:
            return EVERYONE_MARKED  # said whether the setting is on or off
        if not self.move_on():
            return ""
        view.current = index
        view._highlight()
        return f"Next: {view.states[view.order[index]].info.display_name}."

    # ---- what the register says ----

    def mark_saved(self, child_id: str, mark: MarkState, *, then: str, undone: bool) -> None:
        """Say a saved mark, and `then` what `move_on_after` said of the keyboard."""
        state = self.view.states.get(child_id)
        if state is None:
            return
        text = mark_text(state.info.display_name, mark)
        self.announce(f"Undone. {text} now." if undone else f"{text}. {then}".rstrip())

    def mark_failed(self, child_id: str, message: str) -> None:
        state = self.view.states.get(child_id)
        if state is not None:
            self.announce(f"{state.info.display_name}'s mark was not saved: {message}")

    def announce(self, text: str) -> None:
        """On the status line, to a screen reader, and on `RegisterView.announced`."""
        view = self.view
        view.header.show_status(text)
        QAccessible.updateAccessibility(QAccessibleAnnouncementEvent(view, text))
        view.announced.emit(text)

    def highlighted(self) -> None:
        """The highlighted child, in the register's accessible name: a screen reader says
        it as the arrow keys move."""
        view = self.view
        child_id = view.current_child_id()
        state = view.states.get(child_id) if child_id else None
        if state is None:
            view.setAccessibleName("Register")
            return
        card = view.cards.get(state.info.child_id)
        said = card.state.text() if card is not None else ""
        view.setAccessibleName(f"Register: {state.info.display_name}, {said}")
        if QAccessible.isActive() and QApplication.focusWidget() is view:
            QAccessible.updateAccessibility(QAccessibleEvent(view, QAccessible.Event.NameChanged))


__all__ = ["KEY_MARKS", "RegisterKeys", "mark_text"]
