"""The scale vault: 2,000 children, 200,000 observations, 100,000 attendance marks.

Everything is written through the services' unit of work, so every record has its real audit
event and change-log entry, but in large transactions (a few thousand records each) so that
building takes minutes, not hours. The vault is unlocked with the real calibrated Argon2id
parameters, because unlocking is one of the things measured on it.

The built vault is cached under benchmarks/scale/ (gitignored), keyed by GENERATOR_VERSION:
change the generator, bump the version. A build goes to a temporary folder and is renamed into
place only when complete, so an interrupted build is never reused.

    .venv/bin/python -m benchmarks.scale      # build (or reuse) and print where it is
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import shutil
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from earlyyears_desktop.demo import fictional_nhs_number
from earlyyears_desktop.domain.enums import AreaOfNeed, AttendanceStatus, Role
from earlyyears_desktop.domain.models import (
    Attendance,
    Carer,
    Child,
    Enrolment,
    Group,
    GroupSession,
    Observation,
    Venue,
)
from earlyyears_desktop.domain.rules import search_key
from earlyyears_desktop.services.container import Services, set_up_vault

GENERATOR_VERSION = 1
SCALE_ROOT = Path(__file__).resolve().parent / "scale"
PASSPHRASE = "scale benchmark passphrase, not for real data"

CHILDREN = 2_000
OBSERVATIONS = 200_000
GROUPS = 100
CHILDREN_PER_GROUP = 20
SESSIONS_PER_GROUP = 50  # 100 groups x 50 sessions x 20 children = 100,000 marks
REGISTER_CHILDREN = 30
BATCH = 5_000

Progress = Callable[[str], None]


def _names(text: str) -> list[str]:
    return text.split()


# Fictional names from many cultures; the diacritics are the point.
GIVEN = _names(
    "Zoë Łucja Siân Aarav Chiamaka Oisín Mateus Aisha Léa Yusuf Mei Tomás Freya Kofi Hana "
    "Ibrahim Ffion Jakub Amara Noah Saoirse Arjun Björn Zainab Émile Rosa Nguyễn Thảo Søren "
    "Ingrid Małgorzata Dzhamila Çağan Şükrü Ayşe Görkem Ñuñez Inês João Sebastián Chloé Maëlle "
    "Žofie Dušan Miloš Ólafur Þóra Ásta Kwame Adaeze Olúwaseun Tèmítọ́pẹ́ Ngozi Wanjiru Priyā "
    "Anaïs Renée Zoltán Gábor Ioana Ștefan Radu Mihăilă Eilidh Ròs Seán Pádraig Nuala Dóra "
    "Fátima Ahmed Maryam Layla Omar Hiroshi Yūki Seo-yeon Ji-ho Ravi Ananya Dévi Tariq Nadia"
)
FAMILY = _names(
    "Adeyemi Wiśniewska Pritchard Sharma Okonkwo Ó_Briain Gonçalves Rahman Dubois-Martin Demir "
    "Chen Ramírez_López Johansson Mensah Nováková Haddad Llewellyn Dvořák Nwosu Thompson Kavanagh "
    "Patel Eriksen Yusuf Lefèvre Kowalski Trần Lê Østergaard Brzęczyszczykiewicz Şahin Yılmaz "
    "Öztürk Müller Schäfer Großmann Kovačević Petrović Jiménez Muñoz Sørensen Þórsdóttir "
    "Guðmundsson Ní_Bhriain Mac_Giolla_Phádraig Ó_Súilleabháin Nakamura Sasaki Kim Park "
    "Okafor Mbeki Nkemelu Achterberg Van_der_Merwe D'Souza Fernandes Iyer Krishnan Bălănescu "
    "Popescu Ionescu Horváth Szabó Novák Wójcik Kamińska Abdi Farah Hussein Ali Begum Ahmed"
)
CARER_RELATION = ("Mother", "Father", "Grandmother", "Foster carer", "Aunt", "Stepfather")
LANGUAGES = ("English", "Polish", "Urdu", "Bengali", "Arabic", "Romanian", "Somali", "Welsh")

_OPENINGS = (
    "{n} pointed to the {thing} and said '{word}'",
    "{n} used the '{word}' sign when the {thing} stopped",
    "{n} waited for a turn with the {thing}",
    "{n} explored the {thing} with both hands",
    "{n} walked to the {thing} holding one hand",
    "{n} matched the {thing} to its picture",
    "{n} brought the {thing} to Mum and looked at her",
    "{n} found the {thing} hard today and went to the quiet corner",
    "{n} copied the action for {thing} during the song",
    "{n} stacked the {thing} into a tower of {count}",
)
_THINGS = (
    "bubbles",
    "drum",
    "ball",
    "posting box",
    "puzzle",
    "slide",
    "cornflour tray",
    "sand timer",
    "train track",
    "shakers",
    "balance beam",
    "tunnel",
    "play dough",
    "picture book",
    "blocks",
    "ramp",
    "ribbon",
    "rain stick",
    "soft play",
    "water tray",
    "snack plate",
    "parachute",
)
_WORDS = ("more", "go", "finished", "again", "help", "mine", "up", "bye", "ball", "drink")
_ENDINGS = (
    "for the first time.",
    "with a little help.",
    "after a model from the adult.",
    "and smiled at the practitioner.",
    "twice during the session.",
    "without a prompt.",
    "while the group sang.",
    "then moved away after a minute.",
    "and tolerated it for longer than last week.",
    "and looked back to check the adult was watching.",
)
_CONTEXT = (
    "Speech and language therapist suggested modelling one word at a time.",
    "Physiotherapist noted improved balance.",
    "Parent said this is new at home too.",
    "Noise levels were high today.",
    "Occupational therapist recommended trying the weighted lap pad.",
    "",
    "",
)


@dataclass(frozen=True)
class ScaleVault:
    folder: Path
    passphrase: str
    #: the 30-child group and its session made for the register benchmarks
    register_group_id: str
    register_session_id: str
    register_session_date: dt.date
    register_child_ids: tuple[str, ...]
    counts: dict[str, int]


def vault_folder() -> Path:
    return SCALE_ROOT / f"vault-v{GENERATOR_VERSION}"


def scale_vault(progress: Progress = print) -> ScaleVault:
    """The cached scale vault, built first if it is not there yet."""
    folder = vault_folder()
    meta = folder / "scale-meta.json"
    if meta.is_file() and not _still_opens(folder, progress):
        progress("The cached scale vault no longer opens with this code: building it again.")
        meta.unlink()
    if not meta.is_file():
        _build(folder, progress)
    else:
        progress(f"Reusing the scale vault in {folder} (generator version {GENERATOR_VERSION}).")
    return _load_meta(folder)


def _still_opens(folder: Path, progress: Progress) -> bool:
    """A cache made by older code may not open (a changed key-slot format, say)."""
    from earlyyears_desktop.storage.errors import VaultError
    from earlyyears_desktop.storage.vault import open_vault

    try:
        open_vault(folder, PASSPHRASE).lock()
    except VaultError as exc:
        progress(f"  {type(exc).__name__}: {exc}")
        return False
    return True


def _load_meta(folder: Path) -> ScaleVault:
    raw = json.loads((folder / "scale-meta.json").read_text())
    return ScaleVault(
        folder=folder,
        passphrase=PASSPHRASE,
        register_group_id=raw["register_group_id"],
        register_session_id=raw["register_session_id"],
        register_session_date=dt.date.fromisoformat(raw["register_session_date"]),
        register_child_ids=tuple(raw["register_child_ids"]),
        counts=raw["counts"],
    )


def _build(folder: Path, progress: Progress) -> None:
    SCALE_ROOT.mkdir(exist_ok=True)
    building = SCALE_ROOT / f"building-v{GENERATOR_VERSION}-{os.getpid()}"
    shutil.rmtree(building, ignore_errors=True)
    shutil.rmtree(folder, ignore_errors=True)
    started = time.perf_counter()
    # The scale vault gets the real, calibrated Argon2id parameters (no `params`).
    progress("Creating the scale vault (calibrating Argon2id)...")
    created = set_up_vault(
        building / "vault",
        team_name="Scale Benchmark Team",
        practitioner_name="Amira Haddad",
        role=Role.GROUP_LEADER.value,
        passphrase=PASSPHRASE,
    )
    services = Services(created.vault)
    try:
        meta = _populate(services, random.Random(GENERATOR_VERSION * 7919), progress)
        counts = services.info().counts
    finally:
        created.vault.lock()
    meta["counts"] = {k: v for k, v in sorted(counts.items()) if v}
    meta["generator_version"] = GENERATOR_VERSION
    (building / "vault" / "scale-meta.json").write_text(json.dumps(meta, indent=2) + "\n")
    os.replace(building / "vault", folder)
    shutil.rmtree(building, ignore_errors=True)
    progress(f"Scale vault built in {time.perf_counter() - started:.0f} s: {folder}")


def _batches(items: Sequence[Any], size: int = BATCH) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _write_all(services: Services, records: Sequence[Any], what: str, progress: Progress) -> None:
    """Add records through the unit of work, a few thousand per transaction."""
    done = 0
    for batch in _batches(records):
        with services.uow.write() as tx:
            tx.session.add_all(batch)
        done += len(batch)
        if done % (BATCH * 4) == 0 or done == len(records):
            progress(f"  {what}: {done:,}/{len(records):,}")


def _populate(services: Services, rng: random.Random, progress: Progress) -> dict[str, Any]:
    today = dt.date.today()
    author = services.actor.practitioner_id
    areas = [a.value for a in AreaOfNeed]

    progress("Children and carers...")
    children: list[Child] = []
    carers: list[Carer] = []
    nhs_seen: set[str] = set()
    for _ in range(CHILDREN):
        given = rng.choice(GIVEN)
        if rng.random() < 0.3:
            given += " " + rng.choice(GIVEN)
        family = rng.choice(FAMILY).replace("_", " ")
        preferred = given.split()[0] if " " in given and rng.random() < 0.5 else ""
        nhs = fictional_nhs_number(rng)
        if nhs in nhs_seen:
            nhs = None
        else:
            nhs_seen.add(nhs)
        child = Child(
            legal_given_names=given,
            legal_family_name=family,
            preferred_name=preferred,
            search_key=search_key(f"{given} {family} {preferred}"),
            date_of_birth=today - dt.timedelta(days=rng.randint(200, 1800)),
            nhs_number=nhs,
            areas_of_need=",".join(rng.sample(areas, k=rng.randint(1, 2))),
            diagnoses_notes=rng.choice(["", "Awaiting assessment.", "Global developmental delay."]),
            key_person=rng.choice(["", "Jess Hartley", "Tariq Aziz"]),
            setting_attended=rng.choice(["At home", "Rainbow Day Nursery", "Oak Tree Pre-school"]),
        )
        children.append(child)
    _write_all(services, children, "children", progress)
    for child in children:
        for n in range(rng.choice((1, 1, 2))):
            carers.append(
                Carer(
                    child_id=child.id,
                    name=f"{rng.choice(GIVEN)} {child.legal_family_name}",
                    relationship=rng.choice(CARER_RELATION),
                    phone=f"07700 9{rng.randint(0, 99999):05d}",
                    preferred_language=rng.choice(LANGUAGES),
                    is_main_contact=n == 0,
                )
            )
    _write_all(services, carers, "carers", progress)

    progress("Venues, groups, enrolments and sessions...")
    venues = [Venue(name=f"Venue {i + 1}", address=f"{i + 1} High Street") for i in range(20)]
    _write_all(services, venues, "venues", progress)
    groups = [
        Group(
            name=f"Group {i + 1:03d}",
            venue_id=venues[i % len(venues)].id,
            weekday=i % 5,
            start_time=dt.time(9, 30),
            end_time=dt.time(11, 0),
            capacity=CHILDREN_PER_GROUP,
        )
        for i in range(GROUPS)
    ]
    register_group = Group(
        name="Register Benchmark Group",
        venue_id=venues[0].id,
        weekday=today.weekday(),
        start_time=dt.time(9, 30),
        end_time=dt.time(11, 0),
        capacity=REGISTER_CHILDREN,
    )
    _write_all(services, [*groups, register_group], "groups", progress)
    first_session = today - dt.timedelta(weeks=SESSIONS_PER_GROUP)
    enrolments: list[Enrolment] = []
    members: dict[str, list[str]] = {}
    shuffled = list(children)
    rng.shuffle(shuffled)
    for g, group in enumerate(groups):
        kids = shuffled[g * CHILDREN_PER_GROUP : (g + 1) * CHILDREN_PER_GROUP]
        members[group.id] = [c.id for c in kids]
        enrolments += [
            Enrolment(child_id=c.id, group_id=group.id, starts_on=first_session) for c in kids
        ]
    register_kids = [c.id for c in rng.sample(children, REGISTER_CHILDREN)]
    enrolments += [
        Enrolment(child_id=c, group_id=register_group.id, starts_on=first_session)
        for c in register_kids
    ]
    _write_all(services, enrolments, "enrolments", progress)
    sessions: list[GroupSession] = []
    for group in groups:
        for week in range(SESSIONS_PER_GROUP):
            day = first_session + dt.timedelta(weeks=week)
            day -= dt.timedelta(days=(day.weekday() - (group.weekday or 0)) % 7)
            sessions.append(
                GroupSession(
                    group_id=group.id,
                    date=day,
                    start_time=group.start_time,
                    end_time=group.end_time,
                    theme=rng.choice(_THINGS).capitalize(),
                    status="held",
                )
            )
    register_session = GroupSession(
        group_id=register_group.id,
        date=today,
        start_time=register_group.start_time,
        end_time=register_group.end_time,
        theme="Bubbles and songs",
    )
    _write_all(services, [*sessions, register_session], "sessions", progress)

    progress("Attendance marks...")
    statuses = [AttendanceStatus.PRESENT.value] * 10 + [s.value for s in AttendanceStatus]
    marks = [
        Attendance(
            session_id=s.id,
            child_id=child_id,
            status=(status := rng.choice(statuses)),
            came_with=rng.choice(("Mum", "Dad", "Nan", "")) if status != "did_not_attend" else "",
            arrived_at=dt.time(9, 30 + rng.randint(0, 25)),
            recorded_by=author,
            recorded_at=dt.datetime.combine(s.date, dt.time(9, 40)),
        )
        for s in sessions
        for child_id in members[s.group_id]
    ]
    _write_all(services, marks, "attendance marks", progress)

    progress("Observations (the full-text index is kept by triggers as they go in)...")
    by_id = {c.id: c for c in children}
    group_of = {cid: gid for gid, kids in members.items() for cid in kids}
    sessions_of: dict[str, list[GroupSession]] = {}
    for s in sessions:
        sessions_of.setdefault(s.group_id, []).append(s)
    observations: list[Observation] = []
    child_ids = list(by_id)
    for _ in range(OBSERVATIONS):
        child = by_id[rng.choice(child_ids)]
        name = child.preferred_name or child.legal_given_names.split()[0]
        own_sessions = sessions_of.get(group_of.get(child.id, ""), [])
        session = rng.choice(own_sessions) if own_sessions and rng.random() < 0.7 else None
        text = " ".join(
            part
            for part in (
                rng.choice(_OPENINGS).format(
                    n=name,
                    thing=rng.choice(_THINGS),
                    word=rng.choice(_WORDS),
                    count=rng.randint(2, 8),
                ),
                rng.choice(_ENDINGS),
                rng.choice(_CONTEXT),
            )
            if part
        )
        observations.append(
            Observation(
                child_id=child.id,
                context="session" if session else rng.choice(("home_visit", "other")),
                session_id=session.id if session else None,
                observed_on=session.date if session else today - dt.timedelta(rng.randint(1, 350)),
                text=text,
                area_of_need=rng.choice(areas),
                author_id=author,
                share_with_parents=rng.random() < 0.5,
            )
        )
        if len(observations) == BATCH * 4:
            _write_all(services, observations, "observations (next 20,000)", progress)
            observations = []
    _write_all(services, observations, "observations (last)", progress)

    return {
        "register_group_id": register_group.id,
        "register_session_id": register_session.id,
        "register_session_date": today.isoformat(),
        "register_child_ids": register_kids,
    }


if __name__ == "__main__":
    built = scale_vault()
    print(json.dumps({"folder": str(built.folder), **built.counts}, indent=2))
