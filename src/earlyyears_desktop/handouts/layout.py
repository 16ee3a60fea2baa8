"""How a handout looks: the three looks (standard, large print, high contrast) and the
flowables of one child's handout.

Every piece of text from the vault goes through `_text()` (XML-escaped, in display order, a
font per script: see `scripts`) before it reaches a Paragraph, so a note containing "<" or "&"
prints as written and a name in any script prints in a font that has its letters.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    KeepTogether,
    Spacer,
    Table,
    TableStyle,
)

from earlyyears_desktop.domain.enums import AccessibleFormat
from earlyyears_desktop.handouts.content import ChildHandout, SessionContent
from earlyyears_desktop.handouts.fonts import BOLD, REGULAR
from earlyyears_desktop.handouts.scripts import markup, paragraph

#: nothing in a large-print document is smaller than this, in points
LARGE_PRINT_MIN = 16.0

#: A4 less the margins
PAGE_WIDTH = 210 * mm
PAGE_HEIGHT = 297 * mm


@dataclass(frozen=True)
class Look:
    """Sizes, colours and weights of one variant of the handout."""

    name: str
    body_size: float
    heading_size: float
    title_size: float
    band_title_size: float
    band_size: float
    small_size: float
    leading: float  # line height as a multiple of the font size
    gap: float  # space before a section, in points
    margin: float
    body_font: str
    ink: colors.Color
    muted: colors.Color
    accent: colors.Color
    band: colors.Color
    band_ink: colors.Color
    soft: colors.Color
    rule_width: float
    box_border: float
    high_contrast: bool
    #: nothing is printed smaller than this, in points (large print: 16)
    smallest: float = 0.0

    @property
    def frame_width(self) -> float:
        return float(PAGE_WIDTH - 2 * self.margin)


_TEAL = colors.HexColor("#1B5E66")
_STANDARD = Look(
    name="standard",
    body_size=11,
    heading_size=14.5,
    title_size=22,
    band_title_size=20,
    band_size=11,
    small_size=9.5,
    leading=1.34,
    gap=10,
    margin=15 * mm,
    body_font=REGULAR,
    ink=colors.HexColor("#1E1E1E"),
    muted=colors.HexColor("#4A4A4A"),
    accent=_TEAL,
    band=_TEAL,
    band_ink=colors.white,
    soft=colors.HexColor("#EAF4F1"),
    rule_width=0.8,
    box_border=0,
    high_contrast=False,
)
_LARGE = Look(
    name="large_print",
    body_size=16,
    heading_size=21,
    title_size=30,
    band_title_size=25,
    band_size=16,
    small_size=LARGE_PRINT_MIN,
    leading=1.5,
    gap=20,
    margin=15 * mm,
    body_font=REGULAR,
    ink=_STANDARD.ink,
    muted=colors.HexColor("#333333"),
    accent=_TEAL,
    band=_TEAL,
    band_ink=colors.white,
    soft=_STANDARD.soft,
    rule_width=1.2,
    box_border=0,
    high_contrast=False,
    smallest=LARGE_PRINT_MIN,
)


def _high_contrast(base: Look, name: str) -> Look:
    """Pure black on white, bold throughout, thicker rules; no grey, no tints."""
    return Look(
        name=name,
        body_size=max(base.body_size, 12),
        heading_size=base.heading_size + 1,
        title_size=base.title_size,
        band_title_size=base.band_title_size,
        band_size=max(base.band_size, 12),
        small_size=max(base.small_size, 12),
        leading=base.leading,
        gap=base.gap,
        margin=base.margin,
        body_font=BOLD,
        ink=colors.black,
        muted=colors.black,
        accent=colors.black,
        band=colors.white,
        band_ink=colors.black,
        soft=colors.white,
        rule_width=2.5,
        box_border=2.5,
        high_contrast=True,
        smallest=base.smallest,
    )


LOOKS = {
    "standard": _STANDARD,
    "large_print": _LARGE,
    "high_contrast": _high_contrast(_STANDARD, "high_contrast"),
    "large_high_contrast": _high_contrast(_LARGE, "large_high_contrast"),
}


def look_for(accessible_format: str, *, large_print_for_all: bool) -> Look:
    """The carer's format, with large print forced on when asked (high contrast kept)."""
    high = accessible_format == AccessibleFormat.HIGH_CONTRAST.value
    large = large_print_for_all or accessible_format == AccessibleFormat.LARGE_PRINT.value
    if high:
        return LOOKS["large_high_contrast" if large else "high_contrast"]
    return LOOKS["large_print" if large else "standard"]


# ---- words ----

_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def long_date(day: dt.date) -> str:
    """'Wednesday 25 November 2026', whatever the computer's locale."""
    return f"{_DAYS[day.weekday()]} {day.day} {_MONTHS[day.month - 1]} {day.year}"


def clock(t: dt.time) -> str:
    """'9:30am', '11am', 'midday' (the GOV.UK style)."""
    if t.hour == 12 and t.minute == 0:
        return "midday"
    hour = t.hour % 12 or 12
    suffix = "am" if t.hour < 12 else "pm"
    return f"{hour}{suffix}" if t.minute == 0 else f"{hour}:{t.minute:02d}{suffix}"


def time_span(start: dt.time | None, end: dt.time | None) -> str:
    if start and end:
        return f"{clock(start)} to {clock(end)}"
    if start:
        return f"from {clock(start)}"
    return ""


def possessive(name: str) -> str:
    return f"{name}’s"


def _text(value: str) -> str:
    """Vault text made safe for a Paragraph, line breaks kept."""
    return markup(value)


# ---- styles ----


@dataclass(frozen=True)
class _Styles:
    body: ParagraphStyle
    bullet: ParagraphStyle
    heading: ParagraphStyle
    title: ParagraphStyle
    lead: ParagraphStyle
    small: ParagraphStyle
    for_line: ParagraphStyle
    band_title: ParagraphStyle
    band: ParagraphStyle
    band_label: ParagraphStyle
    band_theme: ParagraphStyle
    idea_title: ParagraphStyle
    strong: ParagraphStyle


_STYLE_CACHE: dict[str, _Styles] = {}


def styles_for(look: Look) -> _Styles:
    cached = _STYLE_CACHE.get(look.name)
    if cached is not None:
        return cached

    def style(name: str, size: float, **kw: Any) -> ParagraphStyle:
        size = max(size, look.smallest)
        kw.setdefault("fontName", look.body_font)
        kw.setdefault("textColor", look.ink)
        kw.setdefault("leading", size * look.leading)
        kw.setdefault("alignment", TA_LEFT)
        return ParagraphStyle(f"{look.name}-{name}", fontSize=size, **kw)

    body = look.body_size
    made = _Styles(
        body=style("body", body, spaceAfter=body * 0.45),
        bullet=style(
            "bullet",
            body,
            leftIndent=body * 1.5,
            bulletIndent=body * 0.3,
            bulletFontName=BOLD,
            # reportlab's default bullet is 10pt: under the large-print minimum
            bulletFontSize=body,
            spaceAfter=body * 0.4,
        ),
        heading=style(
            "heading",
            look.heading_size,
            fontName=BOLD,
            textColor=look.accent,
            spaceBefore=look.gap,
            spaceAfter=look.heading_size * 0.25,
            keepWithNext=1,
        ),
        title=style(
            "title",
            look.title_size,
            fontName=BOLD,
            textColor=look.accent,
            leading=look.title_size * 1.2,
            spaceBefore=look.gap * 0.9,
            spaceAfter=look.title_size * 0.15,
        ),
        lead=style("lead", body + (1 if body < 14 else 0), spaceAfter=body * 0.2),
        small=style("small", look.small_size, textColor=look.muted),
        for_line=style(
            "for", look.small_size, textColor=look.muted, spaceAfter=look.body_size * 0.6
        ),
        band_title=style(
            "band-title",
            look.band_title_size,
            fontName=BOLD,
            textColor=look.band_ink,
            leading=look.band_title_size * 1.2,
            spaceAfter=look.band_size * 0.3,
        ),
        band=style("band", look.band_size, textColor=look.band_ink, leading=look.band_size * 1.35),
        band_label=style(
            "band-label",
            look.band_size * 0.9,
            textColor=look.band_ink,
            leading=look.band_size * 1.25,
        ),
        band_theme=style(
            "band-theme",
            look.band_size * 1.15,
            fontName=BOLD,
            textColor=look.band_ink,
            leading=look.band_size * 1.4,
        ),
        # In high contrast everything is bold: the idea's title stands out by size instead.
        idea_title=style(
            "idea-title",
            body + (1.5 if look.high_contrast else 0),
            fontName=BOLD,
            spaceAfter=body * 0.15,
            keepWithNext=1,
        ),
        strong=style("strong", body, fontName=BOLD, spaceAfter=body * 0.2),
    )
    _STYLE_CACHE[look.name] = made
    return made


# ---- flowables ----


class Checkpoint(Flowable):  # type: ignore[misc]
    """Takes no room; when placed on a page it calls `reached()` (progress, cancellation,
    and telling the page footer whose handout this page belongs to)."""

    def __init__(self, reached: Callable[[], None]) -> None:
        super().__init__()
        self._reached = reached

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        self._reached()


class _FitsHere(CondPageBreak):  # type: ignore[misc]
    """Takes no room; moves to the next page when what follows it (`flowables`, measured
    here and placed after it) would not fit in what is left of this one."""

    def __init__(self, flowables: list[Any]) -> None:
        super().__init__(0)
        self._measured = flowables

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self.height = sum(
            f.wrap(avail_width, avail_height)[1] + f.getSpaceBefore() + f.getSpaceAfter()
            for f in self._measured
        )
        return tuple(super().wrap(avail_width, avail_height))


class Rule(Flowable):  # type: ignore[misc]
    """A horizontal rule the width of the frame."""

    def __init__(self, width: float, colour: colors.Color, space: float) -> None:
        super().__init__()
        self._width = width
        self._colour = colour
        self._space = space

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self._avail = avail_width
        return avail_width, self._width + self._space

    def draw(self) -> None:
        canvas = self.canv
        canvas.setStrokeColor(self._colour)
        canvas.setLineWidth(self._width)
        y = self._space * 0.6
        canvas.line(0, y, self._avail, y)


def _box(
    rows: list[list[Any]],
    look: Look,
    *,
    fill: colors.Color,
    pad: float,
    border: float,
    widths: list[float] | None = None,
    split_in_row: bool = False,
) -> Table:
    table = Table(rows, colWidths=widths or [look.frame_width], splitInRow=int(split_in_row))
    commands: list[tuple[Any, ...]] = [
        ("BACKGROUND", (0, 0), (-1, -1), fill),
        ("LEFTPADDING", (0, 0), (-1, -1), pad),
        ("RIGHTPADDING", (0, 0), (-1, -1), pad),
        ("TOPPADDING", (0, 0), (-1, -1), 1),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
        ("TOPPADDING", (0, 0), (-1, 0), pad * 0.8),
        ("BOTTOMPADDING", (0, -1), (-1, -1), pad * 0.8),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]
    if border:
        commands.append(("BOX", (0, 0), (-1, -1), border, look.ink))
    table.setStyle(TableStyle(commands))
    table.setStyle(TableStyle([("ROUNDEDCORNERS", [6, 6, 6, 6])]))
    return table


def _band(content: SessionContent, look: Look, st: _Styles) -> Table:
    """The top of the handout: the group, the day and time, the venue and the theme (beside
    them in the standard look, below them in large print)."""
    when = long_date(content.date)
    span = time_span(content.start_time, content.end_time)
    lines = [paragraph(_text(content.group_name), st.band_title)]
    lines.append(paragraph(_text(f"{when}, {span}" if span else when), st.band))
    if content.venue_name:
        lines.append(paragraph(_text(content.venue_name), st.band))
    theme: list[Any] = []
    if content.theme:
        theme = [
            paragraph("Today’s theme", st.band_label),
            paragraph(_text(content.theme), st.band_theme),
        ]
    pad = 4 * mm if look.body_size < 14 else 6 * mm
    inner = look.frame_width - 2 * pad
    if theme and look.body_size < 14:
        split = 0.7 if look.high_contrast else 0.62
        table = _box(
            [[lines, theme]],
            look,
            fill=look.band,
            pad=pad,
            border=look.box_border,
            widths=[inner * split + pad, inner * (1 - split) + pad],
        )
        table.setStyle(TableStyle([("LINEBEFORE", (1, 0), (1, 0), 1, look.band_ink)]))
        return table
    if theme:
        lines += [Spacer(1, look.band_size * 0.4), *theme]
    return _box([[lines]], look, fill=look.band, pad=pad, border=look.box_border)


def _section(title: str, st: _Styles, look: Look, *, rule: bool = True) -> list[Any]:
    if not rule:
        return [paragraph(_text(title), st.heading)]
    return [
        paragraph(_text(title), st.heading),
        Rule(look.rule_width, look.accent, look.body_size * 0.5),
    ]


def _bullets(items: tuple[str, ...] | list[str], st: _Styles) -> list[Any]:
    return [paragraph(_text(item), st.bullet, bulletText="•") for item in items]


def child_story(
    content: SessionContent, child: ChildHandout, look: Look, reached: Callable[[], None]
) -> list[Any]:
    """One child's handout, as flowables."""
    st = styles_for(look)
    first = child.first_name
    story: list[Any] = [Checkpoint(reached), _band(content, look, st)]

    story.append(paragraph(_text(child.full_name), st.title))
    hello = (
        f"Thank you for coming to {_text(content.group_name)} today. Here is a little about "
        f"{_text(possessive(first))} session, and some ideas to try together at home."
    )
    if child.carer_name:
        story.append(paragraph(f"For {_text(child.carer_name)}", st.for_line))
    story.append(paragraph(hello, st.lead))

    story += _section("What we did", st, look)
    if content.activities:
        story += _bullets(list(content.activities), st)
    elif content.theme:
        story.append(
            paragraph(
                f"Our theme was “{_text(content.theme)}”. We played, sang and explored "
                "together, and there was time for a chat and a drink.",
                st.body,
            )
        )
    else:
        story.append(
            paragraph(
                "We played, sang and explored together, and there was time for a chat and a drink.",
                st.body,
            )
        )

    story += _section("What we noticed", st, look)
    if child.noticed:
        story += _bullets(list(child.noticed), st)
    else:
        story.append(
            paragraph(
                f"We loved having {_text(first)} with us today. If you would like to hear "
                f"more about how {_text(first)} got on, please ask any of us.",
                st.body,
            )
        )

    # When we meet next comes before the ideas, which may need a page of their own in large
    # print: the first page is not left part empty. Any questions? closes the handout.
    story.append(KeepTogether([*_section("When we meet next", st, look), *_next(content, st)]))
    story += _ideas(child, look, st)
    story += [Spacer(1, look.gap * 0.6), paragraph(_closing(child), st.small)]
    return story


def _ideas(child: ChildHandout, look: Look, st: _Styles) -> list[Any]:
    intro = (
        "These are the ideas we are working on together with "
        f"{_text(child.first_name)}. A few minutes, little and often, is plenty."
        if not child.ideas_are_general
        else "Some ideas from the group. A few minutes, little and often, is plenty."
    )
    rows: list[list[Any]] = [[paragraph(intro, st.body)]]
    for idea in child.ideas:
        rows.append(
            [[paragraph(_text(idea.title), st.idea_title), paragraph(_text(idea.text), st.body)]]
        )
    pad = 4 * mm if look.body_size < 14 else 5 * mm
    box = _box(rows, look, fill=look.soft, pad=pad, border=look.box_border, split_in_row=True)
    # The box splits between ideas and between an idea's lines, so the section starts on this
    # page when its heading and the introduction fit (a page left a third empty helps
    # nobody, and large print leaves less room on each); otherwise it moves to the next page,
    # never leaving its heading at the foot of one.
    # A bordered box (high contrast) needs no rule above it: the two would read as one.
    heading = _section("Things to try at home", st, look, rule=not look.box_border)
    start = _box(rows[:1], look, fill=look.soft, pad=pad, border=look.box_border)
    room = Spacer(1, look.body_size * look.leading * 2)  # the first idea's title and a line
    return [_FitsHere([*heading, start, room]), *heading, box]


def _next(content: SessionContent, st: _Styles) -> list[Any]:
    nxt = content.next_session
    if nxt is None:
        return [
            paragraph("We will let you know when the group meets next.", st.body),
        ]
    span = time_span(nxt.start_time, nxt.end_time)
    parts = [paragraph(_text(long_date(nxt.date) + (f", {span}" if span else "")), st.strong)]
    place = ", ".join(p for p in (content.venue_name, content.venue_address) if p)
    where = f"At {_text(place)}. " if place else ""
    parts.append(paragraph(f"{where}We look forward to seeing you.", st.body))
    return parts


def _closing(child: ChildHandout) -> str:
    """Any questions, and the carer's language or reading needs, in plain words."""
    lines = ["Any questions? Please talk to any of us at the group."]
    language = child.preferred_language.strip()
    if language and language.casefold() != "english":
        how = "with an interpreter" if child.interpreter_needed else "together"
        lines.append(f"We are happy to go through this sheet {how} in {_text(language)}: just ask.")
    elif child.interpreter_needed:
        lines.append("We are happy to go through this sheet with an interpreter: just ask.")
    if child.accessible_format == AccessibleFormat.READ_ALOUD.value:
        lines.append("We are happy to read this sheet through with you.")
    return " ".join(lines)
