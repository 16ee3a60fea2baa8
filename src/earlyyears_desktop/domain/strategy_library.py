"""The starter set of the strategy library: the strategies every new vault begins with.

The content is product content, written for this project, and ships with every vault: it lives
in `resources/strategies/starter.toml` (easier to read and edit as prose than Python strings)
and is read here once. `services/strategies.py` writes it into a vault like any strategy.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from earlyyears_desktop.domain.enums import AreaOfNeed
from earlyyears_desktop.domain.rules import strategy_tags


@dataclass(frozen=True)
class StarterStrategy:
    title: str
    area_of_need: str
    practitioner_wording: str
    try_at_home: str
    #: lower case, each once
    tags: tuple[str, ...]


def _prose(text: object) -> str:
    """The file's wrapped lines as one paragraph."""
    return " ".join(str(text).split())


@functools.cache
def starter_strategies() -> tuple[StarterStrategy, ...]:
    """Every strategy of the starter set, in the file's order (grouped by area of need)."""
    import tomllib  # only set-up and the Strategies page's offer need these
    from importlib import resources

    source = resources.files("earlyyears_desktop") / "resources" / "strategies" / "starter.toml"
    data = tomllib.loads(source.read_text(encoding="utf-8"))
    return tuple(
        StarterStrategy(
            title=_prose(item["title"]),
            area_of_need=AreaOfNeed(item["area_of_need"]).value,
            practitioner_wording=_prose(item["practitioner_wording"]),
            try_at_home=_prose(item["try_at_home"]),
            tags=strategy_tags(",".join(item["tags"])),
        )
        for item in data["strategy"]
    )


__all__ = ["StarterStrategy", "starter_strategies"]
