"""An upgrade killed (SIGKILL) half-way, as a power cut would stop it: first while the copy
taken before it is written, then in the middle of the upgrade itself. The upgrade is one
transaction, so nothing of it stays; the copy is whole or absent (a half-written one, private
and encrypted, is removed by the next open); the next open upgrades cleanly."""

from __future__ import annotations

import stat
from pathlib import Path

from sqlalchemy import text

from earlyyears_desktop.services.vault_check import check_vault
from earlyyears_desktop.storage import migrations
from earlyyears_desktop.storage.engine import make_engine
from earlyyears_desktop.storage.keyslots import KeySlotFile, normalise_passphrase
from earlyyears_desktop.storage.vault import open_vault

from ..kill_at import run_killed
from .conftest import VaultUnderTest, services_on_test_day
from .test_migrations import (  # noqa: F401 (an autouse fixture: vaults made by the revisions)
    _vault_at_first_revision,
    vaults_made_by_the_migrations,
)


def _revision_and_tables(database: Path, folder: Path, passphrase: str) -> tuple[str, set[str]]:
    """What a database holds, read with the vault's key without opening (or upgrading) it."""
    slots = KeySlotFile.load(folder / "keyslots.json")
    _, key = slots.unwrap(normalise_passphrase(passphrase), slots.passphrase_slots(None))
    engine = make_engine(database, lambda: key)
    try:
        revision = migrations.current_revision(engine)
        with engine.connect() as conn:
            tables = set(conn.execute(text("SELECT name FROM sqlite_master")).scalars())
    finally:
        engine.dispose()
    assert revision is not None
    return revision, tables


def test_an_upgrade_killed_half_way_leaves_the_vault_as_it_was(fresh: VaultUnderTest) -> None:
    folder, passphrase = fresh.folder, fresh.passphrase
    child_id, observation = _vault_at_first_revision(fresh)  # locked, at revision 0001
    backups = folder / "backups"

    run_killed("copy-written", "info", folder, passphrase=passphrase)
    [partial] = backups.iterdir()
    assert partial.name.startswith(".before-upgrade-") and partial.name.endswith(".partial")
    assert stat.S_IMODE(partial.stat().st_mode) == 0o600
    assert not partial.read_bytes().startswith(b"SQLite format 3")  # encrypted
    assert _revision_and_tables(folder / "vault.db", folder, passphrase)[0] == "0001"

    run_killed("mid-upgrade", "info", folder, passphrase=passphrase)
    # Three revisions were applied in the transaction when it was killed: none stayed.
    revision, tables = _revision_and_tables(folder / "vault.db", folder, passphrase)
    assert revision == "0001" and "observations_fts" not in tables
    # The half-written copy went; the copy taken this time is whole: the vault at 0001.
    [copy] = backups.iterdir()
    assert copy.name.startswith("before-upgrade-") and copy.name.endswith(".db")
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600
    assert _revision_and_tables(copy, folder, passphrase) == (revision, tables)

    services = services_on_test_day(open_vault(folder, passphrase))
    fresh.services = services
    assert migrations.current_revision(services.vault.engine) == migrations.head_revision()
    assert services.children.get_child(child_id).legal_given_names == "Ngozi"
    assert [o.id for o in services.observations.search("marmaladecrumble")] == [observation]
    report = check_vault(services)
    assert report.ok, report.failed
