"""A scroll wheel passing over a combo box, a spin box or a date field never changes it: the
dialog scrolls instead (scrolling the Add a child dialog once changed "Accessible format"
silently)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QScrollArea, QWidget

from earlyyears_desktop.services.clock import Clock
from earlyyears_desktop.services.container import Services
from earlyyears_desktop.ui.child_form import ChildForm
from earlyyears_desktop.ui.wheel_guard import WheelGuard, install_wheel_guard

from ..fast_vaults import make_vault
from .conftest import TODAY


@pytest.fixture
def services(tmp_path: Path) -> Iterator[Services]:
    created = make_vault(tmp_path / "vault")
    yield Services(created.vault, clock=Clock.fixed(TODAY))
    created.vault.lock()


def _wheel_down(widget: QWidget) -> None:
    """One notch of a mouse wheel, down, over the middle of `widget`: through the window system,
    as the mouse sends it (QTest), so Qt delivers it to the widget under the pointer and passes
    it on to the parents that do not take it."""
    window = widget.window()
    handle = window.windowHandle()
    assert handle is not None
    QTest.wheelEvent(handle, QPointF(widget.mapTo(window, widget.rect().center())), QPoint(0, -120))


def test_the_app_and_the_test_windows_have_one_guard() -> None:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    guards = app.findChildren(WheelGuard)
    assert len(guards) == 1  # installed by tests/ui/conftest.py, as ui/app.py main() does
    assert install_wheel_guard(app) is guards[0]


def test_the_wheel_scrolls_the_add_a_child_dialog_and_changes_no_field(
    qtbot, runner, services: Services
) -> None:  # type: ignore[no-untyped-def]
    form = ChildForm(services, runner)
    qtbot.addWidget(form)
    form.resize(640, 420)  # smaller than its fields: the scroll area scrolls
    form.show()
    qtbot.waitExposed(form)
    scroll = form.findChild(QScrollArea)
    assert scroll is not None
    bar = scroll.verticalScrollBar()
    assert bar.maximum() > 0
    fields = [form.status, form.fmt, form.given_on]
    before = [form.status.currentIndex(), form.fmt.currentIndex(), form.given_on.date()]
    for field in fields:
        scroll.ensureWidgetVisible(field)
        bar.setValue(min(bar.value(), bar.maximum() - 1))  # room to scroll down
        field.setFocus()  # even with the keyboard in it, the wheel leaves it alone
        was = bar.value()
        _wheel_down(field)
        assert bar.value() > was, type(field).__name__
    after = [form.status.currentIndex(), form.fmt.currentIndex(), form.given_on.date()]
    assert after == before
    assert form.fmt.currentText() == "Standard"
    # The keyboard still changes a choice.
    form.fmt.setFocus()
    qtbot.keyClick(form.fmt, Qt.Key.Key_Down)
    assert form.fmt.currentIndex() == before[1] + 1
