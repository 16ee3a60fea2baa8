"""A family's document (a home visit's record, the family's copy of a support plan, the
parents' questionnaire, a meeting's letters) shown before it is printed or saved.

    show_family_documents(parent, services, runner, visit_id=visit_id)
    show_family_documents(parent, services, runner, meeting_id=meeting_id)   # the letters

makes the PDF on the database worker and opens `DocumentPreview` on it. The preview reads the
PDF from memory (a QBuffer), so nothing touches the disk until the user saves it (written
privately and in one step, `write_pdf_atomically`) or prints it through the system dialog.
Closing the preview (Escape), and locking the app, forget the PDF. The file and printer
choosers are methods (`choose_save_path`, `choose_printer`) so tests can answer them without
a native dialog.
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QGuiApplication, QKeySequence, QPainter, QShortcut
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from earlyyears_desktop.handouts import (
    FamilyDocument,
    MeetingLettersDocument,
    render_meeting_letters,
    render_plan_documents,
    render_questionnaire,
    render_visit_documents,
    write_pdf_atomically,
)
from earlyyears_desktop.services.container import Services
from earlyyears_desktop.ui import file_dialogs
from earlyyears_desktop.ui.error_text import error_text
from earlyyears_desktop.ui.file_dialogs import FolderKind
from earlyyears_desktop.ui.operations import OpRunner
from earlyyears_desktop.ui.preferences import Preferences, preferences_of
from earlyyears_desktop.ui.widgets import push_button, selectable_text

#: printing renders each page as an image at this resolution (A4 at 300 dpi is 2480 x 3508)
PRINT_DPI = 300
ZOOM_STEP = 1.25
ZOOM_RANGE = (0.25, 4.0)
LOOK_WORDS = {
    "standard": "standard print",
    "large_print": "large print",
    "high_contrast": "high contrast",
    "large_high_contrast": "large print, high contrast",
}
#: the preview's title for each kind of document
TITLES = {
    "visit record and activity chart": "Our visit",
    "support plan and one-page profile": "My support plan",
    "parents' questionnaire": "Parents' questionnaire",
    "outcome letters": "Letters after the meeting",
}
KEYS = (
    "Page Down / Page Up: next or previous page  ·  Ctrl++ / Ctrl+−: zoom  ·  Ctrl+0: fit "
    "the width  ·  Ctrl+P: print  ·  Ctrl+S: save  ·  Esc: close"
)


class Previewed(Protocol):
    """What the preview needs of a document: its PDF, what it is, a file name to offer."""

    @property
    def pdf(self) -> bytes: ...

    @property
    def kind(self) -> str: ...

    @property
    def file_name(self) -> str: ...


def render_pdf_to_printer(document: QPdfDocument, printer: QPrinter) -> int:
    """Draw every page of the PDF on the printer, each scaled to fit its printable area, one
    image at a time; the number of pages sent (0 when the printer could not start)."""
    painter = QPainter()
    if not painter.begin(printer):
        return 0
    count = document.pageCount()
    try:
        for index in range(count):
            if index:
                printer.newPage()
            area = painter.viewport()
            points = document.pagePointSize(index)
            scale = min(area.width() / points.width(), area.height() / points.height())
            size = QSize(int(points.width() * scale), int(points.height() * scale))
            image = document.render(index, size)
            painter.drawImage(QRectF(QPointF(0, 0), size.toSizeF()), image)
    finally:
        painter.end()
    return count


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def fitted(wanted: QSize, near: QWidget | None) -> QSize:
    """`wanted`, made no larger than the screen the dialog opens on (a laptop's 1366x768)."""
    screen = near.screen() if near is not None else QGuiApplication.primaryScreen()
    if screen is None:
        return wanted
    room = screen.availableGeometry().size() - QSize(40, 60)  # a window frame, a taskbar
    return wanted.boundedTo(room)


class DocumentPreview(QDialog):
    """The PDF in memory, page by page, with Print… and Save as PDF…."""

    def __init__(
        self, document: Previewed, runner: OpRunner, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.runner = runner
        #: where Save as PDF… remembers its folder (the vault's desktop preferences)
        self.folders: Preferences | None = None
        self.family_document: Previewed | None = document
        self.title = TITLES.get(document.kind, document.kind.capitalize())
        self.setWindowTitle(f"{self.title}: preview")
        self.setAccessibleName(f"Preview of {document.kind}")
        self.resize(fitted(QSize(900, 1000), parent))
        self._bytes = QByteArray(document.pdf)
        self._buffer = QBuffer(self)
        self._buffer.setData(self._bytes)
        self._buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self.document = QPdfDocument(self)
        self.document.load(self._buffer)
        self._build(document)
        self.finished.connect(self._forget)

    def describe(self, document: Previewed) -> str:
        """The line above the pages: what the document is, its pages and its look."""
        assert isinstance(document, FamilyDocument)
        pages = self.document.pageCount()
        text = (
            f"The {document.kind} for {document.name}: {_plural(pages, 'page')}, in "
            f"{LOOK_WORDS.get(document.look, document.look)}. Check it, then print it or save it."
        )
        if document.name_warning is not None:
            text += (
                f" The name {document.name_warning.name} may not print correctly: a letter no "
                "font on this computer has shows as an empty box."
            )
        return text

    def add_buttons(self, bar: QHBoxLayout) -> None:
        """More buttons beside Print… and Save as PDF… (none here)."""

    def add_below(self, layout: QVBoxLayout) -> None:
        """More rows under the pages (none here)."""

    def after_output(self) -> None:
        """Called once the document was printed or saved (nothing more to do here)."""

    def _build(self, document: Previewed) -> None:
        layout = QVBoxLayout(self)
        self.message = selectable_text("About this document")
        self.message.setText(self.describe(document))
        layout.addWidget(self.message)

        bar = QHBoxLayout()
        self.previous_button = push_button("◀ &Previous", "Previous page", self.previous_page)
        self.page_label = QLabel()
        self.page_label.setAccessibleName("Page shown")
        self.next_button = push_button("&Next ▶", "Next page", self.next_page)
        self.zoom_out_button = push_button("−", "Zoom out", self.zoom_out)
        self.fit_button = push_button("&Fit width", "Fit the page's width", self.fit_width)
        self.zoom_in_button = push_button("+", "Zoom in", self.zoom_in)
        self.print_button = push_button("P&rint…", "Print", self.print_document)
        self.save_button = push_button("&Save as PDF…", "Save as PDF", self.save_pdf)
        self.close_button = push_button("Close", "Close the preview", self.reject)
        for widget in (self.previous_button, self.page_label, self.next_button):
            bar.addWidget(widget)
        bar.addSpacing(16)
        for widget in (self.zoom_out_button, self.fit_button, self.zoom_in_button):
            bar.addWidget(widget)
        bar.addStretch(1)
        for widget in (self.print_button, self.save_button):
            bar.addWidget(widget)
        self.add_buttons(bar)
        bar.addWidget(self.close_button)
        layout.addLayout(bar)

        self.view = QPdfView(self)
        self.view.setAccessibleName(f"Pages of the {document.kind}")
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.view.setDocument(self.document)
        self.view.pageNavigator().currentPageChanged.connect(self._show_page_number)
        layout.addWidget(self.view, 1)

        self.status = selectable_text("What happened")
        layout.addWidget(self.status)
        self.add_below(layout)
        keys = QLabel(KEYS)
        keys.setAccessibleName("Keyboard shortcuts")
        keys.setWordWrap(True)
        layout.addWidget(keys)

        for keys_pressed, act in (
            (QKeySequence.StandardKey.MoveToNextPage, self.next_page),
            (QKeySequence.StandardKey.MoveToPreviousPage, self.previous_page),
            (QKeySequence.StandardKey.ZoomIn, self.zoom_in),
            (QKeySequence("Ctrl+="), self.zoom_in),
            (QKeySequence.StandardKey.ZoomOut, self.zoom_out),
            (QKeySequence("Ctrl+0"), self.fit_width),
            (QKeySequence.StandardKey.Print, self.print_document),
            (QKeySequence.StandardKey.Save, self.save_pdf),
            (QKeySequence("Ctrl+Home"), lambda: self.go_to(0)),
            (QKeySequence("Ctrl+End"), lambda: self.go_to(self.document.pageCount() - 1)),
        ):
            QShortcut(QKeySequence(keys_pressed), self, act)
        self._show_page_number(0)
        self.view.setFocus()

    # ---- pages and zoom ----

    def current_page(self) -> int:
        return int(self.view.pageNavigator().currentPage())

    def go_to(self, page: int) -> None:
        count = self.document.pageCount()
        if count == 0:
            return
        page = max(0, min(page, count - 1))
        navigator = self.view.pageNavigator()
        navigator.jump(page, QPointF(), navigator.currentZoom())
        self._show_page_number(page)

    def next_page(self) -> None:
        self.go_to(self.current_page() + 1)

    def previous_page(self) -> None:
        self.go_to(self.current_page() - 1)

    def _show_page_number(self, page: int) -> None:
        count = self.document.pageCount()
        self.page_label.setText(f"Page {page + 1} of {count}" if count else "No pages")
        self.previous_button.setEnabled(page > 0)
        self.next_button.setEnabled(page < count - 1)

    def zoom_factor(self) -> float:
        return float(self.view.zoomFactor())

    def _zoom_to(self, factor: float) -> None:
        low, high = ZOOM_RANGE
        self.view.setZoomMode(QPdfView.ZoomMode.Custom)
        self.view.setZoomFactor(max(low, min(high, factor)))

    def zoom_in(self) -> None:
        self._zoom_to(self.zoom_factor() * ZOOM_STEP)

    def zoom_out(self) -> None:
        self._zoom_to(self.zoom_factor() / ZOOM_STEP)

    def fit_width(self) -> None:
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)

    # ---- print and save ----

    def choose_printer(self, printer: QPrinter) -> bool:
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle(f"Print: {self.title}")
        # Printing to a file would write the PDF with no care for who may read it: Save as
        # PDF… writes it privately.
        dialog.setOption(QPrintDialog.PrintDialogOption.PrintToFile, False)
        return dialog.exec() == QDialog.DialogCode.Accepted

    def print_document(self) -> None:
        if self.family_document is None or self.document.status() != QPdfDocument.Status.Ready:
            return
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setResolution(PRINT_DPI)
        printer.setDocName(self.title)
        if not self.choose_printer(printer):
            return
        pages = render_pdf_to_printer(self.document, printer)
        if pages:
            self.status.setText(f"Sent {_plural(pages, 'page')} to the printer.")
            self.after_output()
        else:
            self.status.setText("The printer could not be started.")

    def choose_save_path(self, suggested: str) -> Path | None:
        return file_dialogs.save_file(
            self,
            self.folders,
            FolderKind.DOCUMENTS,
            f"Save: {self.title}",
            suggested,
            "PDF files (*.pdf)",
            ".pdf",
        )

    def save_pdf(self) -> None:
        document = self.family_document
        if document is None:
            return
        path = self.choose_save_path(document.file_name)
        if path is None:
            return
        data = document.pdf
        self.status.setText("Saving…")
        self.runner.run(
            lambda: write_pdf_atomically(path, data),
            on_done=self._saved,
            on_error=lambda error: self.status.setText(error_text(error)),
        )

    def _saved(self, path: Path) -> None:
        self.status.setText(f"Saved to {path}.")
        self.after_output()

    # ---- closing ----

    def _forget(self) -> None:
        """The PDF holds the family's details: let go of it as the preview closes."""
        self.document.close()
        self._buffer.close()
        self._bytes.clear()
        self.family_document = None


def show_family_documents(
    parent: QWidget,
    services: Services,
    runner: OpRunner,
    *,
    visit_id: str | None = None,
    plan_id: str | None = None,
    referral_id: str | None = None,
    meeting_id: str | None = None,
    large_print: bool | None = None,
) -> None:
    """Make a visit's documents (`visit_id`), a plan's (`plan_id`), a referral's parents'
    questionnaire (`referral_id`) or a meeting's letters to the families (`meeting_id`) on
    the worker, then show them in a `DocumentPreview` (`LettersPreview` for the letters) over
    `parent`; a failure is said in a message box. With `large_print` None each main carer's
    format is followed; True or False overrides it.

    The screens' `questionnaire_requested(referral_id)` and `letters_requested(meeting_id)`
    signals are wired here."""
    given = [x for x in (visit_id, plan_id, referral_id, meeting_id) if x is not None]
    if len(given) != 1:
        raise ValueError(
            "show_family_documents needs exactly one of visit_id, plan_id, referral_id and "
            "meeting_id"
        )

    def work() -> FamilyDocument | MeetingLettersDocument:
        if visit_id is not None:
            return render_visit_documents(services, visit_id, large_print=large_print)
        if plan_id is not None:
            return render_plan_documents(services, plan_id, large_print=large_print)
        if referral_id is not None:
            return render_questionnaire(services, referral_id, large_print=large_print)
        assert meeting_id is not None
        return render_meeting_letters(services, meeting_id, large_print=large_print)

    def shown(document: FamilyDocument | MeetingLettersDocument) -> None:
        preview: DocumentPreview
        if isinstance(document, MeetingLettersDocument):
            from earlyyears_desktop.ui.letters_preview import LettersPreview

            preview = LettersPreview(document, services, runner, parent, large_print)
        else:
            preview = DocumentPreview(document, runner, parent)
            preview.folders = preferences_of(services)
        preview.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        preview.open()

    def failed(error: BaseException) -> None:
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            "Documents for the family",
            error_text(error),
            QMessageBox.StandardButton.Ok,
            parent,
        )
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()

    runner.run(
        work,
        progress_label="Making the letters…" if meeting_id else "Making the family's copy…",
        parent=parent,
        on_done=shown,
        on_error=failed,
    )


__all__ = ["DocumentPreview", "render_pdf_to_printer", "show_family_documents"]
