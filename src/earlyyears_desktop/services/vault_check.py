"""Checking the whole vault on demand: the database's own checks and the audit trail.

The app's "Check the vault…" (on an unlocked vault) and `earlyyears check` (which can examine
a vault the unlock refused) both report through `VaultCheckReport`. Nothing is written.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from earlyyears_desktop.services.audit import AuditReport, verify_audit_chain
from earlyyears_desktop.services.container import Services
from earlyyears_desktop.services.unit_of_work import UnitOfWork
from earlyyears_desktop.storage.integrity import CHECK_TITLES, CheckResult

AUDIT_CHECK = "audit"
AUDIT_TITLE = "The audit trail (every change, in order)"
NOT_CHECKED_DAMAGED = "not checked: the database itself is damaged."
#: how many checks `check_vault` runs (the database's, then the audit trail)
CHECK_COUNT = len(CHECK_TITLES) + 1


@dataclass(frozen=True)
class VaultCheckReport:
    """Each check's result in order; `audit` is None when the database failed its own checks
    (the trail is then not read)."""

    database: tuple[CheckResult, ...]
    audit: AuditReport | None

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.database) and self.audit is not None and self.audit.ok

    @property
    def failed(self) -> list[str]:
        """The titles of the checks that failed."""
        titles = [c.title for c in self.database if not c.ok]
        if self.audit is not None and not self.audit.ok:
            titles.append(AUDIT_TITLE)
        return titles

    def lines(self) -> list[str]:
        """One line per check, in plain words."""
        lines = [c.words for c in self.database]
        if self.audit is None:
            lines.append(f"{AUDIT_TITLE}: {NOT_CHECKED_DAMAGED}")
        elif self.audit.ok:
            lines.append(f"{AUDIT_TITLE}: passed. {self.audit.message}")
        else:
            lines.append(f"{AUDIT_TITLE}: FAILED: {self.audit.message}")
        return lines

    @property
    def summary(self) -> str:
        if self.ok:
            return "The vault passed every check."
        return (
            f"The vault failed {len(self.failed)} of {len(self.database) + 1} checks. Nothing "
            "was changed. See “When something goes wrong” in the user guide."
        )

    def as_json(self) -> dict[str, object]:
        checks: list[dict[str, object]] = [c.as_json() for c in self.database]
        if self.audit is None:
            checks.append({"check": AUDIT_CHECK, "ok": False, "findings": [NOT_CHECKED_DAMAGED]})
        else:
            checks.append(
                {
                    "check": AUDIT_CHECK,
                    "ok": self.audit.ok,
                    "findings": [] if self.audit.ok else [self.audit.message],
                    "events": self.audit.events,
                    "records_checked": self.audit.records_checked,
                }
            )
        return {"ok": self.ok, "checks": checks}


def check_database_then_audit(
    database: list[CheckResult],
    uow: Callable[[], UnitOfWork],
    progress: Callable[[str], None] | None = None,
) -> VaultCheckReport:
    """The audit trail is read (from `uow()`) only if the database passed its own checks."""
    if not all(c.ok for c in database):
        return VaultCheckReport(tuple(database), None)
    if progress is not None:
        progress(AUDIT_TITLE)
    return VaultCheckReport(tuple(database), verify_audit_chain(uow()))


def check_vault(
    services: Services, progress: Callable[[str], None] | None = None
) -> VaultCheckReport:
    """Every check of an unlocked vault, run to its end (the app's "Check the vault…").
    `progress` is told each check's title as it starts; there are `CHECK_COUNT`."""
    database = services.vault.full_checks(progress)
    return check_database_then_audit(database, lambda: services.uow, progress)
