"""The documents a family keeps: a home visit's record with a week's activity chart, and the
family's copy of a support plan with the one-page profile.

Text is read back with poppler (pdftotext, pdfinfo, pdffonts); font sizes from the PDF's own
text operators (`Tf`), so "nothing under 16 pt in large print" is checked on every piece of
text drawn, the footers included.
"""

from __future__ import annotations

import os
import re
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from benchmarks.family_records import (
    ACTIVITIES,
    NEXT_REVIEW,
    NEXT_VISIT,
    OUTCOMES,
    PRACTISE,
    REVIEWS,
    STEPS,
)

from earlyyears_desktop.domain.enums import ConsentKind
from earlyyears_desktop.domain.errors import DomainError
from earlyyears_desktop.domain.record_types import NoConsent, record_type_of
from earlyyears_desktop.handouts import (
    FamilyDocument,
    UnknownPlan,
    UnknownVisit,
    build_plan_documents,
    build_visit_documents,
    render_plan_documents,
    render_visit_documents,
)
from earlyyears_desktop.handouts.layout import long_date
from earlyyears_desktop.services.clock import Clock
from earlyyears_desktop.services.container import Services
from earlyyears_desktop.services.family_documents import PRINTED
from earlyyears_desktop.storage.vault import open_vault

from .conftest import FAMILY_TODAY, HEBREW_NAME, FamilyVault, pdf_font_sizes, pdf_info, pdf_text

ZOE, SIAN = "Zoë Adeyemi", "Siân Pritchard"


@dataclass
class Made:
    services: Services
    folder: Path
    #: (child's name, "visit" or "plan", "default" or "large") -> the document and its file
    docs: dict[tuple[str, str, str], tuple[FamilyDocument, Path]]

    def text(self, who: str, what: str, size: str = "default") -> str:
        return " ".join(pdf_text(self.docs[who, what, size][1]).split())


@pytest.fixture(scope="module")
def made(family_vault: FamilyVault, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Made]:
    """Every family's two documents in their carer's format, and Zoë's and Noa's forced to
    large print, rendered once."""
    folder = tmp_path_factory.mktemp("family-pdfs")
    vault = open_vault(family_vault.folder, family_vault.passphrase)
    try:
        services = Services(vault, clock=Clock.fixed(FAMILY_TODAY))
        docs = {}
        for who, records in family_vault.families.items():
            sizes = [("default", None)] + ([("large", True)] if who != SIAN else [])
            for size, large in sizes:
                for what, render, record_id in (
                    ("visit", render_visit_documents, records.visit_id),
                    ("plan", render_plan_documents, records.plan_id),
                ):
                    doc = render(services, record_id, large_print=large)
                    path = folder / f"{len(docs)}-{what}-{size}.pdf"
                    path.write_bytes(doc.pdf)
                    docs[who, what, size] = (doc, path)
        yield Made(services, folder, docs)
    finally:
        vault.lock()


def _pages(path: Path) -> int:
    return int(re.search(r"^Pages:\s+(\d+)", pdf_info(path), re.M).group(1))  # type: ignore[union-attr]


def test_the_visit_record_says_what_we_did_how_it_went_and_what_next(made: Made) -> None:
    text = made.text(ZOE, "visit")
    for said in (
        "Our visit",
        ZOE,
        "For Funmi Adeyemi",
        "Tuesday 24 November 2026",
        "Funmi Adeyemi and Grandma",
        "Amira Haddad",
        "What we did",
        "How it went",
        "A happy visit",
        "What to try before our next visit",
        PRACTISE,
        "Our next visit",
        long_date(NEXT_VISIT),
    ):
        assert said in text, said
    for line in ACTIVITIES.splitlines():
        assert line in text, line  # "&" prints as written
    # Each target worked on: the step rated and how it went, in plain words.
    for (_area, target, steps), words in zip(
        STEPS,
        (
            "Achieved: doing it on their own",
            "Developing: doing it some of the time",
            "Emerging: just starting",
        ),
        strict=True,
    ):
        assert target in text and steps[0] in text
        assert words in text
    assert made.docs[ZOE, "visit", "default"][0].pages == _pages(
        made.docs[ZOE, "visit", "default"][1]
    )


def test_the_activity_chart_has_the_current_steps_and_the_week_on_a_landscape_page(
    made: Made,
) -> None:
    doc, path = made.docs[ZOE, "visit", "default"]
    last = doc.pages
    chart = " ".join(pdf_text(path, last, last).split())
    assert "Zoë Adeyemi: our week" in chart
    assert "Wednesday 25 November 2026 to Tuesday 1 December 2026" in chart
    for day in ("Wed 25 Nov", "Thu 26 Nov", "Tue 1 Dec"):
        assert day in chart, day
    for area, _target, steps in STEPS:
        assert steps[0] in chart and area in chart
    assert "Zoë’s activity chart" in chart
    assert re.search(r"size:\s+841.89 x 595.27", _page_info(path, last))
    assert re.search(r"size:\s+595.27\d* x 841.89", _page_info(path, 1))


def _page_info(path: Path, page: int) -> str:
    done = subprocess.run(
        ["pdfinfo", "-f", str(page), "-l", str(page), str(path)], capture_output=True, check=True
    )
    return done.stdout.decode()


def test_my_support_plan_in_plain_english_and_the_profile_on_its_own_page(made: Made) -> None:
    doc, path = made.docs[ZOE, "plan", "default"]
    plan = " ".join(pdf_text(path, 1, doc.pages - 1).split())
    for said in (
        "My support plan",
        ZOE,
        "Started Monday 12 January 2026",
        "What we know about Zoë",
        "Zoë loves water play and music",
        "What we are working towards",
        "How we will help: Key person models signs",
        "Who: Priya (key person) and the family",
        "Priya (Rainbow Room) is Zoë’s key person",
        "Dr Owen Price, Speech and language therapist, NHS Children's Therapies",
        "You agreed on Monday 2 February 2026",
        "When we will look at the plan again",
        long_date(NEXT_REVIEW),
        "Reviews so far",
        "Good progress",
        "Some progress",
        "We agreed: Keep going; add the coat routine at nursery (3).",
    ):
        assert said in plan, said
    for outcome, _area in OUTCOMES:
        assert outcome in plan, outcome
    for day in REVIEWS:
        assert long_date(day) in plan
    assert "One-page profile" not in plan
    profile = " ".join(pdf_text(path, doc.pages, doc.pages).split())
    for said in (
        "One-page profile",
        "What people like and admire about Zoë",
        "Zoë has a lovely laugh.",
        "What is important to Zoë",
        "Her toy rabbit",
        "How best to support Zoë",
        "Give her time to answer.",
        "Zoë’s one-page profile",
    ):
        assert said in profile, said
    assert "Reviews so far" not in profile


def test_names_print_in_their_own_script(made: Made) -> None:
    assert "Siân Pritchard" in made.text(SIAN, "plan")
    assert "Siân’s support plan" in made.text(SIAN, "plan")
    for what in ("visit", "plan"):
        _doc, path = made.docs[HEBREW_NAME, what, "default"]
        text = pdf_text(path)
        # pdftotext reads right-to-left text back in the order it is drawn: either is whole.
        assert HEBREW_NAME in text or HEBREW_NAME[::-1] in text or "העונ" in text
        fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True).stdout
        assert "NotoSansHebrew" in fonts
        assert made.docs[HEBREW_NAME, what, "default"][0].name_warning is None


def test_each_follows_the_carers_format_unless_large_print_is_asked_for(made: Made) -> None:
    looks = {key: doc.look for key, (doc, _path) in made.docs.items()}
    assert looks[ZOE, "visit", "default"] == looks[ZOE, "plan", "default"] == "standard"
    assert looks[SIAN, "visit", "default"] == looks[SIAN, "plan", "default"] == "large_print"
    assert looks[HEBREW_NAME, "plan", "default"] == "high_contrast"
    assert looks[ZOE, "plan", "large"] == "large_print"
    assert looks[HEBREW_NAME, "visit", "large"] == "large_high_contrast"
    assert made.docs[ZOE, "plan", "large"][0].pages > made.docs[ZOE, "plan", "default"][0].pages


def test_large_print_has_nothing_under_16_points(made: Made) -> None:
    for key, (doc, _path) in made.docs.items():
        sizes = pdf_font_sizes(doc.pdf)
        assert sizes, key
        if doc.look.startswith("large"):
            assert min(sizes) >= 16, (key, min(sizes))
        else:
            assert min(sizes) < 16, key  # the check reads the sizes that are there


def test_the_familys_own_documents_need_no_handouts_consent(
    made: Made, family_vault: FamilyVault
) -> None:
    zoe = family_vault.families[ZOE].child_id
    assert not made.services.children.consent_in_force(zoe, ConsentKind.HANDOUTS.value)
    assert ZOE in made.text(ZOE, "visit") and ZOE in made.text(ZOE, "plan")
    # The registry says so for every record type the documents print.
    for model in PRINTED:
        assert isinstance(record_type_of(model).family_consent, NoConsent), model


def test_saved_privately_in_one_step_with_nothing_left_in_the_temp_folder(
    made: Made, family_vault: FamilyVault, tmp_path: Path
) -> None:
    temp = Path(tempfile.gettempdir())
    before = set(temp.iterdir())
    out = tmp_path / "visit.pdf"
    saved = build_visit_documents(made.services, family_vault.families[ZOE].visit_id, out)
    plan_out = tmp_path / "plan.pdf"
    build_plan_documents(made.services, family_vault.families[ZOE].plan_id, plan_out)
    assert saved.path == out.absolute()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan.pdf", "visit.pdf"]
    for path in (out, plan_out):
        assert os.stat(path).st_mode & 0o777 == 0o600
        assert ZOE in pdf_text(path)
    after = set(temp.iterdir())
    assert not [p for p in after - before if p.suffix in (".pdf", ".part", ".tmp")]


def test_the_pdf_details_name_nobody(made: Made) -> None:
    for (who, what, _size), (_doc, path) in made.docs.items():
        info = pdf_info(path)
        title = "Home visit record" if what == "visit" else "Support plan"
        assert re.search(rf"^Title:\s+{title}$", info, re.M)
        for part in who.split():
            assert part not in info
    assert "Zoë" not in repr(made.docs[ZOE, "visit", "default"][0])


def test_unknown_ids_and_a_visit_still_being_written(made: Made, family_vault: FamilyVault) -> None:
    with pytest.raises(UnknownVisit, match="There is no home visit with that id"):
        render_visit_documents(made.services, "no-such-visit")
    with pytest.raises(UnknownPlan, match="There is no support plan with that id"):
        render_plan_documents(made.services, "no-such-plan")
    with pytest.raises(DomainError, match="still being written"):
        render_visit_documents(made.services, family_vault.in_progress_visit_id)


def test_empty_parts_say_so_in_plain_words(tmp_path: Path) -> None:
    """A visit with nothing rated and no active target, and a new plan with nothing but an
    outcome, still make whole documents: each empty part says what happens next."""
    import datetime as dt

    from earlyyears_desktop.handouts.family_pages import family_look, render
    from earlyyears_desktop.handouts.plan_copy import plan_story
    from earlyyears_desktop.handouts.visit_record import visit_story
    from earlyyears_desktop.services.family_documents import (
        Family,
        OutcomeCopy,
        PlanCopy,
        VisitRecord,
    )

    family = Family("c1", "Kuba", "Kuba Dvořák", "", "standard", "Czech", True)
    visit = VisitRecord(
        "v1", "", family, dt.date(2026, 11, 24), "", "", "", "", "", (), "", (), None, "", ()
    )
    plan = PlanCopy(
        "p1", "", family, "Support plan", dt.date(2026, 11, 2), dt.date(2027, 2, 1), "", "", "",
        (OutcomeCopy("Kuba will say ten words", "", "", "", ""),), (), (), "", "", "", "",
    )  # fmt: skip
    look = family_look(family, None)
    for name, story in (
        ("visit", lambda doc, pages: visit_story(visit, look, doc, pages)),
        ("plan", lambda doc, pages: plan_story(plan, look, doc, pages)),
    ):
        pdf, _pages = render(look, "", "x", story)
        (tmp_path / f"{name}.pdf").write_bytes(pdf)
    said = " ".join(pdf_text(tmp_path / "visit.pdf").split())
    for words in (
        "We played and talked together with Kuba.",
        "Kuba had a good time with us today.",
        "Before our next visit Keep playing together as we did today.",
        "We will arrange our next visit with you.",
        "in Czech: just ask",
        "Kuba Dvořák: our week",
    ):
        assert words in said, words
    said = " ".join(pdf_text(tmp_path / "plan.pdf").split())
    for words in (
        "We will write this together with you.",
        "1. Kuba will say ten words",
        "There has not been a review yet.",
        "Monday 1 February 2027",
        "You know Kuba best",
    ):
        assert words in said, words
    assert said.count("We will write this together with you.") == 4  # summary and profile


def test_items_split_from_a_sentence_start_as_sentences() -> None:
    from earlyyears_desktop.handouts.family_pages import lines

    assert lines("Group twice a week; a Now and Next board\n- iPad time at home") == (
        "Group twice a week",
        "A Now and Next board",
        "iPad time at home",
    )
