"""The Portage caseload: each family's rhythm, last and next visit, who is due this week and
who is overdue (dates injected, across a Sunday and 29 February), one open entry per child,
changing and closing an entry."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from earlyyears_desktop.domain.enums import Role, VisitRhythm, VisitStatus
from earlyyears_desktop.domain.errors import ValidationError
from earlyyears_desktop.domain.models import HomeVisit
from earlyyears_desktop.services.caseload import CaseloadRow, next_visit, week_of
from earlyyears_desktop.services.children import CarerInput, ChildInput
from earlyyears_desktop.services.clock import Clock
from earlyyears_desktop.services.container import Services

from ..fast_vaults import make_vault

D = dt.date
#: a day late enough for every visit these tests record (the services refuse future visits)
LATE_DAY = D(2028, 3, 20)
WEEKLY, FORTNIGHTLY = VisitRhythm.WEEKLY.value, VisitRhythm.FORTNIGHTLY.value


@dataclass
class Vault:
    services: Services

    def child(self, given: str, family: str, carer: str = "") -> str:
        carers = [CarerInput(carer, "Mother", is_main_contact=True)] if carer else []
        return self.services.children.create_child(
            ChildInput(given, family, D(2024, 6, 1)), carers
        ).id

    def visit(self, child_id: str, on: dt.date, next_on: dt.date | None = None) -> str:
        return self.services.home_visits.record(
            child_id,
            on,
            carers_present="Mum",
            activities="Posting box",
            family_will_practise="Posting at bath time",
            next_visit_on=next_on,
        ).id

    def row(self, child_id: str, today: dt.date) -> CaseloadRow:
        return next(
            r for r in self.services.caseload.caseload(None, today) if r.child_id == child_id
        )


@pytest.fixture(scope="module")
def vault(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Vault]:
    folder: Path = tmp_path_factory.mktemp("caseload") / "vault"
    created = make_vault(folder)
    yield Vault(Services(created.vault, clock=Clock.fixed(LATE_DAY)))
    created.vault.lock()


def test_the_next_visit_is_agreed_else_by_rhythm_else_the_first_visit_date() -> None:
    weekly = VisitRhythm.WEEKLY
    opened = D(2026, 9, 7)
    assert next_visit(weekly, opened, None, None) == opened
    assert next_visit(weekly, opened, D(2026, 9, 8), None) == D(2026, 9, 15)
    assert next_visit(VisitRhythm.MONTHLY, opened, D(2026, 9, 8), None) == D(2026, 10, 6)
    assert next_visit(weekly, opened, D(2026, 9, 8), D(2026, 9, 22)) == D(2026, 9, 22)
    # A visit from before the family (re)joined the caseload plans nothing.
    assert next_visit(weekly, opened, D(2026, 6, 1), D(2026, 6, 15)) == opened
    assert week_of(D(2026, 11, 29)) == (D(2026, 11, 23), D(2026, 11, 29))


def test_each_family_shows_its_carer_rhythm_last_and_next_visit(vault: Vault) -> None:
    caseload = vault.services.caseload
    agreed = vault.child("Zoë", "Adeyemi", "Funmi Adeyemi")
    by_rhythm = vault.child("Kofi", "Mensah", "Ama Mensah")
    new = vault.child("Hana", "Nováková")
    for child, rhythm in ((agreed, WEEKLY), (by_rhythm, FORTNIGHTLY), (new, FORTNIGHTLY)):
        caseload.add(child, rhythm=rhythm, opened_on=D(2026, 9, 7))
    vault.visit(agreed, D(2026, 9, 8), D(2026, 9, 15))
    vault.visit(agreed, D(2026, 9, 15), D(2026, 9, 29))  # the latest visit agrees the next
    vault.visit(by_rhythm, D(2026, 9, 10))
    today = D(2026, 9, 16)  # a Wednesday

    row = vault.row(agreed, today)
    assert (row.child_name, row.carer_name) == ("Zoë Adeyemi", "Funmi Adeyemi")
    assert row.rhythm is VisitRhythm.WEEKLY
    assert (row.last_visit_on, row.next_visit_on) == (D(2026, 9, 15), D(2026, 9, 29))
    assert row.status == "" and not row.due_this_week and not row.overdue
    row = vault.row(by_rhythm, today)
    assert (row.last_visit_on, row.next_visit_on) == (D(2026, 9, 10), D(2026, 9, 24))
    row = vault.row(new, today)
    assert (row.last_visit_on, row.next_visit_on, row.carer_name) == (None, D(2026, 9, 7), "")
    assert row.overdue and row.days_overdue == 9 and row.status == "Overdue"


def test_due_this_week_and_overdue_across_a_sunday(vault: Vault) -> None:
    child = vault.child("Siân", "Pritchard")
    vault.services.caseload.add(child, rhythm=WEEKLY, opened_on=D(2026, 11, 1))
    vault.visit(child, D(2026, 11, 22), D(2026, 11, 29))  # next: Sunday 29 November
    saturday_before = vault.row(child, D(2026, 11, 21))
    assert not saturday_before.due_this_week and not saturday_before.overdue
    monday = vault.row(child, D(2026, 11, 23))
    assert monday.due_this_week and monday.status == "Due this week"
    sunday = vault.row(child, D(2026, 11, 29))
    assert sunday.due_this_week and not sunday.overdue
    next_monday = vault.row(child, D(2026, 11, 30))
    assert next_monday.overdue and next_monday.days_overdue == 1
    assert not next_monday.due_this_week and next_monday.status == "Overdue"
    # A visit due on Monday is not due "this week" on the Sunday before.
    other = vault.child("Ffion", "Llewellyn")
    vault.services.caseload.add(other, rhythm=WEEKLY, opened_on=D(2026, 11, 30))
    assert not vault.row(other, D(2026, 11, 29)).due_this_week
    assert vault.row(other, D(2026, 11, 30)).due_this_week


def test_a_weekly_visit_falls_due_on_29_february(vault: Vault) -> None:
    child = vault.child("Jakub", "Dvořák")
    vault.services.caseload.add(child, rhythm=WEEKLY, opened_on=D(2028, 2, 1))
    vault.visit(child, D(2028, 2, 22))  # a Tuesday, no next date agreed
    on_the_day = vault.row(child, D(2028, 2, 29))
    assert on_the_day.next_visit_on == D(2028, 2, 29)
    assert on_the_day.due_this_week and not on_the_day.overdue
    day_after = vault.row(child, D(2028, 3, 1))
    assert day_after.overdue and day_after.days_overdue == 1
    # Once the family is visited, it is no longer overdue.
    vault.visit(child, D(2028, 3, 1))
    assert not vault.row(child, D(2028, 3, 1)).overdue


def test_a_visit_in_progress_is_the_last_visit_and_is_named(vault: Vault) -> None:
    child = vault.child("Aarav", "Sharma")
    vault.services.caseload.add(child, rhythm=FORTNIGHTLY, opened_on=D(2027, 1, 4))
    vault.visit(child, D(2027, 1, 5), D(2027, 1, 19))
    with vault.services.uow.write() as tx:
        started = HomeVisit(
            child_id=child,
            practitioner_id=vault.services.actor.practitioner_id,
            visited_on=D(2027, 1, 19),
            status=VisitStatus.IN_PROGRESS.value,
        )
        tx.session.add(started)
    row = vault.row(child, D(2027, 1, 19))
    assert row.visit_in_progress == started.id
    assert row.last_visit_on == D(2027, 1, 19)
    assert row.next_visit_on == D(2027, 2, 2)  # nothing agreed yet: the rhythm
    visits = vault.services.caseload.visits(child)
    assert [(v.visited_on, v.status) for v in visits] == [
        (D(2027, 1, 19), VisitStatus.IN_PROGRESS),
        (D(2027, 1, 5), VisitStatus.FINISHED),
    ]
    assert visits[0].practitioner_name == "Amira Haddad"


def test_overdue_families_come_first_and_overdue_lists_them(vault: Vault) -> None:
    worker = vault.services.practitioners.add("Nia Roberts", Role.PORTAGE_WORKER.value).id
    caseload = vault.services.caseload
    soon, late, later = (vault.child(n, "Demir") for n in ("Yusuf", "Elif", "Can"))
    caseload.add(soon, rhythm=WEEKLY, opened_on=D(2027, 5, 12), practitioner_id=worker)
    caseload.add(late, rhythm=WEEKLY, opened_on=D(2027, 5, 3), practitioner_id=worker)
    caseload.add(later, rhythm=WEEKLY, opened_on=D(2027, 5, 20), practitioner_id=worker)
    today = D(2027, 5, 10)
    rows = caseload.caseload(worker, today)
    assert [r.child_id for r in rows] == [late, soon, later]
    assert {r.practitioner_name for r in rows} == {"Nia Roberts"}
    assert [r.child_id for r in caseload.overdue(today, practitioner_id=worker)] == [late]
    assert late in {r.child_id for r in caseload.overdue(today)}


def test_a_child_is_on_one_open_caseload_entry_at_a_time(vault: Vault) -> None:
    caseload = vault.services.caseload
    child = vault.child("Amara", "Nwosu")
    entry = caseload.add(child, rhythm=FORTNIGHTLY, opened_on=D(2027, 9, 6)).id
    with pytest.raises(ValidationError) as refused:
        caseload.add(child, rhythm=WEEKLY, opened_on=D(2027, 9, 13))
    assert refused.value.field == "child"
    assert "already on Amira Haddad's caseload" in refused.value.message
    with pytest.raises(ValidationError) as no_reason:
        caseload.close(entry, closed_on=D(2027, 12, 10), reason="  ")
    assert no_reason.value.field == "close_reason"
    with pytest.raises(ValidationError) as future:
        caseload.close(entry, closed_on=LATE_DAY + dt.timedelta(days=1), reason="Moved away")
    assert future.value.field == "closed_on"
    with pytest.raises(ValidationError) as before:
        caseload.close(entry, closed_on=D(2027, 9, 1), reason="Moved away")
    assert before.value.field == "closed_on"
    caseload.close(entry, closed_on=D(2027, 12, 10), reason="Started at nursery")
    assert child not in {r.child_id for r in caseload.caseload(None, LATE_DAY)}
    with pytest.raises(ValidationError):
        caseload.close(entry, closed_on=D(2027, 12, 10), reason="Again")
    # Closed: the family can join a caseload again, due on the new first visit date.
    again = caseload.add(child, rhythm=WEEKLY, opened_on=D(2028, 3, 22)).id
    assert again != entry
    assert vault.row(child, LATE_DAY).next_visit_on == D(2028, 3, 22)


def test_changing_the_rhythm_and_the_worker(vault: Vault) -> None:
    caseload = vault.services.caseload
    other = vault.services.practitioners.add("Tom Reilly", Role.PORTAGE_WORKER.value).id
    child = vault.child("Noah", "Thompson")
    entry = caseload.add(child, rhythm=FORTNIGHTLY, opened_on=D(2027, 10, 4)).id
    vault.visit(child, D(2027, 10, 4))
    changed = caseload.change(entry, rhythm=WEEKLY)
    assert changed.changes.ids("caseload_entry") == {entry}
    assert vault.row(child, D(2027, 10, 5)).next_visit_on == D(2027, 10, 11)
    assert not caseload.change(entry, rhythm=WEEKLY).changes  # nothing new, nothing written
    caseload.change(entry, practitioner_id=other)
    me = vault.services.actor.practitioner_id
    assert child not in {r.child_id for r in caseload.caseload(me, D(2027, 10, 5))}
    assert [r.child_id for r in caseload.caseload(other, D(2027, 10, 5))] == [child]
    with pytest.raises(ValidationError) as bad:
        caseload.change(entry, rhythm="daily")
    assert bad.value.field == "rhythm"
    with pytest.raises(ValidationError) as nobody:
        caseload.change(entry, practitioner_id="not-a-worker")
    assert nobody.value.field == "practitioner"
