"""The letters after a meeting as its records change: each family keeps its letter's number
(its child's place on the agenda) when a child before it is held back and later gets an
outcome; a meeting not marked held yet has no letters; and a letter quotes only the answers
given at its own meeting when a referral is discussed at two."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from benchmarks.meeting_records import (
    ANSWERS,
    GROUP,
    MEETING_DAY,
    OUTCOME,
    QUESTIONS,
    TODAY,
    family,
)

from earlyyears_desktop.domain.enums import MeetingKind
from earlyyears_desktop.handouts import (
    NoLetters,
    build_letters_per_family,
    render_meeting_letters,
    save_letters_per_family,
)
from earlyyears_desktop.handouts.meeting_documents import letter_file_name
from earlyyears_desktop.services.clock import Clock
from earlyyears_desktop.services.container import Services
from earlyyears_desktop.services.meetings import DiscussionInput, MeetingInput
from earlyyears_desktop.storage.vault import open_vault

from .conftest import MeetingVault, pdf_text

NOT_HELD = "Mark the meeting as held first: the letters tell the family what it decided."


@pytest.fixture
def services(meeting_vault: MeetingVault, tmp_path: Path) -> Iterator[Services]:
    folder = tmp_path / "vault"
    shutil.copytree(meeting_vault.folder, folder)  # the tests change the records
    vault = open_vault(folder, meeting_vault.passphrase)
    try:
        yield Services(vault, clock=Clock.fixed(TODAY))
    finally:
        vault.lock()


def _outcome(services: Services, discussion_id: str, n: int) -> None:
    services.meetings.record_discussion(
        discussion_id, DiscussionInput(outcome=OUTCOME.format(first=family(n)[0]))
    )


def _text(path: Path) -> str:
    return " ".join(pdf_text(path).split())


def test_each_letter_keeps_its_childs_place_on_the_agenda(
    services: Services, meeting_vault: MeetingVault, tmp_path: Path
) -> None:
    records = meeting_vault.records
    # the second child's outcome is taken back: their letter is held back, as the sixth's
    services.meetings.record_discussion(records.discussion_ids[1], DiscussionInput())
    document = render_meeting_letters(services, records.meeting_id)
    assert [letter.number for letter in document.letters] == [1, 3, 4, 5]
    assert [h.discussion_id for h in document.held_back] == [
        records.discussion_ids[1],
        records.discussion_ids[5],
    ]
    folder = tmp_path / "letters"
    folder.mkdir()
    saved = build_letters_per_family(services, records.meeting_id, folder)
    assert [p.name for p in saved.paths] == [letter_file_name(n, MEETING_DAY) for n in (1, 3, 4, 5)]
    third = f"{family(2)[0]} {family(2)[1]}"
    assert third in _text(folder / letter_file_name(3, MEETING_DAY))

    # the held-back outcomes are recorded: the letters made again keep their numbers, and
    # replacing the files puts each family's letter over its own earlier one
    _outcome(services, records.discussion_ids[1], 1)
    _outcome(services, records.discussion_ids[5], 5)
    again = build_letters_per_family(services, records.meeting_id, folder, replace=True)
    assert [letter.number for letter in again.letters] == [1, 2, 3, 4, 5, 6]
    assert sorted(p.name for p in folder.iterdir()) == [p.name for p in again.paths]
    for n, path in enumerate(again.paths):
        text = _text(path)
        assert f"{family(n)[0]} {family(n)[1]}" in text, path.name
        others = [family(k)[1] for k in range(6) if k != n and family(k)[1].isascii()]
        assert not [o for o in others if o in text], path.name


def test_the_files_per_family_hold_the_letters_previewed(
    services: Services, meeting_vault: MeetingVault, tmp_path: Path
) -> None:
    records = meeting_vault.records
    previewed = render_meeting_letters(services, records.meeting_id)
    assert len(previewed.letters) == 5
    # recorded after the preview was made (the meeting's editor is not modal)
    _outcome(services, records.without_outcome[0], 5)
    services.meetings.record_discussion(
        records.discussion_ids[0],
        DiscussionInput(outcome="An outcome typed after the preview was made."),
    )
    saved = save_letters_per_family(previewed, tmp_path)
    assert saved.discussion_ids == previewed.discussion_ids
    assert [p.name for p in saved.paths] == [letter_file_name(n, MEETING_DAY) for n in range(1, 6)]
    first = _text(saved.paths[0])
    assert "An outcome typed after the preview was made" not in first
    assert OUTCOME.format(first=family(0)[0]) in first


def test_a_meeting_not_marked_held_has_no_letters(
    services: Services, meeting_vault: MeetingVault
) -> None:
    planned = meeting_vault.records.next_meeting_id
    [discussion] = services.meetings.meeting(planned).discussions
    _outcome(services, discussion.id, 6)
    with pytest.raises(NoLetters) as refused:
        render_meeting_letters(services, planned)
    assert refused.value.message == NOT_HELD


def test_a_letter_quotes_only_the_answers_given_at_its_meeting(
    services: Services, meeting_vault: MeetingVault, tmp_path: Path
) -> None:
    records = meeting_vault.records
    # Siân's family asked three questions; the first meeting answered two of them
    referral = records.referral_ids[1]
    first = family(1)[0]
    later = services.meetings.plan(
        MeetingInput(
            MeetingKind.LIAISON_GROUP.value, GROUP, TODAY - dt.timedelta(days=1), online=True
        )
    ).id
    [discussion] = services.meetings.add_referrals(later, [referral]).value
    _outcome(services, discussion, 1)
    third = services.meetings.discussion(discussion).questions[2]
    services.meetings.answer(third.id, discussion, "Yes: the nursery will plan the move.")
    services.meetings.mark_held(later)

    document = render_meeting_letters(services, later)
    path = tmp_path / "later.pdf"
    path.write_bytes(document.pdf)
    text = _text(path)
    assert "Yes: the nursery will plan the move." in text
    for answer in ANSWERS:  # given at the first meeting, and in its letter
        assert answer.format(first=first)[:40] not in text
    assert text.count("did not answer this question at the meeting") == 2
    assert QUESTIONS[0].format(first=first) in text

    earlier = render_meeting_letters(services, records.meeting_id)
    letter = next(x for x in earlier.letters if x.discussion_id == records.discussion_ids[1])
    path = tmp_path / "earlier.pdf"
    path.write_bytes(earlier.pdf)
    pages = " ".join(
        pdf_text(path, letter.first_page, letter.first_page + letter.pages - 1).split()
    )
    assert "the nursery will plan the move" not in pages
    assert ANSWERS[0].format(first=first)[:40] in pages


def test_a_deleted_childs_letter_leaves_the_others(
    services: Services, meeting_vault: MeetingVault
) -> None:
    """A child whose record is deleted has no letter, and every other family still gets its
    own (before, the whole meeting's letters failed on the missing child)."""
    records = meeting_vault.records
    before = render_meeting_letters(services, records.meeting_id)
    gone = services.meetings.discussion(records.discussion_ids[0]).child_id
    services.children.delete_child(gone)
    after = render_meeting_letters(services, records.meeting_id)
    assert len(after.letters) == len(before.letters) - 1
    assert records.discussion_ids[0] not in {h.discussion_id for h in after.held_back}
    assert records.discussion_ids[0] not in {
        d.id for d in services.meetings.meeting(records.meeting_id).discussions
    }
