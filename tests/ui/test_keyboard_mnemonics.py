"""Alt+letter keys across the whole app: every page of the main window shown in turn (with a
register open, a child's record open), the menu bar, and the dialogs a keyboard user opens most
(Add a child, Add a group, a new observation, Settings' passphrase and practitioner dialogs).
No two controls shown together share a letter, none takes a menu bar's letter, and no text
shows an "&" as an underlined space."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog, QMenuBar, QWidget

from earlyyears_desktop.ui.page_list import PAGES

from .mnemonics import (
    clashes,
    menu_bar_mnemonics,
    mnemonic,
    stray_ampersands,
    visible_texts,
    widget_mnemonics,
    window_clashes,
)

ALT = Qt.KeyboardModifier.AltModifier


def _settle(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    window.runner.wait_for_idle()
    qtbot.wait(20)
    window.runner.wait_for_idle()
    QApplication.processEvents()


def _dialog_over(qtbot, window, kind: type[QDialog]) -> QDialog:  # type: ignore[no-untyped-def]
    def shown() -> QDialog | None:
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, kind) and widget.isVisible():
                return widget
        return None

    qtbot.waitUntil(lambda: shown() is not None, timeout=5000)
    dialog = shown()
    assert dialog is not None
    return dialog


def _problems_in(root: QWidget, where: str) -> list[str]:
    found = [f"{where}: {c}" for c in window_clashes(root)]
    found += [
        f"{where}: {t!r} shows an '&' wrongly" for t in visible_texts(root) if stray_ampersands(t)
    ]
    return found


def _walk_dialog(qtbot, window, kind: type[QDialog], where: str) -> list[str]:  # type: ignore[no-untyped-def]
    dialog = _dialog_over(qtbot, window, kind)
    problems = _problems_in(dialog, where)
    dialog.reject()
    _settle(qtbot, window)
    return problems


def test_the_mnemonic_helpers() -> None:
    assert mnemonic("Open the &register") == "r"
    assert mnemonic("Staff && notes") is None
    assert mnemonic("Staff && &notes") == "n"
    assert stray_ampersands("Groups & sessions")
    assert stray_ampersands("&Print && &save")
    assert not stray_ampersands("&Groups && sessions")
    assert clashes([("p", "one"), ("p", "two"), ("s", "three")]) == ["Alt+P: one and two"]
    # The Go menu shows each page's title as it is, with a letter of its own.
    for spec in PAGES:
        shown = spec.menu_text.replace("&&", "\0").replace("&", "").replace("\0", "&")
        assert shown == spec.title
        assert not stray_ampersands(spec.menu_text) and mnemonic(spec.menu_text)


def test_no_mnemonic_collides_anywhere(qtbot, window, unlock) -> None:  # type: ignore[no-untyped-def]
    from earlyyears_desktop.ui.child_form import ChildForm
    from earlyyears_desktop.ui.group_dialogs import GroupDialog
    from earlyyears_desktop.ui.observation_dialog import ObservationDialog
    from earlyyears_desktop.ui.settings_page import AddPractitionerDialog, ChangePassphraseDialog

    unlock(window)
    problems: list[str] = []
    bar = window.findChild(QMenuBar)
    assert {letter for letter, _ in menu_bar_mnemonics(bar)} >= {"r", "g"}
    for spec in PAGES:
        window.show_page(spec.key)
        _settle(qtbot, window)
        problems += _problems_in(window, spec.title)

    # The register open on the Groups page by Today's Alt+O (its buttons join the page's).
    # Alt+R is the Records menu and Alt+G the Go menu on every page: Today's "Open the
    # register" once took Alt+R and opened the menu instead.
    window.show_page("today")
    _settle(qtbot, window)
    today_letters = {letter for letter, _ in widget_mnemonics(window.page("today"))}
    assert "o" in today_letters
    groups = window.page("groups")
    qtbot.keyClick(QApplication.focusWidget() or window, Qt.Key.Key_O, ALT)
    # (a mnemonic "animates" the click: the button is pressed a moment later)
    qtbot.waitUntil(lambda: window.current_key == "groups", timeout=5000)
    qtbot.waitUntil(lambda: groups.register_view is not None, timeout=5000)
    _settle(qtbot, window)
    problems += _problems_in(window, "Groups & sessions with a register open")

    # A child's record open on the Children page, then its new observation dialog.
    window.show_page("children")
    children = window.page("children")
    qtbot.waitUntil(lambda: children.model.rowCount() > 0, timeout=5000)
    children.table.setCurrentIndex(children.model.index(0, 0))
    qtbot.waitUntil(lambda: children.record.view is not None, timeout=5000)
    _settle(qtbot, window)
    problems += _problems_in(window, "Children with a record open")
    children.record.add_observation()
    problems += _walk_dialog(qtbot, window, ObservationDialog, "New observation")
    children.add_child()
    problems += _walk_dialog(qtbot, window, ChildForm, "Add a child")

    window.show_page("groups")
    groups.add_group()
    problems += _walk_dialog(qtbot, window, GroupDialog, "Add a group")

    window.show_page("settings")
    settings = window.page("settings")
    settings.open_change_passphrase()
    problems += _walk_dialog(qtbot, window, ChangePassphraseDialog, "Change my passphrase")
    settings.open_add_practitioner()
    problems += _walk_dialog(qtbot, window, AddPractitionerDialog, "Add a practitioner")

    assert problems == [], "\n".join(problems)


def test_the_groups_page_of_a_new_vault(qtbot, runner, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """No group yet: the page's own "Add a group…" takes no letter of the menu bar's (Alt+G
    is Go) nor of the buttons beside it (New group… is Alt+N)."""
    from earlyyears_desktop.services.clock import Clock
    from earlyyears_desktop.services.container import Services
    from earlyyears_desktop.ui.groups_page import GroupsPage

    from ..fast_vaults import make_vault
    from .conftest import TODAY

    created = make_vault(tmp_path / "vault")
    try:
        page = GroupsPage(Services(created.vault, clock=Clock.fixed(TODAY)), runner)
        qtbot.addWidget(page)
        page.show()
        page.reload()
        qtbot.waitUntil(page.placeholder_action.isVisible, timeout=5000)
        assert "group" in page.placeholder_action.text()
        menu_bar = [("r", "menu '&Records'"), ("g", "menu '&Go'")]
        assert clashes(widget_mnemonics(page) + menu_bar) == []
    finally:
        runner.wait_for_idle()
        created.vault.lock()
