"""The attendance tab: summary, follow-up list, chart and CSV export, on a real vault."""

from __future__ import annotations

from pathlib import Path

from earlyyears_desktop.ui.attendance_view import AttendanceView

from .test_reports import mark_term


def test_attendance_view_shows_follow_up_and_exports(qtbot, term, runner, tmp_path: Path) -> None:
    mark_term(term)
    view = AttendanceView(term.services, runner)
    qtbot.addWidget(view)
    view.show()
    view.set_group(term.group_id)
    qtbot.waitUntil(lambda: view.summary is not None, timeout=5000)
    assert view.children_table.rowCount() == 6
    assert view.follow_table.rowCount() == 2
    assert view.follow_table.item(1, 0).text() == "Zoë Ávila"
    assert len(view.chart.series()) == 2
    target = tmp_path / "export.csv"
    view.export_csv(target)
    qtbot.waitUntil(lambda: target.exists() and runner.running == 0, timeout=5000)
    assert target.read_bytes().startswith(b"\xef\xbb\xbfChild,")
    assert "Zoë Ávila" in target.read_text(encoding="utf-8-sig")
    view.clear_personal_data()
    assert view.children_table.rowCount() == 0 and view.follow_table.rowCount() == 0
