"""The handouts' typefaces: DejaVu Sans first, then a font per script for what it cannot draw.

reportlab's built-in Helvetica covers Latin-1 only, and reportlab draws each piece of text in
one font: a letter the font lacks prints as an empty box. So the handouts use, in this order:

1. DejaVu Sans (Latin, Greek, Cyrillic and more), shipped in the package;
2. Noto fonts shipped in the package for the scripts most written by families in England:
   Arabic (also Urdu, Persian, Pashto), Hebrew, Devanagari, Bengali, Gurmukhi, Gujarati, Tamil;
3. a TrueType font installed on the computer that has the letter (Chinese, Japanese and Korean
   come from here, e.g. Debian's fonts-droid-fallback), found through fontconfig's `fc-list`
   or a list of known paths. Nothing is ever downloaded.

The licences are in resources/fonts/ (LICENSE-DejaVu.txt, LICENSE-Noto-OFL.txt).
"""

from __future__ import annotations

import functools
import logging
import shutil
import subprocess
import threading
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

log = logging.getLogger(__name__)

REGULAR = "EYHandoutSans"
BOLD = "EYHandoutSans-Bold"
_FILES = {REGULAR: "DejaVuSans.ttf", BOLD: "DejaVuSans-Bold.ttf"}


@dataclass(frozen=True)
class Fallback:
    """A font for the letters DejaVu Sans lacks: its registered names and how to draw it."""

    regular: str
    bold: str
    #: Indic scripts need OpenType shaping (conjuncts, vowel signs placed before a consonant)
    shaped: bool


#: (regular file, bold file, needs shaping) of the shipped fallbacks, tried in this order
_SHIPPED = (
    ("NotoNaskhArabic-Regular.ttf", "NotoNaskhArabic-Bold.ttf", False),
    ("NotoSansHebrew-Regular.ttf", "NotoSansHebrew-Bold.ttf", False),
    ("NotoSansDevanagari-Regular.ttf", "NotoSansDevanagari-Bold.ttf", True),
    ("NotoSansBengali-Regular.ttf", "NotoSansBengali-Bold.ttf", True),
    ("NotoSansGurmukhi-Regular.ttf", "NotoSansGurmukhi-Bold.ttf", True),
    ("NotoSansGujarati-Regular.ttf", "NotoSansGujarati-Bold.ttf", True),
    ("NotoSansTamil-Regular.ttf", "NotoSansTamil-Bold.ttf", True),
)

#: TrueType fonts with wide coverage looked for when fontconfig is not there, best first
KNOWN_SYSTEM_FONTS = (
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
    "/usr/share/fonts/truetype/unfonts-core/UnDotum.ttf",
    "/usr/share/fonts/truetype/noto/NotoSansEthiopic-Regular.ttf",
    "/usr/share/fonts/truetype/noto/NotoSansSinhala-Regular.ttf",
    "/usr/share/fonts/truetype/noto/NotoSansThai-Regular.ttf",
    "/usr/share/fonts/truetype/noto/NotoSansGeorgian-Regular.ttf",
    "/usr/share/fonts/truetype/noto/NotoSansArmenian-Regular.ttf",
    "/Library/Fonts/Arial Unicode.ttf",
    "C:/Windows/Fonts/msyh.ttc",
)

_lock = threading.RLock()
_fallbacks: list[Fallback] = []
_coverage: dict[str, frozenset[int]] = {}
_system_paths: dict[str, Fallback | None] = {}
_by_char: dict[int, Fallback | None] = {}


def register_fonts() -> None:
    """Register DejaVu Sans and the shipped fallbacks with reportlab, once per process (safe
    from any thread)."""
    with _lock:
        if REGULAR in _coverage:
            return
        folder = resources.files("earlyyears_desktop") / "resources" / "fonts"
        for name, file_name in _FILES.items():
            with resources.as_file(folder / file_name) as path:
                _register(name, str(path))
        _family(REGULAR, BOLD)
        for regular_file, bold_file, shaped in _SHIPPED:
            names = []
            for file_name in (regular_file, bold_file):
                name = "EY" + file_name.removesuffix(".ttf")
                with resources.as_file(folder / file_name) as path:
                    _register(name, str(path))
                names.append(name)
            _family(*names)
            _fallbacks.append(Fallback(names[0], names[1], shaped))


def _register(name: str, path: str, subfont: int = 0) -> None:
    font = TTFont(name, path, subfontIndex=subfont)
    pdfmetrics.registerFont(font)
    _coverage[name] = frozenset(font.face.charToGlyph)


def _family(regular: str, bold: str) -> None:
    addMapping(regular, 0, 0, regular)
    addMapping(regular, 1, 0, bold)
    addMapping(regular, 0, 1, regular)
    addMapping(regular, 1, 1, bold)


def covers(font_name: str, char: str) -> bool:
    """Whether the registered font has a glyph for `char`."""
    return ord(char) in _coverage.get(font_name, frozenset())


def main_covers(char: str, *, bold: bool) -> bool:
    return covers(BOLD if bold else REGULAR, char)


def fallback_for(char: str) -> Fallback | None:
    """The first font after DejaVu Sans that can draw `char`: shipped, else on the computer."""
    register_fonts()
    code = ord(char)
    with _lock:
        if code in _by_char:
            return _by_char[code]
        found = next((f for f in _fallbacks if code in _coverage[f.regular]), None)
        if found is None:
            found = _system_fallback(char)
        _by_char[code] = found
        return found


def registered_fallbacks() -> tuple[Fallback, ...]:
    """The shipped fallbacks and the system fonts found so far."""
    with _lock:
        found = [f for f in _system_paths.values() if f is not None]
        return (*_fallbacks, *found)


def is_shaped(font_name: str) -> bool:
    """Whether text in this font goes through OpenType shaping (the Indic fallbacks)."""
    return any(f.shaped and font_name in (f.regular, f.bold) for f in _fallbacks)


def _system_fallback(char: str) -> Fallback | None:
    for path in (*_fontconfig_paths(char), *KNOWN_SYSTEM_FONTS):
        font = _system_font(path)
        if font is not None and ord(char) in _coverage[font.regular]:
            return font
    return None


def _system_font(path: str) -> Fallback | None:
    """A system font registered under its own name, or None when reportlab cannot use it
    (PostScript outlines: .otf CFF fonts such as Noto Sans CJK)."""
    if path in _system_paths:
        return _system_paths[path]
    found: Fallback | None = None
    if Path(path).is_file() and path.lower().endswith((".ttf", ".ttc")):
        name = f"EYSystem{len(_system_paths)}"
        try:
            _register(name, path)
        except Exception:  # reportlab raises TTFError, struct errors and more on odd fonts
            log.info("A system font could not be used for handouts (%s)", Path(path).name)
        else:
            # No bold face is looked for: the regular face is drawn in bold paragraphs too.
            found = Fallback(name, name, shaped=False)
    _system_paths[path] = found
    return found


@functools.lru_cache(maxsize=512)
def _fontconfig_paths(char: str) -> tuple[str, ...]:
    """TrueType files on the computer with a glyph for `char`, as fontconfig lists them."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return ()
    try:
        done = subprocess.run(
            [fc_list, f":charset={ord(char):x}:fontformat=TrueType", "file"],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return ()
    paths = sorted(
        {line.strip().rstrip(":") for line in done.stdout.splitlines() if line.strip()},
        key=_preference,
    )
    return tuple(p for p in paths if p.lower().endswith((".ttf", ".ttc")))


def _preference(path: str) -> tuple[int, str]:
    """Sans before serif, regular before other weights, so the fallback matches DejaVu Sans."""
    name = Path(path).name.lower()
    score = 0
    if "serif" in name or "mono" in name:
        score += 2
    if any(w in name for w in ("bold", "italic", "oblique", "light", "thin", "black")):
        score += 4
    return score, path
