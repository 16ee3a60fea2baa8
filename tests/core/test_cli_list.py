"""`earlyyears list DIR KIND [--json]` in a subprocess: each kind as a table and as JSON, ids and
stable fields only (never an NHS number, a date of birth, an observation's text, a referral's
reason or the family's questions and their answers), and an unknown kind refused with the list
of kinds. One small vault for the module."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from earlyyears_desktop.domain.enums import (
    AreaOfNeed,
    DecisionKind,
    MeetingKind,
    ObservationContext,
)
from earlyyears_desktop.domain.models import Strategy
from earlyyears_desktop.services.children import ChildInput
from earlyyears_desktop.services.clock import Clock
from earlyyears_desktop.services.container import Services
from earlyyears_desktop.services.groups import GroupInput
from earlyyears_desktop.services.meetings import (
    ActionInput,
    AttendeeInput,
    DiscussionInput,
    MeetingInput,
    NotifierInput,
)
from earlyyears_desktop.services.observations import ObservationInput
from earlyyears_desktop.services.referrals import AnswersInput, ReferralInput

from ..fast_vaults import PASSPHRASE, make_vault
from .test_cli import assert_one_line_error, run

TODAY = dt.date(2026, 11, 25)
NHS = "9434765919"
SECRET_TEXT = "Zoë whispered the secret word to the rabbit"
#: what a referral and a meeting say, never listed
PRIVATE_WORDS = ("Echolalia noted", "Will she talk?", "Speech therapy soon", "Discussed words")


@dataclass(frozen=True)
class Listed:
    folder: Path
    child: str
    session: str
    observation: str
    strategy: str
    referral: str
    meeting: str
    team_meeting: str


@pytest.fixture(scope="module")
def listed(tmp_path_factory: pytest.TempPathFactory) -> Listed:
    folder = tmp_path_factory.mktemp("list") / "vault"
    created = make_vault(folder)
    services = Services(created.vault, clock=Clock.fixed(TODAY))
    child = services.children.create_child(
        ChildInput("Zoë Amélie", "Brontë", dt.date(2023, 5, 1), "Zo", nhs_number=NHS)
    ).id
    group = services.groups.add_group(
        GroupInput("Little Steps", weekday=2, start_time=dt.time(9, 30), end_time=dt.time(11, 0))
    ).id
    session = services.groups.add_session(group, TODAY).id
    observation = services.observations.add(
        ObservationInput(
            child,
            SECRET_TEXT,
            TODAY,
            dt.time(9, 45),
            ObservationContext.SESSION.value,
            area_of_need=AreaOfNeed.COMMUNICATION_AND_INTERACTION.value,
            share_with_parents=True,
        )
    ).id
    with services.uow.write() as tx:
        record = Strategy(
            title="Now and next board",
            area_of_need=AreaOfNeed.SOCIAL_EMOTIONAL_MENTAL_HEALTH.value,
            tags="routines,visual support",
        )
        tx.session.add(record)
    referral, meeting, team_meeting = _referral_and_meetings(services, child)
    created.vault.lock()
    return Listed(folder, child, session, observation, record.id, referral, meeting, team_meeting)


def _referral_and_meetings(services: Services, child: str) -> tuple[str, str, str]:
    """A referral whose family answered two questions, discussed at a liaison group held
    today (one of its questions answered, an action, the local authority notified); and a
    team around the child meeting still to come."""
    day = dt.timedelta(days=1)
    referral = services.referrals.refer(
        ReferralInput(
            child_id=child,
            referred_on=TODAY - 20 * day,
            referrer_name="Dr Farah Siddiqui",
            referrer_role="Community paediatrician",
            referrer_agency="Kingsford NHS Trust",
            discussed_with_parents_on=TODAY - 25 * day,
            parents_agreed_by="Hélène Brontë",
            parents_agreed_on=TODAY - 25 * day,
            parents_agreed_how="In person",
            reason=PRIVATE_WORDS[0],
        )
    ).id
    services.referrals.questionnaire_sent(referral, TODAY - 18 * day)
    services.referrals.record_answers(
        referral,
        AnswersInput(TODAY - 10 * day, "phone", questions=(PRIVATE_WORDS[1], "And school?")),
    )
    meeting = services.meetings.plan(
        MeetingInput(
            MeetingKind.LIAISON_GROUP.value,
            "Kingsford liaison group",
            TODAY,
            starts_at=dt.time(13, 30),
            venue="Riverside Children's Centre",
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
    [discussion] = services.meetings.add_referrals(meeting, [referral]).value
    services.meetings.record_discussion(
        discussion, DiscussionInput(PRIVATE_WORDS[3], PRIVATE_WORDS[2])
    )
    question = services.meetings.discussion(discussion).questions[0]
    services.meetings.answer(question.id, discussion, PRIVATE_WORDS[2])
    services.meetings.add_action(
        discussion, ActionInput("Refer", TODAY + 7 * day, owner_name="Siobhán Ní Bhriain")
    )
    services.meetings.decide(
        discussion,
        DecisionKind.NOTIFY_LOCAL_AUTHORITY.value,
        notifier=NotifierInput("Dr Farah Siddiqui", "Community paediatrician", "Likely SEND"),
    )
    services.meetings.mark_held(meeting)
    team_meeting = services.meetings.plan(
        MeetingInput(
            MeetingKind.TEAM_AROUND_THE_CHILD.value,
            "Team around Zoë",
            TODAY + 14 * day,
            online=True,
        )
    ).id
    return referral, meeting, team_meeting


#: every kind, as a table and as JSON, listed by `earlyyears list` in ONE subprocess (the
#: command's own `main`, one call each: a process per listing would cost a second or two each)
_EVERY_LISTING = """
import contextlib, io, json, sys
from earlyyears_desktop.cli.main import main
done = {}
for kind in ("children", "sessions", "observations", "strategies", "meetings", "referrals"):
    for extra in ([], ["--json"]):
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(["list", sys.argv[1], kind, *extra])
        done[" ".join([kind, *extra])] = [code, out.getvalue(), err.getvalue()]
print(json.dumps(done))
"""


@pytest.fixture(scope="module")
def listings(listed: Listed) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("EARLYYEARS_")}
    env["EARLYYEARS_PASSPHRASE"] = PASSPHRASE
    done = subprocess.run(
        [sys.executable, "-c", _EVERY_LISTING, str(listed.folder)],
        capture_output=True,
        text=True,
        env=env,
        stdin=subprocess.DEVNULL,
        timeout=180,
    )
    assert done.returncode == 0, done.stderr
    outputs = {}
    for listing, (code, out, err) in json.loads(done.stdout).items():
        assert (code, err) == (0, ""), listing
        for private in (NHS, "2023-05-01", "secret word", "whispered", *PRIVATE_WORDS):
            assert private not in out, (listing, private)
        outputs[listing] = out
    assert len(outputs) == 12
    return outputs


def test_children_and_observations_as_json(listed: Listed, listings: dict[str, str]) -> None:
    [child] = json.loads(listings["children --json"])
    assert child == {
        "id": listed.child,
        "given_names": "Zoë Amélie",
        "family_name": "Brontë",
        "preferred_name": "Zo",
        "status": "active",
    }
    [observation] = json.loads(listings["observations --json"])
    assert observation == {
        "id": listed.observation,
        "child_id": listed.child,
        "date": "2026-11-25",
        "time": "09:45",
        "context": "session",
        "area_of_need": "communication_and_interaction",
        "shared": True,
        "author_id": observation["author_id"],
    }
    assert observation["author_id"]


def test_sessions_and_strategies_as_json(listed: Listed, listings: dict[str, str]) -> None:
    [session] = json.loads(listings["sessions --json"])
    assert session["id"] == listed.session and session["group"] == "Little Steps"
    assert (session["date"], session["start"], session["end"]) == ("2026-11-25", "09:30", "11:00")
    assert set(session) == {"id", "group_id", "group", "date", "start", "end", "status"}
    [strategy] = json.loads(listings["strategies --json"])
    assert strategy == {
        "id": listed.strategy,
        "title": "Now and next board",
        "area_of_need": "social_emotional_mental_health",
        "tags": ["routines", "visual support"],
        "from_central": False,
    }


def test_meetings_and_referrals_as_json(listed: Listed, listings: dict[str, str]) -> None:
    liaison, team = json.loads(listings["meetings --json"])
    assert liaison == {
        "id": listed.meeting,
        "kind": "liaison_group",
        "name": "Kingsford liaison group",
        "date": "2026-11-25",
        "start": "13:30",
        "status": "held",
        "online": False,
        "children": 1,
        "answered": 1,
        "letters_sent": 0,
        "present": 2,
        "apologies": 1,
        "decisions": 1,
        "actions_open": 1,
        "notifications": 1,
    }
    assert (team["id"], team["kind"], team["status"], team["date"], team["online"]) == (
        listed.team_meeting,
        "team_around_the_child",
        "planned",
        "2026-12-09",
        True,
    )
    assert (team["children"], team["present"], team["notifications"]) == (0, 0, 0)
    [referral] = json.loads(listings["referrals --json"])
    assert referral == {
        "id": listed.referral,
        "child_id": listed.child,
        "referred_on": "2026-11-05",
        "referrer_role": "Community paediatrician",
        "status": "discussed",
        "meeting_id": listed.meeting,
        "questionnaire_sent_on": "2026-11-07",
        "answered_on": "2026-11-15",
        "answered_how": "phone",
        "questions": 2,
        "questions_answered": 1,
        "withdrawn_on": None,
    }
    # a child's names only where the other kinds show them: in `children`
    assert "Brontë" not in listings["meetings"] + listings["referrals --json"]


def test_plain_tables_have_a_header_and_aligned_columns(
    listed: Listed, listings: dict[str, str]
) -> None:
    for kind, header, expected in [
        ("observations", "shared", [listed.observation, "09:45", "yes"]),
        ("children", "given_names", [listed.child, "Zoë Amélie", "Brontë"]),
        ("sessions", "group_id", [listed.session, "Little Steps", "09:30"]),
        ("strategies", "from_central", [listed.strategy, "routines,visual support", "no"]),
        ("referrals", "questions_answered", [listed.referral, "discussed", "phone"]),
    ]:
        lines = listings[kind].splitlines()
        assert len(lines) == 2 and lines[0].startswith("id ") and header in lines[0]
        assert all(value in lines[1] for value in expected)
        # every column starts where its header does
        second = lines[0].index(lines[0].split()[1])
        assert lines[1][second - 2 : second] == "  " and lines[1][second] != " "


def test_an_unknown_kind_is_refused_with_the_kinds(listed: Listed) -> None:
    """The real `earlyyears` process, asked for a kind it does not know."""
    refused = run("list", str(listed.folder), "families", passphrase=PASSPHRASE)
    message = assert_one_line_error(refused, 2)
    for kind in ("children", "sessions", "observations", "strategies", "meetings", "referrals"):
        assert kind in message
