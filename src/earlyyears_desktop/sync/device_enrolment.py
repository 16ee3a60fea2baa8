"""Enrolling a device with the central service: its keys, the request and the response.

The request holds no child's data: the device id, practitioner and team names and the
device's public keys. The response's keys are stored only after its checks pass; people then
compare both sides' fingerprints by phone.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import TYPE_CHECKING

from earlyyears_desktop.domain.errors import DomainError
from earlyyears_desktop.domain.models import DeviceKey, utcnow
from earlyyears_desktop.storage.atomic_file import replace_atomically

from .device_errors import AlreadyEnrolled
from .device_results import EnrolmentState, EnrolResult, Fingerprints
from .enrolment_files import (
    build_enrolment_request,
    parse_enrolment_response,
    read_enrolment_file,
    request_sha256,
)
from .keys import KeyPair, fingerprint, key_id, public_key_to_pem
from .stream_state import (
    K_CENTRAL_ENCRYPTION,
    K_CENTRAL_SIGNING,
    K_ENCRYPTION,
    K_SIGNING,
    S_CENTRAL_ID,
    S_CENTRAL_NAME,
    S_ENROLLED_AT,
    S_PENDING_REQUEST,
    S_REVOKED,
    S_SUITE,
    fingerprints_of,
    load_device_keys,
    load_peer,
    read_setting,
    restart_streams,
    store_key,
    write_accepted_entities,
    write_setting,
)

if TYPE_CHECKING:
    from earlyyears_desktop.services.container import Services


def device_keys(services: Services, *, create: bool = False) -> KeyPair | None:
    """This device's key pair; generated (once) and stored in the vault when `create`."""
    with services.uow.read() as session:
        keys = load_device_keys(session)
    if keys is not None or not create:
        return keys
    keys = KeyPair.generate()
    with services.uow.write() as tx:
        if load_device_keys(tx.session) is not None:  # made meanwhile: keep the first
            existing = load_device_keys(tx.session)
            assert existing is not None
            return existing
        tx.session.add(DeviceKey(name=K_SIGNING, key_bytes=keys.signing_private_bytes()))
        tx.session.add(DeviceKey(name=K_ENCRYPTION, key_bytes=keys.encryption_private_bytes()))
        write_setting(tx.session, S_SUITE, keys.suite.value)
        tx.audit_only("keys-created", "device", services.vault.device_id)
    return keys


def enrolment_state(services: Services) -> EnrolmentState:
    with services.uow.read() as session:
        keys = load_device_keys(session)
        peer = load_peer(session)
        revoked = read_setting(session, S_REVOKED)
        enrolled_at = read_setting(session, S_ENROLLED_AT)
    device = fingerprints_of(keys) if keys else None
    if peer is None:
        return EnrolmentState(services.vault.device_id, device, False, revoked_reason=revoked)
    central = Fingerprints(
        fingerprint(key_id(peer.signing_key)), fingerprint(key_id(peer.encryption_key))
    )
    return EnrolmentState(
        services.vault.device_id,
        device,
        True,
        peer.central_id,
        peer.name,
        central,
        enrolled_at,
        revoked,
    )


def write_enrolment_request(
    services: Services, out_path: str | os.PathLike[str], *, now: dt.datetime | None = None
) -> Fingerprints:
    """Write the request file (no child's data: device id, practitioner and team names)."""
    keys = device_keys(services, create=True)
    assert keys is not None
    practitioner = services.practitioner_name() or "Practitioner"
    team = services.vault.setting("team_name") or "Team"
    data = build_enrolment_request(
        keys,
        device_id=services.vault.device_id,
        practitioner_name=practitioner[:200],
        team_name=team[:200],
        now=now or dt.datetime.now(dt.UTC),
    )
    replace_atomically(Path(out_path), data, prefix=".enrol-", suffix=".tmp")
    with services.uow.write() as tx:
        write_setting(tx.session, S_PENDING_REQUEST, request_sha256(data))
    return fingerprints_of(keys)


def enrol(
    services: Services, response_path: str | os.PathLike[str], *, replace: bool = False
) -> EnrolResult:
    """Check the central service's response and store its keys.

    Raises EnrolmentRefused for a bad file, AlreadyEnrolled when another enrolment is in
    place and `replace` is not given. The caller shows both sides' fingerprints so that
    people compare them by phone.
    """
    keys = device_keys(
        services,
    )
    with services.uow.read() as session:
        pending = read_setting(session, S_PENDING_REQUEST)
    if keys is None or not pending:
        raise DomainError(
            "Create an enrolment request first: this device has no keys to enrol yet."
        )
    try:
        data = read_enrolment_file(Path(response_path))
    except OSError:
        raise DomainError("The enrolment response file could not be read.") from None
    response = parse_enrolment_response(
        data, device_id=services.vault.device_id, device_keys=keys, request_sha256=pending
    )
    signing_pem = public_key_to_pem(response.central_signing_public_key)
    encryption_pem = public_key_to_pem(response.central_encryption_public_key)
    with services.uow.write() as tx:
        session = tx.session
        peer = load_peer(session)
        same = (
            peer is not None
            and peer.central_id == response.central_id
            and peer.signing_pem == signing_pem
            and peer.encryption_pem == encryption_pem
        )
        if peer is not None and not same and not replace:
            raise AlreadyEnrolled(
                f"This device is already enrolled with {peer.name}. To replace that "
                "enrolment, load the response again and choose to replace it."
            )
        if peer is not None and peer.central_id != response.central_id:
            # Another central service: its streams start afresh, and it must get
            # everything, whatever the previous one had confirmed.
            restart_streams(session)
        store_key(session, K_CENTRAL_SIGNING, signing_pem.encode("ascii"))
        store_key(session, K_CENTRAL_ENCRYPTION, encryption_pem.encode("ascii"))
        write_setting(session, S_CENTRAL_ID, response.central_id)
        write_setting(session, S_CENTRAL_NAME, response.central_name)
        write_setting(session, S_ENROLLED_AT, utcnow().replace(microsecond=0).isoformat() + "Z")
        write_setting(session, S_REVOKED, "")
        write_accepted_entities(session, response.accepted_entities)
        tx.audit_only("enrolled", "device", services.vault.device_id)
    return EnrolResult(
        central_id=response.central_id,
        central_name=response.central_name,
        central=Fingerprints(
            response.central_signing_fingerprint, response.central_encryption_fingerprint
        ),
        device=fingerprints_of(keys),
        replaced=peer is not None and not same,
    )
