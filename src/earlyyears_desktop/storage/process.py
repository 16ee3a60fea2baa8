"""Process-wide protections for a program that holds the vault's key in memory."""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import resource
import sys
import threading
from types import TracebackType

log = logging.getLogger("earlyyears")
_PR_SET_DUMPABLE = 4


def harden_process() -> None:
    """No core dumps: a crash must not write the data key or decrypted pages to disk.

    Unhandled exceptions are reported by type only, because their messages and frames can
    hold a child's details and stderr often ends up in a session log file.
    """
    try:
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    except (ValueError, OSError):
        log.warning("Could not switch off core dumps.")
    if sys.platform.startswith("linux"):
        libc_name = ctypes.util.find_library("c")
        if libc_name:
            libc = ctypes.CDLL(libc_name, use_errno=True)
            if libc.prctl(_PR_SET_DUMPABLE, 0, 0, 0, 0) != 0:
                log.warning("Could not mark the process as not dumpable.")
    sys.excepthook = _report_type_only
    threading.excepthook = _report_thread_type_only


def _report_type_only(
    kind: type[BaseException], _value: BaseException, _tb: TracebackType | None
) -> None:
    log.error("Unexpected error (%s). Records already saved are kept.", kind.__name__)


def _report_thread_type_only(args: threading.ExceptHookArgs) -> None:
    log.error("Unexpected error in a background thread (%s).", args.exc_type.__name__)
