"""Writing the handouts PDF where the user chose, and nowhere else.

The PDF is the one file allowed to hold a child's details in plain form (DESIGN, principle 2),
so it is written atomically: a private (0600) temporary file in the destination folder,
flushed to disk, then renamed over the destination. A failure or a cancel leaves either the old
file or nothing, never a half-written PDF or a stray temporary file.
"""

from __future__ import annotations

from pathlib import Path

from earlyyears_desktop.handouts.errors import CannotSave
from earlyyears_desktop.storage.atomic_file import replace_atomically, sync_folder
from earlyyears_desktop.storage.faults import storage_fault

TEMP_PREFIX = ".handouts-"
DOCUMENT_NOT_SAVED = "the document was not saved"
TEMP_SUFFIX = ".part"


def write_pdf_atomically(path: Path, data: bytes) -> Path:
    """Write `data` to `path` (0600) in one step; returns the absolute path."""
    target = Path(path).expanduser().absolute()
    folder = target.parent
    if not folder.is_dir():
        raise CannotSave(f"The folder {folder} does not exist.")
    if target.is_dir():
        raise CannotSave(f"{target} is a folder: please give a file name ending in .pdf.")
    try:
        replace_atomically(target, data, prefix=TEMP_PREFIX, suffix=TEMP_SUFFIX)
    except OSError as exc:
        fault = storage_fault(exc, folder, DOCUMENT_NOT_SAVED, vault=False)
        if fault is not None:  # a full or read-only disk: DiskFull, FolderNotWritable
            raise fault from exc
        raise CannotSave(_why(folder, exc)) from None
    sync_folder(folder)
    return target


def _why(folder: Path, exc: OSError) -> str:
    reason = exc.strerror or type(exc).__name__
    return f"The handouts could not be saved in {folder}: {reason.lower()}."
