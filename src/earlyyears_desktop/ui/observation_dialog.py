"""Write an observation of a child, or change or delete one, in one dialog.

What the dialog needs is read first on the database thread (`read_observation_form`): the
observation being changed, the outcomes of the child's support plans, who is writing and the
earlier versions. Ctrl+Enter saves, Escape cancels; every refusal is shown beside its field.
Changing an observation asks for a reason when the service's rule says so (it has been shared
with parents, or was written more than a day ago); deleting always does.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt, QTime
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTimeEdit,
    QWidget,
)

from earlyyears_desktop.domain.enums import AreaOfNeed, Discipline, ObservationContext
from earlyyears_desktop.services.container import Services
from earlyyears_desktop.services.observation_history import (
    ObservationDetail,
    OutcomeChoice,
    RevisionRow,
)
from earlyyears_desktop.services.observation_rules import ObservationValues
from earlyyears_desktop.services.observations import ObservationInput
from earlyyears_desktop.ui.enum_combo import EnumCombo
from earlyyears_desktop.ui.forms import FormDialog, date_edit, py_date
from earlyyears_desktop.ui.observation_history_view import (
    DeleteObservationDialog,
    ObservationHistoryDialog,
)
from earlyyears_desktop.ui.operations import OpRunner
from earlyyears_desktop.ui.widgets import selectable_text

#: what the time field shows at its lowest value, which stands for "no time given"
NO_TIME = "Not given"
NO_OUTCOMES = "No support plan outcomes yet"
NO_OUTCOME = "Not linked to an outcome"
KEYS_HINT = "Ctrl+Enter saves · Esc cancels"


@dataclass(frozen=True)
class ObservationForm:
    """What the dialog shows, read in one go on the database thread."""

    child_id: str
    #: "Amira Haddad, Early years education": who wrote it (or is writing it)
    author: str
    outcomes: tuple[OutcomeChoice, ...]
    #: the observation being changed; None for a new one
    detail: ObservationDetail | None = None
    history: tuple[RevisionRow, ...] = ()


def author_text(name: str, discipline: str) -> str:
    if not name:
        return "an unknown practitioner"
    try:
        return f"{name}, {Discipline(discipline).label}" if discipline else name
    except ValueError:
        return name


def read_observation_form(
    services: Services, *, child_id: str | None = None, observation_id: str | None = None
) -> ObservationForm:
    """For a new observation of `child_id`, or for changing `observation_id`."""
    observations = services.observations
    if observation_id is not None:
        detail = observations.get(observation_id)
        return ObservationForm(
            detail.child_id,
            author_text(detail.author_name, detail.author_discipline),
            tuple(observations.outcomes_for_child(detail.child_id)),
            detail,
            tuple(observations.history(observation_id)) if detail.has_history else (),
        )
    if child_id is None:
        raise ValueError("a child or an observation is needed")
    me = services.practitioners.get(services.actor.practitioner_id)
    return ObservationForm(
        child_id,
        author_text(me.name, me.discipline),
        tuple(observations.outcomes_for_child(child_id)),
    )


def _time_edit(at: dt.time | None, name: str) -> QTimeEdit:
    edit = QTimeEdit()
    edit.setDisplayFormat("HH:mm")
    edit.setMinimumTime(QTime(0, 0))
    edit.setSpecialValueText(NO_TIME)  # shown at 00:00, the minimum: no time given
    edit.setTime(QTime(at.hour, at.minute) if at is not None else QTime(0, 0))
    edit.setAccessibleName(name)
    return edit


def _py_time(edit: QTimeEdit) -> dt.time | None:
    t = edit.time()
    if t == edit.minimumTime():
        return None
    return dt.time(t.hour(), t.minute())


class ObservationDialog(FormDialog):
    """A new observation (`form.detail` None), or a change to one, with Delete and History."""

    def __init__(
        self,
        services: Services,
        runner: OpRunner,
        form: ObservationForm,
        parent: QWidget | None = None,
        *,
        context: str = ObservationContext.OTHER.value,
        session_id: str | None = None,
    ) -> None:
        detail = form.detail
        super().__init__("Change an observation" if detail else "New observation", runner, parent)
        self.setMinimumWidth(560)
        self.services = services
        self.form_data = form
        self.detail = detail
        self.session_id = session_id
        self.setSizeGripEnabled(True)

        self.written_by = selectable_text("Who wrote it")
        self.written_by.setText(f"Written by {form.author}")
        self.outer.insertWidget(0, self.written_by)

        self.text = QPlainTextEdit()
        self.text.setTabChangesFocus(True)
        self.text.setMinimumHeight(140)
        self.text.setPlaceholderText("What did the child do or say? Describe what you saw.")
        if detail is not None:
            self.text.setPlainText(detail.text)
        self.add_field("text", "&What you saw:", self.text)
        self.text.setAccessibleName("What you saw")

        now = services.clock.now()
        day = detail.observed_on if detail else now.date()
        at = detail.observed_at if detail else now.time()
        self.observed_on = self.add_field("observed_on", "&Date:", date_edit(day, "Date seen"))
        self.observed_at = self.add_field("observed_at", "T&ime:", _time_edit(at, "Time seen"))
        self.context = self.add_field(
            "context",
            "&Context:",
            EnumCombo(
                ObservationContext,
                "Where it was seen",
                value=detail.context if detail else context,
            ),
        )
        self.area = self.add_field(
            "area_of_need",
            "&Area of need:",
            EnumCombo(
                AreaOfNeed,
                "Area of need",
                none_label="Not chosen",
                value=detail.area_of_need if detail and detail.area_of_need else None,
            ),
        )
        self.outcome = self.add_field(
            "outcome_id", "Support plan &outcome:", self._outcome_combo(form, detail)
        )
        self.share = QCheckBox("Share with &parents (shown on the family's handout)")
        self.share.setAccessibleName("Share with parents, shown on the family's handout")
        self.share.setChecked(bool(detail and detail.share_with_parents))
        self.add_field("share_with_parents", "", self.share)

        self.reason_why = QLabel("")
        self.reason_why.setWordWrap(True)
        self.reason_why.setTextFormat(Qt.TextFormat.PlainText)
        self.reason_why.setAccessibleName("Why a reason is needed")
        self.reason = QLineEdit()
        self.reason.setPlaceholderText("For example: added what Mum told us at pick-up")
        self.reason.setAccessibleName("Reason for the change")
        if detail is not None:
            self.form.addRow(self.reason_why)
            self.add_field("reason", "&Reason for the change:", self.reason)
            self.share.toggled.connect(self._update_reason)
            self._update_reason()

        self.hint = QLabel(KEYS_HINT)
        self.hint.setAccessibleName("Keyboard shortcuts")
        self.outer.addWidget(self.hint)
        self.delete_button: QPushButton | None = None
        self.history_button: QPushButton | None = None
        if detail is not None:
            self.delete_button = self._extra_button(
                "De&lete…", "Delete this observation", self.ask_delete
            )
            self.history_button = self._extra_button(
                "&History…", "Earlier versions of this observation", self.show_history
            )
            self.history_button.setEnabled(bool(form.history))
            if not form.history:
                self.history_button.setToolTip("It has not been changed.")
        for keys in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            shortcut = QShortcut(QKeySequence(Qt.KeyboardModifier.ControlModifier | keys), self)
            shortcut.activated.connect(self.save)
        self.finish_layout()
        self.text.setFocus()
        self.side_dialog: Any = None

    def _outcome_combo(self, form: ObservationForm, detail: ObservationDetail | None) -> QComboBox:
        combo = QComboBox()
        combo.setAccessibleName("Support plan outcome")
        chosen = detail.outcome_id if detail else None
        outcomes = list(form.outcomes)
        if chosen and all(o.id != chosen for o in outcomes) and detail is not None:
            outcomes.append(OutcomeChoice(chosen, detail.outcome_text, "", ""))
        if not outcomes:
            combo.addItem(NO_OUTCOMES, None)
            combo.setEnabled(False)
            return combo
        combo.addItem(NO_OUTCOME, None)
        for o in outcomes:
            label = f"{o.outcome} ({o.plan_title})" if o.plan_title else o.outcome
            combo.addItem(label, o.id)
        combo.setCurrentIndex(max(combo.findData(chosen), 0) if chosen else 0)
        return combo

    def _extra_button(self, text: str, name: str, slot: Callable[[], None]) -> QPushButton:
        button = self.buttons.addButton(text, QDialogButtonBox.ButtonRole.ActionRole)
        button.setAccessibleName(name)
        button.setAutoDefault(False)
        button.clicked.connect(lambda _=False: slot())
        return button

    # ---- the reason ----

    def reason_needed(self) -> str | None:
        if self.detail is None:
            return None
        return self.services.observations.reason_needed(self.detail, self.share.isChecked())

    def _update_reason(self, _checked: bool = False) -> None:
        self._show_reason(self.reason_needed())

    def _show_reason(self, why: str | None) -> None:
        visible = why is not None
        self.reason_why.setText(why or "")
        self.form.setRowVisible(self.reason_why, visible)
        holder = self.reason.parentWidget()  # the reason's row in the form
        if holder is not None:
            self.form.setRowVisible(holder, visible)

    def show_error(self, field: str, message: str) -> None:
        if field == "reason" and self.detail is not None:
            self._show_reason(message)
            # The message beside the field says it: the same sentence above it would repeat it.
            self.form.setRowVisible(self.reason_why, False)
        super().show_error(field, message)

    # ---- saving ----

    def values(self) -> ObservationValues:
        return ObservationValues(
            text=self.text.toPlainText(),
            observed_on=py_date(self.observed_on),
            observed_at=_py_time(self.observed_at),
            context=self.context.value() or ObservationContext.OTHER.value,
            area_of_need=self.area.value() or "",
            outcome_id=self.outcome.currentData(),
            share_with_parents=self.share.isChecked(),
        )

    def work(self) -> Callable[[], Any]:
        observations = self.services.observations
        values = self.values()
        if self.detail is None:
            v = values
            data = ObservationInput(
                child_id=self.form_data.child_id,
                text=v.text,
                observed_on=v.observed_on,
                observed_at=v.observed_at,
                context=v.context,
                session_id=self.session_id,
                area_of_need=v.area_of_need,
                outcome_id=v.outcome_id,
                share_with_parents=v.share_with_parents,
            )
            return lambda: observations.add(data)
        observation_id, version = self.detail.id, self.detail.version
        reason = self.reason.text()
        return lambda: observations.edit(observation_id, values, reason, expected_version=version)

    # ---- delete and history ----

    def ask_delete(self) -> None:
        if self.detail is None:
            return
        dialog = DeleteObservationDialog(self.services, self.runner, self.detail.id, self)
        dialog.saved.connect(self._deleted)
        dialog.open()
        self.side_dialog = dialog

    def _deleted(self, result: object) -> None:
        self.saved.emit(result)
        self.accept()

    def show_history(self) -> None:
        if self.detail is None or not self.form_data.history:
            return
        dialog = ObservationHistoryDialog(self.form_data.history, self)
        dialog.open()
        self.side_dialog = dialog


__all__ = [
    "ObservationDialog",
    "ObservationForm",
    "author_text",
    "read_observation_form",
]
