"""The preview of a meeting's letters to the families: every letter in one file, a list of
whose letter starts on which page, which children's letters are held back and why, and besides
Print… and Save as PDF…, Save one file per family… (into a folder, `letter-01-<date>.pdf`…).

The files one per family hold the letters previewed (`save_letters_per_family` makes them from
what the preview was made from), not the records as they are when saving: the meeting's
editor stays open beside the preview, and an outcome recorded there in between shows only when
the letters are made again. Once the letters are printed or saved, a row offers to record them
as sent (the date, today unless changed, and how), through `MeetingService.letters_sent`, for
exactly the letters that went out, so the meeting's list shows the letters went out. Opened
by `document_preview.show_family_documents(meeting_id=...)`.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from earlyyears_desktop.handouts import (
    FilesExist,
    MeetingLettersDocument,
    SavedLetterFiles,
    save_letters_per_family,
)
from earlyyears_desktop.handouts.layout import long_date
from earlyyears_desktop.services.container import Services
from earlyyears_desktop.ui import file_dialogs
from earlyyears_desktop.ui.document_preview import LOOK_WORDS, DocumentPreview, Previewed, _plural
from earlyyears_desktop.ui.error_text import error_text
from earlyyears_desktop.ui.file_dialogs import FolderKind
from earlyyears_desktop.ui.forms import date_edit, py_date
from earlyyears_desktop.ui.operations import OpRunner
from earlyyears_desktop.ui.preferences import preferences_of
from earlyyears_desktop.ui.widgets import push_button, selectable_text

#: how letters go out (the first is offered; any other words may be typed)
SENT_HOW = ("By post", "By email", "By hand", "Given at a meeting")


def _the(name: str) -> str:
    return name if name.casefold().startswith("the ") else f"the {name}"


class LettersPreview(DocumentPreview):
    def __init__(
        self,
        document: MeetingLettersDocument,
        services: Services,
        runner: OpRunner,
        parent: QWidget | None = None,
        large_print: bool | None = None,
    ) -> None:
        self.letters = document
        self.services = services
        self.folders = preferences_of(services)
        self.large_print = large_print
        #: the discussions whose letters were printed or saved: what "Record as sent" records
        self.output_ids: tuple[str, ...] = ()
        super().__init__(document, runner, parent)
        self.setAccessibleName("Preview of the letters after the meeting")

    # ---- what the preview shows ----

    def describe(self, document: Previewed) -> str:
        letters = self.letters
        text = (
            f"The letters after {_the(letters.name)} on {long_date(letters.held_on)}: "
            f"{_plural(len(letters.letters), 'letter')} on {_plural(letters.pages, 'page')}, "
            "each family's from a new page in its own format. Check them, then print them or "
            "save them."
        )
        if letters.name_warnings:
            names = ", ".join(w.name for w in letters.name_warnings)
            text += (
                f" These names may not print correctly: {names} (a letter no font on this "
                "computer has shows as an empty box)."
            )
        return text

    def add_buttons(self, bar: QHBoxLayout) -> None:
        self.per_family_button = push_button(
            "Save &one file per family…", "Save one file per family", self.save_per_family
        )
        bar.addWidget(self.per_family_button)

    def add_below(self, layout: QVBoxLayout) -> None:
        letters = self.letters
        self.held_back = selectable_text("Letters held back")
        if letters.held_back:
            names = ", ".join(h.name for h in letters.held_back)
            self.held_back.setText(
                f"Held back: {names}. No outcome is recorded for "
                f"{'this child' if len(letters.held_back) == 1 else 'these children'} yet: "
                "record it on the meeting, then make the letters again."
            )
        self.held_back.setVisible(bool(letters.held_back))
        layout.insertWidget(1, self.held_back)

        self.contents = QListWidget()
        self.contents.setAccessibleName("Letters in this file: Enter shows a letter's first page")
        for letter in letters.letters:
            pages = (
                f"page {letter.first_page}"
                if letter.pages == 1
                else f"pages {letter.first_page} to {letter.first_page + letter.pages - 1}"
            )
            item = QListWidgetItem(
                f"{letter.number}. {letter.name}: {pages}, {LOOK_WORDS.get(letter.look, '')}"
            )
            item.setData(Qt.ItemDataRole.UserRole, letter.first_page - 1)
            self.contents.addItem(item)
        self.contents.setMaximumHeight(self.contents.sizeHintForRow(0) * 4 + 8)
        self.contents.itemActivated.connect(
            lambda item: self.go_to(int(item.data(Qt.ItemDataRole.UserRole)))
        )
        layout.insertWidget(2, self.contents)

        self.record_row = QWidget()
        row = QHBoxLayout(self.record_row)
        row.setContentsMargins(0, 0, 0, 0)
        ask = QLabel(f"Record that these {_plural(len(letters.letters), 'letter')} went out:")
        row.addWidget(ask)
        self.sent_on = date_edit(self.services.meetings.today(), "Date the letters were sent")
        day = QLabel("&Date sent")
        day.setBuddy(self.sent_on)
        self.sent_how = QComboBox()
        self.sent_how.setEditable(True)
        self.sent_how.addItems(SENT_HOW)
        self.sent_how.setAccessibleName("How the letters were sent")
        how = QLabel("&How")
        how.setBuddy(self.sent_how)
        self.record_button = push_button(
            "Record as s&ent", "Record the letters as sent", self.record_sent
        )
        for widget in (day, self.sent_on, how, self.sent_how, self.record_button):
            row.addWidget(widget)
        row.addStretch(1)
        self.record_error = selectable_text("Why the sending was not recorded")
        self.record_error.setVisible(False)
        self.record_row.setVisible(False)
        layout.addWidget(self.record_row)
        layout.addWidget(self.record_error)

    # ---- one file per family ----

    def choose_folder(self) -> Path | None:
        return file_dialogs.choose_folder(
            self, self.folders, FolderKind.DOCUMENTS, "Save one file per family: choose a folder"
        )

    def confirm_replace(self, message: str) -> bool:
        answer = QMessageBox.question(
            self,
            "Replace the letters?",
            f"{message} Replace them with these letters?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes

    def save_per_family(self) -> None:
        folder = self.choose_folder()
        if folder is None:
            return
        self._write_per_family(folder, replace=False)

    def _write_per_family(self, folder: Path, *, replace: bool) -> None:
        document = self.letters
        self.status.setText("Saving…")

        def failed(error: BaseException) -> None:
            if isinstance(error, FilesExist) and not replace:
                if self.confirm_replace(error.message):
                    self._write_per_family(folder, replace=True)
                    return
                self.status.setText("Nothing was saved.")
                return
            self.status.setText(error_text(error))

        self.runner.run(
            lambda: save_letters_per_family(document, folder, replace=replace),
            progress_label="Saving the letters…",
            parent=self,
            on_done=self._saved_per_family,
            on_error=failed,
        )

    def _saved_per_family(self, saved: SavedLetterFiles) -> None:
        first, last = saved.paths[0].name, saved.paths[-1].name
        names = first if len(saved.paths) == 1 else f"{first} to {last}"
        self.status.setText(
            f"Saved {_plural(len(saved.paths), 'letter')} in {saved.folder}: {names}, "
            "numbered as in the list above."
        )
        self._output(saved.discussion_ids)

    # ---- recording the sending ----

    def after_output(self) -> None:
        """Printed, or saved as one file: every letter in the preview went out."""
        self._output(self.letters.discussion_ids)

    def _output(self, discussion_ids: tuple[str, ...]) -> None:
        self.output_ids = tuple(dict.fromkeys((*self.output_ids, *discussion_ids)))
        if self.record_row.isHidden() and self.record_button.isEnabled():
            self.record_row.setVisible(True)
            self.sent_how.setFocus()

    def record_sent(self) -> None:
        ids = self.output_ids
        if not ids:
            return
        on, how = py_date(self.sent_on), self.sent_how.currentText()
        meetings = self.services.meetings
        self.record_error.setVisible(False)

        def done(_saved: object) -> None:
            self.record_row.setVisible(False)
            self.record_button.setEnabled(False)
            self.status.setText(
                f"Recorded {_plural(len(ids), 'letter')} as sent ({how.strip().lower()}) on "
                f"{long_date(on)}."
            )

        def failed(error: BaseException) -> None:
            self.record_error.setText(error_text(error))
            self.record_error.setVisible(True)

        self.runner.run(
            lambda: meetings.letters_sent(ids, on, how),
            on_done=done,
            on_error=failed,
            changes=lambda saved: saved.changes,
        )


__all__ = ["SENT_HOW", "LettersPreview"]
