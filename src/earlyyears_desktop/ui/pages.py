"""What every page of the main window is and promises; the page for work not built yet; and
the page shown in place of one that failed to build.

A page is a `Page`: a widget with `clear_personal_data()` and `reload()`. Python has no
"this class and that protocol" type, so the promise is a base class rather than a
`typing.Protocol`: the main window holds `dict[str, Page]` and mypy checks every page it
builds against it (`ui/main_window.py`, `_new_page`).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from earlyyears_desktop.ui.widgets import heading


class Page(QWidget):
    """A page of the main window.

    `clear_personal_data()` empties every model, field and label that could show a child's or
    family's details (called before the vault locks). `reload()` reads afresh from the
    services (called when the page is shown). Every page overrides both
    (`tests/ui/test_navigation.py` checks).
    """

    def clear_personal_data(self) -> None:
        raise NotImplementedError(type(self).__name__)

    def reload(self) -> None:
        raise NotImplementedError(type(self).__name__)

    def focus_search(self) -> bool:
        """Ctrl+F on this page: give the keyboard to the page's own search box, its text
        selected, and say True; a page without one says False (the window then opens the
        observation search)."""
        return False


def _note_page(page: Page, title: str, what: str, note: str) -> None:
    page.setAccessibleName(title)
    layout = QVBoxLayout(page)
    layout.addWidget(heading(title))
    text = QLabel(what)
    text.setWordWrap(True)
    text.setTextFormat(Qt.TextFormat.PlainText)
    text.setAccessibleName(f"{title}: {'what this page will hold' if note else 'what happened'}")
    text.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
    layout.addWidget(text)
    if note:
        aside = QLabel(note)
        aside.setWordWrap(True)
        aside.setEnabled(False)
        layout.addWidget(aside)
    layout.addStretch(1)


def failed_page_text(title: str) -> str:
    """What a page that failed to build says: its name, never the error's own text."""
    return (
        f"The {title} page could not be opened because of an error in the program. Records "
        "already saved are kept, and the other pages work as usual. The details for support "
        "are in the incident log (the “Something went wrong” box says where); lock and unlock "
        "to try this page again."
    )


class FailedPage(Page):
    """Shown in place of a page whose construction raised: the failure is a bug, recorded
    in the incident log by the main window; the page says which part is missing."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = title
        _note_page(self, title, failed_page_text(title), "")

    def clear_personal_data(self) -> None:
        """Nothing personal is ever shown here."""

    def reload(self) -> None:
        """Nothing to read."""
