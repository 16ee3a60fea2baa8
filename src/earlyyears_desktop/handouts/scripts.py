"""Text in any script made ready for reportlab: font runs, right-to-left order and shaping.

reportlab draws a piece of text in one font, left to right, one glyph per character. So:

- `markup(text)` splits text into runs, each in a font that can draw it (DejaVu Sans, else a
  fallback from `fonts`), as Paragraph markup with every piece XML-escaped;
- right-to-left text (Arabic, Hebrew) is put in display order first: `arabic_reshaper` joins
  Arabic letters into their connected forms and `python-bidi` reorders the runs;
- Indic scripts (Devanagari, Bengali, Gurmukhi, Gujarati, Tamil) are shaped by HarfBuzz
  (`uharfbuzz`, reportlab's own shaping engine): `paragraph()` turns shaping on for the
  paragraphs that hold such a run, and each font run of a word is shaped with its own font.
"""

from __future__ import annotations

import bisect
import re
import threading
import unicodedata
from collections.abc import Iterator
from typing import Any
from xml.sax.saxutils import escape

import arabic_reshaper
from bidi import get_display
from reportlab.lib.enums import TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Paragraph

from earlyyears_desktop.handouts import fonts

_RTL_CLASSES = frozenset({"R", "AL"})
_FONT_TAG = re.compile(r'<font name="([^"]+)">')
_reshaper = arabic_reshaper.ArabicReshaper(configuration={"delete_harakat": True})


def has_rtl(text: str) -> bool:
    return any(unicodedata.bidirectional(c) in _RTL_CLASSES for c in text)


def display_order(text: str) -> str:
    """Right-to-left runs joined and reordered for a left-to-right drawing; other text as is.

    The handouts are in English, so each line is laid out left to right with its
    right-to-left runs reversed: "محمد’s" keeps its "’s" after the name."""
    if not has_rtl(text):
        return text
    return "\n".join(
        str(get_display(_reshaper.reshape(line), base_dir="L")) if has_rtl(line) else line
        for line in text.split("\n")
    )


def _joins(char: str) -> bool:
    """Characters that take the font of the text around them: marks, joiners, spaces,
    punctuation and digits."""
    category = unicodedata.category(char)
    return category[0] in "MZPSN" or category in ("Cf", "Cc")


def _prefers_fallback(char: str) -> bool:
    """Arabic and Hebrew letters: DejaVu Sans has some (not in bold), the Noto fonts are
    drawn for the script and have both weights."""
    return unicodedata.bidirectional(char) in _RTL_CLASSES


def runs(text: str, *, bold: bool = False) -> Iterator[tuple[str | None, str]]:
    """(font name or None for the paragraph's own font, text) runs of display-ordered text.

    A letter DejaVu Sans lacks goes to the first fallback that has it. Marks and joiners stay
    with the letter before them; spaces, punctuation and digits between two letters of one
    fallback font stay in it (so "आरव शर्मा" is one run), else go to the main font. A letter
    no font has stays in the main font (it prints as a box; `missing()` reports it)."""
    chosen: list[str | None] = []
    for char in text:
        if _joins(char):
            chosen.append(None)  # decided below, once the letters around are known
        elif fonts.main_covers(char, bold=bold) and not _prefers_fallback(char):
            chosen.append(None)
        else:
            fallback = fonts.fallback_for(char)
            chosen.append(None if fallback is None else fallback.bold if bold else fallback.regular)
    letters = [i for i, c in enumerate(text) if not _joins(c)]
    for i, char in enumerate(text):
        if not _joins(char):
            continue
        k = bisect.bisect_left(letters, i)
        before = letters[k - 1] if k else None
        after = letters[k] if k < len(letters) else None
        font_before = chosen[before] if before is not None else None
        font_after = chosen[after] if after is not None else None
        if unicodedata.category(char)[0] == "M" or unicodedata.category(char) == "Cf":
            font = font_before  # a vowel sign, virama or joiner belongs to its letter
        elif font_before is not None and font_before == font_after:
            font = font_before
        else:
            font = None
        if font is not None and not fonts.covers(font, char):
            font = None
        if font is None and not fonts.main_covers(char, bold=bold):
            fallback = fonts.fallback_for(char)
            font = None if fallback is None else fallback.bold if bold else fallback.regular
        chosen[i] = font
    start = 0
    for i in range(1, len(text) + 1):
        if i == len(text) or chosen[i] != chosen[start]:
            yield chosen[start], text[start:i]
            start = i


def markup(text: str) -> str:
    """Vault text as Paragraph markup: display order, a font per run, escaped, line breaks
    kept. Fallbacks are named in their regular weight; `paragraph()` makes them bold in a
    bold style."""
    fonts.register_fonts()
    out = []
    for font, part in runs(display_order(text.strip())):
        safe = escape(part).replace("\n", "<br/>")
        out.append(safe if font is None else f'<font name="{font}">{safe}</font>')
    return "".join(out)


def missing(text: str) -> str:
    """The characters of `text` that no available font can draw (in order, once each)."""
    fonts.register_fonts()
    found: dict[str, None] = {}
    for char in display_order(text):
        if _joins(char) or fonts.main_covers(char, bold=False):
            continue
        if fonts.fallback_for(char) is None:
            found[char] = None
    return "".join(found)


def paragraph(text: str, style: ParagraphStyle, **kw: Any) -> Paragraph:
    """A Paragraph of `markup()` text: fallbacks in the style's weight, shaping on if needed."""
    bold = style.fontName == fonts.BOLD
    names = set(_FONT_TAG.findall(text))
    if bold:
        for name in names:
            bold_name = _bold_of(name)
            if bold_name != name:
                text = text.replace(f'<font name="{name}">', f'<font name="{bold_name}">')
    if any(fonts.is_shaped(name) for name in names):
        _install_shaping()
        style = _shaped_style(style)
    return Paragraph(text, style, **kw)


def _bold_of(name: str) -> str:
    for fallback in fonts.registered_fallbacks():
        if name == fallback.regular:
            return fallback.bold
    return name


_shaped_styles: dict[str, ParagraphStyle] = {}


def _shaped_style(style: ParagraphStyle) -> ParagraphStyle:
    made = _shaped_styles.get(style.name)
    if made is None:
        made = ParagraphStyle(f"{style.name}-shaped", parent=style, shaping=1)
        _shaped_styles[style.name] = made
    return made


# ---- shaping ----

_shaping_lock = threading.Lock()
_shaping_installed = False


def _install_shaping() -> None:
    """Make reportlab shape each font run of a word with that run's own font.

    reportlab's `shapeFragWord` shapes a whole word with the font of its first run, so
    "किरण’s" or "(किरण)" drawn in two fonts would come out as wrong glyphs. The wrapper
    shapes only the runs in a shaped (Indic) font, each on its own, and leaves the rest as
    plain text, exactly as without shaping."""
    global _shaping_installed
    with _shaping_lock:
        if _shaping_installed:
            return
        from reportlab.platypus import paragraph as rl_paragraph

        original = getattr(rl_paragraph, "shapeFragWord", None)
        if original is None:  # a reportlab without shaping: Indic text prints unshaped
            _shaping_installed = True
            return

        def shape_by_font(word: Any, *args: Any, **kw: Any) -> Any:
            parts = word[1:]
            if not parts or any(hasattr(frag, "cbDefn") for frag, _ in parts):
                return word
            if not any(fonts.is_shaped(frag.fontName) for frag, _ in parts):
                return word
            groups: list[list[Any]] = []
            for part in parts:
                if groups and groups[-1][-1][0].fontName == part[0].fontName:
                    groups[-1].append(part)
                else:
                    groups.append([part])
            new = None
            width = 0.0
            pieces: list[Any] = []
            for group in groups:
                font_name = group[0][0].fontName
                sub_width = sum(_width(text, frag.fontName, frag.fontSize) for frag, text in group)
                if fonts.is_shaped(font_name):
                    shaped = original(word.__class__([sub_width, *group]), *args, **kw)
                    if shaped is not None and len(shaped) > 1 and shaped[0] is not None:
                        if new is None and shaped.__class__ is not word.__class__:
                            new = shaped.__class__
                        width += shaped[0]
                        pieces += list(shaped[1:])
                        continue
                width += sub_width
                pieces += group
            return (new or word.__class__)([width, *pieces])

        rl_paragraph.shapeFragWord = shape_by_font
        _shaping_installed = True


def _width(text: str, font_name: str, size: float) -> float:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    return float(stringWidth(text, font_name, size))


def draw_line(
    canvas: Any,
    x: float,
    y: float,
    text: str,
    font_name: str,
    size: float,
    colour: Any,
    *,
    width: float,
    right: bool = False,
) -> None:
    """Draw one line of vault text on the canvas (the page footers) with its baseline at y,
    through a Paragraph so it gets the same fonts, order and shaping as the body; `right`
    aligns its end at x + width."""
    style = ParagraphStyle(
        f"line-{font_name}-{size}-{right}",
        fontName=font_name,
        fontSize=size,
        leading=size,
        textColor=colour,
        alignment=TA_RIGHT if right else TA_LEFT,
    )
    line = paragraph(markup(" ".join(text.split())), style)
    line.wrapOn(canvas, width, size * 2)
    # One line whose leading is its size draws its baseline at the bottom of the paragraph.
    line.drawOn(canvas, x, y)
