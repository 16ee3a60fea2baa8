"""Centrally authored records (the roster): new referrals, groups, sessions, strategies.

A roster file is a JSON list of {"entity": ..., "id": ... (optional), "data": {...},
"deleted": false (optional)}. The whole file is checked before anything is stored; one bad
record refuses the file and nothing is loaded. Messages name the record's position, entity
and field, never its contents. See docs/central-service.md for the format and an example.
"""

from __future__ import annotations

import json
import re
import uuid
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Final

from sqlalchemy import Connection, select
from sqlalchemy.exc import SQLAlchemyError

from earlyyears_desktop.central import models
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
from earlyyears_desktop.central.returns import RETURN_ENTITIES
from earlyyears_desktop.domain.rules import search_key
from earlyyears_desktop.sync.canonical import CanonicalJSONError, canonical_dumps, parse_strict_json
from earlyyears_desktop.sync.errors import BundleRefused
from earlyyears_desktop.sync.records import codec_for, decode_record

MAX_ROSTER_FILE: Final = 64 * 1024 * 1024
#: Devices keep record ids (UUIDs) of at most 36 characters.
MAX_RECORD_ID: Final = 36
#: Filled in by the central service, not by the roster file.
TIMESTAMPS: Final = ("created_at", "updated_at", "deleted_at")

#: Fields each entity must have (non-empty), as in the device's data model.
REQUIRED: Final[Mapping[str, tuple[str, ...]]] = {
    "child": ("legal_given_names", "legal_family_name", "date_of_birth"),
    "carer": ("child_id", "name"),
    "consent": ("child_id", "kind", "given_on"),
    "team_member": ("child_id", "name"),
    "venue": ("name",),
    "group": ("name",),
    "group_staff": ("group_id", "name"),
    "enrolment": ("child_id", "group_id", "starts_on"),
    "session": ("group_id", "date"),
    "strategy": ("title",),
}
DATE_FIELDS: Final = frozenset(
    {"date_of_birth", "given_on", "withdrawn_on", "starts_on", "ends_on", "date"}
)
#: Reference fields and the entity they must name (in the file or already stored).
REFERENCES: Final[Mapping[str, str]] = {
    "child_id": "child",
    "group_id": "group",
    "venue_id": "venue",
}
_ITEM_KEYS: Final = frozenset({"entity", "id", "data", "deleted"})
_DATE_RE = re.compile(r"\A\d{4}-\d{2}-\d{2}\Z")

assert set(REQUIRED) == set(RETURN_ENTITIES)


class RosterRefused(CentralError):
    pass


@dataclass(frozen=True)
class RosterItem:
    entity: str
    record_id: str
    data: dict[str, object]
    deleted: bool


@dataclass(frozen=True)
class RosterLoaded:
    per_entity: dict[str, int]
    new: int
    updated: int
    unchanged: int


def read_roster_file(path: Path) -> list[RosterItem]:
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
            "The roster file is not valid JSON (or holds decimal numbers or repeated keys); "
            "nothing was loaded."
        ) from None
    return check_roster(doc)


def check_roster(doc: object, now: datetime | None = None) -> list[RosterItem]:
    if not isinstance(doc, list):
        raise RosterRefused("The roster file must hold a JSON list of records; nothing was loaded.")
    moment = (now or datetime.now(UTC)).astimezone(UTC)
    items: list[RosterItem] = []
    seen: set[tuple[str, str]] = set()
    for index, raw in enumerate(doc, start=1):
        item = _check_item(index, raw, moment)
        key = (item.entity, item.record_id)
        if key in seen:
            raise _bad(index, item.entity, "its id appears twice in the file")
        seen.add(key)
        items.append(item)
    return items


def _check_item(index: int, raw: object, now: datetime) -> RosterItem:
    if not isinstance(raw, dict):
        raise _bad(index, None, "it is not a JSON object")
    entity = raw.get("entity")
    if not isinstance(entity, str) or entity not in REQUIRED:
        raise _bad(index, None, f"entity must be one of: {', '.join(sorted(REQUIRED))}")
    unknown = set(raw) - _ITEM_KEYS
    if unknown:
        raise _bad(index, entity, f"unknown member(s): {', '.join(sorted(unknown))}")
    record_id = raw.get("id")
    if record_id is None:
        record_id = str(uuid.uuid4())
    elif not isinstance(record_id, str) or not 1 <= len(record_id) <= MAX_RECORD_ID:
        raise _bad(index, entity, f"id must be text of 1 to {MAX_RECORD_ID} characters")
    deleted = raw.get("deleted", False)
    if not isinstance(deleted, bool):
        raise _bad(index, entity, "deleted must be true or false")
    data = raw.get("data")
    if not isinstance(data, dict):
        raise _bad(index, entity, "data must be a JSON object")
    for name in REQUIRED[entity]:
        value = data.get(name)
        if not isinstance(value, str) or not value.strip():
            raise _bad(index, entity, f"required field {name!r} is missing or empty")
    for name in DATE_FIELDS & set(data):
        value = data[name]
        if value is None and name not in REQUIRED[entity]:
            continue
        if not isinstance(value, str) or not _is_date(value):
            raise _bad(index, entity, f"field {name!r} must be a date written YYYY-MM-DD")
    for name in REFERENCES:
        value = data.get(name)
        if value is not None and (not isinstance(value, str) or not 1 <= len(value) <= models.ID):
            raise _bad(index, entity, f"field {name!r} must be a record id")
    try:
        canonical_dumps(data)
    except CanonicalJSONError:
        raise _bad(index, entity, "data holds a value that cannot be synchronised") from None
    try:
        full = complete_data(entity, data, deleted, now)
    except ValueError as exc:
        raise _bad(index, entity, str(exc)) from None
    try:
        # The device's own record check: every column, with its type, length and nullability.
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
    except BundleRefused as exc:
        problem = exc.reason.removeprefix(f"A {entity} record in the bundle ").rstrip(".")
        raise _bad(index, entity, problem) from None
    return RosterItem(entity, record_id, full, deleted)


def complete_data(
    entity: str, given: Mapping[str, object], deleted: bool, now: datetime
) -> dict[str, object]:
    """Every column the device's model has: the file's values over the model's defaults.

    Devices refuse records that lack a column, so the central service fills in the rest:
    defaults, the timestamps, and a child's folded search key.
    """
    codec = codec_for(entity)
    unknown = set(given) - codec.data_names - set(TIMESTAMPS)
    if unknown:
        raise ValueError(f"unknown field(s): {', '.join(sorted(unknown))}")
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
    if entity == "child" and not given.get("search_key"):
        names = (data.get(n) for n in ("legal_given_names", "legal_family_name", "preferred_name"))
        data["search_key"] = search_key(" ".join(n for n in names if isinstance(n, str)))
    return data


def _is_date(value: str) -> bool:
    if not _DATE_RE.match(value):
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _bad(index: int, entity: str | None, problem: str) -> RosterRefused:
    what = f"record {index}" + (f" ({entity})" if entity else "")
    return RosterRefused(f"The roster file was refused, {what}: {problem}. Nothing was loaded.")


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
    for index, item in enumerate(items, start=1):
        for name, target in REFERENCES.items():
            value = item.data.get(name)
            if isinstance(value, str) and (target, value) in wanted - found:
                raise _bad(
                    index, item.entity, f"field {name!r} names a {target} that is not known here"
                )
