"""The bundle format's fixed names, sizes and limits, as docs/bundle-format.md states them.

Shared by the ZIP container (`container.py`), the encrypted payload (`payload.py`) and the
bundle writer and reader (`bundle.py`), which re-exports them.
"""

from __future__ import annotations

from typing import Final

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


def is_id(value: object) -> bool:
    return isinstance(value, str) and 1 <= len(value) <= MAX_ID_LENGTH
