"""Handouts PDF: who is in it, what it says, how it looks, and how it is written.

Text is read back with poppler's pdftotext (installed with poppler-utils), so a name that
prints with a missing glyph fails here, not at the church hall.
"""

from __future__ import annotations

import os
import re
import statistics
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from earlyyears_desktop.domain.models import AuditEvent
from earlyyears_desktop.handouts import (
    HandoutsCancelled,
    NoHandouts,
    UnknownSession,
    build_session_handouts,
    render_session_handouts,
)
from earlyyears_desktop.handouts.layout import LOOKS, look_for
from earlyyears_desktop.services.container import Services
from earlyyears_desktop.storage.errors import DiskFull

from .conftest import (
    ACTIVITIES,
    ATTENDED,
    EARLIER_SHARED,
    INCLUDED,
    NO_CONSENT,
    PRIVATE,
    SHARED,
    Prepared,
    pdf_font_sizes,
    pdf_info,
    pdf_text,
)


def _first_pages(path: Path, pages: int) -> dict[str, str]:
    """Each handout's text, keyed by the full name printed as its title."""
    found: dict[str, list[str]] = {}
    current = ""
    for n in range(1, pages + 1):
        text = pdf_text(path, n, n)
        footer = re.search(r"(\S+)’s handout(, page (\d+))?", text)
        assert footer, f"page {n} has no footer"
        if not footer.group(2):
            current = next(name for name in INCLUDED if f"\n{name}\n" in f"\n{text}")
        found.setdefault(current, []).append(text)
    return {name: "\n".join(texts) for name, texts in found.items()}


def test_one_handout_per_attending_child_with_consent(
    services: Services, prepared: Prepared, tmp_path: Path
) -> None:
    out = tmp_path / "handouts.pdf"
    result = build_session_handouts(services, prepared.session_id, out)

    assert result.path == out.absolute()
    assert sorted(c.name for c in result.children_included) == INCLUDED
    assert [(s.name, s.reason) for s in result.children_skipped_with_reasons] == [
        (NO_CONSENT, "no consent for personalised handouts is in force")
    ]
    handouts = _first_pages(out, result.pages)
    assert sorted(handouts) == INCLUDED
    assert result.pages >= len(INCLUDED)
    everything = pdf_text(out)
    # Apologies and did-not-attend get no handout; nor does the child without consent.
    for absent in ("Freya", "Yusuf", "Léa", "Dubois"):
        assert absent not in everything
    assert set(ATTENDED) - set(INCLUDED) == {NO_CONSENT}
    # In the audit trail, ids only: one "document" event per child given a handout.
    with services.uow.read() as session:
        made = session.execute(
            select(AuditEvent.entity, AuditEvent.record_id).where(AuditEvent.action == "document")
        ).all()
    assert sorted(made) == sorted(("child", c.child_id) for c in result.children_included)


def test_every_name_prints_with_its_own_letters(
    services: Services, prepared: Prepared, tmp_path: Path
) -> None:
    out = tmp_path / "handouts.pdf"
    build_session_handouts(services, prepared.session_id, out)
    text = pdf_text(out)
    for name in (
        "Zoë Adeyemi",
        "Łucja Wiśniewska",
        "Siân Pritchard",
        "Oisín Ó Briain",
        "Mateus Gonçalves",
        "Kuba Dvořák",
        "Tomás Ramírez López",
        "Agnieszka Wiśniewska",  # the carer, on the "For ..." line
        "Oisín’s handout",
    ):
        assert name in text, name
    fonts = subprocess.run(["pdffonts", str(out)], capture_output=True, check=True).stdout
    # reportlab lists Helvetica as object 2 in every PDF it makes (its default resource,
    # never used here for text); every font the text uses is the embedded DejaVu Sans subset.
    rows = [r for r in fonts.decode().splitlines()[2:] if not r.startswith("Helvetica ")]
    assert len(rows) == 2 and all("+DejaVuSans" in r and " yes yes " in r for r in rows), rows


def test_sections_say_what_happened_and_share_only_what_may_be_shared(
    services: Services, prepared: Prepared, tmp_path: Path
) -> None:
    out = tmp_path / "handouts.pdf"
    result = build_session_handouts(services, prepared.session_id, out)
    handouts = _first_pages(out, result.pages)
    zoe = " ".join(handouts["Zoë Adeyemi"].split())
    for heading in ("What we did", "What we noticed", "Things to try at home", "When we meet next"):
        assert heading in zoe
    assert "Little Steps" in zoe and "St Mark's Church Hall" in zoe
    assert "Wednesday 25 November 2026, 9:30am to 11am" in zoe
    assert "Wednesday 2 December 2026, 9:30am to 11am" in zoe  # the next session
    for activity in ACTIVITIES.splitlines():
        assert activity in zoe
    assert SHARED in zoe  # "<" and "&" print as written
    assert PRIVATE not in pdf_text(out)
    assert EARLIER_SHARED not in pdf_text(out)  # from another session
    # Zoë has a strategy agreed (the demo gives the first ten children one): its home wording.
    assert "These are the ideas we are working on together with Zoë" in zoe
    # Kuba (a visitor) has no strategy of his own: the group's ideas.
    assert "Some ideas from the group" in " ".join(handouts["Kuba Dvořák"].split())
    # Nobody's note appears on anyone else's handout.
    assert SHARED not in " ".join(handouts["Aarav Sharma"].split())


def test_language_and_interpreter_offer(
    services: Services, prepared: Prepared, tmp_path: Path
) -> None:
    out = tmp_path / "handouts.pdf"
    result = build_session_handouts(services, prepared.session_id, out)
    handouts = {k: " ".join(v.split()) for k, v in _first_pages(out, result.pages).items()}
    assert "with an interpreter in Polish" in handouts["Łucja Wiśniewska"]
    assert "together in Welsh" in handouts["Siân Pritchard"]
    assert "interpreter" not in handouts["Zoë Adeyemi"]


def _word_heights(path: Path, first: int, last: int) -> list[float]:
    """Heights of the words on some pages (pdftotext -bbox: about 1.16 x the font size)."""
    done = subprocess.run(
        ["pdftotext", "-bbox", "-f", str(first), "-l", str(last), str(path), "-"],
        capture_output=True,
        check=True,
    )
    return [
        float(m.group(2)) - float(m.group(1))
        for m in re.finditer(r'yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)"', done.stdout.decode())
    ]


def _pages_of(path: Path, pages: int, who: str) -> tuple[int, int]:
    numbers = [n for n in range(1, pages + 1) if f"{who}’s handout" in pdf_text(path, n, n)]
    return numbers[0], numbers[-1]


def test_large_print_for_the_carers_who_asked_and_for_all_when_forced(
    services: Services, prepared: Prepared, tmp_path: Path
) -> None:
    standard = tmp_path / "standard.pdf"
    forced = tmp_path / "large.pdf"
    normal = build_session_handouts(services, prepared.session_id, standard)
    large = build_session_handouts(services, prepared.session_id, forced, large_print=True)

    looks = {c.name: c.look for c in normal.children_included}
    assert looks["Siân Pritchard"] == "large_print"
    assert looks["Aisha Rahman"] == "high_contrast"
    assert looks["Zoë Adeyemi"] == "standard"
    assert {c.look for c in large.children_included} == {"large_print", "large_high_contrast"}
    assert LOOKS["large_print"].body_size >= 16
    assert LOOKS["large_high_contrast"].body_size >= 16
    assert look_for("high_contrast", large_print_for_all=True).name == "large_high_contrast"

    # The body text (the median word) is at least 16pt in large print, about 11pt otherwise.
    zoe = statistics.median(_word_heights(standard, *_pages_of(standard, normal.pages, "Zoë")))
    sian = statistics.median(_word_heights(standard, *_pages_of(standard, normal.pages, "Siân")))
    zoe_large = statistics.median(_word_heights(forced, *_pages_of(forced, large.pages, "Zoë")))
    assert zoe < 15
    assert sian >= 16 and zoe_large >= 16
    assert large.pages > normal.pages
    # Nothing at all is smaller than 16 points in large print (the "For" line, the theme's
    # label, the footer, Any questions?), while the standard look has its small print.
    assert min(pdf_font_sizes(forced.read_bytes())) >= 16
    assert min(pdf_font_sizes(standard.read_bytes())) < 12
    # Each child's first page is full: it goes on to when the group meets next, and the ideas
    # to try at home follow (before, they moved whole to the next page, leaving a third empty).
    for who in ("Zoë", "Siân"):
        first, _ = _pages_of(forced, large.pages, who)
        assert "When we meet next" in pdf_text(forced, first, first), who


def test_high_contrast_is_black_on_white(
    services: Services, prepared: Prepared, tmp_path: Path
) -> None:
    out = tmp_path / "handouts.pdf"
    result = build_session_handouts(services, prepared.session_id, out)
    first, last = _pages_of(out, result.pages, "Aisha")
    look = LOOKS["high_contrast"]
    assert look.ink == look.muted == look.accent == look.band_ink
    assert look.ink.rgb() == (0, 0, 0)
    assert look.body_font.endswith("Bold") and look.rule_width >= 2
    # Rendered: every pixel of Aisha's pages is a grey level (no colour at all), while the
    # standard handout has its coloured band.
    assert all(_colourless(out, page) for page in range(first, last + 1))
    zoe_first, _ = _pages_of(out, result.pages, "Zoë")
    assert not _colourless(out, zoe_first)


def _colourless(path: Path, page: int) -> bool:
    done = subprocess.run(
        ["pdftoppm", "-f", str(page), "-l", str(page), "-r", "30", str(path)],
        capture_output=True,
        check=True,
    )
    data = done.stdout
    # binary PPM: P6\n<w> <h>\n255\n<rgb...>
    header = re.match(rb"P6\s+(\d+)\s+(\d+)\s+255\s", data)
    assert header
    pixels = data[header.end() :]
    return all(pixels[i] == pixels[i + 1] == pixels[i + 2] for i in range(0, len(pixels), 3))


def test_metadata_is_generic(services: Services, prepared: Prepared, tmp_path: Path) -> None:
    out = tmp_path / "handouts.pdf"
    build_session_handouts(services, prepared.session_id, out)
    info = pdf_info(out)
    assert re.search(r"^Title:\s+Session handouts$", info, re.M)
    for name in prepared.ids:
        for part in name.split():
            if len(part) > 3:
                assert part not in info, part
    assert "Little Steps" not in info


def test_written_privately_and_replaced_in_one_step(
    services: Services, prepared: Prepared, tmp_path: Path
) -> None:
    out = tmp_path / "handouts.pdf"
    out.write_bytes(b"an older file")
    result = build_session_handouts(services, prepared.session_id, out)
    assert out.read_bytes().startswith(b"%PDF-")
    assert os.stat(out).st_mode & 0o777 == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["handouts.pdf", "vault"]
    assert result.pages > 0


def test_cancel_writes_nothing(services: Services, prepared: Prepared, tmp_path: Path) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    seen: list[tuple[int, int | None]] = []

    def progress(done: int, total: int | None) -> None:
        seen.append((done, total))

    with pytest.raises(HandoutsCancelled):
        build_session_handouts(
            services,
            prepared.session_id,
            folder / "handouts.pdf",
            progress=progress,
            cancelled=lambda: len(seen) >= 3,
        )
    assert list(folder.iterdir()) == []
    assert seen[:3] == [(0, len(INCLUDED)), (1, len(INCLUDED)), (2, len(INCLUDED))]


def test_a_failed_write_leaves_the_old_file_and_no_temporary_file(
    services: Services, prepared: Prepared, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    out = folder / "handouts.pdf"
    out.write_bytes(b"an older file")

    def full_disk(*_args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", full_disk)
    with pytest.raises(DiskFull, match=r"^The disk is full: the document was not saved"):
        build_session_handouts(services, prepared.session_id, out)
    assert [p.name for p in folder.iterdir()] == ["handouts.pdf"]
    assert out.read_bytes() == b"an older file"


def test_progress_reaches_the_end(services: Services, prepared: Prepared) -> None:
    seen: list[tuple[int, int | None]] = []
    rendered = render_session_handouts(
        services, prepared.session_id, progress=lambda d, t: seen.append((d, t))
    )
    n = len(INCLUDED)
    assert seen == [(i, n) for i in range(n)] + [(n, n)]
    assert rendered.pdf.startswith(b"%PDF-")
    assert "Zoë" not in repr(rendered) and "Zoë" not in repr(rendered.children_included)


def test_unknown_session_and_nobody_to_print_for(services: Services, prepared: Prepared) -> None:
    with pytest.raises(UnknownSession, match="no session with that id"):
        render_session_handouts(services, "no-such-session")
    with pytest.raises(NoHandouts, match="Nobody is marked"):
        render_session_handouts(services, prepared.future_session_id)


def test_handouts_package_does_not_load_qt() -> None:
    code = (
        "import sys, earlyyears_desktop.handouts\n"
        "print(sorted(n for n in sys.modules if n.startswith(('PySide6', 'shiboken6'))))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, check=True)
    assert done.stdout.decode().strip() == "[]"
