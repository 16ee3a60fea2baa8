"""Showing and printing a recovery key: a plain page with the key and the team's name only."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontDatabase, QPageLayout, QTextDocument
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QDialog, QLabel, QWidget


def key_lines(recovery_key: str) -> str:
    """The key in two lines of four groups, hyphens kept, as it is typed back."""
    groups = recovery_key.split("-")
    return "-".join(groups[:4]) + "-\n" + "-".join(groups[4:])


def key_label() -> QLabel:
    label = QLabel()
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByKeyboard)
    label.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
    mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
    mono.setPointSizeF(QFont().pointSizeF() * 1.4)
    mono.setBold(True)
    label.setFont(mono)
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    label.setAccessibleName("Recovery key")
    return label


def show_key(label: QLabel, recovery_key: str) -> None:
    label.setText(key_lines(recovery_key))
    label.setAccessibleDescription(" ".join(recovery_key.split("-")))


def recovery_page(recovery_key: str, team_name: str) -> QTextDocument:
    """The printed page: what it is, the team, the key. No names of children or staff."""
    key = escape(recovery_key).replace("-", "&#8209;")  # non-breaking hyphens
    team = escape(team_name.strip()) or "Early Years"
    document = QTextDocument()
    document.setHtml(
        "<h1>Early Years: recovery key</h1>"
        f"<p style='font-size:14pt'>Team: <b>{team}</b></p>"
        "<p style='font-size:14pt'>If every passphrase is forgotten, this key opens the "
        "records. Keep this page locked away, apart from the laptop.</p>"
        f"<p style='font-family:monospace; font-size:20pt; font-weight:bold'>{key}</p>"
    )
    return document


def print_recovery_key(printer: QPrinter, recovery_key: str, team_name: str) -> None:
    printer.setPageOrientation(QPageLayout.Orientation.Portrait)
    printer.setDocName("Early Years recovery key")
    recovery_page(recovery_key, team_name).print_(printer)


def open_print_dialog(parent: QWidget, recovery_key: str, team_name: str) -> QPrintDialog:
    """The system's print dialog; the page is printed only if the user confirms it."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    dialog = QPrintDialog(printer, parent)
    dialog.setWindowTitle("Print the recovery key")
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.accepted.connect(lambda: print_recovery_key(printer, recovery_key, team_name))
    QDialog.open(dialog)  # PySide's QPrintDialog.open wants a receiver; the base one does not
    dialog._printer = printer  # type: ignore[attr-defined]  # lives as long as the dialog
    return dialog
