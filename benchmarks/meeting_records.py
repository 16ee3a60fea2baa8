"""A pre-school liaison group's records for the letters_30_s benchmark, the letter and
questionnaire tests (tests/handouts/test_meeting_documents.py) and the user guide's pictures:
children referred with their parents' agreement, their families' questionnaires answered, a
meeting held that discussed them (people present, an outcome and answers for each child), and
the next meeting with one referral on its agenda. Dated around TODAY (services on a clock
fixed on it); everything is written through the services, as the screens write it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from earlyyears_desktop.domain.enums import AccessibleFormat, MeetingKind, QuestionnaireReturn
from earlyyears_desktop.services.children import ChildInput
from earlyyears_desktop.services.container import Services
from earlyyears_desktop.services.family import CarerInput
from earlyyears_desktop.services.meetings import AttendeeInput, DiscussionInput, MeetingInput
from earlyyears_desktop.services.referrals import AnswersInput, ReferralInput

TODAY = dt.date(2026, 11, 25)
MEETING_DAY = dt.date(2026, 11, 18)
NEXT_MEETING_DAY = dt.date(2027, 1, 20)
REFERRED = dt.date(2026, 10, 5)
GROUP = "Kingsford pre-school liaison group"
CHAIR = ("Dr Farah Siddiqui", "Community paediatrician")
#: who was at the meeting (name, role); the last sent apologies
PEOPLE = (
    ("Dr Farah Siddiqui", "Community paediatrician"),
    ("Siobhán Ní Bhriain", "Speech and language therapist"),
    ("Kwame Asante", "Senior occupational therapist"),
    ("Ewa Kowalczyk", "Specialist health visitor"),
    ("Mei Lin Chen", "Portage practitioner"),
    ("Rhys Llewellyn", "Speech and language therapist"),
    ("Tomasz Zieliński", "Psychologist"),
)
#: (given, family, carer, the carer's accessible format)
FAMILIES = (
    ("Zoë", "Adeyemi", "Funmi Adeyemi", AccessibleFormat.STANDARD),
    ("Siân", "Pritchard", "Carys Pritchard", AccessibleFormat.LARGE_PRINT),
    ("נועה", "כהן", "שרה כהן", AccessibleFormat.HIGH_CONTRAST),
    ("Oisín", "Ó Briain", "Gráinne Ó Briain", AccessibleFormat.STANDARD),
    ("Mateus", "Gonçalves", "Inês Gonçalves", AccessibleFormat.STANDARD),
    ("Łucja", "Wiśniewska", "Agnieszka Wiśniewska", AccessibleFormat.STANDARD),
    ("Aarav", "Sharma", "Priya Sharma", AccessibleFormat.LARGE_PRINT),
    ("Yusuf", "Demir", "Elif Demir", AccessibleFormat.STANDARD),
    ("Tomás", "Ramírez López", "Lucía López", AccessibleFormat.STANDARD),
    ("Amaka", "Okonkwo", "Ngozi Okonkwo", AccessibleFormat.STANDARD),
)
QUESTIONS = (
    "Will {first} get help with talking before starting school?",
    "Is there a group we could go to together?",
    "Should we be worried that {first} does not point yet?",
)
ANSWERS = (
    "Yes. A speech and language therapist will see {first} at the children's centre and "
    "give you ideas to use at home.",
    "Yes: Little Steps meets on Wednesday mornings at Riverside Children's Centre, and the "
    "Portage practitioner can come with you the first time.",
)
OUTCOME = (
    "The group agreed that {first} may have special educational needs, and has let the "
    "local authority know, as the law asks us to. {first} will be offered speech and "
    "language therapy and a place at Little Steps."
)
NEXT_STEPS = (
    "A speech and language therapist will write to you with an appointment.\n"
    "Mei Lin Chen will phone you to arrange a first Portage visit."
)
CONTACT = "Mei Lin Chen, Portage practitioner, 01632 960 123"


@dataclass(frozen=True)
class MeetingRecords:
    meeting_id: str
    #: the children discussed, in the agenda's order
    child_ids: tuple[str, ...]
    discussion_ids: tuple[str, ...]
    referral_ids: tuple[str, ...]
    #: the discussions left without an outcome (their letters are held back)
    without_outcome: tuple[str, ...]
    #: a referral on the next (planned) meeting's agenda, and one on no agenda yet
    next_meeting_id: str
    planned_referral_id: str
    unplanned_referral_id: str


def family(n: int) -> tuple[str, str, str, AccessibleFormat]:
    """The n-th invented family (names repeat with a number past the tenth)."""
    given, surname, carer, look = FAMILIES[n % len(FAMILIES)]
    if n >= len(FAMILIES):
        surname = f"{surname} {n // len(FAMILIES) + 1}"
    return given, surname, carer, look


def add_child(services: Services, n: int) -> str:
    given, surname, carer, look = family(n)
    child_id = services.children.create_child(
        ChildInput(given, surname, dt.date(2023, 3, 1) + dt.timedelta(days=9 * n))
    ).id
    services.children.add_carer(
        child_id,
        CarerInput(carer, "Mother", accessible_format=look.value, is_main_contact=True),
    )
    return child_id


def refer(services: Services, child_id: str, carer: str) -> str:
    return services.referrals.refer(
        ReferralInput(
            child_id=child_id,
            referred_on=REFERRED,
            referrer_name="Dr Farah Siddiqui",
            referrer_role="Community paediatrician",
            referrer_agency="Kingsford NHS Trust",
            discussed_with_parents_on=REFERRED - dt.timedelta(days=3),
            parents_agreed_by=f"{carer} (mother)",
            parents_agreed_on=REFERRED - dt.timedelta(days=3),
            parents_agreed_how="In person at clinic",
            reason="Few words at two and a half; not yet pointing to share interest.",
        )
    ).id


def add_meeting(
    services: Services, children: int = 6, *, without_outcome: int = 1, long_answer: str = ""
) -> MeetingRecords:
    """A held liaison group meeting that discussed `children` children, the last
    `without_outcome` of them with no outcome recorded yet; each family answered the
    questionnaire with two or three questions, answered at the meeting but for the third
    (`long_answer`, if given, is the first child's first answer). Then the next meeting,
    planned, with one new referral on its agenda, and a referral on no agenda."""
    meeting_id = services.meetings.plan(
        MeetingInput(
            MeetingKind.LIAISON_GROUP.value,
            GROUP,
            MEETING_DAY,
            starts_at=dt.time(9, 30),
            venue="Riverside Children's Centre",
            chair_name=CHAIR[0],
            chair_role=CHAIR[1],
            letters_roles_only=True,
        )
    ).id
    services.meetings.set_people(
        meeting_id,
        [AttendeeInput(name, role) for name, role in PEOPLE[:-1]]
        + [AttendeeInput(*PEOPLE[-1], present=False)],
    )
    child_ids, referral_ids = [], []
    for n in range(children):
        given, _surname, carer, _look = family(n)
        child_id = add_child(services, n)
        referral_id = refer(services, child_id, carer)
        questions = [q.format(first=given) for q in QUESTIONS[: 2 + n % 2]]
        services.referrals.record_answers(
            referral_id,
            AnswersInput(
                returned_on=REFERRED + dt.timedelta(days=14),
                returned_how=(
                    QuestionnaireReturn.PHONE if n % 4 == 1 else QuestionnaireReturn.PAPER
                ).value,
                going_well=f"{given} loves the slide and sleeps better.",
                concerns="Not many words yet.",
                to_talk_about="Starting nursery",
                hear_back_how="A letter" if n % 3 else "A letter and a phone call",
                questions=tuple(questions),
            ),
        )
        child_ids.append(child_id)
        referral_ids.append(referral_id)
    discussion_ids = services.meetings.add_referrals(meeting_id, referral_ids).value
    held_back = discussion_ids[children - without_outcome :] if without_outcome else []
    for n, discussion_id in enumerate(discussion_ids):
        if discussion_id in held_back:
            continue
        given = family(n)[0]
        services.meetings.record_discussion(
            discussion_id,
            DiscussionInput(
                summary="Discussed communication and play.",
                outcome=OUTCOME.format(first=given),
                next_steps=NEXT_STEPS,
                contact=CONTACT,
            ),
        )
        asked = services.meetings.discussion(discussion_id).questions
        for m, question in enumerate(asked[:2]):
            answer = long_answer if (n == 0 and m == 0 and long_answer) else ANSWERS[m]
            services.meetings.answer(question.id, discussion_id, answer.format(first=given))
    services.meetings.mark_held(meeting_id)

    next_meeting = services.meetings.plan(
        MeetingInput(
            MeetingKind.LIAISON_GROUP.value,
            GROUP,
            NEXT_MEETING_DAY,
            venue="Riverside Children's Centre",
            chair_name=CHAIR[0],
            chair_role=CHAIR[1],
        )
    ).id
    planned, unplanned = (add_child(services, children + k) for k in range(2))
    planned_referral = refer(services, planned, family(children)[2])
    unplanned_referral = refer(services, unplanned, family(children + 1)[2])
    services.meetings.add_referrals(next_meeting, [planned_referral])
    return MeetingRecords(
        meeting_id=meeting_id,
        child_ids=tuple(child_ids),
        discussion_ids=tuple(discussion_ids),
        referral_ids=tuple(referral_ids),
        without_outcome=tuple(held_back),
        next_meeting_id=next_meeting,
        planned_referral_id=planned_referral,
        unplanned_referral_id=unplanned_referral,
    )
