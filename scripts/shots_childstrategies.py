"""Screenshots of a child's strategies for docs/user-guide.md ("Strategies for a child"):
the Strategies box on Zoë's record and the "Agree a strategy" dialog.

Called from scripts/screenshots.py with the demo window unlocked; every name is invented by the
demo package.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QApplication

from earlyyears_desktop.domain.enums import AreaOfNeed, StrategyProgress
from earlyyears_desktop.services.child_strategies import OwnStrategy
from earlyyears_desktop.ui.child_strategy_dialogs import AgreeStrategyDialog
from earlyyears_desktop.ui.main_window import MainWindow


def child_strategies_shots(app: QApplication, window: MainWindow, out: Path) -> None:
    """Zoë's record open on the Children page: her strategies, then the agree dialog."""
    from screenshots import save, settle, wait_until  # the runner of all the shots

    children = window.page("children")
    record = children.record
    box = record.strategies_box
    assert record.view is not None, "open a child's record first"
    child_id = record.view.record.id
    service = window.services.child_strategies
    rows = service.for_child(child_id)
    agreed = {row.strategy_id for row in rows}
    for row in rows[:1]:  # the demo's strategy for Zoë: how it is going
        service.note_progress(
            row.id,
            StrategyProgress.SOME_PROGRESS.value,
            "Mum says they tried it most days this week; early days, but a good start.",
        )
    spare = [c for c in window.services.strategies.find() if c.id not in agreed]
    today = window.services.clock.today()
    service.agree(
        child_id,
        None,
        agreed_with="Mother (Funmi)",
        agreed_on=today,
        own=OwnStrategy(
            "Two snacks to choose from",
            AreaOfNeed.COMMUNICATION_AND_INTERACTION.value,
            "Offer two snacks held apart at eye level; wait ten seconds for a look, point, "
            "sign or word, then name the choice.",
            "At snack time, hold up two snacks and wait. Let Zoë show you which one she wants "
            "by looking, pointing or saying it, then say the word for her.",
        ),
    )
    if spare:
        earlier = service.agree(child_id, spare[0].id, agreed_with="Mother (Funmi)").id
        service.note_progress(earlier, StrategyProgress.GOING_WELL.value, "Asks for it herself.")
        service.stop(earlier, "Zoë does this on her own now: no longer needed.")
    box.reload()
    wait_until(app, lambda: len(box.rows) >= 2 and box.stopped_button.isVisible())
    box.stopped_button.setChecked(True)
    record.ensureWidgetVisible(box)
    settle(app, 0.3)
    save(box, out, "child-strategies")

    box.agree()
    wait_until(app, lambda: isinstance(box.dialog, AgreeStrategyDialog))
    dialog = box.dialog
    assert isinstance(dialog, AgreeStrategyDialog)
    dialog.search.setText("now")
    if dialog.choices.count():
        first = next(
            n for n in range(dialog.choices.count()) if not dialog.choices.item(n).isHidden()
        )
        dialog.choices.setCurrentRow(first)
    dialog.agreed_with.setText("Grandad (Tunde)")
    dialog.resize(560, 640)
    settle(app, 0.3)
    save(dialog, out, "agree-strategy")
    dialog.reject()
    box.stopped_button.setChecked(False)
