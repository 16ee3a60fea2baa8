"""The documents a family keeps, as one PDF each: after a home visit, the visit record and a
week's activity chart; for a support plan, the family's copy and the one-page profile.

    rendered = render_visit_documents(services, visit_id)          # in memory, for a preview
    result = build_plan_documents(services, plan_id, Path("plan.pdf"), large_print=True)

They are the family's own records: printed without the consent for personalised session
handouts (`domain/record_types.py`, `_FAMILYS_OWN`). Each follows the main carer's accessible
format unless `large_print` (True or False) overrides its size. Nothing touches the disk until
`build_*` writes the PDF, privately and in one step (`pdf_file.write_pdf_atomically`).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from pathlib import Path

from earlyyears_desktop.domain.errors import NotFound
from earlyyears_desktop.handouts.document import NameWarning
from earlyyears_desktop.handouts.errors import UnknownPlan, UnknownVisit
from earlyyears_desktop.handouts.family_pages import family_look, render
from earlyyears_desktop.handouts.pdf_file import write_pdf_atomically
from earlyyears_desktop.handouts.plan_copy import plan_story
from earlyyears_desktop.handouts.scripts import missing
from earlyyears_desktop.handouts.visit_record import visit_story
from earlyyears_desktop.services.container import Services
from earlyyears_desktop.services.family_documents import Family, FamilyDocuments

log = logging.getLogger(__name__)

VISIT_TITLE = "Home visit record"
PLAN_TITLE = "Support plan"


@dataclass(frozen=True)
class FamilyDocument:
    """A family's document as PDF bytes in memory, with what the screen says about it."""

    pdf: bytes = field(repr=False)
    pages: int
    #: what it is: "visit record and activity chart" or "support plan and one-page profile"
    kind: str
    child_id: str
    #: the child's name, for the screen; never logged
    name: str = field(repr=False)
    #: the look used: standard, large_print, high_contrast or large_high_contrast
    look: str
    #: a file name to offer when saving (the kind and the date; no name)
    file_name: str
    name_warning: NameWarning | None = None


@dataclass(frozen=True)
class SavedDocument:
    path: Path
    document: FamilyDocument


def render_visit_documents(
    services: Services, visit_id: str, *, large_print: bool | None = None
) -> FamilyDocument:
    """The visit record and the week's activity chart, as PDF bytes."""
    reader = FamilyDocuments(services.uow, services.vault.setting("team_name"))
    try:
        record = reader.visit_record(visit_id)
    except NotFound as exc:
        raise UnknownVisit(exc.message) from None
    look = family_look(record.family, large_print)
    pdf, pages = render(
        look,
        record.team_name,
        VISIT_TITLE,
        lambda doc, parts: visit_story(record, look, doc, parts),
    )
    services.access_log.made_document([("home_visit", visit_id)])
    return as_family_document(
        pdf,
        pages,
        "visit record and activity chart",
        record.family,
        look.name,
        f"visit-record-{record.visited_on.isoformat()}.pdf",
    )


def render_plan_documents(
    services: Services, plan_id: str, *, large_print: bool | None = None
) -> FamilyDocument:
    """The family's copy of the support plan and the one-page profile, as PDF bytes."""
    reader = FamilyDocuments(services.uow, services.vault.setting("team_name"))
    try:
        plan = reader.plan_copy(plan_id)
    except NotFound as exc:
        raise UnknownPlan(exc.message) from None
    look = family_look(plan.family, large_print)
    pdf, pages = render(
        look, plan.team_name, PLAN_TITLE, lambda doc, parts: plan_story(plan, look, doc, parts)
    )
    services.access_log.made_document([("support_plan", plan_id)])
    return as_family_document(
        pdf,
        pages,
        "support plan and one-page profile",
        plan.family,
        look.name,
        f"support-plan-{plan.started_on.isoformat()}.pdf",
    )


def build_visit_documents(
    services: Services, visit_id: str, out_path: Path, *, large_print: bool | None = None
) -> SavedDocument:
    """Make the visit's documents and save them, privately and atomically, at `out_path`."""
    document = render_visit_documents(services, visit_id, large_print=large_print)
    return SavedDocument(write_pdf_atomically(Path(out_path), document.pdf), document)


def build_plan_documents(
    services: Services, plan_id: str, out_path: Path, *, large_print: bool | None = None
) -> SavedDocument:
    """Make the plan's documents and save them, privately and atomically, at `out_path`."""
    document = render_plan_documents(services, plan_id, large_print=large_print)
    return SavedDocument(write_pdf_atomically(Path(out_path), document.pdf), document)


def as_family_document(
    pdf: bytes, pages: int, kind: str, family: Family, look: str, file_name: str
) -> FamilyDocument:
    characters = missing(f"{family.full_name}{family.first_name}{family.carer_name}")
    warning = None
    if characters:
        log.warning("A family document has a name with letters no installed font can draw")
        warning = NameWarning(family.child_id, family.first_name, characters)
    return FamilyDocument(
        pdf=pdf,
        pages=pages,
        kind=kind,
        child_id=family.child_id,
        name=family.full_name,
        look=re.sub(r"^family-", "", look),
        file_name=file_name,
        name_warning=warning,
    )


__all__ = [
    "FamilyDocument",
    "SavedDocument",
    "build_plan_documents",
    "build_visit_documents",
    "render_plan_documents",
    "render_visit_documents",
]
