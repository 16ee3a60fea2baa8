"""Write a fresh worked example for docs/bundle-format.md section 15 (the export bundle part).

HPKE is randomised, so each run gives another payload, signature and file: run it only when
the example must change, and paste its output over the text from "An export bundle,
sequence 1" to the `example-bundle-end` marker. tests/sync/test_bundle_format_doc.py checks
that what is pasted is consistent and opens with the project's reader.

    PYTHONPATH=src python scripts/bundle_format_example.py > /tmp/example.md
"""

from __future__ import annotations

import base64
import hashlib
import tempfile
import textwrap
import zlib
from datetime import UTC, datetime
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric import ed25519, x25519

from earlyyears_desktop.sync.bundle import chunk_info, write_bundle
from earlyyears_desktop.sync.canonical import canonical_dumps

DEVICE_ID = "device-0001-example"
CENTRAL_ID = "central-example-la"
CHILD_ID = "1e7b3c2a-5d4f-4e6a-9b8c-7d6e5f4a3b21"
CONSENT_ID = "9c2d4e6f-8a0b-4c1d-8e2f-3a4b5c6d7e8f"
STAMP = "2025-03-01T11:58:00.000000"


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


if __name__ == "__main__":
    main()
