"""docs/bundle-format.md stands alone: what it says is what the code does.

* the per-entity record schema (section 8.2) is the one generated from the models;
* the key-slot example (section 17) is recomputed from the document's values, with the
  project's code and with plain `cryptography` primitives following only the document;
* the worked bundle (section 15) is read by the project's own reader and every record passes
  the record check of section 8.1.
"""

from __future__ import annotations

import base64
import hashlib
import json
import unicodedata
from datetime import UTC, datetime
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric import ed25519, x25519
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id

from earlyyears_desktop.storage.errors import WrongPassphrase
from earlyyears_desktop.storage.keyslots import (
    KeySlotFile,
    derive_wrapping_key,
    normalise_passphrase,
)
from earlyyears_desktop.sync.bundle import TrustedSender, chunk_info, open_bundle
from earlyyears_desktop.sync.canonical import canonical_dumps
from earlyyears_desktop.sync.keys import CipherSuite, KeyPair, key_id
from earlyyears_desktop.sync.record_schema import REGENERATE, document_block, render_record_schema
from earlyyears_desktop.sync.records import decode_record

DOC = Path(__file__).resolve().parents[2] / "docs" / "bundle-format.md"


def test_the_record_schema_in_the_document_is_the_one_the_code_has() -> None:
    block = document_block(DOC.read_text(encoding="utf-8"))
    assert block is not None, "bundle-format.md lost its record-schema markers"
    assert block == render_record_schema(), (
        "bundle-format.md section 8.2 differs from the data model; regenerate it with: "
        + REGENERATE
    )


def _between(begin: str, end: str) -> str:
    text = DOC.read_text(encoding="utf-8")
    block = text.split(f"<!-- {begin} -->", 1)[1].split(f"<!-- {end} -->", 1)[0]
    return "\n".join(line for line in block.strip().splitlines() if not line.startswith("```"))


def _keyslot_example() -> dict[str, str]:
    values = {}
    for line in _between("keyslot-example-begin", "keyslot-example-end").splitlines():
        name, _, value = line.partition(":")
        values[name.strip()] = value.strip()
    return values


def test_the_key_slot_example_opens_with_plain_primitives_following_the_document() -> None:
    # Only what section 17 says: NFC UTF-8 passphrase -> Argon2id -> AES-256-GCM with the
    # associated data spelled out there, the tag at the end of the ciphertext.
    example = _keyslot_example()
    slots = json.loads(_between("keyslot-file-begin", "keyslot-file-end"))
    (slot,) = slots["slots"]
    assert slots["vault_id"] == example["vault_id"] and slot["id"] == example["slot id"]
    salt = base64.b64decode(slot["kdf"]["salt"], validate=True)
    nonce = base64.b64decode(slot["wrap"]["nonce"], validate=True)
    ciphertext = base64.b64decode(slot["wrap"]["ciphertext"], validate=True)
    assert salt.hex() == example["salt (hex)"] and len(salt) == 16
    assert nonce.hex() == example["nonce (hex)"] and len(nonce) == 12
    assert ciphertext.hex() == example["ciphertext (hex)"]

    secret = unicodedata.normalize("NFC", example["passphrase"]).encode("utf-8")
    key = Argon2id(
        salt=salt,
        length=32,
        iterations=slot["kdf"]["iterations"],
        lanes=slot["kdf"]["lanes"],
        memory_cost=slot["kdf"]["memory_kib"],
    ).derive(secret)
    assert key.hex() == example["wrapping key K"]
    aad = (
        f"earlyyears-vault-keyslots/1/{slots['vault_id']}/{slot['id']}/{slot['kind']}/"
        f"{slot['practitioner_id'] or '-'}"
    ).encode("ascii")
    assert aad.decode() == example["associated data"]
    plaintext = AESGCM(key).decrypt(nonce, ciphertext, aad)
    assert plaintext.hex() == example["plaintext (hex)"]
    assert len(ciphertext) == len(plaintext) + 16
    # the tag is the last 16 bytes: the ciphertext proper is plain AES-CTR from counter 2
    counter = nonce + (2).to_bytes(4, "big")
    ctr = Cipher(algorithms.AES(key), modes.CTR(counter)).encryptor()
    assert ctr.update(ciphertext[:-16]) + ctr.finalize() == plaintext
    # the plaintext is the two private keys of section 15, signing seed first
    seed, x25519_key = plaintext[:32], plaintext[32:]
    assert key_id(ed25519.Ed25519PrivateKey.from_private_bytes(seed).public_key()) == (
        "1857995096e6096ce4782f4e7bc435c4fe0fda32f20c7847b5f904da16f10607"
    )
    assert key_id(x25519.X25519PrivateKey.from_private_bytes(x25519_key).public_key()) == (
        "2796da12808780da9fb5c65104afca6700a11e3624c150a56258810b748d3aac"
    )


def test_the_key_slot_example_opens_with_the_projects_code(tmp_path: Path) -> None:
    example = _keyslot_example()
    path = tmp_path / "keys.json"
    path.write_text(_between("keyslot-file-begin", "keyslot-file-end") + "\n", encoding="utf-8")
    slots = KeySlotFile.load(path)
    assert slots.to_bytes() == path.read_bytes()  # the document shows the writer's layout
    slot, plaintext = slots.unwrap(
        normalise_passphrase(example["passphrase"]), slots.passphrase_slots()
    )
    assert plaintext.hex() == example["plaintext (hex)"]
    assert (
        derive_wrapping_key(
            normalise_passphrase(example["passphrase"]), slot.salt, slot.params
        ).hex()
        == (example["wrapping key K"])
    )
    keys = KeyPair.from_private_bytes(plaintext[:32], plaintext[32:], CipherSuite.X25519)
    assert keys.signing_key_id.startswith("1857995096e6")
    assert keys.encryption_key_id.startswith("2796da128087")
    with pytest.raises(WrongPassphrase):
        slots.unwrap(normalise_passphrase("another passphrase"), slots.passphrase_slots())


def test_the_worked_bundle_is_read_by_the_projects_reader_and_its_records_pass(
    tmp_path: Path,
) -> None:
    path = tmp_path / "example.eyb"
    data = base64.b64decode(
        "".join(_between("example-bundle-begin", "example-bundle-end").split()), validate=True
    )
    path.write_bytes(data)
    shown_records = [
        json.loads(line)
        for line in _between("example-records-begin", "example-records-end").splitlines()
    ]
    shown_manifest = _between("example-manifest-begin", "example-manifest-end").encode("utf-8")
    doc = DOC.read_text(encoding="utf-8")

    def seed(label: str) -> bytes:
        return hashlib.sha256(label.encode()).digest()

    device_key = ed25519.Ed25519PrivateKey.from_private_bytes(
        seed("earlyyears example device signing key")
    ).public_key()
    central_key = x25519.X25519PrivateKey.from_private_bytes(
        seed("earlyyears example central encryption key")
    )
    with open_bundle(
        path,
        trusted_senders={key_id(device_key): TrustedSender("device-0001-example", device_key)},
        recipient_private_key=central_key,
        recipient_id="central-example-la",
        expected_kind="export",
        now=datetime(2025, 3, 1, 12, 0, tzinfo=UTC),
    ) as bundle:
        records = list(bundle.records())
        assert bundle.manifest_bytes == shown_manifest
        assert f"`{bundle.manifest_sha256}`" in doc
        manifest = bundle.manifest
    # What the document shows is what the file holds, byte for byte.
    assert records == shown_records
    stream = b"".join(canonical_dumps(r) + b"\n" for r in records)
    assert f"one chunk, {len(stream)} bytes" in doc
    assert f"`manifest.json` ({len(shown_manifest)} bytes" in doc
    signature = data[30 + 13 + len(shown_manifest) + 30 + 12 :][:64]
    assert f"\n{signature.hex()}\n" in doc
    assert chunk_info(manifest, 0, True).decode() in doc
    assert f"`payload.hpke` is {manifest['payload_size']} bytes" in doc
    assert f"The whole bundle file ({len(data)} bytes)" in doc
    assert data[: 30 + 13].hex() == _first_local_header_shown(doc)
    # Every record satisfies section 8.1 and 8.2 as the reference reader checks them, with
    # what an export bundle MUST carry: base_version, and changed_by_device.
    for record in records:
        assert "base_version" in record and record["changed_by_device"] == "device-0001-example"
        decode_record(record)
    consent = next(r for r in records if r["entity"] == "consent")
    assert consent["data"]["kind"] == "share_with_central"  # type: ignore[index]


def _first_local_header_shown(doc: str) -> str:
    after = doc.split("The first local header, in hex", 1)[1]
    block = after.split("```", 2)[1]
    return "".join(block.split())
