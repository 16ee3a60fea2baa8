from __future__ import annotations

import dataclasses
import hashlib
import json
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from earlyyears_desktop.sync.enrolment_files import (
    EnrolmentRequest,
    EnrolmentResponse,
    build_enrolment_request,
    build_enrolment_response,
    parse_enrolment_request,
    parse_enrolment_response,
    request_sha256,
    signed_bytes,
)
from earlyyears_desktop.sync.errors import ENROLMENT_REFUSAL_CODES, EnrolmentRefused
from earlyyears_desktop.sync.keys import (
    CipherSuite,
    KeyPair,
    fingerprint,
    key_id,
    load_encryption_public_key_pem,
    load_signing_public_key_pem,
    public_key_to_pem,
)

NOW = datetime(2025, 3, 1, 12, 0, 0, tzinfo=UTC)
DOCS = Path(__file__).resolve().parents[2] / "docs" / "bundle-format.md"


@pytest.fixture(scope="module")
def device() -> KeyPair:
    return KeyPair.generate()


@pytest.fixture(scope="module")
def central() -> KeyPair:
    return KeyPair.generate()


def make_request(device: KeyPair) -> bytes:
    return build_enrolment_request(
        device,
        device_id="device-0001",
        practitioner_name="Sam Ørsted-Example",
        team_name="Portage North",
        now=NOW,
    )


def refused(call: object, code: str) -> EnrolmentRefused:
    assert callable(call)
    with pytest.raises(EnrolmentRefused) as info:
        call()
    assert info.value.code == code, info.value.reason
    assert info.value.code in ENROLMENT_REFUSAL_CODES
    return info.value


def edit(data: bytes, **changes: object) -> bytes:
    doc = json.loads(data)
    doc.update(changes)
    return json.dumps(doc).encode()


def test_request_round_trip(device: KeyPair) -> None:
    request = parse_enrolment_request(make_request(device))
    assert request.device_id == "device-0001"
    assert request.practitioner_name == "Sam Ørsted-Example"
    assert request.signing_key_id == device.signing_key_id
    assert request.encryption_key_id == device.encryption_key_id
    assert request.cipher_suite is CipherSuite.X25519
    assert request.created_at == NOW
    assert re.fullmatch(r"[0-9A-F]{4}( [0-9A-F]{4}){7}", request.signing_fingerprint)
    assert request.signing_fingerprint == fingerprint(device.signing_key_id)
    assert request.signing_fingerprint.replace(" ", "").lower() == device.signing_key_id[:32]


def test_fingerprints_carry_128_bits() -> None:
    key = "0123456789abcdef" * 4
    assert fingerprint(key) == "0123 4567 89AB CDEF 0123 4567 89AB CDEF"
    with pytest.raises(ValueError):
        fingerprint(key[:31])


def test_response_round_trip(device: KeyPair, central: KeyPair) -> None:
    request_bytes = make_request(device)
    request = parse_enrolment_request(request_bytes)
    assert request.request_sha256 == hashlib.sha256(request_bytes).hexdigest()
    data = build_enrolment_response(
        central, central_id="central-la", central_name="Example LA", request=request, now=NOW
    )
    assert json.loads(data)["request_sha256"] == hashlib.sha256(request_bytes).hexdigest()
    response = parse_enrolment_response(
        data, device_id="device-0001", device_keys=device, request=request_bytes
    )
    assert response.request_sha256 == request_sha256(request_bytes)
    by_hash = parse_enrolment_response(
        data,
        device_id="device-0001",
        device_keys=device,
        request_sha256=request_sha256(request_bytes),
    )
    assert by_hash == response
    assert response.central_id == "central-la"
    assert response.central_signing_key_id == central.signing_key_id
    assert response.central_encryption_key_id == central.encryption_key_id
    assert response.central_signing_fingerprint == fingerprint(central.signing_key_id)
    assert response.device_signing_key_id == device.signing_key_id
    assert response.accepted_at == NOW


def test_response_may_announce_the_accepted_entity_types(device: KeyPair, central: KeyPair) -> None:
    request_bytes = make_request(device)
    request = parse_enrolment_request(request_bytes)

    def respond(accepted: list[str] | None) -> bytes:
        return build_enrolment_response(
            central,
            central_id="central-la",
            central_name="Example LA",
            request=request,
            now=NOW,
            accepted_entities=accepted,
        )

    def parse(data: bytes) -> EnrolmentResponse:
        return parse_enrolment_response(
            data, device_id="device-0001", device_keys=device, request=request_bytes
        )

    announced = respond(["consent", "child"])
    assert json.loads(announced)["accepted_entities"] == ["child", "consent"]
    response = parse(announced)
    assert response.accepted_entities == frozenset({"child", "consent"})
    assert parse(respond(None)).accepted_entities is None
    # Signed like every other member; any other new member is still refused.
    refused(lambda: parse(edit(announced, accepted_entities=["child"])), "bad-signature")
    refused(lambda: parse(edit(announced, referrals_accepted=True)), "bad-enrolment-file")
    refused(lambda: parse(edit(announced, accepted_entities="child")), "bad-enrolment-file")


def test_hybrid_suite_keys_travel_as_two_pem_blocks() -> None:
    hybrid = KeyPair.generate(CipherSuite.MLKEM768_X25519)
    data = build_enrolment_request(
        hybrid, device_id="d", practitioner_name="p", team_name="t", now=NOW
    )
    request = parse_enrolment_request(data)
    assert request.cipher_suite is CipherSuite.MLKEM768_X25519
    assert request.encryption_key_id == hybrid.encryption_key_id
    pem = json.loads(data)["encryption_public_key_pem"]
    assert pem.count("BEGIN PUBLIC KEY") == 2
    assert key_id(load_encryption_public_key_pem(pem)) == hybrid.encryption_key_id


def test_pem_helpers_refuse_the_wrong_kind_of_key(device: KeyPair) -> None:
    signing_pem = public_key_to_pem(device.signing_public_key)
    encryption_pem = public_key_to_pem(device.encryption_public_key)
    assert load_signing_public_key_pem(signing_pem) == device.signing_public_key
    with pytest.raises(ValueError):
        load_signing_public_key_pem(encryption_pem)
    with pytest.raises(ValueError):
        load_encryption_public_key_pem(signing_pem)
    with pytest.raises(ValueError):
        load_signing_public_key_pem("not a key")


def test_layout_does_not_matter_but_content_does(device: KeyPair) -> None:
    data = make_request(device)
    compact = json.dumps(json.loads(data), separators=(",", ":")).encode()
    assert parse_enrolment_request(compact).device_id == "device-0001"
    refused(lambda: parse_enrolment_request(edit(data, team_name="Portage South")), "bad-signature")


def test_request_signed_by_another_key_refused(device: KeyPair) -> None:
    other = KeyPair.generate()
    doc = json.loads(make_request(device))
    forged = json.loads(make_request(other))
    doc["signature"] = forged["signature"]
    refused(lambda: parse_enrolment_request(json.dumps(doc).encode()), "bad-signature")


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"format": "something-else"}, "not-an-enrolment-file"),
        ({"format_version": 2}, "unsupported-version"),
        ({"extra_field": 1}, "bad-enrolment-file"),
        ({"device_id": ""}, "bad-enrolment-file"),
        ({"created_at": "2025-03-01 12:00"}, "bad-enrolment-file"),
        ({"signature": "not base64!"}, "bad-enrolment-file"),
        ({"signing_public_key_pem": "garbage"}, "bad-key"),
        (
            {
                "cipher_suite": {
                    "kem": "MLKEM768-X25519",
                    "kdf": "HKDF-SHA256",
                    "aead": "AES-256-GCM",
                }
            },
            "bad-key",
        ),
    ],
)
def test_malformed_requests_refused(device: KeyPair, changes: dict[str, object], code: str) -> None:
    refused(lambda: parse_enrolment_request(edit(make_request(device), **changes)), code)


def test_missing_field_and_non_json_refused(device: KeyPair) -> None:
    doc = json.loads(make_request(device))
    del doc["team_name"]
    refused(lambda: parse_enrolment_request(json.dumps(doc).encode()), "bad-enrolment-file")
    refused(lambda: parse_enrolment_request(b"\x00\x01"), "not-an-enrolment-file")
    refused(lambda: parse_enrolment_request(b'{"a": 1, "a": 2}'), "not-an-enrolment-file")
    refused(lambda: parse_enrolment_request(b" " * 70_000), "not-an-enrolment-file")


def test_response_for_another_device_or_old_keys_refused(device: KeyPair, central: KeyPair) -> None:
    request = parse_enrolment_request(make_request(device))
    data = build_enrolment_response(
        central, central_id="central-la", central_name="Example LA", request=request, now=NOW
    )
    pending = make_request(device)
    refused(
        lambda: parse_enrolment_response(
            data, device_id="device-0002", device_keys=device, request=pending
        ),
        "wrong-device",
    )
    refused(
        lambda: parse_enrolment_response(
            data, device_id="device-0001", device_keys=KeyPair.generate(), request=pending
        ),
        "wrong-device",
    )


def test_response_to_another_request_refused(device: KeyPair, central: KeyPair) -> None:
    # Same device, same keys, but an earlier request (say, one sent to another service): its
    # response must not complete the enrolment this device is waiting on.
    earlier = make_request(device)
    pending = build_enrolment_request(
        device,
        device_id="device-0001",
        practitioner_name="Sam Ørsted-Example",
        team_name="Portage North",
        now=datetime(2025, 3, 8, 9, 30, 0, tzinfo=UTC),
    )
    data = build_enrolment_response(
        central,
        central_id="central-la",
        central_name="Example LA",
        request=parse_enrolment_request(earlier),
        now=NOW,
    )
    exc = refused(
        lambda: parse_enrolment_response(
            data, device_id="device-0001", device_keys=device, request=pending
        ),
        "wrong-request",
    )
    assert "different enrolment request" in exc.reason
    refused(
        lambda: parse_enrolment_response(
            data,
            device_id="device-0001",
            device_keys=device,
            request_sha256=request_sha256(pending),
        ),
        "wrong-request",
    )
    # A response whose request_sha256 was edited no longer verifies.
    edited = edit(data, request_sha256=request_sha256(pending))
    refused(
        lambda: parse_enrolment_response(
            edited, device_id="device-0001", device_keys=device, request=pending
        ),
        "bad-signature",
    )
    assert parse_enrolment_response(
        data, device_id="device-0001", device_keys=device, request=earlier
    ).request_sha256 == request_sha256(earlier)


def test_response_parser_needs_the_pending_request(device: KeyPair, central: KeyPair) -> None:
    request_bytes = make_request(device)
    data = build_enrolment_response(
        central,
        central_id="central-la",
        central_name="Example LA",
        request=parse_enrolment_request(request_bytes),
        now=NOW,
    )
    with pytest.raises(TypeError):
        parse_enrolment_response(data, device_id="device-0001", device_keys=device)
    with pytest.raises(TypeError):
        parse_enrolment_response(
            data,
            device_id="device-0001",
            device_keys=device,
            request=request_bytes,
            request_sha256=request_sha256(request_bytes),
        )
    with pytest.raises(ValueError):
        parse_enrolment_response(
            data, device_id="device-0001", device_keys=device, request_sha256="not a hash"
        )


def test_response_with_swapped_central_key_refused(device: KeyPair, central: KeyPair) -> None:
    request = parse_enrolment_request(make_request(device))
    data = build_enrolment_response(
        central, central_id="central-la", central_name="Example LA", request=request, now=NOW
    )
    impostor = KeyPair.generate()
    swapped = edit(
        data, central_signing_public_key_pem=public_key_to_pem(impostor.signing_public_key)
    )
    refused(
        lambda: parse_enrolment_response(
            swapped, device_id="device-0001", device_keys=device, request=make_request(device)
        ),
        "bad-signature",
    )


def test_request_type_is_independent_of_the_parser(device: KeyPair) -> None:
    request = parse_enrolment_request(make_request(device))
    assert isinstance(request, EnrolmentRequest)
    assert signed_bytes({"signature": "x", "b": 1, "a": 2}) == b'{"a":2,"b":1}'


@settings(max_examples=200, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_byte_change_is_refused_or_harmless(data: st.DataObject, device: KeyPair) -> None:
    original = make_request(device)
    position = data.draw(st.integers(0, len(original) - 1))
    mask = data.draw(st.integers(1, 255))
    damaged = bytearray(original)
    damaged[position] ^= mask
    try:
        request = parse_enrolment_request(bytes(damaged))
    except EnrolmentRefused:
        return
    # Only layout bytes outside the signed values can change without a refusal; they do change
    # the request's hash, which names the exact file a response answers.
    expected = parse_enrolment_request(original)
    assert request == dataclasses.replace(expected, request_sha256=request_sha256(damaged))


def test_documented_example_request_verifies() -> None:
    docs = DOCS.read_text(encoding="utf-8")
    blocks = re.findall(r"```json\n(.*?)```", docs, flags=re.DOTALL)
    request = parse_enrolment_request(blocks[0].encode())
    assert request.signing_fingerprint == "E223 2751 0703 74B5 FA5E 17C5 7B2B 01DA"
    example_device = KeyPair.from_private_bytes(
        hashlib.sha256(b"earlyyears example device signing key").digest(),
        hashlib.sha256(b"earlyyears example device encryption key").digest(),
    )
    response = parse_enrolment_response(
        blocks[1].encode(),
        device_id="device-0001-example",
        device_keys=example_device,
        request=blocks[0].encode(),
    )
    assert response.central_signing_fingerprint == "1857 9950 96E6 096C E478 2F4E 7BC4 35C4"
    for code in ENROLMENT_REFUSAL_CODES:
        assert f"`{code}`" in docs
