"""The parents' questionnaire before a pre-school liaison group: in plain English, in the main
carer's format, with the child's name and the meeting's date filled in (a line to write it on
when the referral is on no planned meeting's agenda yet), the five questions with room to
write, and whom to give it back to.

Families do not come to the group (seed 002): this form is their voice in it, so it says so,
and says that a letter with the answers to their questions will follow the meeting.
"""

from __future__ import annotations

from typing import Any

from reportlab.platypus import KeepTogether, Table, TableStyle

from earlyyears_desktop.handouts.family_pages import (
    band,
    for_lines,
    gap,
    is_large,
    reading_needs,
    section,
    soft_box,
    text,
)
from earlyyears_desktop.handouts.layout import Look, long_date, possessive, styles_for
from earlyyears_desktop.handouts.meeting_pages import Part, WritingLines
from earlyyears_desktop.handouts.scripts import paragraph
from earlyyears_desktop.services.meeting_documents import QuestionnaireCopy

#: the five questions' headings (the child's first name goes in `{first}`)
QUESTIONS = (
    "What is going well for {first}?",
    "What are your concerns?",
    "What would you like the group to talk about?",
    "Your questions for the group",
    "How would you like to hear back from us?",
)
HEAR_BACK = ("A letter in the post", "An email", "A phone call", "A meeting in person")


def questionnaire_part(copy: QuestionnaireCopy, look: Look) -> Part:
    label = f"{possessive(copy.family.first_name)} questionnaire"
    return Part(look, label, _story(copy, look))


def _story(copy: QuestionnaireCopy, look: Look) -> list[Any]:
    st = styles_for(look)
    family = copy.family
    first = text(family.first_name)
    details = [_capital(copy.group_name)]
    if copy.meeting_on is not None:
        details.append(f"Meeting on {long_date(copy.meeting_on)}")
    story: list[Any] = [band(look, "Your views before the meeting", details)]
    story += for_lines(family, look)
    story.append(
        paragraph(
            f"{_referrer(copy)} has asked {text(_the(copy.group_name))} to talk about {first}, "
            "as you agreed. Families do not come to the group’s meetings, so this form is "
            "your chance to tell the group what you think. Write as much or as little as you "
            "like. After the meeting we will write to you with what the group decided and an "
            "answer to each of your questions.",
            st.lead,
        )
    )
    if copy.meeting_on is None:
        story += [_date_line(look), gap(look, 0.5)]
    story += [_giving_back(copy, look), gap(look, 0.2)]
    hints = (
        f"What {first} enjoys, what {first} is good at, what has got easier lately.",
        f"Anything that worries you about {first}, at home or anywhere else.",
        "For example: talking and understanding, play, eating, sleeping, nursery or school.",
        "One question on each line. We will answer each one in our letter.",
        "Tick as many as you like.",
    )
    # large print: fewer lines (each wider apart), so the first question fits on page one
    lines = (4, 4, 4) if is_large(look) else (5, 5, 5)
    for number, (heading, hint) in enumerate(zip(QUESTIONS, hints, strict=True)):
        title = f"{number + 1}. " + heading.format(first=family.first_name)
        block: list[Any] = [*section(title, look), paragraph(hint, st.small), gap(look, 0.2)]
        if number < len(lines):
            block.append(WritingLines(look, lines[number]))
        elif number == 3:
            block.append(WritingLines(look, 8, numbered=2))
        else:
            block += [*_hear_back(look), gap(look, 0.6), _signed(look)]
        story.append(KeepTogether(block))
    return story


def _referrer(copy: QuestionnaireCopy) -> str:
    """ "Dr Farah Siddiqui, community paediatrician," (the role between commas)."""
    if copy.referrer_role:
        return f"{text(copy.referrer_name)}, {text(copy.referrer_role)},"
    return text(copy.referrer_name)


def _the(name: str) -> str:
    """ "the Kingsford pre-school liaison group" inside a sentence."""
    return name if name.casefold().startswith("the ") else f"the {name}"


def _capital(value: str) -> str:
    return value[:1].upper() + value[1:]


def _date_line(look: Look) -> Table:
    """ "The group will meet on: ______" when no planned meeting has the referral yet."""
    return _form_rows([("The group will meet on:", 0.45 if is_large(look) else 0.36)], look)


def _form_rows(rows: list[tuple[str, float]], look: Look) -> Table:
    """Labels each with a line to write on beside them."""
    st = styles_for(look)
    width = look.frame_width
    label_width = max(share for _label, share in rows) * width
    table = Table(
        [[paragraph(label, st.body), WritingLines(look, 1)] for label, _share in rows],
        colWidths=[label_width, width - label_width],
    )
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    return table


def _hear_back(look: Look) -> list[Any]:
    st = styles_for(look)
    box = "☐"
    rows = [paragraph(f"{box}  {choice}", st.body) for choice in HEAR_BACK]
    rows.append(
        paragraph(
            "Anything that would help us, such as large print, another language or an interpreter:",
            st.body,
        )
    )
    return [*rows, WritingLines(look, 2)]


def _giving_back(copy: QuestionnaireCopy, look: Look) -> Table:
    st = styles_for(look)
    who = text(copy.return_to)
    if copy.return_to_role:
        who += f", {text(copy.return_to_role)}"
    if copy.team_name:
        who += f", {text(copy.team_name)}"
    when = (
        f"before the meeting on {text(long_date(copy.meeting_on))}"
        if copy.meeting_on is not None
        else "as soon as you can, so that it reaches the group before the meeting"
    )
    said = [
        paragraph(f"Please give or post this form back to <b>{who}</b>, {when}.", st.body),
        paragraph(
            "If it is easier, phone us and we will write your answers down with you.", st.body
        ),
        *[paragraph(sentence, st.body) for sentence in reading_needs(copy.family)],
    ]
    return soft_box([[said]], look)


def _signed(look: Look) -> Table:
    share = 0.45 if is_large(look) else 0.25
    return _form_rows([("Filled in by:", share), ("Date:", share)], look)


__all__ = ["QUESTIONS", "questionnaire_part"]
