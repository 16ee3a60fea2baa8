"""Notes from the register: what a child did, written during the session without leaving it.

**N** on the highlighted card (or its *Note…* button) opens a small dialog over the register:
the text box has the keyboard at once, **Ctrl+Return** saves, **Esc** cancels. A note is an
observation of the session (`ObservationContext.SESSION`, the session's date, the time now
when the session is today), saved through the `OpRunner` like a mark: the dialog closes only
once the vault has committed it, and the keyboard goes back to the same card. Ticked "Share
with parents", it is what the family's handout says under "What we noticed".

Each card shows the child's notes of this session (how many, and the latest's first line),
read again whenever observations change anywhere in the app.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from earlyyears_desktop.domain.enums import AreaOfNeed, ObservationContext, SessionStatus
from earlyyears_desktop.domain.errors import ValidationError
from earlyyears_desktop.services.attendance import Register
from earlyyears_desktop.services.clock import Clock
from earlyyears_desktop.services.observations import ObservationInput, ObservationRow
from earlyyears_desktop.services.unit_of_work import Changes, Saved
from earlyyears_desktop.ui.enum_combo import EnumCombo
from earlyyears_desktop.ui.error_text import error_text

if TYPE_CHECKING:
    from earlyyears_desktop.ui.register import RegisterView

EMPTY_NOTE = "Please write what the child did: the note is empty."
SHARE_LABEL = "&Share with parents (shown on the family's handout)"
SAVE_KEYS = ("Ctrl+Return", "Ctrl+Enter")


class QuickNoteDialog(QDialog):
    """A short note about one child. It saves nothing itself: `save_requested` asks the
    register, which calls `saved()` or `show_error()` when the vault answers."""

    save_requested = Signal()

    def __init__(self, child_name: str, session_title: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Note")
        self.setMinimumWidth(460)
        title = QLabel(f"What did {child_name} do?")
        title.setTextFormat(Qt.TextFormat.PlainText)
        title.setStyleSheet("font-size: 17px; font-weight: 600")
        subtitle = QLabel(session_title)
        subtitle.setTextFormat(Qt.TextFormat.PlainText)
        self.text = QPlainTextEdit()
        self.text.setTabChangesFocus(True)
        self.text.setPlaceholderText("For example: built a tower of five bricks and said 'more'")
        self.text.setAccessibleName("Note")
        self.text.setAccessibleDescription(
            "What the child did, in a few words. Ctrl+Return saves, Escape cancels."
        )
        self.text.setFixedHeight(96)
        #: the message beside the text box (an empty note, a refusal from the vault)
        self.message = QLabel()
        self.message.setObjectName("message")
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #a11b1b")
        self.message.setAccessibleName("Message about the note")
        self.message.setVisible(False)
        self.share = QCheckBox(SHARE_LABEL)
        self.share.setAccessibleName("Share with parents")
        self.share.setAccessibleDescription(
            "Ticked, the note is on the family's handout for this session"
        )
        self.share.setToolTip("Ticked, the note is on the family's handout for this session")
        self.area = EnumCombo(AreaOfNeed, "Area of need", none_label="(none)")
        form = QFormLayout()
        form.addRow("&Area of need:", self.area)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setToolTip("Save the note (Ctrl+Return)")
        self.save_button.setAccessibleName("Save note")
        self.save_button.setAutoDefault(False)
        cancel = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        cancel.setToolTip("Close without saving (Esc)")
        cancel.setAccessibleName("Cancel")
        self.buttons.accepted.connect(self.request_save)
        self.buttons.rejected.connect(self.reject)
        hint = QLabel("Ctrl+Return saves · Esc cancels")
        hint.setStyleSheet("color: #555; font-size: 12px")
        for keys in SAVE_KEYS:
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
            shortcut.activated.connect(self.request_save)

        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(subtitle)
        layout.addWidget(self.text)
        layout.addWidget(self.message)
        layout.addWidget(self.share)
        layout.addLayout(form)
        layout.addWidget(hint)
        layout.addWidget(self.buttons)
        self.setFocusProxy(self.text)
        self.text.setFocus()

    def note_text(self) -> str:
        return self.text.toPlainText().strip()

    def request_save(self) -> None:
        """Save: an empty note is refused here, beside the box, and nothing is asked of the
        vault; otherwise the register saves it (once: the button waits meanwhile)."""
        if not self.save_button.isEnabled():
            return
        if not self.note_text():
            self.show_error(EMPTY_NOTE)
            return
        self.message.setVisible(False)
        self.save_button.setEnabled(False)
        self.save_button.setText("Saving…")
        self.save_requested.emit()

    def show_error(self, message: str) -> None:
        self.message.setText(message)
        self.message.setVisible(True)
        self.save_button.setEnabled(True)
        self.save_button.setText("Save")
        self.text.setFocus()


class RegisterObservations(QObject):
    """The register's notes: the dialog, the save, and what each card shows."""

    def __init__(self, view: RegisterView) -> None:
        super().__init__(view)
        self.view = view
        #: this session's notes by child id, newest first
        self.notes: dict[str, list[ObservationRow]] = {}
        self.dialog: QuickNoteDialog | None = None
        view.runner.changed.connect(self._changed)

    # ---- reading ----

    def refresh(self) -> None:
        """Read this session's notes again, and show them on the cards."""
        observations, session_id = self.view.services.observations, self.view.session_id
        self.view.runner.run(
            lambda: observations.for_session(session_id),
            on_done=self._read,
            on_error=self._failed,
        )

    def _read(self, notes: dict[str, list[ObservationRow]]) -> None:
        if self.view.retired:
            return
        self.notes = notes
        self.show_on_cards()

    def show_on_cards(self) -> None:
        for child_id, card in self.view.cards.items():
            card.show_notes(self.notes.get(child_id, []))

    def _changed(self, changes: Changes) -> None:
        if not self.view.retired and changes.touches("observation"):
            self.refresh()

    # ---- writing ----

    def write(self, child_id: str) -> None:
        """Open the note dialog for a child on the register."""
        view = self.view
        state = view.states.get(child_id)
        if state is None or view.register is None:
            return
        view._choose(child_id)
        if not view.markable:
            view._say(_why_no_notes(view.register))
            return
        if self.dialog is not None:
            self.dialog.reject()
        register = view.register
        title = f"{register.group_name}: {register.date:%A %d %B %Y}"
        dialog = QuickNoteDialog(state.info.display_name, title, view)
        self.dialog = dialog
        dialog.save_requested.connect(lambda: self._save(child_id, dialog))
        dialog.finished.connect(lambda _result: self._closed(child_id, dialog))
        dialog.open()
        dialog.text.setFocus()

    def _save(self, child_id: str, dialog: QuickNoteDialog) -> None:
        register = self.view.register
        if register is None:
            return
        observations, clock = self.view.services.observations, self.view.services.clock
        text = dialog.note_text()
        share = dialog.share.isChecked()
        area = dialog.area.value() or ""
        session_id, date = self.view.session_id, register.date
        self.view.runner.run(
            lambda: observations.add(
                note_input(clock, child_id, session_id, date, text, share, area)
            ),
            on_done=lambda result: self._saved(dialog, result),
            on_error=lambda error: self._not_saved(dialog, error),
            changes=lambda result: result.changes,
        )

    def _saved(self, dialog: QuickNoteDialog, _result: Saved[str]) -> None:
        if not self.view.retired:
            dialog.accept()  # closes it: the keyboard goes back to the card

    def _not_saved(self, dialog: QuickNoteDialog, error: BaseException) -> None:
        if self.view.retired:
            return
        message = error_text(error)
        if isinstance(error, ValidationError) and error.field == "text":
            message = EMPTY_NOTE
        dialog.show_error(message)

    def _closed(self, child_id: str, dialog: QuickNoteDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None
        dialog.deleteLater()
        if self.view.retired:
            return
        # The keyboard goes back to the same card, ready for the next key (and to the
        # register's window, which not every platform gives back when a dialog closes).
        self.view._choose(child_id)
        self.view.activateWindow()
        self.view.setFocus()

    def _failed(self, error: BaseException) -> None:
        if not self.view.retired:
            self.view._say(error_text(error))

    def clear(self) -> None:
        """On lock: close the dialog (unsaved words are dropped) and forget every note."""
        if self.dialog is not None:
            self.dialog.reject()
        self.notes = {}


def _why_no_notes(register: Register) -> str:
    if register.status == SessionStatus.CANCELLED:
        return "This session was cancelled: notes are written at sessions that take place."
    return "This session is on a later date: notes can be written on the day."


def note_input(
    clock: Clock,
    child_id: str,
    session_id: str,
    session_date: dt.date,
    text: str,
    share_with_parents: bool,
    area_of_need: str,
) -> ObservationInput:
    """The observation a note from the register makes: of this session, on its date, at the
    clock's time of day when the session is today (a note added later has no time)."""
    now = clock.now()
    at = now.time().replace(second=0, microsecond=0) if session_date == now.date() else None
    return ObservationInput(
        child_id=child_id,
        session_id=session_id,
        context=ObservationContext.SESSION.value,
        observed_on=session_date,
        observed_at=at,
        text=text,
        share_with_parents=share_with_parents,
        area_of_need=area_of_need,
    )


__all__ = ["QuickNoteDialog", "RegisterObservations", "note_input"]
