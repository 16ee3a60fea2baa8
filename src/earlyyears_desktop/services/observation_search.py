"""Finding observations: full-text search with filters, a snippet and the words to highlight.

The index (storage revisions 0004 and 0011) holds the *folded* text of each observation, in
its child's shard of 16 tables (`storage/search_index.py`; an erasure optimises one shard):
case, diacritics and letters with a stroke folded by `domain.rules.search_key`, the rule
`ey_fold` applies on every vault connection. A query is folded the same way, and each of its
words must appear as the start of a word, so "zoe" finds "Zoë" and "ZOË" finds "zoe".

Order. Results come newest first. FTS5 can hand its matches over newest-written first (by
rowid) and stop after the limit (each shard does, and their lists are merged by rowid), which
keeps a search of 200,000 observations for a common word to 20-40 ms (the 16 shards each read
their share of the word's entries: the single index before them took about 5 ms); sorting
every match by date first costs 100-500 ms for a word found in a fifth of them. So the search
takes the `limit` most recently written matches (fetching one more to know whether there are
others), then shows them by the date and time they were observed, newest first (an observation
without a time comes after the timed ones of its day). When every match fits in the limit (the
usual case once a word or a filter is given) that is exactly newest observed first; when there
are more, the results say so ("Showing the first N") and they are the N most recently written.

Highlighting works on the ORIGINAL text: its words are found in it, each word is folded on
its own, and a word is highlighted when a folded part of it starts with a word of the query;
the offsets are the word's place in the original string, so "zoe" highlights "Zoë" as it was
written. The snippet is a window of words around the first match, never the whole text (an
observation may run to 20,000 words).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import islice

from sqlalchemy import (
    ColumnClause,
    Date,
    Integer,
    Select,
    TableClause,
    TextClause,
    column,
    literal_column,
    select,
    table,
    text,
)
from sqlalchemy.orm import Session

from earlyyears_desktop.domain.enums import AreaOfNeed, ObservationContext
from earlyyears_desktop.domain.errors import ValidationError
from earlyyears_desktop.domain.models import Child, Observation, Practitioner
from earlyyears_desktop.domain.rules import search_key
from earlyyears_desktop.services.children import display_name
from earlyyears_desktop.services.unit_of_work import INCLUDE_DELETED, UnitOfWork
from earlyyears_desktop.storage.search_index import SHARDS, shard_of, shard_table, shard_tables

#: how many results a search shows at most
DEFAULT_LIMIT = 100
#: the words of a snippet: a few before the first match, the rest after it
SNIPPET_WORDS = 30
SNIPPET_BEFORE = 8
ELLIPSIS = "…"

# A word longer than the prefix indexes (2 and 3 letters) is expanded to the indexed words it
# starts, when there are few: FTS5 streams an OR of whole terms newest-first and stops at the
# limit, where a prefix query first merges every matching document (350 ms for a word in a
# fifth of 200,000 observations, against 6 ms).
_PREFIX_INDEXED = 3
_SHORTEST = 2
_MAX_EXPANSION = 30

#: a word of the original text: letters and digits, with any combining marks that follow
#: (the stored text is NFC, but text typed elsewhere may come decomposed)
_WORD = re.compile(
    r"(?:[^\W_]|[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f])+"
)
#: a token of folded text, as the index's unicode61 tokenizer splits it
_TOKEN = re.compile(r"[^\W_]+")

_rowid: ColumnClause[int] = literal_column("observations.rowid", type_=Integer)


def _fts(shard: int) -> TableClause:
    """One shard of the index (storage/search_index.py), for a join or a subquery."""
    return table(shard_table(shard), column("rowid"))


def _match(fts: TableClause) -> TextClause:
    """`fts MATCH :match` (the expression is bound when the statement runs)."""
    return text(f"{fts.name} MATCH :match")


def _newest_matching(session: Session, statement: Select[str], match: str, limit: int) -> list[str]:
    """The ids `statement` selects among the observations matching `match`, the `limit`
    most recently written.

    Each shard gives its `limit` newest matches, rowids alone (the index's own order, no row
    read), and they are merged: the `limit` newest of those are the newest matches of all.
    Usually every one of them passes `statement` (live, of a child not deleted, no filter
    given) and that is the answer, found with one look-up per row; when some do not, each
    shard's matches are read through `statement` instead until it has given `limit`. When
    every shard gave fewer than `limit`, every match is in hand and is checked at once."""
    newest: list[int] = []
    every_match_read = True
    for name in shard_tables():
        rowids = session.scalars(_NEWEST_IN_SHARD[name], {"match": match, "limit": limit}).all()
        newest += rowids
        every_match_read &= len(rowids) < limit
    newest.sort(reverse=True)
    candidates = newest if every_match_read else newest[:limit]
    ids = list(
        session.scalars(
            statement.where(_rowid.in_(candidates)).order_by(_rowid.desc()).limit(limit)
        )
    )
    if every_match_read or len(ids) == len(candidates):
        return ids
    found: list[tuple[int, str]] = []
    for shard in range(SHARDS):
        fts = _fts(shard)
        per_shard = (
            statement.add_columns(fts.c.rowid)
            .join(fts, fts.c.rowid == _rowid)
            .where(_match(fts))
            .order_by(fts.c.rowid.desc())
            .limit(limit)
        )
        found += [(rowid, id_) for id_, rowid in session.execute(per_shard, {"match": match})]
    found.sort(reverse=True)
    return [id_ for _, id_ in found[:limit]]


#: per shard: its newest matches' rowids, from the index alone
_NEWEST_IN_SHARD = {
    fts: text(f"SELECT rowid FROM {fts} WHERE {fts} MATCH :match ORDER BY rowid DESC LIMIT :limit")
    for fts in shard_tables()
}


@dataclass(frozen=True)
class ObservationQuery:
    """What to look for: words (any, or none) and filters (each optional)."""

    text: str = ""
    child_id: str | None = None
    area_of_need: str | None = None
    #: the practitioner who wrote it
    author_id: str | None = None
    context: str | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None

    @property
    def words(self) -> tuple[str, ...]:
        """The query's folded words, as the index holds them."""
        return tuple(query_words(self.text))

    @property
    def filtered(self) -> bool:
        return any(
            v is not None
            for v in (
                self.child_id,
                self.area_of_need,
                self.author_id,
                self.context,
                self.date_from,
                self.date_to,
            )
        )


@dataclass(frozen=True)
class ObservationHit:
    """One observation found, with what the results list shows of it."""

    id: str
    child_id: str
    child_name: str
    observed_on: dt.date
    observed_at: dt.time | None
    context: str
    area_of_need: str
    author_id: str | None
    #: the practitioner's name ("" when not known)
    author_name: str
    share_with_parents: bool
    #: a window of the text around the first match (the start, when no words were given),
    #: on one line, with "…" where text was left out
    snippet: str
    #: (start, end) of each word to highlight, as offsets into `snippet`
    spans: tuple[tuple[int, int], ...]


@dataclass(frozen=True)
class ObservationResults:
    hits: tuple[ObservationHit, ...]
    #: more observations match than are shown (the first `limit` are)
    more: bool
    limit: int
    #: words were typed, but none of two letters or more (nothing is searched for "a")
    too_short: bool = False


@dataclass(frozen=True)
class Choice:
    """An entry of a filter list: an id and what a person reads."""

    id: str
    label: str


class ObservationSearch:
    """Search over every observation in the vault, for the Observations page and the CLI."""

    def __init__(self, uow: UnitOfWork) -> None:
        self.uow = uow

    def find(self, query: ObservationQuery, limit: int = DEFAULT_LIMIT) -> ObservationResults:
        """The observations matching `query`, newest first (see the module's docstring)."""
        _check(query)
        words = query.words
        if query.text.strip() and not words:
            return ObservationResults((), False, limit, too_short=True)
        with self.uow.read() as session:
            statement = _filtered(select(Observation.id), query)
            if not words:
                ids = list(session.scalars(statement.order_by(_rowid.desc()).limit(limit + 1)))
            elif (match := match_expression(session, words)) is None:
                return ObservationResults((), False, limit)
            elif query.child_id is None:
                ids = _newest_matching(session, statement, match, limit + 1)
            else:
                # One child's few hundred observations, each checked against the matches in
                # the child's shard: streaming every match of a common word to find this
                # child's would look up each one (700 ms against 100 in the scale vault).
                fts = _fts(shard_of(query.child_id))
                statement = statement.where(_rowid.in_(select(fts.c.rowid).where(_match(fts))))
                ids = list(
                    session.scalars(
                        statement.order_by(_rowid.desc()).limit(limit + 1), {"match": match}
                    )
                )
            more = len(ids) > limit
            hits = _hits(session, ids[:limit], words)
        return ObservationResults(tuple(hits), more, limit)

    def any_written(self) -> bool:
        """Whether the vault holds any observation at all (for the empty state)."""
        with self.uow.read() as session:
            return session.scalar(select(Observation.id).limit(1)) is not None

    def children(self) -> list[Choice]:
        """Every child, by name, for the child filter."""
        with self.uow.read() as session:
            found = session.execute(
                select(
                    Child.id, Child.preferred_name, Child.legal_given_names, Child.legal_family_name
                )
            ).all()
        choices = [Choice(i, display_name(p, g, f)) for i, p, g, f in found]
        return sorted(choices, key=lambda c: (search_key(c.label), c.id))

    def authors(self) -> list[Choice]:
        """The practitioners of this vault, by name, for the author filter."""
        with self.uow.read() as session:
            found = session.execute(
                select(Practitioner.id, Practitioner.name).order_by(Practitioner.name)
            ).all()
        return [Choice(i, name) for i, name in found]


def _check(query: ObservationQuery) -> None:
    if query.date_from and query.date_to and query.date_to < query.date_from:
        raise ValidationError("date_to", "The “to” date is before the “from” date.")
    try:
        if query.area_of_need is not None:
            AreaOfNeed(query.area_of_need)
        if query.context is not None:
            ObservationContext(query.context)
    except ValueError:
        raise ValidationError("filter", "Please choose a filter from the list.") from None


def _filtered(statement: Select[str], query: ObservationQuery) -> Select[str]:
    # The join hides the observations of a deleted child (the unit of work's tombstone filter
    # applies to the joined child as to the observation).
    statement = statement.join(Child, Child.id == Observation.child_id)
    if query.child_id is not None:
        statement = statement.where(Observation.child_id == query.child_id)
    if query.area_of_need is not None:
        statement = statement.where(Observation.area_of_need == query.area_of_need)
    if query.author_id is not None:
        statement = statement.where(Observation.author_id == query.author_id)
    if query.context is not None:
        statement = statement.where(Observation.context == query.context)
    # Dates are checked on the rows read newest first rather than through the date index
    # (the unary +): reading a month of the index and sorting it costs more (1.5 s for a
    # month of the scale vault) than reading back to it (at most a scan, 0.7 s; 1 ms for a
    # recent month).
    day = literal_column("+observations.observed_on", type_=Date)
    if query.date_from is not None:
        statement = statement.where(day >= query.date_from)
    if query.date_to is not None:
        statement = statement.where(day <= query.date_to)
    return statement


def _hits(session: Session, ids: Sequence[str], words: Sequence[str]) -> list[ObservationHit]:
    if not ids:
        return []
    found = session.execute(
        select(
            Observation,
            Child.preferred_name,
            Child.legal_given_names,
            Child.legal_family_name,
        )
        .join(Child, Child.id == Observation.child_id)
        .where(Observation.id.in_(ids))
    ).all()
    authors = {o.author_id for o, *_ in found if o.author_id}
    names = dict(
        session.execute(
            select(Practitioner.id, Practitioner.name)
            .where(Practitioner.id.in_(authors))
            # someone who has left still wrote what they wrote
            .execution_options(**INCLUDE_DELETED)
        ).all()
    )
    written = {i: n for n, i in enumerate(ids)}  # newest written first
    hits = []
    for record, preferred, given, family in found:
        snippet, spans = snippet_of(record.text, words)
        hits.append(
            ObservationHit(
                id=record.id,
                child_id=record.child_id,
                child_name=display_name(preferred, given, family),
                observed_on=record.observed_on,
                observed_at=record.observed_at,
                context=record.context,
                area_of_need=record.area_of_need,
                author_id=record.author_id,
                author_name=names.get(record.author_id, "") if record.author_id else "",
                share_with_parents=bool(record.share_with_parents),
                snippet=snippet,
                spans=spans,
            )
        )
    hits.sort(key=lambda h: written[h.id])
    hits.sort(key=_observed, reverse=True)  # stable: the same moment keeps the newest written
    return hits


def _observed(hit: ObservationHit) -> tuple[dt.date, bool, dt.time]:
    return (hit.observed_on, hit.observed_at is not None, hit.observed_at or dt.time())


# ---- the full-text query ----


def query_words(query: str) -> list[str]:
    """The folded words of what was typed, each of two letters or more.

    A single letter is left out: the index has no one-letter prefixes, and FTS5 answering
    "every word starting with b", newest first, reads all of them (35 s in the scale vault)."""
    return [word for word in _TOKEN.findall(search_key(query)) if len(word) >= _SHORTEST]


def match_expression(session: Session, words: Sequence[str]) -> str | None:
    """The FTS5 MATCH expression for `words` (each the start of a word, all of them), or
    None when a word starts no indexed word, so that nothing can match."""
    clauses = [_word_clause(session, word) for word in words]
    if any(clause is None for clause in clauses):
        return None
    return " AND ".join(c for c in clauses if c)


def newest_matching_ids(session: Session, words: Sequence[str], limit: int) -> list[str]:
    """The ids of the `limit` most recently written live observations containing `words`."""
    match = match_expression(session, words) if words else None
    if match is None:
        return []
    # Observation's own filter hides tombstoned rows (the unit of work's, as for any select).
    return _newest_matching(session, select(Observation.id), match, limit)


def _word_clause(session: Session, word: str) -> str | None:
    if len(word) <= _PREFIX_INDEXED:
        return f'"{word}"*'
    # Each shard's vocabulary, readable per connection; temp, so it is never on disk.
    arms = []
    for shard, fts in enumerate(shard_tables()):
        vocab = f"temp.observations_vocab_{shard:02d}"
        session.execute(
            text(
                f"CREATE VIRTUAL TABLE IF NOT EXISTS {vocab} USING fts5vocab(main, '{fts}', 'row')"
            )
        )
        arms.append(f"SELECT term FROM {vocab} WHERE term >= :low AND term < :high")
    terms = (
        session.execute(
            text(" UNION ".join(arms) + " ORDER BY term LIMIT :most"),
            {"low": word, "high": word + "\U0010ffff", "most": _MAX_EXPANSION + 1},
        )
        .scalars()
        .all()
    )
    if not terms:
        return None
    if len(terms) > _MAX_EXPANSION:
        return f'"{word}"*'
    return "(" + " OR ".join(f'"{term}"' for term in terms) + ")"


# ---- snippets and highlights ----


def matches_word(word: str, prefixes: tuple[str, ...]) -> bool:
    """Whether a word of the original text matches: a folded token of it starts with one of
    the query's folded words. An ASCII word folds by lower-casing (the same, faster)."""
    if word.isascii():
        return word.lower().startswith(prefixes)
    return any(token.startswith(prefixes) for token in _TOKEN.findall(search_key(word)))


def snippet_of(
    original: str, words: Sequence[str], size: int = SNIPPET_WORDS, before: int = SNIPPET_BEFORE
) -> tuple[str, tuple[tuple[int, int], ...]]:
    """About `size` words of `original` around the first word matching `words` (the start of
    the text when none matches or no words are given), on one line, and the spans of the
    matching words in it.

    The text is read word by word only as far as the window's end, so a 20,000-word
    observation costs no more than the place of its first match."""
    prefixes = tuple(words)
    window: list[re.Match[str]] = []
    if prefixes:
        kept: deque[re.Match[str]] = deque(maxlen=before)
        found_words = _WORD.finditer(original)
        for found in found_words:
            if matches_word(found.group(), prefixes):
                window = [*kept, found, *islice(found_words, max(size - len(kept) - 1, 0))]
                break
            kept.append(found)
    if not window:
        window = list(islice(_WORD.finditer(original), size))
    if not window:
        return _one_line(original.strip()[:200]), ()
    start, end = window[0].start(), window[-1].end()
    text_before = _WORD.search(original, 0, start) is not None
    text_after = _WORD.search(original, end) is not None
    if not text_before:
        start = len(original) - len(original.lstrip())  # leading punctuation is kept
    if not text_after:
        end = len(original.rstrip())
    lead = ELLIPSIS + " " if text_before else ""
    tail = " " + ELLIPSIS if text_after else ""
    shift = len(lead) - start
    spans = tuple(
        (m.start() + shift, m.end() + shift)
        for m in window
        if prefixes and matches_word(m.group(), prefixes)
    )
    return lead + _one_line(original[start:end]) + tail, spans


def _one_line(text_: str) -> str:
    """Line breaks and tabs as spaces, one for one (so offsets still hold)."""
    return text_.translate(_ONE_LINE)


_ONE_LINE = {ord(c): " " for c in "\n\r\t\v\f\u2028\u2029\x85"}


def highlight_spans(original: str, words: Sequence[str]) -> tuple[tuple[int, int], ...]:
    """The (start, end) of every word of `original` that matches `words`."""
    prefixes = tuple(words)
    if not prefixes:
        return ()
    return tuple(m.span() for m in _WORD.finditer(original) if matches_word(m.group(), prefixes))


__all__ = [
    "DEFAULT_LIMIT",
    "Choice",
    "ObservationHit",
    "ObservationQuery",
    "ObservationResults",
    "ObservationSearch",
    "highlight_spans",
    "match_expression",
    "newest_matching_ids",
    "query_words",
    "snippet_of",
]
