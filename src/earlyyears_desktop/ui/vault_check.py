"""Records ▸ Check the vault…: every check of the open vault, on the worker, then the results
in words. Nothing is changed, whatever is found."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QMessageBox, QWidget

from earlyyears_desktop.services.container import Services
from earlyyears_desktop.services.vault_check import CHECK_COUNT, VaultCheckReport, check_vault
from earlyyears_desktop.ui.error_text import error_text
from earlyyears_desktop.ui.operations import OpRunner, Progress

TITLE = "Check the vault"
PROGRESS_LABEL = (
    "Checking every page of the vault's database and every link of the audit trail. "
    "A large vault takes a few minutes."
)


def start_vault_check(
    parent: QWidget,
    services: Services,
    runner: OpRunner,
    on_shown: Callable[[QMessageBox], None] | None = None,
) -> None:
    """Run the checks with a progress dialog; show the results in a box (`on_shown` is
    given it, for a test, once it is up)."""

    def work(progress: Progress) -> VaultCheckReport:
        started = [0]

        def step(_title: str) -> None:
            progress(started[0], CHECK_COUNT)
            started[0] += 1

        return check_vault(services, step)

    def done(report: VaultCheckReport) -> None:
        box = results_box(parent, report)
        box.show()
        if on_shown is not None:
            on_shown(box)

    def failed(error: BaseException) -> None:
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            TITLE,
            f"The check could not run. {error_text(error)}",
            QMessageBox.StandardButton.Close,
            parent,
        )
        box.setAccessibleName("The vault's check could not run")
        box.show()
        if on_shown is not None:
            on_shown(box)

    runner.run(
        lambda: None,
        with_progress=work,
        on_done=done,
        on_error=failed,
        progress_label=PROGRESS_LABEL,
        parent=parent,
    )


def results_box(parent: QWidget, report: VaultCheckReport) -> QMessageBox:
    icon = QMessageBox.Icon.Information if report.ok else QMessageBox.Icon.Warning
    box = QMessageBox(icon, TITLE, report.summary, QMessageBox.StandardButton.Close, parent)
    box.setInformativeText("\n\n".join(report.lines()))
    box.setAccessibleName("The vault's check: results")
    box.setAccessibleDescription(report.summary)
    box.setDefaultButton(QMessageBox.StandardButton.Close)
    return box
