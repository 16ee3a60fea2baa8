"""The Alt+letter keys (mnemonics) a window offers, and the ones that collide.

A mnemonic is the character after a single "&" in a button's text, a label's text (which gives
the keyboard to its buddy), a group box's title, a tab's text or a menu's title. Two controls
shown together with the same letter collide: Alt+letter then reaches only one of them (or, for
two buttons, only moves the focus between them and presses neither). The menu bar's letters are
live on every page, so a page's controls must not use them either; a menu's own items need only
differ from each other.
"""

from __future__ import annotations

import re
from collections import defaultdict

from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractButton,
    QGroupBox,
    QLabel,
    QMenu,
    QMenuBar,
    QTabBar,
    QWidget,
)

#: a "&" not doubled, and the character it marks
_SINGLE = re.compile(r"(?<!&)&([^&\s])")
#: "&" before a space (shown as an underlined space) or a lone "&" at the end
_STRAY = re.compile(r"(?<!&)&(\s|$)")


def mnemonic(text: str) -> str | None:
    """The letter Alt reaches in `text` ("Open the &register" -> "r"), or None."""
    found = _SINGLE.search(text.replace("&&", ""))
    return found.group(1).lower() if found else None


def stray_ampersands(text: str) -> bool:
    """True if `text` shows an "&" wrongly: before a space ("Groups &sessions" shows
    "Groups _sessions"), at the end, or more than one single "&" (only the first counts)."""
    plain = text.replace("&&", "")
    return bool(_STRAY.search(plain)) or len(_SINGLE.findall(plain)) > 1


def _describe(widget: QWidget | QAction, text: str) -> str:
    name = widget.objectName() or type(widget).__name__
    return f"{name} {text!r}"


def _texts(widget: QWidget) -> list[str]:
    """The texts of `widget` that Qt reads a mnemonic from (a label's only with a buddy)."""
    if isinstance(widget, QAbstractButton):
        return [widget.text()]
    if isinstance(widget, QLabel):
        return [widget.text()] if widget.buddy() is not None else []
    if isinstance(widget, QGroupBox):
        return [widget.title()]
    if isinstance(widget, QTabBar):
        return [widget.tabText(i) for i in range(widget.count()) if widget.isTabVisible(i)]
    return []


def widget_mnemonics(root: QWidget) -> list[tuple[str, str]]:
    """(letter, which control) for every control shown in `root` with a mnemonic: buttons,
    labels with a buddy, group boxes, tabs. Hidden controls (another page of a stack, a closed
    dialog) are left out; disabled ones count (they are enabled later)."""
    found: list[tuple[str, str]] = []
    for widget in root.findChildren(QWidget):
        if not widget.isVisibleTo(root) or widget.window() is not root.window():
            continue
        for text in _texts(widget):
            letter = mnemonic(text)
            if letter is not None:
                found.append((letter, _describe(widget, text)))
    return found


def menu_bar_mnemonics(bar: QMenuBar) -> list[tuple[str, str]]:
    found = []
    for action in bar.actions():
        letter = mnemonic(action.text())
        if action.isVisible() and letter is not None:
            found.append((letter, f"menu {action.text()!r}"))
    return found


def clashes(found: list[tuple[str, str]]) -> list[str]:
    """Each letter used more than once, with the controls using it."""
    by_letter: dict[str, list[str]] = defaultdict(list)
    for letter, what in found:
        by_letter[letter].append(what)
    return [f"Alt+{k.upper()}: {' and '.join(v)}" for k, v in by_letter.items() if len(v) > 1]


def menu_clashes(bar: QMenuBar) -> list[str]:
    """Clashes inside each menu of `bar` (and its submenus)."""
    problems: list[str] = []

    def walk(menu: QMenu) -> None:
        found = []
        for action in menu.actions():
            if action.isSeparator() or not action.isVisible():
                continue
            letter = mnemonic(action.text())
            if letter is not None:
                found.append((letter, f"{menu.title()!r} item {action.text()!r}"))
            if action.menu() is not None:
                walk(action.menu())
        problems.extend(clashes(found))

    for action in bar.actions():
        if action.menu() is not None:
            walk(action.menu())
    return problems


def window_clashes(root: QWidget) -> list[str]:
    """The collisions in `root` as shown now: its controls and, for a main window, its menu
    bar's titles together; each menu's items on their own."""
    found = widget_mnemonics(root)
    bar = root.findChild(QMenuBar)
    problems: list[str] = []
    if bar is not None and bar.window() is root.window():
        found += menu_bar_mnemonics(bar)
        problems += menu_clashes(bar)
    return clashes(found) + problems


def visible_texts(root: QWidget) -> list[str]:
    """Every text shown in `root` that Qt reads mnemonics from (buttons, labels with a buddy,
    group boxes, tabs, menus and their items)."""
    texts: list[str] = []
    for widget in root.findChildren(QWidget):
        if not widget.isVisibleTo(root):
            continue
        texts += _texts(widget)
        if isinstance(widget, QMenuBar | QMenu):
            for action in widget.actions():
                texts.append(action.text())
                if action.menu() is not None:
                    texts += [a.text() for a in action.menu().actions() if not a.isSeparator()]
    return texts
