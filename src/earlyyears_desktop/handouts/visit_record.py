"""After a home visit: "Our visit", the family's record of it, and a week's activity chart.

The record says who was there, what we did, how it went (each target worked on: its step and
how it went, in plain words), what to try before the next visit and when that is. The chart,
on a landscape page of its own, has the current step of each of the child's active targets
down the side and the seven days after the visit across, with empty boxes to tick or write in.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from reportlab.lib.enums import TA_CENTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    BaseDocTemplate,
    KeepTogether,
    NextPageTemplate,
    PageBreak,
    Table,
    TableStyle,
)

from earlyyears_desktop.handouts.family_pages import (
    LANDSCAPE,
    Pages,
    band,
    bullets,
    closing,
    for_lines,
    frame_height,
    frame_width,
    gap,
    is_large,
    lines,
    section,
    soft_box,
    text,
)
from earlyyears_desktop.handouts.layout import Look, _box, long_date, possessive, styles_for
from earlyyears_desktop.handouts.scripts import paragraph
from earlyyears_desktop.services.family_documents import VisitRecord

_DAY = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTH = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
#: empty rows the chart offers when the child has no active target (to write one in)
BLANK_ROWS = 3


def chart_days(record: VisitRecord) -> tuple[dt.date, ...]:
    """The seven days the chart covers: from the day after the visit."""
    start = record.visited_on + dt.timedelta(days=1)
    return tuple(start + dt.timedelta(days=n) for n in range(7))


def visit_story(record: VisitRecord, look: Look, doc: BaseDocTemplate, pages: Pages) -> list[Any]:
    """The visit record (portrait), then the activity chart (landscape)."""
    first = record.family.first_name
    story: list[Any] = [pages.part(f"{possessive(first)} visit record", doc)]
    story += _record(record, look)
    story += [NextPageTemplate(LANDSCAPE), PageBreak()]
    story.append(pages.part(f"{possessive(first)} activity chart", doc))
    story += _chart(record, look)
    return story


def _record(record: VisitRecord, look: Look) -> list[Any]:
    st = styles_for(look)
    first = text(record.family.first_name)
    details = [long_date(record.visited_on)]
    if record.worker_name:
        details.append(f"with {record.worker_name}")
    story: list[Any] = [band(look, "Our visit", details)]
    story += for_lines(record.family, look)
    story.append(
        paragraph(
            f"Thank you for having us. Here is what we did together with {first}, how it "
            "went, and what to try before our next visit.",
            st.lead,
        )
    )

    who = [
        ("Family", record.carers_present),
        ("Brothers and sisters", record.siblings_present),
        ("Also with us", record.others_present),
        ("From the team", record.worker_name),
    ]
    present = [f"<b>{label}:</b> {text(value)}" for label, value in who if value.strip()]
    if present:
        story += section("Who was there", look)
        story += [paragraph(line, st.body) for line in present]

    story += section("What we did", look)
    done = lines(record.activities)
    if done:
        story += bullets(list(done), look)
    else:
        story.append(paragraph(f"We played and talked together with {first}.", st.body))

    story += section("How it went", look, before_box=not record.how_it_went.strip())
    if record.how_it_went.strip():
        story.append(paragraph(text(record.how_it_went), st.body))
    if record.rated:
        story += [_rated(record, look), gap(look, 0.2)]
    if not record.how_it_went.strip() and not record.rated:
        story.append(paragraph(f"{first} had a good time with us today.", st.body))

    story += _try_at_home(record, look)

    when = (
        paragraph(text(long_date(record.next_visit_on)), st.strong)
        if record.next_visit_on
        else paragraph("We will arrange our next visit with you.", st.body)
    )
    story.append(
        KeepTogether(
            [
                *section("Our next visit", look),
                when,
                gap(look, 0.4),
                paragraph(closing(record.family, record.worker_name), st.small),
            ]
        )
    )
    return story


def _rated(record: VisitRecord, look: Look) -> Table:
    """Each target worked on: the target and its step beside how it went (below it in large
    print, where two columns would be too narrow)."""
    st = styles_for(look)
    rows: list[list[Any]] = []
    for rated in record.rated:
        what = [paragraph(text(rated.target), st.strong)]
        if rated.step:
            what.append(paragraph(f"<b>Step:</b> {text(rated.step)}", st.body))
        how = [paragraph(f"<b>{text(rated.rating_words)}</b>", st.body)]
        if rated.note.strip():
            how.append(paragraph(text(rated.note), st.body))
        rows.append([[*what, *how]] if is_large(look) else [what, how])
    width = look.frame_width
    pad = 5 * mm if is_large(look) else 4 * mm
    widths = None if is_large(look) else [width * 0.58, width * 0.42]
    table = _box(rows, look, fill=look.soft, pad=pad, border=look.box_border, widths=widths)
    between = [("LINEBELOW", (0, n), (-1, n), 0.8, look.band_ink) for n in range(len(rows) - 1)]
    if look.high_contrast:
        between = [("LINEBELOW", (0, n), (-1, n), 1.5, look.ink) for n in range(len(rows) - 1)]
    table.setStyle(
        TableStyle(
            [
                *between,
                ("TOPPADDING", (0, 1), (-1, -1), pad * 0.5),
                ("BOTTOMPADDING", (0, 0), (-1, -2), pad * 0.5),
            ]
        )
    )
    return table


def _try_at_home(record: VisitRecord, look: Look) -> list[Any]:
    st = styles_for(look)
    rows: list[list[Any]] = []
    practise = record.family_will_practise.strip()
    if practise:
        rows.append([[paragraph(text(practise), st.body)]])
    for strategy in record.strategies:
        cell = [paragraph(text(strategy.title), st.idea_title)]
        if strategy.try_at_home.strip():
            cell.append(paragraph(text(strategy.try_at_home), st.body))
        rows.append([cell])
    chart = "There is a chart on the next page to keep track through the week."
    if not rows:
        return [
            *section("Before our next visit", look),
            paragraph(f"Keep playing together as we did today. {chart}", st.body),
        ]
    rows.append([[paragraph(f"A few minutes, little and often, is plenty. {chart}", st.small)]])
    heading = section("What to try before our next visit", look, before_box=True)
    return [KeepTogether([*heading, soft_box(rows, look)])]


def _day_label(day: dt.date, *, with_month: bool) -> str:
    """'Wed<br/>25 Nov' (large print: 'Wed<br/>25', the month is in the line above)."""
    month = f" {_MONTH[day.month - 1]}" if with_month else ""
    return f"{_DAY[day.weekday()]}<br/>{day.day}{month}"


def _height(flowable: Any, width: float) -> float:
    return (
        float(flowable.wrap(width, 10_000)[1])
        + float(flowable.getSpaceBefore())
        + float(flowable.getSpaceAfter())
    )


def _chart(record: VisitRecord, look: Look) -> list[Any]:
    st = styles_for(look)
    width = frame_width(look, LANDSCAPE)
    days = chart_days(record)
    first = text(record.family.first_name)
    title = paragraph(f"{text(record.family.full_name)}: our week", st.title)
    intro = paragraph(
        f"The week from {text(long_date(days[0]))} to {text(long_date(days[-1]))}. Each day you "
        f"try a step with {first}, tick the box or write a word about how it went. Bring the "
        "chart to our next visit.",
        st.body,
    )

    large = is_large(look)
    step_width = width * (0.3 if large else 0.32)
    day_width = (width - step_width) / 7
    pad = float(2.5 * mm if large else 2 * mm)
    centred = ParagraphStyle(f"{look.name}-day", parent=st.body, alignment=TA_CENTER)
    header = [paragraph("<b>Step</b>", st.body)] + [
        paragraph(f"<b>{_day_label(d, with_month=not large)}</b>", centred) for d in days
    ]
    rows: list[list[Any]] = [header]
    for step in record.chart:
        cell = [
            paragraph(text(step.skill_area), st.small),
            paragraph(text(step.step), st.strong),
        ]
        rows.append([cell] + [""] * 7)
    if not record.chart:
        rows += [[[paragraph("", st.body)]] + [""] * 7 for _ in range(BLANK_ROWS)]
    anything_else: list[Any] = [[paragraph("Anything else?", st.strong)]] + [""] * 7

    # The rows share what is left of the page: boxes big enough to write in, all on the
    # page when they can be (a long list goes on, with the days repeated, to the next). The
    # row for anything else is left out when the steps fill the page.
    used = sum(_height(f, width) for f in (title, intro)) + look.gap * 0.5
    header_height = max(_height(p, day_width - 2 * pad) for p in header[1:]) + 2 * pad
    room = frame_height(look, LANDSCAPE) - used - header_height - 4 * mm
    least = float((18 if large else 15) * mm)

    def natural(row: list[Any]) -> float:
        return max(least, sum(_height(f, step_width - 2 * pad) for f in row[0]) + 2 * pad)

    if sum(natural(r) for r in rows[1:]) + natural(anything_else) <= room:
        rows.append(anything_else)
    share = min(room / (len(rows) - 1), 45 * mm)
    heights = [max(share, natural(row)) for row in rows[1:]]
    table = Table(
        rows,
        colWidths=[step_width] + [day_width] * 7,
        rowHeights=[None, *heights],
        repeatRows=1,
    )
    grid = max(look.rule_width * 0.8, 1.0) if look.high_contrast else 0.9
    commands: list[tuple[Any, ...]] = [
        ("GRID", (0, 0), (-1, -1), grid, look.ink if look.high_contrast else look.muted),
        ("BACKGROUND", (0, 0), (-1, 0), look.soft),
        ("BACKGROUND", (0, 1), (0, -1), look.soft),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("ALIGN", (1, 0), (-1, 0), "CENTER"),
        ("LEFTPADDING", (0, 0), (-1, -1), pad),
        ("RIGHTPADDING", (0, 0), (-1, -1), pad),
        ("TOPPADDING", (0, 0), (-1, -1), pad),
        ("BOTTOMPADDING", (0, 0), (-1, -1), pad),
    ]
    if look.high_contrast:
        commands.append(("BOX", (0, 0), (-1, -1), look.box_border, look.ink))
    table.setStyle(TableStyle(commands))
    return [title, intro, gap(look, 0.5), table]
