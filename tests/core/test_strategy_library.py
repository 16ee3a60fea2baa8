"""The starter set of the strategy library: enough strategies in every area of need, each
with wording for practitioners and a short, plain "try at home" for parents."""

from __future__ import annotations

import re
from collections import Counter

from earlyyears_desktop.domain.enums import AreaOfNeed
from earlyyears_desktop.domain.rules import search_key
from earlyyears_desktop.domain.strategy_library import starter_strategies

#: words a parent should not meet in "try at home" (whole words, any case)
JARGON = {
    "send",
    "sen",
    "salt",
    "slt",
    "ehcp",
    "senco",
    "intervention",
    "interventions",
    "graduated",
    "dysregulation",
    "dysregulated",
    "regulate",
    "regulation",
    "proprioceptive",
    "vestibular",
    "sensory",
    "motor",
    "transition",
    "transitions",
    "modelling",
    "strategy",
    "practitioner",
    "expressive",
    "receptive",
    "makaton",
    "pecs",
    "portage",
    "stimulation",
    "stimuli",
    "tactile",
    "cognitive",
    "peer",
    "peers",
}
JARGON_PHRASES = ("sensory diet", "objects of reference", "fine motor", "gross motor")
#: at most this many words in one "try at home" sentence (reading age about nine)
SENTENCE_WORDS = 20


def sentences(text: str) -> list[str]:
    """The sentences of `text`, each with its closing quote ('Say "go!"')."""
    found = re.findall(r".+?(?:[.!?]+[\"”]?(?=\s|$)|$)", text)
    return [s.strip() for s in found if s.strip()]


def test_at_least_thirty_strategies_six_in_each_area() -> None:
    strategies = starter_strategies()
    assert len(strategies) >= 30
    per_area = Counter(s.area_of_need for s in strategies)
    assert set(per_area) == {a.value for a in AreaOfNeed}
    assert min(per_area.values()) >= 6, per_area
    titles = [search_key(s.title) for s in strategies]
    assert len(set(titles)) == len(titles), "two strategies share a title"


def test_every_entry_is_complete() -> None:
    for s in starter_strategies():
        assert s.title and len(s.title) <= 60, s.title
        assert AreaOfNeed(s.area_of_need)
        assert s.tags, s.title
        for tag in s.tags:
            assert tag == tag.strip().lower() and "," not in tag and tag, (s.title, tag)
        assert len(set(s.tags)) == len(s.tags), s.title
        # the practitioner's wording says what to do and why: a few sentences
        assert 2 <= len(sentences(s.practitioner_wording)) <= 6, s.title
        assert s.try_at_home, s.title


def test_try_at_home_is_short_plain_and_speaks_to_the_parent() -> None:
    for s in starter_strategies():
        text = s.try_at_home
        assert len(sentences(text)) <= 6, s.title
        for sentence in sentences(text):
            assert len(sentence.split()) <= SENTENCE_WORDS, (s.title, sentence)
        words = set(re.findall(r"[a-z]+", text.lower()))
        assert not words & JARGON, (s.title, words & JARGON)
        assert not [p for p in JARGON_PHRASES if p in text.lower()], s.title
        assert not re.search(r"\b[A-Z]{2,}\b", text.replace("TV", "")), (s.title, "acronym")
        assert re.search(r"\byour?\b", text, re.IGNORECASE), (s.title, "speaks to the parent")


def test_the_sentence_splitter_and_jargon_check_catch_what_they_should() -> None:
    """The checks above would fail on wording that breaks the rules."""
    long = "Use the sensory diet in a graded intervention " + "and then " * 8 + "stop."
    assert len(sentences(long)[0].split()) > SENTENCE_WORDS
    assert "intervention" in set(re.findall(r"[a-z]+", long.lower())) & JARGON
    assert sentences('Say "go!" Then stop. Wait') == ['Say "go!"', "Then stop.", "Wait"]
