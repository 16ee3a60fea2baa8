"""The Sync page: enrolment with the central service, export to a USB stick, return bundles,
the history of bundles and the records changed in both places.

All vault work goes through the `OpRunner`; this page only shows what comes back. File
choosers are methods (`choose_*`) so that tests can answer them without a native dialog.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from earlyyears_desktop.services.container import Services
from earlyyears_desktop.services.unit_of_work import Changes
from earlyyears_desktop.sync.device import (
    KEEP_MINE,
    TAKE_CENTRAL,
    AlreadyEnrolled,
    BundleHistoryRow,
    ConflictView,
    DeviceSync,
    EnrolResult,
    ExportResult,
    Fingerprints,
    ImportResult,
    SyncSummary,
)
from earlyyears_desktop.sync.errors import BundleCancelled, BundleRefused, EnrolmentRefused
from earlyyears_desktop.ui import file_dialogs
from earlyyears_desktop.ui.error_text import error_text
from earlyyears_desktop.ui.file_dialogs import FolderKind
from earlyyears_desktop.ui.operations import OpRunner
from earlyyears_desktop.ui.pages import Page
from earlyyears_desktop.ui.preferences import preferences_of
from earlyyears_desktop.ui.widgets import (
    described,
    heading,
    push_button,
    scrolling_page,
    selectable_text,
)

_DIRECTION = {
    "export": "Sent to the central service",
    "return": "Received from the central service",
    "old-export": "Sent to the previous central service",
}


NO_BUNDLES = (
    "No bundles sent or received yet. Once enrolled, Export to folder or USB stick… sends "
    "this laptop's changes to the central service, and Import return bundle… reads its reply."
)


def _local_time(moment: dt.datetime | None) -> str:
    if moment is None:
        return "never"
    local = moment.replace(tzinfo=dt.UTC).astimezone()
    return local.strftime("%d %b %Y, %H:%M")


def _fingerprint_text(who: str, prints: Fingerprints | None) -> str:
    if prints is None:
        return f"{who}: no keys yet"
    return f"{who}: signing {prints.signing}  ·  encryption {prints.encryption}"


def _item(text: str, accessible: str | None = None) -> QStandardItem:
    item = QStandardItem(text)
    item.setEditable(False)
    item.setData(accessible or text, Qt.ItemDataRole.AccessibleTextRole)
    return item


class SyncPage(Page):
    def __init__(self, services: Services, runner: OpRunner, parent: QWidget | None = None):
        super().__init__(parent)
        self.services = services
        self.runner = runner
        self.sync = DeviceSync(services)
        self._conflicts: list[ConflictView] = []
        self.setAccessibleName("Sync")
        self._build()
        runner.changed.connect(self._on_changes)

    # ---- layout ----

    def _build(self) -> None:
        layout = scrolling_page(
            self, "Sync page", "Sending to and receiving from the central service"
        )
        layout.addWidget(heading("Sync with the central service"))
        intro = QLabel(
            "Changes made on this laptop go to the local authority's central service in a "
            "signed, encrypted file that you carry on a USB stick. Its reply brings back new "
            "referrals, groups and strategies."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)

        enrolment = QGroupBox("Enrolment")
        enrolment.setAccessibleName("Enrolment with the central service")
        grid = QVBoxLayout(enrolment)
        self.enrolment_label = QLabel("Checking…")
        self.enrolment_label.setWordWrap(True)
        self.enrolment_label.setAccessibleName("Enrolment state")
        self.device_prints = QLabel("")
        self.device_prints.setAccessibleName("This laptop's key fingerprints")
        self.device_prints.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.central_prints = QLabel("")
        self.central_prints.setAccessibleName("The central service's key fingerprints")
        self.central_prints.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        for label in (self.enrolment_label, self.device_prints, self.central_prints):
            grid.addWidget(label)
        buttons = QHBoxLayout()
        self.request_button = push_button(
            "Create enrolment request…", "Create enrolment request", self.create_request
        )
        self.response_button = push_button(
            "Load enrolment response…", "Load enrolment response", self.load_response
        )
        buttons.addWidget(self.request_button)
        buttons.addWidget(self.response_button)
        buttons.addStretch(1)
        grid.addLayout(buttons)
        layout.addWidget(enrolment)

        exchange = QGroupBox("Send and receive")
        exchange.setAccessibleName("Send and receive")
        box = QGridLayout(exchange)
        self.unsynced_label = QLabel("")
        self.unsynced_label.setAccessibleName("Changes waiting to be sent")
        self.last_export_label = QLabel("")
        self.last_export_label.setAccessibleName("Last export")
        self.export_button = push_button(
            "Export to folder or USB stick…", "Export to folder or USB stick", self.export
        )
        self.again_box = QCheckBox("Also send changes not yet confirmed (if a USB stick was lost)")
        self.again_box.setAccessibleName("Also send changes not yet confirmed")
        self.import_button = push_button(
            "Import return bundle…", "Import return bundle", self.import_bundle
        )
        box.addWidget(self.unsynced_label, 0, 0, 1, 3)
        box.addWidget(self.last_export_label, 1, 0, 1, 3)
        box.addWidget(self.export_button, 2, 0)
        box.addWidget(self.again_box, 2, 1)
        box.addWidget(self.import_button, 3, 0)
        box.setColumnStretch(2, 1)
        layout.addWidget(exchange)

        self.message = selectable_text("What happened")
        layout.addWidget(self.message)

        conflicts = QGroupBox("Changed here and centrally")
        conflicts.setAccessibleName("Records changed here and centrally")
        cbox = QVBoxLayout(conflicts)
        self.conflicts_hint = QLabel("")
        self.conflicts_hint.setWordWrap(True)
        cbox.addWidget(self.conflicts_hint)
        self.conflict_model = QStandardItemModel(0, 4, self)
        self.conflict_model.setHorizontalHeaderLabels(
            ["Record", "Kind", "What differs", "Versions (here / central)"]
        )
        self.conflict_table = self._table(
            self.conflict_model,
            "Records changed in both places",
            "One record a row, changed on this laptop and centrally: choose one, then keep "
            "this laptop's version or the central one with the buttons below",
        )
        cbox.addWidget(self.conflict_table)
        row = QHBoxLayout()
        self.keep_button = push_button(
            "Keep mine", "Keep this laptop's version", lambda: self.resolve(KEEP_MINE)
        )
        self.take_button = push_button(
            "Take central's",
            "Take the central service's version",
            lambda: self.resolve(TAKE_CENTRAL),
        )
        row.addWidget(self.keep_button)
        row.addWidget(self.take_button)
        row.addStretch(1)
        cbox.addLayout(row)
        layout.addWidget(conflicts)

        history = QGroupBox("Bundles sent and received")
        history.setAccessibleName("Bundles sent and received")
        hbox = QVBoxLayout(history)
        self.history_model = QStandardItemModel(0, 5, self)
        self.history_model.setHorizontalHeaderLabels(
            ["When", "Direction", "Number", "Records", "Outcome"]
        )
        self.history_table = self._table(
            self.history_model,
            "Bundle history",
            "Every bundle sent to or received from the central service, newest first: when, "
            "which way, its number, how many records and what came of it",
        )
        self.history_empty = QLabel(NO_BUNDLES)
        self.history_empty.setWordWrap(True)
        self.history_empty.setAccessibleName("No bundles yet")
        self.history_empty.hide()
        hbox.addWidget(self.history_empty)
        hbox.addWidget(self.history_table)
        layout.addWidget(history, 1)
        self.conflict_table.selectionModel().selectionChanged.connect(self._update_buttons)
        self._update_buttons()

    def _table(self, model: QStandardItemModel, name: str, description: str) -> QTableView:
        table = described(QTableView(self), name, description)
        table.setModel(model)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.verticalHeader().hide()
        table.setWordWrap(False)
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        table.horizontalHeader().setStretchLastSection(True)
        return table

    # ---- Page protocol ----

    def clear_personal_data(self) -> None:
        """Conflicts show children's names; the rest is cleared too, to be read afresh."""
        self._conflicts = []
        self.conflict_model.removeRows(0, self.conflict_model.rowCount())
        self.history_model.removeRows(0, self.history_model.rowCount())
        self.message.clear()
        self._update_buttons()

    def reload(self) -> None:
        sync = self.sync
        self.runner.run(
            lambda: (sync.summary(), sync.history(), sync.conflicts()),
            on_done=self._show,
            on_error=self._show_error,
        )

    def _on_changes(self, _changes: Changes) -> None:
        if self.isVisible():
            self.reload()

    # ---- showing ----

    def _show(self, result: tuple[SyncSummary, list[BundleHistoryRow], list[ConflictView]]) -> None:
        summary, history, conflicts = result
        state = summary.enrolment
        if state.revoked:
            self.enrolment_label.setText(
                f"The central service has revoked this laptop's enrolment: "
                f"{state.revoked_reason}. Ask your administrator to enrol it again."
            )
        elif state.enrolled:
            self.enrolment_label.setText(
                f"Enrolled with {state.central_name}. Fingerprints to compare by phone:"
            )
        elif state.device is not None:
            self.enrolment_label.setText(
                "Not enrolled yet. Send the enrolment request to your administrator, then "
                "load their response here."
            )
        else:
            self.enrolment_label.setText(
                "Not enrolled yet. Create an enrolment request to send to your administrator."
            )
        self.device_prints.setText(_fingerprint_text("This laptop", state.device))
        self.central_prints.setText(
            _fingerprint_text("Central service", state.central) if state.enrolled else ""
        )
        self.export_button.setEnabled(state.enrolled and not state.revoked)
        self.import_button.setEnabled(state.enrolled)
        waiting = summary.unsynced
        self.unsynced_label.setText(
            "Every change has been sent."
            if waiting == 0
            else f"{waiting} change{'s' if waiting != 1 else ''} waiting to be sent."
        )
        if summary.awaiting_acknowledgement:
            self.unsynced_label.setText(
                self.unsynced_label.text()
                + f" {summary.awaiting_acknowledgement} sent but not yet confirmed."
            )
        if summary.held_back_types:
            self.unsynced_label.setText(
                self.unsynced_label.text() + " " + summary.held_back_types_message
            )
        self.last_export_label.setText(f"Last export: {_local_time(summary.last_export)}")
        self._show_history(history)
        self._show_conflicts(conflicts)

    def _show_history(self, rows: list[BundleHistoryRow]) -> None:
        model = self.history_model
        model.removeRows(0, model.rowCount())
        for r in rows:
            model.appendRow(
                [
                    _item(_local_time(r.at)),
                    _item(_DIRECTION.get(r.direction, r.direction)),
                    _item(str(r.sequence)),
                    _item(str(r.record_count)),
                    _item(r.outcome),
                ]
            )
        self.history_table.resizeColumnsToContents()
        self.history_empty.setVisible(not rows)

    def _show_conflicts(self, conflicts: list[ConflictView]) -> None:
        self._conflicts = conflicts
        model = self.conflict_model
        model.removeRows(0, model.rowCount())
        for c in conflicts:
            model.appendRow(
                [
                    _item(c.label),
                    _item(c.entity.replace("_", " ")),
                    _item(", ".join(f.replace("_", " ") for f in c.fields) or "nothing visible"),
                    _item(f"{c.local_version} / {c.central_version}"),
                ]
            )
        self.conflicts_hint.setText(
            "Nothing was changed in both places."
            if not conflicts
            else "These records were changed on this laptop and at the central service. "
            "Choose which version to keep; nothing is lost until you do."
        )
        self.conflict_table.resizeColumnsToContents()
        if conflicts:
            self.conflict_table.selectRow(0)
        self._update_buttons()

    def _update_buttons(self, *_: Any) -> None:
        chosen = self._selected_conflict() is not None
        self.keep_button.setEnabled(chosen)
        self.take_button.setEnabled(chosen)

    def _selected_conflict(self) -> ConflictView | None:
        rows = self.conflict_table.selectionModel().selectedRows()
        if not rows:
            return None
        index: QModelIndex = rows[0]
        if 0 <= index.row() < len(self._conflicts):
            return self._conflicts[index.row()]
        return None

    def _say(self, text: str) -> None:
        self.message.setText(text)
        self.message.setAccessibleDescription(text)

    def _show_error(self, error: BaseException) -> None:
        if isinstance(error, BundleRefused):
            self._say(f"The bundle was refused: {error.reason} Nothing was changed.")
        elif isinstance(error, EnrolmentRefused):
            self._say(f"The enrolment file was refused: {error.reason}")
        elif isinstance(error, BundleCancelled):
            self._say("The export was cancelled. Nothing was written or changed.")
        elif isinstance(error, OSError):
            self._say("The file or folder could not be used. Check the USB stick and try again.")
        else:
            self._say(error_text(error))

    # ---- file choosers (tests replace these) ----

    def choose_save_file(self, title: str, suggested: str) -> Path | None:
        folders = preferences_of(self.services)
        return file_dialogs.save_file(
            self, folders, FolderKind.BUNDLES, title, suggested, "Enrolment files (*.json)"
        )

    def choose_open_file(self, title: str, filter_text: str) -> Path | None:
        folders = preferences_of(self.services)
        return file_dialogs.open_file(self, folders, FolderKind.BUNDLES, title, filter_text)

    def choose_folder(self, title: str) -> Path | None:
        folders = preferences_of(self.services)
        return file_dialogs.choose_folder(self, folders, FolderKind.BUNDLES, title)

    def confirm_replace(self, text: str) -> bool:
        answer = QMessageBox.question(self, "Replace enrolment?", text)
        return answer == QMessageBox.StandardButton.Yes

    # ---- actions ----

    def create_request(self) -> None:
        path = self.choose_save_file("Save enrolment request", "enrolment-request.json")
        if path is None:
            return
        sync = self.sync

        def done(prints: Fingerprints) -> None:
            self._say(
                f"Saved the enrolment request to {path.name}. Send it to your administrator. "
                f"When they call, read them this laptop's fingerprints: signing "
                f"{prints.signing}, encryption {prints.encryption}."
            )
            self.reload()

        self.runner.run(
            lambda: sync.enrolment_request(path), on_done=done, on_error=self._show_error
        )

    def load_response(self, replace: bool = False) -> None:
        path = self.choose_open_file("Load enrolment response", "Enrolment files (*.json)")
        if path is None:
            return
        self._enrol(path, replace)

    def _enrol(self, path: Path, replace: bool) -> None:
        sync = self.sync

        def done(result: EnrolResult) -> None:
            self._say(
                f"Enrolled with {result.central_name}. Phone your administrator and compare "
                f"the central service's fingerprints: signing {result.central.signing}, "
                f"encryption {result.central.encryption}. If they differ, do not export."
            )
            self.reload()

        def failed(error: BaseException) -> None:
            if isinstance(error, AlreadyEnrolled) and self.confirm_replace(
                error.message + "\n\nReplace it with this response?"
            ):
                self._enrol(path, True)
                return
            self._show_error(error)

        self.runner.run(lambda: sync.enrol(path, replace=replace), on_done=done, on_error=failed)

    def export(self) -> None:
        folder = self.choose_folder("Export to folder or USB stick")
        if folder is None:
            return
        sync = self.sync
        again = self.again_box.isChecked()

        def done(result: ExportResult) -> None:
            self._say(f"{result.message} Saved as {result.path.name} in {result.path.parent}.")
            self.again_box.setChecked(False)
            self.reload()

        def failed(error: BaseException) -> None:
            self._show_error(error)
            self.reload()

        self.runner.run(
            lambda: None,
            with_progress=lambda progress: sync.export(
                folder, progress=progress, cancelled=progress.cancelled, again=again
            ),
            on_done=done,
            changes=lambda r: r.changes,
            on_error=failed,
            progress_label="Writing the export bundle…",
            cancellable=True,
            parent=self,
        )

    def import_bundle(self) -> None:
        path = self.choose_open_file("Import return bundle", "Bundles (*.eyb)")
        if path is None:
            return
        sync = self.sync

        def done(result: ImportResult) -> None:
            if result.replayed:
                self._say("This return bundle was already imported; nothing changed.")
            else:
                self._say(result.message)
            self.reload()

        self.runner.run(
            lambda: sync.import_return(path),
            on_done=done,
            on_error=self._show_error,
            changes=lambda r: r.changes,
            progress_label="Checking and applying the return bundle…",
            parent=self,
        )

    def resolve(self, choice: str) -> None:
        conflict = self._selected_conflict()
        if conflict is None:
            return
        sync = self.sync

        def done(_changes: Changes) -> None:
            self._say(
                "Kept this laptop's version; it will be sent with the next export."
                if choice == KEEP_MINE
                else "Took the central service's version."
            )
            self.reload()

        self.runner.run(
            lambda: sync.resolve_conflict(conflict.id, choice),
            on_done=done,
            on_error=self._show_error,
            changes=lambda changes: changes,
        )
