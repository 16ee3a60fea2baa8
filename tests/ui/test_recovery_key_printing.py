"""The recovery key is printed on paper, never to a file: "Print to File (PDF)" would leave
the key in plain text beside the vault it opens."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox, QWidget

from earlyyears_desktop.ui.recovery_key import (
    PRINT_ON_PAPER,
    print_on_paper,
    prints_to_a_file,
)
from earlyyears_desktop.ui.settings_page import NewRecoveryKeyDialog

KEY = "ABCDE-FGHJK-LMNPQ-RSTUV-WXYZ2-34567-89ABC-DEFGH"


def _parent(qtbot) -> QWidget:
    parent = QWidget()
    qtbot.addWidget(parent)
    parent.show()
    return parent


def test_a_printer_writing_a_file_is_refused_with_the_file_named(qtbot, tmp_path):
    parent = _parent(qtbot)
    path = tmp_path / "print.pdf"
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFileName(str(path))
    assert prints_to_a_file(printer)
    box = print_on_paper(parent, printer, KEY, "Cherwell Early Years")
    assert isinstance(box, QMessageBox) and box.isVisible()
    assert str(path) in box.text() and "plain text" in box.text()
    assert KEY not in box.text()
    assert not path.exists()  # nothing written


def test_print_to_file_chosen_in_the_print_dialog_writes_nothing(qtbot, tmp_path):
    """The same path as the system dialog's OK: its printer set to a file, then accepted."""
    shown = NewRecoveryKeyDialog(KEY, "Cherwell Early Years")
    qtbot.addWidget(shown)
    shown.show()
    shown.activateWindow()
    qtbot.waitUntil(shown.isActiveWindow)
    path = tmp_path / "print.pdf"
    qtbot.keyClick(shown, Qt.Key.Key_P, Qt.KeyboardModifier.AltModifier)  # &Print…
    qtbot.waitUntil(lambda: shown.print_dialog is not None)
    dialog = shown.print_dialog
    assert isinstance(dialog, QPrintDialog) and dialog.isVisible()
    dialog.printer().setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    dialog.printer().setOutputFileName(str(path))
    gone: list[int] = []
    dialog.destroyed.connect(lambda: gone.append(1))
    dialog.done(QDialog.DialogCode.Accepted)  # OK, without the dialog's widgets re-read
    qtbot.waitUntil(lambda: bool(gone))  # closed and deleted, its printer with it
    box = QApplication.activeModalWidget()
    assert isinstance(box, QMessageBox) and str(path) in box.text()
    assert box.accessibleName() == "The recovery key was not printed to a file"
    assert not path.exists()
    box.close()


def test_the_words_beside_print_say_paper_not_a_file(qtbot):
    dialog = NewRecoveryKeyDialog(KEY, "Cherwell Early Years")
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.print_warning.isVisible()
    assert dialog.print_warning.text() == PRINT_ON_PAPER
    assert "not to a file" in PRINT_ON_PAPER and "plain text" in PRINT_ON_PAPER
