"""The demo's school calendar: three terms a year, each with a half-term week."""

from __future__ import annotations

import datetime as dt

# (month, day) of each term's first day, last day and half-term Monday-ish, in year order
_TERMS = (((1, 5), (3, 27), (2, 16)), ((4, 20), (7, 21), (5, 25)), ((9, 3), (12, 18), (10, 26)))

Term = tuple[dt.date, dt.date, list[dt.date]]


def _terms_from(year: int) -> list[Term]:
    """The demo's terms from the start of `year` to the end of the next, in order."""
    return [
        (
            dt.date(y, *first),
            dt.date(y, *last),
            [dt.date(y, *half) + dt.timedelta(days=i) for i in range(5)],
        )
        for y in (year, year + 1)
        for first, last, half in _TERMS
    ]


def term_bounds(today: dt.date) -> Term:
    """The school term around `today`, with its half-term week: the term `today` falls in, or
    in a holiday the last term before it."""
    return [t for t in _terms_from(today.year - 1) if t[0] <= today][-1]


def next_term(today: dt.date) -> Term:
    """The first term that starts after `today`."""
    return next(t for t in _terms_from(today.year) if t[0] > today)
