"""Pictures of the documents a family keeps, for docs/user-guide.md ("Documents for the
family").

Called by scripts/screenshots.py with the demo vault unlocked in the main window:

    family_document_shots(app, window, out)

Saves `family-document-preview.png` (the preview of a home visit's record) and two pages of
the PDFs themselves, rendered as the printer gets them: `family-activity-chart.png` (the
visit's last page) and `family-plan-copy.png` (the plan copy's first page). Every name shown
is invented by the demo package.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSize
from PySide6.QtWidgets import QApplication

from earlyyears_desktop.services.record_lists import RecordLists
from earlyyears_desktop.ui.document_preview import DocumentPreview, show_family_documents
from earlyyears_desktop.ui.main_window import MainWindow

#: the width of a rendered portrait page in pixels (about 100 dpi for A4); landscape 1.3 x
PAGE_WIDTH = 820


def family_document_shots(app: QApplication, window: MainWindow, out: Path) -> None:
    from screenshots import save, settle, wait_until  # the runner of all the shots

    services = window.services
    assert services is not None
    lists = RecordLists(services.uow)
    visit = lists.visits()[-1]
    plan = max(lists.plans(), key=lambda p: p.reviews)

    for kind, record_id, name, last in (
        ("visit", visit.id, "family-activity-chart", True),
        ("plan", plan.id, "family-plan-copy", False),
    ):
        ids = {"visit_id": record_id} if kind == "visit" else {"plan_id": record_id}
        show_family_documents(window, services, window.runner, **ids)
        wait_until(app, lambda: _shown(window) is not None)
        preview = _shown(window)
        assert preview is not None
        settle(app, 0.5)
        if kind == "visit":
            save(preview, out, "family-document-preview")
        document = preview.document
        index = document.pageCount() - 1 if last else 0
        points = document.pagePointSize(index)
        wide = points.width() > points.height()  # the chart's landscape page
        scale = PAGE_WIDTH * (1.3 if wide else 1) / points.width()
        size = QSize(int(points.width() * scale), int(points.height() * scale))
        path = out / f"{name}.png"
        document.render(index, size).save(str(path), "PNG", 9)
        print(f"{path}  {path.stat().st_size // 1024} KiB")
        preview.reject()
        preview.deleteLater()
        settle(app)


def _shown(window: MainWindow) -> DocumentPreview | None:
    """The preview on screen (one closed a moment ago may not be deleted yet)."""
    return next((p for p in window.findChildren(DocumentPreview) if p.isVisible()), None)
