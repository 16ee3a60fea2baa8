"""The central service's folder: configuration, wrapped private keys and the database engine.

    CENTRAL/            (0700)
      central.json      id, name, database URL (never a password), public keys, cipher suite
      keys.json         the private keys and the database key, wrapped with the central
                        passphrase (0600)
      central.db        the SQLite database (SQLCipher, 0600), unless central.json names a
                        PostgreSQL URL
      quarantine/       copies of refused bundles (0700, capped)
      logs/             where unexpected errors happened, without any data (made when needed)

The private keys are protected with the same key-slot machinery as a device vault
(`storage.keyslots`): Argon2id turns the passphrase into a wrapping key and AES-256-GCM seals
the raw key bytes (signing seed || encryption key || database key), with the central id bound
in as associated data. Nothing here implements cryptography of its own. A folder made before
the database key existed has no database key in keys.json: it is added, and a plaintext
central.db encrypted, on the first use with the passphrase (`central.store`).
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final

from cryptography.hazmat.primitives.asymmetric import ed25519
from sqlalchemy import Engine, create_engine, select
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, OperationalError, SQLAlchemyError

from earlyyears_desktop.central import models
from earlyyears_desktop.central.errors import (
    CentralError,
    DatabaseBusy,
    UsageError,
    WrongCentralPassphrase,
)
from earlyyears_desktop.central.schema import create_schema, upgrade_schema
from earlyyears_desktop.central.store import (
    DEFAULT_BUSY_WAIT_SECONDS,
    Notify,
    encrypt_in_place,
    is_busy,
    is_plaintext_sqlite,
    open_sqlite_store,
    store_lock,
)
from earlyyears_desktop.storage.errors import (
    NotAVault,
    VaultDamaged,
    VaultInaccessible,
    WrongPassphrase,
)
from earlyyears_desktop.storage.file_limits import FileTooLarge, read_small_file
from earlyyears_desktop.storage.keyslots import (
    MIN_PASSPHRASE_LENGTH,
    KdfParams,
    KeySlot,
    KeySlotFile,
    normalise_passphrase,
    write_atomically,
)
from earlyyears_desktop.sync.entity_schemas import (
    accepted_schemas,
    announced_names,
    current_schema,
    current_schemas,
    parse_schema_name,
)
from earlyyears_desktop.sync.entity_types import (
    BadAnnouncement,
    announcement,
    parse_accepted_entities,
    synced_entity_types,
)
from earlyyears_desktop.sync.erasure_instructions import ERASURE
from earlyyears_desktop.sync.keys import (
    ED25519_RAW_LEN,
    HYBRID_PRIVATE_RAW_LEN,
    X25519_RAW_LEN,
    CipherSuite,
    EncryptionPublicKey,
    KeyPair,
    PublicKeyIds,
    load_encryption_public_key_pem,
    load_signing_public_key_pem,
    public_key_to_pem,
)

CONFIG_NAME: Final = "central.json"
KEYS_NAME: Final = "keys.json"
DEFAULT_DB_NAME: Final = "central.db"
QUARANTINE_NAME: Final = "quarantine"
#: incidents of unexpected errors: types and frames, never data (storage.incident_log)
LOGS_NAME: Final = "logs"
#: central.json holds an id, a name, a URL and two public keys: a few kilobytes.
MAX_CONFIG_FILE: Final = 1 << 20
CONFIG_FORMAT: Final = "earlyyears-central"
CONFIG_VERSION: Final = 1
#: A full database URL here overrides the one in central.json (and may carry a password).
DB_URL_ENV: Final = "EARLYYEARS_CENTRAL_DB_URL"
#: The relative SQLite URL meaning "central.db inside the folder", wherever the folder is.
DEFAULT_DB_URL: Final = f"sqlite:///{DEFAULT_DB_NAME}"
#: The SQLCipher key of the SQLite store, sealed in keys.json after the private keys.
DATABASE_KEY_BYTES: Final = 32
#: What the quarantine keeps at most; a refused file past these is recorded but not copied.
QUARANTINE_MAX_FILE_BYTES: Final = 64 * 1024 * 1024
QUARANTINE_MAX_FILES: Final = 1_000
QUARANTINE_MAX_TOTAL_BYTES: Final = 1024 * 1024 * 1024


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


@dataclass(frozen=True)
class CentralConfig(PublicKeyIds):
    central_id: str
    name: str
    database_url: str
    suite: CipherSuite
    signing_public_key_pem: str
    encryption_public_key_pem: str
    #: The entity types (and schema revisions: `observation@2`) this service accepts in
    #: export bundles, as central.json narrows them; None: the newest revision of every
    #: type it knows (`synced_entity_types`).
    accepted_entities: frozenset[str] | None = None

    @property
    def accepted_schemas(self) -> dict[str, int]:
        """entity -> the newest schema revision this service accepts (and every earlier)."""
        if self.accepted_entities is None:
            return current_schemas(synced_entity_types())
        return accepted_schemas(self.accepted_entities)

    @property
    def accepted_entity_types(self) -> frozenset[str]:
        """What the service announces to devices (bundle format 14.3): every accepted type's
        plain name, and `type@n` where it accepts schema revision n above 1; and `erasure`
        (8.3): it carries out every erasure instruction, whatever central.json narrows."""
        return announced_names(self.accepted_schemas) | {ERASURE}

    @property
    def signing_public_key(self) -> ed25519.Ed25519PublicKey:
        return load_signing_public_key_pem(self.signing_public_key_pem)

    @property
    def encryption_public_key(self) -> EncryptionPublicKey:
        return load_encryption_public_key_pem(self.encryption_public_key_pem)

    def to_json(self) -> dict[str, Any]:
        doc: dict[str, Any] = {
            "format": CONFIG_FORMAT,
            "format_version": CONFIG_VERSION,
            "central_id": self.central_id,
            "name": self.name,
            "database_url": self.database_url,
            "cipher_suite": self.suite.manifest_value(),
            "signing_public_key_pem": self.signing_public_key_pem,
            "encryption_public_key_pem": self.encryption_public_key_pem,
            "signing_key_id": self.signing_key_id,
            "encryption_key_id": self.encryption_key_id,
        }
        if self.accepted_entities is not None:
            doc["accepted_entities"] = announcement(self.accepted_entities)
        return doc

    @classmethod
    def from_json(cls, doc: object, folder: Path) -> CentralConfig:
        damaged = CentralError(f"The central service's {CONFIG_NAME} in {folder} is damaged.")
        if not isinstance(doc, dict) or doc.get("format") != CONFIG_FORMAT:
            raise CentralError(f"{folder} is not a central service folder.")
        if doc.get("format_version") != CONFIG_VERSION:
            raise CentralError(f"{folder} was made by a newer version of earlyyears-central.")
        try:
            config = cls(
                central_id=str(doc["central_id"]),
                name=str(doc["name"]),
                database_url=str(doc["database_url"]),
                suite=CipherSuite.from_manifest_value(doc["cipher_suite"]),
                signing_public_key_pem=str(doc["signing_public_key_pem"]),
                encryption_public_key_pem=str(doc["encryption_public_key_pem"]),
                accepted_entities=_accepted_entities(doc, folder),
            )
            # The public keys must load; a damaged file is better found now than mid-ingest.
            config.signing_key_id  # noqa: B018
            config.encryption_key_id  # noqa: B018
        except (KeyError, TypeError, ValueError):
            raise damaged from None
        return config


def _accepted_entities(doc: Mapping[str, object], folder: Path) -> frozenset[str] | None:
    """central.json's optional `accepted_entities`: a list of entity types this software
    knows, each plain (schema 1) or as `type@n` for a schema revision it knows (a narrower
    set makes the service refuse, and devices hold back, the others)."""
    if "accepted_entities" not in doc:
        return None
    try:
        accepted = parse_accepted_entities(doc["accepted_entities"])
    except BadAnnouncement:
        raise CentralError(
            f"The accepted_entities of {CONFIG_NAME} in {folder} is not a list of entity types."
        ) from None
    known = synced_entity_types()
    unknown = {
        name
        for name in accepted
        for entity, schema in [parse_schema_name(name)]
        if entity not in known or schema > current_schema(entity)
    }
    if unknown:
        raise CentralError(
            f"The accepted_entities of {CONFIG_NAME} in {folder} names entity types this "
            f"central service does not know: {', '.join(sorted(unknown))}."
        )
    return accepted


def strip_password(url: str) -> str:
    """The URL as stored in central.json: never with a password."""
    parsed = make_url(url)
    if parsed.password is None:
        return url
    # URL.set(password=None) keeps the password; build the URL again without it.
    bare = URL.create(
        parsed.drivername,
        username=parsed.username,
        host=parsed.host,
        port=parsed.port,
        database=parsed.database,
        query=parsed.query,
    )
    return bare.render_as_string(hide_password=False)


def check_database_url(url: str) -> URL:
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise UsageError("The database URL is not a valid URL (see --help).") from None
    backend = parsed.get_backend_name()
    if backend not in ("sqlite", "postgresql"):
        raise UsageError(
            "The central service keeps its records in SQLite or PostgreSQL "
            "(sqlite:///FILE or postgresql+psycopg://USER@HOST/DB)."
        )
    if backend == "postgresql" and parsed.get_driver_name() != "psycopg":
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def resolve_database_url(stored: str, folder: Path) -> URL:
    """What to connect to: $EARLYYEARS_CENTRAL_DB_URL if set, else central.json's URL.

    A relative SQLite path is relative to the central folder, so the folder can be moved.
    """
    return localise(check_database_url(os.environ.get(DB_URL_ENV) or stored), folder)


def localise(url: URL, folder: Path) -> URL:
    """A relative SQLite path names a file inside the central folder."""
    if url.get_backend_name() == "sqlite":
        database = url.database or ""
        if database in ("", ":memory:"):
            raise UsageError("The central service needs a database file, not an in-memory one.")
        path = Path(database)
        if not path.is_absolute():
            url = url.set(database=str(folder / path))
    return url


def make_central_engine(
    url: URL,
    database_key: bytes | None,
    *,
    notify: Notify,
    busy_wait_seconds: float = DEFAULT_BUSY_WAIT_SECONDS,
) -> Engine:
    """SQLite: the SQLCipher store keyed with `database_key`; PostgreSQL: a plain engine."""
    if url.get_backend_name() == "sqlite":
        if database_key is None:
            raise CentralError("The central service's key file holds no database key.")
        return open_sqlite_store(
            Path(url.database or ""),
            database_key,
            notify=notify,
            busy_wait_seconds=busy_wait_seconds,
        )
    return create_engine(url, pool_pre_ping=True)


def _say_nothing(_line: str) -> None:
    pass


@dataclass(frozen=True)
class QuarantineLimits:
    """How much of the refused files the quarantine folder keeps (see `ingest._quarantine`)."""

    max_file_bytes: int = QUARANTINE_MAX_FILE_BYTES
    max_files: int = QUARANTINE_MAX_FILES
    max_total_bytes: int = QUARANTINE_MAX_TOTAL_BYTES


@dataclass
class CentralFolder:
    folder: Path
    config: CentralConfig
    engine: Engine
    #: The private keys, unwrapped with the central passphrase when the folder was opened.
    keys: KeyPair
    quarantine_limits: QuarantineLimits = field(default_factory=QuarantineLimits)

    @property
    def quarantine_dir(self) -> Path:
        return self.folder / QUARANTINE_NAME

    def close(self) -> None:
        self.engine.dispose()

    def unlock(self, passphrase: str) -> KeyPair:
        """The central private keys; WrongCentralPassphrase if the passphrase is not right."""
        return _unwrap_key_store(self.folder, self.config, passphrase).keys


@dataclass(frozen=True)
class _KeyStore:
    """keys.json opened with the passphrase."""

    slots: KeySlotFile
    slot: KeySlot
    keys: KeyPair
    database_key: bytes | None


def _unwrap_key_store(folder: Path, config: CentralConfig, passphrase: str) -> _KeyStore:
    try:
        slots = KeySlotFile.load(folder / KEYS_NAME)
    except VaultInaccessible as exc:
        raise UsageError(exc.message) from None
    except NotAVault:
        raise CentralError(
            f"The central service's key file in {folder} is missing or damaged."
        ) from None
    if slots.vault_id != config.central_id:
        raise CentralError("The central service's key file belongs to another service.")
    try:
        slot, secret = slots.unwrap(normalise_passphrase(passphrase), slots.passphrase_slots())
    except WrongPassphrase:
        raise WrongCentralPassphrase() from None
    keys_length = ED25519_RAW_LEN + (
        HYBRID_PRIVATE_RAW_LEN if config.suite is CipherSuite.MLKEM768_X25519 else X25519_RAW_LEN
    )
    # Folders made before the store was encrypted seal the private keys alone.
    if len(secret) not in (keys_length, keys_length + DATABASE_KEY_BYTES):
        raise CentralError("The central service's key file does not match central.json.")
    keys = KeyPair.from_private_bytes(
        secret[:ED25519_RAW_LEN], secret[ED25519_RAW_LEN:keys_length], config.suite
    )
    if (
        keys.signing_key_id != config.signing_key_id
        or keys.encryption_key_id != config.encryption_key_id
    ):
        raise CentralError("The central service's key file does not match central.json.")
    return _KeyStore(slots, slot, keys, secret[keys_length:] or None)


def _seal_keys(
    slots: KeySlotFile, passphrase: str, keys: KeyPair, database_key: bytes, params: KdfParams
) -> KeySlot:
    return slots.add_slot(
        keys.signing_private_bytes() + keys.encryption_private_bytes() + database_key,
        normalise_passphrase(passphrase),
        kind="passphrase",
        params=params,
        label="central passphrase",
    )


def _database_key_for(
    folder: Path,
    config: CentralConfig,
    passphrase: str,
    store: _KeyStore,
    path: Path,
    notify: Notify,
) -> bytes:
    """The SQLite store's key, first adding it and encrypting a plaintext store if need be."""
    if store.database_key is not None and not is_plaintext_sqlite(path):
        return store.database_key
    with store_lock(folder):
        if store.database_key is None:
            # Another command may have added it meanwhile: read the key file again.
            store = _unwrap_key_store(folder, config, passphrase)
        key = store.database_key
        if key is None:
            key = os.urandom(DATABASE_KEY_BYTES)
            store.slots.remove_slot(store.slot.id)
            _seal_keys(store.slots, passphrase, store.keys, key, store.slot.params)
            store.slots.save(folder / KEYS_NAME)
        if is_plaintext_sqlite(path):
            encrypt_in_place(path, key)
            notify(
                f"The central service's database {path.name} was not encrypted: it has been "
                "encrypted in place with a key kept in the central key store, and the "
                "unencrypted file overwritten and removed."
            )
        return key


def read_config(folder: Path) -> CentralConfig:
    """central.json of a central folder (CentralError if `folder` is not one)."""
    folder = Path(folder)
    config_path = folder / CONFIG_NAME
    try:
        doc = json.loads(read_small_file(config_path, MAX_CONFIG_FILE))
    except FileNotFoundError:
        raise CentralError(
            f"{folder} is not a central service folder (run earlyyears-central init)."
        ) from None
    except PermissionError:
        raise UsageError(f"permission denied: {config_path}") from None
    except (OSError, ValueError, RecursionError, FileTooLarge):
        raise CentralError(f"The central service's {CONFIG_NAME} in {folder} is damaged.") from None
    return CentralConfig.from_json(doc, folder)


def open_central(
    folder: Path,
    passphrase: str,
    *,
    notify: Notify = _say_nothing,
    busy_wait_seconds: float = DEFAULT_BUSY_WAIT_SECONDS,
) -> CentralFolder:
    """Unlock the central keys and connect to the database central.json names (if ours).

    WrongCentralPassphrase if the passphrase is not right. `notify` is told, in one line for
    people, what is done on the way (a plaintext store encrypted, a wait for a busy store).
    """
    folder = Path(folder)
    config = read_config(folder)
    store = _unwrap_key_store(folder, config, passphrase)
    url = resolve_database_url(config.database_url, folder)
    database_key = None
    if url.get_backend_name() == "sqlite":
        database_key = _database_key_for(
            folder, config, passphrase, store, Path(url.database or ""), notify
        )
    engine = make_central_engine(
        url, database_key, notify=notify, busy_wait_seconds=busy_wait_seconds
    )
    try:
        with engine.connect() as conn:
            stored = conn.execute(
                select(models.meta.c.value).where(models.meta.c.key == "central_id")
            ).scalar_one_or_none()
        if stored != config.central_id:
            raise CentralError("The database belongs to another central service, or is not set up.")
        upgrade_schema(engine)
    except SQLAlchemyError as exc:
        engine.dispose()
        raise database_error(exc) from None
    except VaultDamaged:
        engine.dispose()
        raise _not_our_database() from None
    except BaseException:
        engine.dispose()
        raise
    return CentralFolder(folder, config, engine, store.keys)


def _not_our_database() -> CentralError:
    return CentralError(
        "The central service's database does not open with its key: it belongs to another "
        "central service, or it is damaged."
    )


def database_error(exc: SQLAlchemyError) -> CentralError:
    """One line about a database failure, without echoing SQL or parameters (record data)."""
    if isinstance(exc, OperationalError) and is_busy(exc):
        return DatabaseBusy()
    if isinstance(exc, OperationalError):
        return CentralError(
            "The central service's database cannot be reached or used "
            f"({type(exc.orig).__name__ if exc.orig is not None else 'error'})."
        )
    return CentralError(
        f"The central service's database refused the change ({type(exc).__name__})."
    )


def init_central(
    folder: Path,
    *,
    passphrase: str,
    name: str,
    database_url: str | None,
    suite: CipherSuite,
    notify: Notify = _say_nothing,
    params: KdfParams | None = None,
) -> CentralFolder:
    """Make a new central service folder with fresh keys and an empty database.

    `params` is the Argon2id cost of the key slot: by default tuned on this machine
    (`KdfParams.calibrated()`); tests pass `KdfParams.for_tests()`.
    """
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"{folder} is a file; give a new or empty folder for the central service.")
    if (folder / CONFIG_NAME).exists():
        raise CentralError(f"There is already a central service in {folder}.")
    if folder.exists() and any(folder.iterdir()):
        raise CentralError(f"{folder} is not empty; choose a new folder for the central service.")
    if len(passphrase) < MIN_PASSPHRASE_LENGTH:
        raise UsageError(
            f"The central passphrase must be at least {MIN_PASSPHRASE_LENGTH} characters."
        )
    if not 1 <= len(name) <= models.ID:
        raise UsageError("The central service's name must be 1 to 200 characters.")
    given_url = database_url or os.environ.get(DB_URL_ENV) or DEFAULT_DB_URL
    check_database_url(given_url)
    # 36 characters at most: devices keep changed_by_device ids of up to 36 characters.
    central_id = f"central-{uuid.uuid4().hex[:28]}"
    keys = KeyPair.generate(suite)
    config = CentralConfig(
        central_id=central_id,
        name=name,
        database_url=strip_password(given_url),
        suite=suite,
        signing_public_key_pem=public_key_to_pem(keys.signing_public_key),
        encryption_public_key_pem=public_key_to_pem(keys.encryption_public_key),
    )
    created = not folder.exists()
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(folder, 0o700)
    # The key of the SQLite store; kept for a PostgreSQL one too, unused, so that every key
    # file made from now on has the same shape.
    database_key = os.urandom(DATABASE_KEY_BYTES)
    # The full URL (maybe with a password) is used to create the tables, never stored.
    engine = make_central_engine(
        localise(check_database_url(given_url), folder), database_key, notify=notify
    )
    try:
        try:
            create_schema(engine, central_id)
        except VaultDamaged:
            raise _not_our_database() from None
        except SQLAlchemyError as exc:
            raise database_error(exc) from None
        slots = KeySlotFile(vault_id=central_id)
        _seal_keys(slots, passphrase, keys, database_key, params or KdfParams.calibrated())
        slots.save(folder / KEYS_NAME)
        (folder / QUARANTINE_NAME).mkdir(mode=0o700, exist_ok=True)
        write_atomically(
            folder / CONFIG_NAME,
            (json.dumps(config.to_json(), indent=2, sort_keys=True) + "\n").encode("utf-8"),
        )
    except BaseException:
        engine.dispose()
        for leftover in (folder / KEYS_NAME, folder / CONFIG_NAME):
            leftover.unlink(missing_ok=True)
        if created:
            for path in sorted(folder.rglob("*"), reverse=True):
                if path.is_dir():
                    path.rmdir()
                else:
                    path.unlink()
            folder.rmdir()
        raise
    return CentralFolder(folder, config, engine, keys)
