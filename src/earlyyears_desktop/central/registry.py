"""The device registry: enrolment (request in, signed response out) and revocation."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import insert, select, update
from sqlalchemy.exc import SQLAlchemyError

from earlyyears_desktop.central import models
from earlyyears_desktop.central.errors import CentralError, Refused
from earlyyears_desktop.central.folder import CentralFolder, database_error
from earlyyears_desktop.sync.enrolment_files import (
    EnrolmentRequest,
    build_enrolment_response,
    parse_enrolment_request,
    read_enrolment_file,
)
from earlyyears_desktop.sync.errors import EnrolmentRefused
from earlyyears_desktop.sync.keys import KeyPair, public_key_to_pem

MAX_REASON_LENGTH = 500


@dataclass(frozen=True)
class Enrolled:
    request: EnrolmentRequest
    response: bytes
    #: "new", "again" (same keys, response issued again) or "replaced" (new keys)
    how: str


def read_request_file(path: Path) -> bytes:
    """The request file's bytes, read with the enrolment file size cap (never more)."""
    try:
        return read_enrolment_file(path)
    except EnrolmentRefused as exc:
        raise _refused(exc) from None
    except OSError as exc:
        raise CentralError(f"Cannot read the enrolment request {path}: {exc.strerror}.") from None


def read_request(data: bytes) -> EnrolmentRequest:
    try:
        return parse_enrolment_request(data)
    except EnrolmentRefused as exc:
        raise _refused(exc) from None


def _refused(exc: EnrolmentRefused) -> Refused:
    return Refused(f"The enrolment request was refused ({exc.code}): {exc.reason}", exc.code)


def enrol_device(
    central: CentralFolder,
    keys: KeyPair,
    request_bytes: bytes,
    *,
    replace: bool = False,
    now: datetime | None = None,
    deliver: Callable[[bytes], None] | None = None,
) -> Enrolled:
    """Register the device of a checked request and build the signed response.

    The same request again (same device id, same keys) gives a fresh response. A device id
    already enrolled with other keys, or a revoked device, needs `replace`. `deliver` (writing
    the response file) runs inside the registration's transaction: if it fails, the device is
    not registered.
    """
    request = read_request(request_bytes)
    moment = now or datetime.now(UTC)
    stamp = moment.astimezone(UTC).replace(tzinfo=None)
    d = models.devices.c
    values = {
        "practitioner": request.practitioner_name,
        "team": request.team_name,
        "signing_key_id": request.signing_key_id,
        "encryption_key_id": request.encryption_key_id,
        "signing_public_key_pem": public_key_to_pem(request.signing_public_key),
        "encryption_public_key_pem": public_key_to_pem(request.encryption_public_key),
        "cipher_suite": request.cipher_suite.value,
        "status": "active",
        "revoked_reason": "",
        "revoked_at": None,
        "enrolled_at": stamp,
    }
    try:
        with central.engine.begin() as conn:
            other = conn.execute(
                select(d.device_id).where(
                    d.signing_key_id == request.signing_key_id,
                    d.device_id != request.device_id,
                )
            ).first()
            if other is not None:
                raise CentralError(
                    f"This signing key is already enrolled for device {other.device_id}; "
                    "a device must have keys of its own."
                )
            existing = conn.execute(
                select(d.signing_key_id, d.encryption_key_id, d.status).where(
                    d.device_id == request.device_id
                )
            ).first()
            if existing is None:
                conn.execute(insert(models.devices).values(device_id=request.device_id, **values))
                how = "new"
            else:
                same_keys = (
                    existing.signing_key_id == request.signing_key_id
                    and existing.encryption_key_id == request.encryption_key_id
                )
                if not replace and not same_keys:
                    raise CentralError(
                        f"Device {request.device_id} is already enrolled with other keys; "
                        "check with its user, then use --replace to enrol the new keys."
                    )
                if not replace and existing.status != "active":
                    raise CentralError(
                        f"Device {request.device_id} was revoked; use --replace to enrol it again."
                    )
                if same_keys and existing.status == "active":
                    how = "again"
                    values.pop("enrolled_at")
                else:
                    how = "replaced"
                conn.execute(
                    update(models.devices).where(d.device_id == request.device_id).values(**values)
                )
            response = build_enrolment_response(
                keys,
                central_id=central.config.central_id,
                central_name=central.config.name,
                request=request,
                now=moment,
                accepted_entities=central.config.accepted_entity_types,
            )
            if deliver is not None:
                deliver(response)
    except SQLAlchemyError as exc:
        raise database_error(exc) from None
    return Enrolled(request=request, response=response, how=how)


def revoke_device(
    central: CentralFolder, device_id: str, reason: str, *, now: datetime | None = None
) -> bool:
    """Mark the device revoked; False if it already was. Its later bundles are refused."""
    if len(reason) > MAX_REASON_LENGTH:
        raise CentralError(f"The reason must be at most {MAX_REASON_LENGTH} characters.")
    stamp = (now or datetime.now(UTC)).astimezone(UTC).replace(tzinfo=None)
    d = models.devices.c
    try:
        with central.engine.begin() as conn:
            status = conn.execute(select(d.status).where(d.device_id == device_id)).scalar()
            if status is None:
                raise CentralError(f"No device {device_id} is enrolled here.")
            if status == "revoked":
                if reason:
                    conn.execute(
                        update(models.devices)
                        .where(d.device_id == device_id)
                        .values(revoked_reason=reason)
                    )
                return False
            conn.execute(
                update(models.devices)
                .where(d.device_id == device_id)
                .values(status="revoked", revoked_reason=reason, revoked_at=stamp)
            )
    except SQLAlchemyError as exc:
        raise database_error(exc) from None
    return True
