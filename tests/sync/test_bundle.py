from __future__ import annotations

import hashlib
import io
import json
import re
import shutil
import subprocess
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from earlyyears_desktop.sync import bundle as bundle_module
from earlyyears_desktop.sync import container as container_module
from earlyyears_desktop.sync import payload as payload_module
from earlyyears_desktop.sync.bundle import (
    TrustedSender,
    VerifiedBundle,
    WrittenBundle,
    bundle_file_name,
    open_bundle,
    write_bundle,
)
from earlyyears_desktop.sync.canonical import canonical_dumps
from earlyyears_desktop.sync.errors import REFUSAL_CODES, BundleCancelled, BundleRefused
from earlyyears_desktop.sync.keys import CipherSuite, KeyPair, public_key_to_pem

NOW = datetime(2025, 3, 1, 12, 0, 0, tzinfo=UTC)
SECRET = "Zebedee-Private-Name"
DOCS = Path(__file__).resolve().parents[2] / "docs" / "bundle-format.md"


@pytest.fixture(scope="module")
def device() -> KeyPair:
    return KeyPair.generate()


@pytest.fixture(scope="module")
def central() -> KeyPair:
    return KeyPair.generate()


@pytest.fixture(scope="module")
def hybrid_central() -> KeyPair:
    return KeyPair.generate(CipherSuite.MLKEM768_X25519)


def make_records(count: int, size: int = 40) -> list[dict[str, object]]:
    entities = ("child", "attendance", "visit_note")
    return [
        {
            "entity": entities[i % len(entities)],
            "id": f"id-{i:05d}",
            "version": i + 1,
            "deleted": i % 7 == 0,
            "data": {"name": f"{SECRET} {i}", "notes": "é✓" * (size + i % 13)},
        }
        for i in range(count)
    ]


def write_export(
    path: Path,
    sender: KeyPair,
    recipient: KeyPair,
    records: Iterable[Mapping[str, object]],
    **kwargs: Any,
) -> WrittenBundle:
    options: dict[str, Any] = {
        "kind": "export",
        "sender_id": "device-0001",
        "sequence": 1,
        "previous_bundle_sha256": None,
        "chunk_size": bundle_module.MIN_CHUNK_SIZE,
        "now": NOW,
        "recipient_id": "central-la",
    }
    options.update(kwargs)
    return write_bundle(
        path,
        sender_signing_key=sender.signing,
        recipient_public_key=recipient.encryption_public_key,
        records=records,
        **options,
    )


_OPENED: list[VerifiedBundle] = []


@pytest.fixture(autouse=True)
def _close_opened_bundles() -> Iterator[None]:
    # Most tests open a bundle in one expression; this closes what they leave open.
    yield
    while _OPENED:
        _OPENED.pop().close()


def open_export(path: Path, sender: KeyPair, recipient: KeyPair, **kwargs: Any) -> VerifiedBundle:
    options: dict[str, Any] = {
        "trusted_senders": {
            sender.signing_key_id: TrustedSender("device-0001", sender.signing_public_key)
        },
        "expected_kind": "export",
        "now": NOW,
    }
    options.update(kwargs)
    opened = open_bundle(path, recipient_private_key=recipient.encryption, **options)
    _OPENED.append(opened)
    return opened


def refusal(call: Callable[[], object]) -> BundleRefused:
    with pytest.raises(BundleRefused) as info:
        call()
    exc = info.value
    assert exc.code in REFUSAL_CODES
    assert SECRET not in str(exc)
    return exc


def split_frames(payload: bytes) -> list[bytes]:
    frames = []
    position = 0
    while position < len(payload):
        length = int.from_bytes(payload[position : position + 4], "big")
        frames.append(payload[position : position + 4 + length])
        position += 4 + length
    return frames


def repack(
    source: Path,
    target: Path,
    signer: KeyPair,
    *,
    frames: Callable[[list[bytes]], list[bytes]] = lambda f: f,
    manifest_update: dict[str, object] | None = None,
    encode: Callable[[dict[str, object]], bytes] = canonical_dumps,
) -> None:
    """Rebuild a bundle from its parts after a change, re-signed by a trusted key."""
    with zipfile.ZipFile(source) as z:
        manifest = json.loads(z.read("manifest.json"))
        payload = z.read("payload.hpke")
    new_frames = frames(split_frames(payload))
    payload = b"".join(new_frames)
    manifest.update(
        payload_sha256=hashlib.sha256(payload).hexdigest(),
        payload_size=len(payload),
        **(manifest_update or {}),
    )
    manifest_bytes = encode(manifest)
    with open(target, "wb") as out:
        container_module.write_container(
            out,
            manifest_bytes,
            signer.signing.sign(manifest_bytes),
            io.BytesIO(payload),
            len(payload),
            zlib.crc32(payload),
            lambda: False,
        )


@pytest.fixture(scope="module")
def small_bundle(
    tmp_path_factory: pytest.TempPathFactory, device: KeyPair, central: KeyPair
) -> bytes:
    # Two full chunks of the smallest allowed size and a short final one.
    path = tmp_path_factory.mktemp("small") / "small.eyb"
    written = write_export(path, device, central, make_records(3, size=9000))
    assert written.manifest["chunk_count"] == 3, written.manifest["chunk_count"]
    return path.read_bytes()


def structural_positions(bundle: bytes) -> list[int]:
    """Every byte position except the inside of the ciphertexts, which are long and alike.

    Covers the container, manifest, signature, every frame header, every `enc` and the first
    and last bytes of every ciphertext; the hypothesis tests below cover the rest at random.
    """
    with zipfile.ZipFile(io.BytesIO(bundle)) as z:
        info = z.getinfo("payload.hpke")
    start = info.header_offset + 30 + len(info.filename)
    skipped: set[int] = set()
    position = start
    for frame in split_frames(bundle[start : start + info.file_size]):
        skipped.update(range(position + 4 + 32 + 64, position + len(frame) - 64))
        position += len(frame)
    return [p for p in range(len(bundle)) if p not in skipped]


# --- round trips ------------------------------------------------------------------------------


def test_round_trip_across_many_chunks(tmp_path: Path, device: KeyPair, central: KeyPair) -> None:
    records = make_records(2000, size=200)
    path = tmp_path / "out.eyb"
    written = write_export(path, device, central, records)

    assert written.path == path
    assert list(tmp_path.iterdir()) == [path]
    assert written.manifest_sha256 == hashlib.sha256(written.manifest_bytes).hexdigest()
    opened = open_export(path, device, central, recipient_id="central-la")
    assert opened.manifest == written.manifest
    assert opened.manifest_bytes == written.manifest_bytes
    assert opened.manifest_sha256 == written.manifest_sha256
    assert opened.record_counts == {"attendance": 667, "child": 667, "visit_note": 666}
    assert int(str(opened.manifest["chunk_count"])) > 10
    assert opened.manifest["chunk_size"] == bundle_module.MIN_CHUNK_SIZE
    assert list(opened.records()) == records
    assert list(opened.records()) == records  # a second pass gives the same
    assert opened.sequence == 1 and opened.previous_bundle_sha256 is None
    assert opened.created_at == NOW and opened.expires_at is None


def test_manifest_fields_are_exactly_the_documented_ones(
    tmp_path: Path, device: KeyPair, central: KeyPair
) -> None:
    written = write_export(tmp_path / "b.eyb", device, central, make_records(4), extra={"n": 1})
    m = written.manifest
    assert set(m) == bundle_module.MANIFEST_FIELDS
    assert m["sender_key_id"] == device.signing_key_id
    assert m["recipient_key_id"] == central.encryption_key_id
    assert m["cipher_suite"] == {
        "kem": "DHKEM(X25519, HKDF-SHA256)",
        "kdf": "HKDF-SHA256",
        "aead": "AES-256-GCM",
    }
    assert m["extra"] == {"n": 1}
    assert written.manifest_bytes == canonical_dumps(m)
    docs = DOCS.read_text(encoding="utf-8")
    for name in bundle_module.MANIFEST_FIELDS:
        assert f"`{name}`" in docs


def test_hash_chain_links_consecutive_bundles(
    tmp_path: Path, device: KeyPair, central: KeyPair
) -> None:
    first = write_export(tmp_path / "1.eyb", device, central, make_records(2))
    second = write_export(
        tmp_path / "2.eyb",
        device,
        central,
        make_records(2),
        sequence=2,
        previous_bundle_sha256=first.manifest_sha256,
    )
    opened = open_export(second.path, device, central)
    assert opened.sequence == 2
    assert opened.previous_bundle_sha256 == hashlib.sha256(first.manifest_bytes).hexdigest()


def test_empty_bundle_round_trip(tmp_path: Path, device: KeyPair, central: KeyPair) -> None:
    written = write_export(tmp_path / "e.eyb", device, central, [])
    assert written.manifest["chunk_count"] == 1 and written.manifest["record_counts"] == {}
    assert list(open_export(written.path, device, central).records()) == []


def test_record_larger_than_a_chunk_spans_chunks(
    tmp_path: Path, device: KeyPair, central: KeyPair
) -> None:
    records = make_records(3, size=30000)
    written = write_export(tmp_path / "big.eyb", device, central, records)
    assert int(str(written.manifest["chunk_count"])) > 6
    assert list(open_export(written.path, device, central).records()) == records


def test_hybrid_post_quantum_suite_round_trip(
    tmp_path: Path, device: KeyPair, hybrid_central: KeyPair
) -> None:
    records = make_records(60)
    written = write_export(tmp_path / "pq.eyb", device, hybrid_central, records)
    assert written.manifest["cipher_suite"] == {
        "kem": "MLKEM768-X25519",
        "kdf": "HKDF-SHA256",
        "aead": "AES-256-GCM",
    }
    opened = open_export(written.path, device, hybrid_central)
    assert list(opened.records()) == records


def test_hybrid_keys_survive_export_and_reload(
    tmp_path: Path, device: KeyPair, hybrid_central: KeyPair
) -> None:
    reloaded = KeyPair.from_private_bytes(
        hybrid_central.signing_private_bytes(),
        hybrid_central.encryption_private_bytes(),
        CipherSuite.MLKEM768_X25519,
    )
    assert reloaded.encryption_key_id == hybrid_central.encryption_key_id
    written = write_export(tmp_path / "pq.eyb", device, hybrid_central, make_records(3))
    assert len(list(open_export(written.path, device, reloaded).records())) == 3


def test_output_is_an_ordinary_stored_zip(
    tmp_path: Path, device: KeyPair, central: KeyPair
) -> None:
    written = write_export(tmp_path / "z.eyb", device, central, make_records(20))
    with zipfile.ZipFile(written.path) as z:
        assert z.testzip() is None
        assert [i.filename for i in z.infolist()] == [
            "manifest.json",
            "manifest.sig",
            "payload.hpke",
        ]
        assert {i.compress_type for i in z.infolist()} == {zipfile.ZIP_STORED}
        assert z.read("manifest.json") == written.manifest_bytes


def test_bundle_file_names_are_fat_safe_and_sort() -> None:
    assert bundle_file_name("export", "3f2a9c01-77aa-4bb1", 42) == "EY-export-3f2a9c01-000042.eyb"
    assert bundle_file_name("return", "Central/LA:1", 7) == "EY-return-centrall-000007.eyb"
    names = [bundle_file_name("export", "dev", n) for n in (10, 9, 100, 1)]
    assert sorted(names) == [bundle_file_name("export", "dev", n) for n in (1, 9, 10, 100)]
    for name in names:
        assert re.fullmatch(r"[A-Za-z0-9.-]+", name)


def test_progress_reports_records_done(tmp_path: Path, device: KeyPair, central: KeyPair) -> None:
    calls: list[tuple[int, int | None]] = []
    write_export(
        tmp_path / "p.eyb",
        device,
        central,
        make_records(200),
        progress=lambda d, t: calls.append((d, t)),
    )
    assert calls[-1] == (200, 200)
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)
    unknown: list[tuple[int, int | None]] = []
    write_export(
        tmp_path / "q.eyb",
        device,
        central,
        iter(make_records(5)),
        progress=lambda d, t: unknown.append((d, t)),
    )
    assert unknown[-1] == (5, None)


# The writer polls once per record, then once per block while writing the container, so
# poll 301 of a 300-record export happens after every record was encrypted.
@pytest.mark.parametrize("cancel_at_poll", [1, 50, 301])
def test_cancelled_export_leaves_no_files(
    tmp_path: Path, device: KeyPair, central: KeyPair, cancel_at_poll: int
) -> None:
    polls = 0

    def cancelled() -> bool:
        nonlocal polls
        polls += 1
        return polls >= cancel_at_poll

    with pytest.raises(BundleCancelled):
        write_export(tmp_path / "c.eyb", device, central, make_records(300), cancelled=cancelled)
    assert polls == cancel_at_poll
    assert list(tmp_path.iterdir()) == []


def test_failing_record_source_leaves_no_files(
    tmp_path: Path, device: KeyPair, central: KeyPair
) -> None:
    def records() -> Iterator[dict[str, object]]:
        yield from make_records(50)
        raise RuntimeError("database went away")

    with pytest.raises(RuntimeError):
        write_export(tmp_path / "f.eyb", device, central, records())
    assert list(tmp_path.iterdir()) == []


def test_writer_refuses_inconsistent_arguments(
    tmp_path: Path, device: KeyPair, central: KeyPair
) -> None:
    with pytest.raises(ValueError):
        write_export(tmp_path / "x.eyb", device, central, [], previous_bundle_sha256="ab" * 32)
    with pytest.raises(ValueError):
        write_export(tmp_path / "x.eyb", device, central, [], sequence=2)
    with pytest.raises(ValueError):
        write_export(tmp_path / "x.eyb", device, central, [], kind="return")
    with pytest.raises(ValueError):
        write_export(tmp_path / "x.eyb", device, central, [{"id": "no entity"}])
    with pytest.raises(ValueError):
        write_export(tmp_path / "x.eyb", device, central, [{"entity": "x", "n": 0.5}])
    assert list(tmp_path.iterdir()) == []


# --- refusals ---------------------------------------------------------------------------------


def test_wrong_recipient(tmp_path: Path, device: KeyPair, central: KeyPair) -> None:
    other = KeyPair.generate()
    written = write_export(tmp_path / "b.eyb", device, central, make_records(5))
    exc = refusal(lambda: open_export(written.path, device, other))
    assert exc.code == "wrong-recipient"
    assert "another recipient" in exc.reason
    exc = refusal(lambda: open_export(written.path, device, central, recipient_id="central-xx"))
    assert exc.code == "wrong-recipient"


def test_unknown_sender(tmp_path: Path, device: KeyPair, central: KeyPair) -> None:
    written = write_export(tmp_path / "b.eyb", device, central, make_records(5))
    stranger = KeyPair.generate()
    exc = refusal(
        lambda: open_export(
            written.path,
            device,
            central,
            trusted_senders={
                stranger.signing_key_id: TrustedSender("device-0001", stranger.signing_public_key)
            },
        )
    )
    assert exc.code == "unknown-sender"
    assert "not known" in exc.reason


def test_bare_keys_are_not_accepted_as_trusted_senders(
    tmp_path: Path, device: KeyPair, central: KeyPair
) -> None:
    # A bare key says nothing about which sender it belongs to, so an enrolled device could
    # otherwise sign a bundle naming another device as its sender.
    spoofed = write_export(
        tmp_path / "b.eyb", device, central, make_records(5), sender_id="device-0002"
    )
    with pytest.raises(TypeError):
        open_export(
            spoofed.path,
            device,
            central,
            trusted_senders={device.signing_key_id: device.signing_public_key},
        )
    exc = refusal(lambda: open_export(spoofed.path, device, central))
    assert exc.code == "unknown-sender"


def test_known_key_claiming_another_sender_id(
    tmp_path: Path, device: KeyPair, central: KeyPair
) -> None:
    written = write_export(tmp_path / "b.eyb", device, central, make_records(5))
    senders = {device.signing_key_id: TrustedSender("device-9999", device.signing_public_key)}
    exc = refusal(lambda: open_export(written.path, device, central, trusted_senders=senders))
    assert exc.code == "unknown-sender"
    senders = {device.signing_key_id: TrustedSender("device-0001", device.signing_public_key)}
    assert open_export(written.path, device, central, trusted_senders=senders).sender_id == (
        "device-0001"
    )


def test_signature_by_another_key(tmp_path: Path, device: KeyPair, central: KeyPair) -> None:
    written = write_export(tmp_path / "b.eyb", device, central, make_records(5))
    forger = KeyPair.generate()
    forged = tmp_path / "forged.eyb"
    # Keeps the manifest naming the genuine device key, but signs with another key.
    repack(written.path, forged, forger)
    exc = refusal(lambda: open_export(forged, device, central))
    assert exc.code == "bad-signature"


def test_expired_return_bundle(tmp_path: Path, device: KeyPair, central: KeyPair) -> None:
    path = tmp_path / "r.eyb"
    write_bundle(
        path,
        kind="return",
        sender_id="central-la",
        sender_signing_key=central.signing,
        recipient_id="device-0001",
        recipient_public_key=device.encryption_public_key,
        sequence=1,
        previous_bundle_sha256=None,
        records=make_records(3),
        expires_at=NOW + timedelta(days=30),
        extra={"acknowledged_sequences": [1, 2, 3]},
        now=NOW,
    )

    def open_at(moment: datetime) -> VerifiedBundle:
        opened = open_bundle(
            path,
            trusted_senders={
                central.signing_key_id: TrustedSender("central-la", central.signing_public_key)
            },
            recipient_private_key=device.encryption,
            expected_kind="return",
            now=moment,
        )
        _OPENED.append(opened)
        return opened

    opened = open_at(NOW + timedelta(days=29))
    assert opened.expires_at == NOW + timedelta(days=30)
    assert opened.extra == {"acknowledged_sequences": [1, 2, 3]}
    exc = refusal(lambda: open_at(NOW + timedelta(days=31)))
    assert exc.code == "expired"


def test_wrong_kind(tmp_path: Path, device: KeyPair, central: KeyPair) -> None:
    written = write_export(tmp_path / "b.eyb", device, central, make_records(2))
    exc = refusal(lambda: open_export(written.path, device, central, expected_kind="return"))
    assert exc.code == "wrong-kind"


def test_reordered_chunks_refused_even_when_re_signed(
    tmp_path: Path, device: KeyPair, central: KeyPair
) -> None:
    written = write_export(tmp_path / "b.eyb", device, central, make_records(3, size=9000))
    swapped = tmp_path / "swapped.eyb"
    repack(written.path, swapped, device, frames=lambda f: [f[1], f[0], *f[2:]])
    assert refusal(lambda: open_export(swapped, device, central)).code == "tampered"


def test_dropped_final_chunk_refused_even_when_re_signed(
    tmp_path: Path, device: KeyPair, central: KeyPair
) -> None:
    written = write_export(tmp_path / "b.eyb", device, central, make_records(3, size=9000))
    count = int(str(written.manifest["chunk_count"]))
    cut = tmp_path / "cut.eyb"
    repack(
        written.path,
        cut,
        device,
        frames=lambda f: f[:-1],
        manifest_update={"chunk_count": count - 1},
    )
    assert refusal(lambda: open_export(cut, device, central)).code == "tampered"


def test_chunk_moved_from_another_bundle_refused(
    tmp_path: Path, device: KeyPair, central: KeyPair
) -> None:
    first = write_export(tmp_path / "a.eyb", device, central, make_records(3, size=9000))
    second = write_export(tmp_path / "b.eyb", device, central, make_records(3, size=9000))
    with zipfile.ZipFile(second.path) as z:
        donor = split_frames(z.read("payload.hpke"))
    mixed = tmp_path / "mixed.eyb"
    repack(first.path, mixed, device, frames=lambda f: [donor[0], *f[1:]])
    assert refusal(lambda: open_export(mixed, device, central)).code == "tampered"


def test_newer_format_version(tmp_path: Path, device: KeyPair, central: KeyPair) -> None:
    written = write_export(tmp_path / "b.eyb", device, central, make_records(2))
    newer = tmp_path / "v2.eyb"
    repack(written.path, newer, device, manifest_update={"format_version": 2, "new_field": 1})
    assert refusal(lambda: open_export(newer, device, central)).code == "unsupported-version"


@pytest.mark.parametrize(
    ("update", "encode"),
    [
        ({}, lambda m: json.dumps(m, indent=1).encode()),
        ({"unexpected": 1}, canonical_dumps),
        ({"sequence": 0}, canonical_dumps),
        ({"sequence": 2}, canonical_dumps),  # sequence 2 needs a previous hash
        ({"created_at": "yesterday"}, canonical_dumps),
        ({"record_counts": {"child": "3"}}, canonical_dumps),
        ({"cipher_suite": {"kem": "X448"}}, canonical_dumps),
        ({"kind": "gift"}, canonical_dumps),
        ({"bundle_id": "not-a-uuid"}, canonical_dumps),
    ],
)
def test_ill_formed_manifest_refused_even_when_signed(
    tmp_path: Path,
    device: KeyPair,
    central: KeyPair,
    update: dict[str, object],
    encode: Callable[[dict[str, object]], bytes],
) -> None:
    written = write_export(tmp_path / "b.eyb", device, central, make_records(2))
    bad = tmp_path / "bad.eyb"
    repack(written.path, bad, device, manifest_update=update, encode=encode)
    assert refusal(lambda: open_export(bad, device, central)).code == "bad-manifest"


def seal_frames(
    manifest: Mapping[str, object], recipient: KeyPair, chunks: list[bytes]
) -> list[bytes]:
    """Encrypt `chunks` as frames of `manifest`'s bundle, cut however the test wants."""
    suite = CipherSuite.X25519.hpke_suite()
    frames = []
    for index, chunk in enumerate(chunks):
        info = bundle_module.chunk_info(manifest, index, index == len(chunks) - 1)
        sealed = suite.encrypt(chunk, recipient.encryption_public_key, info=info)  # type: ignore[arg-type]
        frames.append(len(sealed).to_bytes(4, "big") + sealed)
    return frames


def plaintext_stream(records: list[dict[str, object]]) -> bytes:
    return b"".join(canonical_dumps(r) + b"\n" for r in records)


def test_writer_refuses_chunk_sizes_out_of_bounds(
    tmp_path: Path, device: KeyPair, central: KeyPair
) -> None:
    for size in (1, 512, bundle_module.MIN_CHUNK_SIZE - 1, bundle_module.MAX_CHUNK_SIZE + 1):
        with pytest.raises(ValueError):
            write_export(tmp_path / "x.eyb", device, central, make_records(2), chunk_size=size)
    assert list(tmp_path.iterdir()) == []


def test_tiny_chunks_are_refused_before_decryption(
    tmp_path: Path, device: KeyPair, central: KeyPair, monkeypatch: pytest.MonkeyPatch
) -> None:
    records = make_records(3)
    written = write_export(tmp_path / "b.eyb", device, central, records)
    stream = plaintext_stream(records)
    tiny = seal_frames(written.manifest, central, [stream[i : i + 1] for i in range(len(stream))])
    bad = tmp_path / "tiny.eyb"
    repack(
        written.path,
        bad,
        device,
        frames=lambda _: tiny,
        manifest_update={"chunk_count": len(tiny), "chunk_size": 1},
    )

    def no_decryption(*args: object) -> Iterator[bytes]:
        raise AssertionError("nothing may be decrypted before the manifest is checked")

    monkeypatch.setattr(bundle_module, "iter_plaintext_chunks", no_decryption)
    exc = refusal(lambda: open_export(bad, device, central))
    assert exc.code == "bad-manifest"
    assert "chunk_size" in exc.reason


@pytest.mark.parametrize("change", [-1, 1, 1000])
def test_chunk_count_must_fit_payload_size_before_decryption(
    tmp_path: Path,
    device: KeyPair,
    central: KeyPair,
    monkeypatch: pytest.MonkeyPatch,
    change: int,
) -> None:
    written = write_export(tmp_path / "b.eyb", device, central, make_records(3, size=9000))
    count = int(str(written.manifest["chunk_count"]))
    assert count == 3
    bad = tmp_path / "count.eyb"
    repack(written.path, bad, device, manifest_update={"chunk_count": count + change})

    def no_decryption(*args: object) -> Iterator[bytes]:
        raise AssertionError("nothing may be decrypted before the manifest is checked")

    monkeypatch.setattr(bundle_module, "iter_plaintext_chunks", no_decryption)
    exc = refusal(lambda: open_export(bad, device, central))
    assert exc.code == "bad-manifest"
    assert "chunk_count" in exc.reason


def test_empty_final_chunk_after_full_ones_is_refused(
    tmp_path: Path, device: KeyPair, central: KeyPair
) -> None:
    size = bundle_module.MIN_CHUNK_SIZE
    records = make_records(60, size=400)
    written = write_export(tmp_path / "b.eyb", device, central, records)
    stream = plaintext_stream(records)[: 2 * size]
    # Not what a writer makes (a stream ending on a chunk boundary ends with a full chunk), and
    # it would give two chunk counts for one payload size.
    bad = tmp_path / "empty-final.eyb"
    frames = seal_frames(written.manifest, central, [stream[:size], stream[size:], b""])
    repack(written.path, bad, device, frames=lambda _: frames, manifest_update={"chunk_count": 3})
    assert refusal(lambda: open_export(bad, device, central)).code == "bad-manifest"


def test_every_non_final_frame_must_be_exactly_chunk_size(
    tmp_path: Path, device: KeyPair, central: KeyPair
) -> None:
    size = bundle_module.MIN_CHUNK_SIZE
    records = make_records(3, size=9000)
    written = write_export(tmp_path / "b.eyb", device, central, records)
    stream = plaintext_stream(records)
    assert 2 * size < len(stream) <= 3 * size
    # Same total as the writer's cut, so the manifest is consistent; only the cut differs.
    cuts = [stream[: size - 100], stream[size - 100 : 2 * size], stream[2 * size :]]
    frames = seal_frames(written.manifest, central, cuts)
    bad = tmp_path / "uneven.eyb"
    repack(written.path, bad, device, frames=lambda _: frames)
    assert refusal(lambda: open_export(bad, device, central)).code == "tampered"
    # The same chunks cut as the format requires open fine.
    good = tmp_path / "even.eyb"
    even = seal_frames(
        written.manifest, central, [stream[:size], stream[size : 2 * size], stream[2 * size :]]
    )
    repack(written.path, good, device, frames=lambda _: even)
    assert list(open_export(good, device, central).records()) == records


@pytest.mark.parametrize("excess", [0, 1, 1000])
def test_record_line_limit_applies_to_every_line(
    tmp_path: Path, device: KeyPair, central: KeyPair, excess: int
) -> None:
    # One line of MAX_RECORD_SIZE + excess bytes (line feed included), cut by the largest
    # chunks: the first chunk holds most of it, the last one completes it.
    limit = bundle_module.MAX_RECORD_SIZE
    size = bundle_module.MAX_CHUNK_SIZE
    skeleton = canonical_dumps({"entity": "child", "id": "big", "pad": ""}) + b"\n"
    line = (
        canonical_dumps(
            {"entity": "child", "id": "big", "pad": "a" * (limit + excess - len(skeleton))}
        )
        + b"\n"
    )
    assert len(line) == limit + excess
    stream = line + canonical_dumps({"entity": "child", "id": "small"}) + b"\n"
    written = write_export(tmp_path / "b.eyb", device, central, [])
    cuts = [stream[i : i + size] for i in range(0, len(stream), size)]
    frames = seal_frames({**written.manifest, "chunk_size": size}, central, cuts)
    big = tmp_path / "big.eyb"
    repack(
        written.path,
        big,
        device,
        frames=lambda _: frames,
        manifest_update={
            "chunk_count": len(cuts),
            "chunk_size": size,
            "record_counts": {"child": 2},
        },
    )
    if excess == 0:
        assert [r["id"] for r in open_export(big, device, central).records()] == ["big", "small"]
    else:
        exc = refusal(lambda: open_export(big, device, central))
        assert exc.code == "bad-payload"
        assert "larger than allowed" in exc.reason


def test_frame_digests_are_kept_compactly(
    tmp_path: Path, device: KeyPair, central: KeyPair
) -> None:
    written = write_export(tmp_path / "b.eyb", device, central, make_records(3, size=9000))
    opened = open_export(written.path, device, central)
    digests = opened._frame_digests
    assert isinstance(digests, bytes)
    assert len(digests) == 32 * int(str(written.manifest["chunk_count"]))


def test_record_counts_must_match_contents(
    tmp_path: Path, device: KeyPair, central: KeyPair
) -> None:
    written = write_export(tmp_path / "b.eyb", device, central, make_records(6))
    bad = tmp_path / "bad.eyb"
    repack(written.path, bad, device, manifest_update={"record_counts": {"child": 6}})
    assert refusal(lambda: open_export(bad, device, central)).code == "bad-payload"


@pytest.mark.parametrize(
    "entries",
    [
        [("manifest.json", b"{}"), ("manifest.sig", b"x" * 64)],
        [("manifest.json", b"{}"), ("manifest.sig", b"x" * 64), ("payload.hpke", b""), ("x", b"")],
        [("manifest.sig", b"x" * 64), ("manifest.json", b"{}"), ("payload.hpke", b"")],
        [("manifest.json", b"{}"), ("manifest.json", b"{}"), ("payload.hpke", b"")],
        [("manifest.json", b"{}"), ("manifest.sig/", b""), ("payload.hpke", b"")],
        [("/manifest.json", b"{}"), ("manifest.sig", b"x" * 64), ("payload.hpke", b"")],
        [("../manifest.json", b"{}"), ("manifest.sig", b"x" * 64), ("payload.hpke", b"")],
    ],
)
def test_wrong_entries_refused(
    tmp_path: Path, entries: list[tuple[str, bytes]], device: KeyPair, central: KeyPair
) -> None:
    path = tmp_path / "odd.eyb"
    with (
        pytest.warns(UserWarning) if len({n for n, _ in entries}) < len(entries) else _no_warning(),
        zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as z,
    ):
        for name, data in entries:
            z.writestr(name, data)
    assert refusal(lambda: open_export(path, device, central)).code == "not-a-bundle"


def test_compressed_entries_refused(tmp_path: Path, device: KeyPair, central: KeyPair) -> None:
    written = write_export(tmp_path / "b.eyb", device, central, make_records(5))
    path = tmp_path / "deflated.eyb"
    with (
        zipfile.ZipFile(written.path) as src,
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z,
    ):
        for name in ("manifest.json", "manifest.sig", "payload.hpke"):
            z.writestr(name, src.read(name))
    assert refusal(lambda: open_export(path, device, central)).code == "not-a-bundle"


def test_restored_by_stdlib_zip_is_refused_as_altered(
    tmp_path: Path, device: KeyPair, central: KeyPair
) -> None:
    # Same three entries re-zipped by another tool: the contents are intact but the container
    # is not the canonical one, and the format checks every byte of the file.
    written = write_export(tmp_path / "b.eyb", device, central, make_records(5))
    path = tmp_path / "rezipped.eyb"
    with zipfile.ZipFile(written.path) as src, zipfile.ZipFile(path, "w") as z:
        for name in ("manifest.json", "manifest.sig", "payload.hpke"):
            z.writestr(name, src.read(name))
    assert refusal(lambda: open_export(path, device, central)).code == "tampered"


@pytest.mark.parametrize("content", [b"", b"hello", b"PK\x03\x04", b"%PDF-1.7\n" + b"x" * 500])
def test_not_a_zip(tmp_path: Path, content: bytes, device: KeyPair, central: KeyPair) -> None:
    path = tmp_path / "junk.eyb"
    path.write_bytes(content)
    assert refusal(lambda: open_export(path, device, central)).code in {"not-a-bundle", "truncated"}


def test_garbage_before_or_after_refused(
    tmp_path: Path, small_bundle: bytes, device: KeyPair, central: KeyPair
) -> None:
    path = tmp_path / "g.eyb"
    for data in (small_bundle + b"\0", b"PK\x03\x04" + small_bundle, small_bundle + small_bundle):
        path.write_bytes(data)
        refusal(lambda: open_export(path, device, central))


def test_file_modified_in_place_between_verification_and_reading(
    tmp_path: Path, device: KeyPair, central: KeyPair
) -> None:
    path = tmp_path / "b.eyb"
    write_export(path, device, central, make_records(3, size=9000))
    with open_export(path, device, central) as opened:
        # Same length, last frame's ciphertext changed: found only when that frame is reached,
        # after records from the earlier frames were already yielded.
        data = bytearray(path.read_bytes())
        data[-300] ^= 0x01
        with open(path, "r+b") as f:
            f.write(data)
        seen = []
        with pytest.raises(BundleRefused) as info:
            for record in opened.records():
                seen.append(record)
        assert info.value.code == "tampered"
        assert seen  # why the caller must import inside one transaction and roll back


def test_file_replaced_on_disk_after_verification_is_not_read(
    tmp_path: Path, device: KeyPair, central: KeyPair
) -> None:
    path = tmp_path / "b.eyb"
    records = make_records(50)
    write_export(path, device, central, records)
    with open_export(path, device, central) as opened:
        # Another valid bundle renamed over the path after verification: records() keeps
        # reading the file that was verified, not whatever the path now names.
        write_export(path, device, central, make_records(7))
        assert list(opened.records()) == records
        assert list(opened.records()) == records
    assert len(list(open_export(path, device, central).records())) == 7


def test_records_decode_the_verified_lines_without_checking_them_again(
    tmp_path: Path, device: KeyPair, central: KeyPair, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Every frame is matched to its digest from verification before it is decrypted again,
    # so its lines are the ones already checked: records() only decodes them (a second
    # canonical check of 100,000 records was most of an ingest's time).
    path = tmp_path / "b.eyb"
    records = make_records(300, size=300)
    write_export(path, device, central, records)
    with open_export(path, device, central) as opened:

        def checked_again(_line: bytes) -> object:
            raise AssertionError("records() checked canonical form a second time")

        monkeypatch.setattr(payload_module, "canonical_loads", checked_again)
        assert list(opened.records()) == records


def test_verified_bundle_is_a_context_manager(
    tmp_path: Path, device: KeyPair, central: KeyPair
) -> None:
    path = tmp_path / "b.eyb"
    records = make_records(3, size=9000)
    write_export(path, device, central, records)
    with open_export(path, device, central) as opened:
        assert not opened.closed
        first, second = opened.records(), opened.records()
        # Two iterators over the one open file, interleaved, each read the whole payload.
        pairs = list(zip(first, second, strict=True))
        assert [a for a, _ in pairs] == records and [b for _, b in pairs] == records
    assert opened.closed
    with pytest.raises(ValueError):
        list(opened.records())
    opened.close()  # closing twice is harmless


def test_refused_bundle_leaves_no_file_open(
    tmp_path: Path, device: KeyPair, central: KeyPair
) -> None:
    written = write_export(tmp_path / "b.eyb", device, central, make_records(5))
    fd_dir = Path("/proc/self/fd")
    if not fd_dir.is_dir():
        pytest.skip("needs /proc to count open files")
    before = len(list(fd_dir.iterdir()))
    for _ in range(5):
        refusal(lambda: open_export(written.path, device, central, expected_kind="return"))
    assert len(list(fd_dir.iterdir())) == before


def test_every_refusal_code_is_documented() -> None:
    docs = DOCS.read_text(encoding="utf-8")
    for code in REFUSAL_CODES:
        assert f"`{code}`" in docs


# --- every flipped byte and every truncation --------------------------------------------------


def test_small_bundle_opens(
    small_bundle: bytes, tmp_path: Path, device: KeyPair, central: KeyPair
) -> None:
    path = tmp_path / "s.eyb"
    path.write_bytes(small_bundle)
    assert len(list(open_export(path, device, central).records())) == 3


def test_every_flipped_byte_is_refused(
    small_bundle: bytes, tmp_path: Path, device: KeyPair, central: KeyPair
) -> None:
    path = tmp_path / "flipped.eyb"
    for position in structural_positions(small_bundle):
        for mask in (0x01, 0x80, 0xFF):
            damaged = bytearray(small_bundle)
            damaged[position] ^= mask
            path.write_bytes(damaged)
            refusal(lambda: open_export(path, device, central))


def test_every_truncation_is_refused(
    small_bundle: bytes, tmp_path: Path, device: KeyPair, central: KeyPair
) -> None:
    path = tmp_path / "short.eyb"
    for length in structural_positions(small_bundle):
        path.write_bytes(small_bundle[:length])
        refusal(lambda: open_export(path, device, central))


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_any_byte_changed_to_any_value_is_refused(
    data: st.DataObject, small_bundle: bytes, tmp_path: Path, device: KeyPair, central: KeyPair
) -> None:
    position = data.draw(st.integers(0, len(small_bundle) - 1))
    mask = data.draw(st.integers(1, 255))
    damaged = bytearray(small_bundle)
    damaged[position] ^= mask
    path = tmp_path / "h.eyb"
    path.write_bytes(damaged)
    refusal(lambda: open_export(path, device, central))


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_any_truncation_or_extension_is_refused(
    data: st.DataObject, small_bundle: bytes, tmp_path: Path, device: KeyPair, central: KeyPair
) -> None:
    cut = data.draw(st.integers(0, len(small_bundle) - 1))
    tail = data.draw(st.binary(max_size=64))
    path = tmp_path / "t.eyb"
    path.write_bytes(small_bundle[:cut] + tail)
    refusal(lambda: open_export(path, device, central))


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_hybrid_bundle_any_byte_changed_is_refused(
    data: st.DataObject, tmp_path: Path, device: KeyPair, hybrid_central: KeyPair
) -> None:
    path = tmp_path / "pq.eyb"
    if not path.exists():
        write_export(path, device, hybrid_central, make_records(3, size=9000))
    original = path.read_bytes()
    position = data.draw(st.integers(0, len(original) - 1))
    damaged = bytearray(original)
    damaged[position] ^= data.draw(st.integers(1, 255))
    target = tmp_path / "pq-damaged.eyb"
    target.write_bytes(damaged)
    refusal(lambda: open_export(target, device, hybrid_central))


# --- independent verification -----------------------------------------------------------------


def test_openssl_verifies_the_manifest_signature(
    tmp_path: Path, device: KeyPair, central: KeyPair
) -> None:
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("openssl binary not installed")
    written = write_export(tmp_path / "b.eyb", device, central, make_records(5))
    with zipfile.ZipFile(written.path) as z:
        z.extractall(tmp_path / "x")
    (tmp_path / "pub.pem").write_text(public_key_to_pem(device.signing_public_key))
    command = [
        openssl,
        "pkeyutl",
        "-verify",
        "-pubin",
        "-inkey",
        "pub.pem",
        "-rawin",
        "-in",
        "x/manifest.json",
        "-sigfile",
        "x/manifest.sig",
    ]
    result = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Signature Verified Successfully" in result.stdout

    (tmp_path / "x" / "manifest.json").write_bytes(
        written.manifest_bytes.replace(b'"sequence":1', b'"sequence":2')
    )
    result = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, check=False)
    assert result.returncode != 0


class _no_warning:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *args: object) -> None:
        return None
