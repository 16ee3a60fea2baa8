"""What a screen reader hears of each control: the rule `test_accessible_names.py` applies to
every page and dialog it walks.

A control's name and description are read through Qt's accessibility interface
(`QAccessible.queryAccessibleInterface`), so a name Qt derives counts: a button's text, a
field's buddy label, a check box's text. The rule:

- every interactive control (a button, a field, a list or table, a tab bar, a slider, a
  calendar, or any widget Tab stops on) has a name, and not one that says nothing: a single
  letter, an ellipsis, or a name still holding the "&" of a mnemonic;
- a field (a line, a number, a date, a choice, a text box) has a description (its accessible
  description, or a tooltip, which Qt reads as the description) or a buddy label saying what
  it is for: the name of a field alone ("Notes") does not say what goes in it;
- a list or table has a description: what is in it and what Enter or a double click does;
- a button showing only an icon has a name and a description;
- a choice (a combo box) has a name of its own or a label: on Linux its spoken name is its
  current value, and the label is read as a relation;
- no two controls of one window say the same name and description.

Inside a composite control (a spin box's line edit, a view's headers, scroll bars and
viewport) only the composite is checked.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractScrollArea,
    QAbstractSpinBox,
    QCalendarWidget,
    QComboBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QScrollBar,
    QSlider,
    QTabBar,
    QTextEdit,
    QWidget,
)

#: fields: they need a description or a buddy label besides their name
FIELDS = (QLineEdit, QAbstractSpinBox, QComboBox, QPlainTextEdit, QTextEdit, QSlider)
#: lists and tables: they need a description
VIEWS = (QAbstractItemView, QCalendarWidget)
INTERACTIVE = (QAbstractButton, *FIELDS, *VIEWS, QTabBar)


@dataclass(frozen=True)
class Unnamed:
    """A control a screen reader cannot tell apart, and why."""

    where: str
    kind: str
    object_name: str
    text: str
    problem: str
    #: the nearest enclosing widget with a name, to find the control by
    inside: str = ""

    def __str__(self) -> str:
        shown = f" {self.text!r}" if self.text else ""
        name = f" #{self.object_name}" if self.object_name else ""
        return f"{self.where}: {self.kind}{name}{shown} in {self.inside!r}: {self.problem}"


def _spoken(widget: QWidget, which: QAccessible.Text) -> str:
    interface = QAccessible.queryAccessibleInterface(widget)
    if interface is None or not interface.isValid():
        return ""
    return (interface.text(which) or "").strip()


def _inside(widget: QWidget) -> str:
    parent = widget.parentWidget()
    while parent is not None:
        if parent.accessibleName():
            return parent.accessibleName()
        parent = parent.parentWidget()
    return ""


def _inside_a_composite(widget: QWidget) -> bool:
    """The line edit of a spin box or an editable combo box, a calendar's own parts, a view's
    headers, scroll bars and viewport: the composite control is what is named."""
    if isinstance(widget, QScrollBar | QHeaderView):
        return True
    parent = widget.parentWidget()
    if isinstance(parent, QAbstractScrollArea) and parent.viewport() is widget:
        return True
    while parent is not None:
        if isinstance(parent, QAbstractSpinBox | QComboBox | QCalendarWidget):
            return True
        parent = parent.parentWidget()
    return False


def _is_interactive(widget: QWidget) -> bool:
    if isinstance(widget, INTERACTIVE):
        if isinstance(widget, QTextEdit | QPlainTextEdit) and widget.isReadOnly():
            return bool(widget.focusPolicy() & Qt.FocusPolicy.TabFocus)
        return True
    return bool(widget.focusPolicy() & Qt.FocusPolicy.TabFocus)


def _has_buddy(widget: QWidget, labels: list[QLabel]) -> bool:
    return any(label.buddy() is widget for label in labels)


def _shown_text(widget: QWidget) -> str:
    if name := _spoken(widget, QAccessible.Text.Name):
        return name[:50]
    if isinstance(widget, QAbstractButton | QLabel | QLineEdit):
        return widget.text()[:40]
    if isinstance(widget, QComboBox):
        return widget.currentText()[:40]
    return ""


def _name_problem(name: str) -> str:
    if not name:
        return "no accessible name"
    if "&" in name.replace("&&", ""):
        return f"name {name!r} holds a mnemonic's &"
    bare = name.strip(" .…:")
    if len(bare) <= 1:
        return f"name {name!r} says nothing"
    return ""


def problem_of(widget: QWidget, labels: list[QLabel]) -> str:
    """Why a screen reader cannot tell what `widget` is (empty if it can)."""
    name = _spoken(widget, QAccessible.Text.Name)
    if problem := _name_problem(name):
        return problem
    # On Linux a combo box's spoken name is its current value: its own name (read on Windows
    # and macOS) or its label (read on Linux, as a relation) says what it is.
    unlabelled = not widget.accessibleName() and not _has_buddy(widget, labels)
    if isinstance(widget, QComboBox) and unlabelled:
        return "a choice named only by its current value"
    described = bool(_spoken(widget, QAccessible.Text.Description))
    if isinstance(widget, VIEWS) and not described:
        return "a list without a description (what it holds, what Enter does)"
    if isinstance(widget, FIELDS) and not described and not _has_buddy(widget, labels):
        return "a field without a description, a tooltip or a label"
    icon_only = (
        isinstance(widget, QAbstractButton) and not widget.text() and not widget.icon().isNull()
    )
    if icon_only and not described:
        return "a button showing only an icon, without a description"
    return ""


def unnamed_controls(
    top: QWidget,
    where: str,
    *,
    shown: bool = True,
) -> list[Unnamed]:
    """Every interactive control shown in `top` (a window, a page, a dialog) that a screen
    reader cannot tell apart; with `shown=False`, every control `top` would show (a wizard's
    page not reached)."""
    widgets = [
        w for w in top.findChildren(QWidget) if (w.isVisible() if shown else w.isVisibleTo(top))
    ]
    labels = [w for w in widgets if isinstance(w, QLabel)]
    found = []
    said: dict[tuple[str, str], QWidget] = {}
    for widget in widgets:
        if _inside_a_composite(widget) or not _is_interactive(widget):
            continue
        problem = problem_of(widget, labels)
        heard = (
            _spoken(widget, QAccessible.Text.Name),
            _spoken(widget, QAccessible.Text.Description),
        )
        if not problem and heard in said and said[heard].window() is widget.window():
            problem = "says just what another control of the screen says"
        said.setdefault(heard, widget)
        if problem:
            found.append(
                Unnamed(
                    where,
                    type(widget).__name__,
                    widget.objectName(),
                    _shown_text(widget),
                    problem,
                    _inside(widget),
                )
            )
    return found
