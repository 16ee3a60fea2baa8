"""Adding a child by keyboard alone, at a busy door: the page's shortcut, the button's Alt
letter, typing and Tab through the fields, Alt letters to jump, Enter to save. The child is in
the vault afterwards; no field needs the mouse and Tab never gets stuck."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget

from earlyyears_desktop.services.children import ChildFilter
from earlyyears_desktop.ui.child_form import ChildForm

ALT = Qt.KeyboardModifier.AltModifier
CTRL = Qt.KeyboardModifier.ControlModifier


def _focus() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None, "the keyboard went nowhere"
    return widget


def _press(qtbot, key: Qt.Key, modifier=Qt.KeyboardModifier.NoModifier) -> None:  # type: ignore[no-untyped-def]
    qtbot.keyClick(_focus(), key, modifier)


def _type(qtbot, text: str) -> None:  # type: ignore[no-untyped-def]
    """Type `text` key by key; a letter beyond ASCII (Ō, ā) as a keyboard layout sends it."""
    for char in text:
        if char.isascii():
            qtbot.keyClicks(_focus(), char)
        else:
            QTest.sendKeyEvent(
                QTest.KeyAction.Click,
                _focus(),
                Qt.Key.Key_unknown,
                char,
                Qt.KeyboardModifier.NoModifier,
            )


def test_a_child_is_added_by_keyboard_alone(qtbot, window, unlock) -> None:  # type: ignore[no-untyped-def]
    unlock(window)  # typed, then Enter
    _press(qtbot, Qt.Key.Key_3, CTRL)  # Children
    page = window.page("children")
    qtbot.waitUntil(lambda: page.model.rowCount() > 0, timeout=5000)
    _press(qtbot, Qt.Key.Key_A, ALT)  # &Add a child…
    # (a mnemonic "animates" the click: the button is pressed a moment later)
    qtbot.waitUntil(lambda: isinstance(getattr(page, "new_form", None), ChildForm), timeout=5000)
    form = page.new_form
    assert isinstance(form, ChildForm)
    qtbot.waitUntil(lambda: QApplication.activeWindow() is form, timeout=5000)
    qtbot.waitUntil(form.given.hasFocus, timeout=5000)

    # Tab goes down the form in order, each field typed into.
    _type(qtbot, "Kalani")
    for field, text in (
        (form.family, "Nakoa-Ōkubo"),
        (form.preferred, "Lani"),
        (form.dob, "14/03/2024"),
        (form.nhs, ""),
    ):
        _press(qtbot, Qt.Key.Key_Tab)
        assert _focus() is field, field.accessibleName()
        _type(qtbot, text)
    _press(qtbot, Qt.Key.Key_Tab)  # the first area of need: Space ticks it
    first_area = next(iter(form.areas.values()))
    assert _focus() is first_area
    _press(qtbot, Qt.Key.Key_Space)
    assert first_area.isChecked()

    # The carer, by their Alt letters; the notes box gives Tab back (no trap).
    _press(qtbot, Qt.Key.Key_O, ALT)  # Diagnoses or n&otes
    assert _focus() is form.notes
    _type(qtbot, "Uses Makaton signs.")
    _press(qtbot, Qt.Key.Key_Tab)
    assert _focus() is form.carer_name, "Tab stayed in the notes box"
    _type(qtbot, "Mālie Nakoa-Ōkubo")
    _press(qtbot, Qt.Key.Key_R, ALT)  # &Relationship
    assert _focus() is form.relationship
    _type(qtbot, "Mother")
    _press(qtbot, Qt.Key.Key_A, ALT)  # Accessible form&at: Down chooses the next format
    assert _focus() is form.fmt
    _press(qtbot, Qt.Key.Key_Down)
    chosen = form.fmt.value()
    assert chosen != "standard"
    # The date field takes the keyboard too; Enter there saves the whole form.
    _press(qtbot, Qt.Key.Key_V, ALT)  # Date gi&ven
    assert _focus() is form.given_on or form.given_on.isAncestorOf(_focus())
    _press(qtbot, Qt.Key.Key_Return)  # Enter saves (the default button), from any field

    qtbot.waitUntil(lambda: not form.isVisible(), timeout=10_000)
    services = window.services
    found = services.children.search_ids(ChildFilter(text="Kalani"))
    assert len(found) == 1
    record = services.children.get_child(found[0])
    assert record.preferred_name == "Lani"
    assert record.date_of_birth.isoformat() == "2024-03-14"
    assert record.diagnoses_notes == "Uses Makaton signs."
    assert [c.name for c in record.carers] == ["Mālie Nakoa-Ōkubo"]
    assert record.carers[0].accessible_format == chosen
    # The new child's record is shown and the keyboard is back in the window.
    qtbot.waitUntil(lambda: page.record.view is not None, timeout=5000)
    assert page.record.view.record.id == found[0]
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=5000)
