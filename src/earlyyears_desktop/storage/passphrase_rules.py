"""What a new passphrase must be: long enough, varied enough, not a common word."""

from __future__ import annotations

from earlyyears_desktop.domain.errors import ValidationError
from earlyyears_desktop.storage.keyslots import MIN_PASSPHRASE_LENGTH


def check_passphrase_strength(passphrase: str) -> None:
    if len(passphrase) < MIN_PASSPHRASE_LENGTH:
        raise ValidationError(
            "passphrase",
            f"The passphrase must be at least {MIN_PASSPHRASE_LENGTH} characters long.",
        )
    if len(set(passphrase)) < 5:
        raise ValidationError("passphrase", "The passphrase repeats too few different characters.")
    letters = "".join(c for c in passphrase.casefold() if c.isalpha())
    if letters in _COMMON_WORDS or any(
        passphrase.casefold().startswith(word) and len(letters) <= len(word) + 2
        for word in _COMMON_WORDS
    ):
        raise ValidationError(
            "passphrase",
            "That passphrase is too easy to guess: try three or four unrelated words.",
        )


def check_new_passphrase(new: str, again: str) -> None:
    """A new passphrase typed twice: strong enough (field "passphrase"), and the same both
    times (field "again")."""
    check_passphrase_strength(new)
    if new != again:
        raise ValidationError("again", "The two passphrases are not the same.")


# Words that passphrases are most often built from, plus this service's own vocabulary, which
# someone trying to open a lost laptop would try first.
_COMMON_WORDS = frozenset(
    [
        "password",
        "passphrase",
        "passw0rd",
        "qwerty",
        "qwertyuiop",
        "asdfgh",
        "letmein",
        "welcome",
        "iloveyou",
        "admin",
        "administrator",
        "monkey",
        "dragon",
        "football",
        "baseball",
        "sunshine",
        "princess",
        "shadow",
        "master",
        "superman",
        "trustno",
        "abc",
        "abcdef",
        "abcdefgh",
        "secret",
        "changeme",
        "default",
        "login",
        "hello",
        "summer",
        "winter",
        "autumn",
        "spring",
        "earlyyears",
        "early",
        "years",
        "portage",
        "nursery",
        "children",
        "child",
        "senco",
        "send",
        "council",
    ]
)
