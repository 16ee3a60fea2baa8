"""Screenshots of administrators in Settings, for docs/user-guide.md ("Settings").

Called by scripts/screenshots.py:

    admins_shots(app, runner, tmp, out)

It makes its own small vault in `tmp` (cheap Argon2id, never for real records) with three
invented practitioners, the first its administrator, and saves `settings-administrators.png`
(the list with "Administrator" beside the administrators, and a colleague told whom to ask)
and `reset-colleague-passphrase.png` (the dialog an administrator resets a colleague's
forgotten passphrase in).

Run alone: python scripts/shots_admins.py [--out DIR]
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
from earlyyears_desktop.ui.colleague_passphrase import ResetPassphraseDialog
from earlyyears_desktop.ui.operations import OpRunner
from earlyyears_desktop.ui.preferences import Preferences
from earlyyears_desktop.ui.settings_page import SettingsPage

SIPHO = "kettle orange harbour 7"


def admins_shots(app: QApplication, runner: OpRunner, tmp: Path, out: Path) -> None:
    from screenshots import SIZE, save, settle, wait_until  # scripts/ is on the path

    folder = tmp / "admins-vault"
    created = small_team_vault(folder)
    amira = UnlockedVault.of(Services(created.vault))
    amira.accounts.add_practitioner("Søren Ólafsson", "senco", "", SIPHO, params=FAST)
    sipho = amira.accounts.add_practitioner(
        "Sipho Dlamini", Role.PORTAGE_WORKER.value, "", SIPHO, params=FAST
    )
    created.vault.lock()

    theirs = unlock(folder, SIPHO, practitioner_id=sipho)
    page = SettingsPage(theirs.services, theirs.accounts, runner, Preferences(folder))
    page.resize(*SIZE)
    page.show()
    page.reload()
    wait_until(app, lambda: page.people.count() == 3)
    page.people.setCurrentRow(2)
    page.open_add_practitioner()
    wait_until(app, lambda: "Ask" in page.message.text())
    save(page, out, "settings-administrators")
    page.close()
    theirs.lock()

    mine = unlock(folder, PASSPHRASE)
    page = SettingsPage(mine.services, mine.accounts, runner, Preferences(folder))
    page.resize(*SIZE)
    page.show()
    page.open_reset_passphrase()
    wait_until(app, lambda: isinstance(page.dialog, ResetPassphraseDialog))
    dialog = page.dialog
    assert isinstance(dialog, ResetPassphraseDialog)
    dialog.who.setCurrentIndex(dialog.who.findText("Sipho Dlamini"))
    dialog.key.setText("7KQ2M-XW4PD-HT9RC-3VNJB-Q8ZKL-M2F6T-WD5RY-P9GXH")
    dialog.new.setText("lantern meadow otter 42")
    settle(app)
    save(dialog, out, "reset-colleague-passphrase")
    dialog.reject()
    page.close()
    mine.lock()


if __name__ == "__main__":
    from shots_alone import run_with_runner

    sys.exit(run_with_runner(admins_shots, __doc__.splitlines()[0]))
