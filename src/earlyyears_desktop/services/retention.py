"""Retention: the rule an administrator sets ("children whose case closed more than N years
ago") and the list it brings up for review. Nothing is erased here: the administrator ticks
children on the review list and confirms, and each goes through `ErasureService`.

When a case closed: the model keeps no "closed on" date of its own, and none is added. A
child's case is closed when the child's status is closed or transferred, no enrolment in a
group is still running and no family caseload entry is still open. It closed on the latest of
the dates that show work with the child: the last change to the child's own record (setting
the status to closed is one), an enrolment's end, a caseload entry's closing, an observation,
a home visit, an attendance mark's session, a meeting that discussed the child, a plan
review, a referral. So a child is never due earlier than the real closing; a later change
only puts the review off.

The rule is a local `VaultSetting` ("retention_years"; absent: off), not synchronised.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import text

from earlyyears_desktop.domain.enums import ChildStatus
from earlyyears_desktop.domain.errors import ValidationError
from earlyyears_desktop.domain.models import VaultSetting
from earlyyears_desktop.services.administrators import AdministratorService
from earlyyears_desktop.services.clock import Clock
from earlyyears_desktop.services.erasure import read_ledger
from earlyyears_desktop.services.unit_of_work import Saved, UnitOfWork

SETTING = "retention_years"
#: the longest rule accepted (a child's records kept until they are 25, say)
MOST_YEARS = 30

#: the dates that show work with a child, each as (child id, date) rows, tombstones included
_LAST_DATES = """
SELECT c.id AS child_id, date(c.updated_at) AS d FROM children c
UNION ALL SELECT child_id, ends_on FROM enrolments WHERE ends_on IS NOT NULL
UNION ALL SELECT child_id, closed_on FROM caseload_entries WHERE closed_on IS NOT NULL
UNION ALL SELECT child_id, observed_on FROM observations
UNION ALL SELECT child_id, visited_on FROM home_visits
UNION ALL SELECT a.child_id, s.date FROM attendance a JOIN sessions s ON s.id = a.session_id
UNION ALL SELECT d.child_id, m.held_on FROM meeting_discussions d
    JOIN meetings m ON m.id = d.meeting_id
UNION ALL SELECT p.child_id, r.reviewed_on FROM plan_reviews r
    JOIN support_plans p ON p.id = r.plan_id
UNION ALL SELECT child_id, referred_on FROM referrals
"""

_CLOSED_CHILDREN = f"""
SELECT c.id, c.legal_given_names, c.legal_family_name, c.preferred_name,
       max(l.d) AS closed_on
FROM children c JOIN ({_LAST_DATES}) l ON l.child_id = c.id
WHERE (c.status IN (:closed, :transferred) OR c.deleted_at IS NOT NULL)
  AND NOT EXISTS (SELECT 1 FROM enrolments e WHERE e.child_id = c.id AND e.deleted_at IS NULL
                  AND (e.ends_on IS NULL OR e.ends_on > :today))
  AND NOT EXISTS (SELECT 1 FROM caseload_entries k WHERE k.child_id = c.id
                  AND k.deleted_at IS NULL AND k.closed_on IS NULL)
GROUP BY c.id
"""


@dataclass(frozen=True)
class RetentionDue:
    """A child whose case closed longer ago than the rule keeps records, for review."""

    child_id: str
    name: str
    closed_on: dt.date
    #: whole years since the case closed
    years: int


class RetentionService:
    def __init__(self, uow: UnitOfWork, clock: Clock, administrators: AdministratorService) -> None:
        self.uow = uow
        self.clock = clock
        self.administrators = administrators

    def rule(self) -> int | None:
        """The years a closed case is kept before review, or None: no rule (the default)."""
        with self.uow.read() as session:
            row = session.get(VaultSetting, SETTING)
            return _years(row.value if row else "")

    def set_rule(self, years: int | None) -> Saved[None]:
        """Set the rule (None: off); administrators only, audited."""
        self.administrators.require_administrator("change how long records are kept")
        if years is not None and not 1 <= years <= MOST_YEARS:
            raise ValidationError(
                "retention_years", f"Please choose between 1 and {MOST_YEARS} years."
            )
        with self.uow.write() as tx:
            row = tx.session.get(VaultSetting, SETTING)
            value = "" if years is None else str(years)
            if row is None:
                tx.session.add(VaultSetting(key=SETTING, value=value))
            else:
                row.value = value
            tx.audit_only("retention-rule", "vault", value or "off")
            tx.session.info["touched"].setdefault("retention", set()).add(SETTING)
        return Saved(tx.changes, None)

    def retention_due(self, today: dt.date | None = None) -> list[RetentionDue]:
        """The children due for review under the rule on `today` (the clock's day unless
        given), longest closed first; empty when there is no rule. Administrators only."""
        self.administrators.require_administrator("review which records are due for erasure")
        years = self.rule()
        if years is None:
            return []
        day = today or self.clock.today()
        cutoff = years_before(day, years)
        with self.uow.read() as session:
            erased = {e.child_id for e in read_ledger(session)}
            rows = session.execute(
                text(_CLOSED_CHILDREN),
                {
                    "closed": ChildStatus.CLOSED.value,
                    "transferred": ChildStatus.TRANSFERRED.value,
                    "today": day.isoformat(),
                },
            ).all()
        due = []
        for row in rows:
            closed_on = dt.date.fromisoformat(str(row.closed_on))
            if closed_on > cutoff or row.id in erased:
                continue
            due.append(
                RetentionDue(
                    child_id=row.id,
                    name=_name(row.preferred_name, row.legal_given_names, row.legal_family_name),
                    closed_on=closed_on,
                    years=whole_years(closed_on, day),
                )
            )
        return sorted(due, key=lambda d: (d.closed_on, d.name, d.child_id))


def years_before(day: dt.date, years: int) -> dt.date:
    """The same day `years` earlier (28 February for a 29 February)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def whole_years(start: dt.date, end: dt.date) -> int:
    years = end.year - start.year
    if (end.month, end.day) < (start.month, start.day):
        years -= 1
    return max(years, 0)


def _years(value: str) -> int | None:
    try:
        years = int(value)
    except ValueError:
        return None
    return years if years > 0 else None


def _name(preferred: str, given: str, family: str) -> str:
    return f"{preferred or given} {family}".strip()


__all__ = ["MOST_YEARS", "RetentionDue", "RetentionService", "whole_years", "years_before"]
