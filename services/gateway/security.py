"""Employees' credentials and sessions: argon2 passwords, sign-in throttling, server-side
sessions, and the audit of sign-ins and of changes to users.

Used by the HTTP API and by the command line (`python -m services.gateway`).
"""

import asyncio
import hashlib
import math
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import Enum

import asyncpg
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from services.common import audit
from services.common.envelope import new_id

from . import domain, store

# argon2id with OWASP's recommended minimum (19 MiB, 2 passes, 1 lane): sign-ins stay cheap on
# a small machine, and hashes made with other parameters are upgraded at the next sign-in.
_hasher = PasswordHasher(time_cost=2, memory_cost=19_456, parallelism=1)
# Verified against when the name is unknown, so a wrong name costs as much time as a wrong
# password and response times do not reveal which names exist.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


class UserError(ValueError):
    """A user could not be created or changed; the message says why (no secrets in it), in
    English for the API and the command line; `key` says it for pages (i18n `user_err_<key>`)."""

    def __init__(self, message: str, key: str) -> None:
        super().__init__(message)
        self.key = key


class Outcome(Enum):
    OK = "ok"
    INVALID = "invalid"
    WAIT = "wait"  # held back unchecked: too many failures (see domain.sign_in_wait)


@dataclass(frozen=True)
class Attempt:
    outcome: Outcome
    user: asyncpg.Record | None = None  # when OK
    retry_after: int = 0  # seconds, when WAIT


@dataclass(frozen=True)
class Actor:
    """Who changes a user, for the audit trail."""

    id: str
    role: str


# Whoever runs `python -m services.gateway` on the machine (it has the database credentials).
OPERATOR = Actor("command-line", "operator")


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


async def _audit(conn: asyncpg.Connection, by: Actor, action: str, user_id: str) -> None:
    """An ops.audit event naming the employee acted on by id (never a name or password)."""
    await audit.record_read(conn, "gateway", by.id, by.role, action, f"user:{user_id}", None)


def _check_password(password: str) -> None:
    if fault := domain.password_fault(password):
        raise UserError(domain.PASSWORD_PROBLEMS[fault], fault)


def _check_role(role: str) -> None:
    if role not in domain.ROLES:
        raise UserError(f"the role must be one of {', '.join(domain.ROLES)}", "role")


async def create_user(
    conn: asyncpg.Connection, username: str, role: str, password: str, by: Actor
) -> str:
    username = username.strip().lower()
    if problem := domain.username_problem(username):
        raise UserError(problem, "username")
    _check_role(role)
    _check_password(password)
    user_id = new_id()
    password_hash = await hash_password(password)
    async with conn.transaction():
        if not await store.insert_user(conn, user_id, username, role, password_hash):
            raise UserError("a user with this name exists already", "username_taken")
        await _audit(conn, by, "user.create", user_id)
    return user_id


async def _user(conn: asyncpg.Connection, username: str) -> asyncpg.Record:
    user = await store.get_user_by_name(conn, username.strip().lower())
    if user is None:
        raise UserError("there is no user with this name", "no_user")
    return user


async def reset_password(conn: asyncpg.Connection, username: str, password: str, by: Actor) -> None:
    """New password, every wait on the name lifted, every open session of the user ended."""
    _check_password(password)
    password_hash = await hash_password(password)
    async with conn.transaction():
        user = await _user(conn, username)
        await store.set_password(conn, user["username"], password_hash)
        await store.clear_failures(conn, user["username"], None)
        await store.delete_user_sessions(conn, user["id"])
        await _audit(conn, by, "user.password-reset", user["id"])


async def _keep_an_admin(conn: asyncpg.Connection, user: asyncpg.Record, by: Actor) -> None:
    """Refuse a change that takes `user` out of the active admins when they are the last one,
    or when they are the one making it (an admin does not lock themselves out). Called in the
    change's transaction: the admins' rows stay locked until it commits, so two admins
    disabling each other at once cannot leave none (the second sees the first's change)."""
    if by.id == user["id"]:
        raise UserError("you cannot disable yourself or change your own role", "self")
    if user["role"] != domain.ADMIN or user["disabled"]:
        return
    others = [a for a in await store.lock_active_admins(conn) if a != user["id"]]
    if not others:
        raise UserError("this is the last active admin", "last_admin")


async def change_role(
    conn: asyncpg.Connection, username: str, role: str, by: Actor
) -> asyncpg.Record:
    """Another role; the user's open sessions end, so the new role holds from the next sign-in."""
    _check_role(role)
    async with conn.transaction():
        user = await _user(conn, username)
        if role != domain.ADMIN:
            await _keep_an_admin(conn, user, by)
        elif by.id == user["id"]:
            raise UserError("you cannot disable yourself or change your own role", "self")
        await store.set_role(conn, user["id"], role)
        await store.delete_user_sessions(conn, user["id"])
        await _audit(conn, by, "user.role-change", user["id"])
        return await _user(conn, username)


async def set_disabled(
    conn: asyncpg.Connection, username: str, disabled: bool, by: Actor
) -> asyncpg.Record:
    """Disable (no sign-in, every open session ends at once) or enable an employee."""
    async with conn.transaction():
        user = await _user(conn, username)
        if disabled:
            await _keep_an_admin(conn, user, by)
        await store.set_disabled(conn, user["id"], disabled)
        await store.delete_user_sessions(conn, user["id"])
        await _audit(conn, by, "user.disable" if disabled else "user.enable", user["id"])
        return await _user(conn, username)


async def authenticate(
    conn: asyncpg.Connection, username: str, password: str, client: str, limits: domain.Throttle
) -> Attempt:
    """Check a sign-in from `client` (an address). The attempt counts as a failure before it is
    checked; one that must wait is not checked at all, and then counts for nothing."""
    username = username.strip().lower()[:64]
    if (waiting := await _held_back(conn, username, client, limits)) is not None:
        return waiting
    user = await store.get_user_by_name(conn, username)
    ok = await _verify(user["password_hash"] if user else _DUMMY_HASH, password)
    if user is not None and ok and not user["disabled"]:
        await store.clear_failures(conn, username, client)
        if _hasher.check_needs_rehash(user["password_hash"]):
            await store.set_password_hash_only(conn, user["id"], await hash_password(password))
        await _audit(conn, Actor(user["id"], user["role"]), "sign-in", user["id"])
        return Attempt(Outcome.OK, user)
    if user is not None:  # a wrong password for an employee who exists: theirs to know of
        await _audit(conn, Actor(user["id"], user["role"]), "sign-in.failed", user["id"])
    return Attempt(Outcome.INVALID)


async def _held_back(
    conn: asyncpg.Connection, username: str, client: str, limits: domain.Throttle
) -> Attempt | None:
    """Count the attempt as a failure before its password is checked; an attempt that must
    wait is dropped again (it counts for nothing) and its WAIT returned."""
    window = limits.window.total_seconds()
    await store.purge_failures(conn, window)
    own = await store.add_failure(conn, username, client)
    row = await store.failures_around(conn, username, client, window, own)
    counts = {k: row[k] for k in ("pair", "pair_last", "client", "client_oldest", "client_last")}
    wait = domain.sign_in_wait(limits, domain.Failures(**counts, total=row["total"]), row["now"])
    if wait is None:
        return None
    await store.drop_failure(conn, own)
    return Attempt(Outcome.WAIT, retry_after=max(1, math.ceil(wait.total_seconds())))


async def change_own_password(
    conn: asyncpg.Connection,
    who: Session,
    current: str,
    new: str,
    client: str,
    limits: domain.Throttle,
) -> Attempt:
    """An employee's new password, given the current one. The current password is checked
    under the sign-in throttle (a session left open must not become a way to guess it); on
    success every other session of the employee ends, the one in use goes on."""
    _check_password(new)
    if new == current:
        raise UserError("the new password must differ from the current one", "password_same")
    if (waiting := await _held_back(conn, who.username, client, limits)) is not None:
        return waiting
    user = await store.get_user_by_name(conn, who.username)
    if user is None or not await _verify(user["password_hash"], current):
        if user is not None:
            await _audit(conn, Actor(who.user_id, who.role), "password-change.failed", user["id"])
        return Attempt(Outcome.INVALID)
    password_hash = await hash_password(new)
    async with conn.transaction():
        await store.set_password(conn, who.username, password_hash)
        await store.clear_failures(conn, who.username, client)
        await store.delete_other_sessions(conn, who.user_id, who.token_hash)
        await _audit(conn, Actor(who.user_id, who.role), "user.password-change", who.user_id)
    return Attempt(Outcome.OK, user)


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
        await create_user(conn, "admin", domain.ADMIN, password, OPERATOR)
        return password
