"""Library strategies for tests of a child's strategies, made through the one service that
adds them (re-point `add_library_strategy` here if that service moves).

Import with `from ..strategy_library import add_library_strategy` from a test folder.
"""

from __future__ import annotations

from earlyyears_desktop.domain.enums import AreaOfNeed
from earlyyears_desktop.services.container import Services
from earlyyears_desktop.services.strategies import StrategyInput


def add_library_strategy(
    services: Services,
    title: str,
    try_at_home: str,
    *,
    area_of_need: str = AreaOfNeed.COMMUNICATION_AND_INTERACTION.value,
    practitioner_wording: str = "",
) -> str:
    """A strategy in the library; its id."""
    wording = practitioner_wording or f"{title}: for practitioners."
    return services.strategies.add(StrategyInput(title, area_of_need, wording, try_at_home)).id
