"""Follow-up list, summaries and the CSV export (no Qt)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

from earlyyears_desktop.services.attendance_reports import (
    AttendanceReports,
    group_term_csv,
    write_csv,
)

from .conftest import TERM_END, TERM_START, TODAY, Term


def mark_term(term: Term) -> list[str]:
    """Mark every session up to today; child 0 misses the last two, child 1 comes rarely."""
    services = term.services
    sessions = [s for s in services.groups.sessions(group_id=term.group_id) if s.date <= TODAY]
    for n, session in enumerate(sessions):
        last_two = n >= len(sessions) - 2
        for i, child_id in enumerate(term.child_ids):
            if i == 0:
                status = "did_not_attend" if last_two else "present"
            elif i == 1:
                status = "present" if n % 3 == 0 else "apologies"
            elif i == 2 and n == len(sessions) - 1:
                continue  # not marked today: only one missed, not on the list
            else:
                status = "late" if n == 0 else "present"
            services.attendance.mark(session.id, child_id, status)
        services.attendance.end_session(session.id)
    return [s.id for s in sessions]


def reports(term: Term) -> AttendanceReports:
    return AttendanceReports(term.services.uow, lambda: TODAY)


def test_follow_up_lists_missed_in_a_row_and_low_attendance(term: Term) -> None:
    mark_term(term)
    rows = reports(term).follow_up(TERM_START, TERM_END, group_id=term.group_id)
    names = [r.name for r in rows]
    # Both missed the last two; the one who comes least is first.
    assert names == ["Oliver Brown", "Zoë Ávila"]
    oliver, zoe = rows
    assert zoe.missed_in_a_row == 2 and zoe.reasons == ("Missed the last 2 sessions",)
    assert zoe.carer == "Carmen Ávila"
    assert oliver.reasons == ("Missed the last 2 sessions", "Attended 4 of 12 sessions")
    assert oliver.rate is not None and oliver.rate < 0.6


def test_follow_up_skips_children_whose_enrolment_ended(term: Term) -> None:
    mark_term(term)
    groups = term.services.groups
    zoe = next(e for e in groups.enrolments(term.group_id) if e.child_id == term.child_ids[0])
    groups.end_enrolment(zoe.id, TODAY - dt.timedelta(days=1))
    rows = reports(term).follow_up(TERM_START, TERM_END)
    assert [r.name for r in rows] == ["Oliver Brown"]
    assert reports(term).follow_up(TERM_START, TERM_END, threshold=0.2, missed_in_a_row=3) == []


def test_session_group_and_child_summaries(term: Term) -> None:
    sessions = mark_term(term)
    r = reports(term)
    today = r.session(sessions[-1])
    assert (today.attended, today.did_not_attend, today.apologies, today.unmarked) == (3, 1, 1, 1)
    assert today.expected == 6
    summary = r.group_term(term.group_id, TERM_START, TERM_END)
    assert len(summary.sessions) == 15
    assert [s.counts for s in summary.sessions].count(True) == 12
    per_child = r.child(term.child_ids[1], TERM_START, TERM_END)
    assert [(g, c.attended, c.apologies, c.sessions) for g, c in per_child] == [
        ("Little Steps", 4, 8, 12)
    ]


def test_csv_has_the_register_grid_and_opens_with_accents(term: Term, tmp_path: Path) -> None:
    mark_term(term)
    summary = reports(term).group_term(term.group_id, TERM_START, TERM_END)
    path = tmp_path / "little-steps.csv"
    write_csv(path, group_term_csv(summary))
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    header = rows[0]
    assert header[0] == "Child" and header[1] == TERM_START.isoformat()
    assert header[-6:] == [
        "Attended",
        "Apologies",
        "Did not attend",
        "Not marked",
        "Sessions",
        "Attendance",
    ]
    body = {row[0]: row for row in rows[1:7]}
    assert set(body) == {
        "Aisha Khan",
        "Maya Patel",
        "Noah O'Neill",
        "Oliver Brown",
        "Theo Walsh",
        "Zoë Ávila",
    }
    zoe = body["Zoë Ávila"]
    assert zoe[1:13] == ["P"] * 10 + ["D", "D"]
    assert zoe[13:16] == ["", "", ""]  # sessions still to come
    assert zoe[-6:] == ["10", "0", "2", "0", "12", "83%"]
    assert body["Maya Patel"][1] == "L"
    assert body["Aisha Khan"][12] == "" and body["Aisha Khan"][-3] == "1"
    assert rows[8][0] == "Attended" and rows[8][12] == "3"


def test_csv_cells_never_start_a_formula(term: Term) -> None:
    from earlyyears_desktop.services.attendance_reports import _cell

    assert _cell("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert _cell("Zoë") == "Zoë"
