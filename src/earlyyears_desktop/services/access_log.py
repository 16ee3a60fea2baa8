"""Reads and outputs in the audit trail: a child's record opened, a document made, an export.

Every change is audited by the unit of work; this adds what changes nothing but shows or
hands out a child's data, ids only (the action, the kind of record, its id), one short
transaction each, on whatever thread the caller runs (the app's database worker):

* "view": a child's record opened (`ChildrenService.open_record`), once per opening; the
  screen asks for it when a child is chosen, not when the record is refreshed.
* "document": a document made for a family or a group (`handouts/`, for the app and the
  command line alike), one event per record it is about: the visit, the support plan, the
  referral (the parents' questionnaire), each letter's meeting discussion, each child of a
  session's handouts.
* "export-spreadsheet": an attendance report saved as CSV, one event per child in it. (A sync
  bundle's "export" event is written by `sync/export.py` in the export's own transaction.)

When the vault cannot be written (a read-only folder, a full disk, the write lock held past
its wait, a recovery-key unlock that names nobody) the two kinds differ, on purpose:

* a view is still shown and goes unrecorded, with a warning in the program's log (no ids):
  refusing a practitioner the record of a child in their care protects nobody (the data
  stays in the vault) and could harm the child;
* a document or an export is refused (`NotRecorded`): nothing leaves the vault unrecorded.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from sqlalchemy.exc import OperationalError

from earlyyears_desktop.domain.errors import DomainError, Fault
from earlyyears_desktop.services.unit_of_work import UnitOfWork

log = logging.getLogger(__name__)

VIEW = "view"
DOCUMENT = "document"
SPREADSHEET = "export-spreadsheet"


class NotRecorded(DomainError):
    """A document or an export that could not be written to the audit trail, so not made."""


NOT_RECORDED = (
    "This could not be recorded in the audit trail (the vault cannot be written to just "
    "now), so nothing was made. Try again in a moment; if it keeps happening, check the "
    "disk has space."
)


class AccessLog:
    def __init__(self, uow: UnitOfWork) -> None:
        self.uow = uow

    def opened(self, entity: str, record_id: str) -> bool:
        """A record was opened to read; False when the vault could not record it (the
        record is shown all the same: see the module's docstring)."""
        try:
            self._append(VIEW, [(entity, record_id)])
        except (OperationalError, DomainError) as error:
            log.warning(
                "An opened record could not be written to the audit trail (%s)",
                type(error).__name__,
            )
            return False
        return True

    def made_document(self, about: Iterable[tuple[str, str]]) -> None:
        """A document was made about these records (entity, id); `NotRecorded` if the vault
        cannot record it, and then the document must not be handed out."""
        self._strictly(DOCUMENT, about)

    def exported_to_spreadsheet(self, child_ids: Iterable[str]) -> None:
        """A spreadsheet naming these children was saved; `NotRecorded` as above."""
        self._strictly(SPREADSHEET, [("child", child_id) for child_id in child_ids])

    def _strictly(self, action: str, about: Iterable[tuple[str, str]]) -> None:
        try:
            self._append(action, about)
        except (OperationalError, Fault):  # a full or read-only disk is named a Fault
            raise NotRecorded(NOT_RECORDED) from None

    def _append(self, action: str, about: Iterable[tuple[str, str]]) -> None:
        records = list(dict.fromkeys(about))
        if not records:
            return
        with self.uow.write() as tx:
            for entity, record_id in records:
                tx.audit_only(action, entity, record_id)
