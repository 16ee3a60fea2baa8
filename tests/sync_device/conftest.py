"""Fixtures for the device-side sync tests: real SQLCipher vaults, real keys, real files.

`Central` plays the central service with its own KeyPair (it never uses the code in
`earlyyears_desktop.central`): it answers enrolment requests, opens export bundles and writes
return bundles with `write_bundle`, exactly as agreed in docs/bundle-format.md. Like the
reference central service, it announces the newest schema revision of every type unless a
test says otherwise (`accepted_entities=None`: no announcement, as revision 1.0).
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest

from earlyyears_desktop.demo import DEMO_PASSPHRASE
from earlyyears_desktop.domain.enums import ConsentKind
from earlyyears_desktop.services.children import CarerInput, ChildInput
from earlyyears_desktop.services.container import Services, set_up_vault
from earlyyears_desktop.storage.keyslots import KdfParams
from earlyyears_desktop.storage.vault import open_vault
from earlyyears_desktop.sync.bundle import (
    TrustedSender,
    VerifiedBundle,
    WrittenBundle,
    open_bundle,
    write_bundle,
)
from earlyyears_desktop.sync.device import DeviceSync
from earlyyears_desktop.sync.enrolment_files import (
    build_enrolment_response,
    parse_enrolment_request,
)
from earlyyears_desktop.sync.entity_types import newest_announcement, synced_entity_types
from earlyyears_desktop.sync.keys import KeyPair, key_id

from ..conftest import DemoTemplate
from ..fast_vaults import DEMO_DAY

PASSPHRASE = "correct horse battery staple"
FAST = KdfParams.for_tests()
TODAY = DEMO_DAY
CENTRAL_ID = "central-test-la"
#: what the reference central service of this release announces
NEWEST = sorted(newest_announcement(synced_entity_types()))


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass
class Central:
    """A stand-in central service for one device."""

    keys: KeyPair = field(default_factory=KeyPair.generate)
    central_id: str = CENTRAL_ID
    name: str = "Test County Council"
    device_id: str = ""
    device_signing_key: object = None
    device_encryption_key: object = None
    sequence: int = 0
    previous: str | None = None

    def respond(
        self,
        request_path: Path,
        response_path: Path,
        accepted_entities: Iterable[str] | None = tuple(NEWEST),
    ) -> None:
        request = parse_enrolment_request(request_path.read_bytes())
        self.device_id = request.device_id
        self.device_signing_key = request.signing_public_key
        self.device_encryption_key = request.encryption_public_key
        response_path.write_bytes(
            build_enrolment_response(
                self.keys,
                central_id=self.central_id,
                central_name=self.name,
                request=request,
                now=now(),
                accepted_entities=accepted_entities,
            )
        )

    def open_export(self, path: Path) -> VerifiedBundle:
        signing = self.device_signing_key
        return open_bundle(
            path,
            trusted_senders={
                key_id(signing): TrustedSender(self.device_id, signing)  # type: ignore[arg-type]
            },
            recipient_private_key=self.keys.encryption,
            expected_kind="export",
            now=now(),
        )

    def return_bundle(
        self,
        out: Path,
        records: Iterable[Mapping[str, object]] = (),
        *,
        acknowledged: list[int] | None = None,
        through: int | None = None,
        revoked: bool = False,
        reason: str = "",
        expires_at: dt.datetime | None = None,
        sequence: int | None = None,
        previous: str | None = "chain",
        signing_keys: KeyPair | None = None,
        recipient_key: object = None,
        recipient_id: str | None = None,
        accepted_entities: object = tuple(NEWEST),
    ) -> WrittenBundle:
        """Write the next return bundle (or one with the given sequence/previous hash)."""
        seq = sequence if sequence is not None else self.sequence + 1
        prev = self.previous if previous == "chain" else previous
        if seq == 1:
            prev = None
        elif prev is None:
            prev = "0" * 64
        extra: dict[str, object] = {
            "acknowledged_sequences": acknowledged or [],
            "revoked": revoked,
            "revoked_reason": reason,
        }
        if through is not None:
            extra["acknowledged_through"] = through
        if isinstance(accepted_entities, tuple):
            accepted_entities = list(accepted_entities)
        if accepted_entities is not None:
            extra["accepted_entities"] = accepted_entities
        written = write_bundle(
            out,
            kind="return",
            sender_id=self.central_id,
            sender_signing_key=(signing_keys or self.keys).signing,
            recipient_id=recipient_id or self.device_id,
            recipient_public_key=recipient_key or self.device_encryption_key,  # type: ignore[arg-type]
            sequence=seq,
            previous_bundle_sha256=prev,
            records=list(records),
            expires_at=expires_at or now() + dt.timedelta(days=30),
            extra=extra,
        )
        if sequence is None or sequence > self.sequence:
            self.sequence = seq
            self.previous = written.manifest_sha256
        return written


def enrol(
    services: Services,
    central: Central,
    folder: Path,
    accepted_entities: Iterable[str] | None = tuple(NEWEST),
) -> DeviceSync:
    sync = DeviceSync(services)
    request, response = folder / "request.json", folder / "response.json"
    sync.enrolment_request(request)
    central.respond(request, response, accepted_entities)
    sync.enrol(response)
    return sync


@pytest.fixture
def services(tmp_path: Path) -> Iterator[Services]:
    created = set_up_vault(
        tmp_path / "vault",
        team_name="Riverside Portage Team",
        practitioner_name="Sam Practitioner",
        role="portage_worker",
        passphrase=PASSPHRASE,
        params=FAST,
    )
    services = Services(created.vault, today=lambda: TODAY)
    yield services
    services.vault.lock()


def add_child(
    services: Services, given: str, family: str, *, consent: bool = True, carer: str = "A Carer"
) -> str:
    consents = (
        [(ConsentKind.SHARE_WITH_CENTRAL.value, carer, TODAY - dt.timedelta(days=10))]
        if consent
        else []
    )
    saved = services.children.create_child(
        ChildInput(given, family, TODAY - dt.timedelta(days=900)),
        carers=[CarerInput(carer, relationship="Parent")],
        consents=consents,
    )
    return saved.id


@pytest.fixture
def demo_template(demo_on_demo_day: DemoTemplate) -> Path:
    """The demo vault built once per run for TODAY, locked: never open it, copy it."""
    return demo_on_demo_day.folder


@pytest.fixture
def demo(demo_template: Path, tmp_path: Path) -> Iterator[Services]:
    folder = tmp_path / "demo"
    shutil.copytree(demo_template, folder)
    services = Services(open_vault(folder, DEMO_PASSPHRASE), today=lambda: TODAY)
    yield services
    services.vault.lock()


@pytest.fixture
def central() -> Central:
    return Central()


@pytest.fixture
def usb(tmp_path: Path) -> Path:
    folder = tmp_path / "usb"
    folder.mkdir()
    return folder
