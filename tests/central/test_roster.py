"""The roster file: every field checked against the domain's rules before anything is stored,
refusals naming the file, line and field, and loading the same file twice changing nothing.

Storage tests run on SQLite and on the real PostgreSQL that conftest.py starts.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from earlyyears_desktop.central import models
from earlyyears_desktop.central.roster import (
    RosterRefused,
    RosterText,
    check_roster,
)

from .conftest import CentralEnv

DOCS = Path(__file__).resolve().parents[2] / "docs"
NOW = datetime(2025, 3, 10, 12, 0, tzinfo=UTC)
CHILD = "0b5e2f43-5b63-4a43-9f0e-3d8c2a1e0001"


def documented_example() -> str:
    """The example roster file of docs/central-service.md, exactly as printed there."""
    text = (DOCS / "central-service.md").read_text(encoding="utf-8")
    section = text.split("### `roster`", 1)[1]
    match = re.search(r"```json\n(.*?)```", section, re.S)
    assert match is not None, "the roster section of central-service.md has no JSON example"
    return match.group(1)


def stored(central: CentralEnv) -> dict[tuple[str, str], tuple[int, str]]:
    opened = central.open()
    try:
        with opened.engine.connect() as conn:
            r = models.records.c
            return {
                (row.entity, row.record_id): (int(row.version), row.data)
                for row in conn.execute(select(r.entity, r.record_id, r.version, r.data))
            }
    finally:
        opened.close()


def line_of(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


def test_the_documented_example_loads_and_loading_it_again_changes_nothing(
    central: CentralEnv,
) -> None:
    path = central.work / "referrals.json"
    path.write_text(documented_example(), encoding="utf-8")
    first = central.cli("roster", central.folder, path, "--team", "North Team")
    assert first.code == 0, first.err
    assert "8 new, 0 updated, 0 unchanged" in first.out
    before = stored(central)
    assert len(before) == 8
    consent = next(
        json.loads(data) for (entity, _), (_, data) in before.items() if entity == "consent"
    )
    assert consent["kind"] == "share_with_central"

    again = central.cli("roster", central.folder, path, "--team", "North Team")
    assert again.code == 0, again.err
    assert "0 new, 0 updated, 8 unchanged" in again.out
    assert stored(central) == before  # no duplicate strategy, carer, consent, enrolment...
    strategies = [key for key in before if key[0] == "strategy"]
    assert len(strategies) == 1


def test_the_documented_example_with_an_unknown_consent_kind_is_refused_whole(
    central: CentralEnv,
) -> None:
    text = documented_example().replace('"share_with_central"', '"share_central"')
    path = central.work / "referrals.json"
    path.write_text(text, encoding="utf-8")
    result = central.cli("roster", central.folder, path)
    assert result.code == 1
    line = line_of(text, '"kind"')
    assert result.err == (
        f"{path} line {line}: field kind: must be one of: share_with_agencies, "
        "share_with_central, photos, handouts. The roster file was refused; nothing was loaded.\n"
    )
    assert "Nováková" not in result.err and "Siân" not in result.err
    assert stored(central) == {}


def test_ids_come_from_the_content_when_the_file_gives_none() -> None:
    item = {"entity": "strategy", "data": {"title": "Now and next board"}}
    first = check_roster([item], NOW)
    second = check_roster([json.loads(json.dumps(item))], datetime(2026, 1, 1, tzinfo=UTC))
    assert first[0].record_id == second[0].record_id
    assert re.fullmatch(
        r"[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", first[0].record_id
    )
    other = check_roster([{"entity": "strategy", "data": {"title": "Objects of reference"}}], NOW)
    assert other[0].record_id != first[0].record_id
    # The same id-less record twice in one file is refused, pointing at both.
    text = json.dumps([item, item], indent=2)
    with pytest.raises(RosterRefused) as refused:
        check_roster(json.loads(text), NOW, source=RosterText("r.json", text))
    assert refused.value.message.startswith(
        "r.json line 8: field id: the same record is also at r.json line 2."
    )


def _child(**data: object) -> dict[str, object]:
    base: dict[str, object] = {
        "legal_given_names": "Siân",
        "legal_family_name": "Nováková",
        "date_of_birth": "2022-05-17",
    }
    return {"entity": "child", "id": CHILD, "data": {**base, **data}}


BAD_RECORDS = [
    (_child(date_of_birth="2025-03-11"), "date_of_birth", "The date of birth is in the future"),
    (_child(date_of_birth="1990-01-01"), "date_of_birth", "more than 25 years ago"),
    (_child(date_of_birth="2022-02-30"), "date_of_birth", "not a valid date"),
    (_child(nhs_number="943 476 5918"), "nhs_number", "The NHS number is not valid"),
    (_child(areas_of_need="communication"), "areas_of_need", "comma-separated list of"),
    (_child(status="archived"), "status", "must be one of: active, transferred, closed"),
    (_child(legal_family_name="   "), "legal_family_name", "required, and must not be empty"),
    (_child(legal_family_name="x" * 201), "legal_family_name", "too long (200 characters"),
    (_child(key_person=None), "key_person", "must not be null"),
    (_child(colour="red"), "colour", "a child record has no such field"),
    (
        {"entity": "carer", "data": {"child_id": CHILD, "name": "Z", "accessible_format": "big"}},
        "accessible_format",
        "must be one of: standard, large_print",
    ),
    (
        {"entity": "carer", "data": {"child_id": CHILD, "name": "Z", "email": "z at home"}},
        "email",
        "The email address does not look right",
    ),
    (
        {"entity": "carer", "data": {"child_id": CHILD, "name": "Z", "interpreter_needed": "yes"}},
        "interpreter_needed",
        "not a boolean",
    ),
    (
        {
            "entity": "consent",
            "data": {"child_id": CHILD, "kind": "photos", "given_on": "2025-04-01"},
        },
        "given_on",
        "The consent date is in the future",
    ),
    (
        {
            "entity": "consent",
            "data": {
                "child_id": CHILD,
                "kind": "photos",
                "given_on": "2025-02-01",
                "withdrawn_on": "2025-01-01",
            },
        },
        "withdrawn_on",
        "cannot be withdrawn before",
    ),
    (
        {"entity": "group", "id": "g1", "data": {"name": "Owls", "weekday": 7}},
        "weekday",
        "Please choose a day of the week",
    ),
    (
        {
            "entity": "group",
            "id": "g1",
            "data": {"name": "Owls", "start_time": "11:00:00", "end_time": "09:30:00"},
        },
        "end_time",
        "The group ends before it starts",
    ),
    (
        {"entity": "group", "id": "g1", "data": {"name": "Owls", "capacity": 0}},
        "capacity",
        "at least one child",
    ),
    (
        {"entity": "group", "id": "g1", "data": {"name": "Owls", "start_time": "9:30"}},
        "start_time",
        "not a time written HH:MM:SS",
    ),
    (
        {
            "entity": "enrolment",
            "data": {
                "child_id": CHILD,
                "group_id": "g1",
                "starts_on": "2025-03-04",
                "ends_on": "2025-03-01",
            },
        },
        "ends_on",
        "The enrolment ends before it starts",
    ),
    (
        {"entity": "session", "data": {"group_id": "g1", "date": "2025-03-04", "status": "done"}},
        "status",
        "must be one of: planned, held, cancelled",
    ),
    (
        {"entity": "strategy", "data": {"title": "Now and next", "area_of_need": "speech"}},
        "area_of_need",
        "or empty",
    ),
    (
        {"entity": "group_staff", "data": {"group_id": "g1", "name": "A", "discipline": "x"}},
        "discipline",
        "must be one of: early_years_education",
    ),
    (
        {"entity": "venue", "id": "v" * 37, "data": {"name": "Hall"}},
        "id",
        "must be text of 1 to 36 characters",
    ),
    ({"entity": "venue", "data": {"name": "Hall"}, "deleted": "no"}, "deleted", "true or false"),
    ({"entity": "venue", "data": {"name": "Hall"}, "colour": "red"}, "colour", "not a member"),
    ({"entity": "dragon", "data": {}}, "entity", "must be one of: carer, child"),
]


@pytest.mark.parametrize(("bad", "field", "problem"), BAD_RECORDS)
def test_a_record_breaking_a_rule_refuses_the_file_at_its_line_and_field(
    bad: dict[str, object], field: str, problem: str
) -> None:
    good = {"entity": "venue", "id": "v1", "data": {"name": "St Aidan's Church Hall"}}
    text = json.dumps([good, bad], indent=2, ensure_ascii=False)
    with pytest.raises(RosterRefused) as refused:
        check_roster(json.loads(text), NOW, source=RosterText("roster.json", text))
    message = refused.value.message
    second = text.index("{", text.index("}\n") + 1)
    at_field = text.find(f'"{field}"', second)
    expected_line = text[: at_field if at_field >= 0 else second].count("\n") + 1
    assert message.startswith(f"roster.json line {expected_line}: field {field}: "), message
    assert problem in message, message
    assert message.endswith("The roster file was refused; nothing was loaded.")
    assert "\n" not in message
    for value in ("Siân", "Nováková", "z at home", "943 476 5918", "1990-01-01"):
        assert value not in message


def test_an_nhs_number_written_with_spaces_is_kept_as_ten_digits() -> None:
    (item,) = check_roster([_child(nhs_number="943 476 5919")], NOW)
    assert item.data["nhs_number"] == "9434765919"


def test_a_reference_to_an_unknown_record_names_its_line(central: CentralEnv) -> None:
    text = json.dumps(
        [
            {"entity": "venue", "id": "v1", "data": {"name": "Hall"}},
            {"entity": "carer", "data": {"name": "Z", "child_id": "nobody"}},
        ],
        indent=2,
    )
    path = central.work / "roster.json"
    path.write_text(text, encoding="utf-8")
    result = central.cli("roster", central.folder, path)
    assert result.code == 1
    line = line_of(text, '"child_id"')
    assert result.err.startswith(
        f"{path} line {line}: field child_id: names a child that is not known here."
    ), result.err
    assert stored(central) == {}
