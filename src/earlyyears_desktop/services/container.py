"""The services of one unlocked vault, built once and passed to whoever needs them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select

from earlyyears_desktop.domain.models import (
    SYNCED_MODELS,
    ChangeLogEntry,
    Practitioner,
    SyncBundle,
    utcnow,
)
from earlyyears_desktop.services.access_log import AccessLog
from earlyyears_desktop.services.administrators import AdministratorService
from earlyyears_desktop.services.attendance import AttendanceService
from earlyyears_desktop.services.audit import AuditReport, verify_audit_chain
from earlyyears_desktop.services.audit_views import AuditViews
from earlyyears_desktop.services.backups import BackupService
from earlyyears_desktop.services.caseload import CaseloadService
from earlyyears_desktop.services.child_strategies import ChildStrategyService
from earlyyears_desktop.services.children import ChildrenService
from earlyyears_desktop.services.clock import Clock
from earlyyears_desktop.services.erasure import ErasureService
from earlyyears_desktop.services.groups import GroupService
from earlyyears_desktop.services.home_visits import HomeVisitService
from earlyyears_desktop.services.meetings import MeetingService
from earlyyears_desktop.services.observation_search import ObservationSearch
from earlyyears_desktop.services.observations import ObservationService
from earlyyears_desktop.services.practitioners import PractitionerService, check_role
from earlyyears_desktop.services.referrals import ReferralService
from earlyyears_desktop.services.restore import RestoreService
from earlyyears_desktop.services.retention import RetentionService
from earlyyears_desktop.services.strategies import StrategyService
from earlyyears_desktop.services.support import SupportService
from earlyyears_desktop.services.targets import TargetService
from earlyyears_desktop.services.timeline import TimelineService
from earlyyears_desktop.services.unit_of_work import INCLUDE_DELETED, Actor, UnitOfWork
from earlyyears_desktop.storage.keyslots import KdfParams
from earlyyears_desktop.storage.restore import clear_staging
from earlyyears_desktop.storage.vault import CreatedVault, OpenVault, create_vault


@dataclass(frozen=True)
class VaultInfo:
    device_id: str
    team_name: str
    counts: dict[str, int]
    unsynced_changes: int
    last_export: str | None
    #: how many of this vault's practitioners are its administrators (a count, no names)
    administrators: int = 0

    def as_json(self) -> dict[str, object]:
        return {
            "counts": dict(sorted(self.counts.items())),
            "children": self.counts.get("child", 0),
            "device_id": self.device_id,
            "team_name": self.team_name,
            "unsynced_changes": self.unsynced_changes,
            "last_export": self.last_export,
            "administrators": self.administrators,
        }


class Services:
    """Everything the GUI, the CLI and the tests may ask of an unlocked vault."""

    def __init__(
        self,
        vault: OpenVault,
        today: Callable[[], dt.date] | None = None,
        *,
        clock: Clock | None = None,
        include_deleted: bool = False,
    ) -> None:
        """`clock` is what every service reads the date and time from (the wall clock unless
        given); `today` is a shorthand for a clock fixed on that day. With `include_deleted`
        every read sees tombstones too (see `including_deleted`)."""
        self.vault = vault
        self.uow = UnitOfWork(
            vault.engine,
            Actor(vault.practitioner_id or "", vault.device_id),
            include_deleted=include_deleted,
        )
        if clock is None:
            clock = Clock.fixed(today()) if today else Clock()
        self.clock = clock
        self.practitioners = PractitionerService(self.uow)
        self.administrators = AdministratorService(self.uow)
        #: openings, documents and exports in the audit trail (services/access_log.py)
        self.access_log = AccessLog(self.uow)
        #: the audit log, read by an administrator (services/audit_views.py)
        self.audit_views = AuditViews(self.uow)
        self.children = ChildrenService(self.uow, clock)
        self.groups = GroupService(self.uow, clock)
        self.attendance = AttendanceService(self.uow, clock)
        self.observations = ObservationService(self.uow, clock)
        self.observation_search = ObservationSearch(self.uow)
        self.support = SupportService(self.uow, clock)
        self.targets = TargetService(self.uow, clock)
        self.home_visits = HomeVisitService(self.uow, clock)
        self.caseload = CaseloadService(self.uow, clock)
        self.referrals = ReferralService(self.uow, clock)
        self.meetings = MeetingService(self.uow, clock)
        self.strategies = StrategyService(self.uow)
        self.child_strategies = ChildStrategyService(self.uow, clock)
        self.timeline = TimelineService(self.uow)
        self.backups = BackupService(vault, self.uow, clock)
        self.erasure = ErasureService(self.uow, self.administrators, vault.paths.backups)
        self.retention = RetentionService(self.uow, clock, self.administrators)
        #: restoring a backup over this vault (administrators; services/restore.py)
        self.restore = RestoreService(vault, self.administrators, self.backups)

    def including_deleted(self) -> Services:
        """The same vault and clock for a client whose every read must see tombstones: sync,
        whose bundles carry them and whose conflicts compare them."""
        return Services(self.vault, clock=self.clock, include_deleted=True)

    def after_unlock(self) -> None:
        """What this release completes once in a vault it upgraded, through the services (so
        audited and exported): the steps of targets written before steps had records. And what
        a restore over this vault killed half-way left beside it (a copy of the records)."""
        clear_staging(self.vault.paths.folder)
        if self.actor.practitioner_id:
            self.targets.add_missing_steps()

    @property
    def actor(self) -> Actor:
        return self.uow.actor

    def info(self) -> VaultInfo:
        with self.uow.read() as session:
            counts = {
                model.entity: session.scalar(select(func.count()).select_from(model)) or 0
                for model in SYNCED_MODELS
            }
            unsynced = session.scalar(
                select(func.count())
                .select_from(ChangeLogEntry)
                .where(ChangeLogEntry.exported_seq.is_(None))
            )
            last = session.scalar(
                select(func.max(SyncBundle.at)).where(SyncBundle.direction == "export")
            )
        return VaultInfo(
            device_id=self.vault.device_id,
            team_name=self.vault.setting("team_name"),
            counts=counts,
            unsynced_changes=unsynced or 0,
            last_export=last.replace(microsecond=0).isoformat() + "Z" if last else None,
            administrators=len(self.administrators.administrators()),
        )

    def verify_audit(self) -> AuditReport:
        return verify_audit_chain(self.uow)

    def practitioner_name(self) -> str:
        with self.uow.read() as session:
            record = session.get(
                Practitioner, self.actor.practitioner_id, execution_options=INCLUDE_DELETED
            )
            return record.name if record else ""


def set_up_vault(
    folder: Path,
    *,
    team_name: str,
    practitioner_name: str,
    role: str,
    discipline: str = "",
    passphrase: str,
    params: KdfParams | None = None,
    starter_strategies: bool = False,
    exclusive: bool = False,
) -> CreatedVault:
    """Create a vault and its first practitioner, its administrator, recorded and audited like
    any other write;
    with `starter_strategies`, its strategy library begins with the starter set (written by
    that practitioner, so it syncs like any strategy). First-run set-up and the demo ask for
    it; a test vault starts empty unless its test asks. With `exclusive` (the app's first
    run) the new vault is held with its app lock until it is locked."""
    from earlyyears_desktop.domain.errors import ValidationError
    from earlyyears_desktop.domain.models import new_id
    from earlyyears_desktop.domain.rules import required_name

    name = required_name("name", practitioner_name, "your name")
    team = team_name.strip()
    if not team:
        raise ValidationError("team_name", "Please enter the team or organisation name.")
    role = check_role(role)
    practitioner_id = new_id()

    def initialise(vault: OpenVault) -> None:
        services = Services(vault)
        services.practitioners.add(
            name,
            role,
            discipline,
            practitioner_id=practitioner_id,
            key_slot_id=vault.slot.id if vault.slot else None,
        )
        services.administrators.start_with(practitioner_id)
        if starter_strategies:
            services.strategies.add_starter_set()

    return create_vault(
        folder,
        team_name=team,
        practitioner_id=practitioner_id,
        label=name,
        passphrase=passphrase,
        initialise=initialise,
        params=params,
        exclusive=exclusive,
    )


__all__ = ["Services", "VaultInfo", "set_up_vault", "utcnow"]
