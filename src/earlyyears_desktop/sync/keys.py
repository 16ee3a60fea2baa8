"""Identity keys for devices and the central service: generation, key ids, fingerprints, PEM.

Each identity holds an Ed25519 signing key and an encryption key for HPKE. The encryption key
is X25519 (the default suite) or the hybrid MLKEM768-X25519 (post-quantum option). The hybrid
key is kept here as its two component keys because that is how `cryptography` builds it.
"""

from __future__ import annotations

import enum
import hashlib
from dataclasses import dataclass
from typing import Protocol

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import hpke, serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, mlkem, x25519

ED25519_RAW_LEN = 32
X25519_RAW_LEN = 32
MLKEM768_PUBLIC_RAW_LEN = 1184
MLKEM768_SEED_LEN = 64
HYBRID_PUBLIC_RAW_LEN = MLKEM768_PUBLIC_RAW_LEN + X25519_RAW_LEN
HYBRID_PRIVATE_RAW_LEN = MLKEM768_SEED_LEN + X25519_RAW_LEN

KEY_ID_HEX_LEN = 64
# 128 bits: what people compare by eye must resist a search for a second key that matches.
FINGERPRINT_HEX_LEN = 32


class CipherSuite(enum.Enum):
    """The HPKE suites a bundle may use; the value is the manifest's `cipher_suite` "kem"."""

    X25519 = "DHKEM(X25519, HKDF-SHA256)"
    MLKEM768_X25519 = "MLKEM768-X25519"

    def manifest_value(self) -> dict[str, str]:
        return {"kem": self.value, "kdf": "HKDF-SHA256", "aead": "AES-256-GCM"}

    @classmethod
    def from_manifest_value(cls, value: object) -> CipherSuite:
        """The suite named by a `cipher_suite` object; ValueError if it is not one we support."""
        for suite in cls:
            if value == suite.manifest_value():
                return suite
        raise ValueError("unsupported cipher suite")

    def hpke_suite(self) -> hpke.Suite:
        kem = hpke.KEM.X25519 if self is CipherSuite.X25519 else hpke.KEM.MLKEM768_X25519
        return hpke.Suite(kem, hpke.KDF.HKDF_SHA256, hpke.AEAD.AES_256_GCM)

    def enc_length(self) -> int:
        """Length of the HPKE encapsulated key that starts every chunk."""
        kem = hpke.KEM.X25519 if self is CipherSuite.X25519 else hpke.KEM.MLKEM768_X25519
        return kem.enc_length()


@dataclass(frozen=True)
class HybridPublicKey:
    """An MLKEM768-X25519 public key; its raw form is ML-KEM-768 key || X25519 key."""

    mlkem: mlkem.MLKEM768PublicKey
    x25519: x25519.X25519PublicKey

    def public_bytes_raw(self) -> bytes:
        return self.mlkem.public_bytes_raw() + self.x25519.public_bytes_raw()

    def hpke_key(self) -> hpke.MLKEM768X25519PublicKey:
        return hpke.MLKEM768X25519PublicKey(self.mlkem, self.x25519)

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, HybridPublicKey)
            and other.public_bytes_raw() == self.public_bytes_raw()
        )

    def __hash__(self) -> int:
        return hash(self.public_bytes_raw())


@dataclass(frozen=True)
class HybridPrivateKey:
    """An MLKEM768-X25519 private key held as its ML-KEM-768 and X25519 components."""

    mlkem: mlkem.MLKEM768PrivateKey
    x25519: x25519.X25519PrivateKey

    @classmethod
    def generate(cls) -> HybridPrivateKey:
        return cls(mlkem.MLKEM768PrivateKey.generate(), x25519.X25519PrivateKey.generate())

    def public_key(self) -> HybridPublicKey:
        return HybridPublicKey(self.mlkem.public_key(), self.x25519.public_key())

    def hpke_key(self) -> hpke.MLKEM768X25519PrivateKey:
        return hpke.MLKEM768X25519PrivateKey(self.mlkem, self.x25519)


EncryptionPublicKey = x25519.X25519PublicKey | HybridPublicKey
EncryptionPrivateKey = x25519.X25519PrivateKey | HybridPrivateKey
PublicKey = ed25519.Ed25519PublicKey | EncryptionPublicKey


def suite_for_key(key: EncryptionPublicKey | EncryptionPrivateKey) -> CipherSuite:
    if isinstance(key, (HybridPublicKey, HybridPrivateKey)):
        return CipherSuite.MLKEM768_X25519
    return CipherSuite.X25519


def raw_public_bytes(key: PublicKey) -> bytes:
    return key.public_bytes_raw()


def key_id(key: PublicKey) -> str:
    """Lower-case hex SHA-256 of the key's raw public bytes."""
    return hashlib.sha256(raw_public_bytes(key)).hexdigest()


def fingerprint(key_id_hex: str) -> str:
    """What people compare out of band: the key id's first 32 hex digits (128 bits), upper
    case, in eight groups of four, e.g. '3F2A 9C01 ...'."""
    if len(key_id_hex) < FINGERPRINT_HEX_LEN:
        raise ValueError("key id too short for a fingerprint")
    head = key_id_hex[:FINGERPRINT_HEX_LEN].upper()
    return " ".join(head[i : i + 4] for i in range(0, FINGERPRINT_HEX_LEN, 4))


def is_key_id(value: object) -> bool:
    return (
        isinstance(value, str)
        and len(value) == KEY_ID_HEX_LEN
        and all(c in "0123456789abcdef" for c in value)
    )


def public_key_to_pem(key: PublicKey) -> str:
    """SubjectPublicKeyInfo PEM; a hybrid key is two blocks, ML-KEM-768 first, then X25519."""
    if isinstance(key, HybridPublicKey):
        return _spki_pem(key.mlkem) + _spki_pem(key.x25519)
    return _spki_pem(key)


def load_signing_public_key_pem(pem: str) -> ed25519.Ed25519PublicKey:
    """Load an Ed25519 SubjectPublicKeyInfo PEM; ValueError for anything else."""
    key = _load_single_pem(pem)
    if not isinstance(key, ed25519.Ed25519PublicKey):
        raise ValueError("not an Ed25519 public key")
    return key


def load_encryption_public_key_pem(pem: str) -> EncryptionPublicKey:
    """Load an X25519 PEM, or the two-block ML-KEM-768 + X25519 PEM of a hybrid key."""
    blocks = _split_pem_blocks(pem)
    if len(blocks) == 1:
        key = _load_pem_block(blocks[0])
        if isinstance(key, x25519.X25519PublicKey):
            return key
        raise ValueError("not an X25519 public key")
    if len(blocks) == 2:
        first, second = (_load_pem_block(block) for block in blocks)
        if isinstance(first, mlkem.MLKEM768PublicKey) and isinstance(
            second, x25519.X25519PublicKey
        ):
            return HybridPublicKey(first, second)
    raise ValueError("not an X25519 or MLKEM768-X25519 public key")


class _HoldsPublicKeys(Protocol):
    @property
    def signing_public_key(self) -> ed25519.Ed25519PublicKey: ...

    @property
    def encryption_public_key(self) -> EncryptionPublicKey: ...


class PublicKeyIds:
    """Key ids and fingerprints for anything that holds a signing and an encryption public key
    (a key pair, an enrolment request, the central service's configuration)."""

    @property
    def signing_key_id(self: _HoldsPublicKeys) -> str:
        return key_id(self.signing_public_key)

    @property
    def encryption_key_id(self: _HoldsPublicKeys) -> str:
        return key_id(self.encryption_public_key)

    @property
    def signing_fingerprint(self: _HoldsPublicKeys) -> str:
        return fingerprint(key_id(self.signing_public_key))

    @property
    def encryption_fingerprint(self: _HoldsPublicKeys) -> str:
        return fingerprint(key_id(self.encryption_public_key))


@dataclass(frozen=True)
class KeyPair(PublicKeyIds):
    """A device's or the central service's private identity: signing and encryption keys."""

    signing: ed25519.Ed25519PrivateKey
    encryption: EncryptionPrivateKey

    @classmethod
    def generate(cls, suite: CipherSuite = CipherSuite.X25519) -> KeyPair:
        encryption: EncryptionPrivateKey
        if suite is CipherSuite.MLKEM768_X25519:
            encryption = HybridPrivateKey.generate()
        else:
            encryption = x25519.X25519PrivateKey.generate()
        return cls(ed25519.Ed25519PrivateKey.generate(), encryption)

    @property
    def suite(self) -> CipherSuite:
        return suite_for_key(self.encryption)

    @property
    def signing_public_key(self) -> ed25519.Ed25519PublicKey:
        return self.signing.public_key()

    @property
    def encryption_public_key(self) -> EncryptionPublicKey:
        return self.encryption.public_key()

    def signing_private_bytes(self) -> bytes:
        """The 32-byte Ed25519 seed; the caller must store it encrypted."""
        return self.signing.private_bytes_raw()

    def encryption_private_bytes(self) -> bytes:
        """32 bytes (X25519) or 96 bytes (64-byte ML-KEM-768 seed || X25519); store encrypted."""
        if isinstance(self.encryption, HybridPrivateKey):
            return (
                self.encryption.mlkem.private_bytes_raw()
                + self.encryption.x25519.private_bytes_raw()
            )
        return self.encryption.private_bytes_raw()

    @classmethod
    def from_private_bytes(
        cls, signing: bytes, encryption: bytes, suite: CipherSuite = CipherSuite.X25519
    ) -> KeyPair:
        """Rebuild a key pair from the bytes given by the two export methods."""
        if len(signing) != ED25519_RAW_LEN:
            raise ValueError("signing key must be 32 bytes")
        signing_key = ed25519.Ed25519PrivateKey.from_private_bytes(signing)
        encryption_key: EncryptionPrivateKey
        if suite is CipherSuite.MLKEM768_X25519:
            if len(encryption) != HYBRID_PRIVATE_RAW_LEN:
                raise ValueError("MLKEM768-X25519 private key must be 96 bytes")
            encryption_key = HybridPrivateKey(
                mlkem.MLKEM768PrivateKey.from_seed_bytes(encryption[:MLKEM768_SEED_LEN]),
                x25519.X25519PrivateKey.from_private_bytes(encryption[MLKEM768_SEED_LEN:]),
            )
        else:
            if len(encryption) != X25519_RAW_LEN:
                raise ValueError("X25519 private key must be 32 bytes")
            encryption_key = x25519.X25519PrivateKey.from_private_bytes(encryption)
        return cls(signing_key, encryption_key)


def _spki_pem(
    key: ed25519.Ed25519PublicKey | x25519.X25519PublicKey | mlkem.MLKEM768PublicKey,
) -> str:
    return key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode("ascii")


_PEM_BEGIN = "-----BEGIN PUBLIC KEY-----"
_PEM_END = "-----END PUBLIC KEY-----"


def _split_pem_blocks(pem: str) -> list[str]:
    blocks: list[str] = []
    rest = pem.strip()
    while rest:
        if not rest.startswith(_PEM_BEGIN):
            raise ValueError("not a PEM public key")
        end = rest.find(_PEM_END)
        if end < 0:
            raise ValueError("PEM block not terminated")
        end += len(_PEM_END)
        blocks.append(rest[:end] + "\n")
        rest = rest[end:].strip()
    if not blocks:
        raise ValueError("no PEM public key found")
    return blocks


def _load_single_pem(pem: str) -> object:
    blocks = _split_pem_blocks(pem)
    if len(blocks) != 1:
        raise ValueError("expected exactly one PEM public key")
    return _load_pem_block(blocks[0])


def _load_pem_block(block: str) -> object:
    try:
        return serialization.load_pem_public_key(block.encode("ascii"))
    except (ValueError, UnicodeEncodeError, UnsupportedAlgorithm) as exc:
        raise ValueError("unreadable PEM public key") from exc
