"""The letter to a family after a meeting: the group's name and the date, who was there (by
role only where the meeting prefers), the outcome for their child, each of the family's own
questions quoted with its answer, what happens next and whom to contact, signed by the chair.

Plain English, in the main carer's format. The family's words and the group's answers are
paragraphs, never table cells, so a long answer (5,000 words) flows on over further pages.
"""

from __future__ import annotations

from typing import Any

from reportlab.platypus import KeepTogether

from earlyyears_desktop.domain.enums import MeetingKind
from earlyyears_desktop.handouts.family_pages import (
    band,
    bullets,
    for_lines,
    gap,
    lines,
    reading_needs,
    section,
    text,
)
from earlyyears_desktop.handouts.layout import Look, long_date, styles_for
from earlyyears_desktop.handouts.meeting_pages import Part, quote_style
from earlyyears_desktop.handouts.scripts import paragraph
from earlyyears_desktop.services.meeting_documents import LetterCopy, MeetingLetters

NOTHING_NEXT = "Nothing more is needed for now. We will write to you if anything changes."


def letter_part(meeting: MeetingLetters, letter: LetterCopy, look: Look) -> Part:
    label = f"Letter about {letter.family.first_name}"
    return Part(look, label, _story(meeting, letter, look))


def _story(meeting: MeetingLetters, letter: LetterCopy, look: Look) -> list[Any]:
    st = styles_for(look)
    family = letter.family
    first = text(family.first_name)
    day = text(long_date(meeting.held_on))
    liaison = meeting.kind is MeetingKind.LIAISON_GROUP
    story: list[Any] = [band(look, meeting.name, [long_date(meeting.held_on)])]
    story += for_lines(family, look)
    dear = text(family.carer_name) if family.carer_name else "parent or carer"
    story.append(paragraph(f"Dear {dear},", st.body))
    if liaison:
        intro = (
            f"{_the(meeting.name)} met on {day} and talked about {first}. Families do not "
            "come to these meetings, so we are writing to tell you what the group decided "
            "and to answer your questions."
        )
    else:
        intro = (
            f"Thank you for the meeting about {first} on {day}. This letter is a record of "
            "what we agreed, with our answers to your questions."
        )
    story.append(paragraph(intro, st.lead))

    if meeting.present:
        story += titled("Who was there", bullets(list(meeting.present), look), look)

    heading = f"What the group decided for {family.first_name}" if liaison else "What we agreed"
    story += titled(heading, _paragraphs(letter.outcome, look), look)

    story += _questions(letter, look)

    if letter.next_steps.strip():
        story += titled("What happens next", _paragraphs(letter.next_steps, look), look)
    else:
        story += titled("What happens next", [paragraph(NOTHING_NEXT, st.body)], look)

    contact = letter.contact.strip() or _chair(meeting) or meeting.team_name
    said = [
        paragraph(
            f"If you have a question about this letter or about {first}, please contact "
            f"<b>{text(contact)}</b>."
            if contact
            else "Please contact any of the team.",
            st.body,
        )
    ]
    if letter.hear_back_how.strip():
        said.append(
            paragraph(
                "You told us how you would like to hear from us: "
                f"“{text(letter.hear_back_how)}”. If a letter is not enough, please tell us.",
                st.body,
            )
        )
    said += [paragraph(sentence, st.body) for sentence in reading_needs(family)]
    story += titled("Who to contact", said, look)
    story.append(KeepTogether(_signed(meeting, look)))
    return story


def titled(title: str, content: list[Any], look: Look) -> list[Any]:
    """A section whose heading stays on the page of its first paragraph."""
    return [KeepTogether([*section(title, look), *content[:1]]), *content[1:]]


def _the(name: str) -> str:
    """ "Kingsford pre-school liaison group" begins a sentence as "The Kingsford…"."""
    name = name.strip()
    return name if name.casefold().startswith("the ") else f"The {name}"


def _chair(meeting: MeetingLetters) -> str:
    return ", ".join(p for p in (meeting.chair_name, meeting.chair_role) if p.strip())


def _paragraphs(value: str, look: Look) -> list[Any]:
    st = styles_for(look)
    parts = lines(value)
    if len(parts) > 1:
        return bullets(list(parts), look)
    return [paragraph(text(value), st.body)]


def _questions(letter: LetterCopy, look: Look) -> list[Any]:
    st = styles_for(look)
    first = text(letter.family.first_name)
    ask = text(letter.contact) if letter.contact.strip() else "us"
    if not letter.questions:
        none = (
            "You did not send us any questions this time. If you have one now, please "
            f"ask {ask}: we are glad to answer."
        )
        return titled("Your questions", [paragraph(none, st.body)], look)
    quoted = quote_style(look)
    thanks = f"Thank you for your questions about {first}. Here is each one, with our answer."
    story = titled("Your questions", [paragraph(thanks, st.body)], look)
    for question in letter.questions:
        asked = [
            paragraph("You asked:", st.strong),
            paragraph(f"“{text(question.question)}”", quoted),
        ]
        if question.answer.strip():
            story.append(KeepTogether([*asked, paragraph("Our answer:", st.strong)]))
            story += [paragraph(text(part), st.body) for part in _blocks(question.answer)]
        else:
            story.append(KeepTogether(asked))
            story.append(
                paragraph(
                    f"The group did not answer this question at the meeting. Please ask {ask} "
                    "and we will answer it.",
                    st.body,
                )
            )
        story.append(gap(look, 0.3))
    return story


def _blocks(value: str) -> list[str]:
    """Text split at blank lines: one paragraph each, so a long answer turns the page
    between paragraphs as well as within them."""
    out = [part.strip() for part in value.replace("\r\n", "\n").split("\n\n")]
    return [part for part in out if part] or [value]


def _signed(meeting: MeetingLetters, look: Look) -> list[Any]:
    st = styles_for(look)
    said: list[Any] = [gap(look, 0.6), paragraph("Yours sincerely,", st.body), gap(look, 0.8)]
    if meeting.chair_name.strip():
        said.append(paragraph(f"<b>{text(meeting.chair_name)}</b>", st.body))
        if meeting.chair_role.strip():
            said.append(paragraph(text(meeting.chair_role), st.body))
        said.append(paragraph(f"Chair, {text(meeting.name)}", st.body))
    else:
        said.append(paragraph(f"<b>{text(meeting.name)}</b>", st.body))
    if meeting.team_name.strip():
        said.append(paragraph(text(meeting.team_name), st.body))
    return said


__all__ = ["NOTHING_NEXT", "letter_part"]
