"""Employees' credentials and sessions: argon2 passwords, lockout, server-side sessions.

Used by the HTTP API and by the command line (`python -m services.gateway`).
"""

import asyncio
import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import Enum

import asyncpg
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from services.common.envelope import new_id

from . import domain, store

# argon2id with OWASP's recommended minimum (19 MiB, 2 passes, 1 lane): sign-ins stay cheap on
# a small machine, and hashes made with other parameters are upgraded at the next sign-in.
_hasher = PasswordHasher(time_cost=2, memory_cost=19_456, parallelism=1)
# Verified against when the name is unknown, so a wrong name costs as much time as a wrong
# password and response times do not reveal which names exist.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


class UserError(ValueError):
    """A user could not be created or changed; the message says why (no secrets in it)."""


class Outcome(Enum):
    OK = "ok"
    INVALID = "invalid"
    LOCKED = "locked"


@dataclass(frozen=True)
class Session:
    token_hash: str
    csrf_token: str
    user_id: str
    username: str
    role: str


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def hash_password(password: str) -> str:
    return await asyncio.to_thread(_hasher.hash, password)


async def _verify(stored_hash: str, password: str) -> bool:
    try:
        return await asyncio.to_thread(_hasher.verify, stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


async def create_user(conn: asyncpg.Connection, username: str, role: str, password: str) -> str:
    username = username.strip().lower()
    if problem := domain.username_problem(username):
        raise UserError(problem)
    if role not in domain.ROLES:
        raise UserError(f"the role must be one of {', '.join(domain.ROLES)}")
    if problem := domain.password_problem(password):
        raise UserError(problem)
    user_id = new_id()
    if not await store.insert_user(conn, user_id, username, role, await hash_password(password)):
        raise UserError("a user with this name exists already")
    return user_id


async def reset_password(conn: asyncpg.Connection, username: str, password: str) -> None:
    """New password, lockout lifted, every open session of the user ended."""
    username = username.strip().lower()
    if problem := domain.password_problem(password):
        raise UserError(problem)
    async with conn.transaction():
        user = await store.get_user_by_name(conn, username)
        if user is None:
            raise UserError("there is no user with this name")
        await store.set_password(conn, username, await hash_password(password))
        await store.clear_failures(conn, username)
        await store.delete_user_sessions(conn, user["id"])


async def authenticate(
    conn: asyncpg.Connection, username: str, password: str
) -> tuple[Outcome, asyncpg.Record | None]:
    """Check a sign-in; attempts count per name typed (existing or not) towards the lockout."""
    username = username.strip().lower()[:64]
    now = datetime.now(UTC)
    attempt = await store.count_attempt(conn, username)
    if attempt["locked_until"] and attempt["locked_until"] > now:
        return Outcome.LOCKED, None
    if attempt["failures"] > domain.MAX_FAILURES:  # raced past a lock being set
        return Outcome.LOCKED, None
    user = await store.get_user_by_name(conn, username)
    ok = await _verify(user["password_hash"] if user else _DUMMY_HASH, password)
    if user is not None and ok and not user["disabled"]:
        await store.clear_failures(conn, username)
        if _hasher.check_needs_rehash(user["password_hash"]):
            await store.set_password_hash_only(conn, user["id"], await hash_password(password))
        return Outcome.OK, user
    until = domain.locked_until(attempt["failures"], now)
    if until is not None:
        await store.lock_name(conn, username, until)
        return Outcome.LOCKED, None
    return Outcome.INVALID, None


async def start_session(conn: asyncpg.Connection, user_id: str, max_hours: int) -> tuple[str, str]:
    """A new session: (token for the cookie, CSRF token for forms and API writes)."""
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    expires = datetime.now(UTC) + timedelta(hours=max_hours)
    await store.insert_session(conn, token_hash(token), user_id, csrf, expires)
    return token, csrf


async def session_for(conn: asyncpg.Connection, token: str, idle_minutes: int) -> Session | None:
    if not token or len(token) > 128:
        return None
    row = await store.touch_session(conn, token_hash(token), idle_minutes * 60)
    if row is None:
        return None
    return Session(
        row["token_hash"], row["csrf_token"], row["user_id"], row["username"], row["role"]
    )


async def ensure_admin(conn: asyncpg.Connection, password: str | None) -> str | None:
    """No default passwords: with no users at all, create `admin` with the given password or a
    generated one, and return it (to be shown once). None when users exist already."""
    async with conn.transaction():
        await conn.execute("LOCK TABLE users IN EXCLUSIVE MODE")  # two starts, one admin
        if await store.count_users(conn):
            return None
        password = password or secrets.token_urlsafe(18)
        await create_user(conn, "admin", domain.ADMIN, password)
        return password
