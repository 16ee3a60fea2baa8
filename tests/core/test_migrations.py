"""Schema migrations on unlock: an older vault upgrades with its data, after a backup."""

from __future__ import annotations

import datetime as dt
import stat
import subprocess
import sys
from collections.abc import Iterator
from types import SimpleNamespace

import pytest
from sqlalchemy import Connection, select, text

from earlyyears_desktop.domain.enums import ProgressRating
from earlyyears_desktop.domain.models import Observation
from earlyyears_desktop.services.accounts import unlock
from earlyyears_desktop.services.children import ChildInput
from earlyyears_desktop.services.clock import Clock
from earlyyears_desktop.services.observations import ObservationInput
from earlyyears_desktop.services.unit_of_work import GENESIS_HASH, audit_hash
from earlyyears_desktop.storage import migrations
from earlyyears_desktop.storage.engine import make_engine
from earlyyears_desktop.storage.vault import open_vault

from ..schema_template import SchemaTemplate
from .conftest import TODAY, VaultUnderTest, downgrade, services_on_test_day


@pytest.fixture(autouse=True)
def vaults_made_by_the_migrations(vault_schema_from_a_template: SchemaTemplate) -> Iterator[None]:
    """Every vault of this module is made by the revisions themselves, not copied from the
    tests' template: they are taken back and forward."""
    vault_schema_from_a_template.bypassed = True
    yield
    vault_schema_from_a_template.bypassed = False


OLD_WORDS = "Wobblyjellyfish explored the Marmaladecrumble tray at revision one"


def _vault_at_first_revision(fresh: VaultUnderTest) -> tuple[str, str]:
    """A vault taken back to 0001 with a child and an observation in it.

    The records are written first, through today's services (which need today's schema),
    then the schema goes back: that drops the full-text index (0002) and the audit digests
    (0003), so the upgrade must rebuild the index from what the tables hold.
    """
    saved = fresh.services.children.create_child(
        ChildInput("Ngozi", "Okafor", TODAY - dt.timedelta(days=900))
    )
    observation = fresh.services.observations.add(
        ObservationInput(saved.id, OLD_WORDS, TODAY - dt.timedelta(days=3))
    ).id
    downgrade(fresh.vault, "0001")
    assert migrations.current_revision(fresh.vault.engine) == "0001"
    with fresh.vault.engine.begin() as conn:
        tables = set(conn.execute(text("SELECT name FROM sqlite_master")).scalars())
        _rehash_audit_chain_without_digests(conn)
    assert "observations_fts" not in tables
    fresh.vault.lock()
    return saved.id, observation


def _rehash_audit_chain_without_digests(conn: Connection) -> None:
    """Make the chain what a 0001 app would have written: its events carried no digest."""
    prev = GENESIS_HASH
    rows = conn.execute(
        text(
            "SELECT seq, at, practitioner_id, device_id, action, entity, record_id, version "
            "FROM audit_events ORDER BY seq"
        )
    ).all()
    for row in rows:
        event = SimpleNamespace(**row._asdict(), record_sha256="")
        event.at = dt.datetime.fromisoformat(str(event.at))
        digest = audit_hash(prev, event)
        conn.execute(
            text("UPDATE audit_events SET prev_hash = :p, hash = :h WHERE seq = :s"),
            {"p": prev, "h": digest, "s": row.seq},
        )
        prev = digest


def test_old_vault_upgrades_with_data_intact(fresh: VaultUnderTest) -> None:
    child_id, observation_id = _vault_at_first_revision(fresh)
    assert not (fresh.folder / "backups").exists()

    services = services_on_test_day(open_vault(fresh.folder, fresh.passphrase))
    fresh.services = services
    assert migrations.current_revision(services.vault.engine) == migrations.head_revision()
    assert services.children.get_child(child_id).legal_given_names == "Ngozi"
    assert [o.id for o in services.observations.for_child(child_id)] == [observation_id]
    # The full-text index was built from what 0001 had written.
    found = services.observations.search("marmaladecrumble")
    assert [o.id for o in found] == [observation_id]
    assert [o.id for o in services.observations.search("wobbly")] == [observation_id]
    assert services.verify_audit().ok

    # New observations are indexed by the triggers from here on.
    newer = services.observations.add(
        ObservationInput(child_id, "Marmaladecrumble again today", TODAY)
    ).id
    assert {o.id for o in services.observations.search("marmaladecrumble")} == {
        observation_id,
        newer,
    }


def test_upgrade_takes_an_encrypted_backup_first(fresh: VaultUnderTest) -> None:
    _, observation_id = _vault_at_first_revision(fresh)
    vault = open_vault(fresh.folder, fresh.passphrase)
    backups = sorted((fresh.folder / "backups").iterdir())
    assert len(backups) == 1 and backups[0].name.startswith("before-upgrade-")
    backup = backups[0]
    assert stat.S_IMODE(backup.stat().st_mode) & 0o077 == 0
    assert not backup.read_bytes().startswith(b"SQLite format 3")

    # The backup opens with the vault's own key and is the vault as it was: at 0001.
    key = vault._data_key()
    engine = make_engine(backup, lambda: key)
    try:
        assert migrations.current_revision(engine) == "0001"
        with engine.connect() as conn:
            ids = conn.execute(select(Observation.id)).scalars().all()
            tables = set(conn.execute(text("SELECT name FROM sqlite_master")).scalars())
        assert ids == [observation_id]
        assert "observations_fts" not in tables
    finally:
        engine.dispose()
        vault.lock()


def test_opening_an_up_to_date_vault_takes_no_backup(fresh: VaultUnderTest) -> None:
    fresh.reopen()
    fresh.reopen()
    assert not (fresh.folder / "backups").exists()


def test_a_failed_upgrade_leaves_the_vault_as_it_was(
    fresh: VaultUnderTest, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, observation_id = _vault_at_first_revision(fresh)

    def broken_upgrade(engine, revision="head"):  # type: ignore[no-untyped-def]
        with engine.begin() as conn:
            conn.execute(text("CREATE TABLE half_done (x INTEGER)"))
            raise RuntimeError("power cut in the middle of a migration")

    monkeypatch.setattr(migrations, "upgrade", broken_upgrade)
    with pytest.raises(RuntimeError):
        open_vault(fresh.folder, fresh.passphrase)
    monkeypatch.undo()

    services = services_on_test_day(open_vault(fresh.folder, fresh.passphrase))
    fresh.services = services
    with services.vault.engine.connect() as conn:
        tables = set(conn.execute(text("SELECT name FROM sqlite_master")).scalars())
    assert "half_done" not in tables
    assert [o.id for o in services.observations.search("marmaladecrumble")] == [observation_id]


def test_the_newest_revision_is_read_as_alembic_reads_it() -> None:
    """Opening a vault at the newest revision skips Alembic; the newest revision it compares
    with is read from the revision files, and must be the one Alembic would upgrade to."""
    from alembic.script import ScriptDirectory

    alembic_head = ScriptDirectory.from_config(migrations.alembic_config()).get_current_head()
    assert migrations.head_revision() == alembic_head


def test_a_vault_at_the_newest_revision_opens_without_loading_alembic(
    fresh: VaultUnderTest,
) -> None:
    fresh.vault.lock()
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from earlyyears_desktop.storage.vault import open_vault\n"
        "open_vault(Path(sys.argv[1]), sys.argv[2]).lock()\n"
        "print(sorted(n for n in sys.modules if n.split('.')[0] == 'alembic'))\n"
    )
    opened = subprocess.run(
        [sys.executable, "-c", code, str(fresh.folder), fresh.passphrase],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert opened.returncode == 0, opened.stderr
    assert opened.stdout.strip() == "[]"


def test_targets_written_before_steps_had_records_get_them_at_unlock(
    fresh: VaultUnderTest,
) -> None:
    """0008: the newline-separated small steps of an older target become `target_steps`
    records at the next unlock, through the services (audited, exported); a "secure" rating
    written before reads as Achieved."""
    child = fresh.services.children.create_child(
        ChildInput("Tomasz", "Wiśniewski", TODAY - dt.timedelta(days=800))
    ).id
    target = fresh.services.targets.add(
        child,
        "Communication",
        "Asks for more",
        ["Looks at the adult", "Reaches to ask", "Signs more"],
        set_on=TODAY - dt.timedelta(days=20),
    ).id
    # What an older release left: a target whose steps are only its text.
    with fresh.vault.engine.begin() as conn:
        conn.execute(text("DELETE FROM target_steps WHERE target_id = :t"), {"t": target})
    fresh.vault.lock()

    unlocked = unlock(fresh.folder, fresh.passphrase, clock=Clock.fixed(TODAY))
    services = fresh.services = unlocked.services
    (view,) = services.targets.for_child(child)
    assert [s.text for s in view.steps] == ["Looks at the adult", "Reaches to ask", "Signs more"]
    assert view.current_step is not None and view.current_step.position == 0
    assert services.targets.add_missing_steps() is None  # once only
    with services.uow.read() as session:
        logged = set(
            session.execute(
                text("SELECT record_id FROM change_log WHERE entity = 'target_step'")
            ).scalars()
        )
    assert {s.id for s in view.steps} <= logged
    assert services.verify_audit().ok
    assert ProgressRating("secure") is ProgressRating.ACHIEVED
    assert ProgressRating("not_yet") is ProgressRating.EMERGING


def test_the_migrations_make_the_models_schema(fresh: VaultUnderTest) -> None:
    """A vault the revisions made has every table, column, type, nullability, index, unique
    constraint and foreign key of `domain/models.py`, and nothing else: a revision that forgets
    a column or an index, or a model changed without one, fails here."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from earlyyears_desktop.domain.models import Base

    with fresh.vault.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        differences = compare_metadata(context, Base.metadata)
    # not in the models: the full-text index (a virtual table and its shadow tables, 0002),
    # Alembic's own table, and the partial unique index on export sequences (0005)
    differences = [
        d
        for d in differences
        if not (
            isinstance(d, tuple)
            and (
                (d[0] == "remove_table" and d[1].name.startswith("observations_fts"))
                or (d[0] == "remove_table" and d[1].name == "alembic_version")
                or (d[0] == "remove_index" and d[1].name == "ux_sync_bundles_export_sequence")
            )
        )
    ]
    assert [repr(d) for d in differences] == []
