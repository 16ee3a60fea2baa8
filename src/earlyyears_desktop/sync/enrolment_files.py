"""Enrolment request (device -> central) and response (central -> device) files.

Both are small JSON files signed by their maker's Ed25519 key over the canonical JSON of every
field except `signature`. That signature proves the maker holds the private key; it does not
prove who the maker is. Trust comes from people comparing the fingerprints out of band.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Final

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric import ed25519

from earlyyears_desktop.storage.file_limits import FileTooLarge, describe_size, read_small_file

from .canonical import (
    CanonicalJSONError,
    canonical_dumps,
    format_timestamp,
    parse_strict_json,
    parse_timestamp,
)
from .entity_types import BadAnnouncement, announcement, parse_accepted_entities
from .errors import EnrolmentRefused
from .keys import (
    CipherSuite,
    EncryptionPublicKey,
    KeyPair,
    PublicKeyIds,
    fingerprint,
    is_key_id,
    key_id,
    load_encryption_public_key_pem,
    load_signing_public_key_pem,
    public_key_to_pem,
    suite_for_key,
)

REQUEST_FORMAT: Final = "earlyyears-enrolment-request"
RESPONSE_FORMAT: Final = "earlyyears-enrolment-response"
FORMAT_VERSION: Final = 1
MAX_ENROLMENT_FILE_SIZE: Final = 64 * 1024
MAX_TEXT_LENGTH: Final = 200

REQUEST_FIELDS: Final = frozenset(
    {
        "format",
        "format_version",
        "device_id",
        "practitioner_name",
        "team_name",
        "signing_public_key_pem",
        "encryption_public_key_pem",
        "cipher_suite",
        "created_at",
        "signature",
    }
)
RESPONSE_FIELDS: Final = frozenset(
    {
        "format",
        "format_version",
        "device_id",
        "central_id",
        "central_name",
        "central_signing_public_key_pem",
        "central_encryption_public_key_pem",
        "cipher_suite",
        "device_signing_key_id",
        "device_encryption_key_id",
        "request_sha256",
        "accepted_at",
        "signature",
    }
)
#: Members a response may carry or leave out (format revision 1.1, docs/bundle-format.md 12).
RESPONSE_OPTIONAL_FIELDS: Final = frozenset({"accepted_entities"})


@dataclass(frozen=True)
class EnrolmentRequest(PublicKeyIds):
    device_id: str
    practitioner_name: str
    team_name: str
    signing_public_key: ed25519.Ed25519PublicKey
    encryption_public_key: EncryptionPublicKey
    cipher_suite: CipherSuite
    created_at: datetime
    # SHA-256 (hex) of the exact request file bytes; the response carries it back.
    request_sha256: str


@dataclass(frozen=True)
class EnrolmentResponse:
    device_id: str
    central_id: str
    central_name: str
    central_signing_public_key: ed25519.Ed25519PublicKey
    central_encryption_public_key: EncryptionPublicKey
    cipher_suite: CipherSuite
    device_signing_key_id: str
    device_encryption_key_id: str
    request_sha256: str
    accepted_at: datetime
    #: The entity types the central service accepts in export bundles; None when the
    #: response does not say (a central service of format revision 1.0).
    accepted_entities: frozenset[str] | None = None

    @property
    def central_signing_key_id(self) -> str:
        return key_id(self.central_signing_public_key)

    @property
    def central_encryption_key_id(self) -> str:
        return key_id(self.central_encryption_public_key)

    @property
    def central_signing_fingerprint(self) -> str:
        return fingerprint(self.central_signing_key_id)

    @property
    def central_encryption_fingerprint(self) -> str:
        return fingerprint(self.central_encryption_key_id)


def read_enrolment_file(path: Path) -> bytes:
    """An enrolment request or response file's bytes, reading no more than the size cap.

    A larger file (or /dev/zero) is refused after MAX_ENROLMENT_FILE_SIZE + 1 bytes, as
    EnrolmentRefused "not-an-enrolment-file"; OSError is raised as it comes.
    """
    try:
        return read_small_file(path, MAX_ENROLMENT_FILE_SIZE)
    except FileTooLarge:
        raise EnrolmentRefused(
            f"The file holds more than {describe_size(MAX_ENROLMENT_FILE_SIZE)}: "
            "too large to be an enrolment file.",
            "not-an-enrolment-file",
        ) from None


def request_sha256(data: bytes) -> str:
    """What a response to the request file `data` carries in `request_sha256`."""
    return hashlib.sha256(data).hexdigest()


def build_enrolment_request(
    device_keys: KeyPair,
    *,
    device_id: str,
    practitioner_name: str,
    team_name: str,
    now: datetime,
) -> bytes:
    """The request file's bytes, signed by the device's signing key."""
    for name, value in (
        ("device_id", device_id),
        ("practitioner_name", practitioner_name),
        ("team_name", team_name),
    ):
        if not _is_text(value):
            raise ValueError(f"{name} must be 1 to {MAX_TEXT_LENGTH} characters")
    fields: dict[str, object] = {
        "format": REQUEST_FORMAT,
        "format_version": FORMAT_VERSION,
        "device_id": device_id,
        "practitioner_name": practitioner_name,
        "team_name": team_name,
        "signing_public_key_pem": public_key_to_pem(device_keys.signing_public_key),
        "encryption_public_key_pem": public_key_to_pem(device_keys.encryption_public_key),
        "cipher_suite": device_keys.suite.manifest_value(),
        "created_at": format_timestamp(now),
    }
    return _sign_document(fields, device_keys.signing)


def parse_enrolment_request(data: bytes) -> EnrolmentRequest:
    """Read and check a request file; raises EnrolmentRefused saying what is wrong."""
    doc = _parse_document(data, REQUEST_FORMAT, REQUEST_FIELDS, "an enrolment request")
    _require_text(doc, "device_id", "practitioner_name", "team_name")
    signing_key = _signing_key(doc["signing_public_key_pem"])
    encryption_key = _encryption_key(doc["encryption_public_key_pem"])
    suite = _suite_matching(doc["cipher_suite"], encryption_key)
    created_at = _timestamp(doc["created_at"], "created_at")
    _verify_signature(doc, signing_key, "device")
    return EnrolmentRequest(
        device_id=str(doc["device_id"]),
        practitioner_name=str(doc["practitioner_name"]),
        team_name=str(doc["team_name"]),
        signing_public_key=signing_key,
        encryption_public_key=encryption_key,
        cipher_suite=suite,
        created_at=created_at,
        request_sha256=request_sha256(data),
    )


def build_enrolment_response(
    central_keys: KeyPair,
    *,
    central_id: str,
    central_name: str,
    request: EnrolmentRequest,
    now: datetime,
    accepted_entities: Iterable[str] | None = None,
) -> bytes:
    """The response file's bytes for an accepted (already parsed and checked) request.

    The response names the request it answers by `request.request_sha256`, the hash of the
    exact request file bytes that `parse_enrolment_request` read. `accepted_entities`, when
    given, announces the entity types the central service accepts (signed with the rest).
    """
    for name, value in (("central_id", central_id), ("central_name", central_name)):
        if not _is_text(value):
            raise ValueError(f"{name} must be 1 to {MAX_TEXT_LENGTH} characters")
    fields: dict[str, object] = {
        "format": RESPONSE_FORMAT,
        "format_version": FORMAT_VERSION,
        "device_id": request.device_id,
        "central_id": central_id,
        "central_name": central_name,
        "central_signing_public_key_pem": public_key_to_pem(central_keys.signing_public_key),
        "central_encryption_public_key_pem": public_key_to_pem(central_keys.encryption_public_key),
        "cipher_suite": central_keys.suite.manifest_value(),
        "device_signing_key_id": request.signing_key_id,
        "device_encryption_key_id": request.encryption_key_id,
        "request_sha256": request.request_sha256,
        "accepted_at": format_timestamp(now),
    }
    if accepted_entities is not None:
        fields["accepted_entities"] = announcement(accepted_entities)
    return _sign_document(fields, central_keys.signing)


def parse_enrolment_response(
    data: bytes,
    *,
    device_id: str,
    device_keys: KeyPair,
    request: bytes | None = None,
    request_sha256: str | None = None,
) -> EnrolmentResponse:
    """Read and check a response file made for this device and for its pending request.

    Give exactly one of `request` (the bytes of the request file this device sent and is
    waiting on) or `request_sha256` (their SHA-256, hex, as `request_sha256()` gives it). A
    response to any other request, even one from this device with the same keys, is refused
    ("wrong-request").
    """
    expected_request = _expected_request_sha256(request, request_sha256)
    doc = _parse_document(
        data, RESPONSE_FORMAT, RESPONSE_FIELDS, "an enrolment response", RESPONSE_OPTIONAL_FIELDS
    )
    _require_text(doc, "device_id", "central_id", "central_name")
    for name in ("device_signing_key_id", "device_encryption_key_id"):
        if not is_key_id(doc[name]):
            raise _bad(f"{name} is not a key id")
    if not is_key_id(doc["request_sha256"]):
        raise _bad("request_sha256 is not a SHA-256 hex digest")
    signing_key = _signing_key(doc["central_signing_public_key_pem"])
    encryption_key = _encryption_key(doc["central_encryption_public_key_pem"])
    suite = _suite_matching(doc["cipher_suite"], encryption_key)
    accepted_at = _timestamp(doc["accepted_at"], "accepted_at")
    accepted_entities = None
    if "accepted_entities" in doc:
        try:
            accepted_entities = parse_accepted_entities(doc["accepted_entities"])
        except BadAnnouncement as exc:
            raise _bad(str(exc)) from None
    _verify_signature(doc, signing_key, "central service")
    if (
        doc["device_id"] != device_id
        or doc["device_signing_key_id"] != device_keys.signing_key_id
        or doc["device_encryption_key_id"] != device_keys.encryption_key_id
    ):
        raise EnrolmentRefused(
            "This enrolment response was made for another device or for this device's old keys.",
            "wrong-device",
        )
    if doc["request_sha256"] != expected_request:
        raise EnrolmentRefused(
            "This enrolment response answers a different enrolment request than the one this "
            "device is waiting for; use the response to its latest request.",
            "wrong-request",
        )
    return EnrolmentResponse(
        device_id=str(doc["device_id"]),
        central_id=str(doc["central_id"]),
        central_name=str(doc["central_name"]),
        central_signing_public_key=signing_key,
        central_encryption_public_key=encryption_key,
        cipher_suite=suite,
        device_signing_key_id=str(doc["device_signing_key_id"]),
        device_encryption_key_id=str(doc["device_encryption_key_id"]),
        request_sha256=str(doc["request_sha256"]),
        accepted_at=accepted_at,
        accepted_entities=accepted_entities,
    )


def _expected_request_sha256(request: bytes | None, request_hash: str | None) -> str:
    if (request is None) == (request_hash is None):
        raise TypeError("give exactly one of request (the request file bytes) or request_sha256")
    if request is not None:
        return request_sha256(request)
    if not is_key_id(request_hash):
        raise ValueError("request_sha256 must be 64 lower-case hex digits")
    assert request_hash is not None
    return request_hash


def signed_bytes(doc: Mapping[str, object]) -> bytes:
    """What the signature covers: canonical JSON of every field except `signature`."""
    return canonical_dumps({k: v for k, v in doc.items() if k != "signature"})


def _sign_document(fields: dict[str, object], signing_key: ed25519.Ed25519PrivateKey) -> bytes:
    signature = signing_key.sign(signed_bytes(fields))
    doc = {**fields, "signature": base64.b64encode(signature).decode("ascii")}
    # Indented so a person can read the file; the signature does not depend on the layout.
    return (json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")


def _parse_document(
    data: bytes,
    expected_format: str,
    fields: frozenset[str],
    what: str,
    optional: frozenset[str] = frozenset(),
) -> dict[str, object]:
    if len(data) > MAX_ENROLMENT_FILE_SIZE:
        raise EnrolmentRefused(f"This file is too large to be {what}.", "not-an-enrolment-file")
    try:
        doc = parse_strict_json(data)
    except CanonicalJSONError:
        raise EnrolmentRefused(f"This file is not {what}.", "not-an-enrolment-file") from None
    if not isinstance(doc, dict) or doc.get("format") != expected_format:
        raise EnrolmentRefused(f"This file is not {what}.", "not-an-enrolment-file")
    version = doc.get("format_version")
    if version != FORMAT_VERSION or isinstance(version, bool):
        raise EnrolmentRefused(
            f"This is {what} from a newer or unknown version of the format.",
            "unsupported-version",
        )
    if not fields <= set(doc) <= fields | optional:
        raise _bad("it has missing or unexpected fields")
    return doc


def _require_text(doc: Mapping[str, object], *names: str) -> None:
    for name in names:
        if not _is_text(doc[name]):
            raise _bad(f"{name} must be 1 to {MAX_TEXT_LENGTH} characters")


def _signing_key(value: object) -> ed25519.Ed25519PublicKey:
    try:
        if not isinstance(value, str):
            raise ValueError("not text")
        return load_signing_public_key_pem(value)
    except ValueError:
        raise EnrolmentRefused(
            "The signing key in this file is not a valid Ed25519 public key.", "bad-key"
        ) from None


def _encryption_key(value: object) -> EncryptionPublicKey:
    try:
        if not isinstance(value, str):
            raise ValueError("not text")
        return load_encryption_public_key_pem(value)
    except ValueError:
        raise EnrolmentRefused(
            "The encryption key in this file is not a supported public key.", "bad-key"
        ) from None


def _suite_matching(value: object, key: EncryptionPublicKey) -> CipherSuite:
    try:
        suite = CipherSuite.from_manifest_value(value)
    except ValueError:
        raise _bad("cipher_suite is not a supported suite") from None
    if suite is not suite_for_key(key):
        raise EnrolmentRefused(
            "The cipher suite in this file does not match its encryption key.", "bad-key"
        )
    return suite


def _timestamp(value: object, name: str) -> datetime:
    try:
        if not isinstance(value, str):
            raise ValueError("not text")
        return parse_timestamp(value)
    except ValueError:
        raise _bad(f"{name} is not a UTC timestamp") from None


def _verify_signature(
    doc: Mapping[str, object], signing_key: ed25519.Ed25519PublicKey, maker: str
) -> None:
    encoded = doc["signature"]
    try:
        if not isinstance(encoded, str):
            raise ValueError("not text")
        signature = base64.b64decode(encoded, validate=True)
        if base64.b64encode(signature).decode("ascii") != encoded:
            raise ValueError("not canonical base64")
    except (ValueError, binascii.Error):
        raise _bad("signature is not base64") from None
    try:
        signing_key.verify(signature, signed_bytes(doc))
    except InvalidSignature:
        raise EnrolmentRefused(
            f"The file's signature does not match the {maker}'s key; it may have been altered.",
            "bad-signature",
        ) from None


def _bad(problem: str) -> EnrolmentRefused:
    return EnrolmentRefused(f"The enrolment file is not valid: {problem}.", "bad-enrolment-file")


def _is_text(value: object) -> bool:
    return isinstance(value, str) and 1 <= len(value) <= MAX_TEXT_LENGTH
