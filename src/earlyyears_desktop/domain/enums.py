"""The fixed vocabularies practitioners choose from.

Each enum's value is what is stored; `label` is what a person reads.
"""

from __future__ import annotations

import enum


class LabelledEnum(enum.StrEnum):
    """A string enum whose members carry a human label."""

    @property
    def label(self) -> str:
        return _LABELS.get(self, self.value.replace("_", " ").capitalize())

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        return [(member.value, member.label) for member in cls]


class Role(LabelledEnum):
    GROUP_LEADER = "group_leader"
    PORTAGE_WORKER = "portage_worker"
    SENCO = "senco"
    THERAPIST = "therapist"
    FAMILY_SUPPORT = "family_support"
    ADMINISTRATOR = "administrator"


class Discipline(LabelledEnum):
    EARLY_YEARS_EDUCATION = "early_years_education"
    SPEECH_AND_LANGUAGE_THERAPY = "speech_and_language_therapy"
    PHYSIOTHERAPY = "physiotherapy"
    OCCUPATIONAL_THERAPY = "occupational_therapy"
    FAMILY_SUPPORT = "family_support"
    HEALTH_VISITING = "health_visiting"
    PORTAGE = "portage"
    EDUCATIONAL_PSYCHOLOGY = "educational_psychology"
    OTHER = "other"


class AreaOfNeed(LabelledEnum):
    """The four broad areas of need in the SEND Code of Practice."""

    COMMUNICATION_AND_INTERACTION = "communication_and_interaction"
    COGNITION_AND_LEARNING = "cognition_and_learning"
    SOCIAL_EMOTIONAL_MENTAL_HEALTH = "social_emotional_mental_health"
    SENSORY_PHYSICAL = "sensory_physical"


class ChildStatus(LabelledEnum):
    ACTIVE = "active"
    TRANSFERRED = "transferred"
    CLOSED = "closed"


class AccessibleFormat(LabelledEnum):
    STANDARD = "standard"
    LARGE_PRINT = "large_print"
    HIGH_CONTRAST = "high_contrast"
    READ_ALOUD = "read_aloud"


class ConsentKind(LabelledEnum):
    SHARE_WITH_AGENCIES = "share_with_agencies"
    SHARE_WITH_CENTRAL = "share_with_central"
    PHOTOS = "photos"
    HANDOUTS = "handouts"


class SessionStatus(LabelledEnum):
    PLANNED = "planned"
    HELD = "held"
    CANCELLED = "cancelled"


class AttendanceStatus(LabelledEnum):
    PRESENT = "present"
    LATE = "late"
    LEFT_EARLY = "left_early"
    APOLOGIES = "apologies"
    DID_NOT_ATTEND = "did_not_attend"

    @property
    def attended(self) -> bool:
        return self in (
            AttendanceStatus.PRESENT,
            AttendanceStatus.LATE,
            AttendanceStatus.LEFT_EARLY,
        )


class ObservationContext(LabelledEnum):
    SESSION = "session"
    HOME_VISIT = "home_visit"
    #: the child's nursery, pre-school or childminder
    SETTING = "setting"
    OTHER = "other"


class ObservationChange(LabelledEnum):
    EDITED = "edited"
    DELETED = "deleted"


class StrategyProgress(LabelledEnum):
    NOT_STARTED = "not_started"
    GOING_WELL = "going_well"
    SOME_PROGRESS = "some_progress"
    NOT_WORKING = "not_working"
    STOPPED = "stopped"


class TargetStatus(LabelledEnum):
    ACTIVE = "active"
    #: finished: every step achieved, or the worker and family agree it is met
    ACHIEVED = "achieved"
    PAUSED = "paused"
    #: stopped before it was met, with a reason
    STOPPED = "stopped"


class ProgressRating(LabelledEnum):
    """How a teaching target's current step went at a home visit (Portage's three words).

    Ratings written before these words ("not_yet", "secure") are stored as they were (so that
    their audit digests still match) and read as Emerging and Achieved.
    """

    EMERGING = "emerging"
    DEVELOPING = "developing"
    ACHIEVED = "achieved"

    @classmethod
    def _missing_(cls, value: object) -> ProgressRating | None:
        return {"not_yet": cls.EMERGING, "secure": cls.ACHIEVED}.get(str(value))


class VisitRhythm(LabelledEnum):
    """How often a family on a Portage caseload is visited."""

    WEEKLY = "weekly"
    FORTNIGHTLY = "fortnightly"
    EVERY_THREE_WEEKS = "every_three_weeks"
    MONTHLY = "monthly"

    @property
    def days(self) -> int:
        return {"weekly": 7, "fortnightly": 14, "every_three_weeks": 21, "monthly": 28}[self.value]


class VisitStatus(LabelledEnum):
    #: started and still being written (autosaved as it is typed)
    IN_PROGRESS = "in_progress"
    FINISHED = "finished"


class OutcomeProgress(LabelledEnum):
    """Progress against one outcome of a support plan, judged at a review."""

    ACHIEVED = "achieved"
    GOOD_PROGRESS = "good_progress"
    SOME_PROGRESS = "some_progress"
    LITTLE_PROGRESS = "little_progress"


class PlanStatus(LabelledEnum):
    ACTIVE = "active"
    CLOSED = "closed"


class MeetingKind(LabelledEnum):
    """A pre-school liaison group (many children, senior clinicians, no families) or a team
    around the child meeting (one child, the family there, the lead professional chairing)."""

    LIAISON_GROUP = "liaison_group"
    TEAM_AROUND_THE_CHILD = "team_around_the_child"


class MeetingStatus(LabelledEnum):
    PLANNED = "planned"
    HELD = "held"
    CANCELLED = "cancelled"


class DecisionKind(LabelledEnum):
    """What a meeting decided for a child it discussed."""

    NOTIFY_LOCAL_AUTHORITY = "notify_local_authority"
    REQUEST_ASSESSMENT = "request_assessment"
    REFER_TO_SERVICE = "refer_to_service"
    SUPPORT_FOR_SCHOOL = "support_for_school"
    NO_FURTHER_ACTION = "no_further_action"
    OTHER = "other"


class QuestionnaireReturn(LabelledEnum):
    """How the family's answers to the questionnaire came back."""

    PAPER = "paper"
    PHONE = "phone"
    EMAIL = "email"
    IN_PERSON = "in_person"


class ErasureReason(LabelledEnum):
    """Why a child's records were erased (recorded with the erasure: a category, no words)."""

    FAMILY_REQUEST = "family_request"
    RETENTION = "retention"
    RECORDED_IN_ERROR = "recorded_in_error"
    #: the local authority's central service instructed this device (signed)
    CENTRAL_INSTRUCTION = "central_instruction"


_LABELS: dict[LabelledEnum, str] = {
    Role.SENCO: "SENCO",
    Role.PORTAGE_WORKER: "Portage worker",
    Discipline.SPEECH_AND_LANGUAGE_THERAPY: "Speech and language therapy",
    Discipline.PORTAGE: "Portage",
    AreaOfNeed.COMMUNICATION_AND_INTERACTION: "Communication and interaction",
    AreaOfNeed.COGNITION_AND_LEARNING: "Cognition and learning",
    AreaOfNeed.SOCIAL_EMOTIONAL_MENTAL_HEALTH: "Social, emotional and mental health",
    AreaOfNeed.SENSORY_PHYSICAL: "Sensory and/or physical",
    ConsentKind.SHARE_WITH_AGENCIES: "Sharing with other agencies",
    ConsentKind.SHARE_WITH_CENTRAL: "Sharing with the local authority's central service",
    ConsentKind.PHOTOS: "Photographs",
    ConsentKind.HANDOUTS: "Personalised handouts",
    AttendanceStatus.DID_NOT_ATTEND: "Did not attend",
    AttendanceStatus.LEFT_EARLY: "Left early",
    ObservationContext.SESSION: "Group session",
    ObservationContext.HOME_VISIT: "Home visit",
    ObservationContext.SETTING: "Setting (nursery, pre-school or childminder)",
    StrategyProgress.GOING_WELL: "Going well",
    StrategyProgress.SOME_PROGRESS: "Some progress",
    StrategyProgress.NOT_WORKING: "Not working yet",
    VisitRhythm.EVERY_THREE_WEEKS: "Every three weeks",
    VisitStatus.IN_PROGRESS: "In progress",
    OutcomeProgress.ACHIEVED: "Achieved",
    OutcomeProgress.GOOD_PROGRESS: "Good progress",
    OutcomeProgress.SOME_PROGRESS: "Some progress",
    OutcomeProgress.LITTLE_PROGRESS: "Little or no progress yet",
    MeetingKind.LIAISON_GROUP: "Pre-school liaison group",
    MeetingKind.TEAM_AROUND_THE_CHILD: "Team around the child meeting",
    DecisionKind.NOTIFY_LOCAL_AUTHORITY: "Notify the local authority of a child who may have SEND",
    DecisionKind.REQUEST_ASSESSMENT: "Request an assessment",
    DecisionKind.REFER_TO_SERVICE: "Refer to a service",
    DecisionKind.SUPPORT_FOR_SCHOOL: "Plan support for the move into school",
    DecisionKind.NO_FURTHER_ACTION: "No further action",
    QuestionnaireReturn.PAPER: "On paper",
    QuestionnaireReturn.PHONE: "By phone",
    QuestionnaireReturn.EMAIL: "By email",
    QuestionnaireReturn.IN_PERSON: "In person",
    ErasureReason.FAMILY_REQUEST: "The family asked for their data to be erased",
    ErasureReason.RETENTION: "The retention period has passed",
    ErasureReason.RECORDED_IN_ERROR: "The child was recorded by mistake",
    ErasureReason.CENTRAL_INSTRUCTION: "The local authority's central service asked",
}

#: the clinicians invited to a pre-school liaison group: the starting list of roles for the
#: people at a meeting (any other role may be typed)
LIAISON_ROLES: tuple[str, ...] = (
    "Senior occupational therapist",
    "Community paediatrician",
    "Psychologist",
    "Senior paediatric physiotherapist",
    "Sensory support practitioner",
    "Specialist health visitor",
    "Speech and language therapist",
    "Portage practitioner",
    "Disability coordinator",
    "Children's community nurse",
)
