"""The caseload's dialogs: add a family (found by name), change its rhythm or worker, close
its entry with a date and a reason. Each refusal shows beside its field."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtWidgets import QComboBox, QLineEdit, QWidget

from earlyyears_desktop.domain.enums import VisitRhythm
from earlyyears_desktop.services.caseload import CaseloadRow
from earlyyears_desktop.services.container import Services
from earlyyears_desktop.services.practitioners import PractitionerRow
from earlyyears_desktop.ui.child_search import ChildSearch
from earlyyears_desktop.ui.enum_combo import EnumCombo
from earlyyears_desktop.ui.forms import FormDialog, date_edit, py_date
from earlyyears_desktop.ui.operations import OpRunner
from earlyyears_desktop.ui.widgets import children_found

#: reasons a family commonly leaves a Portage caseload (the field takes any words)
CLOSE_REASONS = (
    "Started at nursery or school",
    "Moved out of the area",
    "The family asked to stop",
    "Portage goals met",
    "Support now from another service",
)


def worker_combo(
    workers: Sequence[PractitionerRow], chosen: str | None, accessible_name: str
) -> QComboBox:
    """The workers by name, holding their ids, `chosen` selected."""
    combo = QComboBox()
    combo.setAccessibleName(accessible_name)
    for worker in workers:
        combo.addItem(f"{worker.name} ({worker.role_label})", worker.id)
    at = combo.findData(chosen)
    combo.setCurrentIndex(max(at, 0))
    return combo


class AddFamilyDialog(FormDialog, ChildSearch):
    """Find a child by name, choose the worker, how often they are visited and the first
    visit's date."""

    def __init__(
        self,
        services: Services,
        runner: OpRunner,
        workers: Sequence[PractitionerRow],
        worker_id: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(
            "Add a family to a caseload",
            runner,
            parent,
            intro="Find the child by name. The first visit is due on the date you give; after "
            "each visit, the next is the date agreed with the family (else the rhythm's).",
            save_text="&Add to the caseload",
        )
        self.services = services
        self.search = QLineEdit()
        self.search.setPlaceholderText("Type part of the child's name")
        self.search.setAccessibleName("Search for a child")
        self.add_field("search", "&Child:", self.search)
        self.results = children_found(8)
        self.add_field("child", "", self.results)
        self.worker = self.add_field(
            "practitioner", "&Worker:", worker_combo(workers, worker_id, "Worker")
        )
        self.rhythm = self.add_field(
            "rhythm",
            "&Visited:",
            EnumCombo(VisitRhythm, "How often the family is visited", value="fortnightly"),
        )
        today = services.caseload.today()
        self.first_visit = self.add_field(
            "opened_on", "&First visit:", date_edit(today, "First visit date")
        )
        self.finish_layout()
        self.search_as_typed()
        self.search.setFocus()

    def work(self) -> Callable[[], Any]:
        child_id = self.required_child_id()
        worker = self.worker.currentData()
        rhythm = self.rhythm.value() or VisitRhythm.FORTNIGHTLY.value
        first = py_date(self.first_visit)
        caseload = self.services.caseload
        return lambda: caseload.add(
            child_id, rhythm=rhythm, opened_on=first, practitioner_id=worker
        )


class ChangeEntryDialog(FormDialog):
    """How often a family is visited, and by whom."""

    def __init__(
        self,
        services: Services,
        runner: OpRunner,
        row: CaseloadRow,
        workers: Sequence[PractitionerRow],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(f"Visits to {row.child_name}'s family", runner, parent)
        self.services = services
        self.row = row
        self.rhythm = self.add_field(
            "rhythm",
            "&Visited:",
            EnumCombo(VisitRhythm, "How often the family is visited", value=row.rhythm.value),
        )
        self.worker = self.add_field(
            "practitioner", "&Worker:", worker_combo(workers, row.practitioner_id, "Worker")
        )
        self.finish_layout()
        self.rhythm.setFocus()

    def work(self) -> Callable[[], Any]:
        rhythm = self.rhythm.value()
        worker = self.worker.currentData()
        caseload, entry = self.services.caseload, self.row.entry_id
        return lambda: caseload.change(entry, rhythm=rhythm, practitioner_id=worker)


class CloseEntryDialog(FormDialog):
    """Take a family off the caseload: the date and why. Their visits are kept."""

    def __init__(
        self, services: Services, runner: OpRunner, row: CaseloadRow, parent: QWidget | None = None
    ) -> None:
        super().__init__(
            f"Close {row.child_name}'s caseload entry",
            runner,
            parent,
            intro="The family leaves the caseload from this date. Their visits and targets are "
            "kept; you can add the family again later.",
            save_text="C&lose the entry",
        )
        self.services = services
        self.row = row
        self.closed_on = self.add_field(
            "closed_on", "&Date:", date_edit(services.caseload.today(), "Closing date")
        )
        self.reason = QComboBox()
        self.reason.setEditable(True)
        self.reason.addItems(CLOSE_REASONS)
        self.reason.setCurrentIndex(-1)
        self.reason.setAccessibleName("Why the family leaves the caseload")
        line = self.reason.lineEdit()
        if line is not None:
            line.setPlaceholderText("Choose or type the reason")
        self.add_field("close_reason", "&Reason:", self.reason)
        self.finish_layout()
        self.closed_on.setFocus()

    def work(self) -> Callable[[], Any]:
        closed_on, reason = py_date(self.closed_on), self.reason.currentText()
        caseload, entry = self.services.caseload, self.row.entry_id
        return lambda: caseload.close(entry, closed_on=closed_on, reason=reason)
