"""A demo vault: two multi-agency groups, a term of sessions and everything around them.

Every person here is invented. NHS numbers use the 999 prefix, which is never issued to a
real patient, with a valid check digit.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from pathlib import Path

from earlyyears_desktop.domain.enums import (
    AccessibleFormat,
    AreaOfNeed,
    AttendanceStatus,
    ConsentKind,
    Discipline,
    ProgressRating,
    Role,
    StrategyProgress,
)
from earlyyears_desktop.domain.models import GroupSession
from earlyyears_desktop.services.children import CarerInput, ChildInput, TeamMemberInput
from earlyyears_desktop.services.clock import Clock
from earlyyears_desktop.services.container import Services, set_up_vault
from earlyyears_desktop.services.groups import GroupInput
from earlyyears_desktop.services.observations import ObservationInput
from earlyyears_desktop.storage.keyslots import KdfParams
from earlyyears_desktop.storage.vault import OpenVault

DEMO_PASSPHRASE = "demo-only passphrase 2026"

# (given names, family name, preferred, carer, relationship, language, interpreter, format)
_FAMILIES = [
    ("Zoë Grace", "Adeyemi", "Zoë", "Funmi Adeyemi", "Mother", "English", False, "standard"),
    ("Łucja", "Wiśniewska", "", "Agnieszka Wiśniewska", "Mother", "Polish", True, "standard"),
    ("Siân Elin", "Pritchard", "Siân", "Rhodri Pritchard", "Father", "Welsh", False, "large_print"),
    ("Aarav", "Sharma", "", "Priya Sharma", "Mother", "Hindi", False, "standard"),
    ("Chiamaka", "Okonkwo", "Amaka", "Ngozi Okonkwo", "Mother", "English", False, "standard"),
    (
        "Oisín Patrick",
        "Ó Briain",
        "Oisín",
        "Niamh Ó Briain",
        "Mother",
        "English",
        False,
        "standard",
    ),
    ("Mateus", "Gonçalves", "", "Inês Gonçalves", "Mother", "Portuguese", True, "standard"),
    ("Aisha", "Rahman", "", "Farhana Rahman", "Mother", "Bengali", True, "high_contrast"),
    ("Léa", "Dubois-Martin", "", "Camille Dubois", "Mother", "French", False, "standard"),
    ("Yusuf", "Demir", "", "Elif Demir", "Mother", "Turkish", True, "standard"),
    ("Mei Lin", "Chen", "Mei", "Wei Chen", "Father", "Mandarin", False, "standard"),
    ("Tomás", "Ramírez López", "Tomás", "Lucía López", "Mother", "Spanish", False, "standard"),
    ("Freya", "Johansson", "", "Astrid Johansson", "Grandmother", "English", False, "read_aloud"),
    ("Kofi", "Mensah", "", "Ama Mensah", "Mother", "English", False, "standard"),
    ("Hana", "Nováková", "", "Petra Nováková", "Mother", "Czech", False, "standard"),
    ("Ibrahim", "Haddad", "Ibi", "Rania Haddad", "Mother", "Arabic", True, "standard"),
    ("Ffion", "Llewellyn", "", "Dafydd Llewellyn", "Father", "English", False, "standard"),
    ("Jakub", "Dvořák", "Kuba", "Martina Dvořáková", "Mother", "Czech", False, "standard"),
    ("Amara", "Nwosu", "", "Chidi Nwosu", "Father", "English", False, "large_print"),
    ("Noah", "Thompson", "", "Sarah Thompson", "Foster carer", "English", False, "standard"),
    ("Saoirse", "Kavanagh", "", "Aoife Kavanagh", "Mother", "English", False, "standard"),
    ("Arjun", "Patel", "", "Meera Patel", "Mother", "Gujarati", False, "standard"),
    ("Björn", "Eriksen", "", "Ingrid Eriksen", "Mother", "English", False, "standard"),
    ("Zainab", "Yusuf", "", "Halima Yusuf", "Aunt", "Somali", True, "standard"),
    ("Émile", "Lefèvre", "", "Chloé Lefèvre", "Mother", "French", False, "standard"),
    ("Rosa", "Kowalski", "", "Tomasz Kowalski", "Father", "Polish", False, "standard"),
]

_OBSERVATIONS = [
    (
        "communication_and_interaction",
        "{n} pointed to the bubbles and said 'more' twice, looking at the adult.",
    ),
    (
        "communication_and_interaction",
        "{n} joined in with the actions to 'Row, row, row your boat' for the first time.",
    ),
    (
        "communication_and_interaction",
        "{n} used the 'finished' sign at the end of snack time without a prompt.",
    ),
    (
        "social_emotional_mental_health",
        "{n} waited for a turn on the slide when the timer was shown.",
    ),
    (
        "social_emotional_mental_health",
        "{n} found the hall noisy today and settled in the quiet corner with the ear defenders.",
    ),
    ("sensory_physical", "{n} walked along the balance beam holding one hand, five steps."),
    (
        "sensory_physical",
        "{n} explored the cornflour tray with both hands; tolerated it on fingers for a minute.",
    ),
    (
        "cognition_and_learning",
        "{n} matched three colours in the posting box and clapped when each one dropped.",
    ),
    (
        "cognition_and_learning",
        "{n} completed the four-piece inset puzzle with a little help turning the pieces.",
    ),
    (
        "sensory_physical",
        "{n} pulled to stand at the low table and cruised two steps to reach the drum.",
    ),
]

_STRATEGIES = [
    (
        "Now and Next board",
        "communication_and_interaction",
        "Use a two-picture Now/Next board at transitions; point and name each picture.",
        "Show two pictures: what we do now and what comes next. Point to each and say it simply.",
    ),
    (
        "Ready, steady... go",
        "communication_and_interaction",
        "Pause before 'go' in anticipation games to create an opportunity to communicate.",
        "Play 'ready, steady...' and wait. Give your child time to look, move or make a sound before 'go!'",
    ),
    (
        "Sand timer for turns",
        "social_emotional_mental_health",
        "Use a visual timer to show turn length; praise waiting specifically.",
        "Use a sand timer when sharing toys, and say 'good waiting!' when they wait.",
    ),
    (
        "Messy play little and often",
        "sensory_physical",
        "Graded exposure to textures, starting dry, child in control of touch.",
        "Try a little messy play each day, starting with dry things like rice. Let your child choose to touch.",
    ),
    (
        "Commenting, not questioning",
        "communication_and_interaction",
        "Reduce questions; comment on what the child is doing with one or two words.",
        "Instead of asking questions, say what your child is doing in a few words: 'car... fast car!'",
    ),
]

_THEMES = [
    "Bubbles and blowing",
    "Under the sea",
    "Autumn leaves",
    "Music and movement",
    "Messy play",
    "Going on a bear hunt",
    "Bonfire night colours",
    "Shapes and posting",
    "Animals on the farm",
    "Winter sensory",
    "Stories and rhymes",
    "Parachute games",
    "Christmas lights",
]


@dataclass(frozen=True)
class DemoVault:
    vault: OpenVault
    recovery_key: str
    summary: str


def nhs_number_with_check_digit(first_nine: str) -> str | None:
    total = sum(int(d) * w for d, w in zip(first_nine, range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return None if check == 10 else first_nine + str(check)


def fictional_nhs_number(rng: random.Random) -> str:
    while True:
        number = nhs_number_with_check_digit(
            "999" + "".join(rng.choice("0123456789") for _ in range(6))
        )
        if number:
            return number


# (month, day) of each term's first day, last day and half-term Monday-ish, in year order
_TERMS = (((1, 5), (3, 27), (2, 16)), ((4, 20), (7, 21), (5, 25)), ((9, 3), (12, 18), (10, 26)))

Term = tuple[dt.date, dt.date, list[dt.date]]


def _terms_from(year: int) -> list[Term]:
    """The demo's terms from the start of `year` to the end of the next, in order."""
    return [
        (
            dt.date(y, *first),
            dt.date(y, *last),
            [dt.date(y, *half) + dt.timedelta(days=i) for i in range(5)],
        )
        for y in (year, year + 1)
        for first, last, half in _TERMS
    ]


def term_bounds(today: dt.date) -> Term:
    """The school term around `today`, with its half-term week: the term `today` falls in, or
    in a holiday the last term before it."""
    return [t for t in _terms_from(today.year - 1) if t[0] <= today][-1]


def next_term(today: dt.date) -> Term:
    """The first term that starts after `today`."""
    return next(t for t in _terms_from(today.year) if t[0] > today)


def create_demo_vault(
    folder: Path, passphrase: str, *, params: KdfParams | None = None, today: dt.date | None = None
) -> DemoVault:
    created = set_up_vault(
        folder,
        team_name="Cherwell Early Years SEND Team",
        practitioner_name="Amira Haddad",
        role=Role.GROUP_LEADER.value,
        discipline=Discipline.EARLY_YEARS_EDUCATION.value,
        passphrase=passphrase,
        params=params,
    )
    # The whole demo is built for one day, read once: a build that runs past midnight (or a
    # test asking for another day) still has its term, marks and reviews around that day.
    day = today or Clock().today()
    services = Services(created.vault, clock=Clock.fixed(day))
    summary = populate(services)
    return DemoVault(created.vault, created.recovery_key, summary)


def populate(services: Services, seed: int = 20261126) -> str:
    """Fill a vault with the demo, around the day the services' clock reads."""
    today = services.clock.today()
    rng = random.Random(seed)
    start, end, half_term = term_bounds(today)
    groups = services.groups
    hall = groups.add_venue(
        "St Mark's Church Hall",
        "Church Lane, Banbury",
        "Step-free entrance at the side door; accessible toilet; parking for two cars.",
    ).id
    centre = groups.add_venue(
        "Bicester Family Centre",
        "Market Square, Bicester",
        "Lift to the first floor; quiet room available.",
    ).id
    # Little Steps meets on today's weekday (so on a term day the register is open), or on a
    # Monday when today is a weekend; Chatterbox two weekdays later.
    weekday = today.weekday() if today.weekday() < 5 else 0
    little_steps = groups.add_group(
        GroupInput(
            "Little Steps",
            hall,
            weekday=weekday,
            start_time=dt.time(9, 30),
            end_time=dt.time(11, 0),
            capacity=14,
            focus="Early communication and play for children under three and their parents.",
        )
    ).id
    chatterbox = groups.add_group(
        GroupInput(
            "Chatterbox",
            centre,
            weekday=(weekday + 2) % 5,
            start_time=dt.time(13, 30),
            end_time=dt.time(15, 0),
            capacity=12,
            focus="Speech, language and sensory play for children aged two to four.",
        )
    ).id
    for group_id, staff in (
        (
            little_steps,
            [
                ("Amira Haddad", Discipline.EARLY_YEARS_EDUCATION, False),
                ("Gareth Morgan", Discipline.PHYSIOTHERAPY, True),
                ("Olivia Brennan", Discipline.FAMILY_SUPPORT, False),
            ],
        ),
        (
            chatterbox,
            [
                ("Deepa Nair", Discipline.SPEECH_AND_LANGUAGE_THERAPY, False),
                ("Kwame Asante", Discipline.OCCUPATIONAL_THERAPY, True),
                ("Amira Haddad", Discipline.EARLY_YEARS_EDUCATION, False),
            ],
        ),
    ):
        for name, discipline, visiting in staff:
            groups.add_staff(group_id, name, discipline.value, visiting=visiting)

    support = services.support
    strategy_ids = [support.add_strategy(*s).id for s in _STRATEGIES]

    areas = list(AreaOfNeed)
    children: list[tuple[str, str, str]] = []  # (id, display first name, group)
    for index, (given, family, preferred, carer, relation, language, interp, fmt) in enumerate(
        _FAMILIES
    ):
        age_days = rng.randint(400, 1700)
        dob = today - dt.timedelta(days=age_days)
        child_areas = rng.sample([a.value for a in areas], k=rng.randint(1, 2))
        saved = services.children.create_child(
            ChildInput(
                legal_given_names=given,
                legal_family_name=family,
                preferred_name=preferred,
                date_of_birth=dob,
                nhs_number=fictional_nhs_number(rng),
                areas_of_need=child_areas,
                diagnoses_notes=rng.choice(
                    [
                        "Global developmental delay; under the community paediatrician.",
                        "Awaiting autism assessment.",
                        "Hypermobility; sees the physiotherapist monthly.",
                        "Hearing aids fitted this year; sensory support practitioner involved.",
                        "Down syndrome.",
                        "",
                    ]
                ),
                key_person=rng.choice(["Jess Hartley", "Tariq Aziz", "Bethan Rees", ""]),
                setting_attended=rng.choice(
                    [
                        "Rainbow Day Nursery",
                        "Oak Tree Pre-school",
                        "At home",
                        "Little Acorns Childminding",
                    ]
                ),
            ),
            carers=[
                CarerInput(
                    carer,
                    relation,
                    phone=f"07700 900{index:03d}",
                    email=f"{carer.split()[0].lower()}.family@example.org",
                    preferred_language=language,
                    interpreter_needed=interp,
                    accessible_format=AccessibleFormat(fmt).value,
                    is_main_contact=True,
                ),
            ],
            consents=[
                (ConsentKind.SHARE_WITH_AGENCIES.value, carer, start - dt.timedelta(days=20)),
                (ConsentKind.SHARE_WITH_CENTRAL.value, carer, start - dt.timedelta(days=20)),
                (ConsentKind.HANDOUTS.value, carer, start - dt.timedelta(days=20)),
            ]
            + ([(ConsentKind.PHOTOS.value, carer, start)] if index % 3 else []),
        )
        child_id = saved.id
        if index % 4 == 0:
            services.children.add_carer(
                child_id,
                CarerInput(
                    rng.choice(["Sam", "Alex", "Jordan", "Chris"]) + " " + family.split()[0],
                    rng.choice(["Father", "Stepfather", "Grandfather"]),
                ),
            )
        services.children.add_team_member(
            child_id,
            TeamMemberInput(
                "Dr Helen Okafor",
                "Community paediatrician",
                "Oxford Health NHS Foundation Trust",
                is_lead_professional=index % 2 == 0,
            ),
        )
        services.children.add_team_member(
            child_id,
            TeamMemberInput(
                rng.choice(["Deepa Nair", "Rachel Green"]),
                "Speech and language therapist",
                "Children's Integrated Therapies",
                is_lead_professional=index % 2 == 1,
            ),
        )
        if index == 5:
            consent = services.children.get_child(child_id).consents[-1]
            services.children.withdraw_consent(
                consent.id, today - dt.timedelta(days=10), "Parent asked us to stop photographs."
            )
        group_id = little_steps if index < 14 else chatterbox
        groups.enrol(
            child_id,
            group_id,
            start - dt.timedelta(days=7),
            ends_on=today - dt.timedelta(days=20) if index == 13 else None,
        )
        children.append((child_id, preferred or given.split()[0], group_id))

    themes = rng.sample(_THEMES, k=len(_THEMES))
    session_ids: dict[str, list[str]] = {}
    for group_id in (little_steps, chatterbox):
        scheduled = groups.schedule_term(group_id, start, end, skip=half_term, themes=themes)
        session_ids[group_id] = list(scheduled.value)
    if end - today < dt.timedelta(days=7):
        # The term is over (or ends this week): the next one is planned already, so the
        # Today page and the register have a next session to show over the holiday.
        first, last, half = next_term(today)
        for group_id in (little_steps, chatterbox):
            groups.schedule_term(group_id, first, last, skip=half, themes=themes)
    rows = {s.id: s for s in groups.sessions()}
    attendance = services.attendance
    statuses = [AttendanceStatus.PRESENT] * 12 + [
        AttendanceStatus.LATE,
        AttendanceStatus.APOLOGIES,
        AttendanceStatus.DID_NOT_ATTEND,
        AttendanceStatus.LEFT_EARLY,
    ]
    marks = 0
    for group_id, ids in session_ids.items():
        members = [(cid, name) for cid, name, gid in children if gid == group_id]
        for sid in ids:
            session = rows[sid]
            if session.date >= today:
                continue
            for n, (cid, _name) in enumerate(members):
                if (
                    group_id == little_steps
                    and n == 13
                    and session.date > today - dt.timedelta(days=20)
                ):
                    continue
                # One family has missed the last sessions: the follow-up list shows them.
                status = (
                    AttendanceStatus.DID_NOT_ATTEND
                    if n == 2 and session.date > today - dt.timedelta(days=15)
                    else rng.choice(statuses)
                )
                carer = (
                    services.children.get_child(cid).carers[0].name.split()[0]
                    if status.attended
                    else ""
                )
                attendance.mark(
                    sid,
                    cid,
                    status.value,
                    came_with=carer,
                    arrived_at=dt.time(9, 30 + rng.randint(0, 20)) if status.attended else None,
                    now=dt.datetime.combine(session.date, dt.time(9, 35)),
                )
                marks += 1
            attendance.set_session_details(
                sid,
                staff_present="Amira Haddad\nGareth Morgan\nOlivia Brennan",
                notes="Good turnout; parents shared ideas for bedtime routines.",
            )
            attendance.end_session(sid)
            for cid, name in rng.sample(members, k=3):
                area, template = rng.choice(_OBSERVATIONS)
                services.observations.add(
                    ObservationInput(
                        cid,
                        template.format(n=name),
                        session.date,
                        context="session",
                        session_id=sid,
                        area_of_need=area,
                        share_with_parents=rng.random() < 0.6,
                    )
                )

    # Portage home visits with small-step teaching targets for a few children.
    for cid, name, _ in children[:6]:
        target = support.add_target(
            cid,
            "Communication",
            f"{name} will ask for 'more' using a word or sign",
            [
                "Looks at the adult when the activity stops",
                "Reaches or points to ask for more",
                "Uses the sign or word 'more' with a model",
                "Uses 'more' without a model",
            ],
            start,
        ).id
        for week in range(0, 10, 2):
            visit_day = start + dt.timedelta(days=7 * week + 1)
            if visit_day >= today:
                break
            next_day = visit_day + dt.timedelta(days=14)
            support.record_visit(
                cid,
                visit_day,
                carers_present="Mum",
                activities="Bubbles, posting box, action rhymes",
                family_will_practise="Pause during bubbles and wait for a look or a sign before blowing more.",
                next_visit_on=next_day,
                progress=[(target, list(ProgressRating)[min(week // 3, 2)].value, "")],
            )
            services.observations.add(
                ObservationInput(
                    cid,
                    f"Home visit: {name} reached for the bubble wand and looked at Mum when she paused.",
                    visit_day,
                    context="home_visit",
                    area_of_need="communication_and_interaction",
                    share_with_parents=True,
                )
            )

    # Support plans, two due for review soon and one overdue.
    for n, (cid, name, _) in enumerate(children[::3]):
        review_on = today + dt.timedelta(days=[-5, 3, 10, 30, 45, 60, 75, 90, 120][n % 9])
        plan = support.add_plan(
            cid,
            started_on=min(start, review_on - dt.timedelta(days=42)),
            review_on=review_on,
            outcomes=[
                (
                    f"{name} will use 10 words or signs to ask for things",
                    "communication_and_interaction",
                ),
                (
                    f"{name} will play alongside another child for five minutes",
                    "social_emotional_mental_health",
                ),
            ],
            interventions="Weekly group with speech and language therapy input; Now and Next board at home and nursery.",
            expected_impact="More requests using words or signs; fewer upsets at transitions.",
        ).id
        if n == 1:
            support.review_plan(
                plan,
                reviewed_on=start + dt.timedelta(days=30),
                progress="Now using six signs consistently.",
                parent_views="Mum says bedtimes are calmer with the Now and Next board.",
                child_views="Smiled and signed 'more' when shown the bubbles photo.",
                changes_agreed="Add a sign for 'help'.",
                next_review_on=review_on,
            )
    for cid, _, _ in children[:10]:
        support.assign_strategy(
            cid,
            rng.choice(strategy_ids),
            start + dt.timedelta(days=14),
            progress=rng.choice([p.value for p in StrategyProgress][:3]),
        )
    info = services.info()
    return (
        f"{info.counts['child']} children, {info.counts['session']} sessions, "
        f"{marks} attendance marks, {info.counts['observation']} observations"
    )


__all__ = [
    "DEMO_PASSPHRASE",
    "DemoVault",
    "GroupSession",
    "create_demo_vault",
    "next_term",
    "populate",
    "term_bounds",
]
