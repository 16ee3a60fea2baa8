"""Write the worked examples of docs/bundle-format.md.

Section 15 (the export bundle part): HPKE is randomised, so each run gives another payload,
signature and file: run it only when the example must change, and paste its output over the
text from "An export bundle, sequence 1" to the `example-bundle-end` marker.

    PYTHONPATH=src python scripts/bundle_format_example.py > /tmp/example.md

Section 17.2 (the central key-slot file): every value is fixed, so the output is the same on
every run; paste it over the text from the `keyslot-example-begin` marker to the
`keyslot-file-end` marker.

    PYTHONPATH=src python scripts/bundle_format_example.py keyslots > /tmp/keyslots.md

tests/sync/test_bundle_format_doc.py checks that what is pasted is consistent, and recomputes
it with the project's code and with plain primitives.
"""

from __future__ import annotations

import base64
import hashlib
import sys
import tempfile
import textwrap
import zlib
from datetime import UTC, datetime
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric import ed25519, x25519
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from earlyyears_desktop.storage.keyslots import (
    FORMAT,
    SEALED_SECRET_VERSION,
    KdfParams,
    KeySlot,
    KeySlotFile,
    derive_wrapping_key,
    normalise_passphrase,
)
from earlyyears_desktop.sync.bundle import chunk_info, write_bundle
from earlyyears_desktop.sync.canonical import canonical_dumps
from earlyyears_desktop.sync.keys import key_id

DEVICE_ID = "device-0001-example"
CENTRAL_ID = "central-example-la"
CHILD_ID = "1e7b3c2a-5d4f-4e6a-9b8c-7d6e5f4a3b21"
CONSENT_ID = "9c2d4e6f-8a0b-4c1d-8e2f-3a4b5c6d7e8f"
STAMP = "2025-03-01T11:58:00.000000"
# Section 17.2: fictional, fixed values (never a real passphrase, salt or nonce).
CENTRAL_PASSPHRASE = "example central passphrase"
KEYSLOT_ID = "5f0e8c1a-3b2d-4c6e-9a7f-1d2c3b4a5e60"
KEYSLOT_SALT = bytes(range(16))
KEYSLOT_NONCE = bytes(range(0xA0, 0xAC))


def seed(label: str) -> bytes:
    return hashlib.sha256(label.encode()).digest()


def example_records() -> list[dict[str, object]]:
    """A child and the consent to share the child's record with the central service, as a
    device exports them: every column, changed_by_device, and base_version (null: the central
    service has never had them)."""
    child: dict[str, object] = {
        "base_version": None,
        "changed_by_device": DEVICE_ID,
        "data": {
            "areas_of_need": "communication_and_interaction",
            "created_at": STAMP,
            "date_of_birth": "2021-06-14",
            "deleted_at": None,
            "diagnoses_notes": "",
            "key_person": "",
            "legal_family_name": "Child",
            "legal_given_names": "Example",
            "nhs_number": None,
            "preferred_name": "",
            "search_key": "example child",
            "setting_attended": "",
            "status": "active",
            "updated_at": STAMP,
        },
        "deleted": False,
        "entity": "child",
        "id": CHILD_ID,
        "version": 1,
    }
    consent: dict[str, object] = {
        "base_version": None,
        "changed_by_device": DEVICE_ID,
        "data": {
            "child_id": CHILD_ID,
            "created_at": STAMP,
            "deleted_at": None,
            "given": True,
            "given_by": "Example Carer",
            "given_on": "2025-02-20",
            "kind": "share_with_central",
            "note": "",
            "recorded_by": None,
            "updated_at": STAMP,
            "withdrawn_on": None,
        },
        "deleted": False,
        "entity": "consent",
        "id": CONSENT_ID,
        "version": 1,
    }
    return [child, consent]


def main() -> None:
    device = ed25519.Ed25519PrivateKey.from_private_bytes(
        seed("earlyyears example device signing key")
    )
    central = x25519.X25519PrivateKey.from_private_bytes(
        seed("earlyyears example central encryption key")
    )
    records = example_records()
    stream = b"".join(canonical_dumps(r) + b"\n" for r in records)
    with tempfile.TemporaryDirectory() as folder:
        written = write_bundle(
            Path(folder) / "example.eyb",
            kind="export",
            sender_id=DEVICE_ID,
            sender_signing_key=device,
            recipient_id=CENTRAL_ID,
            recipient_public_key=central.public_key(),
            sequence=1,
            previous_bundle_sha256=None,
            records=records,
            now=datetime(2025, 3, 1, 12, 0, tzinfo=UTC),
        )
        data = written.path.read_bytes()
    manifest = written.manifest_bytes
    signature = data[30 + 13 + len(manifest) + 30 + 12 :][:64]
    payload_size = written.manifest["payload_size"]
    assert isinstance(payload_size, int)
    frame_length = payload_size - 4
    crc = zlib.crc32(manifest)
    header = (
        f"504b0304 1400 0000 0000 0000 2100 {crc.to_bytes(4, 'little').hex()} "
        f"{len(manifest).to_bytes(4, 'little').hex()} {len(manifest).to_bytes(4, 'little').hex()} "
        f"0d00 0000 {b'manifest.json'.hex()}"
    )
    info = chunk_info(written.manifest, 0, True).decode()
    print(f"""An export bundle, sequence 1, from device `{DEVICE_ID}` to central service
`{CENTRAL_ID}`, holding two records that follow section 8 in full (every column,
`changed_by_device`, and `base_version`, null because the central service has never had
them): a child, and the consent to share the child's record with the central service. Its
plaintext stream (one chunk, {len(stream)} bytes):

<!-- example-records-begin -->
```
{stream.decode().rstrip()}
```
<!-- example-records-end -->

`manifest.json` ({len(manifest)} bytes, one line; SHA-256
`{written.manifest_sha256}`, which is what bundle 2 of
this stream would carry as `previous_bundle_sha256`):

<!-- example-manifest-begin -->
```
{manifest.decode()}
```
<!-- example-manifest-end -->

`manifest.sig` (Ed25519 is deterministic, so this value is reproducible from the key and the
manifest bytes):

```
{signature.hex()}
```

HPKE `info` of chunk 0 (the only, hence final, chunk), shown as text; the first line ends with
one line feed:

```
{info}
```

`payload.hpke` is {payload_size} bytes: the frame length `{frame_length.to_bytes(4, "big").hex()}`
({frame_length} = 32-byte `enc` + {len(stream)}-byte plaintext + 16-byte tag) and the HPKE output.
HPKE is randomised, so a fresh run gives another payload (and hence another `payload_sha256`
and signature).

The first local header, in hex (crc `{crc:08x}`, size {len(manifest)} = `{len(manifest):#x}`,
name length 13):

```
{header}
```

The whole bundle file ({len(data)} bytes), base64 - decode it, check it with the device's public
key, and open it with the central encryption private key above:

<!-- example-bundle-begin -->
```
{textwrap.fill(base64.b64encode(data).decode(), 76)}
```
<!-- example-bundle-end -->""")


def keyslot_example() -> str:
    """Section 17.2: the central keys.json of the example, with the cheap test cost.

    The slot is sealed here with fixed salt and nonce (the project's writer draws them at
    random), following section 17.1 step by step; the test suite opens the result with the
    project's reader and the central service's unwrap.
    """
    signing_seed = seed("earlyyears example central signing key")
    encryption_key = seed("earlyyears example central encryption key")
    database_key = seed("earlyyears example central database key")
    plaintext = signing_seed + encryption_key + database_key
    params = KdfParams.for_tests()
    wrapping_key = derive_wrapping_key(
        normalise_passphrase(CENTRAL_PASSPHRASE), KEYSLOT_SALT, params
    )
    aad = f"{FORMAT}/{SEALED_SECRET_VERSION}/{CENTRAL_ID}/{KEYSLOT_ID}/passphrase/-"
    ciphertext = AESGCM(wrapping_key).encrypt(KEYSLOT_NONCE, plaintext, aad.encode("ascii"))
    slots = KeySlotFile(
        vault_id=CENTRAL_ID,
        slots=[
            KeySlot(
                id=KEYSLOT_ID,
                kind="passphrase",
                practitioner_id=None,
                label="central passphrase",
                salt=KEYSLOT_SALT,
                params=params,
                nonce=KEYSLOT_NONCE,
                wrapped_key=ciphertext,
            )
        ],
    )
    signing_id = key_id(ed25519.Ed25519PrivateKey.from_private_bytes(signing_seed).public_key())
    encryption_id = key_id(x25519.X25519PrivateKey.from_private_bytes(encryption_key).public_key())
    seed_start, encryption_start = signing_seed[:4].hex(), encryption_key[:4].hex()
    database_start = database_key[:4].hex()
    return f"""<!-- keyslot-example-begin -->
```
passphrase:       {CENTRAL_PASSPHRASE}
vault_id:         {CENTRAL_ID}
slot id:          {KEYSLOT_ID}
salt (hex):       {KEYSLOT_SALT.hex()}
nonce (hex):      {KEYSLOT_NONCE.hex()}
wrapping key K:   {wrapping_key.hex()}
associated data:  {aad}
signing seed:     {signing_seed.hex()}
encryption key:   {encryption_key.hex()}
database key:     {database_key.hex()}
plaintext (hex):  {plaintext.hex()}
ciphertext (hex): {ciphertext.hex()}
```
<!-- keyslot-example-end -->

The plaintext is {len(plaintext)} bytes, the three keys of section 17.1 in order: the central
signing seed (`{seed_start}...`) and the central X25519 key (`{encryption_start}...`), whose
public keys have the key ids `{signing_id[:12]}...` and `{encryption_id[:12]}...` of section 15,
then the key of the central SQLite store (`{database_start}...`, fictional). The ciphertext is
{len(ciphertext)} bytes: {len(plaintext)} bytes of wrapped keys, then the 16-byte tag
`{ciphertext[-16:].hex()}`. The whole `keys.json`:

<!-- keyslot-file-begin -->
```json
{slots.to_bytes().decode("utf-8").rstrip()}
```
<!-- keyslot-file-end -->"""


if __name__ == "__main__":
    if sys.argv[1:] == ["keyslots"]:
        print(keyslot_example())
    else:
        main()
