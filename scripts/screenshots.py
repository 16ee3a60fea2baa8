"""Screenshots for docs/user-guide.md, taken from the real widgets on a fictional demo vault.

    python scripts/screenshots.py [--out docs/images]

Builds a demo vault in a temporary folder (cheap Argon2id settings: never for real records;
the setup wizard's own vault is tuned on the machine, as for a user), drives the windows
offscreen and saves each screen with QWidget.grab(). Every name shown is invented by the demo
package (src/earlyyears_desktop/demo/).
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import argparse
import datetime as dt
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QApplication, QWidget, QWizard
from shots_admins import admins_shots
from shots_auditview import auditview_shots
from shots_backup import backup_shots
from shots_caseload import caseload_shots
from shots_childstrategies import child_strategies_shots
from shots_docs import family_document_shots
from shots_erasure import erasure_shots
from shots_faults import fault_shots
from shots_first_steps import first_steps_shots
from shots_integrity import integrity_shots
from shots_keys import keyboard_shots
from shots_letters import letters_shots
from shots_library import library_shots
from shots_look import look_shots
from shots_meeting import meeting_shots
from shots_observations import observation_shots
from shots_plans import plans_shots
from shots_referrals import referral_shots
from shots_register import register_note_shots
from shots_register_keys import register_keys_shots
from shots_rekey import rekey_shots
from shots_restore import restore_shots
from shots_search import search_shots  # scripts/ is on the path when this runs
from shots_targets import target_shots
from shots_timeline import timeline_shots
from shots_visit import visit_shots

from earlyyears_desktop.demo import DEMO_PASSPHRASE, create_demo_vault
from earlyyears_desktop.services.clock import Clock
from earlyyears_desktop.storage.keyslots import KdfParams
from earlyyears_desktop.ui.main_window import MainWindow
from earlyyears_desktop.ui.operations import OpRunner
from earlyyears_desktop.ui.settings_page import NewRecoveryKeyDialog
from earlyyears_desktop.ui.setup_wizard import SetupWizard
from earlyyears_desktop.ui.theme import apply_theme

SIZE = (1366, 768)
#: the day the pictures show: a Wednesday in term, when Little Steps meets (the same pictures
#: whatever day they are taken)
PICTURE_DAY = dt.date(2026, 11, 25)


def wait_until(app: QApplication, done: Callable[[], bool], timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not done():
        app.processEvents()
        if time.monotonic() > deadline:
            raise TimeoutError("the screen did not get ready in time")
        time.sleep(0.01)
    settle(app)


def settle(app: QApplication, seconds: float = 0.15) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.01)


def save(widget: QWidget, out: Path, name: str) -> None:
    path = out / f"{name}.png"
    widget.grab().save(str(path), "PNG", 9)
    print(f"{path}  {path.stat().st_size // 1024} KiB")


def wizard_shots(app: QApplication, runner: OpRunner, tmp: Path, out: Path) -> None:
    wizard = SetupWizard(tmp / "new-vault", runner)
    wizard.resize(720, 520)
    wizard.show()
    wizard.team_page.team.setText("Cherwell Early Years SEND Team")
    settle(app)
    save(wizard, out, "setup-1-team")
    wizard.next()
    wizard.practitioner_page.name.setText("Amira Haddad")
    wizard.next()
    wizard.passphrase_page.passphrase.setText("kettle orange harbour 7")
    wizard.passphrase_page.again.setText("kettle orange harbour 7")
    settle(app)
    save(wizard, out, "setup-2-passphrase")
    wizard.button(QWizard.WizardButton.NextButton).click()
    wait_until(app, lambda: wizard.currentPage() is wizard.key_page)
    save(wizard, out, "setup-3-recovery-key")
    wizard.key_page.kept.setChecked(True)
    wizard.next()
    settle(app)
    save(wizard, out, "setup-4-check-key")
    if wizard.created is not None:
        wizard.created.unlocked.lock()
    wizard.hide()
    wizard.deleteLater()


def main_window_shots(app: QApplication, runner: OpRunner, tmp: Path, out: Path) -> None:
    folder = tmp / "demo-vault"
    demo = create_demo_vault(
        folder, DEMO_PASSPHRASE, params=KdfParams.for_tests(), today=PICTURE_DAY
    )
    demo.vault.lock()
    window = MainWindow(folder, runner, clock=Clock.fixed(PICTURE_DAY))
    window.resize(*SIZE)
    window.show()
    settle(app)
    save(window, out, "unlock")

    screen = window.unlock_screen
    screen.passphrase.setText("not the passphrase")
    screen.try_unlock()
    wait_until(app, lambda: "not right" in screen.message.text())
    save(window, out, "unlock-wrong-passphrase")

    screen.passphrase.setText(DEMO_PASSPHRASE)
    screen.try_unlock()
    wait_until(app, lambda: not window.is_locked)
    today = window.page("today")
    wait_until(app, lambda: today.summary is not None and bool(window.who_label.text()))
    save(window, out, "today")

    window.show_page("groups")
    groups = window.page("groups")
    wait_until(
        app,
        lambda: groups.register_view is not None and groups.register_view.register is not None,
    )
    save(window, out, "groups")
    view = groups.register_view
    register_keys_shots(app, window, view, out)
    # At the door: "Register only" (F11), with the first few children marked.
    for child_id, status in zip(
        view.order[:4], ["present", "present", "late", "apologies"], strict=True
    ):
        view.mark_child(child_id, status)
    wait_until(app, lambda: not view._pending() and runner.running == 0)
    window.toggle_register_only()
    settle(app, 0.3)
    save(window, out, "register-only")
    register_note_shots(app, window, view, out)
    window.toggle_register_only()
    settle(app)
    groups.edit_group()
    wait_until(app, lambda: groups.dialog is not None and groups.dialog.isVisible())
    save(groups.dialog, out, "group-dialog")
    groups.dialog.reject()
    groups.schedule_term()
    term = groups.dialog
    term.skip_from.setDate(term.skip_from.date().addDays(28))
    term.skip_to.setDate(term.skip_from.date().addDays(4))
    term.add_skip()
    settle(app)
    save(term, out, "schedule-term")
    term.reject()
    groups.open_enrolments()
    enrolments = groups.dialog
    wait_until(app, lambda: enrolments.table.rowCount() > 0)
    save(enrolments, out, "enrolments")
    enrolments.reject()

    window.show_page("children")
    children = window.page("children")
    wait_until(app, lambda: children.model.rowCount() > 0)
    children.search.setText("zoe")
    wait_until(app, lambda: children.model.rowCount() == 1)
    children.table.setCurrentIndex(children.model.index(0, 0))
    wait_until(app, lambda: children.record.view is not None)
    save(window, out, "children-search")
    child_strategies_shots(app, window, out)
    target_shots(app, window, out)
    timeline_shots(app, children.record, out)
    record = children.record
    record.add_carer()
    carer = record.dialog
    carer.name.setText("Funmi Adeyemi")
    carer.email.setText("funmi at example")
    carer.save()
    wait_until(app, lambda: carer.errors["email"].isVisible())
    save(carer, out, "carer-dialog")
    carer.reject()
    record.record_consent()
    settle(app)
    save(record.dialog, out, "consent-dialog")
    record.dialog.reject()
    observation_shots(app, children, out, wait_until, save)
    children.search.clear()
    wait_until(app, lambda: children.model.rowCount() > 1)
    save(window, out, "children")

    children.add_child()
    form = children.new_form
    form.given.setText("Nia")
    form.family.setText("Brennan")
    future = PICTURE_DAY + dt.timedelta(days=40)
    form.dob.setText(future.strftime("%d/%m/%Y"))
    form.save()
    wait_until(app, lambda: form.errors["date_of_birth"].isVisible())
    form.resize(680, 720)
    settle(app)
    save(form, out, "child-form-validation")
    form.reject()

    search_shots(app, window, out)
    library_shots(app, window, out)
    plans_shots(app, window, out)
    visit_shots(app, window, out)

    window.show_page("handouts")
    handouts = window.page("handouts")
    wait_until(app, lambda: handouts.session_box.count() > 0)
    save(window, out, "handouts-empty")
    family_document_shots(app, window, out)

    caseload_shots(app, window, out)
    referral_shots(app, window, out)
    meeting_shots(app, window, out)
    integrity_shots(app, window, out)
    auditview_shots(app, window, out)
    backup_shots(app, window, out)
    restore_shots(app, window, out)
    look_shots(app, window, out)
    keyboard_shots(app, window, out)

    window.show_page("settings")
    settle(app, 0.4)
    save(window, out, "settings")
    settings = window.page("settings")
    settings.open_change_passphrase()
    change = settings.dialog
    change.current.setText(DEMO_PASSPHRASE)
    change.new.setText("lantern meadow otter 42")
    settle(app)
    save(change, out, "change-passphrase")
    change.reject()
    # A made-up key: the dialog only shows what it is given.
    key_dialog = NewRecoveryKeyDialog(
        "7KQ2M-XW4PD-HT9RC-3VNJB-Q8ZKL-M2F6T-WD5RY-P9GXH", "Cherwell Early Years SEND Team"
    )
    key_dialog.show()
    settle(app)
    save(key_dialog, out, "new-recovery-key")
    key_dialog.reject()
    apply_theme(app, True)
    window.show_page("children")
    wait_until(app, lambda: children.model.rowCount() > 0)
    settle(app, 0.3)
    save(window, out, "high-contrast")
    apply_theme(app, False)

    window.lock()
    settle(app)
    save(window, out, "locked")
    window.idle.remove()
    window.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).parent.parent / "docs/images")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Early Years")
    runner = OpRunner()
    with tempfile.TemporaryDirectory(prefix="earlyyears-shots-") as tmp:
        wizard_shots(app, runner, Path(tmp), args.out)
        main_window_shots(app, runner, Path(tmp), args.out)
        letters_shots(app, runner, Path(tmp), args.out)
        admins_shots(app, runner, Path(tmp), args.out)
        erasure_shots(app, runner, Path(tmp), args.out)
        fault_shots(app, runner, Path(tmp), args.out)
        rekey_shots(app, runner, Path(tmp), args.out)
        first_steps_shots(app, runner, Path(tmp), args.out)
        runner.wait_for_idle()
    return 0


if __name__ == "__main__":
    sys.exit(main())
