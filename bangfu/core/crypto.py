"""Encryption at rest and keyed hashes of personal identifiers.

One master key (BANGFU_FIELD_KEY, 32 bytes in base64) is stretched with HKDF into an AES-GCM key,
which encrypts the values, and an HMAC key, whose digests let the ledger find a person by an
identifier without decrypting every row.
"""

import base64
import functools
import hashlib
import hmac
import os
import secrets

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

PREFIX = "v1:"


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
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(new_key())
    return path.read_text().strip()


@functools.lru_cache(maxsize=4)
def _keys(master_text: str) -> tuple[AESGCM, bytes]:
    master = decode_key(master_text)

    def derive(info: bytes) -> bytes:
        return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(master)

    return AESGCM(derive(b"bangfu field encryption")), derive(b"bangfu field lookup")


def encrypt(value: str) -> str:
    return Sealer().encrypt(value)


def decrypt(token: str) -> str:
    return Sealer().decrypt(token)


def lookup_hash(value: str) -> str:
    """A keyed digest to find records by an exact identifier; empty for an empty value."""
    return Sealer().hash(value)


def lookup_hashes(value: str) -> list[str]:
    """The digests of a value under every active key (a record may not be rotated yet)."""
    return [Sealer().hash(value)]


class Sealer:
    """Encrypts and hashes many values with the keys looked up once (bulk generation, imports)."""

    def __init__(self):
        self._aes, self._hash_key = _keys(_master_key_text())

    def encrypt(self, value: str) -> str:
        if not value:
            return ""
        nonce = os.urandom(12)
        return PREFIX + base64.b64encode(nonce + self._aes.encrypt(nonce, value.encode(), None)).decode()

    def decrypt(self, token: str) -> str:
        if not token:
            return ""
        raw = base64.b64decode(token.removeprefix(PREFIX))
        return self._aes.decrypt(raw[:12], raw[12:], None).decode()

    def hash(self, value: str) -> str:
        if not value:
            return ""
        return hmac.new(self._hash_key, value.upper().encode(), hashlib.sha256).hexdigest()[:32]
