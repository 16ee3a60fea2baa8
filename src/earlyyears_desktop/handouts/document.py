"""One PDF holding a personalised handout for every child who attended a session.

    result = build_session_handouts(services, session_id, Path("handouts.pdf"))

`render_session_handouts` makes the PDF in memory (the GUI previews it from there, so nothing
touches the disk until the user saves); `build_session_handouts` renders and then writes it
atomically to the chosen path. Both take the usual `progress(done, total)` and `cancelled()`
callbacks.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reportlab.lib.pagesizes import A4
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import BaseDocTemplate, Frame, NextPageTemplate, PageBreak, PageTemplate

from earlyyears_desktop.handouts.content import (
    ChildHandout,
    SessionContent,
    SkippedChild,
    read_session,
)
from earlyyears_desktop.handouts.errors import HandoutsCancelled, NoHandouts
from earlyyears_desktop.handouts.fonts import BOLD, REGULAR, register_fonts
from earlyyears_desktop.handouts.layout import (
    LOOKS,
    Look,
    child_story,
    look_for,
    possessive,
)
from earlyyears_desktop.handouts.pdf_file import write_pdf_atomically
from earlyyears_desktop.handouts.scripts import draw_line, missing
from earlyyears_desktop.services.container import Services

log = logging.getLogger(__name__)

#: the PDF's metadata says what the file is and nothing about whom
PDF_TITLE = "Session handouts"
PDF_CREATOR = "Early Years"

ProgressFn = Callable[[int, int | None], None]
CancelledFn = Callable[[], bool]


@dataclass(frozen=True)
class IncludedChild:
    child_id: str
    name: str = field(repr=False)
    #: the look used: standard, large_print, high_contrast or large_high_contrast
    look: str


@dataclass(frozen=True)
class NameWarning:
    """A child whose name (or carer's name) has letters that no font on this computer can
    draw: the handout is made, but those letters print as empty boxes."""

    child_id: str
    #: the name the child is known by, for the screen; never logged
    name: str = field(repr=False)
    characters: str = field(repr=False)


@dataclass(frozen=True)
class RenderedHandouts:
    """The PDF in memory, with who is in it and who was left out."""

    pdf: bytes = field(repr=False)
    pages: int
    children_included: tuple[IncludedChild, ...]
    children_skipped_with_reasons: tuple[SkippedChild, ...]
    name_warnings: tuple[NameWarning, ...] = ()


@dataclass(frozen=True)
class HandoutResult:
    path: Path
    pages: int
    children_included: tuple[IncludedChild, ...]
    children_skipped_with_reasons: tuple[SkippedChild, ...]
    name_warnings: tuple[NameWarning, ...] = ()


def build_session_handouts(
    services: Services,
    session_id: str,
    out_path: Path,
    *,
    large_print: bool = False,
    progress: ProgressFn | None = None,
    cancelled: CancelledFn | None = None,
) -> HandoutResult:
    """Make the session's handouts and save them, atomically, at `out_path`."""
    rendered = render_session_handouts(
        services, session_id, large_print=large_print, progress=progress, cancelled=cancelled
    )
    if cancelled is not None and cancelled():
        raise HandoutsCancelled("Making the handouts was stopped: nothing was saved.")
    path = write_pdf_atomically(Path(out_path), rendered.pdf)
    return HandoutResult(
        path,
        rendered.pages,
        rendered.children_included,
        rendered.children_skipped_with_reasons,
        rendered.name_warnings,
    )


def render_session_handouts(
    services: Services,
    session_id: str,
    *,
    large_print: bool = False,
    progress: ProgressFn | None = None,
    cancelled: CancelledFn | None = None,
) -> RenderedHandouts:
    """Make the session's handouts as PDF bytes, in memory."""
    content = read_session(services, session_id)
    if not content.children:
        if content.skipped:
            message = (
                "None of the children at this session has consent for personalised handouts "
                "in force, so there is nothing to print."
            )
        else:
            message = (
                "Nobody is marked as present, late or left early at this session, so there "
                "are no handouts to make."
            )
        raise NoHandouts(message, content.skipped)
    register_fonts()
    children = content.children
    looks = [look_for(c.accessible_format, large_print_for_all=large_print) for c in children]
    pdf, pages = _render(content, children, looks, progress, cancelled)
    included = tuple(
        IncludedChild(c.child_id, c.full_name, look.name)
        for c, look in zip(children, looks, strict=True)
    )
    warnings = _name_warnings(children)
    if warnings:
        log.warning(
            "%d of %d handouts have a name with letters no installed font can draw",
            len(warnings),
            len(children),
        )
    # In the audit trail before anyone has the handouts (NotRecorded: none are made).
    services.access_log.made_document(("child", c.child_id) for c in children)
    return RenderedHandouts(pdf, pages, included, content.skipped, warnings)


def _name_warnings(children: tuple[ChildHandout, ...]) -> tuple[NameWarning, ...]:
    found = []
    for child in children:
        characters = missing(f"{child.full_name}{child.first_name}{child.carer_name}")
        if characters:
            found.append(NameWarning(child.child_id, child.first_name, characters))
    return tuple(found)


class _Run:
    """What the page footer needs to know as the document is laid out."""

    def __init__(self, total: int, progress: ProgressFn | None, cancelled: CancelledFn | None):
        self.total = total
        self.progress = progress
        self.cancelled = cancelled
        self.child: ChildHandout | None = None
        self.first_page = 1
        self.pages = 0

    def start(self, index: int, child: ChildHandout, page: int) -> None:
        if self.cancelled is not None and self.cancelled():
            raise HandoutsCancelled("Making the handouts was stopped: nothing was saved.")
        if self.progress is not None:
            self.progress(index, self.total)
        self.child = child
        self.first_page = page


def _render(
    content: SessionContent,
    children: tuple[ChildHandout, ...],
    looks: list[Look],
    progress: ProgressFn | None,
    cancelled: CancelledFn | None,
) -> tuple[bytes, int]:
    buffer = io.BytesIO()
    run = _Run(len(children), progress, cancelled)
    doc = BaseDocTemplate(
        buffer,
        pagesize=A4,
        title=PDF_TITLE,
        author=PDF_CREATOR,
        subject="",
        creator=PDF_CREATOR,
        keywords="",
        lang="en-GB",
        # Nothing in the story is a link, and the outline would name children.
        initialFontName=REGULAR,
    )
    used = list(dict.fromkeys(look.name for look in looks))
    doc.addPageTemplates([_template(LOOKS[name], content, run) for name in used])

    story: list[Any] = []
    for index, (child, look) in enumerate(zip(children, looks, strict=True)):
        if index:
            story += [NextPageTemplate(look.name), PageBreak()]

        def reached(index: int = index, child: ChildHandout = child) -> None:
            run.start(index, child, doc.page)

        story += child_story(content, child, look, reached)
    doc.build(story)
    if progress is not None:
        progress(len(children), len(children))
    return buffer.getvalue(), run.pages


def _template(look: Look, content: SessionContent, run: _Run) -> PageTemplate:
    width, height = A4
    footer_room = look.small_size * 2.8
    frame = Frame(
        look.margin,
        look.margin + footer_room,
        width - 2 * look.margin,
        height - 2 * look.margin - footer_room,
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
        id=f"{look.name}-frame",
    )

    def footer(canvas: Any, doc: Any) -> None:
        run.pages += 1
        canvas.saveState()
        size = look.small_size
        y = look.margin
        canvas.setStrokeColor(look.accent)
        canvas.setLineWidth(max(look.rule_width * 0.6, 0.6))
        canvas.line(look.margin, y + size * 1.6, width - look.margin, y + size * 1.6)
        canvas.setFillColor(look.muted)
        font = BOLD if look.high_contrast else REGULAR
        across = width - 2 * look.margin
        label = ""
        child = run.child
        if child is not None:
            page = doc.page - run.first_page + 1
            label = f"{possessive(child.first_name)} handout"
            if page > 1:
                label += f", page {page}"
        # The page's label takes what it needs (up to half the line), the team the rest: in
        # large print two halves would wrap a team's name onto the rule above it.
        label_width = min(stringWidth(label, font, size) * 1.1 + size, across / 2) if label else 0
        team = content.team_name or content.group_name
        draw_line(canvas, look.margin, y, team, font, size, look.muted, width=across - label_width)
        if label:
            x = look.margin + across - label_width
            draw_line(canvas, x, y, label, font, size, look.muted, width=label_width, right=True)
        canvas.restoreState()

    return PageTemplate(id=look.name, frames=[frame], onPageEnd=footer, pagesize=A4)


__all__ = [
    "HandoutResult",
    "IncludedChild",
    "NameWarning",
    "RenderedHandouts",
    "build_session_handouts",
    "render_session_handouts",
]
