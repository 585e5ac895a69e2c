"""Encryption at rest and keyed hashes of personal identifiers, under a ring of field keys.

Each field key (32 bytes in base64) is stretched with HKDF into an AES-GCM key, which encrypts the
values, an HMAC key, whose digests let the ledger find a person by an identifier without
decrypting every row, and a key id, which names the key without giving it away.

The ring holds the current key (BANGFU_FIELD_KEY: all new encryption and hashing) and the retired
keys (BANGFU_FIELD_KEYS_RETIRED: they still decrypt, and their hashes still find records, until
`bangfu rotatekey` has re-encrypted everything under the current key).

A ciphertext names its key: `v2:<key id>:<base64(nonce + ciphertext)>`. Values written before key
ids existed (`v1:<base64(...)>`) are tried with every key of the ring; AES-GCM tells which fits.

The key-check table (core.FieldKey) records which key ids hold data, so that a server started with
the wrong key refuses to start (`verify_keys`) instead of failing on the first page that decrypts.
"""

import base64
import dataclasses
import functools
import hashlib
import hmac
import os
import secrets

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.db import connection, transaction

PREFIX = "v2:"  # v2:<key id>:<base64(nonce + ciphertext)>
LEGACY_PREFIX = "v1:"  # v1:<base64(nonce + ciphertext)>, key not named
NONCE_BYTES = 12


class UnknownKey(ValueError):
    """A ciphertext under a key that is neither the current field key nor a retired one."""

    def __init__(self, key_id: str | None):
        self.key_id = key_id
        if key_id is None:
            message = ("no configured field key can decrypt this legacy (v1) value: the key that encrypted it "
                       "is neither BANGFU_FIELD_KEY nor in BANGFU_FIELD_KEYS_RETIRED")
        else:
            message = (f"the value is encrypted under field key {key_id}, which is neither BANGFU_FIELD_KEY "
                       "nor in BANGFU_FIELD_KEYS_RETIRED")
        super().__init__(message)


def decode_key(text: str) -> bytes:
    try:
        raw = base64.b64decode(text, validate=True)
    except ValueError:
        raise ValueError("the key is not valid base64") from None
    if len(raw) != 32:
        raise ValueError(f"the key must be 32 bytes, not {len(raw)}")
    return raw


def new_key() -> str:
    return base64.b64encode(secrets.token_bytes(32)).decode()


def _master_key_text() -> str:
    if settings.FIELD_KEY:
        return settings.FIELD_KEY
    # Development and demo only (production refuses to start without BANGFU_FIELD_KEY): keep a
    # key beside the SQLite database so the demo's data stays readable across restarts.
    path = settings.DATA_DIR / "field.key"
    if not path.exists():
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)  # the key: its owner's alone
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(new_key())
    return path.read_text().strip()


# --- keys and the ring --------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True, eq=False)
class Key:
    """One field key, derived: its key id, its AES-GCM cipher and its HMAC key."""

    key_id: str
    aes: AESGCM
    hash_key: bytes

    @property
    def prefix(self) -> str:
        return f"{PREFIX}{self.key_id}:"

    def seal(self, value: str) -> str:
        nonce = os.urandom(NONCE_BYTES)
        return self.prefix + base64.b64encode(nonce + self.aes.encrypt(nonce, value.encode(), None)).decode()

    def open(self, body: str) -> str:
        """The clear text of a ciphertext body (base64 of nonce + ciphertext); InvalidTag if this
        key did not seal it."""
        raw = base64.b64decode(body)
        return self.aes.decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], None).decode()

    def hash(self, value: str) -> str:
        if not value:
            return ""
        return hmac.digest(self.hash_key, value.upper().encode(), "sha256").hex()[:32]  # one-shot: twice as fast


@functools.lru_cache(maxsize=16)
def derive_key(text: str) -> Key:
    """The derived key of a base64 master key. The key id is a digest of a derivation of its own,
    so publishing it (in every ciphertext) says nothing about the encryption or lookup keys."""
    master = decode_key(text)

    def derive(info: bytes) -> bytes:
        return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(master)

    key_id = hashlib.sha256(derive(b"bangfu field key id")).hexdigest()[:8]
    return Key(key_id, AESGCM(derive(b"bangfu field encryption")), derive(b"bangfu field lookup"))


@dataclasses.dataclass(frozen=True, eq=False)
class KeyRing:
    current: Key
    retired: tuple[Key, ...]

    @property
    def keys(self) -> tuple[Key, ...]:
        """Every active key, the current one first."""
        return (self.current, *self.retired)

    @property
    def key_ids(self) -> list[str]:
        return [key.key_id for key in self.keys]

    def get(self, key_id: str) -> Key:
        for key in self.keys:
            if key.key_id == key_id:
                return key
        raise UnknownKey(key_id)

    def decrypt(self, token: str) -> str:
        if not token:
            return ""
        if token.startswith(PREFIX):
            key_id, _, body = token.removeprefix(PREFIX).partition(":")
            return self.get(key_id).open(body)
        return self._open_legacy(token.removeprefix(LEGACY_PREFIX))[1]

    def key_id_of(self, token: str) -> str | None:
        """The key id a ciphertext is under (named, or found by decrypting a legacy one); None for
        a legacy ciphertext that no key of the ring opens. A named id need not be in the ring."""
        if token.startswith(PREFIX):
            return token.removeprefix(PREFIX).partition(":")[0]
        try:
            return self._open_legacy(token.removeprefix(LEGACY_PREFIX))[0].key_id
        except UnknownKey:
            return None

    def _open_legacy(self, body: str) -> tuple[Key, str]:
        for key in self.keys:
            try:
                return key, key.open(body)
            except InvalidTag:
                continue
        raise UnknownKey(None)


@functools.lru_cache(maxsize=8)
def _ring(current_text: str, retired_texts: tuple[str, ...]) -> KeyRing:
    current = derive_key(current_text)
    retired: list[Key] = []
    for text in retired_texts:
        key = derive_key(text)
        if key.key_id not in {current.key_id, *(k.key_id for k in retired)}:
            retired.append(key)
    return KeyRing(current, tuple(retired))


def key_ring() -> KeyRing:
    """The configured keys (ValueError names a key that is not 32 bytes of base64)."""
    return _ring(_master_key_text(), tuple(settings.FIELD_KEYS_RETIRED or ()))


# --- the API the ledger uses --------------------------------------------------------------------


def encrypt(value: str) -> str:
    return Sealer().encrypt(value)


def decrypt(token: str) -> str:
    return Sealer().decrypt(token)


def lookup_hash(value: str) -> str:
    """A keyed digest (current key) to find records by an exact identifier; empty for an empty value."""
    return Sealer().hash(value)


def lookup_hashes(value: str) -> list[str]:
    """The digests of a value under every active key, the current one first (a record may not be
    rotated yet)."""
    return list(dict.fromkeys(key.hash(value) for key in key_ring().keys))


class Sealer:
    """Encrypts and hashes many values with the keys looked up once (bulk generation, imports)."""

    def __init__(self):
        self._ring = key_ring()
        self._current = self._ring.current
        self._noted = self._current.key_id in _recorded

    @property
    def key_id(self) -> str:
        return self._current.key_id

    def encrypt(self, value: str) -> str:
        if not value:
            return ""
        if not self._noted:
            note_key_used(self._current.key_id)
            self._noted = True
        return self._current.seal(value)

    def decrypt(self, token: str) -> str:
        return self._ring.decrypt(token)

    def hash(self, value: str) -> str:
        return self._current.hash(value)

    def lookup_hashes(self, value: str) -> list[str]:
        """lookup_hashes() with the keys this sealer looked up."""
        return list(dict.fromkeys(key.hash(value) for key in self._ring.keys))


# --- the key-check table ------------------------------------------------------------------------

# Key ids whose row in the key-check table is committed (a row written in a transaction that is
# rolled back must be written again).
_recorded: set[str] = set()


def note_key_used(key_id: str) -> None:
    """Record that a key encrypts data in this database; once per process and key id."""
    from bangfu.core.models import FieldKey

    FieldKey.objects.get_or_create(key_id=key_id)
    if connection.in_atomic_block:
        transaction.on_commit(lambda: _recorded.add(key_id))
    else:
        _recorded.add(key_id)


def clear_caches() -> None:
    """Forget derived keys and recorded key ids (tests that change keys or empty the tables)."""
    derive_key.cache_clear()
    _ring.cache_clear()
    _recorded.clear()


def verify_keys(*, record: bool = True) -> list[str]:
    """What stops this configuration from reading the data; empty when nothing does.

    The key-check table must name only configured keys. One ciphertext of every sensitive column is
    sampled too: its key id must be configured, and it is recorded when `record` is set (so a
    database that predates the table, or data written before its first check, is bootstrapped)."""
    from bangfu.core.models import FieldKey

    try:
        ring = key_ring()
    except ValueError as exc:
        return [f"a configured field key is unusable: {exc}"]
    tables = set(connection.introspection.table_names())
    problems, sampled = _sample_key_ids(ring, tables)
    stored: set[str] = set()
    if FieldKey._meta.db_table in tables:
        stored = set(FieldKey.objects.values_list("key_id", flat=True))
        if record:
            for key_id in sorted(sampled - stored):
                FieldKey.objects.get_or_create(key_id=key_id)
    configured = ", ".join(ring.key_ids)
    for key_id in sorted((stored | sampled) - set(ring.key_ids)):
        problems.append(
            f"data is encrypted under field key {key_id}, which is not configured (configured: {configured}): "
            "BANGFU_FIELD_KEY is not the key this database was written with, or a retired key was dropped "
            "from BANGFU_FIELD_KEYS_RETIRED before `bangfu rotatekey` finished"
        )
    return problems


def _sample_key_ids(ring: KeyRing, tables: set[str]) -> tuple[list[str], set[str]]:
    """The key ids of the first ciphertext of each sensitive column, and the columns none opens."""
    from bangfu.core import sensitive

    problems, found = [], set()
    for model in sensitive.sensitive_models():
        if model._meta.db_table not in tables:
            continue
        for declared in sensitive.identifiers_of(model).values():
            enc = declared.columns[0]
            token = (model.objects.filter(**{f"{enc}__gt": ""}).order_by("pk")
                     .values_list(enc, flat=True).first())
            if not token:
                continue
            key_id = ring.key_id_of(token)
            if key_id is None:
                problems.append(f"no configured field key can read {model._meta.label}.{enc} "
                                f"(configured: {', '.join(ring.key_ids)})")
            else:
                found.add(key_id)
    return problems, found
