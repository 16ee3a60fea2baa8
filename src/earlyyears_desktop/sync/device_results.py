"""What each sync step of a device returns: frozen values for the Sync page and the CLI."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from earlyyears_desktop.services.unit_of_work import Changes

from .device_errors import held_back_message
from .entity_types import held_back_types_message, plural_name


@dataclass(frozen=True)
class Fingerprints:
    signing: str
    encryption: str


@dataclass(frozen=True)
class EnrolmentState:
    device_id: str
    device: Fingerprints | None
    enrolled: bool
    central_id: str = ""
    central_name: str = ""
    central: Fingerprints | None = None
    enrolled_at: str = ""
    revoked_reason: str = ""

    @property
    def revoked(self) -> bool:
        return bool(self.revoked_reason)


@dataclass(frozen=True)
class EnrolResult:
    central_id: str
    central_name: str
    central: Fingerprints
    device: Fingerprints
    replaced: bool


@dataclass(frozen=True)
class ExportResult:
    path: Path
    sequence: int
    record_count: int
    held_back: int
    held_back_children: int = 0
    bundle_id: str = ""
    manifest_sha256: str = ""
    changes_included: int = 0
    #: (entity, records) of the types the central service has not announced it accepts:
    #: held back, not counted in `held_back`, sent once it does
    held_back_types: tuple[tuple[str, int], ...] = ()
    #: erasure instructions carried (children erased here, not yet acknowledged: 8.3)
    erasures_sent: int = 0
    #: what the export changed for the screens: the notifications to the local authority it
    #: sent (now "waiting for the central service to confirm")
    changes: Changes = field(default_factory=Changes)

    @property
    def message(self) -> str:
        lines = [f"Wrote export bundle {self.sequence} with {self.record_count} records."]
        if self.erasures_sent:
            lines.append(erasures_sent_message(self.erasures_sent))
        if self.held_back:
            lines.append(held_back_message(self.held_back_children))
        if self.held_back_types:
            lines.append(held_back_types_message(dict(self.held_back_types)))
        return "\n".join(lines)


def erasures_sent_message(count: int) -> str:
    """What an export says of the erasure instructions it carried (no child named)."""
    if count == 1:
        return "It tells the central service that 1 child's records were erased here."
    return f"It tells the central service that {count} children's records were erased here."


def erased_on_instruction_message(count: int) -> str:
    """What an import says of the erasures it carried out (no child named)."""
    if count == 1:
        return "1 child's records were erased on the local authority's instruction."
    return f"{count} children's records were erased on the local authority's instruction."


@dataclass(frozen=True)
class ImportResult:
    bundle_id: str
    sequence: int
    replayed: bool = False
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    conflicts: int = 0
    acknowledged: int = 0
    #: this device's exported records the central service received but kept aside (conflicts)
    not_accepted: int = 0
    #: the return sequence numbers this bundle showed missing: (first, last), or None
    missing: tuple[int, int] | None = None
    revoked: bool = False
    revoked_reason: str = ""
    #: entity types the central service accepts from now on (records of them held back so
    #: far go with the next export)
    now_accepted: tuple[str, ...] = ()
    #: children whose records were erased here on the local authority's instruction (8.3)
    erased: int = 0
    #: records of children erased here that the bundle still carried (written before the
    #: central service carried out this device's instruction): left out
    not_taken_back: int = 0
    changes: Changes = field(default_factory=Changes)

    @property
    def applied(self) -> int:
        return self.inserted + self.updated

    @property
    def message(self) -> str:
        if self.replayed:
            return f"Return bundle {self.sequence} was already imported: nothing changed."
        lines = [
            f"Imported return bundle {self.sequence}: {self.applied} records applied "
            f"({self.inserted} new, {self.updated} updated), {self.unchanged} already up to date.",
            (
                f"{self.acknowledged} of this device's changes were confirmed by the central "
                "service as received."
                if self.acknowledged
                else "No further changes of this device were confirmed."
            ),
        ]
        if self.erased:
            lines.append(erased_on_instruction_message(self.erased))
        if self.not_taken_back:
            lines.append(
                f"{self.not_taken_back} records of a child erased here were not taken back."
            )
        if self.not_accepted:
            lines.append(
                f"{self.not_accepted} of the records sent were not accepted: they were changed "
                "centrally too, and the central service keeps both copies."
            )
        if self.conflicts:
            lines.append(
                f"{self.conflicts} records were changed both here and centrally: "
                "they are kept side by side for you to choose."
            )
        if self.missing is not None:
            first, last = self.missing
            which, them = (
                (f"bundle {first}", "it")
                if first == last
                else (f"bundles {first} to {last}", "them")
            )
            lines.append(
                f"Return {which} never arrived; ask for {them} to be sent again if it matters."
            )
        if self.now_accepted:
            names = ", ".join(plural_name(entity) for entity in self.now_accepted)
            lines.append(
                f"The central service now accepts {names}: those held back go with the next export."
            )
        if self.revoked:
            lines.append(
                f"The central service has revoked this device's enrolment: {self.revoked_reason}."
            )
        return "\n".join(lines)


@dataclass(frozen=True)
class ConflictView:
    id: str
    entity: str
    record_id: str
    label: str
    local_version: int
    central_version: int
    fields: tuple[str, ...]
    detected_at: dt.datetime


@dataclass(frozen=True)
class BundleHistoryRow:
    bundle_id: str
    direction: str
    sequence: int
    file_name: str
    record_count: int
    at: dt.datetime
    outcome: str


@dataclass(frozen=True)
class SyncSummary:
    enrolment: EnrolmentState
    unsynced: int
    awaiting_acknowledgement: int
    last_export: dt.datetime | None
    open_conflicts: int
    #: (entity, records) with changes waiting for the central service to accept their type
    held_back_types: tuple[tuple[str, int], ...] = ()

    @property
    def held_back_types_message(self) -> str:
        """The line saying so, or "" when nothing waits for that."""
        return held_back_types_message(dict(self.held_back_types)) if self.held_back_types else ""
