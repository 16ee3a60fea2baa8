"""The pages of a family's own documents: their look, their page templates and footers, and
the pieces the visit record and the plan copy share.

A family's document follows the main carer's accessible format, as a session handout does,
with one rule stricter: in large print nothing on the page is smaller than 16 pt, the footer
included. One document is about one child, so two families never share a page.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate, Spacer, Table

from earlyyears_desktop.domain.enums import AccessibleFormat
from earlyyears_desktop.handouts.document import PDF_CREATOR
from earlyyears_desktop.handouts.fonts import BOLD, REGULAR, register_fonts
from earlyyears_desktop.handouts.layout import (
    LARGE_PRINT_MIN,
    Checkpoint,
    Look,
    Rule,
    _box,
    look_for,
    styles_for,
)
from earlyyears_desktop.handouts.scripts import draw_line, markup, paragraph
from earlyyears_desktop.services.family_documents import Family

PORTRAIT = "portrait"
LANDSCAPE = "landscape"


def family_look(family: Family, large_print: bool | None) -> Look:
    """The carer's format; `large_print` True or False overrides its size (high contrast is
    kept either way)."""
    if large_print is None:
        look = look_for(family.accessible_format, large_print_for_all=False)
    else:
        high = family.accessible_format == AccessibleFormat.HIGH_CONTRAST.value
        if large_print:
            look = look_for(family.accessible_format, large_print_for_all=True)
        else:
            look = look_for(
                AccessibleFormat.HIGH_CONTRAST.value if high else AccessibleFormat.STANDARD.value,
                large_print_for_all=False,
            )
    return look


def is_large(look: Look) -> bool:
    return look.smallest >= LARGE_PRINT_MIN


def text(value: str) -> str:
    """Vault text as Paragraph markup (escaped, any script, line breaks kept)."""
    return markup(value)


def lines(value: str) -> tuple[str, ...]:
    """Text written one item a line (or separated by semicolons), without bullets."""
    parts = [p.strip(" \t-•*") for line in value.splitlines() for p in line.split(";")]
    # each item starts as a sentence does ("...twice a week; a board at home" is two items),
    # leaving a word such as "iPad" as it is written
    return tuple(_as_sentence(p) for p in parts if p)


def _as_sentence(item: str) -> str:
    if len(item) > 1 and item[1].isupper():
        return item
    return item[0].upper() + item[1:]


def section(title: str, look: Look, *, before_box: bool = False) -> list[Any]:
    """A heading with a rule under it (none above a bordered box: the two would read as
    one)."""
    st = styles_for(look)
    heading = paragraph(text(title), st.heading)
    if before_box and look.box_border:
        return [heading]
    return [heading, Rule(look.rule_width, look.accent, look.body_size * 0.5)]


def bullets(items: tuple[str, ...] | list[str], look: Look) -> list[Any]:
    st = styles_for(look)
    return [paragraph(text(item), st.bullet, bulletText="•") for item in items]


def soft_box(rows: list[list[Any]], look: Look, width: float | None = None) -> Table:
    """A tinted (high contrast: bordered) box of rows, splitting between rows."""
    pad = 4 * mm if not is_large(look) else 5 * mm
    widths = [width] if width is not None else None
    return _box(rows, look, fill=look.soft, pad=pad, border=look.box_border, widths=widths)


def band(look: Look, title: str, details: list[str], width: float | None = None) -> Table:
    """The coloured top of a document: its kind in large letters, then a line or two."""
    st = styles_for(look)
    cells: list[Any] = [paragraph(text(title), st.band_title)]
    cells += [paragraph(text(line), st.band) for line in details if line]
    pad = 4 * mm if not is_large(look) else 6 * mm
    widths = [width] if width is not None else None
    return _box([[cells]], look, fill=look.band, pad=pad, border=look.box_border, widths=widths)


def for_lines(family: Family, look: Look) -> list[Any]:
    """The child's name as the title, and whom the copy is for."""
    st = styles_for(look)
    story: list[Any] = [paragraph(text(family.full_name), st.title)]
    if family.carer_name:
        story.append(paragraph(f"For {text(family.carer_name)}", st.for_line))
    return story


def closing(family: Family, worker: str) -> str:
    """Any questions, and the carer's language or reading needs, in plain words (markup)."""
    who = f"ask {text(worker)} or any of the team" if worker else "ask any of the team"
    return " ".join([f"Any questions? Please {who}.", *reading_needs(family)])


def reading_needs(family: Family) -> list[str]:
    """The carer's language or reading needs, as sentences offering help (markup)."""
    out: list[str] = []
    language = family.preferred_language.strip()
    if language and language.casefold() != "english":
        how = "with an interpreter" if family.interpreter_needed else "together"
        out.append(f"We are happy to go through this {how} in {text(language)}: just ask.")
    elif family.interpreter_needed:
        out.append("We are happy to go through this with an interpreter: just ask.")
    if family.accessible_format == AccessibleFormat.READ_ALOUD.value:
        out.append("We are happy to read this through with you.")
    return out


def gap(look: Look, times: float = 1.0) -> Spacer:
    return Spacer(1, look.gap * times)


# ---- the document ----


class Pages:
    """What each page's footer says: set by a `Checkpoint` where each part starts."""

    def __init__(self) -> None:
        self.label = ""
        self.first_page = 1
        self.count = 0

    def part(self, label: str, doc: BaseDocTemplate) -> Checkpoint:
        def reached() -> None:
            self.label = label
            self.first_page = doc.page

        return Checkpoint(reached)


def frame_width(look: Look, orientation: str) -> float:
    width, _ = landscape(A4) if orientation == LANDSCAPE else A4
    return float(width - 2 * look.margin)


def frame_height(look: Look, orientation: str) -> float:
    _, height = landscape(A4) if orientation == LANDSCAPE else A4
    return float(height - 2 * look.margin - _footer_room(look))


def _footer_room(look: Look) -> float:
    return look.small_size * 2.8


def page_frame(look: Look, orientation: str, frame_id: str) -> Frame:
    """A page's one frame: inside the look's margins, the footer's room kept free below it."""
    return Frame(
        look.margin,
        look.margin + _footer_room(look),
        frame_width(look, orientation),
        frame_height(look, orientation),
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
        id=frame_id,
    )


def render(
    look: Look,
    team_name: str,
    title: str,
    story: Callable[[BaseDocTemplate, Pages], list[Any]],
) -> tuple[bytes, int]:
    """Lay out `story(doc, pages)` on A4 (portrait, or landscape after NextPageTemplate) and
    return the PDF and its page count."""
    register_fonts()
    buffer = io.BytesIO()
    pages = Pages()
    doc = BaseDocTemplate(
        buffer,
        pagesize=A4,
        # the metadata says what the file is and nothing about whom
        title=title,
        author=PDF_CREATOR,
        subject="",
        creator=PDF_CREATOR,
        keywords="",
        lang="en-GB",
        initialFontName=REGULAR,
    )
    doc.addPageTemplates(
        [_template(look, team_name, pages, PORTRAIT), _template(look, team_name, pages, LANDSCAPE)]
    )
    doc.build(story(doc, pages))
    return buffer.getvalue(), pages.count


def _template(look: Look, team_name: str, pages: Pages, orientation: str) -> PageTemplate:
    size = landscape(A4) if orientation == LANDSCAPE else A4
    width, _ = size
    frame = page_frame(look, orientation, f"{orientation}-frame")

    def footer(canvas: Any, doc: Any) -> None:
        pages.count += 1
        canvas.saveState()
        small = look.small_size
        y = look.margin
        canvas.setStrokeColor(look.accent)
        canvas.setLineWidth(max(look.rule_width * 0.6, 0.6))
        canvas.line(look.margin, y + small * 1.6, width - look.margin, y + small * 1.6)
        font = BOLD if look.high_contrast else REGULAR
        half = (width - 2 * look.margin) / 2
        draw_line(canvas, look.margin, y, team_name, font, small, look.muted, width=half)
        page = doc.page - pages.first_page + 1
        label = pages.label + (f", page {page}" if page > 1 else "")
        draw_line(canvas, width / 2, y, label, font, small, look.muted, width=half, right=True)
        canvas.restoreState()

    return PageTemplate(id=orientation, frames=[frame], onPageEnd=footer, pagesize=size)
