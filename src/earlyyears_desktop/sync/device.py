"""The device side of sync: one object for the Sync page, the command line and the tests.

`DeviceSync(services)` is what the GUI's sync page, the `earlyyears enrol-request / enrol /
export / import` commands and the tests use; each of its methods is one step, written in its
own module:

| step | module |
| --- | --- |
| keys, enrolment request and response | `device_enrolment.py` |
| export bundles | `export.py`; records streamed by `export_collector.py` |
| what is shared, what comes back | `sharing.py` |
| return bundles | `return_import.py` (records applied by `return_applier.py`) |
| conflicts and their resolution | `conflicts.py` |
| history and counts | `history.py` |
| stream state and keys in the vault | `stream_state.py` |
| errors and results | `device_errors.py`, `device_results.py` |

Everything the device keeps lives inside the encrypted vault. Ordering and conflict detection
use version numbers and bundle sequence numbers only, never a clock. The receiver policy is
docs/bundle-format.md section 10; the device's choices are in its section 16 and, for people,
in docs/sync.md.
"""

from __future__ import annotations

import datetime as dt
import os
from typing import TYPE_CHECKING

from earlyyears_desktop.services.unit_of_work import Changes

from .bundle import CancelledCallback, ProgressCallback
from .conflicts import KEEP_MINE, TAKE_CENTRAL, conflict_views, resolve_conflict
from .device_enrolment import device_keys, enrol, enrolment_state, write_enrolment_request
from .device_errors import (
    AlreadyEnrolled,
    ConcurrentExport,
    DeviceRevoked,
    NotEnrolled,
    NothingToExport,
    held_back_message,
)
from .device_results import (
    BundleHistoryRow,
    ConflictView,
    EnrolmentState,
    EnrolResult,
    ExportResult,
    Fingerprints,
    ImportResult,
    SyncSummary,
)
from .export import export_bundle
from .export_reservation import ExportInProgress
from .history import bundle_history, held_back_types, sync_summary, unsynced_count
from .keys import KeyPair
from .return_import import import_return
from .sharing import RETURN_ENTITIES
from .stream_state import OLD_EXPORT

if TYPE_CHECKING:
    from earlyyears_desktop.services.container import Services


class DeviceSync:
    """Sync for one unlocked vault. Built from `Services`; holds no state of its own."""

    def __init__(self, services: Services) -> None:
        # Sync reads tombstones: they travel in bundles, and conflicts compare them.
        self.services = services.including_deleted()

    @property
    def device_id(self) -> str:
        return self.services.vault.device_id

    # ---- keys and enrolment ----

    def device_keys(self, *, create: bool = False) -> KeyPair | None:
        """This device's key pair; generated (once) and stored in the vault when `create`."""
        return device_keys(self.services, create=create)

    def state(self) -> EnrolmentState:
        return enrolment_state(self.services)

    def enrolment_request(
        self, out_path: str | os.PathLike[str], *, now: dt.datetime | None = None
    ) -> Fingerprints:
        """Write the request file (no child's data: device id, practitioner and team names)."""
        return write_enrolment_request(self.services, out_path, now=now)

    def enrol(self, response_path: str | os.PathLike[str], *, replace: bool = False) -> EnrolResult:
        """Check the central service's response and store its keys (see `enrol`)."""
        return enrol(self.services, response_path, replace=replace)

    # ---- export and import ----

    def export(
        self,
        out_folder: str | os.PathLike[str],
        progress: ProgressCallback | None = None,
        cancelled: CancelledCallback | None = None,
        again: bool = False,
        *,
        max_changes: int | None = None,
        now: dt.datetime | None = None,
    ) -> ExportResult:
        """Write the next export bundle into `out_folder` (see `export_bundle`)."""
        return export_bundle(
            self.services,
            out_folder,
            progress,
            cancelled,
            again,
            max_changes=max_changes,
            now=now,
        )

    def import_return(
        self, path: str | os.PathLike[str], *, now: dt.datetime | None = None
    ) -> ImportResult:
        """Check and apply a return bundle, all or nothing (BundleRefused says why not)."""
        return import_return(self.services, path, now=now)

    # ---- conflicts ----

    def conflicts(self, *, include_resolved: bool = False) -> list[ConflictView]:
        return conflict_views(self.services, include_resolved=include_resolved)

    def resolve_conflict(self, conflict_id: str, choice: str) -> Changes:
        """`KEEP_MINE` or `TAKE_CENTRAL` (see `conflicts.resolve_conflict`)."""
        return resolve_conflict(self.services, conflict_id, choice)

    # ---- history and counts ----

    def history(self, limit: int = 200) -> list[BundleHistoryRow]:
        return bundle_history(self.services, limit)

    def unsynced_count(self) -> int:
        return unsynced_count(self.services)

    def summary(self) -> SyncSummary:
        return sync_summary(self.services)

    def held_back_types(self) -> dict[str, int]:
        """Records per entity type held back until the central service accepts the type."""
        return held_back_types(self.services)


__all__ = [
    "KEEP_MINE",
    "OLD_EXPORT",
    "RETURN_ENTITIES",
    "TAKE_CENTRAL",
    "AlreadyEnrolled",
    "BundleHistoryRow",
    "ConcurrentExport",
    "ConflictView",
    "DeviceRevoked",
    "DeviceSync",
    "EnrolResult",
    "EnrolmentState",
    "ExportInProgress",
    "ExportResult",
    "Fingerprints",
    "ImportResult",
    "NotEnrolled",
    "NothingToExport",
    "SyncSummary",
    "held_back_message",
]
