"""One way to put a failure into words on a screen: `ui/error_text.py`."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from earlyyears_desktop.domain.errors import DomainError, ValidationError
from earlyyears_desktop.ui import error_text as error_text_module
from earlyyears_desktop.ui.error_text import UNEXPECTED_ERROR, error_text

UI = Path(error_text_module.__file__).parent
#: modules that may name DomainError: the one that words it, and the runner, which sorts a
#: refusal from a bug for the incident log
WORDS_ERRORS = {"error_text.py", "operations.py"}
#: the security screens being rewritten on another branch of issue 10, folded in on merge


def test_a_domain_error_is_shown_in_its_own_words() -> None:
    assert error_text(DomainError("The date of birth is in the future.")) == (
        "The date of birth is in the future."
    )
    assert error_text(ValidationError("name", "Please give a name.")) == "Please give a name."


@pytest.mark.parametrize(
    "error",
    [
        ValueError("Invalid isoformat string: 'Amelia Okonkwo'"),
        KeyError("nhs number 9434765919"),
        OSError(2, "No such file", "/media/usb/Amelia Okonkwo.eybundle"),
        RuntimeError(),
    ],
)
def test_any_other_error_says_one_thing_and_never_its_own_text(error: BaseException) -> None:
    text = error_text(error)
    assert text == UNEXPECTED_ERROR
    for secret in ("Amelia", "Okonkwo", "9434765919", "isoformat", "usb"):
        assert secret not in text


def _names_domain_error(path: Path) -> bool:
    """Whether the module tests `isinstance(..., DomainError)` (to word the rest itself);
    catching a domain error around one call and showing `error_text` of it is fine."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return any(
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "isinstance"
        and any(isinstance(n, ast.Name) and n.id == "DomainError" for n in ast.walk(node))
        for node in ast.walk(tree)
    )


def test_no_screen_words_a_domain_error_itself() -> None:
    """A screen that reads `error.message if isinstance(error, DomainError) else "..."`
    writes a seventh fallback: it calls `error_text` instead."""
    own_wording = sorted(
        path.name
        for path in UI.glob("*.py")
        if path.name not in WORDS_ERRORS and _names_domain_error(path)
    )
    assert own_wording == []
