"""The bundle's payload: JSON Lines records cut into chunks, each sealed with HPKE.

docs/bundle-format.md sections 7 and 8: the framing, each chunk's `info`, and the record
lines that may span chunks.
"""

from __future__ import annotations

import hashlib
import json
import zlib
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from typing import BinaryIO, Final

from .bundle_spec import (
    AEAD_TAG_SIZE,
    DIGEST_SIZE,
    FRAME_HEADER_SIZE,
    INFO_PREFIX,
    MAX_PAYLOAD_SIZE,
    MAX_RECORD_SIZE,
    is_id,
)
from .canonical import CanonicalJSONError, canonical_dumps, canonical_loads
from .container import DAMAGED, Layout
from .errors import BundleRefused, BundleTooLarge
from .keys import (
    CipherSuite,
    EncryptionPrivateKey,
    EncryptionPublicKey,
    HybridPrivateKey,
    HybridPublicKey,
    suite_for_key,
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


class ChunkEncryptor:
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


_UNREADABLE = "The bundle's contents could not be decrypted and checked."


def iter_plaintext_chunks(
    f: BinaryIO,
    layout: Layout,
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
            raise BundleRefused(DAMAGED, "truncated")
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


def iter_records(
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
    if not isinstance(entity, str) or not is_id(entity):
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
