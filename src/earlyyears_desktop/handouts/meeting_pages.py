"""The pages of the documents around a meeting: parts (one family's letter, a questionnaire),
each in its own family's look, each starting on a new page, each numbered on its own
("Page 1 of 2"), and the flowables they share.

Two families never share a page: every part after the first starts with a page break, on the
page template of its own look (large print, high contrast). The footers are drawn once the
whole file is laid out (`_FooterCanvas` keeps each page until then), so each page can say how
many pages its own part has.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
)

from earlyyears_desktop.handouts.document import PDF_CREATOR
from earlyyears_desktop.handouts.errors import HandoutsCancelled
from earlyyears_desktop.handouts.family_pages import PORTRAIT, is_large, page_frame
from earlyyears_desktop.handouts.fonts import BOLD, REGULAR, register_fonts
from earlyyears_desktop.handouts.layout import Checkpoint, Look, styles_for
from earlyyears_desktop.handouts.scripts import draw_line

ProgressFn = Callable[[int, int | None], None]
CancelledFn = Callable[[], bool]


@dataclass(frozen=True)
class Part:
    """One family's part of a file: its look, what its footer calls it, and its flowables."""

    look: Look
    label: str
    story: list[Any]


class _Book:
    """Which part each page belongs to, filled in as the pages are laid out."""

    def __init__(self, parts: Sequence[Part], team_name: str) -> None:
        self.parts = parts
        self.team_name = team_name
        self.current = 0
        self.page_parts: list[int] = []

    def pages_of(self, part: int) -> int:
        return self.page_parts.count(part)

    def footer(self, canvas: Canvas, page_index: int) -> None:
        part_index = self.page_parts[page_index]
        part = self.parts[part_index]
        look = part.look
        number = self.page_parts[: page_index + 1].count(part_index)
        total = self.pages_of(part_index)
        width, _ = A4
        canvas.saveState()
        small = look.small_size
        y = look.margin
        canvas.setStrokeColor(look.accent)
        canvas.setLineWidth(max(look.rule_width * 0.6, 0.6))
        canvas.line(look.margin, y + small * 1.6, width - look.margin, y + small * 1.6)
        font = BOLD if look.high_contrast else REGULAR
        room = width - 2 * look.margin
        team, label = _fitted(self.team_name, part.label, number, total, font, small, room)
        label_width = stringWidth(label, font, small) + 2
        if team:
            left = room - label_width - small
            draw_line(canvas, look.margin, y, team, font, small, look.muted, width=left)
        x = width - look.margin - label_width
        draw_line(canvas, x, y, label, font, small, look.muted, width=label_width, right=True)
        canvas.restoreState()


def _fitted(
    team: str, part: str, number: int, total: int, font: str, size: float, room: float
) -> tuple[str, str]:
    """The footer's two ends on one line each: the part's name gives way to its page number
    alone, then the team's name to nothing (it is in the letter too), before either wraps."""
    label = f"{part} · Page {number} of {total}"
    if stringWidth(label, font, size) > room * 0.6:
        label = f"Page {number} of {total}"
    if stringWidth(team, font, size) + stringWidth(label, font, size) + 2 * size > room:
        team = ""
    return team, label


def _canvas_for(book: _Book) -> type[Canvas]:
    class _FooterCanvas(Canvas):  # type: ignore[misc]
        """Keeps each page until the file is laid out, then draws the footers on them."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._kept: list[dict[str, Any]] = []

        def showPage(self) -> None:
            self._kept.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            for index, state in enumerate(self._kept):
                self.__dict__.update(state)
                book.footer(self, index)
                super().showPage()
            super().save()

    return _FooterCanvas


def render_parts(
    parts: Sequence[Part],
    team_name: str,
    title: str,
    *,
    progress: ProgressFn | None = None,
    cancelled: CancelledFn | None = None,
) -> tuple[bytes, tuple[int, ...]]:
    """Lay out the parts on A4, each from a new page in its own look; return the PDF and the
    number of pages of each part."""
    register_fonts()
    buffer = io.BytesIO()
    book = _Book(parts, team_name)
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
    looks = {part.look.name: part.look for part in parts}
    doc.addPageTemplates([_template(look, book) for look in looks.values()])

    story: list[Any] = []
    for index, part in enumerate(parts):
        if index:
            story += [NextPageTemplate(part.look.name), PageBreak()]

        def reached(index: int = index) -> None:
            if cancelled is not None and cancelled():
                raise HandoutsCancelled("Making the documents was stopped: nothing was saved.")
            if progress is not None:
                progress(index, len(parts))
            book.current = index

        story += [Checkpoint(reached), *part.story]
    doc.build(story, canvasmaker=_canvas_for(book))
    if progress is not None:
        progress(len(parts), len(parts))
    return buffer.getvalue(), tuple(book.pages_of(n) for n in range(len(parts)))


def _template(look: Look, book: _Book) -> PageTemplate:
    frame = page_frame(look, PORTRAIT, f"{look.name}-frame")

    def page_ended(canvas: Any, doc: Any) -> None:
        book.page_parts.append(book.current)

    return PageTemplate(id=look.name, frames=[frame], onPageEnd=page_ended, pagesize=A4)


# ---- flowables the questionnaire and the letter share ----


class WritingLines(Flowable):  # type: ignore[misc]
    """Ruled lines to write on by hand, far enough apart for handwriting (wider in large
    print); `numbered` puts 1., 2.… at the start of every `numbered`-th line."""

    def __init__(self, look: Look, count: int, *, numbered: int = 0) -> None:
        super().__init__()
        self.look = look
        self.count = count
        self.numbered = numbered
        self.spacing = float((12 if is_large(look) else 8.5) * mm)

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self.width = avail_width
        return avail_width, self.spacing * self.count + self.spacing * 0.25

    def draw(self) -> None:
        canvas = self.canv
        look = self.look
        canvas.setStrokeColor(look.ink if look.high_contrast else look.muted)
        canvas.setLineWidth(1.5 if look.high_contrast else 0.6)
        font = BOLD if look.high_contrast else REGULAR
        indent = look.body_size * 1.8 if self.numbered else 0
        for n in range(self.count):
            y = self.spacing * (self.count - n - 1) + self.spacing * 0.25
            canvas.line(indent, y, self.width, y)
            if self.numbered and n % self.numbered == 0:
                canvas.setFont(font, look.body_size)
                canvas.setFillColor(look.ink)
                canvas.drawString(0, y + 2, f"{n // self.numbered + 1}.")


def quote_style(look: Look) -> ParagraphStyle:
    """The family's own words, quoted: set in from the margin on a tint (high contrast: in a
    black border), splitting across pages like any paragraph."""
    st = styles_for(look)
    pad = look.body_size * 0.6
    return ParagraphStyle(
        f"{look.name}-quote",
        parent=st.body,
        leftIndent=pad,
        rightIndent=pad,
        backColor=look.soft,
        borderColor=look.ink if look.high_contrast else look.soft,
        borderWidth=1.5 if look.high_contrast else 0,
        borderPadding=pad,
        spaceBefore=pad * 1.6,
        spaceAfter=pad * 2.2,
    )


__all__ = ["Part", "WritingLines", "quote_style", "render_parts"]
