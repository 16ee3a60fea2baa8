"""Centrally authored records (the roster): new referrals, groups, sessions, strategies.

A roster file is a JSON list of {"entity": ..., "id": ... (optional), "data": {...},
"deleted": false (optional)}. The whole file is checked before anything is stored - every
field against the device's data model (type, length, nullability) and the domain's rules
(vocabularies such as consent kinds, dates of birth, NHS numbers, dates in order) - and one bad
record refuses the file: nothing is loaded. Messages name the file, the line and the field,
never a value. A record without an id gets one derived from its content, so loading the same
file again changes nothing. See docs/central-service.md for the format and an example.
"""

from __future__ import annotations

import bisect
import json
import re
import uuid
from array import array
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Final

from sqlalchemy import Connection, select
from sqlalchemy.exc import SQLAlchemyError

from earlyyears_desktop.central import models
from earlyyears_desktop.central.erasures import erased_children
from earlyyears_desktop.central.errors import CentralError
from earlyyears_desktop.central.folder import CentralFolder, database_error
from earlyyears_desktop.central.records import (
    ROSTER_ALL_TEAMS,
    Incoming,
    RecordWriter,
    commit_roster_seq,
    data_text,
    reserve_roster_seq,
)
from earlyyears_desktop.domain.errors import ValidationError
from earlyyears_desktop.domain.record_types import ROSTER_REQUIRED
from earlyyears_desktop.domain.rules import (
    check_capacity,
    check_date_of_birth,
    check_email,
    check_times_in_order,
    check_weekday,
    normalise_nhs_number,
    search_key,
)
from earlyyears_desktop.domain.vocabularies import vocabulary_for
from earlyyears_desktop.sync.canonical import CanonicalJSONError, canonical_dumps, parse_strict_json
from earlyyears_desktop.sync.errors import BundleRefused
from earlyyears_desktop.sync.records import InvalidValue, codec_for, decode_record

MAX_ROSTER_FILE: Final = 64 * 1024 * 1024
#: Devices keep record ids (UUIDs) of at most 36 characters.
MAX_RECORD_ID: Final = 36
#: Filled in by the central service, not by the roster file.
TIMESTAMPS: Final = ("created_at", "updated_at", "deleted_at")
#: The ids of records given without one: uuid5 of this namespace and the record's content.
ROSTER_ID_NAMESPACE: Final = uuid.UUID("6f0d3c52-1e7a-5b8e-9c4d-2a7f1e0b3d95")

#: Fields each entity must have (non-empty), as in the device's data model; its keys are the
#: entities a roster may hold: those the central service may send back (the registry,
#: domain/record_types.py).
REQUIRED: Final[Mapping[str, tuple[str, ...]]] = ROSTER_REQUIRED
#: Reference fields and the entity they must name (in the file or already stored).
REFERENCES: Final[Mapping[str, str]] = {
    "child_id": "child",
    "group_id": "group",
    "venue_id": "venue",
}
_ITEM_KEYS: Final = frozenset({"entity", "id", "data", "deleted"})
_WHITESPACE = re.compile(r"[ \t\n\r]*")


class RosterRefused(CentralError):
    pass


#: (record index, field or None) -> "FILE line L" (or "record N" for a list given in code)
Locate = Callable[[int, str | None], str]


def _record_number(index: int, _field: str | None = None) -> str:
    return f"record {index + 1}"


@dataclass(frozen=True)
class RosterItem:
    entity: str
    record_id: str
    data: dict[str, object]
    deleted: bool
    #: its position in the file (0-based), and how to turn a position into "FILE line L"
    index: int = 0
    locate: Locate = _record_number

    def where(self, field: str | None = None) -> str:
        """Where the record (or one of its fields) is, for messages."""
        return self.locate(self.index, field)


@dataclass(frozen=True)
class RosterLoaded:
    per_entity: dict[str, int]
    new: int
    updated: int
    unchanged: int


class RosterText:
    """Where each record, and each field in it, starts in a roster file (for messages)."""

    def __init__(self, name: str, text: str) -> None:
        self.name = name
        self.text = text
        self.spans = _element_spans(text)
        # Offsets of the line feeds, so a line number is a binary search, not a count.
        self._line_feeds = array("q", (match.start() for match in re.finditer("\n", text)))

    def where(self, index: int, field: str | None = None) -> str:
        """ "FILE line L" for record `index` (0-based), at `field` when it can be found."""
        start, end = self.spans[index]
        position = start
        if field is not None:
            search_from = start
            if field not in _ITEM_KEYS:
                data = re.compile(r'"data"\s*:').search(self.text, start, end)
                search_from = data.end() if data else start
            key = re.compile(f'"{re.escape(field)}"\\s*:').search(self.text, search_from, end)
            if key is not None:
                position = key.start()
        return f"{self.name} line {bisect.bisect_left(self._line_feeds, position) + 1}"


def _element_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) offsets of each element of the top-level JSON array in `text`."""
    decoder = json.JSONDecoder()
    i = _WHITESPACE.match(text, 0).end()  # type: ignore[union-attr]
    if text[i : i + 1] != "[":
        return []
    i = _WHITESPACE.match(text, i + 1).end()  # type: ignore[union-attr]
    spans: list[tuple[int, int]] = []
    if text[i : i + 1] == "]":
        return spans
    while True:
        _value, end = decoder.raw_decode(text, i)
        spans.append((i, end))
        i = _WHITESPACE.match(text, end).end()  # type: ignore[union-attr]
        if text[i : i + 1] != ",":
            return spans
        i = _WHITESPACE.match(text, i + 1).end()  # type: ignore[union-attr]


def read_roster_file(path: Path, now: datetime | None = None) -> list[RosterItem]:
    try:
        with open(path, "rb") as f:
            raw = f.read(MAX_ROSTER_FILE + 1)
    except OSError as exc:
        raise RosterRefused(f"Cannot read the roster file {path}: {exc.strerror}.") from None
    if len(raw) > MAX_ROSTER_FILE:
        raise RosterRefused("The roster file is too large; split it into several files.")
    try:
        doc = parse_strict_json(raw)
    except CanonicalJSONError:
        raise RosterRefused(
            f"{path}: not valid JSON (or holds decimal numbers or repeated keys). "
            "The roster file was refused; nothing was loaded."
        ) from None
    source = RosterText(str(path), raw.decode("utf-8")) if isinstance(doc, list) else None
    return check_roster(doc, now, source=source)


def check_roster(
    doc: object, now: datetime | None = None, *, source: RosterText | None = None
) -> list[RosterItem]:
    """Every record of a roster document checked and completed; RosterRefused at the first fault.

    `now` is the moment the dates are checked against (a date of birth in the future...).
    """
    if not isinstance(doc, list):
        raise RosterRefused("The roster file must hold a JSON list of records; nothing was loaded.")
    moment = (now or datetime.now(UTC)).astimezone(UTC)
    locate: Locate = source.where if source is not None else _record_number
    items: list[RosterItem] = []
    seen: dict[tuple[str, str], int] = {}
    for index, raw in enumerate(doc):
        item = _check_item(index, raw, moment, locate)
        key = (item.entity, item.record_id)
        if key in seen:
            first = locate(seen[key], None)
            raise _refused(locate(index, "id"), "id", f"the same record is also at {first}")
        seen[key] = index
        items.append(item)
    return items


def _refused(where: str, field: str | None, problem: str) -> RosterRefused:
    at = f"{where}: field {field}" if field else where
    return RosterRefused(f"{at}: {problem}. The roster file was refused; nothing was loaded.")


def _check_item(index: int, raw: object, now: datetime, locate: Locate) -> RosterItem:
    def bad(field: str | None, problem: str) -> RosterRefused:
        return _refused(locate(index, field), field, problem)

    if not isinstance(raw, dict):
        raise bad(None, "a record must be a JSON object")
    entity = raw.get("entity")
    if not isinstance(entity, str) or entity not in REQUIRED:
        raise bad("entity", f"must be one of: {', '.join(sorted(REQUIRED))}")
    unknown = sorted(set(raw) - _ITEM_KEYS)
    if unknown:
        raise bad(unknown[0], "not a member of a roster record (entity, id, data, deleted)")
    record_id = raw.get("id")
    if record_id is not None and (
        not isinstance(record_id, str) or not 1 <= len(record_id) <= MAX_RECORD_ID
    ):
        raise bad("id", f"must be text of 1 to {MAX_RECORD_ID} characters")
    deleted = raw.get("deleted", False)
    if not isinstance(deleted, bool):
        raise bad("deleted", "must be true or false")
    given = raw.get("data")
    if not isinstance(given, dict):
        raise bad("data", "must be a JSON object")
    try:
        content = canonical_dumps({"data": given, "entity": entity})
    except CanonicalJSONError:
        raise bad("data", "holds a value that cannot be synchronised") from None
    try:
        data = _checked_fields(entity, given, now.date())
    except ValidationError as exc:
        raise bad(exc.field, exc.message.rstrip(".")) from None
    if record_id is None:
        # The same content always gets the same id: loading a file twice changes nothing.
        record_id = str(uuid.uuid5(ROSTER_ID_NAMESPACE, content.decode("utf-8")))
    full = complete_data(entity, data, deleted, now)
    try:
        # The device's own record check, on the completed record: what a device will accept.
        decode_record(
            {
                "entity": entity,
                "id": record_id,
                "version": 1,
                "deleted": deleted,
                "changed_by_device": "central",
                "data": full,
            }
        )
    except BundleRefused as exc:  # pragma: no cover - every field was checked above
        raise bad(None, exc.reason.removeprefix(f"A {entity} record in the bundle ")) from None
    return RosterItem(entity, record_id, full, deleted, index, locate)


def _checked_fields(entity: str, given: Mapping[str, object], today: date) -> dict[str, object]:
    """The file's fields, each checked against the data model and the domain's rules.

    ValidationError(field, message) names the first field at fault.
    """
    codec = codec_for(entity)
    columns = {column.name: column for column in codec.data_columns}
    data = dict(given)
    if entity == "child" and isinstance(data.get("nhs_number"), str):
        # Written with spaces or without, kept as the ten digits (as the app does).
        data["nhs_number"] = normalise_nhs_number(str(data["nhs_number"]))
    values: dict[str, object] = {}
    for name, value in data.items():
        if name in TIMESTAMPS:
            continue  # set by the central service
        column = columns.get(name)
        if column is None:
            raise ValidationError(name, f"a {entity} record has no such field")
        try:
            values[name] = column.check(value)
        except InvalidValue as exc:
            raise ValidationError(name, str(exc)) from None
        vocabulary = vocabulary_for(entity, name)
        if vocabulary is not None and isinstance(value, str):
            problem = vocabulary.problem(value)
            if problem is not None:
                raise ValidationError(name, problem)
    for name in REQUIRED[entity]:
        value = data.get(name)
        if value is None or (isinstance(value, str) and not value.strip()):
            raise ValidationError(name, "required, and must not be empty")
    _check_rules(entity, values, today)
    return {name: value for name, value in data.items() if name not in TIMESTAMPS}


def _check_rules(entity: str, values: Mapping[str, object], today: date) -> None:
    """The domain's rules for one record, as the app's own forms apply them."""

    def day(name: str) -> date | None:
        value = values.get(name)
        return value if isinstance(value, date) else None

    def clock(name: str) -> time | None:
        value = values.get(name)
        return value if isinstance(value, time) else None

    if entity == "child":
        check_date_of_birth(day("date_of_birth"), today)
    if entity in ("carer", "team_member") and isinstance(values.get("email"), str):
        check_email(str(values["email"]))
    if entity == "consent":
        given_on, withdrawn_on = day("given_on"), day("withdrawn_on")
        if given_on is not None and given_on > today:
            raise ValidationError("given_on", "The consent date is in the future.")
        if withdrawn_on is not None and given_on is not None and withdrawn_on < given_on:
            raise ValidationError(
                "withdrawn_on", "Consent cannot be withdrawn before the date it was given."
            )
        if withdrawn_on is not None and withdrawn_on > today:
            raise ValidationError("withdrawn_on", "The withdrawal date is in the future.")
    if entity == "group":
        weekday = values.get("weekday")
        capacity = values.get("capacity")
        check_weekday(weekday if isinstance(weekday, int) else None)
        check_times_in_order(clock("start_time"), clock("end_time"), "The group")
        check_capacity(capacity if isinstance(capacity, int) else None)
    if entity == "session":
        check_times_in_order(clock("start_time"), clock("end_time"), "The session")
    if entity == "enrolment":
        starts_on, ends_on = day("starts_on"), day("ends_on")
        if starts_on is not None and ends_on is not None and ends_on < starts_on:
            raise ValidationError("ends_on", "The enrolment ends before it starts.")


def complete_data(
    entity: str, given: Mapping[str, object], deleted: bool, now: datetime
) -> dict[str, object]:
    """Every column the device's model has: the file's values over the model's defaults.

    Devices refuse records that lack a column, so the central service fills in the rest:
    defaults, the timestamps, a child's folded search key, and a strategy's mark that it
    comes from the local authority.
    """
    codec = codec_for(entity)
    table = codec.model.__table__
    data: dict[str, object] = {}
    for column in codec.data_columns:
        default = table.columns[column.name].default
        value: object = None
        if default is not None and getattr(default, "is_scalar", False):
            value = getattr(default, "arg", None)
        data[column.name] = value
    stamp = now.replace(tzinfo=None).isoformat(timespec="microseconds")
    data.update({k: v for k, v in given.items() if k not in TIMESTAMPS})
    data["created_at"] = stamp
    data["updated_at"] = stamp
    data["deleted_at"] = stamp if deleted else None
    if entity == "strategy":
        # authored here, by the local authority: devices show it read-only
        data["from_central"] = True
    if entity == "child" and not given.get("search_key"):
        names = (data.get(n) for n in ("legal_given_names", "legal_family_name", "preferred_name"))
        data["search_key"] = search_key(" ".join(n for n in names if isinstance(n, str)))
    return data


def load_roster(
    central: CentralFolder,
    items: list[RosterItem],
    *,
    team: str | None,
    now: datetime | None = None,
) -> RosterLoaded:
    """Store the records as centrally authored for `team` (None = every team), atomically."""
    if team is not None and not 1 <= len(team) <= models.ID:
        raise RosterRefused("The team name must be 1 to 200 characters.")
    stamp = (now or datetime.now(UTC)).astimezone(UTC).replace(tzinfo=None)
    central_id = central.config.central_id
    r = models.records.c
    try:
        with central.engine.begin() as conn:
            stored: dict[tuple[str, str], tuple[int, str, bool]] = {}
            ids = [item.record_id for item in items]
            for start in range(0, len(ids), 5_000):
                for row in conn.execute(
                    select(r.entity, r.record_id, r.version, r.data, r.deleted).where(
                        r.record_id.in_(ids[start : start + 5_000])
                    )
                ):
                    stored[(row.entity, row.record_id)] = (int(row.version), row.data, row.deleted)
            _check_references(conn, items)
            _refuse_erased_children(conn, items)
            roster_seq = reserve_roster_seq(conn)
            writer = RecordWriter(
                conn,
                source=central_id,
                central_id=central_id,
                bundle_id=None,
                roster_seq=roster_seq,
                now=stamp,
                roster_team=team if team is not None else ROSTER_ALL_TEAMS,
            )
            new = updated = unchanged = 0
            per_entity: Counter[str] = Counter()
            for item in items:
                per_entity[item.entity] += 1
                previous = stored.get((item.entity, item.record_id))
                data = dict(item.data)
                if previous is not None:
                    before = json.loads(previous[1])
                    if isinstance(before, dict) and isinstance(before.get("created_at"), str):
                        data["created_at"] = before["created_at"]
                    if _same_content(before, data) and previous[2] == item.deleted:
                        unchanged += 1
                        continue
                text = data_text(data)
                version = 1 if previous is None else previous[0] + 1
                if previous is None:
                    new += 1
                else:
                    updated += 1
                writer.add(
                    Incoming(
                        entity=item.entity,
                        record_id=item.record_id,
                        version=version,
                        deleted=item.deleted,
                        changed_by_device=central_id,
                        data=text,
                        raw_data=data,
                        # A central edit made on the copy stored now.
                        base_version=None if previous is None else previous[0],
                    )
                )
            writer.flush()
            if writer.roster_touched:
                commit_roster_seq(conn, roster_seq)
    except SQLAlchemyError as exc:
        raise database_error(exc) from None
    return RosterLoaded(dict(per_entity), new, updated, unchanged)


def _same_content(before: object, after: Mapping[str, object]) -> bool:
    """Equal apart from the time stamps the central service sets itself."""
    if not isinstance(before, dict):
        return False
    ignore = {"created_at", "updated_at"}
    return {k: v for k, v in before.items() if k not in ignore} == {
        k: v for k, v in after.items() if k not in ignore
    }


def _refuse_erased_children(conn: Connection, items: list[RosterItem]) -> None:
    """A child erased on a device's instruction is never loaded again (nor its records): an
    old roster file must not bring back what a family asked to be erased."""
    erased = erased_children(conn)
    if not erased:
        return
    for item in items:
        field = "id" if item.entity == "child" else "child_id"
        child = item.record_id if item.entity == "child" else item.data.get("child_id")
        if child in erased:
            raise _refused(
                item.where(field),
                field,
                "names a child whose records were erased on a device's instruction; "
                "they are never loaded again",
            )


def _check_references(conn: Connection, items: list[RosterItem]) -> None:
    in_file = {(item.entity, item.record_id) for item in items}
    wanted: set[tuple[str, str]] = set()
    for item in items:
        for name, target in REFERENCES.items():
            value = item.data.get(name)
            if isinstance(value, str) and (target, value) not in in_file:
                wanted.add((target, value))
    if not wanted:
        return
    r = models.records.c
    found: set[tuple[str, str]] = set()
    ids = sorted({value for _entity, value in wanted})
    for start in range(0, len(ids), 5_000):
        for row in conn.execute(
            select(r.entity, r.record_id).where(
                r.record_id.in_(ids[start : start + 5_000]), r.deleted.is_(False)
            )
        ):
            found.add((row.entity, row.record_id))
    for item in items:
        for name, target in REFERENCES.items():
            value = item.data.get(name)
            if isinstance(value, str) and (target, value) in wanted - found:
                raise _refused(item.where(name), name, f"names a {target} that is not known here")
