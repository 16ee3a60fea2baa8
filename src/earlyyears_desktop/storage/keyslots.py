"""Key slots: the vault's random data key, wrapped once per passphrase and per recovery key.

Each slot derives a 256-bit wrapping key from its secret with Argon2id (parameters stored in
the slot) and seals the data key with AES-256-GCM. The slot id and vault id are bound in as
associated data, so a slot cannot be moved to another vault or another slot. Changing a
passphrase writes a new slot; the database is never re-encrypted.

The file holds no personal data: slot ids, practitioner ids (UUIDs), the label a practitioner
chose for the unlock screen, salts, parameters and ciphertext.
"""

from __future__ import annotations

import base64
import json
import os
import secrets
import time
import unicodedata
import uuid
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id

from earlyyears_desktop.storage.atomic_file import fsync_dir, replace_atomically
from earlyyears_desktop.storage.errors import NotAVault, VaultInaccessible, WrongPassphrase
from earlyyears_desktop.storage.file_limits import FileTooLarge, read_small_file

FORMAT = "earlyyears-vault-keyslots"
FORMAT_VERSION = 1
DATA_KEY_BYTES = 32
MIN_PASSPHRASE_LENGTH = 10
SlotKind = Literal["passphrase", "recovery"]

# 32 symbols without look-alikes (no 0/O, 1/I/L): easy to read aloud and to type back.
_RECOVERY_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
_RECOVERY_GROUPS = 8
_RECOVERY_GROUP_LEN = 5

# What a key-slot file may hold. A file outside these bounds is damaged (or tampered with):
# it is refused before any of it costs much time or memory.
MAX_KEYSLOT_FILE = 1 << 20  # 1 MiB: a slot is about 600 bytes
MAX_SLOTS = 1_000
MAX_ID_LENGTH = 100
MAX_LABEL_LENGTH = 200
MAX_WRAPPED_BYTES = 4_096
SALT_BYTES = (8, 64)
NONCE_BYTES = 12

# The Argon2id costs a slot may ask for: what unlocks within about 5 s and 1.1 GB on the
# machines this runs on. Filling the memory the first time costs about two passes over it,
# so the time is about memory x (iterations + 2). Calibration stays inside these bounds
# (it never goes above 256 MiB); tests use 8 MiB and one pass.
MIN_MEMORY_KIB = 8_192
MAX_MEMORY_KIB = 1_048_576  # 1 GiB
MAX_LANES = 16
MAX_KDF_COST_KIB = 3 * 1_048_576  # memory_kib x (iterations + 2)


@dataclass(frozen=True)
class KdfParams:
    """Argon2id cost. Stored in each slot so that old slots open after a retune."""

    memory_kib: int = 262_144
    iterations: int = 3
    lanes: int = 4

    @property
    def cost_kib(self) -> int:
        """About how long a derivation takes, in KiB-passes (see MAX_KDF_COST_KIB)."""
        return self.memory_kib * (self.iterations + 2)

    @property
    def within_limits(self) -> bool:
        """True when a slot with these costs opens in seconds, within the memory cap."""
        return (
            MIN_MEMORY_KIB <= self.memory_kib <= MAX_MEMORY_KIB
            and 1 <= self.lanes <= MAX_LANES
            and self.iterations >= 1
            and self.cost_kib <= MAX_KDF_COST_KIB
        )

    @classmethod
    def for_tests(cls) -> KdfParams:
        """Cheap parameters for test vaults only: never for a real vault."""
        return cls(memory_kib=8_192, iterations=1, lanes=1)

    @classmethod
    def calibrated(cls, target_seconds: float = 0.5, ceiling_kib: int = 262_144) -> KdfParams:
        """Raise the cost until one derivation takes about `target_seconds` on this machine."""
        params = cls(memory_kib=65_536, iterations=3, lanes=4)
        _time_kdf(params)  # warm up: the first run pays for page faults
        elapsed = min(_time_kdf(params) for _ in range(3))
        # Memory first (it is what makes guessing expensive on GPUs), then iterations.
        while elapsed < target_seconds / 2 and params.memory_kib * 2 <= ceiling_kib:
            params = replace(params, memory_kib=params.memory_kib * 2)
            elapsed *= 2
        if elapsed < target_seconds:
            scale = target_seconds / max(elapsed, 1e-3)
            params = replace(params, iterations=max(3, round(params.iterations * scale)))
        # A very fast machine must not write a slot that a slower one refuses to open.
        most = MAX_KDF_COST_KIB // params.memory_kib - 2
        return replace(params, iterations=min(params.iterations, most))


def _time_kdf(params: KdfParams) -> float:
    start = time.perf_counter()
    derive_wrapping_key(b"calibration", os.urandom(16), params)
    return time.perf_counter() - start


def derive_wrapping_key(secret: bytes, salt: bytes, params: KdfParams) -> bytes:
    kdf = Argon2id(
        salt=salt,
        length=32,
        iterations=params.iterations,
        lanes=params.lanes,
        memory_cost=params.memory_kib,
    )
    return kdf.derive(secret)


def normalise_passphrase(passphrase: str) -> bytes:
    # NFC so that "é" typed on two keyboards is the same passphrase.
    return unicodedata.normalize("NFC", passphrase).encode("utf-8")


def new_recovery_key() -> str:
    """A recovery key of about 198 bits (40 symbols of 31), shown once as eight groups of five."""
    chars = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(40))
    groups = [chars[i : i + _RECOVERY_GROUP_LEN] for i in range(0, 40, _RECOVERY_GROUP_LEN)]
    return "-".join(groups)


def normalise_recovery_key(text: str) -> bytes:
    """Accept the key typed with spaces, hyphens or lower case."""
    cleaned = "".join(c for c in text.upper() if c.isalnum())
    return cleaned.encode("ascii", errors="replace")


def looks_like_recovery_key(text: str) -> bool:
    cleaned = normalise_recovery_key(text).decode("ascii")
    return len(cleaned) == _RECOVERY_GROUPS * _RECOVERY_GROUP_LEN and all(
        c in _RECOVERY_ALPHABET for c in cleaned
    )


@dataclass(frozen=True)
class KeySlot:
    id: str
    kind: SlotKind
    practitioner_id: str | None
    label: str
    salt: bytes
    params: KdfParams
    nonce: bytes
    wrapped_key: bytes

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "practitioner_id": self.practitioner_id,
            "label": self.label,
            "kdf": {"name": "argon2id", "salt": _b64(self.salt), **asdict(self.params)},
            "wrap": {
                "alg": "AES-256-GCM",
                "nonce": _b64(self.nonce),
                "ciphertext": _b64(self.wrapped_key),
            },
        }

    @classmethod
    def from_json(cls, raw: object) -> KeySlot:
        """One slot as `to_json` writes it; ValueError for anything else, costs included."""
        slot = _mapping(raw)
        kdf, wrap = _mapping(slot.get("kdf")), _mapping(slot.get("wrap"))
        if kdf.get("name") != "argon2id" or wrap.get("alg") != "AES-256-GCM":
            raise ValueError("unknown key slot algorithm")
        params = KdfParams(
            _integer(kdf.get("memory_kib")),
            _integer(kdf.get("iterations")),
            _integer(kdf.get("lanes")),
        )
        # Refuse costs no real slot has: a tampered file must not take minutes or gigabytes.
        if not params.within_limits:
            raise ValueError("key slot parameters out of range")
        kind = slot.get("kind")
        if kind != "passphrase" and kind != "recovery":
            raise ValueError("unknown key slot kind")
        practitioner_id = slot.get("practitioner_id")
        return cls(
            id=_text(slot.get("id"), MAX_ID_LENGTH),
            kind=kind,
            practitioner_id=None
            if practitioner_id is None
            else _text(practitioner_id, MAX_ID_LENGTH),
            label=_text(slot.get("label", ""), MAX_LABEL_LENGTH, allow_empty=True),
            salt=_unb64(kdf.get("salt"), *SALT_BYTES),
            params=params,
            nonce=_unb64(wrap.get("nonce"), NONCE_BYTES, NONCE_BYTES),
            wrapped_key=_unb64(wrap.get("ciphertext"), 16, MAX_WRAPPED_BYTES),
        )


@dataclass
class KeySlotFile:
    vault_id: str
    slots: list[KeySlot] = field(default_factory=list)

    # ---- sealing and opening ----

    def _aad(self, slot_id: str, kind: str, practitioner_id: str | None) -> bytes:
        # Binding the kind and the practitioner means a slot edited to name another
        # practitioner no longer opens: nobody can unlock (and be audited) as someone else.
        return (
            f"{FORMAT}/{FORMAT_VERSION}/{self.vault_id}/{slot_id}/{kind}/{practitioner_id or '-'}"
        ).encode()

    def add_slot(
        self,
        data_key: bytes,
        secret: bytes,
        *,
        kind: SlotKind,
        params: KdfParams,
        practitioner_id: str | None = None,
        label: str = "",
    ) -> KeySlot:
        slot_id = str(uuid.uuid4())
        salt = os.urandom(16)
        nonce = os.urandom(12)
        wrapping = derive_wrapping_key(secret, salt, params)
        aad = self._aad(slot_id, kind, practitioner_id)
        wrapped = AESGCM(wrapping).encrypt(nonce, data_key, aad)
        slot = KeySlot(slot_id, kind, practitioner_id, label, salt, params, nonce, wrapped)
        self.slots.append(slot)
        return slot

    def try_slot(self, slot: KeySlot, secret: bytes) -> bytes | None:
        wrapping = derive_wrapping_key(secret, slot.salt, slot.params)
        try:
            aad = self._aad(slot.id, slot.kind, slot.practitioner_id)
            return AESGCM(wrapping).decrypt(slot.nonce, slot.wrapped_key, aad)
        except InvalidTag:
            return None

    def unwrap(self, secret: bytes, candidates: list[KeySlot]) -> tuple[KeySlot, bytes]:
        for slot in candidates:
            key = self.try_slot(slot, secret)
            if key is not None:
                return slot, key
        raise WrongPassphrase("That passphrase is not right for this vault.")

    def remove_slot(self, slot_id: str) -> None:
        self.slots = [s for s in self.slots if s.id != slot_id]

    def passphrase_slots(self, practitioner_id: str | None = None) -> list[KeySlot]:
        return [
            s
            for s in self.slots
            if s.kind == "passphrase"
            and (practitioner_id is None or s.practitioner_id == practitioner_id)
        ]

    def recovery_slots(self) -> list[KeySlot]:
        return [s for s in self.slots if s.kind == "recovery"]

    # ---- the file ----

    def to_bytes(self) -> bytes:
        doc = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "vault_id": self.vault_id,
            "slots": [s.to_json() for s in self.slots],
        }
        return json.dumps(doc, indent=2, sort_keys=True).encode("utf-8") + b"\n"

    def save(self, path: Path) -> None:
        write_atomically(path, self.to_bytes())

    @classmethod
    def load(cls, path: Path) -> KeySlotFile:
        """Read and check a key-slot file (a vault's keyslots.json, the central keys.json).

        The one reader of these files: it reads at most MAX_KEYSLOT_FILE bytes, refuses
        nesting, numbers and costs that no real file holds, and raises NotAVault saying the
        file is damaged (or VaultInaccessible when it may not be read), never anything else.
        """
        try:
            data = read_small_file(path, MAX_KEYSLOT_FILE)
        except FileNotFoundError:
            raise NotAVault(f"{path.parent} is not a vault: it has no key-slot file.") from None
        except PermissionError:
            raise VaultInaccessible.permission_denied(path) from None
        except (OSError, FileTooLarge):
            raise NotAVault(f"The vault's key-slot file in {path.parent} is damaged.") from None
        return cls.from_bytes(data, path.parent)

    @classmethod
    def from_bytes(cls, data: bytes, folder: Path) -> KeySlotFile:
        damaged = NotAVault(f"The vault's key-slot file in {folder} is damaged.")
        try:
            doc = json.loads(data, parse_float=_no_fraction, parse_constant=_no_fraction)
        except (ValueError, RecursionError):
            # ValueError: not UTF-8, not JSON, a fraction, an integer of thousands of digits.
            # RecursionError: nested deeper than the parser goes (thousands of levels).
            raise damaged from None
        if not isinstance(doc, dict) or doc.get("format") != FORMAT:
            raise NotAVault(f"{folder} is not a vault: its key-slot file is not ours.")
        if doc.get("format_version") != FORMAT_VERSION:
            raise NotAVault("The vault's key slots were written by a newer version of the app.")
        try:
            raw_slots = doc.get("slots")
            if not isinstance(raw_slots, list) or len(raw_slots) > MAX_SLOTS:
                raise ValueError("slots")
            slots = [KeySlot.from_json(s) for s in raw_slots]
            return cls(vault_id=_text(doc.get("vault_id"), MAX_ID_LENGTH), slots=slots)
        except ValueError:
            raise damaged from None


def write_atomically(path: Path, data: bytes) -> None:
    """Write, fsync, rename over, fsync the folder: the old or the new file, never half."""
    replace_atomically(path, data, prefix=f".{path.name}.", suffix=".tmp")
    # Unlike sync_folder, a folder that cannot be synced is raised here, as it always was.
    fsync_dir(path.parent)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(value: object, shortest: int, longest: int) -> bytes:
    if not isinstance(value, str) or len(value) > 2 * longest + 4:
        raise ValueError("not base64 of the right length")
    data = base64.b64decode(value.encode("ascii", errors="replace"), validate=True)
    if not shortest <= len(data) <= longest:
        raise ValueError("not base64 of the right length")
    return data


def _mapping(value: object) -> dict[str, object]:
    if not isinstance(value, dict):
        raise ValueError("not an object")
    return value


def _integer(value: object) -> int:
    # bool is an int in Python; JSON's true is not a cost.
    if not isinstance(value, int) or isinstance(value, bool):
        raise ValueError("not a whole number")
    return value


def _text(value: object, longest: int, *, allow_empty: bool = False) -> str:
    if not isinstance(value, str) or len(value) > longest or not (value or allow_empty):
        raise ValueError("not text of the right length")
    return value


def _no_fraction(_text: str) -> object:
    # A key-slot file holds whole numbers only: 1e400 would become infinity.
    raise ValueError("not a whole number")
