"""`earlyyears handouts DIR --meeting ID` (the letters after a meeting) and `--referral ID`
(the parents' questionnaire): the same verb as every family document, no consent needed."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from benchmarks.meeting_records import FAMILIES

from earlyyears_desktop.cli.main import main

from .conftest import MeetingVault, pdf_text


@pytest.fixture(autouse=True)
def _passphrase(monkeypatch: pytest.MonkeyPatch, meeting_vault: MeetingVault) -> None:
    monkeypatch.setenv("EARLYYEARS_PASSPHRASE", meeting_vault.passphrase)


def _names_in(text: str) -> list[str]:
    return [
        part
        for given, surname, carer, _ in FAMILIES
        for part in (given, surname, carer)
        if part in text
    ]


def test_the_letters_of_a_meeting_with_those_held_back_counted_by_id(
    meeting_vault: MeetingVault, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    records = meeting_vault.records
    out = tmp_path / "letters.pdf"
    args = ["handouts", str(meeting_vault.folder), "--meeting", records.meeting_id]
    assert main([*args, "--out", str(out)]) == 0
    captured = capsys.readouterr()
    assert captured.out.strip() == str(out.absolute())
    assert "Made 5 letters on" in captured.err
    assert "each family's from a new page in its own format" in captured.err
    assert (
        f"1 letter held back: no outcome is recorded yet for this child (discussion "
        f"{records.without_outcome[0]})." in captured.err
    )
    assert _names_in(captured.err) == []
    assert os.stat(out).st_mode & 0o777 == 0o600
    assert "Zoë Adeyemi" in pdf_text(out)

    large = tmp_path / "large.pdf"
    assert main([*args, "--out", str(large), "--large-print"]) == 0
    capsys.readouterr()
    assert large.stat().st_size > 0

    none = ["handouts", str(meeting_vault.folder), "--meeting", meeting_vault.none_ready.meeting_id]
    assert main([*none, "--out", str(tmp_path / "none.pdf")]) == 1
    err = capsys.readouterr().err
    assert "no outcome is recorded for any child" in err
    assert meeting_vault.none_ready.without_outcome[0] in err and _names_in(err) == []
    assert not (tmp_path / "none.pdf").exists()

    # the next meeting is still planned: no letters until it is marked held
    planned = ["handouts", str(meeting_vault.folder), "--meeting", records.next_meeting_id]
    assert main([*planned, "--out", str(tmp_path / "planned.pdf")]) == 1
    err = capsys.readouterr().err
    assert "Mark the meeting as held first: the letters tell the family what it decided." in err
    assert not (tmp_path / "planned.pdf").exists()


def test_the_parents_questionnaire_of_a_referral(
    meeting_vault: MeetingVault, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "questionnaire.pdf"
    referral = meeting_vault.records.unplanned_referral_id
    assert (
        main(["handouts", str(meeting_vault.folder), "--referral", referral, "--out", str(out)])
        == 0
    )
    err = capsys.readouterr().err
    assert "Made the parents' questionnaire on 2 pages (standard)." in err
    assert _names_in(err) == []
    text = pdf_text(out)
    assert "Your views before the meeting" in text and "Yusuf Demir" in text


@pytest.mark.parametrize(
    ("args", "message", "code"),
    [
        (["--meeting", "m", "--referral", "r"], "Please give exactly one of", 2),
        (["--meeting", "no-such-meeting"], "There is no meeting with that id", 2),
        (["--referral", "no-such-referral"], "There is no referral with that id", 2),
    ],
)
def test_exactly_one_known_meeting_or_referral(
    meeting_vault: MeetingVault,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    message: str,
    code: int,
) -> None:
    out = tmp_path / "h.pdf"
    assert main(["handouts", str(meeting_vault.folder), *args, "--out", str(out)]) == code
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1
    assert list(tmp_path.iterdir()) == []
