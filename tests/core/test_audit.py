"""The hash-chained audit trail: intact on a real vault, and any tampering found."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from types import SimpleNamespace

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from earlyyears_desktop.domain.models import MODEL_BY_ENTITY, AuditEvent
from earlyyears_desktop.services.children import ChildInput
from earlyyears_desktop.services.observations import ObservationInput
from earlyyears_desktop.services.unit_of_work import GENESIS_HASH, audit_hash, record_digest

from .conftest import VaultUnderTest


def _tamper(demo: VaultUnderTest, sql: str, **params: object) -> None:
    """Change the database behind the services' back, as someone with the key might."""
    with demo.vault.engine.begin() as conn:
        assert conn.execute(text(sql), params).rowcount == 1


def _event_count(demo: VaultUnderTest) -> int:
    with demo.services.uow.read() as session:
        return session.scalar(select(func.count()).select_from(AuditEvent)) or 0


def test_chain_verifies_on_a_demo_vault(demo: VaultUnderTest) -> None:
    report = demo.services.verify_audit()
    assert report.ok, report.message
    assert report.events == _event_count(demo) > 500
    assert "intact" in report.message


def test_changed_action_is_found_at_its_seq(demo: VaultUnderTest) -> None:
    _tamper(demo, "UPDATE audit_events SET action = action || 'd' WHERE seq = :s", s=123)
    report = demo.services.verify_audit()
    assert not report.ok
    assert report.first_bad_seq == 123
    assert "123" in report.message


def test_changed_record_id_is_found_at_its_seq(demo: VaultUnderTest) -> None:
    _tamper(
        demo,
        "UPDATE audit_events SET record_id = '00000000-0000-4000-8000-000000000000' WHERE seq = :s",
        s=57,
    )
    report = demo.services.verify_audit()
    assert (report.ok, report.first_bad_seq) == (False, 57)


def test_rehashed_row_is_still_found_by_the_next_link(demo: VaultUnderTest) -> None:
    """Recomputing the changed row's own hash breaks the link from the row after it."""
    from earlyyears_desktop.services.unit_of_work import audit_hash

    _tamper(demo, "UPDATE audit_events SET action = action || 'x' WHERE seq = :s", s=200)
    with demo.services.uow.read() as session:
        event = session.get(AuditEvent, 200)
        assert event is not None
        forged = audit_hash(event.prev_hash, event)
    _tamper(demo, "UPDATE audit_events SET hash = :h WHERE seq = :s", h=forged, s=200)
    report = demo.services.verify_audit()
    assert (report.ok, report.first_bad_seq) == (False, 201)


def test_deleted_middle_row_is_found(demo: VaultUnderTest) -> None:
    total = _event_count(demo)
    middle = total // 2
    _tamper(demo, "DELETE FROM audit_events WHERE seq = :s", s=middle)
    report = demo.services.verify_audit()
    assert not report.ok
    assert report.first_bad_seq == middle
    assert "missing" in report.message


def test_new_writes_continue_the_chain(demo: VaultUnderTest) -> None:
    before = _event_count(demo)
    demo.services.groups.add_venue("Kidlington Library", "High Street")
    services = demo.reopen()
    services.groups.add_venue("Witney Children's Centre")
    report = services.verify_audit()
    assert report.ok and report.events == before + 2


def _cli(*args: str, passphrase: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "EARLYYEARS_PASSPHRASE": passphrase}
    return subprocess.run(
        [sys.executable, "-m", "earlyyears_desktop.cli.main", *args],
        capture_output=True,
        text=True,
        env=env,
        stdin=subprocess.DEVNULL,
        timeout=120,
    )


def test_cli_audit_verify_exits_0_then_1_after_tampering(demo: VaultUnderTest) -> None:
    demo.vault.lock()
    ok = _cli("audit-verify", str(demo.folder), passphrase=demo.passphrase)
    assert ok.returncode == 0, ok.stderr
    assert "intact" in ok.stdout and ok.stderr == ""

    demo.reopen()
    _tamper(demo, "UPDATE audit_events SET action = 'view' || action WHERE seq = :s", s=42)
    demo.vault.lock()
    bad = _cli("audit-verify", str(demo.folder), passphrase=demo.passphrase)
    assert bad.returncode == 1
    assert bad.stderr.strip().splitlines() == [bad.stderr.strip()]
    assert "42" in bad.stderr and "Traceback" not in bad.stderr


def _as_written_before(
    fresh: VaultUnderTest, entity: str, record_id: str, columns: set[str]
) -> None:
    """Make the record's last audit event what a release before `columns` existed wrote: its
    digest leaves them out (the chain is relinked from there, as that release would have)."""
    with fresh.vault.engine.begin() as conn:
        model = MODEL_BY_ENTITY[entity]
        with Session(bind=conn) as session:
            record = session.get(model, record_id)
            assert record is not None
            digest = record_digest(record, frozenset(columns))
        conn.execute(
            text(
                "UPDATE audit_events SET record_sha256 = :d WHERE seq = "
                "(SELECT max(seq) FROM audit_events WHERE record_id = :r)"
            ),
            {"d": digest, "r": record_id},
        )
        prev = GENESIS_HASH
        for row in conn.execute(text("SELECT * FROM audit_events ORDER BY seq")).mappings():
            event = SimpleNamespace(**row)
            event.at = dt.datetime.fromisoformat(str(event.at))
            link = audit_hash(prev, event)
            conn.execute(
                text("UPDATE audit_events SET prev_hash = :p, hash = :h WHERE seq = :s"),
                {"p": prev, "h": link, "s": row["seq"]},
            )
            prev = link


def test_records_written_before_a_schema_revision_still_verify(fresh: VaultUnderTest) -> None:
    """An observation last written before `observed_at` existed (schema 1) was digested
    without it: it verifies while the column holds its default, and not once it is changed
    behind the services' back."""
    child = fresh.services.children.create_child(
        ChildInput("Ayşe", "Demir", dt.date(2024, 2, 29))
    ).id
    observation = fresh.services.observations.add(
        ObservationInput(child, "Stacked three cups", dt.date(2026, 11, 2))
    ).id
    _as_written_before(fresh, "observation", observation, {"observed_at"})
    assert fresh.services.verify_audit().ok

    with fresh.vault.engine.begin() as conn:
        conn.execute(text("UPDATE observations SET observed_at = '10:30:00.000000'"))
    report = fresh.services.verify_audit()
    assert report.altered_records == (("observation", observation),)
