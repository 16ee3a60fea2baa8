"""Writing and reading sync bundles: signed manifest, HPKE-encrypted chunked payload, one ZIP.

docs/bundle-format.md is the specification; this module and its parts are one implementation
of it: `bundle_spec.py` (the format's fixed values, re-exported here), `container.py` (the ZIP
container), `manifest.py` (the manifest's checks) and `payload.py` (the HPKE-sealed chunks and
the record lines).
Replay, rollback and sequence policy belong to the caller, which knows what it has already
imported; `VerifiedBundle` exposes what that check needs.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import BinaryIO

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric import ed25519

from earlyyears_desktop.storage.atomic_file import private_temp_file, publish_new, sync_folder

from .bundle_spec import (
    AEAD_TAG_SIZE,
    DEFAULT_CHUNK_SIZE,
    DIGEST_SIZE,
    ENTRY_NAMES,
    FORMAT,
    FORMAT_VERSION,
    FRAME_HEADER_SIZE,
    INFO_PREFIX,
    KINDS,
    MANIFEST_FIELDS,
    MAX_CHUNK_SIZE,
    MAX_ID_LENGTH,
    MAX_MANIFEST_SIZE,
    MAX_PAYLOAD_SIZE,
    MAX_RECORD_SIZE,
    MAX_SEQUENCE_GAP,
    MIN_CHUNK_SIZE,
    SIGNATURE_SIZE,
    is_id,
)
from .canonical import (
    canonical_dumps,
    format_timestamp,
    parse_timestamp,
)
from .container import (
    CancelledCallback,
    Layout,
    check_payload_hash,
    read_container,
    write_container,
)
from .errors import BundleCancelled, BundleRefused, BundleTooLarge
from .keys import (
    CipherSuite,
    EncryptionPrivateKey,
    EncryptionPublicKey,
    is_key_id,
    key_id,
    suite_for_key,
)
from .manifest import parse_manifest
from .payload import ChunkEncryptor, chunk_info, iter_plaintext_chunks, iter_records

ProgressCallback = Callable[[int, int | None], None]

_SAFE_ID_CHARS = re.compile(r"[^A-Za-z0-9]")


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
    _layout: Layout = field(repr=False)
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
        chunks = iter_plaintext_chunks(
            self._file, self._layout, self.manifest, self._private_key, self._frame_digests, None
        )
        yield from iter_records(chunks, None, checked=True)


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
    replace: bool = True,
) -> WrittenBundle:
    """Encrypt `records` to the recipient, sign the manifest and write the bundle atomically.

    Records are streamed: at most one chunk of plaintext and one record are held in memory,
    and only ciphertext is written to disk (temporary files beside `out_path`, named
    `.NAME.*.tmp` after it, 0600). Either the finished bundle appears at `out_path` or
    nothing does. With `replace=False` a file already at `out_path` is never written over
    (FileExistsError, and the bundle is not written).
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
        payload_tmp = private_temp_file(out.parent, prefix=temp_prefix(out), suffix=".payload.tmp")
        with open(payload_tmp, "wb") as payload_file:
            encryptor = ChunkEncryptor(
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

        bundle_tmp = private_temp_file(out.parent, prefix=temp_prefix(out), suffix=".eyb.tmp")
        with open(bundle_tmp, "wb") as bundle_file, open(payload_tmp, "rb") as payload_in:
            write_container(
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
        if replace:
            os.replace(bundle_tmp, out)
        else:
            publish_new(bundle_tmp, out)
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


def temp_prefix(out: Path) -> str:
    """How the temporary files of a bundle being written to `out` begin (".NAME."), so that
    what a killed writer left can be found by the bundle's name."""
    return f".{out.name}."


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
        if not is_id(value):
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
    if not isinstance(entity, str) or not is_id(entity):
        raise ValueError("every record needs an 'entity' string")
    return entity


def _known_length(records: Iterable[object]) -> int | None:
    try:
        return len(records)  # type: ignore[arg-type]
    except TypeError:
        return None


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
        layout, manifest_bytes, signature = read_container(f, file_size)
        manifest = parse_manifest(manifest_bytes)
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
        check_payload_hash(f, layout, manifest)
        expires_at = manifest["expires_at"]
        if expires_at is not None and parse_timestamp(str(expires_at)) < now:
            raise BundleRefused("This bundle has expired; ask for a new one to be made.", "expired")
        digests = bytearray()
        chunks = iter_plaintext_chunks(f, layout, manifest, recipient_private_key, None, digests)
        counts: Counter[str] = Counter()
        for record in iter_records(chunks, counts):
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


__all__ = [
    "AEAD_TAG_SIZE",
    "DEFAULT_CHUNK_SIZE",
    "DIGEST_SIZE",
    "ENTRY_NAMES",
    "FORMAT",
    "FORMAT_VERSION",
    "FRAME_HEADER_SIZE",
    "INFO_PREFIX",
    "KINDS",
    "MANIFEST_FIELDS",
    "MAX_CHUNK_SIZE",
    "MAX_ID_LENGTH",
    "MAX_MANIFEST_SIZE",
    "MAX_PAYLOAD_SIZE",
    "MAX_RECORD_SIZE",
    "MAX_SEQUENCE_GAP",
    "MIN_CHUNK_SIZE",
    "SIGNATURE_SIZE",
    "CancelledCallback",
    "ProgressCallback",
    "TrustedSender",
    "VerifiedBundle",
    "WrittenBundle",
    "bundle_file_name",
    "chunk_info",
    "open_bundle",
    "sequence_too_far_ahead",
    "write_bundle",
]
