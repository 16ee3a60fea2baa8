"""Pictures of the parents' questionnaire and the letters after a meeting, for
docs/user-guide.md. Called from scripts/screenshots.py:

    letters_shots(app, runner, tmp, out)

Builds its own small vault (cheap Argon2id: invented records only) with a held liaison group
meeting of six children (`benchmarks/meeting_records.py`), then saves `letters-preview.png`
(the preview of the meeting's letters, with the child held back and, once saved, the row
recording the sending), `outcome-letter.png` (a letter's first page) and
`parents-questionnaire.png` (the questionnaire's first page), the pages rendered as the
printer gets them. Every name shown is invented.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QSize
from PySide6.QtWidgets import QApplication, QWidget

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # for `benchmarks`

from benchmarks.meeting_records import MEETING_DAY, TODAY, add_meeting

from earlyyears_desktop.services.clock import Clock
from earlyyears_desktop.services.container import Services, set_up_vault
from earlyyears_desktop.storage.keyslots import KdfParams
from earlyyears_desktop.ui.document_preview import DocumentPreview, show_family_documents
from earlyyears_desktop.ui.letters_preview import LettersPreview
from earlyyears_desktop.ui.operations import OpRunner

#: the width of a rendered page in pixels (about 100 dpi for A4)
PAGE_WIDTH = 820


def letters_shots(app: QApplication, runner: OpRunner, tmp: Path, out: Path) -> None:
    from screenshots import save, settle, wait_until  # the runner of all the shots

    created = set_up_vault(
        tmp / "letters-vault",
        team_name="Kingsford Early Years Team",
        practitioner_name="Oluwaseun Adébáyọ̀",
        role="portage_worker",
        passphrase="invented records only",
        params=KdfParams.for_tests(),
    )
    services = Services(created.vault, clock=Clock.fixed(TODAY))
    try:
        records = add_meeting(services, 6, without_outcome=1)
        parent = QWidget()
        parent.resize(1366, 768)

        show_family_documents(parent, services, runner, meeting_id=records.meeting_id)
        wait_until(app, lambda: parent.findChild(LettersPreview) is not None)
        letters = parent.findChild(LettersPreview)
        assert letters is not None
        day = MEETING_DAY.isoformat()
        letters.status.setText(
            f"Saved 5 letters in /home/oluwaseun/Letters: letter-01-{day}.pdf to "
            f"letter-05-{day}.pdf, numbered as in the list above."
        )
        letters.after_output()
        settle(app, 0.5)
        save(letters, out, "letters-preview")
        _page(letters, 0, out / "outcome-letter.png")
        letters.reject()

        show_family_documents(parent, services, runner, referral_id=records.planned_referral_id)
        wait_until(app, lambda: _questionnaire(parent) is not None)
        questionnaire = _questionnaire(parent)
        assert questionnaire is not None
        settle(app, 0.5)
        _page(questionnaire, 0, out / "parents-questionnaire.png")
        questionnaire.reject()
        settle(app)
        parent.deleteLater()
    finally:
        runner.wait_for_idle()
        created.vault.lock()


def _questionnaire(parent: QWidget) -> DocumentPreview | None:
    found = [
        p
        for p in parent.findChildren(DocumentPreview)
        if not isinstance(p, LettersPreview) and p.isVisible()
    ]
    return found[0] if found else None


def _page(preview: DocumentPreview, index: int, path: Path) -> None:
    document = preview.document
    points = document.pagePointSize(index)
    scale = PAGE_WIDTH / points.width()
    size = QSize(int(points.width() * scale), int(points.height() * scale))
    document.render(index, size).save(str(path), "PNG", 9)
    print(f"{path}  {path.stat().st_size // 1024} KiB")
