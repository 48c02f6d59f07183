"""Encryption at rest of personal identifiers (ID numbers, phones) and their blind index.

Values are sealed with AES-256-GCM (`cryptography`'s AESGCM: a 96-bit random nonce, a 128-bit tag) into a
versioned text that names the key it was sealed with, so that keys can rotate:

    pa1:<kid>:<base64url(nonce ‖ ciphertext ‖ tag)>

`pa1` is the format (AES-256-GCM, 12-byte nonce); the associated data is "pa1:<kid>:<purpose>" (the
purpose, e.g. "phone", binds a ciphertext to its kind of value: an ID number's ciphertext copied into a
phone column does not open). The empty string stays empty (a blank field is not a secret).

Exact search goes through a blind index: HMAC-SHA256 over the value in its canonical form (an ID number
upper-cased and in its 18-digit form, a phone as core.validators normalises it), with a key of its own
derived by HKDF-SHA256 from the index secret, one per purpose. The index does not change when data keys
rotate.

Keys come from the environment or a key file, never from the repository (see `load_keyring`):
- PINGAN_DATA_KEYS="kid:base64key,kid:base64key" (32-byte AES keys, newest first) and
  PINGAN_DATA_INDEX_KEY="base64secret", or
- PINGAN_DATA_KEY_FILE, a file of lines "kid:base64key" (newest first) and one "index:base64secret".
Without either, a key file is generated once under VAR_DIR (mode 0600) so that a first run works; the
deploy check (pingan.core.checks) refuses that in production.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.signals import setting_changed

from .validators import _compact_id_number, normalize_id_number, normalize_phone

VERSION = "pa1"
NONCE_BYTES = 12
TAG_BYTES = 16
KEY_BYTES = 32
INDEX_KID = "index"  # the key file's line for the blind index secret
KID = re.compile(r"[A-Za-z0-9_-]{1,16}")
GENERATED_FILE_NAME = "data-keys.txt"


class DecryptionError(Exception):
    """A stored value that does not open: unknown key id, another format, or altered (the tag fails)."""


class KeySource(StrEnum):
    ENVIRONMENT = "environment"  # PINGAN_DATA_KEYS and PINGAN_DATA_INDEX_KEY
    FILE = "file"  # PINGAN_DATA_KEY_FILE
    GENERATED = "generated"  # nothing configured: the file generated under VAR_DIR (not for production)


@dataclass(frozen=True)
class Keyring:
    keys: tuple[tuple[str, bytes], ...]  # (kid, 32-byte key), newest first
    index_secret: bytes
    source: KeySource
    path: Path | None = None
    _ciphers: dict[str, AESGCM] = field(default_factory=dict, repr=False, compare=False)
    _index_keys: dict[str, bytes] = field(default_factory=dict, repr=False, compare=False)

    @property
    def current_kid(self) -> str:
        return self.keys[0][0]

    def cipher(self, kid: str) -> AESGCM:
        if kid not in self._ciphers:
            key = dict(self.keys).get(kid)
            if key is None:
                raise DecryptionError(f"unknown data key id {kid!r}")
            self._ciphers[kid] = AESGCM(key)
        return self._ciphers[kid]

    def index_key(self, purpose: str) -> bytes:
        if purpose not in self._index_keys:
            self._index_keys[purpose] = hkdf_sha256(self.index_secret, info=f"pingan blind index v1:{purpose}".encode())
        return self._index_keys[purpose]


# --- Primitives (each tested against a published vector) ------------------------------------------------


def gcm_seal(key: bytes, nonce: bytes, plaintext: bytes, associated_data: bytes) -> bytes:
    """AES-GCM: ciphertext ‖ 16-byte tag."""
    return AESGCM(key).encrypt(nonce, plaintext, associated_data)


def gcm_open(key: bytes, nonce: bytes, sealed: bytes, associated_data: bytes) -> bytes:
    try:
        return AESGCM(key).decrypt(nonce, sealed, associated_data)
    except InvalidTag:
        raise DecryptionError("authentication tag does not match") from None


def hmac_sha256_hex(key: bytes, message: bytes) -> str:
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def hkdf_sha256(secret: bytes, *, info: bytes, salt: bytes | None = None, length: int = KEY_BYTES) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=length, salt=salt, info=info).derive(secret)


# --- Sealing values --------------------------------------------------------------------------------------


def _associated_data(kid: str, purpose: str) -> bytes:
    return f"{VERSION}:{kid}:{purpose}".encode()


def is_sealed(text: str) -> bool:
    return text.startswith(VERSION + ":")


def key_id(token: str) -> str:
    """The id of the key a stored value was sealed with ("" for an empty value)."""
    if not token:
        return ""
    parts = token.split(":", 2)
    if len(parts) != 3 or parts[0] != VERSION:
        raise DecryptionError("not a sealed value")
    return parts[1]


def encrypt(value: str, *, purpose: str, keyring: Keyring | None = None) -> str:
    if not value:
        return ""
    ring = keyring or get_keyring()
    kid = ring.current_kid
    nonce = secrets.token_bytes(NONCE_BYTES)
    sealed = ring.cipher(kid).encrypt(nonce, value.encode(), _associated_data(kid, purpose))
    return f"{VERSION}:{kid}:{base64.urlsafe_b64encode(nonce + sealed).decode()}"


def decrypt(token: str, *, purpose: str, keyring: Keyring | None = None) -> str:
    if not token:
        return ""
    ring = keyring or get_keyring()
    kid = key_id(token)
    try:
        raw = base64.urlsafe_b64decode(token.split(":", 2)[2].encode())
    except (binascii.Error, ValueError):
        raise DecryptionError("sealed value is not base64") from None
    if len(raw) < NONCE_BYTES + TAG_BYTES:
        raise DecryptionError("sealed value too short")
    try:
        plain = ring.cipher(kid).decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], _associated_data(kid, purpose))
    except InvalidTag:
        raise DecryptionError(f"value sealed with key {kid!r} does not open (altered, or another column)") from None
    return plain.decode()


def sealed_max_length(plain_max_length: int) -> int:
    """The longest stored text for a value of at most `plain_max_length` characters (4 bytes each)."""
    raw = NONCE_BYTES + 4 * plain_max_length + TAG_BYTES
    return len(VERSION) + 1 + 16 + 1 + 4 * ((raw + 2) // 3)


# --- Blind index -----------------------------------------------------------------------------------------


def _canonical_id_number(value: str) -> str:
    try:
        return normalize_id_number(value)
    except ValidationError:
        return _compact_id_number(value)  # not a valid number: still upper-cased, without separators


def _canonical_phone(value: str) -> str:
    try:
        return normalize_phone(value)
    except ValidationError:
        return value.strip()


CANONICAL: dict[str, Callable[[str], str]] = {"id_number": _canonical_id_number, "phone": _canonical_phone}


def canonical(value: str, *, purpose: str) -> str:
    """The form a value is indexed in: what the validators store (an ID number upper-cased in 18 digits,
    a phone as normalize_phone gives it); other purposes: stripped."""
    return CANONICAL.get(purpose, str.strip)(value or "")


def index_digest(key: bytes, text: str) -> str:
    """The blind index of a canonical text under an index key: HMAC-SHA256, hexadecimal."""
    return hmac_sha256_hex(key, text.encode())


def blind_index(value: str, *, purpose: str, keyring: Keyring | None = None) -> str:
    """The keyed index a value is found by ("" for an empty value)."""
    text = canonical(value, purpose=purpose)
    if not text:
        return ""
    ring = keyring or get_keyring()
    return index_digest(ring.index_key(purpose), text)


# --- Where the keys come from ----------------------------------------------------------------------------


def _decode_key(kid: str, text: str, *, where: str) -> bytes:
    try:
        key = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise ImproperlyConfigured(f"{where}: key {kid!r} is not valid base64") from None
    if len(key) != KEY_BYTES:
        raise ImproperlyConfigured(f"{where}: key {kid!r} must be {KEY_BYTES} bytes, not {len(key)}")
    return key


def parse_keys(entries: list[str], *, where: str) -> tuple[list[tuple[str, bytes]], bytes | None]:
    """Parse "kid:base64" entries (newest first); the "index" entry is the blind index secret."""
    keys: list[tuple[str, bytes]] = []
    index: bytes | None = None
    for entry in entries:
        entry = entry.strip()
        if not entry or entry.startswith("#"):
            continue
        kid, sep, text = entry.partition(":")
        kid = kid.strip()
        if not sep or not KID.fullmatch(kid):
            raise ImproperlyConfigured(f"{where}: expected 'kid:base64key' with a kid of letters, digits, - or _")
        key = _decode_key(kid, text, where=where)
        if kid == INDEX_KID:
            index = key
        elif kid in dict(keys):
            raise ImproperlyConfigured(f"{where}: key id {kid!r} given twice")
        else:
            keys.append((kid, key))
    return keys, index


def generated_key_file() -> Path:
    return Path(settings.VAR_DIR) / GENERATED_FILE_NAME


def _generate_key_file(path: Path) -> None:
    """Create the first-run key file once (mode 0600); a concurrent creator's file wins."""
    path.parent.mkdir(parents=True, exist_ok=True)
    kid = "k" + secrets.token_hex(3)
    text = (
        "# Ping'an data keys, generated on first run (not for production: see docs/personal-data.md).\n"
        f"{kid}:{base64.b64encode(secrets.token_bytes(KEY_BYTES)).decode()}\n"
        f"{INDEX_KID}:{base64.b64encode(secrets.token_bytes(KEY_BYTES)).decode()}\n"
    )
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    with os.fdopen(fd, "w") as out:
        out.write(text)


def load_keyring() -> Keyring:
    """Read the keys as configured: the environment, else the key file, else the generated file."""
    env_keys = str(settings.PINGAN_DATA_KEYS or "")
    env_index = str(settings.PINGAN_DATA_INDEX_KEY or "")
    key_file = str(settings.PINGAN_DATA_KEY_FILE or "")
    if env_keys:
        keys, index = parse_keys(env_keys.split(","), where="PINGAN_DATA_KEYS")
        if env_index:
            index = _decode_key(INDEX_KID, env_index, where="PINGAN_DATA_INDEX_KEY")
        source, path = KeySource.ENVIRONMENT, None
    else:
        if key_file:
            path, source = Path(key_file), KeySource.FILE
            if not path.exists():
                raise ImproperlyConfigured(f"PINGAN_DATA_KEY_FILE: {path} does not exist")
        else:
            path, source = generated_key_file(), KeySource.GENERATED
            if not path.exists():
                _generate_key_file(path)
        keys, index = parse_keys(path.read_text().splitlines(), where=str(path))
    if not keys:
        raise ImproperlyConfigured("no data key configured (PINGAN_DATA_KEYS or PINGAN_DATA_KEY_FILE)")
    if index is None:
        raise ImproperlyConfigured("no blind index key configured (PINGAN_DATA_INDEX_KEY or an 'index:' line)")
    return Keyring(keys=tuple(keys), index_secret=index, source=source, path=path)


@cache
def get_keyring() -> Keyring:
    return load_keyring()


def reset_keyring(**kwargs: object) -> None:
    """Forget the loaded keys (a changed setting, a test)."""
    get_keyring.cache_clear()


def _on_setting_changed(*, setting: str, **kwargs: object) -> None:
    if setting.startswith("PINGAN_DATA_") or setting == "VAR_DIR":
        reset_keyring()


setting_changed.connect(_on_setting_changed, dispatch_uid="pingan.core.crypto.reset_keyring")
