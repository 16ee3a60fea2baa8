"""docs/bundle-format.md stands alone: what it says is what the code does.

* the per-entity record schema (section 8.2) is the one generated from the models;
* the key-slot example (section 17) is recomputed from the document's values, with the
  project's code (the key-slot reader and the central service's own unwrap) and with plain
  `cryptography` primitives following only the document, and it is what the generator writes;
* the key-slot limits a reader must enforce (section 17.1) are the reader's, and so is the
  calibration bound; the sequence cap of sections 10 and 13 is the receivers';
* the worked bundle (section 15) is read by the project's own reader and every record passes
  the record check of section 8.1.
"""

from __future__ import annotations

import base64
import hashlib
import importlib.util
import inspect
import json
import re
import unicodedata
from datetime import UTC, datetime
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric import ed25519, x25519
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id

from earlyyears_desktop.central.errors import CentralError
from earlyyears_desktop.central.folder import (
    CONFIG_NAME,
    DATABASE_KEY_BYTES,
    KEYS_NAME,
    CentralConfig,
    _unwrap_key_store,
    read_config,
)
from earlyyears_desktop.storage.errors import NotAVault, WrongPassphrase
from earlyyears_desktop.storage.file_limits import read_small_file
from earlyyears_desktop.storage.keyslots import (
    MAX_ID_LENGTH,
    MAX_KDF_COST_KIB,
    MAX_KEYSLOT_FILE,
    MAX_LABEL_LENGTH,
    MAX_LANES,
    MAX_MEMORY_KIB,
    MAX_SLOTS,
    MAX_WRAPPED_BYTES,
    MIN_MEMORY_KIB,
    NONCE_BYTES,
    SALT_BYTES,
    KdfParams,
    KeySlotFile,
    derive_wrapping_key,
    normalise_passphrase,
)
from earlyyears_desktop.sync.bundle import (
    MAX_SEQUENCE_GAP,
    TrustedSender,
    chunk_info,
    open_bundle,
)
from earlyyears_desktop.sync.canonical import canonical_dumps
from earlyyears_desktop.sync.keys import CipherSuite, KeyPair, key_id, public_key_to_pem
from earlyyears_desktop.sync.record_schema import REGENERATE, document_block, render_record_schema
from earlyyears_desktop.sync.records import decode_record

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "bundle-format.md"
GENERATOR = ROOT / "scripts" / "bundle_format_example.py"


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
    # The plaintext is the three keys of section 17.1, in order: the two private keys of
    # section 15, signing seed first, then the 32-byte key of the SQLite store.
    assert len(plaintext) == 32 + 32 + 32
    seed, x25519_key, database_key = plaintext[:32], plaintext[32:64], plaintext[64:]
    assert seed.hex() == example["signing seed"]
    assert x25519_key.hex() == example["encryption key"]
    assert database_key.hex() == example["database key"]
    assert key_id(ed25519.Ed25519PrivateKey.from_private_bytes(seed).public_key()) == (
        "1857995096e6096ce4782f4e7bc435c4fe0fda32f20c7847b5f904da16f10607"
    )
    assert key_id(x25519.X25519PrivateKey.from_private_bytes(x25519_key).public_key()) == (
        "2796da12808780da9fb5c65104afca6700a11e3624c150a56258810b748d3aac"
    )
    doc = DOC.read_text(encoding="utf-8")
    assert f"The plaintext is {len(plaintext)} bytes" in doc
    assert f"The ciphertext is\n{len(ciphertext)} bytes: {len(plaintext)} bytes" in doc
    assert f"the 16-byte tag\n`{ciphertext[-16:].hex()}`" in doc


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
    # Split as section 17.1 says: seed, X25519 key, database key.
    keys = KeyPair.from_private_bytes(plaintext[:32], plaintext[32:64], CipherSuite.X25519)
    assert keys.signing_key_id.startswith("1857995096e6")
    assert keys.encryption_key_id.startswith("2796da128087")
    assert len(plaintext[64:]) == DATABASE_KEY_BYTES
    assert plaintext[64:].hex() == example["database key"]
    with pytest.raises(WrongPassphrase):
        slots.unwrap(normalise_passphrase("another passphrase"), slots.passphrase_slots())


def _example_central_folder(folder: Path, *, central_id: str = "central-example-la") -> Path:
    """The example keys.json in a central folder, with the central.json that matches it."""
    folder.mkdir()
    (folder / KEYS_NAME).write_text(
        _between("keyslot-file-begin", "keyslot-file-end") + "\n", encoding="utf-8"
    )
    example = _keyslot_example()
    keys = KeyPair.from_private_bytes(
        bytes.fromhex(example["signing seed"]),
        bytes.fromhex(example["encryption key"]),
        CipherSuite.X25519,
    )
    config = CentralConfig(
        central_id=central_id,
        name="Example local authority",
        database_url="sqlite:///central.db",
        suite=CipherSuite.X25519,
        signing_public_key_pem=public_key_to_pem(keys.signing_public_key),
        encryption_public_key_pem=public_key_to_pem(keys.encryption_public_key),
    )
    (folder / CONFIG_NAME).write_text(json.dumps(config.to_json()), encoding="utf-8")
    return folder


def test_the_key_slot_example_opens_with_the_central_services_unwrap(tmp_path: Path) -> None:
    # What every central command does first: central.json, then keys.json with the passphrase.
    example = _keyslot_example()
    folder = _example_central_folder(tmp_path / "central")
    config = read_config(folder)
    store = _unwrap_key_store(folder, config, example["passphrase"])
    assert store.keys.signing_private_bytes().hex() == example["signing seed"]
    assert store.keys.encryption_private_bytes().hex() == example["encryption key"]
    assert store.database_key is not None
    assert store.database_key.hex() == example["database key"]
    assert store.slot.id == example["slot id"]


def test_the_key_slot_example_is_refused_by_another_central_service(tmp_path: Path) -> None:
    # vault_id binds the file to its central id (section 17.1, "Kinds").
    example = _keyslot_example()
    folder = _example_central_folder(tmp_path / "central", central_id="central-another-la")
    with pytest.raises(CentralError, match="belongs to another service"):
        _unwrap_key_store(folder, read_config(folder), example["passphrase"])


def _load_generator() -> object:
    spec = importlib.util.spec_from_file_location("bundle_format_example", GENERATOR)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_key_slot_example_is_what_the_generator_writes() -> None:
    text = DOC.read_text(encoding="utf-8")
    shown = text.split("<!-- keyslot-example-begin -->", 1)[1].split(
        "<!-- keyslot-file-end -->", 1
    )[0]
    written = _load_generator().keyslot_example()  # type: ignore[attr-defined]
    assert written == f"<!-- keyslot-example-begin -->{shown}<!-- keyslot-file-end -->", (
        "bundle-format.md section 17.2 differs from what the generator writes; paste the "
        "output of: PYTHONPATH=src python scripts/bundle_format_example.py keyslots"
    )


# --- section 17.1: what a reader must refuse ---------------------------------------------------


def _keyslot_limits() -> dict[str, list[int]]:
    """The table of section 17.1: each row's name and the numbers it gives (before any
    parenthesis, which only restates them in MiB or GiB)."""
    limits = {}
    rows = _between("keyslot-limits-begin", "keyslot-limits-end").splitlines()[2:]
    for row in rows:
        _, what, accepted, _ = row.split("|")
        numbers = re.findall(r"\d+", accepted.split("(")[0].replace("base64", ""))
        limits[what.strip()] = [int(n) for n in numbers]
    return limits


def test_the_key_slot_limits_in_the_document_are_the_readers() -> None:
    limits = _keyslot_limits()
    assert limits == {
        "the file": [MAX_KEYSLOT_FILE],
        "`slots`": [MAX_SLOTS],
        "`vault_id`, `id`, `practitioner_id` (when not null)": [1, MAX_ID_LENGTH],
        "`label`": [0, MAX_LABEL_LENGTH],
        "`kdf.salt`": [*SALT_BYTES],
        "`wrap.nonce`": [NONCE_BYTES],
        "`wrap.ciphertext`": [16, MAX_WRAPPED_BYTES],
        "`kdf.memory_kib`": [MIN_MEMORY_KIB, MAX_MEMORY_KIB],
        "`kdf.lanes`": [1, MAX_LANES],
        "`kdf.iterations`": [1],
        "`kdf.memory_kib` x (`kdf.iterations` + 2)": [MAX_KDF_COST_KIB],
    }
    # The restatements in parentheses say the same.
    table = _between("keyslot-limits-begin", "keyslot-limits-end")
    assert MAX_KEYSLOT_FILE == 1 << 20 and "(1 MiB)" in table
    assert (MIN_MEMORY_KIB, MAX_MEMORY_KIB) == (8 << 10, 1 << 20) and "(8 MiB to 1 GiB)" in table
    assert MAX_KDF_COST_KIB == 3 << 20 and "(3 GiB)" in table


def _example_slots_with(**kdf: int) -> bytes:
    doc = json.loads(_between("keyslot-file-begin", "keyslot-file-end"))
    doc["slots"][0]["kdf"].update(kdf)
    return json.dumps(doc).encode("utf-8")


def _accepted(data: bytes, folder: Path) -> bool:
    try:
        KeySlotFile.from_bytes(data, folder)
    except NotAVault:
        return False
    return True


def test_the_reader_accepts_exactly_the_costs_the_document_states(tmp_path: Path) -> None:
    # At each edge the document gives, and one step past it.
    limits = _keyslot_limits()
    least_memory, most_memory = limits["`kdf.memory_kib`"]
    least_lanes, most_lanes = limits["`kdf.lanes`"]
    (least_passes,) = limits["`kdf.iterations`"]
    (most_cost,) = limits["`kdf.memory_kib` x (`kdf.iterations` + 2)"]

    def accepted(memory_kib: int, iterations: int, lanes: int) -> bool:
        data = _example_slots_with(memory_kib=memory_kib, iterations=iterations, lanes=lanes)
        by_the_document = (
            least_memory <= memory_kib <= most_memory
            and least_lanes <= lanes <= most_lanes
            and iterations >= least_passes
            and memory_kib * (iterations + 2) <= most_cost
        )
        by_the_reader = _accepted(data, tmp_path)
        assert by_the_reader == by_the_document, (memory_kib, iterations, lanes)
        return by_the_reader

    assert accepted(least_memory, 1, 1)
    assert not accepted(least_memory - 1, 1, 1)
    assert accepted(most_memory, 1, most_lanes)
    assert not accepted(most_memory + 1, 1, 1)
    assert not accepted(most_memory, 2, 1)  # 1 GiB x 4 is past the cost bound
    assert not accepted(least_memory, 1, least_lanes - 1)
    assert not accepted(least_memory, 1, most_lanes + 1)
    assert not accepted(least_memory, least_passes - 1, 1)
    most_passes_at_least_memory = most_cost // least_memory - 2
    assert f"8 MiB for {most_passes_at_least_memory}" in DOC.read_text(encoding="utf-8")
    assert accepted(least_memory, most_passes_at_least_memory, 1)
    assert not accepted(least_memory, most_passes_at_least_memory + 1, 1)
    # A slot asking for 4 GiB, 64 passes and 16 lanes (the old stated maximum) is refused.
    assert not accepted(4 << 20, 64, 16)
    # A fraction or an exponent, even of an accepted value, is refused.
    fraction = _example_slots_with().replace(b'"lanes": 1', b'"lanes": 1.0')
    assert b'"lanes": 1.0' in fraction and not _accepted(fraction, tmp_path)


def test_the_reader_refuses_a_file_larger_than_the_document_says(tmp_path: Path) -> None:
    (size,) = _keyslot_limits()["the file"]
    path = tmp_path / "keys.json"
    text = _between("keyslot-file-begin", "keyslot-file-end")
    path.write_text(text + " " * (size - len(text)), encoding="utf-8")
    assert len(read_small_file(path, MAX_KEYSLOT_FILE)) == size
    KeySlotFile.load(path)
    path.write_text(text + " " * (size + 1 - len(text)), encoding="utf-8")
    with pytest.raises(NotAVault, match="damaged"):
        KeySlotFile.load(path)


def test_the_calibration_the_document_states_is_the_writers() -> None:
    doc = " ".join(DOC.read_text(encoding="utf-8").split())
    match = re.search(
        r"\*\*Calibration\.\*\*.*?`lanes` (\d+) and `memory_kib` from (\d+) to (\d+).*?"
        r"`iterations` raised in proportion from (\d+) \(never below \d+\).*?"
        r"stays within (\d+).*?at (\d+) KiB, at most (\d+) iterations",
        doc,
    )
    assert match is not None, "section 17.1 lost its calibration paragraph"
    lanes, least, most, passes, bound, at_memory, most_passes = map(int, match.groups())
    assert inspect.signature(KdfParams.calibrated).parameters["ceiling_kib"].default == most
    assert bound == MAX_KDF_COST_KIB
    assert at_memory == most and most_passes == MAX_KDF_COST_KIB // most - 2
    # A target already met gives the starting point without raising anything.
    assert KdfParams.calibrated(target_seconds=0.0) == KdfParams(least, passes, lanes)


# --- sections 10 and 13: the sequence cap -----------------------------------------------------


def test_the_sequence_cap_in_sections_10_and_13_is_the_receivers() -> None:
    doc = DOC.read_text(encoding="utf-8")
    section_10 = doc.split("## 10. ", 1)[1].split("## 11. ", 1)[0]
    section_13 = doc.split("## 13. ", 1)[1].split("## 14. ", 1)[0]
    gap = f"last + 1 < `sequence` <= last + {MAX_SEQUENCE_GAP + 1}"
    too_far = f"`sequence` > last + {MAX_SEQUENCE_GAP + 1}"
    assert gap in section_10
    assert f"{too_far} (more than {MAX_SEQUENCE_GAP} bundles missing" in section_10
    (row,) = [line for line in section_13.splitlines() if line.startswith("| `too-far-ahead`")]
    assert f"more than {MAX_SEQUENCE_GAP} bundles missing" in row and too_far in row


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
