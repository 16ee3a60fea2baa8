"""The handouts' typeface: DejaVu Sans, shipped in the package, so every name prints.

reportlab's built-in Helvetica covers Latin-1 only: "Łucja" or "Dvořák" would print with
missing letters. DejaVu Sans covers the Latin, Greek and Cyrillic scripts and more; its licence
(resources/fonts/LICENSE-DejaVu.txt) allows redistribution.
"""

from __future__ import annotations

import threading
from importlib import resources

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

REGULAR = "EYHandoutSans"
BOLD = "EYHandoutSans-Bold"
_FILES = {REGULAR: "DejaVuSans.ttf", BOLD: "DejaVuSans-Bold.ttf"}
_lock = threading.Lock()


def register_fonts() -> None:
    """Register the fonts with reportlab once per process (safe from any thread)."""
    with _lock:
        if REGULAR in pdfmetrics.getRegisteredFontNames():
            return
        folder = resources.files("earlyyears_desktop") / "resources" / "fonts"
        for name, file_name in _FILES.items():
            with resources.as_file(folder / file_name) as path:
                pdfmetrics.registerFont(TTFont(name, str(path)))
        family = REGULAR
        addMapping(family, 0, 0, REGULAR)
        addMapping(family, 1, 0, BOLD)
        addMapping(family, 0, 1, REGULAR)
        addMapping(family, 1, 1, BOLD)
