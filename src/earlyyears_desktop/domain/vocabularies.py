"""Which columns hold a value from a fixed vocabulary (`domain.enums`), in one place.

The services check each value as they store it; this registry says the same thing per column
for the readers that take whole records from outside (the central roster) and for the record
schema in docs/bundle-format.md, which is generated from it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

from earlyyears_desktop.domain.enums import (
    AccessibleFormat,
    AreaOfNeed,
    AttendanceStatus,
    ChildStatus,
    ConsentKind,
    DecisionKind,
    Discipline,
    LabelledEnum,
    MeetingKind,
    MeetingStatus,
    ObservationChange,
    ObservationContext,
    OutcomeProgress,
    PlanStatus,
    ProgressRating,
    QuestionnaireReturn,
    Role,
    SessionStatus,
    StrategyProgress,
    TargetStatus,
    VisitRhythm,
    VisitStatus,
)


@dataclass(frozen=True)
class Vocabulary:
    """The values one column may hold."""

    enum: type[LabelledEnum]
    #: "" means "not chosen"
    empty_allowed: bool = False
    #: a comma-separated list of values (no spaces, no repeats) rather than one value
    comma_separated: bool = False
    #: values an earlier release wrote and this one no longer writes, still accepted (the
    #: enum reads them as one of its members)
    retired: tuple[str, ...] = ()

    @property
    def values(self) -> tuple[str, ...]:
        return tuple(member.value for member in self.enum)

    def problem(self, value: str) -> str | None:
        """Why `value` is not allowed (a sentence naming the allowed values), or None."""
        if value == "" and (self.empty_allowed or self.comma_separated):
            return None
        parts = value.split(",") if self.comma_separated else [value]
        allowed = set(self.values) | set(self.retired)
        if all(part in allowed for part in parts) and len(set(parts)) == len(parts):
            return None
        listed = ", ".join(self.values)
        if self.comma_separated:
            return f"must be a comma-separated list of: {listed} (no spaces, each once)"
        return f"must be one of: {listed}" + (", or empty" if self.empty_allowed else "")


#: (entity, column) -> its vocabulary
COLUMN_VOCABULARIES: Final[Mapping[tuple[str, str], Vocabulary]] = {
    ("practitioner", "role"): Vocabulary(Role),
    ("practitioner", "discipline"): Vocabulary(Discipline, empty_allowed=True),
    ("child", "areas_of_need"): Vocabulary(AreaOfNeed, comma_separated=True),
    ("child", "status"): Vocabulary(ChildStatus),
    ("carer", "accessible_format"): Vocabulary(AccessibleFormat),
    ("consent", "kind"): Vocabulary(ConsentKind),
    ("group_staff", "discipline"): Vocabulary(Discipline, empty_allowed=True),
    ("session", "status"): Vocabulary(SessionStatus),
    ("attendance", "status"): Vocabulary(AttendanceStatus),
    ("observation", "context"): Vocabulary(ObservationContext),
    ("observation", "area_of_need"): Vocabulary(AreaOfNeed, empty_allowed=True),
    ("observation_revision", "change"): Vocabulary(ObservationChange),
    ("observation_revision", "previous_context"): Vocabulary(ObservationContext),
    ("observation_revision", "previous_area_of_need"): Vocabulary(AreaOfNeed, empty_allowed=True),
    ("strategy", "area_of_need"): Vocabulary(AreaOfNeed, empty_allowed=True),
    ("child_strategy", "progress"): Vocabulary(StrategyProgress),
    ("child_strategy", "area_of_need"): Vocabulary(AreaOfNeed, empty_allowed=True),
    ("child_strategy_note", "progress"): Vocabulary(StrategyProgress),
    ("caseload_entry", "rhythm"): Vocabulary(VisitRhythm),
    ("home_visit", "status"): Vocabulary(VisitStatus),
    ("teaching_target", "status"): Vocabulary(TargetStatus),
    ("visit_target_progress", "rating"): Vocabulary(ProgressRating, retired=("not_yet", "secure")),
    ("support_plan", "status"): Vocabulary(PlanStatus),
    ("plan_outcome", "area_of_need"): Vocabulary(AreaOfNeed, empty_allowed=True),
    ("outcome_review", "progress"): Vocabulary(OutcomeProgress),
    ("questionnaire_reply", "returned_how"): Vocabulary(QuestionnaireReturn),
    ("meeting", "kind"): Vocabulary(MeetingKind),
    ("meeting", "status"): Vocabulary(MeetingStatus),
    ("meeting_decision", "kind"): Vocabulary(DecisionKind),
}


def vocabulary_for(entity: str, column: str) -> Vocabulary | None:
    return COLUMN_VOCABULARIES.get((entity, column))
