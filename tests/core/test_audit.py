"""The hash-chained audit trail: intact on a real vault, and any tampering found."""

from __future__ import annotations

import os
import subprocess
import sys

from sqlalchemy import func, select, text

from earlyyears_desktop.domain.models import AuditEvent

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
