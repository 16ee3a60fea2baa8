"""Administrators (services/administrators.py, services/accounts.py) on real vaults: who may add
a practitioner, reset a colleague's passphrase with the recovery key, and change who is one."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, select

from earlyyears_desktop.domain.models import AuditEvent, VaultSetting
from earlyyears_desktop.services.accounts import (
    DomainError,
    NotAnAdministrator,
    UnlockedVault,
    ValidationError,
    unlock,
    unlock_with_recovery_key,
)
from earlyyears_desktop.services.administrators import KEEP_ONE
from earlyyears_desktop.storage.vault import open_vault

from .conftest import FAST, VaultUnderTest, services_on_test_day

DEEPA = "kettle orange harbour 7"
NEW = "lantern meadow otter 42"


def _with_deepa(fresh: VaultUnderTest) -> tuple[UnlockedVault, UnlockedVault, str]:
    """Amira (the first practitioner) adds Deepa; both unlocked, and Deepa's id."""
    amira = UnlockedVault.of(fresh.services)
    deepa = amira.accounts.add_practitioner("Deepa Nair", "therapist", "", DEEPA, params=FAST)
    theirs = UnlockedVault.of(
        services_on_test_day(open_vault(fresh.folder, DEEPA, practitioner_id=deepa))
    )
    return amira, theirs, deepa


def test_the_first_practitioner_is_the_administrator(fresh: VaultUnderTest) -> None:
    admins = fresh.services.administrators
    amira = fresh.vault.practitioner_id
    assert admins.administrators() == [amira]
    assert admins.is_administrator(amira)
    admins.require_administrator("add a practitioner")
    with fresh.services.uow.read() as session:
        made = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "administrator-made")
        ).all()
    assert [(e.entity, e.record_id) for e in made] == [("practitioner", amira)]


def test_only_an_administrator_adds_a_practitioner(fresh: VaultUnderTest) -> None:
    _amira, deepa, deepa_id = _with_deepa(fresh)
    try:
        assert not deepa.services.administrators.is_administrator(deepa_id)
        with pytest.raises(
            NotAnAdministrator,
            match=r"^Only an administrator can add a practitioner\. Ask Amira Haddad\.$",
        ):
            deepa.accounts.add_practitioner("Tomás Ó Briain", "therapist", "", NEW, params=FAST)
        with pytest.raises(NotAnAdministrator):
            deepa.services.administrators.make_administrator(deepa_id)
        # the recovery key resets a colleague's passphrase: only an administrator replaces it
        with pytest.raises(NotAnAdministrator, match="make a new recovery key"):
            deepa.accounts.new_recovery_key(params=FAST)
    finally:
        deepa.services.vault.lock()
    assert [p.name for p in fresh.services.practitioners.list()] == ["Amira Haddad", "Deepa Nair"]


def test_make_and_stop_being_administrator_audited_and_one_always_kept(
    fresh: VaultUnderTest,
) -> None:
    amira, deepa, deepa_id = _with_deepa(fresh)
    amira_id = fresh.vault.practitioner_id
    assert amira_id
    admins = amira.services.administrators
    try:
        with pytest.raises(DomainError, match=f"^{KEEP_ONE}$"):
            admins.stop_being_administrator(amira_id)
        saved = admins.make_administrator(deepa_id)
        assert saved.changes.touches("practitioner")
        assert admins.administrators() == [amira_id, deepa_id]
        # Deepa may now do what administrators do, and Amira may step down.
        deepa.services.administrators.require_administrator("add a practitioner")
        admins.stop_being_administrator(amira_id)
        assert admins.administrators() == [deepa_id]
        with pytest.raises(NotAnAdministrator, match="Ask Deepa Nair"):
            amira.accounts.add_practitioner("Tomás Ó Briain", "therapist", "", NEW, params=FAST)
        with pytest.raises(DomainError, match=f"^{KEEP_ONE}$"):
            deepa.services.administrators.stop_being_administrator(deepa_id)
    finally:
        deepa.services.vault.lock()
    with amira.services.uow.read() as session:
        events = session.execute(
            select(AuditEvent.action, AuditEvent.record_id).where(
                AuditEvent.action.like("administrator-%")
            )
        ).all()
    assert [tuple(e) for e in events] == [
        ("administrator-made", amira_id),
        ("administrator-made", deepa_id),
        ("administrator-stopped", amira_id),
    ]
    assert amira.services.verify_audit().ok


def test_a_vault_from_before_administrators_keeps_its_first_practitioner(
    fresh: VaultUnderTest,
) -> None:
    _amira, deepa, deepa_id = _with_deepa(fresh)
    deepa.services.vault.lock()
    with fresh.services.uow.write() as tx:  # as a vault made before this release
        tx.session.execute(delete(VaultSetting).where(VaultSetting.key == "administrators"))
    admins = fresh.services.administrators
    assert admins.administrators() == [fresh.vault.practitioner_id]
    assert not admins.is_administrator(deepa_id)
    admins.make_administrator(deepa_id)  # the first practitioner still may
    assert admins.administrators() == [fresh.vault.practitioner_id, deepa_id]


def test_resetting_a_colleagues_passphrase_takes_an_administrator_and_the_recovery_key(
    fresh: VaultUnderTest,
) -> None:
    amira, deepa, deepa_id = _with_deepa(fresh)
    amira_id = fresh.vault.practitioner_id
    assert amira_id
    try:
        with pytest.raises(NotAnAdministrator, match="reset a colleague's passphrase"):
            deepa.accounts.reset_passphrase(amira_id, fresh.recovery_key, NEW, NEW)
    finally:
        deepa.services.vault.lock()
    with pytest.raises(ValidationError) as wrong:
        amira.accounts.reset_passphrase(deepa_id, "ABCDE-FGHJK-LMNPQ-RSTUV", NEW, NEW)
    assert wrong.value.field == "recovery_key"
    amira.accounts.reset_passphrase(deepa_id, fresh.recovery_key.lower(), NEW, NEW)
    unlock(fresh.folder, NEW, practitioner_id=deepa_id).lock()

    # The recovery key on the unlock screen gives only an administrator a new passphrase.
    fresh.vault.lock()
    recovery = unlock_with_recovery_key(fresh.folder, fresh.recovery_key)
    try:
        assert [p.name for p in recovery.practitioners] == ["Amira Haddad"]
        with pytest.raises(NotAnAdministrator, match="Ask Amira Haddad"):
            recovery.unlocked.accounts.set_passphrase_after_recovery(deepa_id, DEEPA, DEEPA)
    finally:
        recovery.unlocked.lock()
    fresh.services = services_on_test_day(open_vault(fresh.folder, fresh.passphrase))
