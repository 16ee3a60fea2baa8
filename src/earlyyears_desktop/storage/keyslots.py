"""Key slots: the vault's random data key, wrapped once per passphrase and per recovery key.

Each slot derives a 256-bit wrapping key from its secret with Argon2id (parameters stored in
the slot). A version-1 slot seals the data key itself with AES-256-GCM under it; a version-2
slot (every slot a vault makes now) seals an X25519 private key and the slot's anchor under it,
and holds the data key sealed to the public key with HPKE, so that a re-key can reach every
slot without anyone's passphrase (storage/slot_sealing.py). The slot id and vault id are bound
in as associated data, so a slot cannot be moved to another vault or another slot. Changing a
passphrase writes a new slot; the database is re-encrypted only by a re-key
(storage/rekey.py). A version-1 slot is made version 2 when its owner next unlocks the app.

The central service's keys.json is a version-1 file of the same format (`add_slot`).

The file holds no child's data: slot ids, practitioner ids (UUIDs), the label a practitioner
chose for the unlock screen, salts, parameters, public keys and ciphertext. The labels are
personal data of the practitioners (usually their names, as they chose them), readable without
any key, here and in every backup's header.
"""

from __future__ import annotations

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

from earlyyears_desktop.storage import slot_fields as fields
from earlyyears_desktop.storage import slot_sealing as sealing
from earlyyears_desktop.storage.atomic_file import fsync_dir, replace_atomically
from earlyyears_desktop.storage.errors import (
    NotAVault,
    VaultDamaged,
    VaultInaccessible,
    WrongPassphrase,
)
from earlyyears_desktop.storage.file_limits import FileTooLarge, read_small_file
from earlyyears_desktop.storage.slot_sealing import Anchor, SlotIdentity, SlotRefused

FORMAT = "earlyyears-vault-keyslots"
FORMAT_VERSION = 2
#: a file of version-1 slots only (the central service's keys.json, a vault made before
#: version 2 and not yet unlocked since) is still written and read as version 1
SEALED_SECRET_VERSION = 1
SLOT_VERSIONS = (SEALED_SECRET_VERSION, FORMAT_VERSION)
TAMPERED = (
    "The vault's key-slot file was changed by someone who does not hold the vault's key, "
    "so it is refused: ask an administrator to restore the latest backup."
)
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
MAX_EPOCH = 1_000_000
MAX_HISTORY_BYTES = 12 + 16 + 40 * MAX_SLOTS

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
    """One way into the vault. Version 1: `wrapped_key` is the data key sealed under the
    wrapping key. Version 2: `wrapped_key` is the private key and anchor sealed under it, and
    `sealed_key` the current data key sealed to `public_key`."""

    id: str
    kind: SlotKind
    practitioner_id: str | None
    label: str
    salt: bytes
    params: KdfParams
    nonce: bytes
    wrapped_key: bytes
    public_key: bytes | None = None
    sealed_key: bytes | None = None

    @property
    def version(self) -> int:
        return 1 if self.public_key is None else 2

    def to_json(self) -> dict[str, Any]:
        doc: dict[str, Any] = {
            "id": self.id,
            "kind": self.kind,
            "practitioner_id": self.practitioner_id,
            "label": self.label,
            "kdf": {"name": "argon2id", "salt": fields.b64(self.salt), **asdict(self.params)},
        }
        if self.public_key is None:
            doc["wrap"] = {
                "alg": "AES-256-GCM",
                "nonce": fields.b64(self.nonce),
                "ciphertext": fields.b64(self.wrapped_key),
            }
            return doc
        assert self.sealed_key is not None
        doc["version"] = 2
        doc["public_key"] = {"alg": "X25519", "key": fields.b64(self.public_key)}
        doc["private"] = {
            "alg": "AES-256-GCM",
            "nonce": fields.b64(self.nonce),
            "ciphertext": fields.b64(self.wrapped_key),
        }
        doc["data_key"] = {"alg": sealing.HPKE_ALG, "sealed": fields.b64(self.sealed_key)}
        return doc

    @classmethod
    def from_json(cls, raw: object) -> KeySlot:
        """One slot as `to_json` writes it; ValueError for anything else, costs included."""
        slot = fields.mapping(raw)
        kdf = fields.mapping(slot.get("kdf"))
        if kdf.get("name") != "argon2id":
            raise ValueError("unknown key slot algorithm")
        params = KdfParams(
            fields.integer(kdf.get("memory_kib")),
            fields.integer(kdf.get("iterations")),
            fields.integer(kdf.get("lanes")),
        )
        # Refuse costs no real slot has: a tampered file must not take minutes or gigabytes.
        if not params.within_limits:
            raise ValueError("key slot parameters out of range")
        kind = slot.get("kind")
        if kind != "passphrase" and kind != "recovery":
            raise ValueError("unknown key slot kind")
        practitioner_id = slot.get("practitioner_id")
        common = cls(
            id=fields.text(slot.get("id"), MAX_ID_LENGTH),
            kind=kind,
            practitioner_id=None
            if practitioner_id is None
            else fields.text(practitioner_id, MAX_ID_LENGTH),
            label=fields.text(slot.get("label", ""), MAX_LABEL_LENGTH, allow_empty=True),
            salt=fields.unb64(kdf.get("salt"), *SALT_BYTES),
            params=params,
            nonce=b"",
            wrapped_key=b"",
        )
        version = slot.get("version", 1)
        if version == 1 and "private" not in slot:
            wrap = fields.mapping(slot.get("wrap"))
            if wrap.get("alg") != "AES-256-GCM":
                raise ValueError("unknown key slot algorithm")
            return replace(
                common,
                nonce=fields.unb64(wrap.get("nonce"), NONCE_BYTES, NONCE_BYTES),
                wrapped_key=fields.unb64(wrap.get("ciphertext"), 16, MAX_WRAPPED_BYTES),
            )
        if version != 2 or isinstance(version, bool) or "wrap" in slot:
            raise ValueError("unknown key slot version")
        public, private = (
            fields.mapping(slot.get("public_key")),
            fields.mapping(slot.get("private")),
        )
        sealed = fields.mapping(slot.get("data_key"))
        if (
            public.get("alg") != "X25519"
            or private.get("alg") != "AES-256-GCM"
            or sealed.get("alg") != sealing.HPKE_ALG
        ):
            raise ValueError("unknown key slot algorithm")
        size = sealing.PUBLIC_KEY_BYTES
        return replace(
            common,
            nonce=fields.unb64(private.get("nonce"), NONCE_BYTES, NONCE_BYTES),
            wrapped_key=fields.unb64(
                private.get("ciphertext"),
                sealing.SEALED_PRIVATE_BYTES,
                sealing.SEALED_PRIVATE_BYTES,
            ),
            public_key=fields.unb64(public.get("key"), size, size),
            sealed_key=fields.unb64(
                sealed.get("sealed"),
                sealing.SEALED_DATA_KEY_BYTES,
                sealing.SEALED_DATA_KEY_BYTES,
            ),
        )


@dataclass(frozen=True)
class OpenedSlot:
    """A slot its secret opened: the data key, and what a refresh of the slot needs."""

    slot: KeySlot
    data_key: bytes
    wrapping_key: bytes
    private_key: bytes | None  # version 2
    anchor_epoch: int

    def stale(self, epoch: int) -> bool:
        """Whether the slot should be written afresh: version 1, or anchored at an earlier
        epoch than the file's (a re-key since its owner last unlocked)."""
        return self.private_key is None or self.anchor_epoch != epoch


@dataclass
class KeySlotFile:
    vault_id: str
    slots: list[KeySlot] = field(default_factory=list)
    #: how many times the data key was replaced (a re-key); bound into every version-2 seal
    epoch: int = 0
    #: the earlier data keys, sealed under the current one (after a re-key)
    history: bytes | None = None
    #: epoch -> the data key of that epoch's word for the current key (after a re-key)
    endorsements: dict[int, bytes] = field(default_factory=dict)

    # ---- sealing and opening ----

    def _aad(self, slot_id: str, kind: str, practitioner_id: str | None) -> bytes:
        # Binding the kind and the practitioner means a slot edited to name another
        # practitioner no longer opens: nobody can unlock (and be audited) as someone else.
        who = practitioner_id or "-"
        return f"{FORMAT}/{SEALED_SECRET_VERSION}/{self.vault_id}/{slot_id}/{kind}/{who}".encode()

    def _identity(self, slot_id: str, kind: str, practitioner_id: str | None) -> SlotIdentity:
        return SlotIdentity(
            f"{FORMAT}/{FORMAT_VERSION}", self.vault_id, slot_id, kind, practitioner_id
        )

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
        """A version-1 slot sealing `data_key` (any secret: the central service's keys)."""
        slot_id = str(uuid.uuid4())
        salt = os.urandom(16)
        nonce = os.urandom(12)
        wrapping = derive_wrapping_key(secret, salt, params)
        aad = self._aad(slot_id, kind, practitioner_id)
        wrapped = AESGCM(wrapping).encrypt(nonce, data_key, aad)
        slot = KeySlot(slot_id, kind, practitioner_id, label, salt, params, nonce, wrapped)
        self.slots.append(slot)
        return slot

    def add_vault_slot(
        self,
        data_key: bytes,
        secret: bytes,
        *,
        kind: SlotKind,
        params: KdfParams,
        practitioner_id: str | None = None,
        label: str = "",
    ) -> KeySlot:
        """A version-2 slot for the vault's data key, anchored at the current epoch."""
        salt = os.urandom(16)
        wrapping = derive_wrapping_key(secret, salt, params)
        base = KeySlot(str(uuid.uuid4()), kind, practitioner_id, label, salt, params, b"", b"")
        slot = self._sealed_v2(base, wrapping, sealing.new_key_pair()[0], data_key)
        self.slots.append(slot)
        return slot

    def _sealed_v2(
        self, base: KeySlot, wrapping: bytes, private_key: bytes, data_key: bytes
    ) -> KeySlot:
        identity = self._identity(base.id, base.kind, base.practitioner_id)
        public_key = sealing.public_key_of(private_key)
        nonce = os.urandom(NONCE_BYTES)
        anchor = Anchor(self.epoch, data_key)
        return replace(
            base,
            nonce=nonce,
            wrapped_key=sealing.seal_private(
                wrapping, nonce, identity, public_key, private_key, anchor
            ),
            public_key=public_key,
            sealed_key=sealing.seal_data_key(public_key, data_key, identity, self.epoch),
        )

    def open_slot(self, slot: KeySlot, secret: bytes) -> OpenedSlot | None:
        """The slot opened with `secret`, None for a wrong secret; VaultDamaged when the
        secret is right but the data key is not one the slot's anchor vouches for."""
        wrapping = derive_wrapping_key(secret, slot.salt, slot.params)
        if slot.public_key is None:
            try:
                aad = self._aad(slot.id, slot.kind, slot.practitioner_id)
                key = AESGCM(wrapping).decrypt(slot.nonce, slot.wrapped_key, aad)
            except InvalidTag:
                return None
            return OpenedSlot(slot, key, wrapping, None, 0)
        assert slot.sealed_key is not None
        identity = self._identity(slot.id, slot.kind, slot.practitioner_id)
        opened = sealing.open_private(
            wrapping, slot.nonce, slot.wrapped_key, identity, slot.public_key
        )
        if opened is None:
            return None
        sealed = sealing.open_data_key(opened.private_key, slot.sealed_key, identity, self.epoch)
        try:
            if sealed is None:
                raise SlotRefused("the data key does not open")
            sealing.vouched_key(opened, sealed, self.epoch, self.vault_id, self.endorsements)
        except SlotRefused:
            raise VaultDamaged(TAMPERED) from None
        return OpenedSlot(slot, sealed, wrapping, opened.private_key, opened.anchor.epoch)

    def try_slot(self, slot: KeySlot, secret: bytes) -> bytes | None:
        opened = self.open_slot(slot, secret)
        return opened.data_key if opened else None

    def open_with(self, secret: bytes, candidates: list[KeySlot]) -> OpenedSlot:
        for slot in candidates:
            opened = self.open_slot(slot, secret)
            if opened is not None:
                return opened
        raise WrongPassphrase("That passphrase is not right for this vault.")

    def unwrap(self, secret: bytes, candidates: list[KeySlot]) -> tuple[KeySlot, bytes]:
        opened = self.open_with(secret, candidates)
        return opened.slot, opened.data_key

    def refresh(self, opened: OpenedSlot) -> KeySlot | None:
        """Write an opened slot afresh when it is stale: a version-1 slot becomes version 2
        (same id, salt and cost: no new derivation), a version-2 slot anchored before the
        last re-key is anchored now. The new slot, or None when nothing changed."""
        if not opened.stale(self.epoch):
            return None
        private_key = opened.private_key or sealing.new_key_pair()[0]
        slot = self._sealed_v2(opened.slot, opened.wrapping_key, private_key, opened.data_key)
        self.slots = [slot if s.id == slot.id else s for s in self.slots]
        return slot

    def rekeyed(self, old_key: bytes, new_key: bytes, drop: set[str]) -> KeySlotFile:
        """A new file for `new_key` at the next epoch, every version-2 slot not in `drop`
        sealed afresh to its public key (no passphrase needed) and endorsed by every earlier
        key; version-1 slots cannot be, and are left out (the caller says so first)."""
        history = self.key_history(old_key)
        history[self.epoch] = old_key
        epoch = self.epoch + 1
        new = KeySlotFile(self.vault_id, [], epoch)
        new.history = sealing.seal_history(new_key, self.vault_id, epoch, history)
        for old_epoch in sorted(history)[-MAX_SLOTS:]:
            new.endorsements[old_epoch] = sealing.endorsement(
                history[old_epoch], old_epoch, new_key, epoch, self.vault_id
            )
        for slot in self.slots:
            if slot.id in drop or slot.public_key is None:
                continue
            identity = new._identity(slot.id, slot.kind, slot.practitioner_id)
            sealed = sealing.seal_data_key(slot.public_key, new_key, identity, epoch)
            new.slots.append(replace(slot, sealed_key=sealed))
        return new

    def key_history(self, data_key: bytes) -> dict[int, bytes]:
        """The earlier data keys by epoch (none before the first re-key)."""
        if self.history is None:
            return {}
        try:
            return sealing.open_history(data_key, self.vault_id, self.epoch, self.history)
        except SlotRefused:
            raise VaultDamaged(TAMPERED) from None

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
        v2 = self.epoch > 0 or any(s.public_key is not None for s in self.slots)
        doc: dict[str, Any] = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION if v2 else SEALED_SECRET_VERSION,
            "vault_id": self.vault_id,
            "slots": [s.to_json() for s in self.slots],
        }
        if v2:
            doc["key_epoch"] = self.epoch
            doc["key_history"] = None if self.history is None else fields.b64(self.history)
            doc["endorsements"] = {
                str(e): fields.b64(m) for e, m in sorted(self.endorsements.items())
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
            doc = json.loads(
                data, parse_float=fields.no_fraction, parse_constant=fields.no_fraction
            )
        except (ValueError, RecursionError):
            # ValueError: not UTF-8, not JSON, a fraction, an integer of thousands of digits.
            # RecursionError: nested deeper than the parser goes (thousands of levels).
            raise damaged from None
        if not isinstance(doc, dict) or doc.get("format") != FORMAT:
            raise NotAVault(f"{folder} is not a vault: its key-slot file is not ours.")
        version = doc.get("format_version")
        if version not in SLOT_VERSIONS or isinstance(version, bool):
            raise NotAVault("The vault's key slots were written by a newer version of the app.")
        try:
            raw_slots = doc.get("slots")
            if not isinstance(raw_slots, list) or len(raw_slots) > MAX_SLOTS:
                raise ValueError("slots")
            slots = [KeySlot.from_json(s) for s in raw_slots]
            loaded = cls(vault_id=fields.text(doc.get("vault_id"), MAX_ID_LENGTH), slots=slots)
            if version == 1:
                if any(s.public_key is not None for s in slots):
                    raise ValueError("a version-2 slot in a version-1 file")
                return loaded
            loaded.epoch = fields.integer(doc.get("key_epoch"))
            if not 0 <= loaded.epoch <= MAX_EPOCH:
                raise ValueError("key epoch")
            history = doc.get("key_history")
            if history is not None:
                loaded.history = fields.unb64(history, 12 + 16, MAX_HISTORY_BYTES)
            endorsements = fields.mapping(doc.get("endorsements"))
            if len(endorsements) > MAX_SLOTS:
                raise ValueError("endorsements")
            for epoch, mac in endorsements.items():
                if not epoch.isdigit() or len(epoch) > 7 or int(epoch) >= loaded.epoch:
                    raise ValueError("endorsement epoch")
                loaded.endorsements[int(epoch)] = fields.unb64(
                    mac, sealing.MAC_BYTES, sealing.MAC_BYTES
                )
            return loaded
        except ValueError:
            raise damaged from None


def write_atomically(path: Path, data: bytes) -> None:
    """Write, fsync, rename over, fsync the folder: the old or the new file, never half."""
    replace_atomically(path, data, prefix=f".{path.name}.", suffix=".tmp")
    # Unlike sync_folder, a folder that cannot be synced is raised here, as it always was.
    fsync_dir(path.parent)
