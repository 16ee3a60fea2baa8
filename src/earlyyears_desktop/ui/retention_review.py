"""Retention, on screen: the rule on the Settings page (`RetentionBox`) and Records ▸
Retention review… (`RetentionReviewDialog`): the children due, ticked one by one, the number
typed to confirm, then each erased through the one erasure path with a progress dialog."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from earlyyears_desktop.domain.enums import ErasureReason
from earlyyears_desktop.services.container import Services
from earlyyears_desktop.services.erasure import ErasureDone
from earlyyears_desktop.services.retention import MOST_YEARS, RetentionDue
from earlyyears_desktop.services.unit_of_work import Saved
from earlyyears_desktop.ui.erase_child import CONFIRM_WORD
from earlyyears_desktop.ui.error_text import error_text
from earlyyears_desktop.ui.operations import OpRunner, Progress
from earlyyears_desktop.ui.widgets import FieldError, described, short_date

TITLE = "Retention review"
NO_RULE = (
    "No retention rule is set, so no child is due. An administrator sets one on the Settings "
    "page, under \u201cKeeping records\u201d."
)
PROGRESS_LABEL = "Erasing the ticked children's records, then compacting the vault."


class RetentionBox(QGroupBox):
    """Settings ▸ Keeping records: review closed cases after N years (off by default)."""

    def __init__(self, services: Services, runner: OpRunner) -> None:
        super().__init__("Keeping records")
        self.services = services
        self.runner = runner
        layout = QVBoxLayout(self)
        intro = QLabel(
            "Children whose case closed more than this many years ago are listed for review "
            "in Records \u25b8 Retention review\u2026 Nothing is erased until an administrator "
            "ticks them there and confirms."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        row = QHBoxLayout()
        self.enabled = QCheckBox("Review closed cases for &erasure after")
        self.enabled.setAccessibleName("Review closed cases for erasure")
        self.years = QSpinBox()
        self.years.setRange(1, MOST_YEARS)
        self.years.setValue(6)
        self.years.setSuffix(" years")
        described(
            self.years,
            "Years after the case closed",
            "How many years after a child's case closed their records come up for review "
            "to be erased, once the box before is ticked",
        )
        self.enabled.toggled.connect(self.years.setEnabled)
        self.years.setEnabled(False)
        self.save_button = QPushButton("Save the r&ule")
        self.save_button.setAccessibleName("Save the retention rule")
        self.save_button.clicked.connect(self.save)
        for widget in (self.enabled, self.years, self.save_button):
            row.addWidget(widget)
        row.addStretch(1)
        layout.addLayout(row)
        self.message = FieldError("retention_years")
        layout.addWidget(self.message)
        self.outcome = QLabel("")
        self.outcome.setWordWrap(True)
        self.outcome.setAccessibleName("Keeping records: result")
        layout.addWidget(self.outcome)

    def reload(self) -> None:
        self.runner.run(self.services.retention.rule, on_done=self._show)

    def _show(self, years: int | None) -> None:
        self.enabled.setChecked(years is not None)
        if years is not None:
            self.years.setValue(years)

    def save(self) -> None:
        years = self.years.value() if self.enabled.isChecked() else None
        retention = self.services.retention
        self.runner.run(
            lambda: retention.set_rule(years),
            changes=lambda saved: saved.changes,
            on_done=lambda _saved: self._saved(years),
            on_error=self._failed,
        )

    def _failed(self, error: BaseException) -> None:
        self.outcome.clear()
        self.message.show_message(error_text(error))

    def _saved(self, years: int | None) -> None:
        if years is None:
            text = "Saved: no child is listed for erasure."
        else:
            text = f"Saved: closed cases are listed for review after {years} years."
        self.message.clear_message()
        self.outcome.setText(text)


class RetentionReviewDialog(QDialog):
    """The children due under the rule; tick, type the number, erase."""

    def __init__(self, services: Services, runner: OpRunner, parent: QWidget | None = None):
        super().__init__(parent)
        self.services = services
        self.runner = runner
        self.due: list[RetentionDue] = []
        self.setWindowTitle(TITLE)
        self.setAccessibleName(TITLE)
        self.resize(640, 480)
        layout = QVBoxLayout(self)
        self.summary = QLabel("Reading the records\u2026")
        self.summary.setWordWrap(True)
        self.summary.setAccessibleName("Retention review: summary")
        layout.addWidget(self.summary)
        self.model = QStandardItemModel(0, 3, self)
        self.model.setHorizontalHeaderLabels(["Child", "Case closed on", "Years since"])
        self._filling = False
        self.model.itemChanged.connect(lambda _item: None if self._filling else self._ticked())
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName("Children due for review: Space ticks or unticks")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.table, 1)
        ticks = QHBoxLayout()
        self.all_button = QPushButton("Tick &all")
        self.all_button.setAccessibleName("Tick every child")
        self.all_button.clicked.connect(lambda: self._tick_all(True))
        self.none_button = QPushButton("Tick &none")
        self.none_button.setAccessibleName("Untick every child")
        self.none_button.clicked.connect(lambda: self._tick_all(False))
        ticks.addWidget(self.all_button)
        ticks.addWidget(self.none_button)
        ticks.addStretch(1)
        layout.addLayout(ticks)
        form = QFormLayout()
        self.confirm = QLineEdit()
        self.confirm.setAccessibleName("Type the number of children ticked, or ERASE")
        self.confirm.textChanged.connect(lambda _text: self._ticked())
        form.addRow("&Type the number ticked (or ERASE) to confirm:", self.confirm)
        layout.addLayout(form)
        self.message = FieldError("confirmation")
        layout.addWidget(self.message)
        self.outcome = QLabel("")
        self.outcome.setWordWrap(True)
        self.outcome.setAccessibleName("Retention review: result")
        layout.addWidget(self.outcome)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.erase_button = buttons.addButton(
            "&Erase the ticked children's records", QDialogButtonBox.ButtonRole.DestructiveRole
        )
        self.erase_button.setAccessibleName("Erase the ticked children's records for good")
        self.erase_button.setAutoDefault(False)
        self.erase_button.clicked.connect(self.erase)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self._ticked()
        self.reload()

    def reload(self) -> None:
        retention = self.services.retention
        self.runner.run(
            lambda: (retention.rule(), retention.retention_due()),
            on_done=self._show,
            on_error=self._refused,
        )

    def _refused(self, error: BaseException) -> None:
        self.summary.setText(error_text(error))
        self._show_rows([])

    def _show(self, answer: tuple[int | None, list[RetentionDue]]) -> None:
        years, due = answer
        if years is None:
            self.summary.setText(NO_RULE)
        elif not due:
            self.summary.setText(
                f"No child's case closed more than {years} years ago: nothing is due for "
                "erasure. Children appear here once their case has been closed that long."
            )
        else:
            self.summary.setText(
                f"{len(due)} {'child' if len(due) == 1 else 'children'} whose case closed more "
                f"than {years} years ago. Tick those whose records should be erased (Space "
                "ticks the chosen row). Erasing removes every record of the child from this "
                "laptop for good, and the local authority's central service is told to erase "
                "them too. Backups made before still hold them until they are deleted."
            )
        self._show_rows(due)

    def _show_rows(self, due: list[RetentionDue]) -> None:
        self.due = due
        self._filling = True
        self.model.removeRows(0, self.model.rowCount())
        for item in due:
            name = QStandardItem(item.name)
            name.setCheckable(True)
            name.setCheckState(Qt.CheckState.Unchecked)
            name.setData(item.child_id, Qt.ItemDataRole.UserRole)
            closed = QStandardItem(short_date(item.closed_on))
            years = QStandardItem(str(item.years))
            self.model.appendRow([name, closed, years])
        self._filling = False
        self.table.setVisible(bool(due))
        self.all_button.setEnabled(bool(due))
        self.none_button.setEnabled(bool(due))
        self.confirm.setEnabled(bool(due))
        self.confirm.clear()
        if due:
            self.table.setCurrentIndex(self.model.index(0, 0))
            self.table.setFocus()
        self._ticked()

    def ticked(self) -> list[str]:
        ids = []
        for row in range(self.model.rowCount()):
            item = self.model.item(row, 0)
            if item.checkState() == Qt.CheckState.Checked:
                ids.append(str(item.data(Qt.ItemDataRole.UserRole)))
        return ids

    def _tick_all(self, on: bool) -> None:
        state = Qt.CheckState.Checked if on else Qt.CheckState.Unchecked
        for row in range(self.model.rowCount()):
            self.model.item(row, 0).setCheckState(state)

    def _ticked(self) -> None:
        count = len(self.ticked())
        typed = self.confirm.text().strip()
        self.erase_button.setEnabled(count > 0 and typed in (str(count), CONFIRM_WORD))
        if count and typed and typed not in (str(count), CONFIRM_WORD):
            self.message.show_message(f"Type {count} (the number ticked) or {CONFIRM_WORD}.")
        else:
            self.message.clear_message()

    def erase(self) -> None:
        ids = self.ticked()
        if not ids or not self.erase_button.isEnabled():
            return
        erasure = self.services.erasure

        def work(progress: Progress) -> Saved[list[ErasureDone]]:
            return erasure.erase_children(ids, ErasureReason.RETENTION, progress)

        self.erase_button.setEnabled(False)
        self.runner.run(
            lambda: None,
            with_progress=work,
            changes=lambda saved: saved.changes,
            on_done=self._erased,
            on_error=lambda error: self.message.show_message(
                f"Not every record was erased. {error_text(error)}"
            ),
            progress_label=PROGRESS_LABEL,
            parent=self,
        )

    def _erased(self, saved: Saved[list[ErasureDone]]) -> None:
        count = len(saved.value)
        self.reload()
        who = "1 child's" if count == 1 else f"{count} children's"
        self.outcome.setText(
            f"{who} records were erased. The central service is told in the next sync."
        )


def open_retention_review(
    parent: QWidget, services: Services, runner: OpRunner
) -> RetentionReviewDialog:
    """Records ▸ Retention review…, window-modal; closed (and forgotten) when the app locks."""
    dialog = RetentionReviewDialog(services, runner, parent)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog
