"""The Handouts page: choose a session, make the families' handouts, preview, print or save.

The PDF is made on the database worker (`render_session_handouts`) and comes back as bytes.
The preview reads it from a QBuffer, so no plain PDF touches the disk until the user saves it
(written atomically where they choose) or prints it. File and printer choosers are methods
(`choose_save_path`, `choose_printer`) so tests can answer them without a native dialog.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from earlyyears_desktop.domain.enums import SessionStatus
from earlyyears_desktop.handouts import (
    HandoutsCancelled,
    NoHandouts,
    RenderedHandouts,
    SkippedChild,
    render_session_handouts,
    write_pdf_atomically,
)
from earlyyears_desktop.services.container import Services
from earlyyears_desktop.services.groups import SessionRow
from earlyyears_desktop.ui import file_dialogs
from earlyyears_desktop.ui.document_preview import PRINT_DPI, render_pdf_to_printer
from earlyyears_desktop.ui.error_text import error_text
from earlyyears_desktop.ui.file_dialogs import FolderKind
from earlyyears_desktop.ui.operations import OpRunner, Progress
from earlyyears_desktop.ui.pages import Page
from earlyyears_desktop.ui.preferences import preferences_of
from earlyyears_desktop.ui.widgets import heading, push_button, selectable_text

#: what the preview's place says before any handouts are made
EMPTY_PREVIEW = (
    "No handouts made yet.\n\nChoose a session above and press Make handouts: the handouts "
    "appear here to check before printing or saving."
)
NO_SESSIONS_PREVIEW = (
    "No handouts to make yet.\n\nAfter a session, mark who came on its register (Groups & "
    "sessions): the session then appears above."
)


def session_choice_text(s: SessionRow) -> str:
    present = len(s.present)
    text = f"{s.date:%a %-d %b %Y}  ·  {s.group_name}"
    if s.theme:
        text += f"  ·  {s.theme}"
    if s.status == SessionStatus.HELD:
        text += f"  ({present} present)"
    else:
        text += f"  ({SessionStatus(s.status).label.lower()}, {present} present)"
    return text


def suggested_file_name(s: SessionRow | None) -> str:
    if s is None:
        return "handouts.pdf"
    group = re.sub(r"[^a-z0-9]+", "-", s.group_name.casefold()).strip("-") or "group"
    return f"handouts-{s.date.isoformat()}-{group}.pdf"


def sessions_for_handouts(rows: list[SessionRow], today: dt.date) -> list[SessionRow]:
    """Held sessions, and today's once anyone is marked present, newest first: the sessions
    a family goes home from."""
    usable = [
        s
        for s in rows
        if s.status == SessionStatus.HELD
        or (s.status == SessionStatus.PLANNED and s.date <= today and s.present)
    ]
    return sorted(usable, key=lambda s: (s.date, s.group_name.casefold()), reverse=True)


class HandoutsPage(Page):
    def __init__(self, services: Services, runner: OpRunner, parent: QWidget | None = None):
        super().__init__(parent)
        self.services = services
        self.runner = runner
        self.setAccessibleName("Handouts")
        self._sessions: list[SessionRow] = []
        self._rendered: RenderedHandouts | None = None
        self._rendered_for: SessionRow | None = None
        self._buffer: QBuffer | None = None
        self._bytes: QByteArray | None = None
        self._build()

    # ---- layout ----

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.addWidget(heading("Handouts for families"))
        intro = QLabel(
            "After a session, make a handout for each family: what we did, what we noticed, "
            "things to try at home and when we meet next. Each one follows the carer's "
            "format (large print or high contrast). Children without consent for "
            "personalised handouts are left out and listed here."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)

        row = QHBoxLayout()
        label = QLabel("&Session:")
        self.session_box = QComboBox()
        self.session_box.setAccessibleName("Session")
        self.session_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        label.setBuddy(self.session_box)
        self.large_print_box = QCheckBox("&Large print for every family")
        self.large_print_box.setAccessibleName("Large print for every family")
        self.make_button = QPushButton("&Make handouts")
        self.make_button.setAccessibleName("Make handouts")
        self.make_button.setDefault(True)
        self.make_button.clicked.connect(self.make_handouts)
        row.addWidget(label)
        row.addWidget(self.session_box, 1)
        row.addWidget(self.large_print_box)
        row.addWidget(self.make_button)
        layout.addLayout(row)

        self.message = selectable_text("What happened")
        layout.addWidget(self.message)

        self.skipped_label = selectable_text("Children left out")
        self.skipped_label.hide()
        layout.addWidget(self.skipped_label)

        actions = QHBoxLayout()
        self.print_button = push_button("&Print…", "Print the handouts", self.print_handouts)
        self.save_button = push_button("Sa&ve PDF…", "Save the handouts as a PDF", self.save_pdf)
        actions.addWidget(self.print_button)
        actions.addWidget(self.save_button)
        actions.addStretch(1)
        layout.addLayout(actions)

        self.document = QPdfDocument(self)
        self.preview = QPdfView(self)
        self.preview.setAccessibleName("Preview of the handouts")
        self.preview.setPageMode(QPdfView.PageMode.MultiPage)
        self.preview.setZoomMode(QPdfView.ZoomMode.FitInView)
        self.preview.setDocument(self.document)
        # Until there is a PDF, the preview's place says what to do (not a blank grey box).
        self.empty_state = QLabel(EMPTY_PREVIEW)
        self.empty_state.setAccessibleName("Preview of the handouts: nothing made yet")
        self.empty_state.setWordWrap(True)
        self.empty_state.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_state.setStyleSheet(
            "QLabel { border: 2px dashed #b8bec7; border-radius: 10px; color: #333;"
            " font-size: 16px; padding: 24px; background: palette(base); }"
        )
        self.preview_stack = QStackedWidget()
        self.preview_stack.addWidget(self.empty_state)
        self.preview_stack.addWidget(self.preview)
        layout.addWidget(self.preview_stack, 1)
        self._enable()

    def _show_empty_state(self, text: str = "") -> None:
        self.empty_state.setText(text or EMPTY_PREVIEW)
        self.preview_stack.setCurrentWidget(self.empty_state)

    def _enable(self) -> None:
        has_session = self.session_box.count() > 0 and self.current_session() is not None
        self.make_button.setEnabled(has_session)
        ready = self._rendered is not None
        self.print_button.setEnabled(ready)
        self.save_button.setEnabled(ready)

    # ---- the page contract ----

    def reload(self) -> None:
        services = self.services
        self.runner.run(
            lambda: (services.groups.sessions(), services.groups.today()),
            on_done=self._show_sessions,
            on_error=self._show_error,
        )

    def clear_personal_data(self) -> None:
        """Forget the PDF, the preview, the list of children left out and the sessions."""
        self._forget_pdf()
        self.session_box.clear()
        self._sessions = []
        self.message.clear()
        self.skipped_label.clear()
        self.skipped_label.hide()
        self._enable()

    def _forget_pdf(self) -> None:
        self._show_empty_state()
        self.document.close()
        if self._buffer is not None:
            self._buffer.close()
            self._buffer.deleteLater()
        if self._bytes is not None:
            self._bytes.clear()
        self._buffer = None
        self._bytes = None
        self._rendered = None
        self._rendered_for = None

    # ---- sessions ----

    def _show_sessions(self, result: tuple[list[SessionRow], dt.date]) -> None:
        rows, today = result
        keep = self.current_session()
        self._sessions = sessions_for_handouts(rows, today)
        self.session_box.blockSignals(True)
        self.session_box.clear()
        for s in self._sessions:
            self.session_box.addItem(session_choice_text(s), s.id)
        if keep is not None:
            index = self.session_box.findData(keep.id)
            if index >= 0:
                self.session_box.setCurrentIndex(index)
        self.session_box.blockSignals(False)
        if not self._sessions:
            self.message.setText(
                "There are no sessions to make handouts for yet: handouts are made after a "
                "session, once children are marked as present on its register."
            )
            if self._rendered is None:
                self._show_empty_state(NO_SESSIONS_PREVIEW)
        elif self._rendered is None:
            self._show_empty_state()
        self._enable()

    def current_session(self) -> SessionRow | None:
        session_id = self.session_box.currentData()
        return next((s for s in self._sessions if s.id == session_id), None)

    def select_session(self, session_id: str) -> bool:
        index = self.session_box.findData(session_id)
        if index >= 0:
            self.session_box.setCurrentIndex(index)
        return index >= 0

    # ---- making the PDF ----

    def make_handouts(self) -> None:
        session = self.current_session()
        if session is None:
            return
        services = self.services
        large = self.large_print_box.isChecked()
        self._forget_pdf()
        self.skipped_label.hide()
        self.message.setText("Making the handouts…")
        self._show_empty_state("Making the handouts…")
        self.make_button.setEnabled(False)
        self._enable()

        def work(progress: Progress) -> RenderedHandouts:
            return render_session_handouts(
                services,
                session.id,
                large_print=large,
                progress=progress,
                cancelled=progress.cancelled,
            )

        self.runner.run(
            lambda: None,
            with_progress=work,
            progress_label="Making the handouts…",
            cancellable=True,
            parent=self,
            on_done=lambda rendered: self._show_pdf(session, rendered),
            on_error=self._show_error,
        )

    def _show_pdf(self, session: SessionRow, rendered: RenderedHandouts) -> None:
        self._rendered = rendered
        self._rendered_for = session
        self._bytes = QByteArray(rendered.pdf)
        self._buffer = QBuffer(self)
        self._buffer.setData(self._bytes)
        self._buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self.document.load(self._buffer)
        self.preview_stack.setCurrentWidget(self.preview)
        made = len(rendered.children_included)
        pages = rendered.pages
        text = (
            f"{made} handout{'s' if made != 1 else ''} on {pages} page{'s' if pages != 1 else ''}."
            " Check them below, then print or save."
        )
        if rendered.name_warnings:
            names = ", ".join(w.name for w in rendered.name_warnings)
            text += (
                f" Some names may not print correctly: {names}. A letter that no font on this "
                "computer has shows as an empty box."
            )
        self.message.setText(text)
        self._show_skipped(rendered.children_skipped_with_reasons)
        self._enable()

    def _show_skipped(self, skipped: tuple[SkippedChild, ...] | tuple[object, ...]) -> None:
        names = [s.name for s in skipped if isinstance(s, SkippedChild)]
        if not names:
            self.skipped_label.hide()
            return
        count = len(names)
        self.skipped_label.setText(
            f"Left out: {count} child{'ren' if count != 1 else ''} without consent for "
            "personalised handouts in force: "
            + ", ".join(names)
            + ". Record the family's consent on the child's record if they would like one."
        )
        self.skipped_label.show()

    def _show_error(self, error: BaseException) -> None:
        if isinstance(error, NoHandouts):
            self._show_skipped(error.skipped)
        if self._rendered is None:
            self._show_empty_state()
        if isinstance(error, HandoutsCancelled):
            self.message.setText("Stopped: no handouts were made.")
        else:
            self.message.setText(error_text(error))
        self._enable()

    # ---- print and save ----

    def choose_save_path(self, suggested: str) -> Path | None:
        return file_dialogs.save_file(
            self,
            preferences_of(self.services),
            FolderKind.DOCUMENTS,
            "Save the handouts",
            suggested,
            "PDF files (*.pdf)",
            ".pdf",
        )

    def save_pdf(self) -> None:
        rendered = self._rendered
        if rendered is None:
            return
        path = self.choose_save_path(suggested_file_name(self._rendered_for))
        if path is None:
            return
        data = rendered.pdf
        self.runner.run(
            lambda: write_pdf_atomically(path, data),
            on_done=lambda saved: self.message.setText(f"Saved the handouts to {saved}."),
            on_error=self._show_error,
        )

    def choose_printer(self, printer: QPrinter) -> bool:
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle("Print the handouts")
        # Printing to a file would write the PDF with no care for who may read it: Save as
        # PDF… writes it privately.
        dialog.setOption(QPrintDialog.PrintDialogOption.PrintToFile, False)
        return dialog.exec() == QDialog.DialogCode.Accepted

    def print_handouts(self) -> None:
        if self._rendered is None or self.document.status() != QPdfDocument.Status.Ready:
            return
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setResolution(PRINT_DPI)
        printer.setDocName("Session handouts")
        if not self.choose_printer(printer):
            return
        pages = self.render_to_printer(printer)
        self.message.setText(f"Sent {pages} page{'s' if pages != 1 else ''} to the printer.")

    def render_to_printer(self, printer: QPrinter) -> int:
        """Draw every page of the PDF, scaled to fit the printable area, one image at a time."""
        pages = render_pdf_to_printer(self.document, printer)
        if not pages:
            self.message.setText("The printer could not be started.")
        return pages
