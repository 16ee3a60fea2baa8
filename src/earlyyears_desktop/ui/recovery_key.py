"""Showing and printing a recovery key: a plain page with the key and the team's name only.

Printed on paper, never to a file: the system's print dialog offers "Print to File (PDF)",
which would leave the key in plain text on the disk (`~/print.pdf`), beside the vault it opens.
A printer that writes a file is refused after the dialog, with a message naming the file, and
the words beside the button say so before.
"""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontDatabase, QPageLayout, QTextDocument
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QDialog, QLabel, QMessageBox, QWidget

#: the printer's resolution for the key's page
HIGH_RESOLUTION_DPI = 1200
#: beside every Print… button of the recovery key
PRINT_ON_PAPER = (
    "Print on a printer, not to a file or a PDF printer: a file holds the key in plain text."
)


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


def print_warning() -> QLabel:
    """The sentence beside a Print… button: paper, not a file."""
    label = QLabel(PRINT_ON_PAPER)
    label.setWordWrap(True)
    label.setAccessibleName("Print on paper")
    label.setAccessibleDescription(PRINT_ON_PAPER)
    return label


def prints_to_a_file(printer: QPrinter) -> bool:
    return printer.outputFormat() == QPrinter.OutputFormat.PdfFormat or bool(
        printer.outputFileName()
    )


def refusal(printer: QPrinter) -> str:
    name = printer.outputFileName()
    where = f"to {name}" if name else "to a file"
    return (
        f"Nothing was printed {where}: a file would hold the recovery key in plain text, "
        "and anyone who finds it could open the records. Choose a printer, or write the "
        "key down on paper."
    )


def print_on_paper(
    parent: QWidget, printer: QPrinter, recovery_key: str, team_name: str
) -> QMessageBox | None:
    """Print the key if `printer` is a real printer; if it writes a file (the dialog's
    "Print to File"), print nothing and say so: the message box shown, or None if printed."""
    if not prints_to_a_file(printer):
        print_recovery_key(printer, recovery_key, team_name)
        return None
    words = refusal(printer)
    box = QMessageBox(
        QMessageBox.Icon.Warning, "Print on paper", words, QMessageBox.StandardButton.Close, parent
    )
    box.setAccessibleName("The recovery key was not printed to a file")
    box.setAccessibleDescription(words)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    return box


def open_print_dialog(parent: QWidget, recovery_key: str, team_name: str) -> QPrintDialog:
    """The system's print dialog; the page is printed only if the user confirms it, and only
    on a printer (`print_on_paper`). The dialog owns its printer: both go together, whatever
    Python keeps."""
    dialog = QPrintDialog(parent)
    dialog.printer().setResolution(HIGH_RESOLUTION_DPI)
    dialog.setWindowTitle("Print the recovery key")
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.accepted.connect(
        lambda printer: print_on_paper(parent, printer, recovery_key, team_name)
    )
    QDialog.open(dialog)  # PySide's QPrintDialog.open wants a receiver; the base one does not
    return dialog
