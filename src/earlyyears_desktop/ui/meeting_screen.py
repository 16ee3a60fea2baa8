"""What the meeting editor (`ui/meeting_editor.py`) shows, read in one go on the database
thread: the meeting whole, the referrals of the children on its agenda (with the families'
questionnaires), the notifications to the local authority its decisions made, and the team's
practitioners (who may be there, or own an action)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, replace

from earlyyears_desktop.domain.errors import NotFound
from earlyyears_desktop.services.container import Services
from earlyyears_desktop.services.meeting_views import (
    DiscussionView,
    MeetingView,
    NotificationRow,
)
from earlyyears_desktop.services.meetings import DiscussionInput
from earlyyears_desktop.services.practitioners import PractitionerRow
from earlyyears_desktop.services.referrals import ReferralView
from earlyyears_desktop.ui.widgets import long_date


@dataclass(frozen=True)
class MeetingScreen:
    """All the editor shows, read in one go on the database thread."""

    meeting: MeetingView
    referrals: Mapping[str, ReferralView]
    notifications: Mapping[str, NotificationRow]
    team: tuple[PractitionerRow, ...]
    today: dt.date

    def discussion(self, discussion_id: str | None) -> DiscussionView | None:
        return next((d for d in self.meeting.discussions if d.id == discussion_id), None)

    def with_typed(
        self, typed: Mapping[str, DiscussionInput], answers: Mapping[str, str]
    ) -> MeetingScreen:
        """The screen with what was typed and sent to the vault laid over it (`typed`:
        discussion id -> its fields, `answers`: question id -> its answer): a child chosen
        again before the write and the read after it shows what was typed, never the words
        from before."""
        if not typed and not answers:
            return self
        discussions = []
        for discussion in self.meeting.discussions:
            given = typed.get(discussion.id)
            if given is not None:
                discussion = replace(
                    discussion,
                    summary=given.summary,
                    outcome=given.outcome,
                    next_steps=given.next_steps,
                    contact=given.contact,
                    family_present=given.family_present,
                )
            if any(q.id in answers for q in discussion.questions):
                questions = tuple(
                    replace(q, answer=answers[q.id]) if q.id in answers else q
                    for q in discussion.questions
                )
                discussion = replace(discussion, questions=questions)
            discussions.append(discussion)
        return replace(self, meeting=replace(self.meeting, discussions=tuple(discussions)))


def read_meeting(services: Services, meeting_id: str) -> MeetingScreen:
    meeting = services.meetings.meeting(meeting_id)
    referrals = {}
    for discussion in meeting.discussions:
        if discussion.referral_id is not None:
            try:
                referrals[discussion.referral_id] = services.referrals.get(discussion.referral_id)
            except NotFound:
                continue  # a referral removed since: the discussion stands without it
    decided = {d.notification_id for x in meeting.discussions for d in x.decisions}
    notifications = {n.id: n for n in services.meetings.notifications() if n.id in decided}
    team = tuple(p for p in services.practitioners.list() if p.active)
    return MeetingScreen(meeting, referrals, notifications, team, services.meetings.today())


def details_text(view: MeetingView) -> str:
    """'Pre-school liaison group · Thu 29 Feb 2028 at 13:30 · Riverside Children's Centre ·
    chaired by Dr Farah Siddiqui (Community paediatrician) · Planned'."""
    when = long_date(view.held_on) + (f" at {view.starts_at:%H:%M}" if view.starts_at else "")
    parts = [view.kind.label, when, view.place or "no place given"]
    if view.chair_name:
        parts.append(
            f"chaired by {view.chair_name}" + (f" ({view.chair_role})" if view.chair_role else "")
        )
    parts.append(
        "letters name roles only" if view.letters_roles_only else "letters name the people"
    )
    parts.append(view.status.label)
    return " · ".join(parts)


__all__ = ["MeetingScreen", "details_text", "read_meeting"]
