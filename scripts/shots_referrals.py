"""Screenshots of the Meetings page's referrals and the family's answers, for docs/user-guide.md
("Meetings: referrals to the liaison group").

Called by scripts/screenshots.py with the main window unlocked on the demo vault:

    referral_shots(app, window, out)

It first adds its own referrals and two meetings to the demo vault through the services (five
demo children referred, questionnaires sent and answered, one liaison group held and the next
planned), then saves `meetings.png` (the page: referrals waiting, meetings to come and past),
`referral-agreement.png` (Refer a child…, refused without the parents' agreement),
`referral-answers.png` (the family's answers typed in, their questions in order) and
`child-referrals.png` (the box on a child's record). Every name shown is invented by the demo
package or here.

Run alone (it builds its own demo vault): python scripts/shots_referrals.py [--out DIR]
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import argparse
import datetime as dt
import sys
import tempfile
from pathlib import Path

from PySide6.QtWidgets import QApplication

from earlyyears_desktop.domain.enums import MeetingKind, QuestionnaireReturn
from earlyyears_desktop.services.children import ChildFilter
from earlyyears_desktop.services.container import Services
from earlyyears_desktop.services.meetings import MeetingInput
from earlyyears_desktop.services.referrals import AnswersInput, ReferralInput
from earlyyears_desktop.ui.answers_dialog import AnswersDialog
from earlyyears_desktop.ui.children_page import ChildrenPage
from earlyyears_desktop.ui.main_window import MainWindow
from earlyyears_desktop.ui.meetings_page import MeetingsPage
from earlyyears_desktop.ui.referral_dialogs import ReferralDialog

D = dt.date
REFERRERS = (
    ("Dr Farah Siddiqui", "Community paediatrician", "Kingsford NHS Trust"),
    ("Siân Pritchard", "Specialist health visitor", "Kingsford NHS Trust"),
    ("Tendai Moyo", "Speech and language therapist", "Kingsford NHS Trust"),
    ("Oluwaseun Adébáyọ̀", "Portage practitioner", "Kingsford Early Years"),
    ("Dr Anneliese Brandt", "Psychologist", "Kingsford NHS Trust"),
)
REASONS = (
    "Few words at 2½; not yet pointing to share interest. Parents worried about nursery.",
    "Not yet sitting unaided at 14 months; startles at loud sounds.",
    "Speech hard to understand; frustrated when not understood.",
    "Needs a lot of help to join in; big feelings at changes of activity.",
    "Late to walk; tires quickly; may need support for the move into school.",
)


def add_referrals(services: Services) -> list[str]:
    """Five demo children referred this autumn; the first discussed at October's group."""
    children = services.children.search_ids(ChildFilter())[:5]
    referred = [D(2026, 10, 5), D(2026, 10, 14), D(2026, 11, 2), D(2026, 11, 9), D(2026, 11, 16)]
    ids = []
    for child, on, (name, role, agency), reason in zip(
        children, referred, REFERRERS, REASONS, strict=True
    ):
        ids.append(
            services.referrals.refer(
                ReferralInput(
                    child_id=child,
                    referred_on=on,
                    referrer_name=name,
                    referrer_role=role,
                    referrer_agency=agency,
                    discussed_with_parents_on=on - dt.timedelta(days=3),
                    parents_agreed_by="Mother",
                    parents_agreed_on=on - dt.timedelta(days=3),
                    parents_agreed_how="In person",
                    reason=reason,
                )
            ).id
        )
    for referral, sent in zip(
        ids[:4], (D(2026, 10, 6), D(2026, 10, 15), D(2026, 11, 3), D(2026, 11, 10)), strict=True
    ):
        services.referrals.questionnaire_sent(referral, sent)
    services.referrals.record_answers(
        ids[1],
        AnswersInput(
            D(2026, 11, 12),
            QuestionnaireReturn.PHONE.value,
            going_well="She loves bath time and splashing; she smiles at her big brother.",
            concerns="She does not sit up yet and cries at the hoover.",
            to_talk_about="Whether she needs physiotherapy, and help at nursery.",
            hear_back_how="A phone call, then the letter",
            questions=(
                "Will she need a physiotherapist?",
                "Can someone check her hearing?",
                "What help can nursery give?",
            ),
        ),
    )
    services.referrals.record_answers(
        ids[2],
        AnswersInput(
            D(2026, 11, 18), QuestionnaireReturn.PAPER.value, questions=("Will he talk?",)
        ),
    )
    october = services.meetings.plan(
        MeetingInput(
            MeetingKind.LIAISON_GROUP.value,
            "Kingsford pre-school liaison group",
            D(2026, 10, 21),
            starts_at=dt.time(9, 30),
            venue="Riverside Children's Centre",
            chair_name="Dr Farah Siddiqui",
            chair_role="Community paediatrician",
        )
    ).id
    services.meetings.add_referrals(october, ids[:1])
    services.meetings.mark_held(october)
    december = services.meetings.plan(
        MeetingInput(
            MeetingKind.LIAISON_GROUP.value,
            "Kingsford pre-school liaison group",
            D(2026, 12, 9),
            starts_at=dt.time(9, 30),
            venue="Riverside Children's Centre",
            chair_name="Dr Farah Siddiqui",
            chair_role="Community paediatrician",
        )
    ).id
    services.meetings.add_referrals(december, ids[1:3])
    return ids


def referral_shots(app: QApplication, window: MainWindow, out: Path) -> None:
    from screenshots import save, settle, wait_until  # the runner of all the shots

    services = window.services
    assert services is not None
    ids = add_referrals(services)
    window.show_page("meetings")
    page = window.page("meetings")
    assert isinstance(page, MeetingsPage)
    wait_until(
        app, lambda: page.referrals_model.rowCount() >= 4 and page.meetings_model.rowCount() >= 2
    )
    page.referrals.setFocus()
    settle(app, 0.3)
    save(window, out, "meetings")

    page.refer()
    dialog = page.dialog
    assert isinstance(dialog, ReferralDialog)
    dialog.resize(660, 860)
    dialog.search.setText("Kofi")
    wait_until(app, lambda: dialog.results.count() > 0)
    dialog.referrer_name.setText("Tendai Moyo")
    dialog.referrer_role.setEditText("Speech and language therapist")
    dialog.referrer_agency.setText("Kingsford NHS Trust")
    dialog.reason.setPlainText("Few words at 3; plays alone; upset by changes of routine.")
    dialog.questions.setPlainText("Would an assessment of his communication help?")
    dialog.save()  # without the parents' agreement: refused beside the fields
    wait_until(app, lambda: dialog.errors["parents_agreed_by"].isVisible())
    settle(app, 0.3)
    save(dialog, out, "referral-agreement")
    dialog.reject()

    row = page.referrals_model.row_of(ids[1])
    page.referrals.setCurrentIndex(page.referrals_model.index(row, 0))
    page.type_answers()
    wait_until(app, lambda: isinstance(page.dialog, AnswersDialog) and page.dialog.isVisible())
    answers = page.dialog
    assert isinstance(answers, AnswersDialog)
    answers.resize(980, 640)
    answers.questions.list.setCurrentRow(0)
    settle(app, 0.3)
    save(answers, out, "referral-answers")
    answers.reject()

    window.show_page("children")
    children = window.page("children")
    assert isinstance(children, ChildrenPage)
    child = services.referrals.get(ids[0]).child_id
    box = children.record.referrals_box
    children.open_child(child)
    wait_until(app, lambda: box.child_id == child and bool(box.referrals))
    children.record.ensureWidgetVisible(box)
    settle(app, 0.3)
    save(box, out, "child-referrals")


def main(argv: list[str] | None = None) -> int:
    from screenshots import PICTURE_DAY, SIZE, wait_until

    from earlyyears_desktop.demo import DEMO_PASSPHRASE, create_demo_vault
    from earlyyears_desktop.services.clock import Clock
    from earlyyears_desktop.storage.keyslots import KdfParams
    from earlyyears_desktop.ui.operations import OpRunner

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).parent.parent / "docs/images")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    runner = OpRunner()
    with tempfile.TemporaryDirectory(prefix="earlyyears-shots-") as tmp:
        folder = Path(tmp) / "demo-vault"
        demo = create_demo_vault(
            folder, DEMO_PASSPHRASE, params=KdfParams.for_tests(), today=PICTURE_DAY
        )
        demo.vault.lock()
        window = MainWindow(folder, runner, clock=Clock.fixed(PICTURE_DAY))
        window.resize(*SIZE)
        window.show()
        window.unlock_screen.passphrase.setText(DEMO_PASSPHRASE)
        window.unlock_screen.try_unlock()
        wait_until(app, lambda: not window.is_locked)
        referral_shots(app, window, args.out)
        window.lock()
        window.idle.remove()
        window.close()
        runner.wait_for_idle()
    return 0


if __name__ == "__main__":
    sys.exit(main())
