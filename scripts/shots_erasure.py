"""Screenshots of erasing a child and of retention, for docs/user-guide.md ("When a family asks
for their data to be erased", "Keeping records: retention").

Called by scripts/screenshots.py:

    erasure_shots(app, runner, tmp, out)

It makes its own small vault in `tmp` (cheap Argon2id, never for real records) with invented
children whose cases closed years ago, and saves `erase-child-dialog.png` (the confirmation
with ERASE typed), `retention-settings.png` (Settings ▸ Keeping records) and
`retention-review.png` (Records ▸ Retention review… with one child ticked).

Run alone: python scripts/shots_erasure.py [--out DIR]
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import datetime as dt
import sys
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from shots_alone import small_team_vault

from earlyyears_desktop.domain.enums import ChildStatus
from earlyyears_desktop.services.children import ChildInput
from earlyyears_desktop.services.clock import Clock
from earlyyears_desktop.services.container import Services
from earlyyears_desktop.services.observations import ObservationInput
from earlyyears_desktop.ui.erase_child import EraseChildDialog
from earlyyears_desktop.ui.operations import OpRunner
from earlyyears_desktop.ui.retention_review import RetentionBox, RetentionReviewDialog

#: far enough after the wall clock that the invented cases closed years "ago"
DAY = dt.date(2100, 3, 1)
CHILDREN = (
    ("Aroha", "Ngata-Wiremu", dt.date(2090, 7, 18)),
    ("Bogdan", "Kowalczyk", dt.date(2092, 12, 3)),
    ("Chiamaka", "Obi-Ødegaard", dt.date(2093, 4, 27)),
    ("Dávid", "Szőke", dt.date(2098, 1, 9)),
)


def erasure_shots(app: QApplication, runner: OpRunner, tmp: Path, out: Path) -> None:
    from screenshots import save, settle, wait_until  # scripts/ is on the path

    created = small_team_vault(tmp / "erasure-vault")
    services = Services(created.vault, clock=Clock.fixed(DAY))
    for given, family, seen in CHILDREN:
        child = services.children.create_child(
            ChildInput(given, family, dt.date(seen.year - 3, 5, 1), status=ChildStatus.CLOSED)
        ).id
        services.observations.add(ObservationInput(child, "Joined in the song", observed_on=seen))

    dialog = EraseChildDialog("Chiamaka Obi-Ødegaard")
    dialog.resize(620, 400)
    dialog.show()
    dialog.word.setText("ERASE")
    settle(app)
    save(dialog, out, "erase-child-dialog")
    dialog.close()

    box = RetentionBox(services, runner)
    box.resize(760, 200)
    box.show()
    box.enabled.setChecked(True)
    box.years.setValue(3)
    box.save()
    wait_until(app, lambda: "after 3 years" in box.outcome.text())
    save(box, out, "retention-settings")
    box.close()

    review = RetentionReviewDialog(services, runner)
    review.resize(760, 520)
    review.show()
    wait_until(app, lambda: review.model.rowCount() == 3)
    review.model.item(0, 0).setCheckState(Qt.CheckState.Checked)
    review.confirm.setText("1")
    settle(app)
    save(review, out, "retention-review")
    review.close()
    runner.wait_for_idle()
    created.vault.lock()


if __name__ == "__main__":
    from shots_alone import run_with_runner

    sys.exit(run_with_runner(erasure_shots, __doc__.splitlines()[0]))
