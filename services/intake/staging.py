"""The staging area: an upload waits in intake's database until documents has its copy.

Each file is sealed (AES-GCM) under its registration's own key, and that key is stored only
wrapped with STAGING_KEY from configuration: a database dump alone opens no file, and deleting
the registration row shreds its files. Keeping the bytes in PostgreSQL rather than in a bucket
makes an upload, its registration and the decision one transaction (nothing half-stored to
clean up after a crash) and saves three object-store round trips per registration.
"""

import base64
import os
from collections.abc import Mapping
from typing import Any

from services.common import keys


def _wrapping_key(staging_key_b64: str) -> bytes:
    key = base64.b64decode(staging_key_b64 or "")
    if len(key) != 32:
        raise RuntimeError("STAGING_KEY must be 32 random bytes, base64-encoded")
    return key


def new_key(staging_key_b64: str, reg_id: str) -> tuple[bytes, bytes]:
    """A fresh key for one registration's files: (the key, the key wrapped for storage)."""
    key = os.urandom(32)
    return key, keys.encrypt(_wrapping_key(staging_key_b64), key, f"staging:{reg_id}")


def unwrap(staging_key_b64: str, wrapped: bytes, reg_id: str) -> bytes:
    return keys.decrypt(_wrapping_key(staging_key_b64), bytes(wrapped), f"staging:{reg_id}")


def seal(key: bytes, data: bytes, file_id: str) -> bytes:
    return keys.encrypt(key, data, f"file:{file_id}")


def read(staging_key_b64: str, file: Mapping[str, Any]) -> bytes:
    """The plain bytes of a staged file (a row of store.get_file: sealed, with its wrapped key)."""
    reg_id, file_id = str(file["registration_id"]), str(file["file_id"])
    key = unwrap(staging_key_b64, file["file_key"], reg_id)
    return keys.decrypt(key, bytes(file["sealed"]), f"file:{file_id}")


def check(staging_key_b64: str) -> None:
    """At start-up: refuse to run without a usable key rather than fail each registration."""
    _wrapping_key(staging_key_b64)
