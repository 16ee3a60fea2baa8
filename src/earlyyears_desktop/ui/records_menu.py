"""The Records menu's entries that open a window of their own over the unlocked vault:
Check the vault… and Retention review… (each imported when first chosen)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtGui import QAction

if TYPE_CHECKING:
    from earlyyears_desktop.services.container import Services
    from earlyyears_desktop.ui.main_window import MainWindow
    from earlyyears_desktop.ui.operations import OpRunner

CHECK_TIP = "Check every page of the database and the audit trail; nothing is changed"
RETENTION_TIP = "Administrators: children due for erasure under the rule"

Opener = Callable[["MainWindow", "Services", "OpRunner"], None]


def records_action(window: MainWindow, text: str, tip: str, opener: Opener) -> QAction:
    """An entry that opens its window over the unlocked vault (nothing while locked)."""
    action = QAction(text, window)
    action.setToolTip(tip)

    def chosen() -> None:
        if window.services is not None:
            opener(window, window.services, window.runner)

    action.triggered.connect(chosen)
    return action


def start_vault_check(window: MainWindow, services: Services, runner: OpRunner) -> None:
    """Records ▸ Check the vault…: the full checks on the worker, then their results."""
    from earlyyears_desktop.ui.vault_check import start_vault_check as start

    start(window, services, runner)


def open_retention_review(window: MainWindow, services: Services, runner: OpRunner) -> None:
    """Records ▸ Retention review…: the children due under the rule (administrators)."""
    from earlyyears_desktop.ui.retention_review import open_retention_review as open_review

    open_review(window, services, runner)


def finish_owed_compaction(window: MainWindow, services: Services) -> None:
    """At unlock, on the database worker: the erasures the central service instructed that
    were received but not carried out yet, and the compaction an erasure owed and could not
    run then (the app stopped in between)."""
    from earlyyears_desktop.sync.erasure_sync import finish_owed_erasures

    # No progress window: there is nearly always nothing owed, and a window coming up at
    # every unlock on a slow moment would take the keyboard from the person typing.
    window.runner.run(lambda: finish_owed_erasures(services), changes=lambda result: result[1])
