"""The bundle's ZIP container: three stored entries, every other byte fixed by the format.

Every byte outside the three entries' data is fixed by the format (no timestamps, no extra
fields, no comment), so a reader can check the whole file and nothing in it goes unchecked.
docs/bundle-format.md section 4.
"""

from __future__ import annotations

import hashlib
import struct
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import BinaryIO, Final

from .bundle_spec import ENTRY_NAMES, MAX_MANIFEST_SIZE, MAX_PAYLOAD_SIZE, SIGNATURE_SIZE
from .errors import BundleCancelled, BundleRefused

CancelledCallback = Callable[[], bool]

_COPY_BLOCK: Final = 1024 * 1024

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


def write_container(
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
class Layout:
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


DAMAGED = "The bundle file is incomplete or damaged; copy it again from where it was made."
ALTERED = "The bundle has been altered or damaged since it was made."


def read_container(f: BinaryIO, file_size: int) -> tuple[Layout, bytes, bytes]:
    if f.read(4) != _LOCAL_SIG.to_bytes(4, "little"):
        raise BundleRefused("This file is not an earlyyears bundle.", "not-a-bundle")
    if file_size < _END_RECORD.size + _LOCAL_HEADER.size:
        raise BundleRefused(DAMAGED, "truncated")
    f.seek(file_size - _END_RECORD.size)
    (sig, disk, cd_disk, on_disk, total, cd_size, cd_offset, comment_len) = _END_RECORD.unpack(
        f.read(_END_RECORD.size)
    )
    if sig != _END_SIG or cd_offset + cd_size != file_size - _END_RECORD.size:
        # Either cut short while copying or extra bytes after the end; both mean damage.
        raise BundleRefused(DAMAGED, "truncated")
    if disk or cd_disk or on_disk != total or comment_len:
        raise BundleRefused(ALTERED, "tampered")
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
            raise BundleRefused(ALTERED, "tampered")
        f.seek(position)
        if f.read(_LOCAL_HEADER.size + len(entry.name)) != _local_header(
            name, entry.crc, entry.size
        ):
            raise BundleRefused(ALTERED, "tampered")
        position += _LOCAL_HEADER.size + len(entry.name) + entry.size
    if position != cd_offset:
        raise BundleRefused(ALTERED, "tampered")

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
        raise BundleRefused(ALTERED, "tampered")
    payload_offset = signature_offset + SIGNATURE_SIZE
    payload_offset += _LOCAL_HEADER.size + len(payload_entry.name)
    layout = Layout(
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
            raise BundleRefused(ALTERED, "tampered")
        fields = _CENTRAL_HEADER.unpack(data[position:end])
        name_len, extra_len, comment_len = fields[10], fields[11], fields[12]
        record_end = end + name_len + extra_len + comment_len
        if fields[0] != _CENTRAL_SIG or record_end > len(data):
            raise BundleRefused(ALTERED, "tampered")
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
        raise BundleRefused(ALTERED, "tampered")
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


def check_payload_hash(f: BinaryIO, layout: Layout, manifest: Mapping[str, object]) -> None:
    if manifest["payload_size"] != layout.payload_size:
        raise BundleRefused(ALTERED, "tampered")
    f.seek(layout.payload_offset)
    digest = hashlib.sha256()
    crc = 0
    remaining = layout.payload_size
    while remaining:
        block = f.read(min(_COPY_BLOCK, remaining))
        if not block:
            raise BundleRefused(DAMAGED, "truncated")
        digest.update(block)
        crc = zlib.crc32(block, crc)
        remaining -= len(block)
    if digest.hexdigest() != manifest["payload_sha256"] or crc != layout.payload_crc:
        raise BundleRefused(ALTERED, "tampered")
