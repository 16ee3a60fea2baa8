"""The audit log, read (services/audit_views.py) and written for reads and outputs
(services/access_log.py), on real vaults: views, documents and spreadsheets recorded with ids
only; the viewer's filters, paging and words; administrators only; a vault that cannot be
written; `earlyyears audit-verify` still intact."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from benchmarks.family_records import FamilyRecords, add_family
from benchmarks.meeting_records import TODAY, MeetingRecords, add_meeting
from sqlalchemy import event, select

from earlyyears_desktop.cli.main import main
from earlyyears_desktop.domain.models import AuditEvent, Child
from earlyyears_desktop.handouts import (
    render_meeting_letters,
    render_questionnaire,
    render_visit_documents,
)
from earlyyears_desktop.services.access_log import NotRecorded
from earlyyears_desktop.services.accounts import NotAnAdministrator, UnlockedVault
from earlyyears_desktop.services.attendance_reports import AttendanceReports, FollowUp
from earlyyears_desktop.services.audit import verify_audit_chain
from earlyyears_desktop.services.audit_views import (
    ERASED_CHILD,
    PAGE_SIZE,
    AuditKind,
    AuditQuery,
    AuditRow,
)
from earlyyears_desktop.services.children import ChildInput
from earlyyears_desktop.services.clock import Clock
from earlyyears_desktop.services.container import Services
from earlyyears_desktop.storage.vault import open_vault

from ..fast_vaults import PASSPHRASE, make_vault
from .conftest import FAST, VaultUnderTest

DEEPA = "kettle orange harbour 7"


@dataclass
class World:
    folder: Path
    amira: Services
    deepa: Services
    deepa_id: str
    family: FamilyRecords
    meeting: MeetingRecords
    erased_child: str

    def rows(self, **query: Any) -> list[AuditRow]:
        return list(self.amira.audit_views.page(AuditQuery(**query)).rows)


def _services(folder: Path, secret: str, practitioner_id: str | None = None) -> Services:
    vault = open_vault(folder, secret, practitioner_id=practitioner_id)
    return Services(vault, clock=Clock.fixed(TODAY))


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    """Amira (the administrator) and Deepa on one vault: a family with a visit and a plan, a
    held meeting of two children; each opens a record, Amira makes every kind of family
    document and a spreadsheet; a third child is erased."""
    folder = tmp_path_factory.mktemp("audit") / "vault"
    amira = Services(make_vault(folder).vault, clock=Clock.fixed(TODAY))
    deepa_id = UnlockedVault.of(amira).accounts.add_practitioner(
        "Deepa Nair", "therapist", "", DEEPA, params=FAST
    )
    deepa = _services(folder, DEEPA, deepa_id)
    family = add_family(amira, "Zoë", "Adeyemi", carer="Funmilayo Adeyemi", reviews=1)
    meeting = add_meeting(amira, 2, without_outcome=0)
    amira.children.open_record(family.child_id)
    deepa.children.open_record(meeting.child_ids[0])
    render_visit_documents(amira, family.visit_id)
    render_questionnaire(amira, meeting.referral_ids[0])
    render_meeting_letters(amira, meeting.meeting_id)
    reports = AttendanceReports(amira.uow, amira.children.today)
    reports.save_follow_up([_follow_up(family.child_id)], folder.parent / "follow-up.csv")
    erased = amira.children.create_child(ChildInput("Kwame", "Mensah", dt.date(2023, 1, 2))).id
    amira.children.open_record(erased)
    with amira.uow.write(allow_erasure=True) as tx:
        tx.session.delete(tx.session.get(Child, erased))
    yield World(folder, amira, deepa, deepa_id, family, meeting, erased)
    deepa.vault.lock()
    amira.vault.lock()


def _follow_up(child_id: str) -> FollowUp:
    """A row of the follow-up list as the Groups page holds it."""
    return FollowUp(child_id, "Zoë Adeyemi", "g", "Little Steps", "", "", 3, 0, 3, None, ())


def _zoe_and(world: World) -> tuple[str, str]:
    first = world.amira.children.get_child(world.meeting.child_ids[0]).display_name
    return "Zoë Adeyemi", first


def test_a_view_of_a_record_is_listed_by_whom_for_which_child_with_ids_only(
    world: World,
) -> None:
    zoe, other = _zoe_and(world)
    views = [(r.who, r.what, r.child) for r in world.rows(kinds=frozenset({AuditKind.VIEWED}))]
    assert views == [
        ("Amira Haddad", "Opened the record", ERASED_CHILD),
        ("Deepa Nair", "Opened the record", other),
        ("Amira Haddad", "Opened the record", zoe),
    ]
    with world.amira.uow.read() as session:
        event_ = session.scalars(
            select(AuditEvent).where(
                AuditEvent.action == "view", AuditEvent.record_id == world.family.child_id
            )
        ).one()
    # ids only: no name, no text
    assert (event_.entity, event_.practitioner_id, event_.version) == (
        "child",
        world.amira.actor.practitioner_id,
        0,
    )


def test_documents_and_a_spreadsheet_are_logged_about_each_record_they_show(
    world: World,
) -> None:
    zoe, other = _zoe_and(world)
    second = world.amira.children.get_child(world.meeting.child_ids[1]).display_name
    documents = world.rows(kinds=frozenset({AuditKind.DOCUMENTS}))
    assert {r.what for r in documents} == {"Made a document"}
    assert sorted((r.record_kind, r.child) for r in documents) == sorted(
        [
            ("home visit", zoe),
            ("referral to the liaison group", other),
            ("child discussed at a meeting", other),
            ("child discussed at a meeting", second),
        ]
    )
    exports = world.rows(kinds=frozenset({AuditKind.EXPORTS}))
    assert [(r.what, r.record_kind, r.child) for r in exports] == [
        ("Exported to a spreadsheet", "child", zoe)
    ]


def test_filters_by_person_child_kind_and_dates(world: World) -> None:
    zoe, _other = _zoe_and(world)
    everything = world.rows()
    assert len(everything) == world.amira.audit_views.count(AuditQuery())
    assert [r.seq for r in everything] == sorted((r.seq for r in everything), reverse=True)

    deepas = world.rows(person_id=world.deepa_id)
    assert deepas and {r.who for r in deepas} == {"Deepa Nair"}
    assert {r.who for r in everything} == {"Amira Haddad", "Deepa Nair"}

    zoes = world.rows(child_id=world.family.child_id)
    assert {r.child for r in zoes} == {zoe}
    whats = {r.what for r in zoes}
    assert {"Added a child", "Opened the record", "Made a document"} <= whats
    assert "Exported to a spreadsheet" in whats
    assert len(zoes) < len([r for r in everything if r.child])

    changed = world.rows(kinds=frozenset({AuditKind.CHANGED}))
    assert changed and all(r.kind is AuditKind.CHANGED for r in changed)
    accounts = world.rows(kinds=frozenset({AuditKind.ACCOUNTS}))
    assert "Made an administrator" in {r.what for r in accounts}
    by_kind = sum(len(world.rows(kinds=frozenset({k}))) for k in AuditKind)
    assert by_kind == len(everything)  # every event is of exactly one kind

    days = sorted({r.at.date() for r in everything})
    first, last = days[0], days[-1]
    assert world.rows(from_date=last + dt.timedelta(days=1)) == []
    assert world.rows(to_date=first - dt.timedelta(days=1)) == []
    assert len(world.rows(from_date=first, to_date=last)) == len(everything)
    on_last = world.rows(from_date=last, to_date=last)
    assert on_last and {r.at.date() for r in on_last} == {last}
    both = world.rows(person_id=world.deepa_id, kinds=frozenset({AuditKind.CHANGED}))
    assert both == []


def test_an_erased_childs_events_stay_without_a_name(world: World) -> None:
    erased = [r for r in world.rows() if r.record_id == world.erased_child]
    assert [(r.what, r.child) for r in erased] == [
        ("Erased a child's records", ERASED_CHILD),
        ("Opened the record", ERASED_CHILD),
        ("Added a child", ERASED_CHILD),
    ]
    assert "Kwame" not in repr(world.rows())


def test_only_an_administrator_reads_the_log(world: World) -> None:
    refusal = r"^Only an administrator can look at the audit log\. Ask Amira Haddad\.$"
    views = world.deepa.audit_views
    with pytest.raises(NotAnAdministrator, match=refusal):
        views.page(AuditQuery())
    with pytest.raises(NotAnAdministrator, match=refusal):
        views.count(AuditQuery())
    with pytest.raises(NotAnAdministrator, match=refusal):
        views.people()


def test_pages_of_200_newest_first(fresh: VaultUnderTest) -> None:
    services = fresh.services
    child = services.children.create_child(ChildInput("Oisín", "Kavanagh", dt.date(2023, 4, 5))).id
    with services.uow.write() as tx:
        for _ in range(PAGE_SIZE + 50):
            tx.audit_only("view", "child", child)
    views = services.audit_views
    total = views.count(AuditQuery())
    first = views.page(AuditQuery())
    assert len(first.rows) == PAGE_SIZE and first.next_before == first.rows[-1].seq
    second = views.page(AuditQuery(), first.next_before)
    assert second.next_before is None
    seqs = [r.seq for r in first.rows + second.rows]
    assert seqs == list(range(total, 0, -1))
    assert views.count(AuditQuery(child_id=child)) == PAGE_SIZE + 51  # + "Added a child"


def test_a_vault_that_cannot_be_written_still_shows_a_record_but_makes_no_document(
    world: World,
) -> None:
    """Decided: a view is shown unrecorded (the data stays in the vault; refusing the record
    of a child in one's care could harm them); a document is refused (nothing leaves the vault
    unrecorded). SQLite's own read-only mode stands in for a read-only folder or a full disk:
    both fail the write with the same OperationalError."""
    services = _services(world.folder, PASSPHRASE)
    try:
        services.vault.engine.dispose()
        event.listen(
            services.vault.engine,
            "connect",
            lambda conn, _record: conn.execute("PRAGMA query_only = ON"),
        )
        before = services.audit_views.count(AuditQuery())
        record = services.children.open_record(world.family.child_id)
        assert record.display_name == "Zoë Adeyemi"
        with pytest.raises(NotRecorded, match="nothing was made"):
            render_visit_documents(services, world.family.visit_id)
        with pytest.raises(NotRecorded):
            AttendanceReports(services.uow, services.children.today).save_follow_up(
                [_follow_up(world.family.child_id)], world.folder.parent / "nothing.csv"
            )
        assert not (world.folder.parent / "nothing.csv").exists()
        assert services.audit_views.count(AuditQuery()) == before
    finally:
        services.vault.lock()


def test_audit_verify_is_intact_after_views_and_documents(
    world: World, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert verify_audit_chain(world.amira.uow).ok
    monkeypatch.setenv("EARLYYEARS_PASSPHRASE", PASSPHRASE)
    assert main(["audit-verify", str(world.folder)]) == 0
    assert "The audit trail is intact" in capsys.readouterr().out
