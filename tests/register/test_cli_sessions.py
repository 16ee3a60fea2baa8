"""`earlyyears sessions DIR --json`: stable JSON with who was present or late."""

from __future__ import annotations

import json

from earlyyears_desktop.cli.main import main

from .conftest import PASSPHRASE, TODAY, Term


def test_sessions_json_lists_present_and_late_by_preferred_name(
    term: Term, capsys, monkeypatch
) -> None:
    attendance = term.services.attendance
    zoe, oliver, aisha, noah = term.child_ids[:4]
    attendance.mark(term.today_session, zoe, "present")
    attendance.mark(term.today_session, oliver, "late")
    attendance.mark(term.today_session, aisha, "apologies")
    attendance.mark(term.today_session, noah, "did_not_attend")
    term.services.vault.lock()
    monkeypatch.setenv("EARLYYEARS_PASSPHRASE", PASSPHRASE)

    assert main(["sessions", str(term.folder), "--json"]) == 0
    first = capsys.readouterr().out
    assert main(["sessions", str(term.folder), "--json"]) == 0
    assert capsys.readouterr().out == first  # stable

    rows = json.loads(first)
    assert len(rows) == 15
    assert all(sorted(r) == ["date", "group", "id", "present", "status"] for r in rows)
    assert [r["date"] for r in rows] == sorted(r["date"] for r in rows)
    today = next(r for r in rows if r["date"] == TODAY.isoformat())
    assert today == {
        "id": term.today_session,
        "group": "Little Steps",
        "date": "2026-11-25",
        "status": "planned",
        "present": ["Oliver", "Zoë"],
    }
    assert "Zoë" in first  # not escaped
