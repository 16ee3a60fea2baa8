"""Running vault work off the GUI thread, in the spirit of Anki's CollectionOp and QueryOp.

All database work runs on one worker thread (SQLite wants one writer, and the vault's engine
is shared). The result or the error comes back on the GUI thread. Workers never touch a
widget. A write's `Changes` is broadcast on `OpRunner.changed`, so every open view can decide
for itself whether to refresh.

    runner.run(lambda: services.children.create_child(data),
               on_done=self._saved, on_error=self._show_error, changes=lambda r: r.changes)

A progress dialog appears only if the work takes longer than `PROGRESS_DELAY_MS`.

A failure no screen explains in its own words (anything but `EXPLAINED_FAILURES`) is a bug: its
types and frames go to the incident log from the worker thread, and `OpRunner.incident`
tells the app, which offers the details for a support request (`ui/incident_dialog.py`). A
`Fault` (a full or read-only disk) is explained, in its own words, and logged as well.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, QTimer, Signal, Slot
from PySide6.QtWidgets import QProgressDialog, QWidget

from earlyyears_desktop.domain.errors import DomainError, Fault
from earlyyears_desktop.services.incidents import RecordedIncident, record_incident
from earlyyears_desktop.services.unit_of_work import Changes
from earlyyears_desktop.sync.errors import BundleCancelled, BundleRefused, EnrolmentRefused

log = logging.getLogger(__name__)
PROGRESS_DELAY_MS = 600
PROGRAM = "earlyyears-desktop"
#: Failures the screens put in their own words (a refusal, a full or missing USB stick);
#: anything else is a bug and is recorded as an incident.
EXPLAINED_FAILURES: tuple[type[BaseException], ...] = (
    DomainError,
    OSError,
    BundleRefused,
    BundleCancelled,
    EnrolmentRefused,
)


class Progress:
    """Handed to long work: `progress(done, total)` and `cancelled()`, safe from the worker."""

    def __init__(self, relay: _Relay) -> None:
        self._relay = relay
        self._cancelled = False

    def __call__(self, done: int, total: int | None) -> None:
        self._relay.progress.emit(done, total if total is not None else 0)

    def cancel(self) -> None:
        self._cancelled = True

    def cancelled(self) -> bool:
        return self._cancelled


class _Relay(QObject):
    """Lives on the GUI thread; the worker emits, Qt queues the call across threads."""

    done = Signal(object)
    #: the error, and its RecordedIncident when it was unexpected (else None)
    failed = Signal(object, object)
    progress = Signal(int, int)


class _Job(QRunnable):
    def __init__(self, work: Callable[[], Any], relay: _Relay) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self._work = work
        self._relay = relay

    def run(self) -> None:
        try:
            result = self._work()
        except BaseException as exc:  # delivered to the GUI thread, never swallowed
            recorded: RecordedIncident | None = None
            if not isinstance(exc, EXPLAINED_FAILURES):
                # Types and frames only, written here off the GUI thread: the message and the
                # frames' values may hold a child's details and are never kept.
                recorded = record_incident(exc, program=PROGRAM)
            elif isinstance(exc, Fault):
                # A full or read-only disk: the screen says so in the fault's words, and
                # support finds it in the log; no "Something went wrong" box.
                record_incident(exc, program=PROGRAM)
            if not isinstance(exc, DomainError):
                log.error("Background work failed: %s", type(exc).__name__)
            self._relay.failed.emit(exc, recorded)
        else:
            self._relay.done.emit(result)


class OpRunner(QObject):
    """The app's single database worker and its change broadcast."""

    #: emitted on the GUI thread after every successful write, with its `Changes`
    changed = Signal(object)
    #: emitted when any operation starts or ends, with the number still running
    busy = Signal(int)
    #: emitted on the GUI thread with a `RecordedIncident` when work failed unexpectedly
    incident = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._running = 0
        self._relays: set[_Relay] = set()

    def run(
        self,
        work: Callable[[], Any],
        *,
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        changes: Callable[[Any], Changes | None] | None = None,
        progress_label: str | None = None,
        parent: QWidget | None = None,
        cancellable: bool = False,
        with_progress: Callable[[Progress], Any] | None = None,
    ) -> Progress:
        """Queue `work` (or `with_progress(progress)`) on the database thread."""
        relay = _Relay()
        self._relays.add(relay)
        handle = Progress(relay)
        dialog: list[QProgressDialog] = []
        timer = QTimer(relay)
        timer.setSingleShot(True)

        def show_progress() -> None:
            if progress_label is None:
                return
            box = QProgressDialog(progress_label, "Cancel" if cancellable else "", 0, 0, parent)
            box.setWindowTitle("Early Years")
            box.setWindowModality(Qt.WindowModality.WindowModal)
            box.setMinimumDuration(0)
            if not cancellable:
                box.setCancelButton(None)
            else:
                box.canceled.connect(handle.cancel)
            box.show()
            dialog.append(box)

        def on_progress(done: int, total: int) -> None:
            if dialog:
                dialog[0].setMaximum(total)
                dialog[0].setValue(done)

        def finish() -> None:
            timer.stop()
            if dialog:
                dialog[0].reset()
                dialog[0].deleteLater()
            self._relays.discard(relay)
            relay.deleteLater()
            self._running -= 1
            self.busy.emit(self._running)

        @Slot(object)
        def done(result: Any) -> None:
            finish()
            if changes is not None:
                what = changes(result)
                if what:
                    self.changed.emit(what)
            if on_done is not None:
                on_done(result)

        @Slot(object, object)
        def failed(error: BaseException, recorded: RecordedIncident | None) -> None:
            finish()
            if on_error is not None:
                on_error(error)
            else:
                log.error("Unhandled background error: %s", type(error).__name__)
            if recorded is not None:
                self.incident.emit(recorded)

        relay.done.connect(done)
        relay.failed.connect(failed)
        relay.progress.connect(on_progress)
        timer.timeout.connect(show_progress)
        timer.start(PROGRESS_DELAY_MS)
        self._running += 1
        self.busy.emit(self._running)
        job_work = (lambda: with_progress(handle)) if with_progress is not None else work
        self._pool.start(_Job(job_work, relay))
        return handle

    def report_unexpected(self, error: BaseException) -> RecordedIncident:
        """An unexpected error met on the GUI thread (outside `run`): its types and frames to
        the incident log, and `incident`, so the app offers the details for support."""
        log.error("Unexpected error: %s", type(error).__name__)
        recorded = record_incident(error, program=PROGRAM)
        self.incident.emit(recorded)
        return recorded

    def wait_for_idle(self, msecs: int = 30_000) -> bool:
        """Block until queued work is finished (for shutdown and locking, not for views)."""
        return self._pool.waitForDone(msecs)

    @property
    def running(self) -> int:
        return self._running
