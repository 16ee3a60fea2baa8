"""Notifying the local authority, through real bundles to the reference central service.

One scenario for the module (real SQLCipher vault, real keys, real files; both command lines'
`main` run in this process): a liaison group meeting discusses two children, one whose family
has not consented to share with the central service and one whose family has; the meeting
decides to notify the local authority of both. The laptop enrols with `earlyyears-central`,
exports, the service ingests and writes a return bundle, the laptop imports it.

(a) without consent, the notification goes and none of the child's other records do;
(b) with consent, every record goes; (c) the meeting and its people go either way;
(d) a notification counts as acknowledged once a return bundle acknowledges the export that
carried it (what the app and `earlyyears info` show); and `earlyyears-central status` lists the
children notified, stored encrypted at rest like every record.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import select

from earlyyears_desktop.central import models
from earlyyears_desktop.central.cli import main as central_main
from earlyyears_desktop.central.folder import open_central
from earlyyears_desktop.cli.main import main as device_main
from earlyyears_desktop.domain.enums import ConsentKind, DecisionKind, MeetingKind, Role
from earlyyears_desktop.domain.models import MODEL_BY_ENTITY
from earlyyears_desktop.services.children import CarerInput, ChildInput
from earlyyears_desktop.services.clock import Clock
from earlyyears_desktop.services.consent import child_id_column
from earlyyears_desktop.services.container import Services
from earlyyears_desktop.services.meetings import (
    ActionInput,
    AttendeeInput,
    DiscussionInput,
    MeetingInput,
    NotifierInput,
)
from earlyyears_desktop.services.notification_delivery import tally
from earlyyears_desktop.services.referrals import AnswersInput, ReferralInput
from earlyyears_desktop.sync.device import DeviceSync
from earlyyears_desktop.sync.device_results import ImportResult

from ..fast_vaults import PASSPHRASE, make_central, make_vault
from .conftest import PASSPHRASE as CENTRAL_PASSPHRASE
from .conftest import CentralEnv, record

D = dt.date
TODAY = D(2028, 3, 1)
MEETING_ON = D(2028, 2, 29)
BORN = D(2025, 6, 14)
#: the child's records that go only under the consent to share with the central service
CONSENTED = (
    "child",
    "carer",
    "referral",
    "questionnaire_reply",
    "parent_question",
    "meeting_discussion",
    "meeting_decision",
    "meeting_action",
)
NO_CONSENT_NAME = ("Amara Chidinma", "Okonkwo", "9434765919")
CONSENT_NAME = ("Zofia", "Wiśniewska", "4010232137")


@dataclass(frozen=True)
class Done:
    code: int
    out: str
    err: str


def _in_process(main: Callable[[Sequence[str]], int], *args: object) -> Done:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main([str(a) for a in args])
    assert "Traceback" not in err.getvalue()
    return Done(code, out.getvalue(), err.getvalue())


@dataclass(frozen=True)
class Loop:
    vault: Path
    central: Path
    without_consent: str
    with_consent: str
    meeting: str
    #: entity -> ids of the records of each child (by child id)
    records_of: dict[str, dict[str, set[str]]]
    #: (entity, id) of every record the central service holds after the export
    held: set[tuple[str, str]]
    exported_held_back_children: int
    #: the notifications the export's changes named
    exported_notifications: frozenset[str]
    #: the notifications' rows before and after the return bundle was imported
    before: list[tuple[str, int | None, bool]]
    after: list[tuple[str, int | None, bool]]
    tally_before: dict[str, object]
    imported: ImportResult
    status_json: str
    status_text: str
    #: `status --notifications`: the plain text with the children listed
    status_listed: str
    info_json: str
    info_text: str


def _child(services: Services, names: tuple[str, str, str], consent: bool) -> str:
    given, family, nhs = names
    consents = (
        [(ConsentKind.SHARE_WITH_CENTRAL.value, "A Parent", TODAY - dt.timedelta(days=60))]
        if consent
        else []
    )
    return services.children.create_child(
        ChildInput(given, family, BORN, nhs_number=nhs),
        carers=[CarerInput("A Parent", relationship="Parent")],
        consents=consents,
    ).id


def _referral(services: Services, child: str) -> str:
    referral = services.referrals.refer(
        ReferralInput(
            child_id=child,
            referred_on=D(2028, 2, 1),
            referrer_name="Dr Farah Siddiqui",
            referrer_role="Community paediatrician",
            referrer_agency="Kingsford NHS Trust",
            discussed_with_parents_on=D(2028, 1, 25),
            parents_agreed_by="A Parent",
            parents_agreed_on=D(2028, 1, 25),
            parents_agreed_how="In person at clinic",
            reason="Few words at 2½.",
            questions="Would speech and language therapy help?",
        )
    ).id
    services.referrals.record_answers(
        referral, AnswersInput(D(2028, 2, 10), "phone", questions=("Will she get help?",))
    )
    return referral


def _meeting_deciding_to_notify(services: Services, children: list[str]) -> str:
    owner = services.vault.practitioner_id
    meeting = services.meetings.plan(
        MeetingInput(
            MeetingKind.LIAISON_GROUP.value,
            "Kingsford pre-school liaison group",
            MEETING_ON,
            venue="Riverside Children's Centre",
            chair_name="Dr Farah Siddiqui",
            chair_role="Community paediatrician",
        )
    ).id
    services.meetings.set_people(
        meeting,
        [
            AttendeeInput("Dr Farah Siddiqui", "Community paediatrician"),
            AttendeeInput("Siobhán Ní Bhriain", "Speech and language therapist"),
            AttendeeInput("Tomasz Zieliński", "Psychologist", present=False),
        ],
    )
    referrals = [_referral(services, child) for child in children]
    discussions = services.meetings.add_referrals(meeting, referrals).value
    for discussion in discussions:
        services.meetings.record_discussion(
            discussion, DiscussionInput("Talked about words.", "Speech therapy will help.")
        )
        [question] = services.meetings.discussion(discussion).questions
        services.meetings.answer(question.id, discussion, "Yes: a therapist will write.")
        services.meetings.add_action(
            discussion, ActionInput("Refer to speech therapy", D(2028, 3, 8), owner)
        )
        services.meetings.decide(discussion, DecisionKind.REFER_TO_SERVICE.value, "SALT")
        services.meetings.decide(
            discussion,
            DecisionKind.NOTIFY_LOCAL_AUTHORITY.value,
            notifier=NotifierInput("Dr Farah Siddiqui", "Community paediatrician", "Likely SEND"),
        )
    services.meetings.mark_held(meeting)
    told = services.meetings.notifications()[0]
    services.meetings.parents_told(told.id, TODAY, "By phone")
    return meeting


def _records_of(services: Services, children: list[str]) -> dict[str, dict[str, set[str]]]:
    found: dict[str, dict[str, set[str]]] = {c: {} for c in children}
    with services.uow.read() as session:
        for entity in (*CONSENTED, "la_notification"):
            model = MODEL_BY_ENTITY[entity]
            child = child_id_column(model)
            assert child is not None
            for record_id, child_id in session.execute(select(model.id, child)):
                if child_id in found:
                    found[child_id].setdefault(entity, set()).add(record_id)
    return found


def _delivery(services: Services) -> list[tuple[str, int | None, bool]]:
    return sorted(
        (n.child_id, n.delivery.sent_in, n.delivery.acknowledged)
        for n in services.meetings.notifications()
    )


@pytest.fixture(scope="module")
def loop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Loop]:
    work = tmp_path_factory.mktemp("notify")
    usb = work / "usb"
    usb.mkdir()
    hooks = (sys.excepthook, threading.excepthook)
    with pytest.MonkeyPatch.context() as env:
        env.setenv("EARLYYEARS_CENTRAL_PASSPHRASE", CENTRAL_PASSPHRASE)
        env.setenv("EARLYYEARS_PASSPHRASE", PASSPHRASE)
        env.delenv("EARLYYEARS_CENTRAL_DB_URL", raising=False)
        try:
            yield _run_the_loop(work, usb)
        finally:
            sys.excepthook, threading.excepthook = hooks


def _run_the_loop(work: Path, usb: Path) -> Loop:
    folder = work / "vault"
    created = make_vault(
        folder,
        team_name="Kingsford Early Years",
        practitioner_name="Oluwaseun Adébáyọ̀",
        role=Role.PORTAGE_WORKER.value,
    )
    services = Services(created.vault, clock=Clock.fixed(TODAY))
    without = _child(services, NO_CONSENT_NAME, consent=False)
    with_consent = _child(services, CONSENT_NAME, consent=True)
    meeting = _meeting_deciding_to_notify(services, [without, with_consent])
    records_of = _records_of(services, [without, with_consent])
    assert all(n.delivery.sent_in is None for n in services.meetings.notifications())

    central = make_central(work / "central", passphrase=CENTRAL_PASSPHRASE)
    sync = DeviceSync(services)
    request, response = work / "request.json", work / "response.json"
    sync.enrolment_request(request)
    done = _in_process(central_main, "enrol", central, request, "--out", response)
    assert done.code == 0, done.err
    sync.enrol(response)

    exported = sync.export(usb)
    assert exported.held_back_types == ()
    done = _in_process(central_main, "ingest", central, exported.path)
    assert done.code == 0, done.err
    opened = open_central(central, CENTRAL_PASSPHRASE)
    try:
        with opened.engine.connect() as conn:
            r = models.records.c
            held = {(e, i) for e, i in conn.execute(select(r.entity, r.record_id))}
    finally:
        opened.close()
    before = _delivery(services)
    tally_before = tally_of(services)

    done = _in_process(central_main, "return", central, "--device", services.vault.device_id)
    assert done.code == 2  # --out is required
    done = _in_process(
        central_main, "return", central, "--device", services.vault.device_id, "--out", usb
    )
    assert done.code == 0, done.err
    imported = sync.import_return(Path(done.out.strip().splitlines()[-1]))
    after = _delivery(services)
    services.vault.lock()

    status_json = _in_process(central_main, "status", central, "--json")
    status_text = _in_process(central_main, "status", central)
    status_listed = _in_process(central_main, "status", central, "--notifications")
    info_json = _in_process(device_main, "info", folder, "--json")
    info_text = _in_process(device_main, "info", folder)
    for result in (status_json, status_text, status_listed, info_json, info_text):
        assert result.code == 0, result.err
    return Loop(
        vault=folder,
        central=central,
        without_consent=without,
        with_consent=with_consent,
        meeting=meeting,
        records_of=records_of,
        held=held,
        exported_held_back_children=exported.held_back_children,
        exported_notifications=exported.changes.ids("la_notification"),
        before=before,
        after=after,
        tally_before=tally_before,
        imported=imported,
        status_json=status_json.out,
        status_text=status_text.out,
        status_listed=status_listed.out,
        info_json=info_json.out,
        info_text=info_text.out,
    )


def tally_of(services: Services) -> dict[str, object]:
    with services.uow.read() as session:
        return tally(session).as_json()


def test_without_consent_only_the_notification_goes(loop: Loop) -> None:
    assert loop.exported_held_back_children == 1
    mine = loop.records_of[loop.without_consent]
    assert set(mine) == {*CONSENTED, "la_notification"}
    for entity in CONSENTED:
        assert not {(entity, i) for i in mine[entity]} & loop.held, entity
    [notification] = mine["la_notification"]
    assert ("la_notification", notification) in loop.held


def test_with_consent_every_record_goes_and_the_meeting_goes_either_way(loop: Loop) -> None:
    mine = loop.records_of[loop.with_consent]
    for entity, ids in mine.items():
        assert {(entity, i) for i in ids} <= loop.held, entity
    assert ("meeting", loop.meeting) in loop.held
    attendees = {i for e, i in loop.held if e == "meeting_attendee"}
    assert len(attendees) == 3


def test_a_notification_is_acknowledged_once_a_return_bundle_confirms_its_export(
    loop: Loop,
) -> None:
    children = sorted([loop.without_consent, loop.with_consent])
    assert loop.before == [(child, 1, False) for child in children]
    assert loop.tally_before == {
        "total": 2,
        "not_sent": 0,
        "sent_waiting_for_confirmation": 2,
        "acknowledged": 0,
        "oldest_unacknowledged": "2028-02-29",
    }
    assert loop.after == [(child, 1, True) for child in children]
    # The screens that show the notifications are told they changed, by both steps.
    notified = set().union(*(r["la_notification"] for r in loop.records_of.values()))
    assert loop.exported_notifications == notified
    assert loop.imported.changes.ids("la_notification") == notified
    info = json.loads(loop.info_json)
    assert info["la_notifications"] == {
        "total": 2,
        "not_sent": 0,
        "sent_waiting_for_confirmation": 0,
        "acknowledged": 2,
        "oldest_unacknowledged": None,
    }
    assert (
        "Notifications to the local authority: 2 (2 received by the central service, "
        "0 sent and waiting for confirmation, 0 not sent yet)"
    ) in loop.info_text
    for _given, family, nhs in (NO_CONSENT_NAME, CONSENT_NAME):
        assert family not in loop.info_json + loop.info_text and nhs not in loop.info_json


def test_central_status_lists_the_children_notified(loop: Loop) -> None:
    doc = json.loads(loop.status_json)
    assert doc["totals"]["notifications"] == 2
    listed = {n["child_id"]: n for n in doc["notifications"]}
    assert set(listed) == {loop.without_consent, loop.with_consent}
    amara = listed[loop.without_consent]
    assert amara == {
        "record_id": amara["record_id"],
        "child_id": loop.without_consent,
        "given_names": "Amara Chidinma",
        "family_name": "Okonkwo",
        "date_of_birth": "2025-06-14",
        "nhs_number": "9434765919",
        "notified_on": "2028-02-29",
        "notified_by": "Dr Farah Siddiqui",
        "notified_by_role": "Community paediatrician",
        "reason": "Likely SEND",
        "parents_told_on": amara["parents_told_on"],
        "parents_told_how": amara["parents_told_how"],
        "device_id": amara["device_id"],
        "team": "Kingsford Early Years",
        "device_practitioner": "Oluwaseun Adébáyọ̀",
    }
    told = {(n["parents_told_on"], n["parents_told_how"]) for n in listed.values()}
    assert told == {(None, ""), ("2028-03-01", "By phone")}
    # the child without consent is known centrally by the notification alone
    assert doc["records"]["child"]["total"] == 1
    # the plain `status` (the routine health check, read into monitoring logs) counts them
    # and says how to list them, naming no child
    text = loop.status_text
    assert "Children notified to the local authority: 2" in text
    assert "`status --notifications` lists them; `status --json` includes them" in text
    for secret in (
        "Amara",
        "Okonkwo",
        "Wiśniewska",
        "2025-06-14",
        "943 476 5919",
        "9434765919",
        "Likely SEND",
    ):
        assert secret not in text, secret
    listed_text = loop.status_listed
    assert listed_text.startswith(text.split("Children notified")[0])  # the same summary
    assert "Children notified to the local authority: 2" in listed_text
    line = next(line for line in listed_text.splitlines() if "Okonkwo" in line)
    for shown in ("2028-02-29", "Amara Chidinma Okonkwo", "943 476 5919", "Kingsford Early"):
        assert shown in line


def test_the_notifications_are_encrypted_at_rest(loop: Loop) -> None:
    files = [p for p in sorted(loop.central.rglob("*")) if p.is_file()]
    assert any(p.name == "central.db" for p in files)
    for path in files:
        data = path.read_bytes()
        for secret in ("Okonkwo", "Wiśniewska", "9434765919", "Likely SEND"):
            assert secret.encode("utf-8") not in data, (secret, path.name)
        assert os.stat(path).st_mode & 0o077 == 0, path.name


def test_status_lists_a_notification_on_either_backend(central: CentralEnv) -> None:
    """The listing's SQL on SQLite and PostgreSQL, from a bundle made by hand; a withdrawn
    notification (a decision taken back) is no longer listed."""
    device = central.enrol("dev-a", team="Kingsford Early Years")
    notification = record(
        "la_notification",
        "n1",
        child_id="c1",
        given_names="Nour",
        family_name="Haddad",
        date_of_birth="2025-01-02",
        nhs_number=None,
        notified_on="2028-02-29",
        notified_by="Dr Farah Siddiqui",
        notified_by_role="Community paediatrician",
        reason="Likely SEND",
        parents_told_on=None,
        parents_told_how="",
        decision_id=None,
        created_at="2028-02-29T10:00:00.000000",
        updated_at="2028-02-29T10:00:00.000000",
        deleted_at=None,
    )
    other = dict(notification, id="n2", deleted=True)
    other["data"] = dict(notification["data"], deleted_at="2028-03-01T10:00:00.000000")  # type: ignore[arg-type]
    bundle = device.bundle(central.work, [notification, other])
    assert central.cli("ingest", central.folder, bundle.path).code == 0
    [listed] = central.status()["notifications"]  # type: ignore[misc]
    assert (listed["record_id"], listed["team"], listed["nhs_number"]) == (
        "n1",
        "Kingsford Early Years",
        None,
    )
    text = central.cli("status", central.folder).out
    assert "Children notified to the local authority: 1" in text and "Haddad" not in text
    listed_text = central.cli("status", central.folder, "--notifications").out
    assert "Children notified to the local authority: 1" in listed_text
    assert "Nour Haddad" in listed_text
