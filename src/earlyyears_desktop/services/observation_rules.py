"""What makes an observation valid, and when a change to one must say why.

The checks read the vault (the child's date of birth, the outcomes of the child's support
plans) inside the write that saves the observation, so what is checked is what is saved.
Messages name the field and the rule, never the child or a value from the record.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from earlyyears_desktop.domain.enums import AreaOfNeed, ObservationContext
from earlyyears_desktop.domain.errors import ValidationError
from earlyyears_desktop.domain.models import Child, PlanOutcome, SupportPlan
from earlyyears_desktop.domain.rules import optional_text
from earlyyears_desktop.services.unit_of_work import get_live

#: The longest observation kept, in characters: about 160,000 words, eight times the longest
#: observation anyone has written by hand (a 20,000-word account is about 120,000
#: characters). Past it the text is almost certainly a pasted document, which belongs in a
#: file, and a record that size would slow every screen that shows it.
MAX_TEXT_CHARS: Final = 1_000_000
#: The longest reason for a change or a deletion: a few sentences.
MAX_REASON_CHARS: Final = 2_000
#: An observation older than this (since it was written) needs a reason to be changed.
FRESH_FOR: Final = dt.timedelta(days=1)

SHARED_REASON: Final = (
    "This observation has been shared with parents, so please say why you are changing it."
)
SHARING_REASON: Final = (
    "This change shares the observation with parents, so please say why you are changing it."
)
OLDER_REASON: Final = (
    "This observation was written more than a day ago, so please say why you are changing it."
)
DELETE_REASON: Final = "Please say why you are deleting this observation."


@dataclass(frozen=True)
class ObservationValues:
    """What a practitioner can change in an observation (its child and session stay)."""

    text: str
    observed_on: dt.date
    #: the time of day, when given (local time)
    observed_at: dt.time | None = None
    context: str = ObservationContext.OTHER.value
    area_of_need: str = ""
    outcome_id: str | None = None
    share_with_parents: bool = False


def checked_values(
    session: Session,
    child_id: str,
    values: ObservationValues,
    now: dt.datetime,
    stored_outcome_id: str | None = None,
) -> dict[str, object]:
    """The columns to store for `values` of an observation of `child_id`, or a
    ValidationError naming the first field that is wrong. `now` is the local time.

    The outcome an observation already links to is kept even when its plan has since been
    closed or deleted (`stored_outcome_id`): correcting a word must not unlink evidence."""
    body = optional_text(values.text)
    if not body:
        raise ValidationError("text", "Please write what you saw.")
    if len(body) > MAX_TEXT_CHARS:
        raise ValidationError(
            "text",
            f"The observation is too long ({MAX_TEXT_CHARS:,} characters at most): "
            "please keep a long document as a file and summarise it here.",
        )
    try:
        context = ObservationContext(values.context).value
    except ValueError:
        raise ValidationError("context", "Please choose where it was seen from the list.") from None
    try:
        area = AreaOfNeed(values.area_of_need).value if values.area_of_need else ""
    except ValueError:
        raise ValidationError(
            "area_of_need", "Please choose an area of need from the list."
        ) from None
    _check_when(values.observed_on, values.observed_at, now)
    child = get_live(session, Child, child_id)
    if values.observed_on < child.date_of_birth:
        raise ValidationError("observed_on", "The date is before the child was born.")
    if (
        values.outcome_id is not None
        and values.outcome_id != stored_outcome_id
        and values.outcome_id not in plan_outcome_ids(session, child_id)
    ):
        raise ValidationError(
            "outcome_id", "Please choose an outcome from this child's support plans."
        )
    return {
        "text": body,
        "observed_on": values.observed_on,
        "observed_at": values.observed_at,
        "context": context,
        "area_of_need": area,
        "outcome_id": values.outcome_id,
        "share_with_parents": bool(values.share_with_parents),
    }


def _check_when(day: dt.date, at: dt.time | None, now: dt.datetime) -> None:
    if day > now.date():
        raise ValidationError("observed_on", "The date is in the future.")
    if day == now.date() and at is not None and _minute(at) > _minute(now.time()):
        raise ValidationError("observed_at", "The time is later than now.")


def _minute(at: dt.time) -> dt.time:
    """A time of day to the minute, as the form shows it: 10:05 is not "later than" 10:05:30."""
    return at.replace(second=0, microsecond=0, tzinfo=None)


def plan_outcome_ids(session: Session, child_id: str) -> set[str]:
    return set(
        session.scalars(
            select(PlanOutcome.id)
            .join(SupportPlan, PlanOutcome.plan_id == SupportPlan.id)
            .where(SupportPlan.child_id == child_id)
        )
    )


def checked_reason(reason: str | None, needed: str | None) -> str:
    """The reason as stored; ValidationError("reason", `needed`) when `needed` names why one
    is required and none was given."""
    text = optional_text(reason)
    if not text and needed:
        raise ValidationError("reason", needed)
    if len(text) > MAX_REASON_CHARS:
        raise ValidationError(
            "reason", f"The reason is too long ({MAX_REASON_CHARS:,} characters at most)."
        )
    return text


def why_reason_needed(
    *, was_shared: bool, will_share: bool, written_at: dt.datetime, now: dt.datetime
) -> str | None:
    """Why a change must give a reason (the sentence to show), or None when it need not.

    A change needs a reason when the observation is shared with parents before or after it,
    or was written more than a day before `now` (both naive UTC).
    """
    if was_shared:
        return SHARED_REASON
    if will_share:
        return SHARING_REASON
    if now - written_at > FRESH_FOR:
        return OLDER_REASON
    return None


def utc(local: dt.datetime) -> dt.datetime:
    """A local (naive) date and time as naive UTC, as the vault's timestamps are kept."""
    return local.astimezone(dt.UTC).replace(tzinfo=None)


def local(stored: dt.datetime) -> dt.datetime:
    """A vault timestamp (naive UTC) as local time, as a practitioner reads it."""
    return stored.replace(tzinfo=dt.UTC).astimezone().replace(tzinfo=None)


__all__ = [
    "DELETE_REASON",
    "MAX_REASON_CHARS",
    "MAX_TEXT_CHARS",
    "ObservationValues",
    "checked_reason",
    "checked_values",
    "local",
    "plan_outcome_ids",
    "utc",
    "why_reason_needed",
]
