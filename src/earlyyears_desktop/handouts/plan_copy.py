"""The support plan as the family keeps it: "My support plan", in plain English, then the
one-page profile on a page of its own.

The plan copy says what we know about the child, the outcomes we are working towards with
the support for each and who does it, the specialists involved (with the date the family
agreed), the next review and the reviews so far in brief.
"""

from __future__ import annotations

from typing import Any

from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import BaseDocTemplate, KeepTogether, PageBreak, Spacer

from earlyyears_desktop.handouts.family_pages import (
    PORTRAIT,
    Pages,
    band,
    bullets,
    closing,
    for_lines,
    frame_height,
    gap,
    lines,
    section,
    soft_box,
    text,
)
from earlyyears_desktop.handouts.layout import Look, long_date, possessive, styles_for
from earlyyears_desktop.handouts.scripts import paragraph
from earlyyears_desktop.services.family_documents import OutcomeCopy, PlanCopy, ReviewCopy

DEFAULT_TITLE = "Support plan"
NOT_WRITTEN = "We will write this together with you."


def plan_story(plan: PlanCopy, look: Look, doc: BaseDocTemplate, pages: Pages) -> list[Any]:
    """The family's copy of the plan, then the one-page profile from a new page."""
    first = plan.family.first_name
    story: list[Any] = [pages.part(f"{possessive(first)} support plan", doc)]
    story += _plan(plan, look)
    story += [PageBreak(), pages.part(f"{possessive(first)} one-page profile", doc)]
    story += _profile(plan, look)
    return story


def _plan(plan: PlanCopy, look: Look) -> list[Any]:
    st = styles_for(look)
    first = text(plan.family.first_name)
    details = []
    if plan.title.strip() and plan.title.strip() != DEFAULT_TITLE:
        details.append(plan.title.strip())
    details.append(f"Started {long_date(plan.started_on)}")
    if plan.next_review_on is not None:
        details.append(f"Next review {long_date(plan.next_review_on)}")
    story: list[Any] = [band(look, "My support plan", details)]
    story += for_lines(plan.family, look)
    story.append(
        paragraph(
            f"This is your copy of the plan we made together for {first}: what we are working "
            "towards, how we will help and who does what.",
            st.lead,
        )
    )

    story += section(f"What we know about {plan.family.first_name}", look)
    summary = plan.assessment_summary.strip()
    story.append(paragraph(text(summary) if summary else NOT_WRITTEN, st.body))

    story += section("What we are working towards", look, before_box=bool(plan.outcomes))
    for number, outcome in enumerate(plan.outcomes, 1):
        story += [_outcome(number, outcome, look), gap(look, 0.4)]
    if not plan.outcomes:
        story.append(paragraph(NOT_WRITTEN, st.body))
    if plan.interventions.strip():
        story += section("How we will help", look)
        story += _paragraphs(plan.interventions, look)

    story += _who(plan, look)

    if plan.next_review_on is not None:
        when = [
            paragraph(text(long_date(plan.next_review_on)), st.strong),
            paragraph(
                f"We will meet with you to talk about how {first} is getting on and what comes "
                f"next. Your views and {text(possessive(plan.family.first_name))} views are "
                "part of every review.",
                st.body,
            ),
        ]
    else:
        when = [paragraph("This plan has come to an end.", st.body)]
    story.append(KeepTogether([*section("When we will look at the plan again", look), *when]))

    story += _reviews(plan, look)
    story += [gap(look, 0.6), paragraph(closing(plan.family, plan.written_by), st.small)]
    return story


def _paragraphs(value: str, look: Look) -> list[Any]:
    st = styles_for(look)
    parts = lines(value)
    if len(parts) > 1:
        return bullets(list(parts), look)
    return [paragraph(text(value), st.body)]


def _outcome(number: int, outcome: OutcomeCopy, look: Look) -> Any:
    st = styles_for(look)
    cell: list[Any] = [paragraph(f"{number}. {text(outcome.outcome)}", st.idea_title)]
    for label, value in (
        ("How we will help", outcome.support),
        ("What we hope to see", outcome.expected_impact),
        ("Who", outcome.responsible),
    ):
        if value.strip():
            cell.append(paragraph(f"<b>{label}:</b> {text(value)}", st.body))
    return soft_box([[cell]], look)


def _who(plan: PlanCopy, look: Look) -> list[Any]:
    st = styles_for(look)
    first = text(plan.family.first_name)
    said: list[Any] = []
    if plan.key_person.strip():
        said.append(
            paragraph(
                f"<b>{text(plan.key_person)}</b> is {text(possessive(plan.family.first_name))} "
                f"key person and helps {first} every day.",
                st.body,
            )
        )
    if plan.written_by:
        said.append(paragraph(f"<b>{text(plan.written_by)}</b> wrote this plan with you.", st.body))
    said.append(
        paragraph(
            f"<b>You</b> know {first} best: you tell us what is working at home.",
            st.body,
        )
    )
    for person in plan.specialists:
        role = ", ".join(p for p in (person.role, person.agency) if p.strip())
        line = f"<b>{text(person.name)}</b>" + (f", {text(role)}" if role else "")
        line += f". You agreed on {text(long_date(person.parents_agreed_on))}."
        said.append(paragraph(line, st.bullet, bulletText="•"))
    head = section("Who does what", look)
    if plan.specialists:
        intro_at = len(said) - len(plan.specialists)
        said.insert(
            intro_at,
            paragraph(f"Other people helping {first}, as you agreed:", st.body),
        )
    return [*head, *said]


def _reviews(plan: PlanCopy, look: Look) -> list[Any]:
    st = styles_for(look)
    story = section("Reviews so far", look)
    if not plan.reviews:
        return [*story, paragraph("There has not been a review yet.", st.body)]
    for review in plan.reviews:
        story.append(KeepTogether(_review(review, look)))
    return story


def _review(review: ReviewCopy, look: Look) -> list[Any]:
    st = styles_for(look)
    parts: list[Any] = [paragraph(text(long_date(review.reviewed_on)), st.strong)]
    parts += [
        paragraph(
            f"{text(o.outcome)}: <b>{text(o.progress.label)}</b>",
            st.bullet,
            bulletText="•",
        )
        for o in review.outcomes
    ]
    if not review.outcomes and review.progress.strip():
        parts.append(paragraph(text(review.progress), st.body))
    if review.changes_agreed.strip():
        parts.append(paragraph(f"<b>We agreed:</b> {text(review.changes_agreed)}", st.body))
    parts.append(gap(look, 0.3))
    return parts


def _profile(plan: PlanCopy, look: Look) -> list[Any]:
    """The one-page profile: three boxes sharing the page, with room to add to them by hand
    when they are short."""
    st = styles_for(look)
    first = plan.family.first_name
    top: list[Any] = [
        band(look, "One-page profile", [f"All about {first}"]),
        paragraph(text(plan.family.full_name), st.title),
    ]
    box_heading = ParagraphStyle(f"{look.name}-profile", parent=st.heading, spaceBefore=0)
    width = look.frame_width
    room = frame_height(look, PORTRAIT) - sum(_height(f, width) for f in top)
    share = room / 3 - look.gap * 0.5 - look.title_size
    boxes: list[Any] = []
    for heading, value in (
        (f"What people like and admire about {first}", plan.profile_admire),
        (f"What is important to {first}", plan.profile_important),
        (f"How best to support {first}", plan.profile_support),
    ):
        body = _paragraphs(value, look) if value.strip() else [paragraph(NOT_WRITTEN, st.body)]
        cell = [paragraph(text(heading), box_heading), *body]
        natural = _height(soft_box([[cell]], look), width)
        if natural < share:
            cell.append(Spacer(1, share - natural))
        boxes += [gap(look, 0.5), soft_box([[cell]], look)]
    return [*top, *boxes]


def _height(flowable: Any, width: float) -> float:
    return (
        float(flowable.wrap(width, 10_000)[1])
        + float(flowable.getSpaceBefore())
        + float(flowable.getSpaceAfter())
    )
