"""The focus ring: every kind of control the app gives the keyboard to shows a ring at least
2 px wide when focused, in a colour with 3:1 contrast or more to the background, in the usual
colours and in high contrast. Real rendering, offscreen: each control grabbed without and then
with the focus."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QRect, QStringListModel, Qt
from PySide6.QtGui import QColor, QImage, QPalette, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QLabel,
    QLineEdit,
    QListView,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QSpinBox,
    QTabBar,
    QTableView,
    QTextEdit,
    QToolButton,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from earlyyears_desktop.ui import theme
from earlyyears_desktop.ui.focus_ring import (
    RING_ON_DARK,
    RING_WIDTH,
    contrast,
    focus_ring_style,
    ring_colour,
)
from earlyyears_desktop.ui.theme import apply_theme, high_contrast_palette


@pytest.fixture(params=[False, True], ids=["usual colours", "high contrast"])
def high_contrast(request, qapp: QApplication) -> Iterator[bool]:  # type: ignore[no-untyped-def]
    palette, sheet = QPalette(qapp.palette()), qapp.styleSheet()
    apply_theme(qapp, request.param)
    yield request.param
    qapp.setPalette(palette)
    qapp.setStyleSheet(sheet)


def _controls() -> list[tuple[str, QWidget]]:
    """One of each kind of control the app focuses, as the screens make them."""
    combo = QComboBox()
    combo.addItems(["Standard", "Large print", "Read aloud"])
    tabs = QTabBar()
    tabs.addTab("Register")
    tabs.addTab("Attendance")
    tabs.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
    link = QLabel('See <a href="#guide">the guide</a> for the steps.')
    link.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
    link.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
    words = QStringListModel(["Amara", "Bartosz", "Chiamaka"])
    listed = QListView()
    listed.setModel(words)
    tree_model = QStandardItemModel()
    tree_model.appendRow([QStandardItem("Little Steps")])
    tree = QTreeView()
    tree.setModel(tree_model)
    table = QTableView()
    table.setModel(QStandardItemModel(2, 2))
    scroll = QScrollArea()
    scroll.setWidget(QLabel("A long page"))
    tool = QToolButton()
    tool.setText("Lock now")
    controls: list[tuple[str, QWidget]] = [
        ("QPushButton", QPushButton("Open the register")),
        ("QToolButton", tool),
        ("QLineEdit", QLineEdit("Nia")),
        ("QPlainTextEdit", QPlainTextEdit("Notes")),
        ("QTextEdit", QTextEdit("Notes")),
        ("QComboBox", combo),
        ("QSpinBox", QSpinBox()),
        ("QDateEdit", QDateEdit()),
        ("QCheckBox", QCheckBox("An interpreter is needed")),
        ("QRadioButton", QRadioButton("From the library")),
        ("QListView", listed),
        ("QTreeView", tree),
        ("QTableView", table),
        ("QTabBar", tabs),
        ("QScrollArea", scroll),
        ("QLabel with a link", link),
    ]
    for _, widget in controls:
        widget.setMaximumHeight(90)
    return controls


def _ring_run(image: QImage, area: QRect, ring: QColor) -> int:
    """The longest run of ring-coloured pixels across the middle row of `area`, from its left
    edge inwards (the ring's width there)."""
    y = area.center().y()
    best = run = 0
    for x in range(area.left(), min(area.left() + 12, image.width())):
        if QColor(image.pixel(x, y)).name() == ring.name():
            run += 1
            best = max(best, run)
        else:
            run = 0
    return best


def test_every_kind_of_control_shows_a_ring_when_focused(qtbot, high_contrast: bool) -> None:  # type: ignore[no-untyped-def]
    host = QWidget()
    qtbot.addWidget(host)
    column = QVBoxLayout(host)
    away = QPushButton("Somewhere else")
    column.addWidget(away)
    controls = _controls()
    for _, widget in controls:
        column.addWidget(widget)
    host.resize(520, 1100)
    host.show()
    qtbot.waitExposed(host)
    host.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is host, timeout=5000)
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    ring = QColor(ring_colour(app.palette(), high_contrast))
    failures = []
    for name, widget in controls:
        away.setFocus()
        qtbot.waitUntil(away.hasFocus, timeout=2000)
        before = widget.grab().toImage()
        widget.setFocus(Qt.FocusReason.TabFocusReason)
        qtbot.waitUntil(widget.hasFocus, timeout=2000)
        after = widget.grab().toImage()
        area = (
            widget.tabRect(widget.currentIndex()) if isinstance(widget, QTabBar) else widget.rect()
        )
        if before == after:
            failures.append(f"{name}: looks the same with the focus")
        elif _ring_run(after, area, ring) < RING_WIDTH:
            failures.append(f"{name}: no ring {RING_WIDTH} px wide in {ring.name()}")
    assert failures == [], failures


def test_the_ring_stands_out_from_the_background_in_every_theme(qapp: QApplication) -> None:
    """3:1 or more (WCAG 2.2 non-text contrast) against the window and the fields."""
    usual = theme._system_palette or qapp.palette()
    dark = QPalette(QColor("#2d2d2d"))
    for palette, high in ((usual, False), (high_contrast_palette(), True), (dark, False)):
        ring = ring_colour(palette, high)
        for role in (QPalette.ColorRole.Window, QPalette.ColorRole.Base):
            background = palette.color(role)
            assert contrast(ring, background) >= 3, (ring, background.name())
        assert f"solid {ring}" in focus_ring_style(palette, high)
    assert ring_colour(dark, False) == RING_ON_DARK
    assert round(contrast("#000000", "#ffffff")) == 21


def test_tick_boxes_and_radio_buttons_show_in_high_contrast(qtbot, qapp: QApplication) -> None:  # type: ignore[no-untyped-def]
    """Fusion drew their outline from the window colour: black on black, nothing to see."""
    palette, sheet = QPalette(qapp.palette()), qapp.styleSheet()
    apply_theme(qapp, True)
    try:
        for box in (QCheckBox("An interpreter is needed"), QRadioButton("From the library")):
            qtbot.addWidget(box)
            box.show()
            qtbot.waitExposed(box)
            image = box.grab().toImage()
            indicator = QRect(0, 0, 20, image.height())
            colours = {
                QColor(image.pixel(x, y)).name()
                for x in range(indicator.width())
                for y in range(indicator.height())
            }
            assert "#ffffff" in colours, type(box).__name__
    finally:
        qapp.setPalette(palette)
        qapp.setStyleSheet(sheet)


def _ink_span(image: QImage) -> tuple[int, int]:
    """The first and last columns holding the label's dark text, across the middle band."""
    columns = [
        x
        for x in range(image.width())
        for y in range(image.height() // 3, 2 * image.height() // 3)
        if QColor(image.pixel(x, y)).lightnessF() < 0.3
    ]
    return min(columns), max(columns)


def test_a_focused_button_shows_its_whole_label(qtbot, qapp: QApplication) -> None:  # type: ignore[no-untyped-def]
    # The ring once took its room from the label: "Open the registe", "Vlark done".
    apply_theme(qapp, False)
    host = QWidget()
    qtbot.addWidget(host)
    row = QVBoxLayout(host)
    away = QPushButton("Somewhere else")
    button = QPushButton("Open the register")
    row.addWidget(away)
    row.addWidget(button, 0, Qt.AlignmentFlag.AlignLeft)
    host.show()
    qtbot.waitExposed(host)
    host.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is host, timeout=5000)
    away.setFocus()
    qtbot.waitUntil(away.hasFocus, timeout=2000)
    first, last = _ink_span(button.grab().toImage())
    button.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(button.hasFocus, timeout=2000)
    focused_first, focused_last = _ink_span(button.grab().toImage())
    assert focused_last - focused_first >= last - first - 1
