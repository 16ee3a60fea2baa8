"""Screenshots of removing a colleague who leaves, for docs/user-guide.md ("When someone
leaves").

Called by scripts/screenshots.py:

    rekey_shots(app, runner, tmp, out)

It makes its own small vault in `tmp` (cheap Argon2id, never for real records) with three
invented practitioners, one of whom has not unlocked since key slots became version 2, and
saves `remove-practitioner.png` (the dialog that asks, naming who will need a new passphrase)
`rekey-new-recovery-key.png` (the new recovery key every re-key makes, shown once) and
`removed-and-rekeyed.png` (Settings once it is done).

Run alone: python scripts/shots_rekey.py [--out DIR]
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import sys
from pathlib import Path

from PySide6.QtWidgets import QApplication
from shots_alone import FAST, PASSPHRASE, small_team_vault

from earlyyears_desktop.domain.enums import Role
from earlyyears_desktop.services.accounts import UnlockedVault, unlock
from earlyyears_desktop.services.container import Services
from earlyyears_desktop.storage.keyslots import KeySlotFile, normalise_passphrase
from earlyyears_desktop.ui.operations import OpRunner
from earlyyears_desktop.ui.preferences import Preferences
from earlyyears_desktop.ui.remove_practitioner import RemovePractitionerDialog
from earlyyears_desktop.ui.settings_page import NewRecoveryKeyDialog, SettingsPage

OTHERS = "kettle orange harbour 7"


def rekey_shots(app: QApplication, runner: OpRunner, tmp: Path, out: Path) -> None:
    from screenshots import SIZE, save, settle, wait_until  # scripts/ is on the path

    folder = tmp / "rekey-vault"
    created = small_team_vault(folder)
    amira = UnlockedVault.of(Services(created.vault))
    nguyen = amira.accounts.add_practitioner(
        "Nguyễn Thị Lan", Role.SENCO.value, "", OTHERS, params=FAST
    )
    leaver = amira.accounts.add_practitioner(
        "Sipho Dlamini", Role.PORTAGE_WORKER.value, "", OTHERS, params=FAST
    )
    # Lan's slot as an app before version 2 wrote it: she has not unlocked since.
    key = created.vault.current_data_key()
    slots = KeySlotFile.load(folder / "keyslots.json")
    for slot in slots.passphrase_slots(nguyen):
        slots.remove_slot(slot.id)
    slots.add_slot(
        key, normalise_passphrase(OTHERS), kind="passphrase", params=FAST, practitioner_id=nguyen
    )
    slots.save(folder / "keyslots.json")
    created.vault.lock()

    mine = unlock(folder, PASSPHRASE)
    page = SettingsPage(mine.services, mine.accounts, runner, Preferences(folder))
    page.resize(*SIZE)
    page.show()
    page.reload()
    wait_until(app, lambda: page.people.count() == 3)
    page.people.setCurrentRow(2)
    assert page.chosen_practitioner() == leaver
    page.open_remove_practitioner()
    wait_until(app, lambda: isinstance(page.dialog, RemovePractitionerDialog))
    dialog = page.dialog
    assert isinstance(dialog, RemovePractitionerDialog)
    settle(app)
    save(dialog, out, "remove-practitioner")
    dialog.rekey_button.click()
    wait_until(app, lambda: "new key" in page.message.text())
    wait_until(app, lambda: isinstance(page.dialog, NewRecoveryKeyDialog))
    shown = page.dialog
    assert isinstance(shown, NewRecoveryKeyDialog)
    settle(app)
    save(shown, out, "rekey-new-recovery-key")
    shown.kept.setChecked(True)
    shown.done_button.click()
    settle(app)
    save(page, out, "removed-and-rekeyed")
    page.close()
    mine.lock()


if __name__ == "__main__":
    from shots_alone import run_with_runner

    sys.exit(run_with_runner(rekey_shots, __doc__.splitlines()[0]))
