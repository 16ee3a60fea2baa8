"""Demo data: a vault full of invented families, groups, a term of sessions, marks and notes.

A client of the services, like the command line: it writes every record through them, as a
practitioner would. Only the front ends (`earlyyears demo`), the tests, the benchmarks and the
screenshots use it; nothing in services/, storage/, sync/ or the app's start-up imports it.
"""

from __future__ import annotations

from earlyyears_desktop.demo.content import fictional_nhs_number, nhs_number_with_check_digit
from earlyyears_desktop.demo.terms import Term, next_term, term_bounds
from earlyyears_desktop.demo.vault import DEMO_PASSPHRASE, DemoVault, create_demo_vault, populate

__all__ = [
    "DEMO_PASSPHRASE",
    "DemoVault",
    "Term",
    "create_demo_vault",
    "fictional_nhs_number",
    "next_term",
    "nhs_number_with_check_digit",
    "populate",
    "term_bounds",
]
