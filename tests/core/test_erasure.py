"""Erasing a child (services/erasure.py): nothing of the child is left in the database, its
freed pages or its log; the audit chain still verifies; everyone else is untouched."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from earlyyears_desktop.domain.enums import ErasureReason
from earlyyears_desktop.domain.errors import DomainError
from earlyyears_desktop.domain.models import SYNCED_MODELS, AuditEvent, Child
from earlyyears_desktop.domain.rules import nhs_number_is_valid
from earlyyears_desktop.services.accounts import NotAnAdministrator, UnlockedVault
from earlyyears_desktop.services.children import ChildInput
from earlyyears_desktop.services.container import Services
from earlyyears_desktop.services.erasure import (
    ERASE_CHILD,
    AlreadyErased,
    ChildNotInVault,
)
from earlyyears_desktop.services.erasure_scope import child_scope
from earlyyears_desktop.services.family import CarerInput
from earlyyears_desktop.services.observation_rules import ObservationValues
from earlyyears_desktop.services.observations import ObservationInput
from earlyyears_desktop.storage.engine import connect
from earlyyears_desktop.storage.vault import OpenVault, open_vault

from .conftest import FAST, TODAY, VaultUnderTest, services_on_test_day
from .test_audit import _cli

#: the child's invented names, with diacritics
NAMES = ("Ngozi Ṣàngó", "Ó Briain-Dvořák", "Đạt")
CARER = "Ağabəy Ŋuyễn"
#: an observation's words, one edited away (kept in its history), one deleted (tombstone)
WORDS = ("marmaquokkazest", "turquoisebeakerzeal", "velvetgiraffequill")


def _valid_nhs(start: int) -> str:
    number = start
    while not nhs_number_is_valid(str(number)):
        number += 1
    return str(number)


def _plaintext(vault: OpenVault, target: Path) -> bytes:
    """The whole database exported to a plaintext file (KEY ''), read back as bytes."""
    with vault.engine.connect() as conn:
        raw = conn.connection.dbapi_connection
        assert raw is not None
        raw.execute("ATTACH DATABASE ? AS plain KEY ''", (str(target),))
        try:
            raw.execute("SELECT sqlcipher_export('plain')").fetchall()
        finally:
            raw.execute("DETACH DATABASE plain")
    return target.read_bytes()


def _backup_plaintext(vault: OpenVault, backup: Path, target: Path) -> tuple[bytes, int]:
    """A plaintext export of a backup copy, and how many children it holds."""
    conn = connect(backup, vault._data_key())
    try:
        children = conn.execute("SELECT count(*) FROM children").fetchone()[0]
        conn.execute("ATTACH DATABASE ? AS plain KEY ''", (str(target),))
        conn.execute("SELECT sqlcipher_export('plain')").fetchall()
        conn.execute("DETACH DATABASE plain")
    finally:
        conn.close()
    return target.read_bytes(), children


def _needles(nhs: str) -> dict[str, bytes]:
    texts = [*NAMES, CARER, *WORDS]
    found = {t: t.encode("utf-8") for t in texts}
    found["NHS number"] = nhs.encode()
    # the search index holds the folded words; a term keeps its tail whatever its neighbours
    found.update({f"index: {w}": w[-10:].encode() for w in WORDS})
    return found


def _dress_child(services: Services, child_id: str, nhs: str) -> None:
    """Give a demo child invented names with diacritics, an NHS number, a carer and an
    observation edited once plus one deleted."""
    record = services.children.get_child(child_id)
    services.children.update_child(
        child_id,
        ChildInput(
            legal_given_names=NAMES[0],
            legal_family_name=NAMES[1],
            preferred_name=NAMES[2],
            date_of_birth=record.date_of_birth,
            nhs_number=nhs,
        ),
    )
    services.children.add_carer(child_id, CarerInput(name=CARER))
    first = services.observations.add(
        ObservationInput(child_id, f"Built a tower, said {WORDS[0]}", observed_on=TODAY)
    ).id
    services.observations.edit(first, ObservationValues(f"Said {WORDS[1]}", TODAY), "typo")
    gone = services.observations.add(
        ObservationInput(child_id, f"Waved at the {WORDS[2]}", observed_on=TODAY)
    ).id
    services.observations.delete(gone, "Wrong child")


def _counts(services: Services) -> dict[str, int]:
    with services.uow.including_deleted().read() as session:
        return {
            m.entity: session.scalar(select(func.count()).select_from(m)) or 0
            for m in SYNCED_MODELS
        }


def _shared_meeting_child(services: Services) -> str:
    """A demo child discussed at a meeting that discussed others too, with the most
    observations."""
    with services.uow.read() as session:
        return str(
            session.execute(
                text(
                    "SELECT d.child_id FROM meeting_discussions d "
                    "WHERE (SELECT count(*) FROM meeting_discussions o "
                    "       WHERE o.meeting_id = d.meeting_id) > 1 "
                    "ORDER BY (SELECT count(*) FROM observations b WHERE b.child_id = d.child_id) "
                    "DESC, d.child_id LIMIT 1"
                )
            ).scalar_one()
        )


def test_erasing_a_child_leaves_no_trace(demo: VaultUnderTest, tmp_path: Path) -> None:
    services = demo.services
    child_id = _shared_meeting_child(services)
    nhs = _valid_nhs(9434765000)
    _dress_child(services, child_id, nhs)
    needles = _needles(nhs)
    with services.uow.read() as session:
        scope = child_scope(session, child_id)
    before = _counts(services)
    others = set(services.children.search_ids()) - {child_id}
    # the needles are there to be found before the erasure
    plain = _plaintext(demo.vault, tmp_path / "before.db")
    assert [k for k, n in needles.items() if n not in plain] == []
    # a copy the vault took of itself before a schema upgrade holds the child too
    demo.vault.paths.backups.mkdir(mode=0o700, exist_ok=True)
    upgrade_copy = demo.vault.paths.backups / "before-upgrade-20261101T090000Z.db"
    demo.vault.backup_database(upgrade_copy)
    someone_elses = demo.vault.paths.backups / "notes.txt"
    someone_elses.write_text("not the vault's")

    saved = services.erasure.erase_child(child_id, ErasureReason.FAMILY_REQUEST)
    assert not upgrade_copy.exists() and someone_elses.exists()

    assert saved.value.compacted and saved.value.records == scope.count
    assert saved.changes.touches("child")
    plain = _plaintext(demo.vault, tmp_path / "plain.db")
    assert [k for k, n in needles.items() if n in plain] == []
    with demo.vault.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA freelist_count").scalar() == 0
    assert (demo.folder / "vault.db-wal").stat().st_size == 0
    # everyone else untouched: every table lost exactly the child's rows
    after = _counts(services)
    lost = {e: n for e, n in scope.entity_ids().items()}
    assert {e: before[e] - after[e] for e in before if before[e] != after[e]} == {
        e: len(ids) for e, ids in lost.items()
    }
    assert set(services.children.search_ids()) == others
    # the meeting shared with other children stays, without this child
    assert "meetings" not in scope.ids
    # audit: one "erase" event per record (ids only), one for the child, the chain intact
    with services.uow.read() as session:
        erased = session.scalars(
            select(AuditEvent.record_id).where(AuditEvent.action == "erase")
        ).all()
        child_events = session.scalars(
            select(AuditEvent.record_id).where(AuditEvent.action == ERASE_CHILD)
        ).all()
    assert len(erased) == scope.count and child_events == [child_id]
    assert services.verify_audit().ok, services.verify_audit().message
    # a backup made afterwards cannot bring the child back
    demo.vault.backup_database(tmp_path / "after.db")
    plain, children = _backup_plaintext(demo.vault, tmp_path / "after.db", tmp_path / "p1.db")
    assert children == len(others)
    assert [k for k, n in needles.items() if n in plain] == []
    # the command line's audit check says intact too
    demo.vault.lock()
    result = _cli("audit-verify", str(demo.folder), passphrase=demo.passphrase)
    assert result.returncode == 0 and "intact" in result.stdout, result.stderr


def test_a_child_discussed_alone_takes_the_meeting_with_them(demo: VaultUnderTest) -> None:
    services = demo.services
    with services.uow.read() as session:
        scopes = {i: child_scope(session, i) for i in services.children.search_ids()}
    alone = next(i for i, s in sorted(scopes.items()) if s.ids.get("meetings"))
    (meeting_id,) = scopes[alone].ids["meetings"]
    assert scopes[alone].ids["meeting_attendees"]
    services.erasure.erase_child(alone, ErasureReason.RETENTION, compact=False)
    # the compaction (index optimised, VACUUM) is owed until it has run
    assert services.erasure.compact_pending()
    with services.uow.including_deleted().read() as session:
        assert (
            session.execute(
                text("SELECT count(*) FROM meetings WHERE id = :m"), {"m": meeting_id}
            ).scalar()
            == 0
        )
        assert session.get(Child, alone) is None
    assert services.erasure.compact()
    assert not services.erasure.compact_pending()
    # later compactions are incremental (the first turned it on), and leave no free page
    with demo.vault.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA auto_vacuum").scalar() == 2
    services.erasure.erase_child(next(iter(set(scopes) - {alone})), ErasureReason.RETENTION)
    with demo.vault.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA freelist_count").scalar() == 0


def _child(services: Services, given: str = "Amaru") -> str:
    return services.children.create_child(
        ChildInput(given, "Quispe Mamani", dt.date(2023, 2, 28))
    ).id


def test_erasing_twice_or_an_unknown_child_says_so(fresh: VaultUnderTest) -> None:
    services = fresh.services
    child_id = _child(services)
    services.erasure.erase_child(child_id, ErasureReason.RECORDED_IN_ERROR, compact=False)
    with pytest.raises(AlreadyErased, match=r"^That child's records have already been erased\.$"):
        services.erasure.erase_child(child_id, ErasureReason.FAMILY_REQUEST)
    with pytest.raises(ChildNotInVault, match=r"^That child is not in this vault\.$"):
        services.erasure.erase_child("no-such-child", ErasureReason.FAMILY_REQUEST)
    with pytest.raises(Exception, match="choose why"):
        services.erasure.erase_child(_child(services, "Nomvula"), "because")
    # a deleted (tombstoned) child can still be erased
    gone = _child(services, "Søren")
    services.children.delete_child(gone)
    assert services.erasure.erase_child(gone, ErasureReason.RETENTION).value.records >= 1


def test_only_an_administrator_erases_unless_the_central_service_instructs(
    fresh: VaultUnderTest,
) -> None:
    amira = UnlockedVault.of(fresh.services)
    deepa_id = amira.accounts.add_practitioner(
        "Deepa Nair", "therapist", "", "kettle orange harbour 7", params=FAST
    )
    deepa = services_on_test_day(
        open_vault(fresh.folder, "kettle orange harbour 7", practitioner_id=deepa_id)
    )
    try:
        child_id = _child(fresh.services)
        with pytest.raises(
            NotAnAdministrator, match=r"^Only an administrator can erase a child's records\."
        ):
            deepa.erasure.erase_child(child_id, ErasureReason.FAMILY_REQUEST)
        assert fresh.services.children.get_child(child_id)
        with pytest.raises(NotAnAdministrator):
            deepa.retention.set_rule(6)
        with pytest.raises(NotAnAdministrator):
            deepa.retention.retention_due()
        done = deepa.erasure.erase_child(
            child_id, ErasureReason.FAMILY_REQUEST, instructed_by_central=True, compact=False
        )
        assert done.value.records == 1
        (entry,) = deepa.erasure.erasures()
        assert entry.reason is ErasureReason.CENTRAL_INSTRUCTION and entry.instructed_by_central
        # nothing to tell the central service about its own instruction
        assert deepa.erasure.pending_erasure_instructions() == []
    finally:
        deepa.vault.lock()


def test_the_ledger_says_which_instructions_are_still_to_send(fresh: VaultUnderTest) -> None:
    erasure = fresh.services.erasure
    first, second = _child(fresh.services), _child(fresh.services, "Mahlet")
    saved = erasure.erase_children([first, second], ErasureReason.RETENTION)
    assert [d.child_id for d in saved.value] == [first, second]
    assert all(d.compacted for d in saved.value)
    pending = erasure.pending_erasure_instructions()
    assert [(e.child_id, e.reason, e.erased_by) for e in pending] == [
        (first, ErasureReason.RETENTION, fresh.vault.practitioner_id),
        (second, ErasureReason.RETENTION, fresh.vault.practitioner_id),
    ]
    erasure.mark_instructions_sent([first], bundle_sequence=7)
    assert [e.child_id for e in erasure.pending_erasure_instructions()] == [second]
    erasure.mark_instructions_unsent(7)
    assert len(erasure.pending_erasure_instructions()) == 2
    assert erasure.erased_child_ids() == {first, second}
    # the ledger names no one
    with fresh.services.uow.read() as session:
        ledger = session.execute(
            text("SELECT value FROM vault_settings WHERE key = 'erasures'")
        ).scalar()
    assert "Amaru" not in ledger and "Quispe" not in ledger


def test_an_instruction_received_but_not_carried_out_is_carried_out_at_unlock(
    fresh: VaultUnderTest,
) -> None:
    """A reply's instruction is kept in the import's transaction and carried out after it
    commits; if the app stopped in between, the next unlock (the window runs
    `finish_owed_erasures` on its worker) carries it out."""
    from earlyyears_desktop.sync.erasure_instructions import ErasureInstruction
    from earlyyears_desktop.sync.erasure_sync import finish_owed_erasures, keep_received

    services = fresh.services
    child_id = _child(services, "Tūī")
    kept = _child(services, "Kalinda")
    instruction = ErasureInstruction(child_id, "2026-11-30T10:00:00Z", "central", "family_request")
    with services.uow.write() as tx:  # the import's transaction, committed; then a stop
        keep_received(tx.session, [instruction])
    assert set(services.children.search_ids()) == {child_id, kept}

    erased, changes = finish_owed_erasures(services)

    assert erased == 1 and changes.touches("child")
    assert services.children.search_ids() == [kept]
    assert finish_owed_erasures(services)[0] == 0  # carried out once
    assert services.verify_audit().ok


_KILLED_MID_ERASURE = """
import os, signal, sys
from pathlib import Path
from earlyyears_desktop.domain.enums import ErasureReason
from earlyyears_desktop.domain.errors import DomainError
from earlyyears_desktop.services import unit_of_work
from earlyyears_desktop.services.container import Services
from earlyyears_desktop.storage.vault import open_vault

erase = unit_of_work.Transaction.erase
tables = []

def erase_then_killed(self, model, ids):
    gone = erase(self, model, ids)
    tables.append(model)
    if len(tables) == 2:  # two tables' rows deleted, their events written, no commit yet
        os.kill(os.getpid(), signal.SIGKILL)
    return gone

unit_of_work.Transaction.erase = erase_then_killed
vault = open_vault(Path(sys.argv[1]), os.environ["ERASURE_TEST_PASSPHRASE"])
Services(vault).erasure.erase_child(sys.argv[2], ErasureReason.FAMILY_REQUEST)
sys.exit(99)
"""


def test_an_erasure_killed_midway_leaves_the_child_whole(fresh: VaultUnderTest) -> None:
    """One transaction: killed (SIGKILL) after some of the child's tables are deleted, the
    vault opens with the child whole, no erasure recorded and the audit chain intact."""
    import os
    import signal
    import subprocess
    import sys

    services = fresh.services
    child_id = _child(services, "Anahí")
    services.children.add_carer(child_id, CarerInput(name=CARER))
    for word in WORDS:
        services.observations.add(ObservationInput(child_id, f"Said {word}", observed_on=TODAY))
    before = _counts(services)
    events = services.verify_audit().events
    fresh.vault.lock()
    env = {**os.environ, "ERASURE_TEST_PASSPHRASE": fresh.passphrase}
    done = subprocess.run(
        [sys.executable, "-c", _KILLED_MID_ERASURE, str(fresh.folder), child_id],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == -signal.SIGKILL, done.stderr

    services = fresh.reopen()
    assert _counts(services) == before
    assert services.children.get_child(child_id).legal_given_names == "Anahí"
    assert services.observations.search(WORDS[0]) != []
    assert services.erasure.erasures() == [] and not services.erasure.compact_pending()
    report = services.verify_audit()
    assert report.ok and report.events == events, report.message


def test_rows_are_erased_only_through_an_erasure(fresh: VaultUnderTest) -> None:
    services = fresh.services
    child_id = _child(services, "Kiri")
    with (
        pytest.raises(DomainError, match="never deleted outright"),
        services.uow.write() as tx,
    ):
        tx.erase(Child, [child_id])
    assert services.children.get_child(child_id)
    assert services.verify_audit().ok
