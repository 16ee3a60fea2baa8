"""Screenshots of a child's timeline, for docs/user-guide.md ("The timeline").

Called by scripts/screenshots.py with the Children page showing a demo child's record:

    timeline_shots(app, record, out)

Saves `timeline.png` (every kind, newest first) and `timeline-filtered.png` (attendance
switched off). Every name shown is invented by the demo package.
"""

from __future__ import annotations

import time
from pathlib import Path

from PySide6.QtWidgets import QApplication, QWidget

from earlyyears_desktop.services.timeline import TimelineKind
from earlyyears_desktop.ui.child_record import ChildRecordView


def _settle(app: QApplication, seconds: float = 0.2) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.01)


def _save(widget: QWidget, out: Path, name: str) -> None:
    path = out / f"{name}.png"
    widget.grab().save(str(path), "PNG", 9)
    print(f"{path}  {path.stat().st_size // 1024} KiB")


def timeline_shots(app: QApplication, record: ChildRecordView, out: Path) -> None:
    timeline = record.timeline
    record.ensureWidgetVisible(record.timeline_box)
    timeline.list.setFocus()
    timeline.list.setCurrentIndex(timeline.model.index(0))
    _settle(app)
    _save(record.timeline_box, out, "timeline")

    attendance = timeline.toggles[TimelineKind.ATTENDANCE]
    attendance.setChecked(False)
    deadline = time.monotonic() + 20
    while timeline.model.loading or TimelineKind.ATTENDANCE in timeline.model.kinds:
        app.processEvents()
        if time.monotonic() > deadline:
            raise TimeoutError("the timeline did not reload in time")
        time.sleep(0.01)
    _settle(app)
    _save(record.timeline_box, out, "timeline-filtered")
    attendance.setChecked(True)
    _settle(app)
