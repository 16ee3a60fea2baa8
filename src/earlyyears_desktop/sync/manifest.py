"""Checking a bundle's manifest against docs/bundle-format.md section 5, before anything else.

Messages name fields, never values.
"""

from __future__ import annotations

import re
from typing import TypeGuard

from .bundle_spec import (
    AEAD_TAG_SIZE,
    FORMAT,
    FORMAT_VERSION,
    FRAME_HEADER_SIZE,
    KINDS,
    MANIFEST_FIELDS,
    MAX_CHUNK_SIZE,
    MAX_PAYLOAD_SIZE,
    MIN_CHUNK_SIZE,
    is_id,
)
from .canonical import CanonicalJSONError, canonical_loads, parse_timestamp
from .errors import BundleRefused
from .keys import CipherSuite, is_key_id

_UUID4_RE = re.compile(r"\A[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}\Z")


def parse_manifest(manifest_bytes: bytes) -> dict[str, object]:
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
        if not is_id(m[name]):
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
        is_id(k) and _is_int(v) and v >= 1 for k, v in counts.items()
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


def _is_timestamp(value: object) -> bool:
    if not isinstance(value, str):
        return False
    try:
        parse_timestamp(value)
    except ValueError:
        return False
    return True
