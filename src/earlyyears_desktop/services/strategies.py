"""The strategy library: find, read, add and edit the strategies a team uses with families.

A library strategy is a record of no child (it syncs like any strategy and may come from the
local authority's central service). One the central service sent (`from_central`) is read-only
here: it can only be changed there, and its next copy would replace a local edit anyway.

There is no removal. A strategy agreed with a child is part of that child's record (the child's
strategy points at it, and the handouts print its "try at home" wording), and a strategy
removed on one device may be agreed with a child on another before the two meet; a tombstone
would hide it from every one of those records. A strategy the team no longer uses is edited
(its wording, its tags), never removed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from earlyyears_desktop.domain.enums import AreaOfNeed
from earlyyears_desktop.domain.errors import ConflictError, DomainError, ValidationError
from earlyyears_desktop.domain.models import Strategy
from earlyyears_desktop.domain.rules import optional_text, required_name, search_key, strategy_tags
from earlyyears_desktop.domain.strategy_library import StarterStrategy, starter_strategies
from earlyyears_desktop.services.unit_of_work import Saved, UnitOfWork, assign_changed, get_live

#: why a strategy from the central service cannot be edited here (shown as it is)
FROM_CENTRAL_READ_ONLY = (
    "This strategy comes from the local authority and can only be changed there."
)


class CentralStrategyReadOnly(DomainError):
    """An edit of a strategy the central service sent."""

    def __init__(self) -> None:
        super().__init__(FROM_CENTRAL_READ_ONLY)


@dataclass(frozen=True)
class StrategyRow:
    id: str
    title: str
    #: an `AreaOfNeed` value, or "" for none
    area_of_need: str
    practitioner_wording: str
    try_at_home: str
    tags: tuple[str, ...]
    from_central: bool
    version: int

    @property
    def area_label(self) -> str:
        return AreaOfNeed(self.area_of_need).label if self.area_of_need else ""

    @property
    def source(self) -> str:
        """Where the strategy comes from, in words."""
        return "The local authority" if self.from_central else "Written by your team"


@dataclass(frozen=True)
class StrategyInput:
    title: str
    area_of_need: str = ""
    practitioner_wording: str = ""
    try_at_home: str = ""
    #: typed as the user typed them: "Routines, visual support"
    tags: str = ""


@dataclass(frozen=True)
class StrategyFilter:
    #: words to find in the title, either wording or the tags (case and accents ignored)
    text: str = ""
    #: an `AreaOfNeed` value, or None for every area
    area_of_need: str | None = None
    #: one tag (any case), or None for every tag
    tag: str | None = None


def _row(strategy: Strategy) -> StrategyRow:
    return StrategyRow(
        id=strategy.id,
        title=strategy.title,
        area_of_need=strategy.area_of_need,
        practitioner_wording=strategy.practitioner_wording,
        try_at_home=strategy.try_at_home,
        tags=tuple(t for t in strategy.tags.split(",") if t),
        from_central=bool(strategy.from_central),
        version=strategy.version,
    )


def _matches(row: StrategyRow, words: list[str]) -> bool:
    """Every word is in the title, a wording or a tag (case and diacritics folded)."""
    haystack = search_key(
        " ".join((row.title, row.practitioner_wording, row.try_at_home, " ".join(row.tags)))
    )
    return all(word in haystack for word in words)


def _values(data: StrategyInput) -> dict[str, object]:
    area = data.area_of_need or ""
    if area and area not in {a.value for a in AreaOfNeed}:
        raise ValidationError("area_of_need", "Please choose an area of need from the list.")
    return {
        "title": required_name("title", data.title, "strategy's title"),
        "area_of_need": area,
        "practitioner_wording": optional_text(data.practitioner_wording),
        "try_at_home": optional_text(data.try_at_home),
        "tags": ",".join(strategy_tags(data.tags)),
    }


def _titles(session: Session) -> dict[str, str]:
    """The library's strategies by folded title: id."""
    return {
        search_key(title): strategy_id
        for strategy_id, title in session.execute(select(Strategy.id, Strategy.title))
    }


def _check_title_free(session: Session, title: str, own_id: str | None = None) -> None:
    other = _titles(session).get(search_key(title))
    if other is not None and other != own_id:
        raise ValidationError("title", "The library already has a strategy with this title.")


class StrategyService:
    def __init__(self, uow: UnitOfWork) -> None:
        self.uow = uow

    # ---- reading ----

    def find(self, where: StrategyFilter | None = None) -> list[StrategyRow]:
        """The library's strategies that match, by title (a library holds tens or hundreds of
        strategies: read whole, filtered here, so the folding is the one `search_key`)."""
        where = where or StrategyFilter()
        with self.uow.read() as session:
            query = select(Strategy)
            if where.area_of_need:
                query = query.where(Strategy.area_of_need == where.area_of_need)
            rows = [_row(s) for s in session.scalars(query)]
        words = search_key(where.text).split()
        tag = " ".join((where.tag or "").split()).lower()
        found = [
            r for r in rows if (not words or _matches(r, words)) and (not tag or tag in r.tags)
        ]
        return sorted(found, key=lambda r: (search_key(r.title), r.id))

    def tags(self) -> list[str]:
        """Every tag used in the library, in alphabetical order."""
        with self.uow.read() as session:
            joined = session.scalars(select(Strategy.tags).where(Strategy.tags != "")).all()
        return sorted({t for tags in joined for t in tags.split(",") if t}, key=search_key)

    def get(self, strategy_id: str) -> StrategyRow:
        with self.uow.read() as session:
            return _row(get_live(session, Strategy, strategy_id))

    def count(self) -> int:
        with self.uow.read() as session:
            return len(session.scalars(select(Strategy.id)).all())

    # ---- writing ----

    def add(self, data: StrategyInput) -> Saved[str]:
        """A strategy written by this team; refused without a title, with an area of need not
        in the vocabulary, or with the title of one already in the library."""
        strategy = Strategy(**_values(data), from_central=False)
        with self.uow.write() as tx:
            _check_title_free(tx.session, strategy.title)
            tx.session.add(strategy)
        return Saved(tx.changes, strategy.id)

    def edit(
        self, strategy_id: str, data: StrategyInput, expected_version: int | None = None
    ) -> Saved[None]:
        """Change a strategy written by this team (`CentralStrategyReadOnly` for one the
        central service sent; `ConflictError` when it changed since `expected_version`)."""
        values = _values(data)
        with self.uow.write() as tx:
            strategy = get_live(tx.session, Strategy, strategy_id)
            if strategy.from_central:
                raise CentralStrategyReadOnly()
            if expected_version is not None and strategy.version != expected_version:
                raise ConflictError(
                    "Someone changed this strategy since you opened it. Close the form and "
                    "open the strategy again to see the changes."
                )
            _check_title_free(tx.session, str(values["title"]), strategy_id)
            assign_changed(strategy, values)
        return Saved(tx.changes, None)

    # ---- the starter set ----

    def starter_set_missing(self) -> int:
        """How many strategies of the starter set the library lacks (matched by title)."""
        with self.uow.read() as session:
            return len(_missing(_titles(session)))

    def add_starter_set(self) -> Saved[tuple[str, ...]]:
        """Add the strategies of the starter set the library lacks, matched by title (case and
        accents ignored), in one write; the ids of those added (none when all are there)."""
        with self.uow.write() as tx:
            added = [
                Strategy(
                    title=s.title,
                    area_of_need=s.area_of_need,
                    practitioner_wording=s.practitioner_wording,
                    try_at_home=s.try_at_home,
                    tags=",".join(s.tags),
                    from_central=False,
                )
                for s in _missing(_titles(tx.session))
            ]
            tx.session.add_all(added)
        return Saved(tx.changes, tuple(s.id for s in added))


def _missing(titles: Iterable[str]) -> list[StarterStrategy]:
    have = set(titles)
    return [s for s in starter_strategies() if search_key(s.title) not in have]


__all__ = [
    "FROM_CENTRAL_READ_ONLY",
    "CentralStrategyReadOnly",
    "StrategyFilter",
    "StrategyInput",
    "StrategyRow",
    "StrategyService",
]
