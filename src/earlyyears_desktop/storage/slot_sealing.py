"""The cryptography of a version-2 key slot: what lets a re-key reach every slot without
knowing anyone's passphrase, and what stops anyone else from doing the same.

A version-2 slot holds an X25519 key pair. Its private half is sealed with AES-256-GCM under
the slot's Argon2id wrapping key, together with the slot's *anchor*: the key epoch and the
data key of that epoch when the slot's owner last unlocked (or the slot was made). The data key
of the current epoch is sealed to the slot's public key with HPKE (RFC 9180, base mode,
X25519 / HKDF-SHA256 / AES-256-GCM), so whoever holds the data key can seal a new one to every
slot: that is a re-key.

Anyone who can write the vault folder can also seal a key of their own to a public key. So a
slot opens a data key only if its anchor vouches for it:
- same epoch as the anchor: it must be the anchored key itself (compared in constant time);
- a later epoch: the key-slot file must hold an *endorsement* of it made with the anchored key
  (HMAC-SHA256 under a key derived from the old data key, over the vault id, both epochs and a
  commitment to the new key). Only someone who held the anchored key can write one;
- an earlier epoch: refused (a key-slot file put back from before the slot's owner last
  unlocked, while that slot's newer anchor is kept).
On each unlock the slot is anchored afresh at the current epoch. What remains is explained in
docs/security-model.md: a leaver who kept the old data key and can still write the folder,
against a colleague who has not unlocked since the re-key; and the whole folder put back from
an old copy (the database and the key-slot file together, with their old anchors), which
nothing here can tell from the real vault.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, hpke, serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

PUBLIC_KEY_BYTES = 32
PRIVATE_BLOB_BYTES = 32 + 8 + 32  # private key, anchor epoch, anchor data key
SEALED_PRIVATE_BYTES = PRIVATE_BLOB_BYTES + 16
SEALED_DATA_KEY_BYTES = 32 + 32 + 16  # HPKE encapsulated key, data key, tag
MAC_BYTES = 32
HPKE_ALG = "HPKE-X25519-HKDF-SHA256-AES-256-GCM"
_SUITE = hpke.Suite(hpke.KEM.X25519, hpke.KDF.HKDF_SHA256, hpke.AEAD.AES_256_GCM)
_RAW = serialization.Encoding.Raw


class SlotRefused(Exception):
    """A slot whose secret was right but whose data key is not vouched for (tampered with,
    rolled back, or sealed by someone who does not hold the vault's key)."""


@dataclass(frozen=True)
class SlotIdentity:
    """What a version-2 slot's seals are bound to: moving or editing any of it breaks them."""

    prefix: str  # "earlyyears-vault-keyslots/2"
    vault_id: str
    slot_id: str
    kind: str
    practitioner_id: str | None

    def text(self) -> bytes:
        who = self.practitioner_id or "-"
        return f"{self.prefix}/{self.vault_id}/{self.slot_id}/{self.kind}/{who}".encode()


@dataclass(frozen=True)
class Anchor:
    """The epoch and data key a slot's owner last saw (inside the passphrase seal)."""

    epoch: int
    data_key: bytes


@dataclass(frozen=True)
class OpenedPrivate:
    private_key: bytes
    anchor: Anchor


def new_key_pair() -> tuple[bytes, bytes]:
    """(private, public) raw X25519 keys."""
    private = X25519PrivateKey.generate()
    return (
        private.private_bytes(_RAW, serialization.PrivateFormat.Raw, serialization.NoEncryption()),
        private.public_key().public_bytes(_RAW, serialization.PublicFormat.Raw),
    )


def public_key_of(private_key: bytes) -> bytes:
    return (
        X25519PrivateKey.from_private_bytes(private_key)
        .public_key()
        .public_bytes(_RAW, serialization.PublicFormat.Raw)
    )


def seal_private(
    wrapping_key: bytes,
    nonce: bytes,
    identity: SlotIdentity,
    public_key: bytes,
    private_key: bytes,
    anchor: Anchor,
) -> bytes:
    blob = private_key + anchor.epoch.to_bytes(8, "big") + anchor.data_key
    return AESGCM(wrapping_key).encrypt(nonce, blob, _private_aad(identity, public_key))


def open_private(
    wrapping_key: bytes, nonce: bytes, sealed: bytes, identity: SlotIdentity, public_key: bytes
) -> OpenedPrivate | None:
    """The private key and anchor, or None when the wrapping key is not this slot's (a wrong
    secret, or any sealed field edited)."""
    try:
        blob = AESGCM(wrapping_key).decrypt(nonce, sealed, _private_aad(identity, public_key))
    except InvalidTag:
        return None
    if len(blob) != PRIVATE_BLOB_BYTES:
        return None
    private_key = blob[:32]
    # The public key is bound in the associated data; checking it matches the private key
    # too means a slot can never be sealed to a public key whose private half is not here.
    if not hmac.compare_digest(public_key_of(private_key), public_key):
        return None
    return OpenedPrivate(private_key, Anchor(int.from_bytes(blob[32:40], "big"), blob[40:]))


def seal_data_key(public_key: bytes, data_key: bytes, identity: SlotIdentity, epoch: int) -> bytes:
    recipient = X25519PublicKey.from_public_bytes(public_key)
    return _SUITE.encrypt(data_key, recipient, info=_data_key_info(identity, epoch))


def open_data_key(
    private_key: bytes, sealed: bytes, identity: SlotIdentity, epoch: int
) -> bytes | None:
    try:
        key = _SUITE.decrypt(
            sealed,
            X25519PrivateKey.from_private_bytes(private_key),
            info=_data_key_info(identity, epoch),
        )
    except Exception:  # the exact error is not part of the format: any failure is a refusal
        return None
    return key if len(key) == 32 else None


def vouched_key(
    opened: OpenedPrivate,
    data_key: bytes,
    epoch: int,
    vault_id: str,
    endorsements: dict[int, bytes],
) -> bytes:
    """`data_key` if the slot's anchor vouches for it at `epoch`, else SlotRefused."""
    anchor = opened.anchor
    if epoch < anchor.epoch:
        raise SlotRefused("rolled back")
    if epoch == anchor.epoch:
        if not hmac.compare_digest(data_key, anchor.data_key):
            raise SlotRefused("not the anchored key")
        return data_key
    mac = endorsements.get(anchor.epoch)
    expected = endorsement(anchor.data_key, anchor.epoch, data_key, epoch, vault_id)
    if mac is None or not hmac.compare_digest(mac, expected):
        raise SlotRefused("not endorsed by the anchored key")
    return data_key


def endorsement(
    old_key: bytes, old_epoch: int, new_key: bytes, new_epoch: int, vault_id: str
) -> bytes:
    """The old data key's word that the new one follows it: only its holders can write it."""
    mac_key = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"earlyyears key endorsement"
    ).derive(old_key)
    message = f"{vault_id}/{old_epoch}/{new_epoch}/".encode() + commitment(new_key)
    return hmac.new(mac_key, message, hashlib.sha256).digest()


def commitment(key: bytes) -> bytes:
    """A commitment to a data key that reveals nothing of it."""
    return hmac.new(key, b"earlyyears key commitment", hashlib.sha256).digest()


def seal_history(data_key: bytes, vault_id: str, epoch: int, history: dict[int, bytes]) -> bytes:
    """The earlier data keys (by epoch) sealed under the current one, so that a re-key can
    endorse the new key for a slot anchored at any earlier epoch."""
    nonce = os.urandom(12)
    plain = b"".join(e.to_bytes(8, "big") + k for e, k in sorted(history.items()))
    return nonce + AESGCM(_history_key(data_key)).encrypt(
        nonce, plain, _history_aad(vault_id, epoch)
    )


def open_history(data_key: bytes, vault_id: str, epoch: int, sealed: bytes) -> dict[int, bytes]:
    try:
        plain = AESGCM(_history_key(data_key)).decrypt(
            sealed[:12], sealed[12:], _history_aad(vault_id, epoch)
        )
    except InvalidTag:
        raise SlotRefused("key history") from None
    if len(plain) % 40:
        raise SlotRefused("key history")
    items = (plain[i : i + 40] for i in range(0, len(plain), 40))
    return {int.from_bytes(item[:8], "big"): item[8:] for item in items}


def _history_key(data_key: bytes) -> bytes:
    return HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"earlyyears key history"
    ).derive(data_key)


def _history_aad(vault_id: str, epoch: int) -> bytes:
    return f"earlyyears-vault-keyslots/2/{vault_id}/history/{epoch}".encode()


def _private_aad(identity: SlotIdentity, public_key: bytes) -> bytes:
    return identity.text() + b"/private/" + public_key


def _data_key_info(identity: SlotIdentity, epoch: int) -> bytes:
    return identity.text() + f"/data-key/{epoch}".encode()
