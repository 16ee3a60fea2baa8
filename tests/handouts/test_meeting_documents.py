"""The parents' questionnaire before a liaison group and the letters to the families after a
meeting: read back from the PDF with poppler (pdftotext per page, its word boxes for overlap),
font sizes from the PDF's own text operators (as test_family_documents.py does)."""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from benchmarks.meeting_records import (
    CHAIR,
    GROUP,
    MEETING_DAY,
    NEXT_MEETING_DAY,
    PEOPLE,
    TODAY,
    family,
)

from earlyyears_desktop.domain.models import (
    MeetingDiscussion,
    ParentQuestion,
    QuestionnaireReply,
    Referral,
)
from earlyyears_desktop.domain.record_types import NoConsent, record_type_of
from earlyyears_desktop.handouts import (
    CannotSave,
    FilesExist,
    MeetingLettersDocument,
    NoLetters,
    UnknownMeeting,
    UnknownReferral,
    build_letters_per_family,
    build_meeting_letters,
    render_meeting_letters,
    render_questionnaire,
)
from earlyyears_desktop.handouts.layout import long_date
from earlyyears_desktop.handouts.questionnaire import QUESTIONS
from earlyyears_desktop.services.clock import Clock
from earlyyears_desktop.services.container import Services
from earlyyears_desktop.services.meeting_documents import NO_OUTCOME_YET
from earlyyears_desktop.storage.vault import open_vault

from .conftest import LONG_ANSWER, MeetingVault, pdf_font_sizes, pdf_info, pdf_text


@dataclass
class Letters:
    services: Services
    document: MeetingLettersDocument
    path: Path
    large: MeetingLettersDocument
    long: MeetingLettersDocument
    long_path: Path


@pytest.fixture(scope="module")
def made(
    meeting_vault: MeetingVault, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Letters]:
    folder = tmp_path_factory.mktemp("letters")
    vault = open_vault(meeting_vault.folder, meeting_vault.passphrase)
    try:
        services = Services(vault, clock=Clock.fixed(TODAY))
        saved = build_meeting_letters(services, meeting_vault.records.meeting_id, folder / "a.pdf")
        large = render_meeting_letters(services, meeting_vault.records.meeting_id, large_print=True)
        long = render_meeting_letters(services, meeting_vault.long.meeting_id)
        long_path = folder / "long.pdf"
        long_path.write_bytes(long.pdf)
        yield Letters(services, saved.document, saved.path, large, long, long_path)
    finally:
        vault.lock()


#: the direction marks pdftotext puts around right-to-left text
_MARKS = re.compile("[\u202a-\u202e\u2066-\u2069]")


def _page(path: Path, page: int) -> str:
    return " ".join(_MARKS.sub("", pdf_text(path, page, page)).split())


def _squash(value: str) -> str:
    return re.sub(r"\s+", "", value)


def _letter_text(made: Letters, number: int) -> str:
    letter = made.document.letters[number - 1]
    pages = range(letter.first_page, letter.first_page + letter.pages)
    return " ".join(_page(made.path, page) for page in pages)


def test_each_letter_quotes_the_familys_own_questions_with_the_answers(
    made: Letters, meeting_vault: MeetingVault
) -> None:
    records = meeting_vault.records
    assert len(made.document.letters) == 5
    for letter in made.document.letters:
        text = _letter_text(made, letter.number)
        view = made.services.meetings.discussion(letter.discussion_id)
        assert view.questions
        # pdftotext moves the spaces around right-to-left words: compare without spaces
        bare = _squash(text)
        for question in view.questions:
            assert _squash(f"“{question.question}”") in bare, question.question
            if question.answer:
                assert _squash(question.answer) in bare
            else:
                assert "The group did not answer this question at the meeting" in text
        for said in (
            GROUP,
            long_date(MEETING_DAY),
            view.outcome,
            "A speech and language therapist will write to you with an appointment.",
            "Mei Lin Chen, Portage practitioner, 01632 960 123",
            "What happens next",
            "Who to contact",
            "Yours sincerely",
            CHAIR[0],
            f"Chair, {GROUP}",
        ):
            assert _squash(said) in bare, said
        # who was there: roles only (the meeting prefers it), each once, apologies left out
        assert "Speech and language therapist" in text and "Siobhán" not in text
        assert text.count("• Speech and language therapist") == 1
        assert PEOPLE[-1][1] not in text and PEOPLE[-1][0] not in text
        # no other family's child is in this letter
        for other in made.document.letters:
            if other.number != letter.number and other.name != letter.name:
                assert other.name not in text
    assert {letter.discussion_id for letter in made.document.letters} == set(
        records.discussion_ids
    ) - set(records.without_outcome)


def test_two_families_never_share_a_page_and_each_letter_is_numbered_on_its_own(
    made: Letters,
) -> None:
    names = {letter.number: family(letter.number - 1) for letter in made.document.letters}
    page = 0
    for letter in made.document.letters:
        given = names[letter.number][0]
        for n in range(1, letter.pages + 1):
            page += 1
            text = _page(made.path, page)
            assert f"Page {n} of {letter.pages}" in text, (page, text[-80:])
            if given.isascii():
                assert f"Letter about {given}" in text
            others = {names[k][0] for k in names if k != letter.number}
            assert not [o for o in others if o.isascii() and f"about {o}" in text]
        assert letter.first_page == page - letter.pages + 1
    assert page == made.document.pages
    assert f"Pages:           {page}" in pdf_info(made.path)


def test_each_family_in_its_own_format_and_large_print_nothing_under_16_points(
    made: Letters,
) -> None:
    looks = [letter.look for letter in made.document.letters]
    assert looks == ["standard", "large_print", "high_contrast", "standard", "standard"]
    assert [letter.look for letter in made.large.letters] == [
        "large_print",
        "large_print",
        "large_high_contrast",
        "large_print",
        "large_print",
    ]
    assert min(pdf_font_sizes(made.large.pdf)) >= 16
    assert min(pdf_font_sizes(made.document.pdf)) < 16  # the check reads the sizes there
    assert made.large.pages > made.document.pages
    fonts = subprocess.run(["pdffonts", str(made.path)], capture_output=True, text=True).stdout
    assert "NotoSansHebrew" in fonts  # the third family's names, in Hebrew


def _line_boxes(path: Path) -> dict[int, list[tuple[float, float, float, float]]]:
    done = subprocess.run(
        ["pdftotext", "-bbox-layout", str(path), "-"], capture_output=True, check=True
    ).stdout.decode("utf-8")
    pages: dict[int, list[tuple[float, float, float, float]]] = {}
    for number, page in enumerate(done.split("<page ")[1:], 1):
        pages[number] = [
            tuple(float(v) for v in box)  # type: ignore[misc]
            for box in re.findall(
                r'<line xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)"', page
            )
        ]
    return pages


def test_a_5000_word_answer_flows_onto_further_pages_without_overlap(made: Letters) -> None:
    [letter] = made.long.letters
    assert letter.pages >= 5
    text = " ".join(pdf_text(made.long_path).split())
    words = re.findall(r"word\d+", text)
    assert words == re.findall(r"word\d+", LONG_ANSWER)  # every word, once, in order
    for n in range(1, letter.pages + 1):
        assert f"Page {n} of {letter.pages}" in _page(made.long_path, n)
    for page, boxes in _line_boxes(made.long_path).items():
        for i, a in enumerate(boxes):
            for b in boxes[i + 1 :]:
                apart = a[2] <= b[0] + 0.5 or b[2] <= a[0] + 0.5
                apart = apart or a[3] <= b[1] + 0.5 or b[3] <= a[1] + 0.5
                assert apart, (page, a, b)


def test_a_child_without_an_outcome_is_held_back_and_a_meeting_with_none_is_refused(
    made: Letters, meeting_vault: MeetingVault
) -> None:
    [held] = made.document.held_back
    assert held.discussion_id == meeting_vault.records.without_outcome[0]
    assert held.reason == NO_OUTCOME_YET
    assert held.name not in repr(held)
    assert held.name not in _page(made.path, made.document.pages)
    with pytest.raises(NoLetters, match="no outcome is recorded for any child") as refused:
        render_meeting_letters(made.services, meeting_vault.none_ready.meeting_id)
    assert [h.discussion_id for h in refused.value.held_back] == list(  # type: ignore[attr-defined]
        meeting_vault.none_ready.without_outcome
    )
    with pytest.raises(UnknownMeeting, match="There is no meeting with that id"):
        render_meeting_letters(made.services, "no-such-meeting")


def test_one_file_per_family_named_by_number_and_date_written_privately(
    made: Letters, meeting_vault: MeetingVault, tmp_path: Path
) -> None:
    saved = build_letters_per_family(made.services, meeting_vault.records.meeting_id, tmp_path)
    day = MEETING_DAY.isoformat()
    assert [p.name for p in saved.paths] == [f"letter-0{n}-{day}.pdf" for n in range(1, 6)]
    assert sorted(p.name for p in tmp_path.iterdir()) == [p.name for p in saved.paths]
    for path, letter in zip(saved.paths, saved.letters, strict=True):
        assert os.stat(path).st_mode & 0o777 == 0o600
        text = " ".join(pdf_text(path).split())
        assert f"Page 1 of {letter.pages}" in text
        assert re.search(r"^Title:\s+Letter after a meeting$", pdf_info(path), re.M)
    assert "Siân Pritchard" in pdf_text(saved.paths[1])
    assert "Zoë" not in pdf_text(saved.paths[1])
    with pytest.raises(FilesExist, match=f"already has letter-01-{day}.pdf and 4 more"):
        build_letters_per_family(made.services, meeting_vault.records.meeting_id, tmp_path)
    again = build_letters_per_family(
        made.services, meeting_vault.records.meeting_id, tmp_path, replace=True
    )
    assert again.paths == saved.paths
    with pytest.raises(CannotSave, match="does not exist"):
        build_letters_per_family(
            made.services, meeting_vault.records.meeting_id, tmp_path / "nowhere"
        )


def test_the_questionnaire_with_the_meetings_date_or_a_line_to_write_it_on(
    made: Letters, meeting_vault: MeetingVault, tmp_path: Path
) -> None:
    planned = render_questionnaire(made.services, meeting_vault.records.planned_referral_id)
    unplanned = render_questionnaire(made.services, meeting_vault.records.unplanned_referral_id)
    texts = []
    for doc in (planned, unplanned):
        path = tmp_path / doc.file_name
        path.write_bytes(doc.pdf)
        texts.append(" ".join(pdf_text(path).split()))
        assert re.search(r"^Title:\s+Parents' questionnaire$", pdf_info(path), re.M)
        assert doc.name not in pdf_info(path)
    (planned_text, unplanned_text) = texts
    first = family(6)[0]  # the planned referral's child
    for said in (
        "Your views before the meeting",
        f"{first} {family(6)[1]}",
        f"For {family(6)[2]}",
        GROUP,
        f"Meeting on {long_date(NEXT_MEETING_DAY)}",
        long_date(NEXT_MEETING_DAY),
        "Dr Farah Siddiqui, community paediatrician, has asked",
        f"back to {meeting_vault.practitioner}, Group leader, Kingsford Early Years Team",
        "Families do not come to the group’s meetings",
        "Filled in by:",
    ):
        assert said in planned_text, said
    for question in QUESTIONS:
        assert question.format(first=first) in planned_text
    assert "The group will meet on:" in unplanned_text
    assert "The group will meet on:" not in planned_text
    assert "Yusuf Demir" in unplanned_text
    assert (planned.look, unplanned.look) == ("large_print", "standard")
    assert planned.file_name == f"questionnaire-{NEXT_MEETING_DAY.isoformat()}.pdf"
    assert unplanned.file_name == "questionnaire.pdf"
    assert min(pdf_font_sizes(planned.pdf)) >= 16
    assert unplanned.pages == 2
    with pytest.raises(UnknownReferral, match="There is no referral with that id"):
        render_questionnaire(made.services, "no-such-referral")


def test_the_familys_own_documents_need_no_consent() -> None:
    for model in (Referral, QuestionnaireReply, ParentQuestion, MeetingDiscussion):
        assert isinstance(record_type_of(model).family_consent, NoConsent), model
