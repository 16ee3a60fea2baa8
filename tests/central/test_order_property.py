"""Property: whatever order a device's bundles arrive in, with repeats, the central service
ends up holding the same records, every bundle accepted once, and no gap left open."""

from __future__ import annotations

import json
import shutil
import uuid
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from earlyyears_desktop.central import models
from earlyyears_desktop.central.folder import init_central, open_central
from earlyyears_desktop.central.ingest import ingest_bundle
from earlyyears_desktop.central.registry import enrol_device
from earlyyears_desktop.sync.bundle import write_bundle
from earlyyears_desktop.sync.enrolment_files import build_enrolment_request
from earlyyears_desktop.sync.keys import CipherSuite, KeyPair

from ..fast_vaults import FAST_KDF
from .conftest import PASSPHRASE, record

BUNDLES = 5


def _build(base: Path) -> tuple[Path, list[Path]]:
    """A central folder with one device enrolled, and that device's bundles 1..BUNDLES."""
    from datetime import UTC, datetime

    template = base / "template"
    central = init_central(
        template,
        passphrase=PASSPHRASE,
        name="T",
        database_url=None,
        suite=CipherSuite.X25519,
        params=FAST_KDF,
    )
    device = KeyPair.generate()
    try:
        keys = central.unlock(PASSPHRASE)
        request = build_enrolment_request(
            device, device_id="dev-a", practitioner_name="P", team_name="T", now=datetime.now(UTC)
        )
        enrol_device(central, keys, request)
        central_id = central.config.central_id
    finally:
        central.close()
    paths, previous = [], None
    for seq in range(1, BUNDLES + 1):
        # Bundle n edits c1 to version n, adds c<n+1>, and re-sends c0 unchanged.
        records = [
            record("child", "c1", seq, legal_given_names=f"v{seq}"),
            record("child", f"c{seq + 1}", 1, legal_given_names="new"),
            record("child", "c0", 1, legal_given_names="same"),
        ]
        written = write_bundle(
            base / f"b{seq}.eyb",
            kind="export",
            sender_id="dev-a",
            sender_signing_key=device.signing,
            recipient_id=central_id,
            recipient_public_key=keys.encryption_public_key,
            sequence=seq,
            previous_bundle_sha256=previous,
            records=records,
        )
        previous = written.manifest_sha256
        paths.append(written.path)
    return template, paths


def test_any_delivery_order_gives_the_same_state(
    tmp_path_factory,  # type: ignore[no-untyped-def]
) -> None:
    base = tmp_path_factory.mktemp("order")
    template, paths = _build(base)

    @settings(
        max_examples=15,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(st.lists(st.integers(0, BUNDLES - 1), min_size=BUNDLES, max_size=2 * BUNDLES))
    def check(order: list[int]) -> None:
        order = order + list(range(BUNDLES))  # every bundle arrives at least once
        folder = base / f"c-{uuid.uuid4().hex}"
        shutil.copytree(template, folder)
        central = open_central(folder, PASSPHRASE)
        try:
            keys = central.unlock(PASSPHRASE)
            outcomes = [ingest_bundle(central, keys, paths[i]).outcome for i in order]
            assert "refused" not in outcomes
            assert outcomes.count("ingested") == BUNDLES
            with central.engine.connect() as conn:
                r = models.records.c
                state = {
                    row.record_id: (int(row.version), json.loads(row.data))
                    for row in conn.execute(select(r.record_id, r.version, r.data))
                }
                open_gaps = conn.execute(select(models.gaps)).all()
                conflicts = conn.execute(select(models.conflicts)).all()
        finally:
            central.close()
            shutil.rmtree(folder, ignore_errors=True)
        assert state["c1"] == (BUNDLES, {"legal_given_names": f"v{BUNDLES}"})
        assert state["c0"] == (1, {"legal_given_names": "same"})
        assert len(state) == BUNDLES + 2
        assert open_gaps == [] and conflicts == []

    check()
