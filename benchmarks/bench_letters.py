"""The letters after a liaison group meeting that discussed 30 children, as one PDF in memory
(what the app previews before it is printed or saved).

Target (docs/performance.md): `letters_30_s` <= 3 s.

    measure_letters_30(services, details) -> {letters_30_s, letters_floor_s, letters_vs_floor_x}

A held meeting of 30 children is added to the vault through the services
(`benchmarks/meeting_records.py`: each family's questionnaire answered with two or three
questions, each child's outcome, next steps and contact recorded, two questions of three
answered; ten invented families in turn, two of them in large print and one in high contrast,
one named in Hebrew), on a clock fixed on that module's TODAY. Then `render_meeting_letters`
runs once cold (fonts registered, reportlab imported; logged) and `PAIRS` times interleaved
with its floor: the same words, read once beforehand, laid out by reportlab as plain
paragraphs in one built-in font, a page break between families (no looks, no scripts, no
footers, no vault). The figures are the medians; the ratio is the median of the pairs'.

    .venv/bin/python -m benchmarks.bench_letters     # on a new empty vault
"""

from __future__ import annotations

import io
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make `benchmarks` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.meeting_records import TODAY, add_meeting
from earlyyears_desktop.handouts import render_meeting_letters
from earlyyears_desktop.handouts.meeting_documents import read_letters
from earlyyears_desktop.services.clock import Clock
from earlyyears_desktop.services.container import Services
from earlyyears_desktop.services.meeting_documents import MeetingLetters

CHILDREN = 30
PAIRS = 5


def plain_letters_floor(meeting: MeetingLetters) -> float:
    """Seconds to lay out the letters' words as plain paragraphs, one family a page on."""
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate

    body = getSampleStyleSheet()["BodyText"]
    started = time.perf_counter()
    story: list[Any] = []
    for letter in meeting.letters:
        words = [
            meeting.name,
            letter.family.full_name,
            letter.family.carer_name,
            *meeting.present,
            letter.outcome,
            *[f"{q.question} {q.answer}" for q in letter.questions],
            letter.next_steps,
            letter.contact,
            meeting.chair_name,
            meeting.chair_role,
        ]
        story += [Paragraph(w.replace("&", "&amp;").replace("<", "&lt;"), body) for w in words]
        story.append(PageBreak())
    SimpleDocTemplate(io.BytesIO()).build(story)
    return time.perf_counter() - started


def measure_letters_30(
    services: Services, details: list[str] | None = None, *, pairs: int = PAIRS
) -> dict[str, float]:
    on_the_day = Services(services.vault, clock=Clock.fixed(TODAY))
    records = add_meeting(on_the_day, CHILDREN, without_outcome=0)
    meeting = read_letters(on_the_day, records.meeting_id)
    started = time.perf_counter()
    made = render_meeting_letters(on_the_day, records.meeting_id)
    cold = time.perf_counter() - started
    assert len(made.letters) == CHILDREN, "every child discussed must get a letter"
    times, floors = [], []
    for _ in range(pairs):
        started = time.perf_counter()
        made = render_meeting_letters(on_the_day, records.meeting_id)
        times.append(time.perf_counter() - started)
        floors.append(plain_letters_floor(meeting))
    line = (
        f"Letters: a liaison group meeting of {CHILDREN} children, {made.pages} pages in one "
        f"PDF; the first (cold) run took {cold:.2f} s, `letters_30_s` is the median of the "
        f"{pairs} after it, interleaved with its floor (`letters_floor_s`, the same words as "
        "plain paragraphs in one font)."
    )
    print(f"  {line}", flush=True)
    if details is not None:
        details += [line, ""]
    return {
        "letters_30_s": statistics.median(times),
        "letters_floor_s": statistics.median(floors),
        "letters_vs_floor_x": statistics.median(a / b for a, b in zip(times, floors, strict=True)),
    }


def main() -> int:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
    from fast_vaults import make_vault

    with tempfile.TemporaryDirectory(prefix="bench-letters-") as tmp:
        created = make_vault(Path(tmp) / "vault")
        try:
            figures = measure_letters_30(Services(created.vault))
            for key, value in figures.items():
                print(f"{key}: {value:.3f}")
        finally:
            created.vault.lock()
    return 0


if __name__ == "__main__":
    sys.exit(main())
