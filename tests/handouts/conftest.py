"""Handout tests: a real SQLCipher demo vault with today's Little Steps session marked.

Core tests here never import Qt; the page test does, offscreen.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import base64
import datetime as dt
import re
import shutil
import subprocess
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from benchmarks.family_records import TODAY as FAMILY_TODAY
from benchmarks.family_records import FamilyRecords, add_family
from benchmarks.meeting_records import MeetingRecords

from earlyyears_desktop.demo import DEMO_PASSPHRASE
from earlyyears_desktop.domain.enums import AccessibleFormat, ConsentKind
from earlyyears_desktop.services.container import Services
from earlyyears_desktop.services.observations import ObservationInput
from earlyyears_desktop.storage.vault import open_vault

from ..conftest import DemoTemplate
from ..fast_vaults import DEMO_DAY

PASSPHRASE = DEMO_PASSPHRASE
#: a Wednesday in the autumn term: the demo's Little Steps group meets on this weekday
TODAY = DEMO_DAY
ACTIVITIES = "Hello song with everyone's name\nBubbles & 'ready, steady… go!'\nParachute games"
SHARED = "Zoë blew the bubbles herself and said 'more' <twice>."
PRIVATE = "PRIVATE NOTE: for the team only."
EARLIER_SHARED = "Łucja stacked four bricks at an earlier session."
#: who is at today's session, by full name, and how they are marked
MARKS = {
    "Zoë Adeyemi": "present",
    "Łucja Wiśniewska": "present",
    "Siân Pritchard": "present",  # carer asked for large print
    "Aarav Sharma": "present",
    "Oisín Ó Briain": "present",
    "Mateus Gonçalves": "late",
    "Aisha Rahman": "present",  # carer asked for high contrast
    "Léa Dubois-Martin": "present",  # handouts consent withdrawn below
    "Yusuf Demir": "did_not_attend",
    "Mei Chen": "left_early",
    "Tomás Ramírez López": "present",
    "Freya Johansson": "apologies",
    "Amaka Okonkwo": "present",
}
VISITOR = "Kuba Dvořák"  # from the other group, here as a visitor today
NO_CONSENT = "Léa Dubois-Martin"
ATTENDED = sorted(
    [n for n, m in MARKS.items() if m in ("present", "late", "left_early")] + [VISITOR]
)
INCLUDED = sorted(n for n in ATTENDED if n != NO_CONSENT)


@dataclass
class Prepared:
    folder: Path
    session_id: str
    future_session_id: str
    ids: dict[str, str]


@pytest.fixture(scope="session")
def prepared(demo_on_demo_day: DemoTemplate, tmp_path_factory: pytest.TempPathFactory) -> Prepared:
    """One vault per run, a copy of the demo with today's session marked; tests work on copies."""
    folder = demo_on_demo_day.copy_to(tmp_path_factory.mktemp("handouts-template") / "vault")
    vault = open_vault(folder, PASSPHRASE)
    services = Services(vault, today=lambda: TODAY)
    groups = {g.name: g.id for g in services.groups.groups()}
    session = services.groups.sessions(group_id=groups["Little Steps"], on=TODAY)[0]
    later = [s for s in services.groups.sessions(group_id=groups["Little Steps"]) if s.date > TODAY]
    services.groups.update_session(session.id, activities=ACTIVITIES)
    ids: dict[str, str] = {}
    for child_id in services.children.search_ids():
        ids[services.children.get_child(child_id).display_name] = child_id
    for name, status in MARKS.items():
        services.attendance.mark(session.id, ids[name], status)
    services.attendance.mark(session.id, ids[VISITOR], "present", visitor=True)
    consent = next(
        c
        for c in services.children.get_child(ids[NO_CONSENT]).consents
        if c.kind == ConsentKind.HANDOUTS.value
    )
    services.children.withdraw_consent(consent.id, TODAY - dt.timedelta(days=1))
    for text, shared in ((SHARED, True), (PRIVATE, False)):
        services.observations.add(
            ObservationInput(
                ids["Zoë Adeyemi"],
                text,
                TODAY,
                context="session",
                session_id=session.id,
                share_with_parents=shared,
            )
        )
    earlier = services.groups.sessions(group_id=groups["Little Steps"])[0]
    services.observations.add(
        ObservationInput(
            ids["Łucja Wiśniewska"],
            EARLIER_SHARED,
            earlier.date,
            context="session",
            session_id=earlier.id,
            share_with_parents=True,
        )
    )
    vault.lock()
    return Prepared(folder, session.id, later[0].id, ids)


@pytest.fixture
def vault_copy(prepared: Prepared, tmp_path: Path) -> Path:
    folder = tmp_path / "vault"
    shutil.copytree(prepared.folder, folder)
    return folder


@pytest.fixture
def services(vault_copy: Path) -> Iterator[Services]:
    vault = open_vault(vault_copy, PASSPHRASE)
    try:
        yield Services(vault, today=lambda: TODAY)
    finally:
        vault.lock()


def pdf_text(path: Path, first: int | None = None, last: int | None = None) -> str:
    """The PDF's text as poppler's pdftotext reads it (UTF-8)."""
    args = ["pdftotext", "-enc", "UTF-8"]
    if first:
        args += ["-f", str(first)]
    if last:
        args += ["-l", str(last)]
    done = subprocess.run([*args, str(path), "-"], capture_output=True, check=True)
    return done.stdout.decode("utf-8")


def pdf_info(path: Path) -> str:
    done = subprocess.run(["pdfinfo", "-enc", "UTF-8", str(path)], capture_output=True, check=True)
    return done.stdout.decode("utf-8")


# ---- the families' own documents (test_family_documents.py, test_cli_family_documents.py) ----


@dataclass
class FamilyVault:
    """A vault (locked) with three families, each with targets, a visit and a plan."""

    folder: Path
    passphrase: str
    #: by the child's name: "Zoë Adeyemi", "Siân Pritchard", HEBREW_NAME
    families: dict[str, FamilyRecords]
    in_progress_visit_id: str


#: a right-to-left name (Hebrew: Noa Cohen), and the carer's
HEBREW_GIVEN, HEBREW_FAMILY = "נועה", "כהן"
HEBREW_NAME = f"{HEBREW_GIVEN} {HEBREW_FAMILY}"


@pytest.fixture(scope="session")
def family_vault(tmp_path_factory: pytest.TempPathFactory) -> FamilyVault:
    """Zoë (standard format, her handouts consent withdrawn), Siân (her carer asked for large
    print) and Noa, named in Hebrew (high contrast), each with three targets, a finished
    visit and a support plan with three reviews; and one visit still being written."""
    from earlyyears_desktop.domain.enums import VisitStatus
    from earlyyears_desktop.domain.models import HomeVisit
    from earlyyears_desktop.services.clock import Clock

    from ..fast_vaults import PASSPHRASE as FAST_PASSPHRASE
    from ..fast_vaults import make_vault

    folder = tmp_path_factory.mktemp("family-documents") / "vault"
    created = make_vault(folder, role="portage_worker")
    try:
        services = Services(created.vault, clock=Clock.fixed(FAMILY_TODAY))
        families = {
            "Zoë Adeyemi": add_family(services, "Zoë", "Adeyemi", carer="Funmi Adeyemi"),
            "Siân Pritchard": add_family(
                services,
                "Siân",
                "Pritchard",
                carer="Carys Pritchard",
                accessible_format=AccessibleFormat.LARGE_PRINT.value,
                language="Welsh",
            ),
            HEBREW_NAME: add_family(
                services,
                HEBREW_GIVEN,
                HEBREW_FAMILY,
                carer="שרה כהן",
                accessible_format=AccessibleFormat.HIGH_CONTRAST.value,
            ),
        }
        zoe = families["Zoë Adeyemi"].child_id
        consent = services.children.record_consent(
            zoe, ConsentKind.HANDOUTS.value, "Funmi Adeyemi", dt.date(2026, 1, 5)
        ).id
        services.children.withdraw_consent(consent, dt.date(2026, 11, 1))
        with services.uow.write() as tx:
            started = HomeVisit(
                child_id=zoe,
                practitioner_id=created.vault.practitioner_id,
                visited_on=FAMILY_TODAY,
                status=VisitStatus.IN_PROGRESS.value,
            )
            tx.session.add(started)
        return FamilyVault(folder, FAST_PASSPHRASE, families, started.id)
    finally:
        created.vault.lock()


# ---- the documents around a meeting (test_meeting_documents.py, test_letters_preview.py) ----

#: a 5,000-word answer to the first family's first question, in paragraphs
LONG_ANSWER = "\n\n".join(
    " ".join(f"word{p * 250 + n}" for n in range(250)) + "." for p in range(20)
)


@dataclass
class MeetingVault:
    """A vault (locked) with a held liaison group of six children (the sixth without an
    outcome), a meeting of one child whose answer is 5,000 words, and a meeting whose only
    child has no outcome yet."""

    folder: Path
    passphrase: str
    records: MeetingRecords
    long: MeetingRecords
    none_ready: MeetingRecords
    #: the practitioner who recorded the referrals (the questionnaire goes back to them)
    practitioner: str


@pytest.fixture(scope="session")
def meeting_vault(tmp_path_factory: pytest.TempPathFactory) -> MeetingVault:
    from benchmarks.meeting_records import TODAY as MEETING_TODAY
    from benchmarks.meeting_records import add_meeting

    from earlyyears_desktop.services.clock import Clock

    from ..fast_vaults import PASSPHRASE as FAST_PASSPHRASE
    from ..fast_vaults import make_vault

    folder = tmp_path_factory.mktemp("meeting-documents") / "vault"
    created = make_vault(
        folder, team_name="Kingsford Early Years Team", practitioner_name="Oluwaseun Adébáyọ̀"
    )
    try:
        services = Services(created.vault, clock=Clock.fixed(MEETING_TODAY))
        records = add_meeting(services, 6, without_outcome=1)
        long = add_meeting(services, 1, without_outcome=0, long_answer=LONG_ANSWER)
        none_ready = add_meeting(services, 1, without_outcome=1)
        return MeetingVault(folder, FAST_PASSPHRASE, records, long, none_ready, "Oluwaseun Adébáyọ̀")
    finally:
        created.vault.lock()


def pdf_font_sizes(pdf: bytes) -> list[float]:
    """The size of every font the PDF's pages draw text in (`/F3+0 16 Tf` in a text object
    that shows text: reportlab also sets a font in empty ones), read from the page streams
    (which reportlab writes ASCII85-encoded, then deflated)."""
    sizes = []
    for stream in re.finditer(
        rb"/Filter \[ /ASCII85Decode /FlateDecode \][^>]*>>\s*stream\r?\n(.*?)endstream", pdf, re.S
    ):
        data = zlib.decompress(base64.a85decode(stream.group(1).strip(), adobe=True))
        for block in re.findall(rb"\bBT\b(.*?)\bET\b", data, re.S):
            if re.search(rb"\bT[jJ]\b", block):
                sizes += [float(s) for s in re.findall(rb"/F[\w+]+\s+([\d.]+)\s+Tf", block)]
    return sizes
