"""`earlyyears handouts DIR --visit ID | --plan ID` and `earlyyears list DIR visits|plans`."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from earlyyears_desktop.cli.main import main

from .conftest import FamilyVault, pdf_text


@pytest.fixture(autouse=True)
def _passphrase(monkeypatch: pytest.MonkeyPatch, family_vault: FamilyVault) -> None:
    monkeypatch.setenv("EARLYYEARS_PASSPHRASE", family_vault.passphrase)


def test_a_visit_record_and_a_plan_copy_from_the_command_line(
    family_vault: FamilyVault, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    zoe = family_vault.families["Zoë Adeyemi"]
    folder = str(family_vault.folder)
    visit, plan = tmp_path / "visit.pdf", tmp_path / "plan.pdf"
    assert main(["handouts", folder, "--visit", zoe.visit_id, "--out", str(visit)]) == 0
    captured = capsys.readouterr()
    assert captured.out.strip() == str(visit.absolute())
    assert "Made the visit record and activity chart on 2 pages (standard)." in captured.err
    assert "Zoë" not in captured.err
    assert main(["handouts", folder, "--plan", zoe.plan_id, "--out", str(plan)]) == 0
    assert "support plan and one-page profile" in capsys.readouterr().err
    for path, said in ((visit, "Our visit"), (plan, "My support plan")):
        assert os.stat(path).st_mode & 0o777 == 0o600
        text = pdf_text(path)
        assert said in text and "Zoë Adeyemi" in text

    large = tmp_path / "large.pdf"
    args = ["handouts", folder, "--plan", zoe.plan_id, "--out", str(large), "--large-print"]
    assert main(args) == 0
    assert "(large print)" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            [],
            "Please give exactly one of --session ID, --visit ID, --plan ID, --meeting ID or "
            "--referral ID.",
        ),
        (["--visit", "{visit}", "--plan", "{plan}"], "Please give exactly one of"),
        (["--session", "s", "--visit", "{visit}"], "Please give exactly one of"),
        (["--visit", "no-such-visit"], "There is no home visit with that id"),
        (["--plan", "no-such-plan"], "There is no support plan with that id"),
    ],
)
def test_exactly_one_known_record(
    family_vault: FamilyVault,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    message: str,
) -> None:
    zoe = family_vault.families["Zoë Adeyemi"]
    filled = [a.format(visit=zoe.visit_id, plan=zoe.plan_id) for a in args]
    out = tmp_path / "h.pdf"
    assert main(["handouts", str(family_vault.folder), *filled, "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert message in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert "Zoë" not in err and "Adeyemi" not in err
    assert list(tmp_path.iterdir()) == []


def test_a_visit_still_being_written_is_refused(
    family_vault: FamilyVault, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["--visit", family_vault.in_progress_visit_id, "--out", str(tmp_path / "h.pdf")]
    assert main(["handouts", str(family_vault.folder), *args]) == 1
    assert "still being written" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_list_visits_and_plans(
    family_vault: FamilyVault, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = str(family_vault.folder)
    assert main(["list", folder, "visits", "--json"]) == 0
    visits = json.loads(capsys.readouterr().out)
    records = family_vault.families.values()
    assert {v["id"] for v in visits} == {r.visit_id for r in records} | {
        family_vault.in_progress_visit_id
    }
    zoe = family_vault.families["Zoë Adeyemi"]
    first = next(v for v in visits if v["id"] == zoe.visit_id)
    assert set(first) == {"id", "child_id", "date", "next_visit", "status", "practitioner_id"}
    assert first["child_id"] == zoe.child_id
    assert first["date"] == "2026-11-24" and first["next_visit"] == "2026-12-08"
    assert first["status"] == "finished"

    assert main(["list", folder, "plans", "--json"]) == 0
    plans = json.loads(capsys.readouterr().out)
    assert {p["id"] for p in plans} == {r.plan_id for r in records}
    assert {(p["started"], p["next_review"], p["status"], p["reviews"]) for p in plans} == {
        ("2026-01-12", "2027-01-18", "active", 3)
    }

    assert main(["list", folder, "plans"]) == 0
    table = capsys.readouterr().out
    assert table.splitlines()[0].split() == [
        "id",
        "child_id",
        "started",
        "next_review",
        "status",
        "reviews",
    ]
    for name in ("Zoë", "Adeyemi", "Siân", "Priya"):
        assert name not in table
