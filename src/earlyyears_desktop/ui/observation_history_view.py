"""The earlier versions of an observation, and deleting one with a reason.

Both open from the observation dialog (`ui/observation_dialog.py`): "History…" lists who
changed it, when, why and what it said before, newest first; "Delete…" asks why (always
required) and, once given, tombstones the observation through the service.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtWidgets import (
    QLineEdit,
    QWidget,
)

from earlyyears_desktop.domain.enums import AreaOfNeed, LabelledEnum, ObservationChange
from earlyyears_desktop.domain.enums import ObservationContext as Context
from earlyyears_desktop.services.container import Services
from earlyyears_desktop.services.observation_history import RevisionRow
from earlyyears_desktop.ui.forms import FormDialog
from earlyyears_desktop.ui.operations import OpRunner
from earlyyears_desktop.ui.widgets import VersionsDialog, long_date, short_date

DELETE_INTRO = (
    "The observation will no longer show on the child's record, in search or on the family's "
    "handout. What it said is kept in its history, with your reason."
)


def _label(vocabulary: type[LabelledEnum], value: str) -> str:
    try:
        return vocabulary(value).label
    except ValueError:
        return value


def revision_text(row: RevisionRow) -> str:
    """One earlier version, in plain text: who, when, why, and what it said."""
    verb = "Deleted" if row.change == ObservationChange.DELETED.value else "Changed"
    who = row.reviser_name or "an unknown practitioner"
    head = f"{verb} on {long_date(row.revised_at.date())} at {row.revised_at:%H:%M} by {who}"
    why = f"Reason: {row.reason}" if row.reason else "No reason given"
    seen = short_date(row.previous_observed_on)
    if row.previous_observed_at is not None:
        seen += f" at {row.previous_observed_at:%H:%M}"
    about = [seen, _label(Context, row.previous_context)]
    if row.previous_area_of_need:
        about.append(_label(AreaOfNeed, row.previous_area_of_need))
    if row.previous_outcome_text:
        about.append(f"outcome: {row.previous_outcome_text}")
    about.append(
        "shared with parents" if row.previous_share_with_parents else "not shared with parents"
    )
    before = "It said" if verb == "Deleted" else "Before the change it said"
    return f"{head}\n{why}\n{before} ({'; '.join(about)}):\n{row.previous_text}"


class ObservationHistoryDialog(VersionsDialog):
    """Read-only: the earlier versions, newest first."""

    def __init__(self, history: Sequence[RevisionRow], parent: QWidget | None = None) -> None:
        count = len(history)
        super().__init__(
            "Earlier versions of this observation",
            f"Changed {count} time{'s' if count != 1 else ''}, newest first: who changed it, "
            "when, why, and what it said before.",
            "Earlier versions, newest first",
            [revision_text(r) for r in history],
            parent,
        )


class DeleteObservationDialog(FormDialog):
    """Ask why (required), then delete; `saved` carries the service's answer."""

    def __init__(
        self,
        services: Services,
        runner: OpRunner,
        observation_id: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(
            "Delete this observation",
            runner,
            parent,
            intro=DELETE_INTRO,
            save_text="&Delete observation",
        )
        self.services = services
        self.observation_id = observation_id
        self.reason = self.add_field("reason", "&Why delete it?", QLineEdit())
        self.reason.setPlaceholderText("For example: written on the wrong child's record")
        self.reason.setAccessibleName("Why delete it")
        self.finish_layout()
        self.reason.setFocus()

    def work(self) -> Callable[[], Any]:
        observations = self.services.observations
        observation_id, reason = self.observation_id, self.reason.text()
        return lambda: observations.delete(observation_id, reason)


__all__ = ["DeleteObservationDialog", "ObservationHistoryDialog", "revision_text"]
