"""The date and local time the services work to: the wall clock in the app, a fixed day in tests.

Every rule that asks "is this in the future?", every "today's session" and every arrival time
stamped on a mark reads one `Clock`, handed to the services when the vault is unlocked. A flow
never mixes the clock with `date.today()` or `datetime.now()`: two readings of two clocks can
fall either side of midnight (or of a test's fixed day) and disagree about what today is.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

#: the time of day a fixed clock reads: mid-morning, while a group meets
FIXED_TIME = dt.time(10, 0)


class Clock:
    """Local time, from one source; `today()` is always the date of `now()`."""

    def __init__(self, now: Callable[[], dt.datetime] = dt.datetime.now) -> None:
        self._now = now

    def now(self) -> dt.datetime:
        """The local date and time (naive, as the register shows it)."""
        return self._now()

    def today(self) -> dt.date:
        return self._now().date()

    @classmethod
    def fixed(cls, day: dt.date, at: dt.time = FIXED_TIME) -> Clock:
        """A clock that always reads `day` at `at`: for tests, benchmarks and the demo."""
        moment = dt.datetime.combine(day, at)
        return cls(lambda: moment)


__all__ = ["FIXED_TIME", "Clock"]
