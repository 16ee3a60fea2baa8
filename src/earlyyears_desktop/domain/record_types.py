"""Every synchronised record type, in one registry: what each one is, whom it belongs to, and
who may see it.

One entry per `Synced` model states its entity name, its name for people, how a record
reaches the child it belongs to, whether it syncs, the consent that governs sharing it with
the central service and printing it for a family, whether the central service may send it
back, the fields a central roster entry must have, and what each later schema revision of its
bundle records changed (`later_schemas`: docs/bundle-format.md 14.3). The export filter
(`sync/`), the return bundles and the roster (`central/`) and the handouts read it instead of
keeping lists of their own. `tests/core/test_record_types.py` derives the child links from
the foreign keys and fails when a model that reaches a child is missing here, or a model has
no entry.

Adding a record type: docs/architecture.md, "Adding a record type".

Why this file is long: the registry is one table, an entry per record type in foreign-key
order, read whole by sync, the central service and the handouts; split, its order and its
completeness could no longer be seen (and checked) in one place.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Final

from earlyyears_desktop.domain.enums import ConsentKind
from earlyyears_desktop.domain.models import (
    Attendance,
    Carer,
    CaseloadEntry,
    Child,
    ChildStrategy,
    ChildStrategyNote,
    Consent,
    Enrolment,
    Group,
    GroupSession,
    GroupStaff,
    HomeVisit,
    HomeVisitRevision,
    LaNotification,
    Meeting,
    MeetingAction,
    MeetingAttendee,
    MeetingDecision,
    MeetingDiscussion,
    Observation,
    ObservationRevision,
    OutcomeReview,
    ParentQuestion,
    PlanOutcome,
    PlanReview,
    PlanSpecialist,
    Practitioner,
    QuestionnaireReply,
    Referral,
    Strategy,
    SupportPlan,
    Synced,
    TargetStep,
    TeachingTarget,
    TeamMember,
    Venue,
    VisitStrategy,
    VisitTargetProgress,
)


@dataclass(frozen=True)
class ChildLink:
    """How a record reaches the child it belongs to: a chain of reference columns, each naming
    a record of the table its foreign key points at, the last one naming the child.

    `("child_id",)` is a direct link; `("plan_id", "child_id")` goes through the support plan;
    `()` is the child record itself.
    """

    path: tuple[str, ...]

    @property
    def is_the_child(self) -> bool:
        return not self.path


#: the child record itself
THE_CHILD: Final = ChildLink(())
#: a record with a `child_id` column
DIRECT: Final = ChildLink(("child_id",))


@dataclass(frozen=True)
class NoConsent:
    """Shared (or printed) without any consent, and why.

    A record that names no child needs none; a record that belongs to a child needs a reason
    written here (a consent record itself, a statutory notification, an erasure instruction).
    """

    reason: str


NAMES_NO_CHILD: Final = NoConsent("it names no child")


@dataclass(frozen=True)
class SchemaRevision:
    """What one later revision of a record type's bundle schema changed (docs/bundle-format.md
    section 14.3): the `data` members it added (each with a default: readers fill it in for
    records written to an earlier revision), and the members whose allowed values it widened
    (a new vocabulary value, null allowed)."""

    added: tuple[str, ...]
    widened: tuple[str, ...] = ()


@dataclass(frozen=True)
class RecordType:
    model: type[Synced]
    #: what people call one record, and several ("attendance mark", "attendance marks")
    singular: str
    plural: str
    #: how a record reaches its child; None: the record belongs to no child
    child_link: ChildLink | None
    #: whether records of this type go to the central service in export bundles
    syncs: bool
    #: the consent of the record's child that must be in force before the record is sent to
    #: the central service; NoConsent: sent without one (say why)
    central_consent: ConsentKind | NoConsent
    #: the consent that must be in force before the record is printed in a document for the
    #: family (a handout); NoConsent: printed without one; None: never printed for a family
    family_consent: ConsentKind | NoConsent | None
    #: whether the central service may send records of this type to a device (return bundles,
    #: loaded from its roster files); a device refuses any other type in a return bundle
    returned: bool = False
    #: the fields a roster entry of this type must have, not empty (only for returned types)
    roster_required: tuple[str, ...] = ()
    #: the revisions of its bundle schema after the first, oldest first: a column added to a
    #: synchronised model is a new revision here (docs/architecture.md, "Adding a column to a
    #: synchronised record type"); `tests/sync/test_schema_revisions.py` fails without it
    later_schemas: tuple[SchemaRevision, ...] = ()

    @property
    def entity(self) -> str:
        """The name used in the change log, audit events, bundles and roster files."""
        return self.model.entity

    @property
    def schema(self) -> int:
        """Its current bundle schema revision: 1 as first specified, one more per change."""
        return 1 + len(self.later_schemas)

    @property
    def child_linked(self) -> bool:
        return self.child_link is not None

    @property
    def needs_central_consent(self) -> bool:
        return isinstance(self.central_consent, ConsentKind)


_HANDOUTS = ConsentKind.HANDOUTS
_CENTRAL = ConsentKind.SHARE_WITH_CENTRAL
#: the family's own visit records and support plan, handed to the carer whatever the consent
#: for personalised session handouts (which is about a group's handouts naming the child)
_FAMILYS_OWN = NoConsent("the family's own record, given to the family it belongs to")

#: Every synchronised record type. The order is the foreign-key order (a record type comes
#: after the types it refers to); return bundles are written in this order.
RECORD_TYPES: Final[tuple[RecordType, ...]] = (
    RecordType(
        Practitioner,
        "practitioner",
        "practitioners",
        child_link=None,
        syncs=True,
        central_consent=NAMES_NO_CHILD,
        family_consent=None,
    ),
    RecordType(
        Venue,
        "venue",
        "venues",
        child_link=None,
        syncs=True,
        central_consent=NAMES_NO_CHILD,
        family_consent=NAMES_NO_CHILD,
        returned=True,
        roster_required=("name",),
    ),
    RecordType(
        Group,
        "group",
        "groups",
        child_link=None,
        syncs=True,
        central_consent=NAMES_NO_CHILD,
        family_consent=NAMES_NO_CHILD,
        returned=True,
        roster_required=("name",),
    ),
    RecordType(
        Strategy,
        "strategy",
        "strategies",
        child_link=None,
        syncs=True,
        central_consent=NAMES_NO_CHILD,
        family_consent=NAMES_NO_CHILD,
        returned=True,
        roster_required=("title",),
        later_schemas=(SchemaRevision(added=("tags",)),),
    ),
    RecordType(
        Child,
        "child",
        "children",
        child_link=THE_CHILD,
        syncs=True,
        central_consent=_CENTRAL,
        family_consent=_HANDOUTS,
        returned=True,
        roster_required=("legal_given_names", "legal_family_name", "date_of_birth"),
    ),
    RecordType(
        Carer,
        "carer",
        "carers",
        child_link=DIRECT,
        syncs=True,
        central_consent=_CENTRAL,
        family_consent=_HANDOUTS,
        returned=True,
        roster_required=("child_id", "name"),
    ),
    RecordType(
        Consent,
        "consent",
        "consents",
        child_link=DIRECT,
        syncs=True,
        central_consent=NoConsent(
            "always sent, so the central service learns that consent was refused or withdrawn"
        ),
        family_consent=None,
        returned=True,
        roster_required=("child_id", "kind", "given_on"),
    ),
    RecordType(
        TeamMember,
        "team member",
        "team members",
        child_link=DIRECT,
        syncs=True,
        central_consent=_CENTRAL,
        family_consent=None,
        returned=True,
        roster_required=("child_id", "name"),
    ),
    RecordType(
        GroupStaff,
        "group staff member",
        "group staff",
        child_link=None,
        syncs=True,
        central_consent=NAMES_NO_CHILD,
        family_consent=None,
        returned=True,
        roster_required=("group_id", "name"),
    ),
    RecordType(
        Enrolment,
        "enrolment",
        "enrolments",
        child_link=DIRECT,
        syncs=True,
        central_consent=_CENTRAL,
        family_consent=None,
        returned=True,
        roster_required=("child_id", "group_id", "starts_on"),
    ),
    RecordType(
        GroupSession,
        "session",
        "sessions",
        child_link=None,
        syncs=True,
        central_consent=NAMES_NO_CHILD,
        family_consent=NAMES_NO_CHILD,
        returned=True,
        roster_required=("group_id", "date"),
    ),
    RecordType(
        Attendance,
        "attendance mark",
        "attendance marks",
        child_link=DIRECT,
        syncs=True,
        central_consent=_CENTRAL,
        family_consent=None,
    ),
    RecordType(
        CaseloadEntry,
        "family on a caseload",
        "families on caseloads",
        child_link=DIRECT,
        syncs=True,
        central_consent=_CENTRAL,
        family_consent=None,
    ),
    RecordType(
        HomeVisit,
        "home visit",
        "home visits",
        child_link=DIRECT,
        syncs=True,
        central_consent=_CENTRAL,
        family_consent=_FAMILYS_OWN,
        later_schemas=(
            SchemaRevision(
                added=("status", "siblings_present", "others_present", "how_it_went", "finished_at")
            ),
        ),
    ),
    RecordType(
        HomeVisitRevision,
        "earlier version of a home visit",
        "earlier versions of home visits",
        child_link=ChildLink(("home_visit_id", "child_id")),
        syncs=True,
        central_consent=_CENTRAL,
        family_consent=None,
    ),
    RecordType(
        VisitStrategy,
        "strategy shared at a visit",
        "strategies shared at visits",
        child_link=ChildLink(("home_visit_id", "child_id")),
        syncs=True,
        central_consent=_CENTRAL,
        family_consent=_FAMILYS_OWN,
    ),
    RecordType(
        TeachingTarget,
        "teaching target",
        "teaching targets",
        child_link=DIRECT,
        syncs=True,
        central_consent=_CENTRAL,
        family_consent=_FAMILYS_OWN,
        later_schemas=(
            SchemaRevision(
                added=("set_with", "set_by", "stopped_on", "end_reason"), widened=("status",)
            ),
        ),
    ),
    RecordType(
        TargetStep,
        "small step of a target",
        "small steps of targets",
        child_link=ChildLink(("target_id", "child_id")),
        syncs=True,
        central_consent=_CENTRAL,
        family_consent=_FAMILYS_OWN,
    ),
    RecordType(
        VisitTargetProgress,
        "progress on a target",
        "progress on targets",
        # Also reaches the same child through target_id -> teaching_targets.child_id.
        child_link=ChildLink(("home_visit_id", "child_id")),
        syncs=True,
        central_consent=_CENTRAL,
        family_consent=_FAMILYS_OWN,
        # the ratings became Portage's three words ("achieved" is new)
        later_schemas=(SchemaRevision(added=("step_id",), widened=("rating",)),),
    ),
    RecordType(
        SupportPlan,
        "support plan",
        "support plans",
        child_link=DIRECT,
        syncs=True,
        central_consent=_CENTRAL,
        family_consent=_FAMILYS_OWN,
        later_schemas=(
            SchemaRevision(
                added=(
                    "assessment_summary",
                    "key_person",
                    "parents_told_on",
                    "parents_told_how",
                    "profile_admire",
                    "profile_important",
                    "profile_support",
                )
            ),
        ),
    ),
    RecordType(
        PlanOutcome,
        "plan outcome",
        "plan outcomes",
        child_link=ChildLink(("plan_id", "child_id")),
        syncs=True,
        central_consent=_CENTRAL,
        family_consent=_FAMILYS_OWN,
        later_schemas=(
            SchemaRevision(
                added=(
                    "support",
                    "expected_impact",
                    "responsible",
                    "added_on",
                    "ended_on",
                    "end_reason",
                )
            ),
        ),
    ),
    RecordType(
        PlanSpecialist,
        "specialist involved in a plan",
        "specialists involved in plans",
        child_link=ChildLink(("plan_id", "child_id")),
        syncs=True,
        central_consent=_CENTRAL,
        family_consent=_FAMILYS_OWN,
    ),
    RecordType(
        PlanReview,
        "plan review",
        "plan reviews",
        child_link=ChildLink(("plan_id", "child_id")),
        syncs=True,
        central_consent=_CENTRAL,
        family_consent=_FAMILYS_OWN,
        later_schemas=(SchemaRevision(added=("child_views_how",)),),
    ),
    RecordType(
        OutcomeReview,
        "progress on an outcome at a review",
        "progress on outcomes at reviews",
        child_link=ChildLink(("review_id", "plan_id", "child_id")),
        syncs=True,
        central_consent=_CENTRAL,
        family_consent=_FAMILYS_OWN,
    ),
    RecordType(
        Referral,
        "referral to the liaison group",
        "referrals to the liaison group",
        child_link=DIRECT,
        syncs=True,
        central_consent=_CENTRAL,
        # the questions the family is asked before the meeting
        family_consent=_FAMILYS_OWN,
    ),
    RecordType(
        QuestionnaireReply,
        "parents' questionnaire",
        "parents' questionnaires",
        child_link=ChildLink(("referral_id", "child_id")),
        syncs=True,
        central_consent=_CENTRAL,
        family_consent=_FAMILYS_OWN,
    ),
    RecordType(
        Meeting,
        "meeting",
        "meetings",
        # a liaison group's or team around the child meeting's date, place and people: the
        # children discussed are meeting discussions, each under its own child's consent
        child_link=None,
        syncs=True,
        central_consent=NAMES_NO_CHILD,
        family_consent=NAMES_NO_CHILD,
    ),
    RecordType(
        MeetingAttendee,
        "person at a meeting",
        "people at meetings",
        child_link=None,
        syncs=True,
        central_consent=NAMES_NO_CHILD,
        family_consent=NAMES_NO_CHILD,
    ),
    RecordType(
        MeetingDiscussion,
        "child discussed at a meeting",
        "children discussed at meetings",
        child_link=DIRECT,
        syncs=True,
        central_consent=_CENTRAL,
        family_consent=_FAMILYS_OWN,
    ),
    RecordType(
        MeetingDecision,
        "meeting's decision",
        "meetings' decisions",
        child_link=ChildLink(("discussion_id", "child_id")),
        syncs=True,
        central_consent=_CENTRAL,
        family_consent=_FAMILYS_OWN,
    ),
    RecordType(
        MeetingAction,
        "action from a meeting",
        "actions from meetings",
        child_link=ChildLink(("discussion_id", "child_id")),
        syncs=True,
        central_consent=_CENTRAL,
        family_consent=_FAMILYS_OWN,
    ),
    RecordType(
        ParentQuestion,
        "parents' question",
        "parents' questions",
        child_link=ChildLink(("reply_id", "referral_id", "child_id")),
        syncs=True,
        central_consent=_CENTRAL,
        family_consent=_FAMILYS_OWN,
    ),
    RecordType(
        LaNotification,
        "notification to the local authority",
        "notifications to the local authority",
        child_link=DIRECT,
        syncs=True,
        central_consent=NoConsent(
            "a statutory duty (Children and Families Act 2014, section 23): sent whatever the "
            "child's consents, carrying only the child's name, date of birth and NHS number"
        ),
        family_consent=None,
    ),
    RecordType(
        Observation,
        "observation",
        "observations",
        child_link=DIRECT,
        syncs=True,
        central_consent=_CENTRAL,
        # what the practitioner marked to share with parents is printed in the handout
        family_consent=_HANDOUTS,
        later_schemas=(SchemaRevision(added=("observed_at",), widened=("context",)),),
    ),
    RecordType(
        ObservationRevision,
        "earlier version of an observation",
        "earlier versions of observations",
        child_link=ChildLink(("observation_id", "child_id")),
        syncs=True,
        central_consent=_CENTRAL,
        family_consent=None,
    ),
    RecordType(
        ChildStrategy,
        "strategy for a child",
        "strategies for children",
        child_link=DIRECT,
        syncs=True,
        central_consent=_CENTRAL,
        # a child's own ideas to try at home; a group's general ideas count its children's
        # strategies without naming any child
        family_consent=_HANDOUTS,
        later_schemas=(
            SchemaRevision(
                added=(
                    "title",
                    "area_of_need",
                    "practitioner_wording",
                    "try_at_home",
                    "agreed_with",
                    "agreed_by",
                    "stopped_on",
                    "stop_reason",
                ),
                widened=("strategy_id",),
            ),
        ),
    ),
    RecordType(
        ChildStrategyNote,
        "note on a child's strategy",
        "notes on children's strategies",
        child_link=ChildLink(("child_strategy_id", "child_id")),
        syncs=True,
        central_consent=_CENTRAL,
        family_consent=None,
    ),
)

_BY_ENTITY: Final = {t.entity: t for t in RECORD_TYPES}
_BY_MODEL: Final = {t.model: t for t in RECORD_TYPES}


class UnknownRecordType(LookupError):
    """A name or model that is not a synchronised record type (a programming error)."""


def record_type(entity: str) -> RecordType:
    """The entry for an entity name ("child", "attendance", ...)."""
    try:
        return _BY_ENTITY[entity]
    except KeyError:
        raise UnknownRecordType(f"{entity!r} is not a record type in the registry") from None


def record_type_of(model: type[Synced]) -> RecordType:
    """The entry for a model class."""
    try:
        return _BY_MODEL[model]
    except KeyError:
        raise UnknownRecordType(f"{model.__name__} has no entry in the registry") from None


#: the types that go to the central service
SYNCED_TYPES: Final = tuple(t for t in RECORD_TYPES if t.syncs)
#: entities whose records belong to one child
CHILD_LINKED: Final = frozenset(t.entity for t in RECORD_TYPES if t.child_linked)
#: entities the central service may send back, in the order a return bundle carries them
RETURN_ENTITIES: Final = tuple(t.entity for t in RECORD_TYPES if t.returned)
#: child-linked entities sent to the central service whatever the child's consent
ALWAYS_SENT: Final = frozenset(
    t.entity for t in RECORD_TYPES if t.child_linked and not t.needs_central_consent
)
#: each returned entity -> the fields its roster entries must have
ROSTER_REQUIRED: Final[Mapping[str, tuple[str, ...]]] = MappingProxyType(
    {t.entity: t.roster_required for t in RECORD_TYPES if t.returned}
)


def central_consent_kinds() -> frozenset[ConsentKind]:
    """The consent kinds the export filter must look up."""
    return frozenset(
        t.central_consent for t in SYNCED_TYPES if isinstance(t.central_consent, ConsentKind)
    )


def family_consent_kind() -> ConsentKind:
    """The consent under which a child's records are printed for the family (the handouts)."""
    kind = record_type_of(Child).family_consent
    if not isinstance(kind, ConsentKind):  # pragma: no cover - a test checks the registry
        raise TypeError("the child's record type names no consent for family documents")
    return kind
