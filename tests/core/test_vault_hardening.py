"""The fixes from the security review of the vault: each test fails without its fix."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from earlyyears_desktop.domain.errors import ValidationError
from earlyyears_desktop.domain.models import Child
from earlyyears_desktop.services.children import ChildInput
from earlyyears_desktop.storage.errors import NotAVault, VaultDamaged, VaultLocked, WrongPassphrase
from earlyyears_desktop.storage.keyslots import KdfParams
from earlyyears_desktop.storage.vault import check_passphrase_strength, open_vault

from .conftest import PASSPHRASE, VaultUnderTest

SECOND_PASSPHRASE = "blue kettle orchard lantern"


def test_an_engine_held_past_lock_cannot_open_a_connection(fresh: VaultUnderTest) -> None:
    engine = fresh.services.uow.engine
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM children")).scalar() == 0
    fresh.vault.lock()
    with pytest.raises(VaultLocked):
        engine.connect()


def test_lock_folds_the_wal_back_into_the_database(fresh: VaultUnderTest) -> None:
    fresh.services.children.create_child(
        ChildInput("Ngozi", "Okafor-Ilesanmi", dt.date(2024, 1, 5))
    )
    fresh.vault.lock()
    wal = fresh.folder / "vault.db-wal"
    assert not wal.exists() or wal.stat().st_size == 0


def test_a_slot_edited_to_name_another_practitioner_no_longer_opens(
    fresh: VaultUnderTest,
) -> None:
    services = fresh.services
    first = services.actor.practitioner_id
    second = services.practitioners.add("Bolaji Adewale", "portage_worker").id
    fresh.vault.add_passphrase(second, "Bolaji", SECOND_PASSPHRASE, KdfParams.for_tests())
    fresh.vault.lock()

    doc = json.loads((fresh.folder / "keyslots.json").read_text())
    for slot in doc["slots"]:
        if slot["practitioner_id"] == second:
            slot["practitioner_id"] = first
    (fresh.folder / "keyslots.json").write_text(json.dumps(doc))

    with pytest.raises(WrongPassphrase):
        open_vault(fresh.folder, SECOND_PASSPHRASE)
    with pytest.raises(WrongPassphrase):
        open_vault(fresh.folder, SECOND_PASSPHRASE, practitioner_id=first)
    open_vault(fresh.folder, PASSPHRASE).lock()


@pytest.mark.parametrize(
    ("field", "value"),
    [("lanes", 0), ("memory_kib", 1 << 40), ("iterations", 0), ("memory_kib", 16)],
)
def test_key_slot_costs_out_of_range_are_refused(
    fresh: VaultUnderTest, field: str, value: int
) -> None:
    fresh.vault.lock()
    doc = json.loads((fresh.folder / "keyslots.json").read_text())
    doc["slots"][0]["kdf"][field] = value
    (fresh.folder / "keyslots.json").write_text(json.dumps(doc))
    with pytest.raises(NotAVault):
        open_vault(fresh.folder, PASSPHRASE)


def test_a_database_from_another_vault_is_reported_as_such(
    fresh: VaultUnderTest, tmp_path_factory: pytest.TempPathFactory
) -> None:
    from earlyyears_desktop.services.container import set_up_vault

    other = tmp_path_factory.mktemp("other") / "vault"
    set_up_vault(
        other,
        team_name="Other team",
        practitioner_name="Mirela Popescu",
        role="senco",
        passphrase=PASSPHRASE,
        params=KdfParams.for_tests(),
    ).vault.lock()
    fresh.vault.lock()
    (fresh.folder / "vault.db").write_bytes((other / "vault.db").read_bytes())
    with pytest.raises(VaultDamaged):
        open_vault(fresh.folder, PASSPHRASE)


def _secret_child() -> Child:
    return Child(
        id="not-unique",
        legal_given_names="Wilhelmina-Secretname",
        legal_family_name="Zzyzx",
        date_of_birth=dt.date(2024, 1, 1),
        search_key="",
        status="active",
    )


def test_database_errors_do_not_carry_the_values_written(fresh: VaultUnderTest) -> None:
    with pytest.raises(IntegrityError) as caught, fresh.services.uow.write() as tx:
        tx.session.add(_secret_child())
        tx.session.flush()
        tx.session.add(_secret_child())
        tx.session.flush()
    assert "Secretname" not in str(caught.value)


@pytest.mark.parametrize("weak", ["password2026!", "Earlyyears123", "qwertyuiop1", "aaaaabbbbbb"])
def test_guessable_passphrases_are_refused(weak: str) -> None:
    with pytest.raises(ValidationError):
        check_passphrase_strength(weak)


@pytest.mark.parametrize(
    "fine", ["correct horse battery staple", "early morning bus to Banbury", "Zoë's 3 red kites"]
)
def test_ordinary_passphrases_are_accepted(fine: str) -> None:
    check_passphrase_strength(fine)


def test_a_record_changed_outside_the_app_is_detected(demo: VaultUnderTest) -> None:
    assert demo.services.verify_audit().ok
    with demo.services.uow.engine.begin() as conn:
        conn.execute(
            text(
                "UPDATE children SET date_of_birth = '2019-01-01' "
                "WHERE id = (SELECT id FROM children ORDER BY id LIMIT 1)"
            )
        )
    report = demo.services.verify_audit()
    assert not report.ok
    assert [entity for entity, _ in report.altered_records] == ["child"]
    assert "changed outside the app" in report.message


def test_a_record_inserted_outside_the_app_is_detected(demo: VaultUnderTest) -> None:
    with demo.services.uow.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO venues (id, version, created_at, updated_at, changed_by_device, "
                "name, address, access_notes) VALUES ('v-smuggled', 1, '2026-01-01 00:00:00', "
                "'2026-01-01 00:00:00', '', 'Hall', '', '')"
            )
        )
    report = demo.services.verify_audit()
    assert ("venue", "v-smuggled") in report.altered_records


def test_children_sort_by_name_with_accented_letters_in_place(demo: VaultUnderTest) -> None:
    from earlyyears_desktop.services.children import ChildFilter

    children = demo.services.children
    names = [r.display_name for r in children.rows(children.search_ids(ChildFilter()))]
    firsts = [n.split()[0] for n in names]
    assert firsts.index("Émile") < firsts.index("Freya")
    assert firsts.index("Łucja") < firsts.index("Mateus")
    assert firsts.index("Zoë") == len(firsts) - 1 or firsts[-1].startswith("Z")


def test_a_file_named_as_the_vault_is_called_a_file(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    not_a_folder = tmp_path_factory.mktemp("file") / "notes.json"
    not_a_folder.write_text("{}")
    with pytest.raises(NotAVault, match="is a file, not a vault folder"):
        open_vault(not_a_folder, PASSPHRASE)
