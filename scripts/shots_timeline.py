"""Screenshots of a child's timeline, for docs/user-guide.md ("The timeline").

Called by scripts/screenshots.py with the Children page showing a demo child's record:

    timeline_shots(app, record, out)

Saves `timeline.png` (every kind, newest first) and `timeline-filtered.png` (attendance
switched off). Every name shown is invented by the demo package.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QApplication

from earlyyears_desktop.services.timeline import TimelineKind
from earlyyears_desktop.ui.child_record import ChildRecordView


def timeline_shots(app: QApplication, record: ChildRecordView, out: Path) -> None:
    from screenshots import save, settle, wait_until  # the runner of all the shots

    timeline = record.timeline
    record.ensureWidgetVisible(record.timeline_box)
    timeline.list.setFocus()
    timeline.list.setCurrentIndex(timeline.model.index(0))
    settle(app)
    save(record.timeline_box, out, "timeline")

    attendance = timeline.toggles[TimelineKind.ATTENDANCE]
    attendance.setChecked(False)
    wait_until(
        app,
        lambda: not timeline.model.loading and TimelineKind.ATTENDANCE not in timeline.model.kinds,
    )
    settle(app)
    save(record.timeline_box, out, "timeline-filtered")
    attendance.setChecked(True)
    settle(app)
