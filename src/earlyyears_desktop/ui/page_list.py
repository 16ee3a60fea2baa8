"""The main window's pages: their order and titles, the sidebar's look, and the key that shows
each page (the sidebar's icons are drawn for the app: ui/icons.py, resources/icons/nav)."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtWidgets import QListWidget


@dataclass(frozen=True)
class PageSpec:
    key: str
    title: str
    #: the title in the Go menu: its Alt letter marked with "&", a literal "&" written "&&"
    #: (a single "&" before a space showed as an underlined space: "Groups _sessions")
    menu_text: str


#: the sidebar: roomy rows, a clear selected state that also shows without the focus
NAV_STYLE = """
QListWidget#sidebar { border: none; background: palette(base); padding: 6px 4px; outline: 0; }
QListWidget#sidebar::item { padding: 7px 8px; margin: 1px 2px; border-radius: 6px;
    color: palette(text); }
QListWidget#sidebar::item:hover { background: palette(alternate-base); }
QListWidget#sidebar::item:selected { background: palette(highlight);
    color: palette(highlighted-text); font-weight: 600; }
QListWidget#sidebar::item:selected:!active { background: palette(highlight);
    color: palette(highlighted-text); }
QListWidget#sidebar:focus { border: 2px solid palette(highlight); }
"""


PAGES = [
    PageSpec("today", "Today", "&Today"),
    PageSpec("groups", "Groups & sessions", "&Groups && sessions"),
    PageSpec("children", "Children", "&Children"),
    PageSpec("observations", "Observations", "&Observations"),
    PageSpec("visits", "Home visits", "&Home visits"),
    PageSpec("plans", "Plans & reviews", "&Plans && reviews"),
    PageSpec("meetings", "Meetings", "&Meetings"),
    PageSpec("strategies", "Strategies", "&Strategies"),
    PageSpec("handouts", "Handouts", "H&andouts"),
    PageSpec("sync", "Sync", "S&ync"),
    PageSpec("settings", "Settings", "S&ettings"),
]


def _page_shortcuts() -> dict[str, str]:
    """Each page's shortcut: Settings has Ctrl+, (the key most applications give their
    settings); the other pages, in order, Ctrl+1 to Ctrl+9, then Ctrl+0 for the tenth."""
    numbered = [spec.key for spec in PAGES if spec.key != "settings"]
    assert len(numbered) <= 10, "a page with no key left: give it a shortcut of its own"
    keys = {key: f"Ctrl+{n % 10}" for n, key in enumerate(numbered, start=1)}
    keys["settings"] = "Ctrl+,"
    return keys


#: the key that shows each page (page key -> "Ctrl+7"), shown in the Go menu and the sidebar
PAGE_SHORTCUTS = _page_shortcuts()


def spoken_shortcut(shortcut: str) -> str:
    """'Ctrl+7' as a screen reader says it: 'Control 7'; 'Ctrl+,': 'Control comma';
    'Ctrl+Shift+V': 'Control Shift V'."""
    spoken = shortcut.replace("Ctrl+", "Control ").replace("Shift+", "Shift ")
    return spoken.replace(",", "comma").replace("+", " ")


def sidebar_list() -> QListWidget:
    """The sections list on the left of the main window, in its look, saying to a screen
    reader how it is used (its items are added by the window)."""
    nav = QListWidget()
    nav.setObjectName("sidebar")
    nav.setAccessibleName("Sections")
    nav.setAccessibleDescription(
        "The parts of the app: Up and Down choose one and show it; each also has its own "
        "shortcut, Control 1 to Control 0, and Control comma for Settings"
    )
    nav.setStyleSheet(NAV_STYLE)
    return nav
