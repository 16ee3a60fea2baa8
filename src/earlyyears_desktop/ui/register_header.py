"""The top of a session's register: who and when, the counts, the actions, and a banner for
what the register has to say (cancelled, not yet, not marked at the end)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from earlyyears_desktop.domain.enums import SessionStatus
from earlyyears_desktop.services.attendance import Register
from earlyyears_desktop.ui.key_button import KeyButton
from earlyyears_desktop.ui.register_card import ElidedLabel

#: the register's own shortcuts, active while the keyboard is in the register (none of them
#: is a key the main window uses: tests/ui/test_register_keyboard.py checks)
UNDO_KEY = "Ctrl+Z"
VISITOR_KEY = "Ctrl+Shift+V"
END_KEY = "Ctrl+Shift+E"
SIDE_KEY = "Ctrl+Shift+S"
#: the main window's Go menu owns F11; the button only shows it
FOCUS_KEY = "F11"


def activities_summary(planned: list[str], limit: int = 70) -> str:
    """The planned activities on one line: as many as fit in about `limit` characters, then
    how many more there are."""
    shown: list[str] = []
    for n, activity in enumerate(planned):
        if not shown and len(activity) > limit:
            activity = activity[: limit - 1].rstrip() + "…"
        elif shown and len("; ".join([*shown, activity])) > limit:
            return "; ".join(shown) + f" (+{len(planned) - n} more)"
        shown.append(activity)
    return "; ".join(shown)


class RegisterHeader(QWidget):
    """Two rows: who and when, with the view buttons; the counts, with the actions. The
    register connects the buttons; none of them takes the keyboard from the cards."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = QLabel()
        self.title.setObjectName("title")
        self.title.setStyleSheet("font-size: 20px; font-weight: 600")
        self.subtitle = QLabel()
        self.subtitle.setStyleSheet("font-size: 14px")  # the palette colour: high contrast too
        self.counts = QLabel()
        self.counts.setStyleSheet("font-size: 16px")
        self.counts.setAccessibleName("Counts")
        self.title.setAccessibleName("Group and date")
        self.subtitle.setAccessibleName("Session, theme and activities")
        self.banner = QLabel()
        self.banner.setWordWrap(True)
        self.banner.setVisible(False)
        self.banner.setAccessibleName("Message from the register")
        self.banner.setStyleSheet(
            "background: #fff4ce; border: 1px solid #e0c25a; border-radius: 6px;"
            " padding: 6px 10px; font-size: 14px"
        )
        self.undo_button = KeyButton(
            "Undo last mark", UNDO_KEY, "Put the last mark made on this screen back as it was"
        )
        self.undo_button.setEnabled(False)
        self.visitor_button = KeyButton(
            "Add visitor…", VISITOR_KEY, "Add a child who is not enrolled in this group"
        )
        self.end_button = KeyButton(
            "End session", END_KEY, "Mark the session as held and list anyone not marked"
        )
        self.side_button = KeyButton(
            "Staff && notes",
            SIDE_KEY,
            "Show or hide the staff present and the session notes (hiding them makes room "
            "for more children)",
        )
        self.side_button.setCheckable(True)
        self.side_button.setChecked(True)
        self.side_button.setAccessibleName("Show staff present and session notes")
        self.focus_button = KeyButton(
            "Register only",
            FOCUS_KEY,
            "Show only the register, with more children on the screen. "
            "Press again, F11 or Esc to bring the lists back",
        )
        self.focus_button.setCheckable(True)
        #: what the register last did, in words: the mark just saved, where the keyboard
        #: went, everyone marked (screen readers are told the same: ui/register_keys.py)
        self.status_line = ElidedLabel()
        self.status_line.setObjectName("status-line")
        self.status_line.setAccessibleName("Register status")
        for button in (
            self.undo_button,
            self.visitor_button,
            self.end_button,
            self.side_button,
            self.focus_button,
        ):
            button.setMinimumHeight(40)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)

        titles = QHBoxLayout()
        title_text = QVBoxLayout()
        title_text.setSpacing(0)
        title_text.addWidget(self.title)
        title_text.addWidget(self.subtitle)
        titles.addLayout(title_text, 1)
        titles.addWidget(self.side_button)
        titles.addWidget(self.focus_button)
        actions = QHBoxLayout()
        # The counts and, under them, the status line: as tall as the buttons beside them.
        said = QVBoxLayout()
        said.setSpacing(0)
        said.addWidget(self.counts)
        said.addWidget(self.status_line)
        actions.addLayout(said, 1)
        actions.addWidget(self.undo_button)
        actions.addWidget(self.visitor_button)
        actions.addWidget(self.end_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addLayout(titles)
        layout.addLayout(actions)
        layout.addWidget(self.banner)

    def show_title(self, register: Register) -> None:
        self.title.setText(f"{register.group_name}: {register.date:%A %d %B %Y}")
        bits = [SessionStatus(register.status).label]
        if register.theme:
            bits.append(f"Theme: {register.theme}")
        planned = [line.strip() for line in register.activities.splitlines() if line.strip()]
        if planned:
            bits.append(f"Activities: {activities_summary(planned)}")
        self.subtitle.setText(" · ".join(bits))
        # The whole list, however long, for the mouse and the screen reader.
        full = "Planned activities:\n" + "\n".join(planned) if planned else ""
        self.subtitle.setToolTip(full)
        self.subtitle.setAccessibleDescription(full)

    def show_counts(
        self, present: int, carers: int, expected: int, to_arrive: int, *, held: bool = False
    ) -> None:
        """The counts; once the session is held, those without a mark are "not marked", in
        End session's words, rather than still to arrive."""
        left = "not marked" if held else "still to arrive"
        self.counts.setText(
            f"<b>{present}</b> present &nbsp;·&nbsp; <b>{carers}</b> "
            f"{'carer' if carers == 1 else 'carers'}"
            f" &nbsp;·&nbsp; <b>{expected}</b> expected"
            f" &nbsp;·&nbsp; <b>{to_arrive}</b> {left}"
        )

    def show_status(self, text: str) -> None:
        self.status_line.setText(text)

    def say(self, text: str) -> None:
        self.banner.setText(text)
        self.banner.setVisible(True)

    def clear(self) -> None:
        self.banner.clear()
        self.title.clear()
        self.counts.clear()
        self.status_line.setText("")
