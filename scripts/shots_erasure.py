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

import argparse
import datetime as dt
import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from earlyyears_desktop.domain.enums import ChildStatus, Role
from earlyyears_desktop.services.children import ChildInput
from earlyyears_desktop.services.clock import Clock
from earlyyears_desktop.services.container import Services, set_up_vault
from earlyyears_desktop.services.observations import ObservationInput
from earlyyears_desktop.storage.keyslots import KdfParams
from earlyyears_desktop.ui.erase_child import EraseChildDialog
from earlyyears_desktop.ui.operations import OpRunner
from earlyyears_desktop.ui.retention_review import RetentionBox, RetentionReviewDialog

FAST = KdfParams.for_tests()
PASSPHRASE = "correct horse battery staple"
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

    created = set_up_vault(
        tmp / "erasure-vault",
        team_name="Cherwell Early Years SEND Team",
        practitioner_name="Amira Haddad",
        role=Role.GROUP_LEADER.value,
        passphrase=PASSPHRASE,
        params=FAST,
    )
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).parent.parent / "docs/images")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    runner = OpRunner()
    with tempfile.TemporaryDirectory(prefix="earlyyears-shots-") as tmp:
        erasure_shots(app, runner, Path(tmp), args.out)
        runner.wait_for_idle()
    return 0


if __name__ == "__main__":
    sys.exit(main())
