"""Plan a meeting: a pre-school liaison group or a team around the child meeting, its name,
date, time, place (or online), its chair, and whether the families' letters name the people
there by their roles only. Once saved, the meeting is opened to build its agenda.

A team around the child meeting is named by its kind, never by a name of its own: such a name
could name the child, and the meeting is sent to the central service without the child's
consent (`services/meetings.py` ignores any name given). `name_follows_kind` keeps the name
field of this dialog and of the editor's details dialog saying so.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QCheckBox, QLabel, QLineEdit, QVBoxLayout, QWidget

from earlyyears_desktop.domain.enums import LIAISON_ROLES, MeetingKind
from earlyyears_desktop.domain.errors import ValidationError
from earlyyears_desktop.services.container import Services
from earlyyears_desktop.services.meetings import MeetingInput
from earlyyears_desktop.ui.enum_combo import EnumCombo
from earlyyears_desktop.ui.forms import FormDialog, date_edit, py_date
from earlyyears_desktop.ui.operations import OpRunner
from earlyyears_desktop.ui.referral_dialogs import editable_combo

#: the chair of a team around the child meeting is the lead professional
CHAIR_ROLES = (*LIAISON_ROLES, "Lead professional")
TEAM_AROUND = MeetingKind.TEAM_AROUND_THE_CHILD
NAMED_BY_KIND = (
    "A team around the child meeting is named by its kind: a name of its own could name the "
    "child, and the meeting is shared with the local authority without the child's consent."
)


def name_note(name: QLineEdit) -> QLabel:
    """The line under the name field saying why a team around the child meeting has no name
    of its own (shown by `name_follows_kind`)."""
    note = QLabel(NAMED_BY_KIND)
    note.setWordWrap(True)
    note.setAccessibleName("Why the name is set")
    holder = name.parentWidget()
    layout = holder.layout() if holder is not None else None
    if isinstance(layout, QVBoxLayout):  # the field's column (`FormDialog.add_field`)
        layout.insertWidget(1, note)  # under the field, above its error line
    note.hide()
    return note


def name_follows_kind(name: QLineEdit, note: QLabel, kind: str | None, other_name: str) -> None:
    """A team around the child meeting: the name is its kind's, not to be changed. Another
    kind: `other_name`, to be typed over."""
    team_around = kind == TEAM_AROUND.value
    name.setEnabled(not team_around)
    note.setVisible(team_around)
    name.setText(TEAM_AROUND.label if team_around else other_name)


def read_time(text: str) -> dt.time | None:
    """'9:30', '09.30', '14:00' (or nothing); refused beside the field when unreadable."""
    cleaned = text.strip().replace(".", ":")
    if not cleaned:
        return None
    try:
        hours, minutes = (int(p) for p in cleaned.split(":"))
        return dt.time(hours, minutes)
    except ValueError:
        raise ValidationError(
            "starts_at", "Please give the time as hours:minutes, such as 9:30."
        ) from None


class PlanMeetingDialog(FormDialog):
    """A new meeting, planned; `saved` carries the service's `Saved[str]` (the meeting's id)."""

    def __init__(
        self,
        services: Services,
        runner: OpRunner,
        parent: QWidget | None = None,
        *,
        names: dict[str, str] | None = None,
    ) -> None:
        """`names`: the name of the last meeting of each kind, offered again (never for a team
        around the child meeting, which is named by its kind)."""
        super().__init__(
            "Plan a meeting",
            runner,
            parent,
            intro="The meeting opens once it is saved, to put the children waiting on its agenda.",
            save_text="&Save and open",
        )
        self.services = services
        self._typed_name = ""
        self.names = {k: v for k, v in (names or {}).items() if k != TEAM_AROUND.value}
        self.kind = self.add_field(
            "kind",
            "&Kind:",
            EnumCombo(MeetingKind, "Kind of meeting", value=MeetingKind.LIAISON_GROUP.value),
        )
        self.name = self.add_field("name", "Meeting's na&me:", QLineEdit())
        self.name.setAccessibleName("Meeting's name")
        self.name.setPlaceholderText("For example: Kingsford pre-school liaison group")
        self.name_note = name_note(self.name)
        self.held_on = self.add_field(
            "held_on", "&Date:", date_edit(services.meetings.today(), "Date of the meeting")
        )
        self.starts_at = self.add_field("starts_at", "&Time:", QLineEdit())
        self.starts_at.setAccessibleName("Time the meeting starts")
        self.starts_at.setPlaceholderText("For example: 9:30")
        self.venue = self.add_field("venue", "Pl&ace:", QLineEdit())
        self.venue.setAccessibleName("Where the meeting is")
        self.online = self.add_field("online", "", QCheckBox("On&line"))
        self.online.setAccessibleName("The meeting is online")
        self.chair_name = self.add_field("chair_name", "&Chair:", QLineEdit())
        self.chair_name.setAccessibleName("Chair's name")
        self.chair_role = self.add_field(
            "chair_role", "Chair's &role:", editable_combo(CHAIR_ROLES, "Chair's role")
        )
        self.roles_only = self.add_field(
            "letters_roles_only",
            "",
            QCheckBox("The families' letters name the people there by their roles &only"),
        )
        self.roles_only.setAccessibleName("Letters name roles only")
        self.roles_only.setChecked(True)
        self.kind.currentIndexChanged.connect(lambda _i: self._offer_name())
        self._offer_name()
        self.finish_layout()
        self.kind.setFocus()

    def _offer_name(self) -> None:
        """The last name used for this kind of meeting, unless one is typed already; a team
        around the child meeting's is its kind's."""
        kind = self.kind.value() or ""
        if self.name.isEnabled():
            self._typed_name = self.name.text()
        typed = self._typed_name not in {*self.names.values(), ""}
        name = self._typed_name if typed else self.names.get(kind, "")
        name_follows_kind(self.name, self.name_note, kind, name)

    def work(self) -> Callable[[], Any]:
        given = MeetingInput(
            kind=self.kind.value() or "",
            name=self.name.text(),
            held_on=py_date(self.held_on),
            starts_at=read_time(self.starts_at.text()),
            venue=self.venue.text(),
            online=self.online.isChecked(),
            chair_name=self.chair_name.text(),
            chair_role=self.chair_role.currentText(),
            letters_roles_only=self.roles_only.isChecked(),
        )
        meetings = self.services.meetings
        return lambda: meetings.plan(given)
