"""Per-subject keys: seal personal fields with AES-GCM; destroying the key shreds every copy.

Keys live only in the privacy service. Other services fetch them over its internal API with
the service credential and keep them in memory for a short while.
"""

import base64
import hashlib
import hmac
import json
import os
import time
from functools import partial
from typing import Any

import httpx
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from .batching import Batcher

_NONCE = 12


class KeyShredded(Exception):
    """The subject's key was destroyed: the data is gone for good."""


def encrypt(key: bytes, plaintext: bytes, aad: str) -> bytes:
    nonce = os.urandom(_NONCE)
    return nonce + AESGCM(key).encrypt(nonce, plaintext, aad.encode())


def decrypt(key: bytes, blob: bytes, aad: str) -> bytes:
    try:
        return AESGCM(key).decrypt(blob[:_NONCE], blob[_NONCE:], aad.encode())
    except InvalidTag as exc:
        raise ValueError("sealed data does not open with this key") from exc


def seal(key: bytes, fields: dict[str, Any], subject: str) -> str:
    """Seal a dict for the bus. The subject id is bound as associated data."""
    blob = encrypt(key, json.dumps(fields, default=str).encode(), subject)
    return base64.b64encode(blob).decode()


def open_sealed(key: bytes, token: str, subject: str) -> dict[str, Any]:
    return json.loads(decrypt(key, base64.b64decode(token), subject))


def derive(key: bytes, purpose: str) -> bytes:
    """A separate 32-byte key for another use of the same subject key (e.g. SSE-C for files)."""
    return hashlib.sha256(purpose.encode() + b"\x00" + key).digest()


SUBJECT_MAX = 64  # characters in a subject id (privacy refuses longer)


class KeyClient:
    """Fetches subject keys from the privacy service; caches them briefly in memory. Handlers
    that want keys at the same moment share one request (batching.py)."""

    def __init__(self, http: httpx.AsyncClient, privacy_url: str, ttl: float = 30.0) -> None:
        self._http = http  # the service's internal client, carrying its service token
        self._url = privacy_url.rstrip("/")
        self._ttl = ttl
        self._cache: dict[str, tuple[float, bytes]] = {}
        self._forgotten: dict[str, float] = {}  # subject -> when `forget` was called
        self._batchers = {
            create: Batcher[str, bytes](partial(self._fetch_many, create=create))
            for create in (False, True)
        }

    async def _fetch_many(self, subjects: list[str], create: bool) -> dict[str, bytes]:
        body = {"subjects": subjects, "create": create}
        sent = time.monotonic()
        resp = await self._http.post(f"{self._url}/internal/keys", json=body)
        resp.raise_for_status()
        try:
            found = {s: base64.b64decode(k) for s, k in resp.json()["keys"].items()}
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            # Not privacy's answer (a proxy's page, say): as unavailable as no answer at all.
            raise httpx.DecodingError("the key service gave no usable answer") from exc
        expires = time.monotonic() + self._ttl
        # Not for a subject forgotten (erased) while the request was on its way: its answer
        # may predate the shredding, and must not be served from the cache afterwards.
        self._cache.update(
            (s, (expires, k)) for s, k in found.items() if self._forgotten.get(s, 0.0) < sent
        )
        return found

    async def _fetch(self, subject: str, create: bool) -> bytes:
        cached = self._cache.get(subject)
        if cached and cached[0] > time.monotonic():
            return cached[1]
        if not 1 <= len(subject) <= SUBJECT_MAX:  # no such subject; and not its batch's failure
            raise KeyShredded(subject)
        key = await self._batchers[create].get(subject)
        if key is None:
            raise KeyShredded(subject)
        return key

    async def get_or_create(self, subject: str) -> bytes:
        """The subject's key, made if new; KeyShredded if the subject was erased."""
        return await self._fetch(subject, create=True)

    async def get(self, subject: str) -> bytes:
        """The subject's key; KeyShredded if it was destroyed (or never existed)."""
        return await self._fetch(subject, create=False)

    def forget(self, subject: str) -> None:
        self._cache.pop(subject, None)
        now = time.monotonic()
        if len(self._forgotten) > 10_000:  # only requests still on their way need the mark
            self._forgotten = {s: t for s, t in self._forgotten.items() if t > now - 120}
        self._forgotten[subject] = now


def normalise(kind: str, value: str) -> str:
    """Canonical form before hashing, so 'A@B.nl ' and 'a@b.nl' match."""
    value = value.strip()
    if kind == "email":
        return value.lower()
    if kind == "phone":
        digits = "".join(ch for ch in value if ch.isdigit())
        return "31" + digits[1:] if digits.startswith("0") else digits  # 06… == +316…
    return value.lower()


def blind_index(index_key_b64: str, kind: str, value: str) -> str:
    """Keyed hash of an identifier: lets services match a person without the plaintext."""
    mac = hmac.new(base64.b64decode(index_key_b64), digestmod=hashlib.sha256)
    mac.update(f"{kind}:{normalise(kind, value)}".encode())
    return mac.hexdigest()
