"""A support plan in words on screen: the four parts of the graduated approach (assess, plan,
do, review) in order, the parents told, the specialists with the parents' agreement, the
one-page profile, and each review with progress against every outcome."""

from __future__ import annotations

import datetime as dt
from html import escape as _escape

from earlyyears_desktop.domain.enums import AreaOfNeed, OutcomeProgress
from earlyyears_desktop.services.support_views import (
    Evidence,
    OutcomeView,
    PlanRow,
    PlanView,
    ReviewView,
    status_words,
)
from earlyyears_desktop.ui.widgets import short_date


def escape(text: str) -> str:
    """What the user typed, safe in rich text, its line breaks kept."""
    return _escape(text).replace("\n", "<br>")


def _or(text: str, missing: str) -> str:
    return escape(text) if text else f"<i>{missing}</i>"


def _area(value: str) -> str:
    try:
        return AreaOfNeed(value).label
    except ValueError:
        return ""


def plan_status(plan: PlanView | PlanRow, today: dt.date) -> str:
    status = plan.status if isinstance(plan.status, str) else plan.status.value
    return status_words(status, plan.review_on, today)


def row_text(row: PlanRow, today: dt.date) -> str:
    """A plan in the list: child and title, then when it started and where it stands."""
    when = f"started {short_date(row.started_on)}"
    if not row.closed:
        when += f" · next review {short_date(row.review_on)}"
    elif row.last_reviewed_on:
        when += f" · closed at the review of {short_date(row.last_reviewed_on)}"
    return f"{row.child_name}: {row.title}\n{plan_status(row, today)} · {when}"


def assess_html(plan: PlanView) -> str:
    return _or(plan.assessment_summary, "No assessment summary written yet.")


def _outcome_html(o: OutcomeView) -> str:
    area = _area(o.area_of_need)
    head = f"<b>{escape(o.outcome)}</b>" + (f" · {escape(area)}" if area else "")
    if o.added_on:
        head += f" · added {short_date(o.added_on)}"
    if o.ended_on:
        head += f"<br><i>Ended {short_date(o.ended_on)}: {escape(o.end_reason)}</i>"
    lines = [
        head,
        f"Support: {_or(o.support, 'not written')}",
        f"Expected impact: {_or(o.expected_impact, 'not written')}",
        f"Who is responsible: {_or(o.responsible, 'not written')}",
    ]
    return "<br>".join(lines)


def plan_html(plan: PlanView) -> str:
    """The plan part: the outcomes sought (current first, then ended ones), their support,
    expected impact and who is responsible, and the review date."""
    parts = []
    if plan.interventions:
        parts.append(f"Support across the plan: {escape(plan.interventions)}")
    if plan.expected_impact:
        parts.append(f"Expected impact: {escape(plan.expected_impact)}")
    ordered = [*plan.current_outcomes, *(o for o in plan.outcomes if not o.current)]
    parts.extend(_outcome_html(o) for o in ordered)
    if not plan.closed:
        parts.append(f"<b>Review date:</b> {short_date(plan.review_on)}")
    return "<br><br>".join(parts)


def do_html(plan: PlanView) -> str:
    key = _or(plan.key_person, "No key person named yet.")
    return (
        f"Working with {escape(plan.child_name)} day to day: <b>{key}</b>, with support from "
        "the SENCO."
    )


def parents_told_html(plan: PlanView) -> str:
    if plan.parents_told_on is None:
        return "<i>Not recorded yet: the parents must be told that SEN support has started.</i>"
    return f"Told on {short_date(plan.parents_told_on)}, {escape(plan.parents_told_how)}."


def profile_html(plan: PlanView) -> str:
    p = plan.profile
    if p.is_empty:
        return "<i>No one-page profile written yet.</i>"
    return "<br><br>".join(
        [
            f"<b>What people like and admire about {escape(plan.child_name)}</b><br>"
            + _or(p.admire, "not written"),
            "<b>What is important to them</b><br>" + _or(p.important, "not written"),
            "<b>How best to support them</b><br>" + _or(p.support, "not written"),
        ]
    )


def evidence_html(evidence: tuple[Evidence, ...]) -> str:
    if not evidence:
        return "<i>No observations linked to this outcome in this time.</i>"
    return "<br>".join(f"{short_date(e.observed_on)}: {escape(e.text)}" for e in evidence)


def review_html(review: ReviewView) -> str:
    head = f"<b>Review of {short_date(review.reviewed_on)}</b>"
    if review.reviewer_name:
        head += f" · by {escape(review.reviewer_name)}"
    lines = [head]
    if review.progress:
        lines.append(escape(review.progress))
    for o in review.outcomes:
        note = f": {escape(o.note)}" if o.note else ""
        lines.append(
            f"<b>{escape(o.outcome)}</b> · {escape(OutcomeProgress(o.progress).label)}{note}"
            f"<br><small>Evidence: {evidence_html(o.evidence)}</small>"
        )
    how = f" (gathered by: {escape(review.child_views_how)})" if review.child_views_how else ""
    lines.append(f"<b>The parents' views:</b> {_or(review.parent_views, 'not recorded')}")
    lines.append(f"<b>The child's views{how}:</b> {_or(review.child_views, 'not recorded')}")
    lines.append(f"<b>Changes agreed:</b> {_or(review.changes_agreed, 'none')}")
    if review.next_review_on:
        lines.append(f"Next review: {short_date(review.next_review_on)}")
    else:
        lines.append("<i>The plan closed at this review.</i>")
    return "<br>".join(lines)
