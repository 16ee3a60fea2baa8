"""A demo vault: two multi-agency groups, a term of sessions and everything around them,
written through the services as a practitioner would write them (content.py says who)."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from pathlib import Path

from earlyyears_desktop.demo.content import (
    FAMILIES,
    OBSERVATIONS,
    STRATEGIES,
    SUPPORT_PLANS,
    THEMES,
    DemoPlan,
    fictional_nhs_number,
)
from earlyyears_desktop.demo.meetings import write_meetings
from earlyyears_desktop.demo.portage import write_caseload
from earlyyears_desktop.demo.terms import next_term, term_bounds
from earlyyears_desktop.domain.enums import (
    AccessibleFormat,
    AreaOfNeed,
    AttendanceStatus,
    ConsentKind,
    Discipline,
    OutcomeProgress,
    Role,
)
from earlyyears_desktop.services.children import CarerInput, ChildInput, TeamMemberInput
from earlyyears_desktop.services.clock import Clock
from earlyyears_desktop.services.container import Services, set_up_vault
from earlyyears_desktop.services.groups import GroupInput
from earlyyears_desktop.services.observations import ObservationInput
from earlyyears_desktop.services.support_views import (
    OutcomeEnd,
    OutcomeInput,
    OutcomeReviewInput,
    PlanInput,
    Profile,
    ReviewInput,
)
from earlyyears_desktop.storage.keyslots import KdfParams
from earlyyears_desktop.storage.vault import OpenVault

DEMO_PASSPHRASE = "demo-only passphrase 2026"


@dataclass(frozen=True)
class DemoVault:
    vault: OpenVault
    recovery_key: str
    summary: str


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
        starter_strategies=True,
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
    library = {s.title: s.id for s in services.strategies.find()}  # the starter set
    strategy_ids = [library[title] for title in STRATEGIES]

    areas = list(AreaOfNeed)
    children: list[tuple[str, str, str]] = []  # (id, display first name, group)
    for index, (given, family, preferred, carer, relation, language, interp, fmt) in enumerate(
        FAMILIES
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

    themes = rng.sample(THEMES, k=len(THEMES))
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
    # Who brings each child: the main carer's first name, read once per child, not per mark.
    brought_by = {
        cid: services.children.get_child(cid).carers[0].name.split()[0] for cid, _, _ in children
    }
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
                carer = brought_by[cid] if status.attended else ""
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
                area, template = rng.choice(OBSERVATIONS)
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

    # A Portage caseload of eight families, with a term of visits and teaching targets.
    visits = write_caseload(services, children, (start, end, half_term))

    # Support plans: two written whole with their reviews (one with three reviews so the
    # history shows, one with its review overdue), and plans due later for other children.
    for (cid, name, _), content, (started_ago, every, next_in) in zip(
        (children[0], children[3]), SUPPORT_PLANS, ((200, 56, 10), (100, 50, -5)), strict=True
    ):
        _demo_plan(
            services,
            cid,
            name,
            content,
            today - dt.timedelta(days=started_ago),
            every,
            today + dt.timedelta(days=next_in),
        )
    for n, (cid, name, _) in enumerate(children[6::3]):
        review_on = today + dt.timedelta(days=[3, 12, 30, 45, 60, 75, 90][n % 7])
        support.add_plan(
            PlanInput(
                cid,
                started_on=min(start, review_on - dt.timedelta(days=42)),
                review_on=review_on,
                outcomes=[
                    OutcomeInput(
                        f"{name} will use 10 words or signs to ask for things",
                        "communication_and_interaction",
                        support="Signs and objects of reference at snack time.",
                        expected_impact="More requests using words or signs.",
                        responsible="Key person daily; parents at home",
                    ),
                    OutcomeInput(
                        f"{name} will play alongside another child for five minutes",
                        "social_emotional_mental_health",
                        support="Turn-taking games with one friend and a sand timer.",
                        expected_impact="Fewer upsets at transitions; calmer play near others.",
                        responsible="Key person at free play",
                    ),
                ],
                interventions="Weekly group with speech and language therapy input; Now and "
                "Next board at home and nursery.",
                key_person="Bethan Rees",
            )
        )
    # Strategies agreed with the first ten families. (No progress notes: a note is a record
    # type a central service may not accept yet, and the sync tests read the demo's kinds.)
    agreed_on = min(start + dt.timedelta(days=14), today)
    for (cid, _, _), household in zip(children[:10], FAMILIES, strict=False):
        carer, relation = household[3], household[4]
        services.child_strategies.agree(
            cid,
            rng.choice(strategy_ids),
            agreed_with=f"{relation} ({carer.split()[0]})",
            agreed_on=agreed_on,
        )
    # Referrals, last month's and next month's pre-school liaison group, a team around the
    # child meeting.
    meetings = write_meetings(services, children)
    info = services.info()
    return (
        f"{info.counts['child']} children, {info.counts['session']} sessions, "
        f"{marks} attendance marks, {info.counts['observation']} observations, "
        f"{visits} home visits, {meetings} meetings"
    )


def _demo_plan(
    services: Services,
    child_id: str,
    name: str,
    content: DemoPlan,
    started_on: dt.date,
    every: int,
    next_review_on: dt.date,
) -> None:
    """One plan written whole: outcomes with their support, the parents told, a specialist
    with the parents' agreement, the one-page profile, a review every `every` days with
    evidence observed before each, the last review setting `next_review_on`."""
    support = services.support

    def words(text: str) -> str:
        return text.replace("{n}", name)

    reviews = [started_on + dt.timedelta(days=every * (k + 1)) for k in range(len(content.reviews))]
    plan_id = support.add_plan(
        PlanInput(
            child_id,
            started_on=started_on,
            review_on=reviews[0] if reviews else next_review_on,
            outcomes=[
                OutcomeInput(
                    words(o.outcome),
                    o.area_of_need,
                    support=words(o.support),
                    expected_impact=words(o.expected_impact),
                    responsible=o.responsible,
                )
                for o in content.outcomes
            ],
            title=content.title,
            assessment_summary=words(content.assessment_summary),
            key_person=content.key_person,
            interventions=content.interventions,
        )
    ).id
    support.parents_told(plan_id, started_on, content.parents_told_how)
    specialist, role, agency, agreed_by = content.specialist
    support.add_specialist(
        plan_id, specialist, role, agency, started_on + dt.timedelta(days=every // 2), agreed_by
    )
    support.save_profile(plan_id, Profile(*(words(part) for part in content.profile)))
    outcomes = support.plan(plan_id).outcomes
    for o, given in zip(outcomes, content.outcomes, strict=True):
        for k, text in enumerate(given.evidence):
            services.observations.add(
                ObservationInput(
                    child_id,
                    words(text),
                    started_on + dt.timedelta(days=every * k + every // 3),
                    area_of_need=o.area_of_need,
                    outcome_id=o.id,
                )
            )
    for k, (review, on) in enumerate(zip(content.reviews, reviews, strict=True)):
        support.review_plan(
            plan_id,
            ReviewInput(
                on,
                [
                    OutcomeReviewInput(o.id, OutcomeProgress(progress), note)
                    for o, (progress, note) in zip(outcomes, review.outcomes, strict=True)
                ],
                parent_views=words(review.parent_views),
                child_views=words(review.child_views),
                child_views_how=words(review.child_views_how),
                changes_agreed=words(review.changes_agreed),
                next_review_on=reviews[k + 1] if k + 1 < len(reviews) else next_review_on,
                progress=words(review.progress),
            ),
        )
    if len(content.reviews) > 2:
        # The first outcome was met at the last review: it ends (kept in the history) and a
        # new one is agreed in its place.
        plan = support.plan(plan_id)
        met = plan.outcomes[0]
        support.edit_plan(
            plan_id,
            PlanInput(
                child_id,
                plan.started_on,
                plan.review_on,
                [
                    OutcomeInput(
                        f"{name} will put two words together to ask or comment",
                        "communication_and_interaction",
                        support="Adults add one word to what the child says.",
                        expected_impact="Short phrases at snack time and in play.",
                        responsible="Key person daily; Mum at bath time",
                    )
                ],
                plan.title,
                plan.assessment_summary,
                plan.key_person,
                plan.interventions,
            ),
            ended=[OutcomeEnd(met.id, "Met at the review: ten words and signs every day.")],
            on=reviews[-1],
        )


__all__ = ["DEMO_PASSPHRASE", "DemoVault", "create_demo_vault", "populate"]
