"""Writing and reading sync bundles: signed manifest, HPKE-encrypted chunked payload, one ZIP.

docs/bundle-format.md is the specification; this module is one implementation of it.
Replay, rollback and sequence policy belong to the caller, which knows what it has already
imported; `VerifiedBundle` exposes what that check needs.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import struct
import uuid
import zlib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import BinaryIO, Final, TypeGuard

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric import ed25519

from earlyyears_desktop.storage.atomic_file import private_temp_file, sync_folder

from .canonical import (
    CanonicalJSONError,
    canonical_dumps,
    canonical_loads,
    format_timestamp,
    parse_timestamp,
)
from .errors import BundleCancelled, BundleRefused, BundleTooLarge
from .keys import (
    CipherSuite,
    EncryptionPrivateKey,
    EncryptionPublicKey,
    HybridPrivateKey,
    HybridPublicKey,
    is_key_id,
    key_id,
    suite_for_key,
)

FORMAT: Final = "earlyyears-bundle"
FORMAT_VERSION: Final = 1
KINDS: Final = ("export", "return")
ENTRY_NAMES: Final = ("manifest.json", "manifest.sig", "payload.hpke")
INFO_PREFIX: Final = b"earlyyears-bundle-v1\n"

MAX_MANIFEST_SIZE: Final = 1024 * 1024
SIGNATURE_SIZE: Final = 64
# Plaintext bytes in every chunk but the last (the manifest's `chunk_size`). The lower bound
# keeps the number of frames, and so the reader's work and bookkeeping, proportional to the
# payload's size; the upper bound is what a reader must be able to hold in memory at once.
MIN_CHUNK_SIZE: Final = 64 * 1024
MAX_CHUNK_SIZE: Final = 16 * 1024 * 1024
DEFAULT_CHUNK_SIZE: Final = 1024 * 1024
# A single record line may span chunks; this bounds what the reader holds while joining them.
MAX_RECORD_SIZE: Final = 16 * 1024 * 1024
# No ZIP64: every offset must fit in 32 bits, so the payload stays well under 4 GiB.
MAX_PAYLOAD_SIZE: Final = 3 * 1024 * 1024 * 1024
MAX_ID_LENGTH: Final = 200
#: Receiver policy (section 10): at most this many bundles of a stream may be missing between
#: the last one received and the next, so a sequence number can never jump far ahead.
MAX_SEQUENCE_GAP: Final = 1000
AEAD_TAG_SIZE: Final = 16
FRAME_HEADER_SIZE: Final = 4
DIGEST_SIZE: Final = 32

MANIFEST_FIELDS: Final = frozenset(
    {
        "format",
        "format_version",
        "kind",
        "bundle_id",
        "sender_id",
        "sender_key_id",
        "recipient_id",
        "recipient_key_id",
        "sequence",
        "previous_bundle_sha256",
        "created_at",
        "expires_at",
        "record_counts",
        "payload_sha256",
        "payload_size",
        "chunk_count",
        "chunk_size",
        "cipher_suite",
        "extra",
    }
)

ProgressCallback = Callable[[int, int | None], None]
CancelledCallback = Callable[[], bool]

_COPY_BLOCK = 1024 * 1024
_SAFE_ID_CHARS = re.compile(r"[^A-Za-z0-9]")
_UUID4_RE = re.compile(r"\A[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}\Z")


# --- public types -----------------------------------------------------------------------------


@dataclass(frozen=True)
class WrittenBundle:
    path: Path
    manifest_bytes: bytes
    manifest: dict[str, object]
    # What the next bundle in the same stream puts in previous_bundle_sha256.
    manifest_sha256: str


@dataclass(frozen=True)
class TrustedSender:
    """A known sender key together with the sender id it is registered to.

    `open_bundle` refuses a bundle whose manifest names a different sender than the one the
    key belongs to, so one enrolled device cannot send bundles in another device's name.
    """

    sender_id: str
    public_key: ed25519.Ed25519PublicKey


@dataclass(frozen=True)
class VerifiedBundle:
    """A bundle whose container, signature, addressing, hashes and every chunk were checked.

    It holds the file open from verification on, and `records()` reads from that same open
    file, never from the path again, so a file renamed or copied over the path in between is
    not read. Use it as a context manager (`with open_bundle(...) as bundle:`), or call
    `close()`, to release the file.

    `records()` decrypts the payload a second time rather than keeping plaintext from the
    first pass, so memory stays bounded by one chunk plus one record. Each chunk is checked
    against the SHA-256 recorded for it during verification before it is decrypted again,
    so a file modified in place in between makes `records()` raise BundleRefused("tampered"),
    possibly after some records were yielded. The caller therefore imports inside one
    transaction and rolls back on any exception.

    Because every frame must match its digest before it is decrypted, each plaintext chunk
    is the very one verification decrypted, whose lines were all checked to be canonical JSON
    objects with an entity name; `records()` therefore only decodes them, without checking
    canonical form again.
    """

    path: Path
    manifest: dict[str, object]
    manifest_bytes: bytes
    manifest_sha256: str
    _file: BinaryIO = field(repr=False)
    _layout: _Layout = field(repr=False)
    _private_key: EncryptionPrivateKey = field(repr=False)
    # SHA-256 of every frame, concatenated: 32 bytes per chunk.
    _frame_digests: bytes = field(repr=False)

    def __enter__(self) -> VerifiedBundle:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Release the bundle file; `records()` cannot be used afterwards."""
        self._file.close()

    @property
    def closed(self) -> bool:
        return self._file.closed

    @property
    def kind(self) -> str:
        return str(self.manifest["kind"])

    @property
    def bundle_id(self) -> str:
        return str(self.manifest["bundle_id"])

    @property
    def sender_id(self) -> str:
        return str(self.manifest["sender_id"])

    @property
    def sender_key_id(self) -> str:
        return str(self.manifest["sender_key_id"])

    @property
    def recipient_id(self) -> str:
        return str(self.manifest["recipient_id"])

    @property
    def sequence(self) -> int:
        value = self.manifest["sequence"]
        assert isinstance(value, int)
        return value

    @property
    def previous_bundle_sha256(self) -> str | None:
        value = self.manifest["previous_bundle_sha256"]
        return None if value is None else str(value)

    @property
    def created_at(self) -> datetime:
        return parse_timestamp(str(self.manifest["created_at"]))

    @property
    def expires_at(self) -> datetime | None:
        value = self.manifest["expires_at"]
        return None if value is None else parse_timestamp(str(value))

    @property
    def record_counts(self) -> dict[str, int]:
        counts = self.manifest["record_counts"]
        assert isinstance(counts, dict)
        return {str(k): int(v) for k, v in counts.items()}

    @property
    def extra(self) -> dict[str, object]:
        value = self.manifest["extra"]
        assert isinstance(value, dict)
        return value

    def records(self) -> Iterator[dict[str, object]]:
        """Decrypt the checked payload again and yield its records in order."""
        if self._file.closed:
            raise ValueError("the bundle has been closed")
        chunks = _iter_plaintext_chunks(
            self._file, self._layout, self.manifest, self._private_key, self._frame_digests, None
        )
        yield from _iter_records(chunks, None, checked=True)


# --- names and HPKE info ----------------------------------------------------------------------


def bundle_file_name(kind: str, sender_id: str, sequence: int) -> str:
    """A FAT-safe file name that sorts by kind, sender and sequence."""
    if kind not in KINDS:
        raise ValueError(f"unknown bundle kind {kind!r}")
    if sequence < 1:
        raise ValueError("sequence starts at 1")
    sender = _SAFE_ID_CHARS.sub("", sender_id)[:8].lower() or "unknown"
    return f"EY-{kind}-{sender}-{sequence:06d}.eyb"


def sequence_too_far_ahead(sequence: int, last: int) -> str:
    """The line a receiver gives when refusing a bundle with code `too-far-ahead`."""
    return (
        f"This bundle's sequence number ({sequence}) is too far ahead of the last one "
        f"received ({last}): at most {MAX_SEQUENCE_GAP} bundles may be missing in between, so "
        "it is damaged or was not made by the sender's app."
    )


def chunk_info(manifest: Mapping[str, object], chunk_index: int, final: bool) -> bytes:
    """The HPKE `info` for one chunk: binds it to its bundle, position and end of stream."""
    fields = {name: manifest[name] for name in _INFO_FIELDS}
    fields["chunk_index"] = chunk_index
    fields["final"] = final
    return INFO_PREFIX + canonical_dumps(fields)


_INFO_FIELDS: Final = (
    "bundle_id",
    "format_version",
    "kind",
    "recipient_key_id",
    "sender_id",
    "sender_key_id",
    "sequence",
)


# --- writer -----------------------------------------------------------------------------------


def write_bundle(
    out_path: str | os.PathLike[str],
    *,
    kind: str,
    sender_id: str,
    sender_signing_key: ed25519.Ed25519PrivateKey,
    recipient_id: str,
    recipient_public_key: EncryptionPublicKey,
    sequence: int,
    previous_bundle_sha256: str | None,
    records: Iterable[Mapping[str, object]],
    expires_at: datetime | None = None,
    extra: Mapping[str, object] | None = None,
    progress: ProgressCallback | None = None,
    cancelled: CancelledCallback | None = None,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    now: datetime | None = None,
) -> WrittenBundle:
    """Encrypt `records` to the recipient, sign the manifest and write the bundle atomically.

    Records are streamed: at most one chunk of plaintext and one record are held in memory,
    and only ciphertext is written to disk (a temporary file beside `out_path`). Either the
    finished bundle appears at `out_path` or nothing does.
    """
    out = Path(out_path)
    _check_writer_arguments(
        kind, sender_id, recipient_id, sequence, previous_bundle_sha256, expires_at, chunk_size
    )
    extra_dict = dict(extra or {})
    canonical_dumps(extra_dict)  # refuse floats and the like before any work is done
    suite = suite_for_key(recipient_public_key)
    created = now if now is not None else datetime.now(UTC)
    header: dict[str, object] = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "kind": kind,
        "bundle_id": str(uuid.uuid4()),
        "sender_id": sender_id,
        "sender_key_id": key_id(sender_signing_key.public_key()),
        "recipient_id": recipient_id,
        "recipient_key_id": key_id(recipient_public_key),
        "sequence": sequence,
    }
    total = _known_length(records)
    is_cancelled = cancelled or (lambda: False)

    payload_tmp: Path | None = None
    bundle_tmp: Path | None = None
    try:
        payload_tmp = private_temp_file(out.parent, prefix=".EY-", suffix=".payload.tmp")
        with open(payload_tmp, "wb") as payload_file:
            encryptor = _ChunkEncryptor(
                payload_file, suite, recipient_public_key, header, chunk_size
            )
            counts: Counter[str] = Counter()
            done = 0
            for record in records:
                if is_cancelled():
                    raise BundleCancelled("export cancelled")
                counts[_entity_of(record)] += 1
                line = canonical_dumps(dict(record)) + b"\n"
                if len(line) > MAX_RECORD_SIZE:
                    raise BundleTooLarge("a record is larger than a bundle allows")
                done += 1
                if encryptor.feed(line) and progress is not None:
                    progress(done, total)
            encryptor.finish()
        if progress is not None:
            progress(done, total)

        manifest: dict[str, object] = {
            **header,
            "previous_bundle_sha256": previous_bundle_sha256,
            "created_at": format_timestamp(created),
            "expires_at": None if expires_at is None else format_timestamp(expires_at),
            "record_counts": dict(sorted(counts.items())),
            "payload_sha256": encryptor.sha256.hexdigest(),
            "payload_size": encryptor.size,
            "chunk_count": encryptor.chunk_count,
            "chunk_size": chunk_size,
            "cipher_suite": suite.manifest_value(),
            "extra": extra_dict,
        }
        manifest_bytes = canonical_dumps(manifest)
        if len(manifest_bytes) > MAX_MANIFEST_SIZE:
            raise BundleTooLarge("the manifest is larger than a bundle allows")
        signature = sender_signing_key.sign(manifest_bytes)

        bundle_tmp = private_temp_file(out.parent, prefix=".EY-", suffix=".eyb.tmp")
        with open(bundle_tmp, "wb") as bundle_file, open(payload_tmp, "rb") as payload_in:
            _write_container(
                bundle_file,
                manifest_bytes,
                signature,
                payload_in,
                encryptor.size,
                encryptor.crc32,
                is_cancelled,
            )
            bundle_file.flush()
            os.fsync(bundle_file.fileno())
        os.replace(bundle_tmp, out)
        bundle_tmp = None
        sync_folder(out.parent)
    finally:
        for leftover in (payload_tmp, bundle_tmp):
            if leftover is not None:
                with contextlib.suppress(FileNotFoundError):
                    leftover.unlink()

    return WrittenBundle(
        path=out,
        manifest_bytes=manifest_bytes,
        manifest=manifest,
        manifest_sha256=hashlib.sha256(manifest_bytes).hexdigest(),
    )


def _check_writer_arguments(
    kind: str,
    sender_id: str,
    recipient_id: str,
    sequence: int,
    previous_bundle_sha256: str | None,
    expires_at: datetime | None,
    chunk_size: int,
) -> None:
    if kind not in KINDS:
        raise ValueError(f"unknown bundle kind {kind!r}")
    for name, value in (("sender_id", sender_id), ("recipient_id", recipient_id)):
        if not _is_id(value):
            raise ValueError(f"{name} must be 1 to {MAX_ID_LENGTH} characters")
    if isinstance(sequence, bool) or not isinstance(sequence, int) or sequence < 1:
        raise ValueError("sequence must be an integer >= 1")
    if (sequence == 1) != (previous_bundle_sha256 is None):
        raise ValueError("previous_bundle_sha256 is None exactly when sequence is 1")
    if previous_bundle_sha256 is not None and not is_key_id(previous_bundle_sha256):
        raise ValueError("previous_bundle_sha256 must be 64 lower-case hex digits")
    if kind == "return" and expires_at is None:
        raise ValueError("return bundles must carry an expiry")
    if (
        isinstance(chunk_size, bool)
        or not isinstance(chunk_size, int)
        or not MIN_CHUNK_SIZE <= chunk_size <= MAX_CHUNK_SIZE
    ):
        raise ValueError(f"chunk_size must be {MIN_CHUNK_SIZE} .. {MAX_CHUNK_SIZE}")


def _entity_of(record: Mapping[str, object]) -> str:
    entity = record.get("entity")
    if not isinstance(entity, str) or not _is_id(entity):
        raise ValueError("every record needs an 'entity' string")
    return entity


def _known_length(records: Iterable[object]) -> int | None:
    try:
        return len(records)  # type: ignore[arg-type]
    except TypeError:
        return None


class _ChunkEncryptor:
    """Cuts the record stream into chunks and appends each encrypted frame to `out`.

    A chunk is only sealed once more bytes are known to follow it, so that the last one
    can be marked final without looking ahead in the caller's iterator.
    """

    def __init__(
        self,
        out: BinaryIO,
        suite: CipherSuite,
        public_key: EncryptionPublicKey,
        header: Mapping[str, object],
        chunk_size: int,
    ) -> None:
        self._out = out
        self._suite = suite.hpke_suite()
        self._public_key = (
            public_key.hpke_key() if isinstance(public_key, HybridPublicKey) else public_key
        )
        self._header = header
        self._chunk_size = chunk_size
        self._buffer = bytearray()
        self.sha256 = hashlib.sha256()
        self.crc32 = 0
        self.size = 0
        self.chunk_count = 0

    def feed(self, data: bytes) -> bool:
        """Add plaintext; True when at least one chunk was sealed."""
        self._buffer += data
        sealed = False
        while len(self._buffer) > self._chunk_size:
            self._seal(bytes(self._buffer[: self._chunk_size]), final=False)
            del self._buffer[: self._chunk_size]
            sealed = True
        return sealed

    def finish(self) -> None:
        # An empty bundle still has one (empty) final chunk, so the reader always sees an end.
        self._seal(bytes(self._buffer), final=True)
        self._buffer.clear()

    def _seal(self, plaintext: bytes, *, final: bool) -> None:
        info = chunk_info(self._header, self.chunk_count, final)
        sealed = self._suite.encrypt(plaintext, self._public_key, info=info)
        frame = len(sealed).to_bytes(FRAME_HEADER_SIZE, "big") + sealed
        if self.size + len(frame) > MAX_PAYLOAD_SIZE:
            raise BundleTooLarge("the export is larger than one bundle allows")
        self._out.write(frame)
        self.sha256.update(frame)
        self.crc32 = zlib.crc32(frame, self.crc32)
        self.size += len(frame)
        self.chunk_count += 1


# --- ZIP container ----------------------------------------------------------------------------
# Every byte outside the three entries' data is fixed by the format (no timestamps, no extra
# fields, no comment), so a reader can check the whole file and nothing in it goes unchecked.

_LOCAL_HEADER = struct.Struct("<IHHHHHIIIHH")
_CENTRAL_HEADER = struct.Struct("<IHHHHHHIIIHHHHHII")
_END_RECORD = struct.Struct("<IHHHHIIH")
_LOCAL_SIG: Final = 0x04034B50
_CENTRAL_SIG: Final = 0x02014B50
_END_SIG: Final = 0x06054B50
_ZIP_VERSION: Final = 20
_DOS_DATE_1980_01_01: Final = 0x0021
_MAX_ENTRIES_EXAMINED: Final = 64
_MAX_CENTRAL_DIRECTORY: Final = 64 * 1024


def _local_header(name: str, crc: int, size: int) -> bytes:
    encoded = name.encode("ascii")
    return (
        _LOCAL_HEADER.pack(
            _LOCAL_SIG,
            _ZIP_VERSION,
            0,
            0,
            0,
            _DOS_DATE_1980_01_01,
            crc,
            size,
            size,
            len(encoded),
            0,
        )
        + encoded
    )


def _central_header(name: str, crc: int, size: int, offset: int) -> bytes:
    encoded = name.encode("ascii")
    return (
        _CENTRAL_HEADER.pack(
            _CENTRAL_SIG,
            _ZIP_VERSION,
            _ZIP_VERSION,
            0,
            0,
            0,
            _DOS_DATE_1980_01_01,
            crc,
            size,
            size,
            len(encoded),
            0,
            0,
            0,
            0,
            0,
            offset,
        )
        + encoded
    )


def _end_record(central_size: int, central_offset: int) -> bytes:
    count = len(ENTRY_NAMES)
    return _END_RECORD.pack(_END_SIG, 0, 0, count, count, central_size, central_offset, 0)


def _write_container(
    out: BinaryIO,
    manifest_bytes: bytes,
    signature: bytes,
    payload: BinaryIO,
    payload_size: int,
    payload_crc: int,
    cancelled: CancelledCallback,
) -> None:
    entries = (
        (ENTRY_NAMES[0], zlib.crc32(manifest_bytes), len(manifest_bytes)),
        (ENTRY_NAMES[1], zlib.crc32(signature), len(signature)),
        (ENTRY_NAMES[2], payload_crc, payload_size),
    )
    offsets: list[int] = []
    position = 0
    for (name, crc, size), data in zip(entries, (manifest_bytes, signature, None), strict=True):
        offsets.append(position)
        header = _local_header(name, crc, size)
        out.write(header)
        if data is not None:
            out.write(data)
        else:
            _copy_stream(payload, out, size, cancelled)
        position += len(header) + size
    central = b"".join(
        _central_header(name, crc, size, offset)
        for (name, crc, size), offset in zip(entries, offsets, strict=True)
    )
    out.write(central)
    out.write(_end_record(len(central), position))


def _copy_stream(src: BinaryIO, dst: BinaryIO, size: int, cancelled: CancelledCallback) -> None:
    remaining = size
    while remaining:
        if cancelled():
            raise BundleCancelled("export cancelled")
        block = src.read(min(_COPY_BLOCK, remaining))
        if not block:
            raise OSError("temporary payload file is shorter than expected")
        dst.write(block)
        remaining -= len(block)


@dataclass(frozen=True)
class _Layout:
    manifest_offset: int
    manifest_size: int
    signature_offset: int
    payload_offset: int
    payload_size: int
    payload_crc: int


@dataclass(frozen=True)
class _CentralEntry:
    name: bytes
    flags: int
    method: int
    crc: int
    compressed_size: int
    size: int
    offset: int
    raw: bytes


_DAMAGED = "The bundle file is incomplete or damaged; copy it again from where it was made."
_ALTERED = "The bundle has been altered or damaged since it was made."


def _read_container(f: BinaryIO, file_size: int) -> tuple[_Layout, bytes, bytes]:
    if f.read(4) != _LOCAL_SIG.to_bytes(4, "little"):
        raise BundleRefused("This file is not an earlyyears bundle.", "not-a-bundle")
    if file_size < _END_RECORD.size + _LOCAL_HEADER.size:
        raise BundleRefused(_DAMAGED, "truncated")
    f.seek(file_size - _END_RECORD.size)
    (sig, disk, cd_disk, on_disk, total, cd_size, cd_offset, comment_len) = _END_RECORD.unpack(
        f.read(_END_RECORD.size)
    )
    if sig != _END_SIG or cd_offset + cd_size != file_size - _END_RECORD.size:
        # Either cut short while copying or extra bytes after the end; both mean damage.
        raise BundleRefused(_DAMAGED, "truncated")
    if disk or cd_disk or on_disk != total or comment_len:
        raise BundleRefused(_ALTERED, "tampered")
    if cd_size > _MAX_CENTRAL_DIRECTORY or total > _MAX_ENTRIES_EXAMINED:
        raise BundleRefused("The file does not hold the parts of a bundle.", "not-a-bundle")
    f.seek(cd_offset)
    entries = _parse_central_directory(f.read(cd_size), total)
    _check_entry_names(entries)

    manifest_entry, signature_entry, payload_entry = entries
    if manifest_entry.size > MAX_MANIFEST_SIZE:
        raise BundleRefused("The bundle's manifest is too large.", "bad-manifest")
    if signature_entry.size != SIGNATURE_SIZE:
        raise BundleRefused("The bundle's signature is not a valid signature.", "bad-signature")
    if payload_entry.size > MAX_PAYLOAD_SIZE:
        raise BundleRefused("The bundle's payload is larger than the format allows.", "tampered")

    # The whole container must be exactly what a writer produces from these three entries.
    position = 0
    for entry in entries:
        name = entry.name.decode("ascii")
        if entry.raw != _central_header(name, entry.crc, entry.size, position):
            raise BundleRefused(_ALTERED, "tampered")
        f.seek(position)
        if f.read(_LOCAL_HEADER.size + len(entry.name)) != _local_header(
            name, entry.crc, entry.size
        ):
            raise BundleRefused(_ALTERED, "tampered")
        position += _LOCAL_HEADER.size + len(entry.name) + entry.size
    if position != cd_offset:
        raise BundleRefused(_ALTERED, "tampered")

    manifest_offset = _LOCAL_HEADER.size + len(manifest_entry.name)
    f.seek(manifest_offset)
    manifest_bytes = f.read(manifest_entry.size)
    signature_offset = manifest_offset + manifest_entry.size
    signature_offset += _LOCAL_HEADER.size + len(signature_entry.name)
    f.seek(signature_offset)
    signature = f.read(SIGNATURE_SIZE)
    if (
        len(manifest_bytes) != manifest_entry.size
        or zlib.crc32(manifest_bytes) != manifest_entry.crc
        or zlib.crc32(signature) != signature_entry.crc
    ):
        raise BundleRefused(_ALTERED, "tampered")
    payload_offset = signature_offset + SIGNATURE_SIZE
    payload_offset += _LOCAL_HEADER.size + len(payload_entry.name)
    layout = _Layout(
        manifest_offset=manifest_offset,
        manifest_size=manifest_entry.size,
        signature_offset=signature_offset,
        payload_offset=payload_offset,
        payload_size=payload_entry.size,
        payload_crc=payload_entry.crc,
    )
    return layout, manifest_bytes, signature


def _parse_central_directory(data: bytes, total: int) -> list[_CentralEntry]:
    entries: list[_CentralEntry] = []
    position = 0
    for _ in range(total):
        end = position + _CENTRAL_HEADER.size
        if end > len(data):
            raise BundleRefused(_ALTERED, "tampered")
        fields = _CENTRAL_HEADER.unpack(data[position:end])
        name_len, extra_len, comment_len = fields[10], fields[11], fields[12]
        record_end = end + name_len + extra_len + comment_len
        if fields[0] != _CENTRAL_SIG or record_end > len(data):
            raise BundleRefused(_ALTERED, "tampered")
        entries.append(
            _CentralEntry(
                name=data[end : end + name_len],
                flags=fields[3],
                method=fields[4],
                crc=fields[7],
                compressed_size=fields[8],
                size=fields[9],
                offset=fields[16],
                raw=data[position:record_end],
            )
        )
        position = record_end
    if position != len(data):
        raise BundleRefused(_ALTERED, "tampered")
    return entries


def _check_entry_names(entries: list[_CentralEntry]) -> None:
    names = [entry.name for entry in entries]
    expected = [name.encode("ascii") for name in ENTRY_NAMES]
    for entry in entries:
        if entry.name.endswith(b"/"):
            raise BundleRefused("A bundle must not contain folders.", "not-a-bundle")
        if entry.flags & 0x1:
            raise BundleRefused("A bundle must not contain encrypted ZIP entries.", "not-a-bundle")
        if entry.method != 0 or entry.compressed_size != entry.size:
            raise BundleRefused("A bundle must not contain compressed entries.", "not-a-bundle")
    if names == expected:
        return
    if sorted(names) == sorted(expected):
        raise BundleRefused("The parts of the bundle are in the wrong order.", "not-a-bundle")
    raise BundleRefused(
        "The file does not hold exactly the three parts of a bundle.", "not-a-bundle"
    )


# --- reader -----------------------------------------------------------------------------------


def open_bundle(
    path: str | os.PathLike[str],
    *,
    trusted_senders: Mapping[str, TrustedSender],
    recipient_private_key: EncryptionPrivateKey,
    recipient_key_id: str | None = None,
    expected_kind: str,
    now: datetime,
    recipient_id: str | None = None,
) -> VerifiedBundle:
    """Check a bundle completely and return it, or raise BundleRefused saying why.

    `trusted_senders` maps sender key ids to `TrustedSender`s (the sender id the key is
    enrolled for, and the key); a bare key is refused with TypeError, because without the
    sender id a trusted key could sign bundles in any sender's name.
    `recipient_key_id` defaults to the key id of `recipient_private_key`'s public key; when
    `recipient_id` is given, the manifest must name it too. Nothing is yielded by
    `records()` of the result that has not already been decrypted and checked here.

    The result keeps the file open for `records()`: use it as `with open_bundle(...) as
    bundle:` (or call `bundle.close()`).
    """
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be timezone-aware")
    if not all(isinstance(trusted, TrustedSender) for trusted in trusted_senders.values()):
        raise TypeError("trusted_senders must map key ids to TrustedSender, not bare keys")
    own_key_id = key_id(recipient_private_key.public_key())
    if recipient_key_id is not None and recipient_key_id != own_key_id:
        raise ValueError("recipient_key_id does not belong to recipient_private_key")
    bundle_path = Path(path)

    # The file stays open for records() (the second pass reads this same open file, not the
    # path again), so it is only closed here if verification fails.
    f = open(bundle_path, "rb")  # noqa: SIM115
    try:
        file_size = os.fstat(f.fileno()).st_size
        layout, manifest_bytes, signature = _read_container(f, file_size)
        manifest = _parse_manifest(manifest_bytes)
        if manifest["kind"] != expected_kind:
            raise BundleRefused(_wrong_kind_message(expected_kind), "wrong-kind")
        _check_sender(manifest, trusted_senders, manifest_bytes, signature)
        if manifest["recipient_key_id"] != own_key_id or (
            recipient_id is not None and manifest["recipient_id"] != recipient_id
        ):
            raise BundleRefused("This bundle was made for another recipient.", "wrong-recipient")
        if CipherSuite.from_manifest_value(manifest["cipher_suite"]) is not suite_for_key(
            recipient_private_key
        ):
            raise BundleRefused(
                "The bundle's cipher suite does not match the recipient's key.", "bad-manifest"
            )
        _check_payload_hash(f, layout, manifest)
        expires_at = manifest["expires_at"]
        if expires_at is not None and parse_timestamp(str(expires_at)) < now:
            raise BundleRefused("This bundle has expired; ask for a new one to be made.", "expired")
        digests = bytearray()
        chunks = _iter_plaintext_chunks(f, layout, manifest, recipient_private_key, None, digests)
        counts: Counter[str] = Counter()
        for record in _iter_records(chunks, counts):
            del record  # verification pass: plaintext is checked, then dropped
        if dict(counts) != manifest["record_counts"]:
            raise BundleRefused(
                "The bundle's record counts do not match its contents.", "bad-payload"
            )
    except BaseException:
        f.close()
        raise

    return VerifiedBundle(
        path=bundle_path,
        manifest=manifest,
        manifest_bytes=manifest_bytes,
        manifest_sha256=hashlib.sha256(manifest_bytes).hexdigest(),
        _file=f,
        _layout=layout,
        _private_key=recipient_private_key,
        _frame_digests=bytes(digests),
    )


def _wrong_kind_message(expected_kind: str) -> str:
    if expected_kind == "export":
        return "This is a return bundle for a device, not an export for the central service."
    return "This is an export bundle for the central service, not a return bundle for a device."


def _check_sender(
    manifest: Mapping[str, object],
    trusted_senders: Mapping[str, TrustedSender],
    manifest_bytes: bytes,
    signature: bytes,
) -> None:
    sender_key_id = str(manifest["sender_key_id"])
    trusted = trusted_senders.get(sender_key_id)
    if trusted is None:
        raise BundleRefused(
            "This bundle comes from a device or service that is not known here "
            "(its key has not been enrolled).",
            "unknown-sender",
        )
    public_key = trusted.public_key
    if key_id(public_key) != sender_key_id:
        raise ValueError("trusted_senders maps a key id to a different key")
    if trusted.sender_id != manifest["sender_id"]:
        raise BundleRefused(
            "This bundle names a different sender than the one its key is enrolled for.",
            "unknown-sender",
        )
    try:
        public_key.verify(signature, manifest_bytes)
    except InvalidSignature:
        raise BundleRefused(
            "The bundle's signature does not match; it may have been altered or forged.",
            "bad-signature",
        ) from None


def _check_payload_hash(f: BinaryIO, layout: _Layout, manifest: Mapping[str, object]) -> None:
    if manifest["payload_size"] != layout.payload_size:
        raise BundleRefused(_ALTERED, "tampered")
    f.seek(layout.payload_offset)
    digest = hashlib.sha256()
    crc = 0
    remaining = layout.payload_size
    while remaining:
        block = f.read(min(_COPY_BLOCK, remaining))
        if not block:
            raise BundleRefused(_DAMAGED, "truncated")
        digest.update(block)
        crc = zlib.crc32(block, crc)
        remaining -= len(block)
    if digest.hexdigest() != manifest["payload_sha256"] or crc != layout.payload_crc:
        raise BundleRefused(_ALTERED, "tampered")


_UNREADABLE = "The bundle's contents could not be decrypted and checked."


def _iter_plaintext_chunks(
    f: BinaryIO,
    layout: _Layout,
    manifest: Mapping[str, object],
    private_key: EncryptionPrivateKey,
    expected_digests: bytes | None,
    record_digests: bytearray | None,
) -> Iterator[bytes]:
    """Decrypt each frame in order, checking its length, position, end flag and the whole hash.

    The manifest was already checked to be consistent (`_manifest_problem`): every frame but
    the last holds exactly `chunk_size` plaintext bytes, and the last one ends the payload.
    """
    suite = suite_for_key(private_key)
    hpke_suite = suite.hpke_suite()
    hpke_key = private_key.hpke_key() if isinstance(private_key, HybridPrivateKey) else private_key
    overhead = suite.enc_length() + AEAD_TAG_SIZE
    chunk_count = manifest["chunk_count"]
    chunk_size = manifest["chunk_size"]
    assert isinstance(chunk_count, int) and isinstance(chunk_size, int)
    whole = hashlib.sha256()
    position = layout.payload_offset
    remaining = layout.payload_size
    index = 0
    while remaining:
        if index >= chunk_count or remaining < FRAME_HEADER_SIZE:
            raise BundleRefused(_UNREADABLE, "tampered")
        # Seek before every read: two records() iterators over one file may be interleaved.
        f.seek(position)
        header = f.read(FRAME_HEADER_SIZE)
        length = int.from_bytes(header, "big")
        final = index == chunk_count - 1
        expected = remaining - FRAME_HEADER_SIZE if final else overhead + chunk_size
        if length != expected or not overhead <= length <= overhead + chunk_size:
            raise BundleRefused(_UNREADABLE, "tampered")
        sealed = f.read(length)
        if len(sealed) != length:
            raise BundleRefused(_DAMAGED, "truncated")
        frame_digest = hashlib.sha256(header + sealed).digest()
        if expected_digests is not None and (
            expected_digests[index * DIGEST_SIZE : (index + 1) * DIGEST_SIZE] != frame_digest
        ):
            raise BundleRefused("The bundle file changed while it was being read.", "tampered")
        if record_digests is not None:
            record_digests += frame_digest
        whole.update(header)
        whole.update(sealed)
        info = chunk_info(manifest, index, final)
        try:
            plaintext = hpke_suite.decrypt(sealed, hpke_key, info=info)
        except Exception:
            # cryptography raises InvalidTag for a bad chunk, but the exact type is not part
            # of the format: any failure to open a chunk is a refusal.
            raise BundleRefused(_UNREADABLE, "tampered") from None
        remaining -= FRAME_HEADER_SIZE + length
        position += FRAME_HEADER_SIZE + length
        index += 1
        yield plaintext
    if index != chunk_count or whole.hexdigest() != manifest["payload_sha256"]:
        raise BundleRefused(_UNREADABLE, "tampered")


def _iter_records(
    chunks: Iterable[bytes], counts: Counter[str] | None, *, checked: bool = False
) -> Iterator[dict[str, object]]:
    """Reassemble JSON Lines that may span chunks; each line must be a canonical JSON object.

    `checked` says the chunks are byte for byte those of a pass that already checked every
    line (their frame digests matched): lines are then only decoded (see `VerifiedBundle`).
    """
    pending = bytearray()
    for chunk in chunks:
        pending += chunk
        start = 0
        while True:
            newline = pending.find(b"\n", start)
            if newline < 0:
                break
            # Every line, line feed included, not only an unfinished one: a line completed by
            # the chunk that ends it could otherwise be up to two chunks long.
            if newline + 1 - start > MAX_RECORD_SIZE:
                raise _record_too_large()
            line = bytes(pending[start:newline])
            yield _decode_checked_record(line) if checked else _parse_record(line, counts)
            start = newline + 1
        del pending[:start]
        if len(pending) >= MAX_RECORD_SIZE:
            raise _record_too_large()
    if pending:
        raise BundleRefused("The bundle's contents end in the middle of a record.", "bad-payload")


def _record_too_large() -> BundleRefused:
    return BundleRefused("A record in the bundle is larger than allowed.", "bad-payload")


def _decode_checked_record(line: bytes) -> dict[str, object]:
    """A line that `_parse_record` already accepted, in bytes equal to those it was given.

    Canonical JSON is plain JSON with no duplicate keys, so the standard decoder gives the
    same object; the record's shape is checked again all the same, as cheap insurance.
    """
    try:
        record = _PLAIN_DECODER.decode(line.decode("utf-8"))
    except (ValueError, RecursionError):
        raise BundleRefused("A record in the bundle is not well formed.", "bad-payload") from None
    return _record_with_entity(record)[0]


def _record_with_entity(record: object) -> tuple[dict[str, object], str]:
    """`record` and its entity name, if it is an object naming one; else the bundle is refused."""
    if not isinstance(record, dict):
        raise BundleRefused("A record in the bundle is not well formed.", "bad-payload")
    entity = record.get("entity")
    if not isinstance(entity, str) or not _is_id(entity):
        raise BundleRefused("A record in the bundle has no entity name.", "bad-payload")
    return record, entity


_PLAIN_DECODER: Final = json.JSONDecoder()


def _parse_record(line: bytes, counts: Counter[str] | None) -> dict[str, object]:
    try:
        record = canonical_loads(line)
    except CanonicalJSONError:
        raise BundleRefused("A record in the bundle is not well formed.", "bad-payload") from None
    checked, entity = _record_with_entity(record)
    if counts is not None:
        counts[entity] += 1
    return checked


# --- manifest validation ----------------------------------------------------------------------


def _parse_manifest(manifest_bytes: bytes) -> dict[str, object]:
    try:
        manifest = canonical_loads(manifest_bytes)
    except CanonicalJSONError:
        raise BundleRefused(
            "The bundle's manifest is not in the required form.", "bad-manifest"
        ) from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BundleRefused("This file is not an earlyyears bundle.", "not-a-bundle")
    version = manifest.get("format_version")
    if version != FORMAT_VERSION or isinstance(version, bool):
        raise BundleRefused(
            "This bundle was made by a newer or unknown version of the format; "
            "update the software that reads it.",
            "unsupported-version",
        )
    problem = _manifest_problem(manifest)
    if problem is not None:
        raise BundleRefused(f"The bundle's manifest is not valid: {problem}.", "bad-manifest")
    return manifest


def _manifest_problem(m: dict[str, object]) -> str | None:
    """The first way `m` breaks the manifest rules, or None. Names fields, never values."""
    if set(m) != MANIFEST_FIELDS:
        return "it has missing or unexpected fields"
    if m["kind"] not in KINDS:
        return "unknown kind"
    if not isinstance(m["bundle_id"], str) or not _UUID4_RE.match(m["bundle_id"]):
        return "bundle_id is not a UUID"
    for name in ("sender_id", "recipient_id"):
        if not _is_id(m[name]):
            return f"{name} is not a valid id"
    for name in ("sender_key_id", "recipient_key_id", "payload_sha256"):
        if not is_key_id(m[name]):
            return f"{name} is not a SHA-256 hex digest"
    sequence = m["sequence"]
    if not _is_int(sequence) or sequence < 1:
        return "sequence is not a positive integer"
    previous = m["previous_bundle_sha256"]
    if (sequence == 1) != (previous is None) or (previous is not None and not is_key_id(previous)):
        return "previous_bundle_sha256 does not fit the sequence number"
    if not _is_timestamp(m["created_at"]):
        return "created_at is not a UTC timestamp"
    expires_at = m["expires_at"]
    if expires_at is None:
        if m["kind"] == "return":
            return "return bundles must carry expires_at"
    elif not _is_timestamp(expires_at):
        return "expires_at is not a UTC timestamp"
    counts = m["record_counts"]
    if not isinstance(counts, dict) or not all(
        _is_id(k) and _is_int(v) and v >= 1 for k, v in counts.items()
    ):
        return "record_counts is not a map of entity names to positive counts"
    try:
        suite = CipherSuite.from_manifest_value(m["cipher_suite"])
    except ValueError:
        return "cipher_suite is not a supported suite"
    payload_size, chunk_count, chunk_size = m["payload_size"], m["chunk_count"], m["chunk_size"]
    if not _is_int(payload_size) or not _is_int(chunk_count) or chunk_count < 1:
        return "payload_size or chunk_count is not a valid integer"
    if not _is_int(chunk_size) or not MIN_CHUNK_SIZE <= chunk_size <= MAX_CHUNK_SIZE:
        return f"chunk_size is not between {MIN_CHUNK_SIZE} and {MAX_CHUNK_SIZE}"
    if not _chunking_fits(payload_size, chunk_count, chunk_size, suite):
        return "chunk_count does not fit payload_size and chunk_size"
    if not isinstance(m["extra"], dict):
        return "extra is not an object"
    return None


def _chunking_fits(
    payload_size: int, chunk_count: int, chunk_size: int, suite: CipherSuite
) -> bool:
    """Whether `chunk_count` frames, all full but the last, make up exactly `payload_size`.

    The last chunk holds 1 .. chunk_size plaintext bytes, or 0 .. chunk_size when it is the
    only one, so `payload_size` and `chunk_size` determine `chunk_count`. Checked before
    anything is decrypted, so a reader's work is bounded by the payload's size.
    """
    if payload_size > MAX_PAYLOAD_SIZE:
        return False
    overhead = FRAME_HEADER_SIZE + suite.enc_length() + AEAD_TAG_SIZE
    last_plaintext = payload_size - (chunk_count - 1) * (overhead + chunk_size) - overhead
    smallest_last = 0 if chunk_count == 1 else 1
    return smallest_last <= last_plaintext <= chunk_size


def _is_int(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_id(value: object) -> bool:
    return isinstance(value, str) and 1 <= len(value) <= MAX_ID_LENGTH


def _is_timestamp(value: object) -> bool:
    if not isinstance(value, str):
        return False
    try:
        parse_timestamp(value)
    except ValueError:
        return False
    return True
