"""Services: validation with human messages, all-or-nothing writes, audit and change log."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select

from earlyyears_desktop.demo import nhs_number_with_check_digit
from earlyyears_desktop.domain.enums import AttendanceStatus
from earlyyears_desktop.domain.errors import DomainError, NotFound, ValidationError
from earlyyears_desktop.domain.models import (
    Attendance,
    AuditEvent,
    Carer,
    ChangeLogEntry,
    Child,
    Consent,
)
from earlyyears_desktop.domain.rules import nhs_number_is_valid, normalise_nhs_number
from earlyyears_desktop.services.children import CarerInput, ChildFilter, ChildInput
from earlyyears_desktop.services.container import Services
from earlyyears_desktop.services.groups import GroupInput
from earlyyears_desktop.services.observations import ObservationInput
from earlyyears_desktop.services.unit_of_work import INCLUDE_DELETED

from .conftest import TODAY, VaultUnderTest

TODDLER = TODAY - dt.timedelta(days=800)
VALID_NHS = "9434765919"  # the NHS's own worked example


def _counts(services: Services) -> dict[str, int]:
    with services.uow.read() as session:
        return {
            model.__name__: session.scalar(select(func.count()).select_from(model)) or 0
            for model in (Child, Carer, Consent, Attendance, AuditEvent, ChangeLogEntry)
        }


def _child(given: str = "Zoë", family: str = "Adeyemi", **kw: object) -> ChildInput:
    return ChildInput(given, family, kw.pop("date_of_birth", TODDLER), **kw)  # type: ignore[arg-type]


# ---- validation ----


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (
            _child(date_of_birth=TODAY + dt.timedelta(days=1)),
            "date_of_birth",
            "The date of birth is in the future.",
        ),
        (_child(date_of_birth=None), "date_of_birth", "Please enter the date of birth."),
        (_child(given="   "), "legal_given_names", "Please enter the given name."),
        (_child(family=""), "legal_family_name", "Please enter the family name."),
        (
            _child(nhs_number="943 476 5918"),
            "nhs_number",
            "The NHS number is not valid: it should be 10 digits and its check digit must match.",
        ),
        (_child(nhs_number="12345"), "nhs_number", "The NHS number is not valid"),
        (_child(areas_of_need=["hunger"]), "areas_of_need", "Please choose areas of need"),
        (_child(status="lost"), "status", "Please choose a status from the list."),
    ],
    ids=[
        "future-dob",
        "no-dob",
        "empty-given",
        "empty-family",
        "nhs-check",
        "nhs-short",
        "area",
        "status",
    ],
)
def test_bad_child_input_is_refused_with_a_clear_message(
    services: Services, data: ChildInput, field: str, message: str
) -> None:
    before = _counts(services)
    with pytest.raises(ValidationError) as refused:
        services.children.create_child(data)
    assert refused.value.field == field
    assert str(refused.value).startswith(message)
    assert _counts(services) == before


def test_messages_name_no_personal_data(services: Services) -> None:
    with pytest.raises(ValidationError) as refused:
        services.children.create_child(_child(nhs_number="943 476 5918"))
    assert "943" not in str(refused.value) and "Zoë" not in str(refused.value)


def test_duplicate_nhs_number_is_refused(services: Services) -> None:
    services.children.create_child(_child(nhs_number=VALID_NHS))
    before = _counts(services)
    with pytest.raises(ValidationError, match="already has that NHS number") as refused:
        services.children.create_child(_child("Amara", "Nwosu", nhs_number="943-476-5919"))
    assert refused.value.field == "nhs_number"
    assert _counts(services) == before


def test_nhs_number_of_a_deleted_child_may_be_reused(services: Services) -> None:
    first = services.children.create_child(_child(nhs_number=VALID_NHS))
    services.children.delete_child(first.id)
    again = services.children.create_child(_child(nhs_number=VALID_NHS))
    assert services.children.get_child(again.id).nhs_number == VALID_NHS


def test_child_over_five_is_saved_with_a_warning(services: Services) -> None:
    saved = services.children.create_child(
        _child(date_of_birth=TODAY.replace(year=TODAY.year - 6) - dt.timedelta(days=2))
    )
    assert saved.warning and "under five" in saved.warning and "6" in saved.warning
    assert services.children.get_child(saved.id).legal_given_names == "Zoë"
    young = services.children.create_child(_child("Ffion", "Llewellyn"))
    assert young.warning is None


# ---- all or nothing ----


def test_bad_carer_email_saves_no_child(services: Services) -> None:
    before = _counts(services)
    with pytest.raises(ValidationError, match="email address") as refused:
        services.children.create_child(
            _child(),
            carers=[CarerInput("Funmi Adeyemi", "Mother"), CarerInput("X", email="not an email")],
        )
    assert refused.value.field == "email"
    assert _counts(services) == before
    assert services.children.search_ids() == []


def test_failure_inside_a_transaction_rolls_everything_back(services: Services) -> None:
    before = _counts(services)
    with pytest.raises(RuntimeError), services.uow.write() as tx:
        tx.session.add(
            Child(
                legal_given_names="Half",
                legal_family_name="Saved",
                preferred_name="",
                search_key="half saved",
                date_of_birth=TODDLER,
                areas_of_need="",
                diagnoses_notes="",
                key_person="",
                setting_attended="",
                status="active",
            )
        )
        tx.session.flush()  # the child, its audit event and change-log entry are written...
        raise RuntimeError("...and then the laptop is closed")
    assert _counts(services) == before
    assert services.verify_audit().ok


def test_writing_in_a_read_session_is_refused(services: Services) -> None:
    saved = services.children.create_child(_child())
    with pytest.raises(DomainError, match="through a service"), services.uow.read() as session:
        child = session.get(Child, saved.id)
        assert child is not None
        child.legal_family_name = "Changed without an audit event"
        session.flush()
    assert services.children.get_child(saved.id).legal_family_name == "Adeyemi"


# ---- audit and change log ----


def test_every_write_adds_audit_and_change_log_entries(services: Services) -> None:
    before = _counts(services)
    saved = services.children.create_child(
        _child(nhs_number=VALID_NHS),
        carers=[CarerInput("Funmi Adeyemi", "Mother", email="funmi@example.org")],
        consents=[("handouts", "Funmi Adeyemi", TODAY), ("photos", "Funmi Adeyemi", TODAY)],
    )
    after = _counts(services)
    assert after["Child"] - before["Child"] == 1
    assert after["AuditEvent"] - before["AuditEvent"] == 4  # child, carer, two consents
    assert after["ChangeLogEntry"] - before["ChangeLogEntry"] == 4
    assert saved.changes.ids("child") == {saved.id}
    assert len(saved.changes.ids("carer")) == 1 and len(saved.changes.ids("consent")) == 2

    updated = services.children.update_child(saved.id, _child(preferred_name="Zo"))
    assert services.children.get_child(saved.id).version == 2
    assert updated.changes.ids("child") == {saved.id}
    final = _counts(services)
    assert final["AuditEvent"] - after["AuditEvent"] == 1
    assert final["ChangeLogEntry"] - after["ChangeLogEntry"] == 1
    with services.uow.read() as session:
        last = session.scalars(select(AuditEvent).order_by(AuditEvent.seq.desc())).first()
        assert last is not None
        assert (last.action, last.entity, last.record_id, last.version) == (
            "update",
            "child",
            saved.id,
            2,
        )
        assert last.practitioner_id == services.actor.practitioner_id
        assert last.device_id == services.vault.device_id
    assert services.verify_audit().ok


def test_saving_unchanged_details_writes_nothing(services: Services) -> None:
    saved = services.children.create_child(_child(nhs_number=VALID_NHS))
    before = _counts(services)
    again = services.children.update_child(saved.id, _child(nhs_number="943 476 5919"))
    assert not again.changes
    assert _counts(services) == before
    assert services.children.get_child(saved.id).version == 1


def test_stale_edit_is_refused(services: Services) -> None:
    from earlyyears_desktop.domain.errors import ConflictError

    saved = services.children.create_child(_child())
    services.children.update_child(saved.id, _child(preferred_name="Zo"), expected_version=1)
    with pytest.raises(ConflictError):
        services.children.update_child(saved.id, _child(preferred_name="Z"), expected_version=1)


def test_delete_is_a_tombstone_not_a_hard_delete(services: Services) -> None:
    saved = services.children.create_child(_child())
    deleted = services.children.delete_child(saved.id)
    assert deleted.changes.ids("child") == {saved.id}
    with services.uow.read() as session:
        assert session.get(Child, saved.id) is None  # hidden from every ordinary read
        row = session.get(Child, saved.id, execution_options=INCLUDE_DELETED)
        assert row is not None and row.deleted_at is not None and row.version == 2
        last = session.scalars(select(AuditEvent).order_by(AuditEvent.seq.desc())).first()
        assert last is not None and (last.action, last.record_id) == ("delete", saved.id)
        logged = session.scalars(
            select(ChangeLogEntry.version).where(ChangeLogEntry.record_id == saved.id)
        ).all()
        assert sorted(logged) == [1, 2]
    with pytest.raises(NotFound):
        services.children.get_child(saved.id)
    assert saved.id not in services.children.search_ids()
    assert saved.id in services.children.search_ids(ChildFilter(include_deleted=True))
    with pytest.raises(NotFound):
        services.children.delete_child(saved.id)


def test_a_hard_delete_is_refused(services: Services) -> None:
    saved = services.children.create_child(_child())
    with pytest.raises(DomainError, match="never deleted outright"), services.uow.write() as tx:
        tx.session.delete(tx.session.get(Child, saved.id))
    assert services.children.get_child(saved.id).legal_family_name == "Adeyemi"


# ---- attendance ----


def _group_with_session(services: Services, child_id: str) -> str:
    group = services.groups.add_group(GroupInput("Little Steps", weekday=TODAY.weekday())).id
    services.groups.enrol(child_id, group, TODAY - dt.timedelta(days=30))
    session = services.groups.add_session(group, TODAY).id
    return session


def test_the_same_mark_again_writes_nothing(services: Services) -> None:
    child = services.children.create_child(_child()).id
    session = _group_with_session(services, child)
    first = services.attendance.mark(session, child, AttendanceStatus.PRESENT.value)
    assert first.changes and first.value.attendance_id and first.value.version == 1
    before = _counts(services)
    again = services.attendance.mark(session, child, AttendanceStatus.PRESENT.value)
    assert not again.changes
    assert again.value.attendance_id == first.value.attendance_id and again.value.version == 1
    assert _counts(services) == before
    late = services.attendance.mark(session, child, AttendanceStatus.LATE.value)
    assert late.changes and late.value.version == 2
    assert _counts(services)["AuditEvent"] == before["AuditEvent"] + 1


def test_marks_on_a_later_date_are_refused(services: Services) -> None:
    child = services.children.create_child(_child()).id
    group = services.groups.add_group(GroupInput("Little Steps", weekday=TODAY.weekday())).id
    services.groups.enrol(child, group, TODAY - dt.timedelta(days=30))
    later = services.groups.add_session(group, TODAY + dt.timedelta(days=7)).id
    before = _counts(services)
    with pytest.raises(ValidationError, match="later date"):
        services.attendance.mark(later, child, AttendanceStatus.PRESENT.value)
    with pytest.raises(ValidationError, match="not an attendance mark"):
        services.attendance.mark(later, child, "asleep")
    assert _counts(services) == before


# ---- NHS numbers ----


@pytest.mark.parametrize(
    ("number", "valid"),
    [
        ("9434765919", True),
        ("943 476 5919", True),
        ("943-476-5919", True),
        ("9434765918", False),
        ("943476591", False),
        ("94347659190", False),
        ("943476591X", False),
        ("", False),
        ("4010232137", True),
        ("0000000000", True),
    ],
)
def test_nhs_number_examples(number: str, valid: bool) -> None:
    assert nhs_number_is_valid(number) is valid


def test_nhs_number_whose_check_would_be_ten_is_never_valid() -> None:
    # 1234567890: weighted sum 1*10+2*9+...+9*2 = 210, 210 % 11 = 1, check 10: never issued.
    for last in "0123456789":
        assert not nhs_number_is_valid("123456789" + last)
    assert nhs_number_with_check_digit("123456789") is None


def test_normalised_nhs_number_is_ten_digits() -> None:
    assert normalise_nhs_number(" 943 476 5919 ") == "9434765919"
    assert normalise_nhs_number("  ") is None


nine_digits = st.text(alphabet="0123456789", min_size=9, max_size=9)


@given(first_nine=nine_digits)
def test_a_number_built_with_its_check_digit_validates(first_nine: str) -> None:
    number = nhs_number_with_check_digit(first_nine)
    if number is None:  # check digit 10: such numbers are never issued
        assert not any(nhs_number_is_valid(first_nine + d) for d in "0123456789")
    else:
        assert nhs_number_is_valid(number)


@given(first_nine=nine_digits, position=st.integers(0, 9), step=st.integers(1, 9))
def test_any_single_digit_change_fails_the_check(first_nine: str, position: int, step: int) -> None:
    number = nhs_number_with_check_digit(first_nine)
    if number is None:
        return
    digit = (int(number[position]) + step) % 10
    changed = number[:position] + str(digit) + number[position + 1 :]
    assert not nhs_number_is_valid(changed)


# ---- search ----


def test_child_search_ignores_case_and_diacritics(demo: VaultUnderTest) -> None:
    children = demo.services.children

    def names(query: str) -> set[str]:
        return {r.legal_name for r in children.rows(children.search_ids(ChildFilter(text=query)))}

    assert names("zoe") == {"Zoë Grace Adeyemi"}
    assert names("lucja") == {"Łucja Wiśniewska"}
    assert names("ŁUCJA") == {"Łucja Wiśniewska"}
    assert names("wisniewska") == {"Łucja Wiśniewska"}
    assert names("oisin o briain") == {"Oisín Patrick Ó Briain"}
    assert names("dvorak") == {"Jakub Dvořák"}
    assert names("sian") == {"Siân Elin Pritchard"}
    assert names("nobody-by-this-name") == set()
    assert names("100%_") == set()  # LIKE wildcards are escaped
    # A carer's name finds the child too, word by word with the child's own names.
    assert names("priya") == {"Aarav Sharma"}
    assert names("FUNMI") == names("funmi zoe") == {"Zoë Grace Adeyemi"}
    assert names("funmi aarav") == set()


def test_observation_search_ignores_diacritics(demo: VaultUnderTest) -> None:
    observations = demo.services.observations
    zoe = observations.search("zoe")
    assert zoe and all("Zoë" in o.text for o in zoe)
    assert observations.search("Zoë") == zoe
    assert all("Siân" in o.text for o in observations.search("sian"))
    assert observations.search("") == []
    assert observations.search("'\"*)(") == []  # FTS syntax in a query is not an error


def test_observation_search_folds_letters_with_a_stroke(demo: VaultUnderTest) -> None:
    found = demo.services.observations.search("lucja")
    assert found and all("Łucja" in o.text for o in found)


def test_observation_search_finds_a_new_note_and_skips_deleted_children(
    services: Services,
) -> None:
    child = services.children.create_child(_child()).id
    obs = services.observations.add(
        ObservationInput(child, "Stacked the Quillwobble cups into a tower", TODAY)
    ).id
    assert [o.id for o in services.observations.search("quillwob")] == [obs]
    assert [o.id for o in services.observations.search("QUILLWOBBLE tower")] == [obs]
    with pytest.raises(ValidationError, match="future"):
        services.observations.add(ObservationInput(child, "Tomorrow", TODAY + dt.timedelta(days=1)))
    with pytest.raises(ValidationError, match="write what you saw"):
        services.observations.add(ObservationInput(child, "   ", TODAY))


def test_observation_search_by_word_start_finds_every_word_it_begins(
    services: Services,
) -> None:
    child = services.children.create_child(_child()).id
    ids = [
        services.observations.add(ObservationInput(child, text, TODAY)).id
        for text in (
            "Balanced on one foot by the Trampolinequartz",
            "Balancing beam with Trampolinequartz help",
            "Balance bike, and a snack",
        )
    ]
    # Three indexed words begin with "balanc": all three notes, newest first.
    assert [o.id for o in services.observations.search("balanc")] == ids[::-1]
    assert [o.id for o in services.observations.search("balanc trampolinequ")] == ids[1::-1]
    assert services.observations.search("balanc zzzyx") == []


def test_observation_search_with_a_word_start_of_many_words(services: Services) -> None:
    child = services.children.create_child(_child()).id
    # More words begin with "quokk" than are expanded one by one: the prefix query serves.
    letters = "abcdefghijklmnopqrstuvwxyzabcdefghij"
    for n, letter in enumerate(letters):
        services.observations.add(ObservationInput(child, f"Quokk{letter}{n} game", TODAY))
    assert len(services.observations.search("quokk", limit=100)) == len(letters)
