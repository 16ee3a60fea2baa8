"""The audit log, read by an administrator: who did what to which record, when, in words.

The trail holds ids only (`AuditEvent`); names are looked up when the log is read, never
stored: a practitioner by their id, a child through the registry's child link of the record
an event is about (`services/consent.py` `child_id_column`), tombstoned records included. A
record that is no longer there at all was erased, so its child is "a child whose records were
erased". Pages are read newest first by `seq` (the table's own key), 200 at a time; the
events about one child's records are found through the index on `record_id` (revision 0010).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, not_, or_, select, union_all
from sqlalchemy.orm import Session

from earlyyears_desktop.domain.models import SYNCED_MODELS, AuditEvent, Child, Practitioner
from earlyyears_desktop.domain.record_types import CHILD_LINKED, UnknownRecordType, record_type
from earlyyears_desktop.services.administrators import AdministratorService
from earlyyears_desktop.services.children import display_name
from earlyyears_desktop.services.consent import child_id_column
from earlyyears_desktop.services.unit_of_work import INCLUDE_DELETED, UnitOfWork

PAGE_SIZE = 200
ERASED_CHILD = "a child whose records were erased"
GONE_PRACTITIONER = "a practitioner no longer in this vault"
WHAT = "look at the audit log"


class AuditKind(Enum):
    """The kinds of event the viewer filters by; every event is of exactly one."""

    VIEWED = "Viewed"
    CHANGED = "Changed"
    DOCUMENTS = "Documents"
    EXPORTS = "Exports"
    ERASURES = "Erasures"
    ACCOUNTS = "Accounts and keys"

    @property
    def label(self) -> str:
        return self.value


_CHANGES = ("create", "update", "delete", "sync-create", "sync-update", "import")
_ACTIONS: dict[AuditKind, tuple[str, ...]] = {
    AuditKind.VIEWED: ("view",),
    AuditKind.CHANGED: _CHANGES,
    AuditKind.DOCUMENTS: ("document",),
    AuditKind.EXPORTS: ("export", "export-spreadsheet", "backup"),
    AuditKind.ERASURES: ("erase",),
}
#: actions of a family, named by their start ("conflict-keep-mine", "erasure-sent")
_PREFIXES: dict[AuditKind, tuple[str, ...]] = {
    AuditKind.CHANGED: ("conflict-",),
    AuditKind.ERASURES: ("erase-", "erasure"),
}


def kind_of(action: str) -> AuditKind:
    """The kind of an event's action; anything not named is about accounts and keys."""
    for kind, actions in _ACTIONS.items():
        if action in actions or action.startswith(_PREFIXES.get(kind, ("\0",))):
            return kind
    return AuditKind.ACCOUNTS


def _kind_clause(kind: AuditKind) -> ColumnElement[bool]:
    if kind is AuditKind.ACCOUNTS:
        return not_(or_(*(_kind_clause(k) for k in _ACTIONS)))
    parts: list[ColumnElement[bool]] = [AuditEvent.action.in_(_ACTIONS[kind])]
    parts += [AuditEvent.action.startswith(p, autoescape=True) for p in _PREFIXES.get(kind, ())]
    return or_(*parts)


_WORDS = {
    "view": "Opened the record",
    "document": "Made a document",
    "export-spreadsheet": "Exported to a spreadsheet",
    "backup": "Backed up the vault",
    "import": "Imported from the central service",
    "administrator-made": "Made an administrator",
    "administrator-stopped": "Ended someone's administrator role",
    "keys-created": "Made this laptop's keys for the central service",
    "enrolled": "Enrolled this laptop with the central service",
}
_VERBS = {"create": "Added", "update": "Changed", "delete": "Deleted"}
_OTHER_KINDS = {"bundle": "sync bundle", "device": "this laptop"}


def record_kind(entity: str) -> str:
    """What people call a record of `entity` ("observation", "sync bundle")."""
    try:
        return record_type(entity).singular
    except UnknownRecordType:
        return _OTHER_KINDS.get(entity, entity.replace("_", " "))


def _a(noun: str) -> str:
    return f"{'an' if noun[:1].lower() in 'aeiou' else 'a'} {noun}"


def what_in_words(action: str, entity: str) -> str:
    """An event's action as a sentence without its subject ("Changed an observation")."""
    if action in _WORDS:
        return _WORDS[action]
    if action in _VERBS:
        return f"{_VERBS[action]} {_a(record_kind(entity))}"
    if action in ("sync-create", "sync-update"):
        return f"Received {_a(record_kind(entity))} from the central service"
    if action == "export":
        return "Exported to the central service"
    if kind_of(action) is AuditKind.ERASURES:
        return "Erased a child's records"
    if action.startswith("conflict-"):
        return "Settled a sync conflict"
    return action.replace("-", " ").capitalize()


@dataclass(frozen=True)
class AuditQuery:
    """What to show: None or empty means any. Dates are local days, both included."""

    person_id: str | None = None
    child_id: str | None = None
    kinds: frozenset[AuditKind] = frozenset()
    from_date: dt.date | None = None
    to_date: dt.date | None = None


@dataclass(frozen=True)
class AuditRow:
    seq: int
    #: when, in local time
    at: dt.datetime
    #: the practitioner's name, looked up now
    who: str
    what: str
    #: the child's name looked up now, ERASED_CHILD, or "" for a record of no child
    child: str
    record_kind: str
    kind: AuditKind
    entity: str
    record_id: str


@dataclass(frozen=True)
class AuditPage:
    rows: tuple[AuditRow, ...]
    #: the `before` that reads the next page; None when there is no more
    next_before: int | None


def _utc(day: dt.date) -> dt.datetime:
    """The start of a local day as the trail's naive UTC time."""
    return dt.datetime.combine(day, dt.time.min).astimezone(dt.UTC).replace(tzinfo=None)


def _local(at: dt.datetime) -> dt.datetime:
    return at.replace(tzinfo=dt.UTC).astimezone()


class AuditViews:
    def __init__(self, uow: UnitOfWork) -> None:
        self.uow = uow
        self._administrators = AdministratorService(uow)

    def page(self, query: AuditQuery, before: int | None = None) -> AuditPage:
        """Up to `PAGE_SIZE` events, newest first; `before` is the previous page's
        `next_before`. Administrators only (`NotAnAdministrator`)."""
        self._administrators.require_administrator(WHAT)
        statement = self._filtered(select(AuditEvent), query)
        if before is not None:
            statement = statement.where(AuditEvent.seq < before)
        statement = statement.order_by(AuditEvent.seq.desc()).limit(PAGE_SIZE + 1)
        with self.uow.read() as session:
            events = list(session.scalars(statement.execution_options(**INCLUDE_DELETED)))
            more = len(events) > PAGE_SIZE
            events = events[:PAGE_SIZE]
            rows = _rows(session, events)
        return AuditPage(tuple(rows), events[-1].seq if more else None)

    def count(self, query: AuditQuery) -> int:
        """How many events match (a whole read of the trail without a child: ask once per
        filter, after the first page is shown)."""
        self._administrators.require_administrator(WHAT)
        statement = self._filtered(select(func.count()).select_from(AuditEvent), query)
        with self.uow.read() as session:
            return session.scalar(statement.execution_options(**INCLUDE_DELETED)) or 0

    def people(self) -> list[tuple[str, str]]:
        """Everyone who has unlocked or been recorded here, removed people too: (id, name)
        by name, for the person filter."""
        self._administrators.require_administrator(WHAT)
        with self.uow.read() as session:
            rows = session.execute(
                select(Practitioner.id, Practitioner.name).execution_options(**INCLUDE_DELETED)
            ).all()
        return sorted(((r.id, r.name) for r in rows), key=lambda r: (r[1].casefold(), r[0]))

    def _filtered(self, statement: Select[Any], query: AuditQuery) -> Select[Any]:
        conditions: list[ColumnElement[bool]] = []
        if query.person_id:
            conditions.append(AuditEvent.practitioner_id == query.person_id)
        if query.kinds and len(query.kinds) < len(AuditKind):
            conditions.append(or_(*(_kind_clause(k) for k in query.kinds)))
        if query.from_date is not None:
            conditions.append(AuditEvent.at >= _utc(query.from_date))
        if query.to_date is not None:
            conditions.append(AuditEvent.at < _utc(query.to_date + dt.timedelta(days=1)))
        if query.child_id:
            conditions.append(AuditEvent.record_id.in_(_records_of_child(query.child_id)))
        return statement.where(and_(*conditions)) if conditions else statement


def _records_of_child(child_id: str) -> Any:
    """The ids of every record of the child (the child's own, tombstones too), by the
    registry's child links."""
    parts = []
    for model in SYNCED_MODELS:
        column = child_id_column(model)
        if column is not None:
            parts.append(select(model.id.label("id")).where(column == child_id))
    return union_all(*parts)


def _rows(session: Session, events: Sequence[AuditEvent]) -> list[AuditRow]:
    people = _names_of_people(session, {e.practitioner_id for e in events})
    child_of = _children_of(session, events)
    names = _names_of_children(session, {c for c in child_of.values() if c})
    rows = []
    for e in events:
        if e.entity not in CHILD_LINKED:
            child = ""
        else:
            child_id = child_of.get((e.entity, e.record_id))
            child = names.get(child_id, ERASED_CHILD) if child_id else ERASED_CHILD
        rows.append(
            AuditRow(
                seq=e.seq,
                at=_local(e.at),
                who=people.get(e.practitioner_id, GONE_PRACTITIONER),
                what=what_in_words(e.action, e.entity),
                child=child,
                record_kind=record_kind(e.entity),
                kind=kind_of(e.action),
                entity=e.entity,
                record_id=e.record_id,
            )
        )
    return rows


def _names_of_people(session: Session, ids: Iterable[str]) -> dict[str, str]:
    rows = session.execute(
        select(Practitioner.id, Practitioner.name)
        .where(Practitioner.id.in_(list(ids)))
        .execution_options(**INCLUDE_DELETED)
    )
    return {r.id: r.name for r in rows}


def _children_of(session: Session, events: Sequence[AuditEvent]) -> dict[tuple[str, str], str]:
    """(entity, record id) -> the id of its child, for the records still in the vault."""
    wanted: dict[str, set[str]] = defaultdict(set)
    for e in events:
        if e.entity in CHILD_LINKED:
            wanted[e.entity].add(e.record_id)
    found: dict[tuple[str, str], str] = {}
    for entity, ids in wanted.items():
        model = record_type(entity).model
        column = child_id_column(model)
        assert column is not None  # CHILD_LINKED
        rows = session.execute(
            select(model.id, column.label("child_id"))
            .where(model.id.in_(sorted(ids)))
            .execution_options(**INCLUDE_DELETED)
        )
        found.update({(entity, r.id): r.child_id for r in rows})
    return found


def _names_of_children(session: Session, ids: Iterable[str]) -> dict[str, str]:
    rows = session.execute(
        select(Child.id, Child.preferred_name, Child.legal_given_names, Child.legal_family_name)
        .where(Child.id.in_(list(ids)))
        .execution_options(**INCLUDE_DELETED)
    )
    return {
        r.id: display_name(r.preferred_name, r.legal_given_names, r.legal_family_name) for r in rows
    }
