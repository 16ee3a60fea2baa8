"""Validation rules shared by the services, the forms and the importers."""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass

from earlyyears_desktop.domain.errors import ValidationError

EXPECTED_MAX_AGE_YEARS = 5


def nhs_number_is_valid(value: str) -> bool:
    """The NHS number modulus 11 check: ten digits, the last a check digit."""
    digits = value.replace(" ", "").replace("-", "")
    if len(digits) != 10 or not digits.isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        check = 0
    if check == 10:
        return False
    return check == int(digits[9])


def normalise_nhs_number(value: str | None) -> str | None:
    """Return the ten digits, or None for an empty value; refuse a bad check digit."""
    if value is None or not value.strip():
        return None
    if not nhs_number_is_valid(value):
        raise ValidationError(
            "nhs_number",
            "The NHS number is not valid: it should be 10 digits and its check digit must match.",
        )
    return value.replace(" ", "").replace("-", "")


def format_nhs_number(digits: str | None) -> str:
    if not digits:
        return ""
    return f"{digits[:3]} {digits[3:6]} {digits[6:]}"


def required_name(field: str, value: str | None, what: str = "name") -> str:
    cleaned = unicodedata.normalize("NFC", (value or "").strip())
    if not cleaned:
        raise ValidationError(field, f"Please enter the {what}.")
    if len(cleaned) > 200:
        raise ValidationError(field, f"The {what} is too long (200 characters at most).")
    return cleaned


def optional_text(value: str | None) -> str:
    return unicodedata.normalize("NFC", (value or "").strip())


def limited_text(field: str, value: str | None, limit: int, what: str) -> str:
    """Optional text for a column of `limit` characters: longer is refused, never cut (a
    central service refuses a record longer than its column)."""
    cleaned = optional_text(value)
    if len(cleaned) > limit:
        raise ValidationError(field, f"The {what} is too long ({limit} characters at most).")
    return cleaned


@dataclass(frozen=True)
class AgeCheck:
    years: int
    warning: str | None


def age_in_years(date_of_birth: dt.date, on: dt.date) -> int:
    years = on.year - date_of_birth.year
    if (on.month, on.day) < (date_of_birth.month, date_of_birth.day):
        years -= 1
    return years


def check_date_of_birth(date_of_birth: dt.date | None, today: dt.date) -> AgeCheck:
    """A date of birth is required and not in the future; over five is allowed with a warning."""
    if date_of_birth is None:
        raise ValidationError("date_of_birth", "Please enter the date of birth.")
    if date_of_birth > today:
        raise ValidationError("date_of_birth", "The date of birth is in the future.")
    years = age_in_years(date_of_birth, today)
    if years > 25:
        raise ValidationError(
            "date_of_birth", "The date of birth is more than 25 years ago: please check it."
        )
    warning = None
    if years >= EXPECTED_MAX_AGE_YEARS:
        warning = (
            f"This child is {years}: the service is for children under five. "
            "The record is saved; check that it belongs here."
        )
    return AgeCheck(years, warning)


def search_key(text: str) -> str:
    """A folded form for search: case and diacritics ignored, so 'zoe' finds 'Zoë'."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return stripped.replace("ł", "l").replace("ø", "o").replace("đ", "d").replace("ß", "ss")


#: a strategy's tags: each tag at most this long, all of them (joined by commas) at most 400
TAG_LENGTH = 40


def strategy_tags(value: str) -> tuple[str, ...]:
    """Tags typed as "Routines, visual  support, routines": lower case, trimmed, spaces inside
    collapsed, each once, in the order first given (stored joined by commas)."""
    tags: list[str] = []
    for part in unicodedata.normalize("NFC", value).split(","):
        tag = " ".join(part.split()).lower()
        if tag and tag not in tags:
            if len(tag) > TAG_LENGTH:
                raise ValidationError(
                    "tags", f"A tag is too long ({TAG_LENGTH} characters at most each)."
                )
            tags.append(tag)
    if len(",".join(tags)) > 400:
        raise ValidationError("tags", "There are too many tags (400 characters in all at most).")
    return tuple(tags)


def check_weekday(weekday: int | None) -> None:
    """A group's day of the week: 0 (Monday) to 6 (Sunday), or not set."""
    if weekday is not None and not 0 <= weekday <= 6:
        raise ValidationError("weekday", "Please choose a day of the week.")


def check_times_in_order(start: dt.time | None, end: dt.time | None, what: str) -> None:
    """`what` ("The group") must end after it starts, when both times are set."""
    if start is not None and end is not None and end <= start:
        raise ValidationError("end_time", f"{what} ends before it starts.")


def check_capacity(capacity: int | None) -> None:
    if capacity is not None and capacity < 1:
        raise ValidationError("capacity", "The capacity must be at least one child.")


def check_email(value: str) -> str:
    """An email address that looks like one, or "" for none."""
    email = optional_text(value)
    if email and ("@" not in email or " " in email):
        raise ValidationError("email", "The email address does not look right.")
    return email
