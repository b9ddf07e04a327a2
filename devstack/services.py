"""Start the platform's services as processes against a set of infrastructure endpoints.

Used by `python -m devstack run` (fixed ports 8000-8005) and by the tests (free ports), so
both run the services exactly the same way: one uvicorn process per service.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import os
import secrets
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlencode, urlsplit, urlunsplit

import asyncpg
import httpx

from devstack.infra import Endpoints, death_signal_setter, free_ports

# Name and default port; the front door (DESIGN.md) fixes these for local runs.
SERVICES: dict[str, int] = {
    "gateway": 8000,
    "intake": 8001,
    "candidates": 8002,
    "crm": 8003,
    "documents": 8004,
    "privacy": 8005,
}
READY_TIMEOUT = 90.0


def free_service_ports() -> dict[str, int]:
    """A free port for each service (tests and benchmarks run beside `make run`)."""
    spare = free_ports()
    ports = [
        spare.postgres,
        spare.kafka,
        spare.smtp,
        spare.s3,
        spare.seaweed_master,
        spare.seaweed_filer,
    ]
    return dict(zip(SERVICES, ports, strict=True))


def database_role(service: str) -> str:
    return f"talent_{service}"


def database_url(
    server_url: str, service: str, password: str | None = None, socket: Path | None = None
) -> str:
    """The service's own database on the given server: one database per service. With a
    password, as the service's own role (least privilege), else as the server URL's user.
    With the server's unix-socket directory (devstack's own server), through that socket:
    a statement's round trip then costs about a third less CPU at both ends than over
    loopback TCP, and a registration makes some eighty of them."""
    parts = urlsplit(server_url)
    host = parts.netloc.rpartition("@")[2]
    user = parts.netloc.rpartition("@")[0]
    if password is not None:
        user = f"{database_role(service)}:{quote(password, safe='')}"
    if socket is not None:
        # asyncpg's form: no host in the authority, the directory and port as parameters.
        query = urlencode({"host": str(socket), "port": str(parts.port or 5432)})
        return urlunsplit(parts._replace(netloc=f"{user}@", path=f"/talent_{service}", query=query))
    if user:
        parts = parts._replace(netloc=f"{user}@{host}")
    return urlunsplit(parts._replace(path=f"/talent_{service}"))


def token_name(service: str) -> str:
    """Where a service's own service token is kept with the other local secrets."""
    return f"{service.upper()}_SERVICE_TOKEN"


def password_name(service: str) -> str:
    """Where a service's database password is kept with the other local secrets."""
    return f"{service.upper()}_DATABASE_PASSWORD"


async def _quoted(conn: asyncpg.Connection, template: str, *args: str) -> str:
    # DDL takes no bind parameters: let the server quote names (%I) and literals (%L).
    return str(await conn.fetchval(f"SELECT format('{template}', {_params(len(args))})", *args))


def _params(n: int) -> str:
    return ", ".join(f"${i}::text" for i in range(1, n + 1))


async def create_databases(server_url: str, passwords: dict[str, str]) -> None:
    """One database per service, owned by the service's own login role (no superuser, no
    CREATEDB/CREATEROLE), which alone may connect to it: CONNECT and TEMP are revoked from
    PUBLIC, so one service's role cannot even open another's database."""
    conn = await asyncpg.connect(server_url)
    try:
        existing = {r["datname"] for r in await conn.fetch("SELECT datname FROM pg_database")}
        roles = {r["rolname"] for r in await conn.fetch("SELECT rolname FROM pg_roles")}
        for name in SERVICES:
            role, database = database_role(name), f"talent_{name}"
            verb = "ALTER" if role in roles else "CREATE"
            await conn.execute(
                await _quoted(
                    conn,
                    f"{verb} ROLE %I LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD %L",
                    role,
                    passwords[name],
                )
            )
            if database not in existing:
                await conn.execute(
                    await _quoted(conn, "CREATE DATABASE %I OWNER %I", database, role)
                )
            else:
                await conn.execute(
                    await _quoted(conn, "ALTER DATABASE %I OWNER TO %I", database, role)
                )
            await conn.execute(
                await _quoted(conn, "REVOKE ALL ON DATABASE %I FROM PUBLIC", database)
            )
            await _hand_over(server_url, database, role)
        await conn.execute("REVOKE ALL ON DATABASE postgres FROM PUBLIC")
    finally:
        await conn.close()


async def _hand_over(server_url: str, database: str, role: str) -> None:
    """Tables a data directory made before per-service roles holds (owned by the superuser
    that ran the migrations) pass to the service's role, so it can keep migrating them."""
    conn = await asyncpg.connect(urlunsplit(urlsplit(server_url)._replace(path=f"/{database}")))
    try:
        kinds = {"r": "TABLE", "p": "TABLE", "v": "VIEW", "m": "MATERIALIZED VIEW", "S": "SEQUENCE"}
        # Tables first: a table's new owner takes its columns' sequences along.
        for batch in (("r", "p", "v", "m"), ("S",)):
            rows = await conn.fetch(
                "SELECT c.relname, c.relkind::text AS relkind FROM pg_class c"
                " JOIN pg_namespace n ON n.oid = c.relnamespace"
                " WHERE n.nspname = 'public' AND c.relkind = ANY($1::char[])"
                " AND c.relowner <> (SELECT oid FROM pg_roles WHERE rolname = $2)",
                list(batch),
                role,
            )
            for row in rows:
                kind = kinds[row["relkind"]]
                await conn.execute(
                    await _quoted(conn, f"ALTER {kind} %I OWNER TO %I", row["relname"], role)
                )
    finally:
        await conn.close()


def load_secrets(root: Path, env: dict[str, str]) -> dict[str, str]:
    """The services' tokens, master key, blind-index key, intake's staging key and the
    services' database passwords: from the environment, else generated once and kept (mode
    600) under the data root so a restart can still open its data."""
    path = root / "secrets.json"
    stored: dict[str, str] = json.loads(path.read_text()) if path.exists() else {}
    wanted = {
        # Each service's own credential for the others' routes (services/common/auth.py).
        **{token_name(s): lambda: secrets.token_urlsafe(32) for s in SERVICES},
        "MASTER_KEY": lambda: base64.b64encode(os.urandom(32)).decode(),
        "BLIND_INDEX_KEY": lambda: base64.b64encode(os.urandom(32)).decode(),
        "STAGING_KEY": lambda: base64.b64encode(os.urandom(32)).decode(),
        # Each service's own database role: handed only to that service (Platform.service_env).
        **{password_name(s): lambda: secrets.token_urlsafe(24) for s in SERVICES},
    }
    values = {}
    for name, make in wanted.items():
        values[name] = env.get(name) or stored.get(name) or make()
    keep = {k: v for k, v in values.items() if k not in env}
    if keep != stored:  # a new root, or a secret added since it was made
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600)
        path.write_text(json.dumps(keep))
    return values


@dataclass
class Platform:
    root: Path
    endpoints: Endpoints
    ports: dict[str, int] = field(default_factory=lambda: dict(SERVICES))
    extra_env: dict[str, str] = field(default_factory=dict)
    procs: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    env: dict[str, str] = field(default_factory=dict)

    def url(self, service: str) -> str:
        return f"http://127.0.0.1:{self.ports[service]}"

    def service_env(self, service: str) -> dict[str, str]:
        env = {**os.environ, **self.endpoints.as_env(), **self.env, **self.extra_env}
        env["SERVICE_NAME"] = service
        # A service gets its own database password and service token only; the others'
        # tokens by their hashes, to tell who calls.
        for other in SERVICES:
            env.pop(password_name(other), None)
            env.pop(token_name(other), None)
        env["SERVICE_TOKEN"] = self.env[token_name(service)]
        env["SERVICE_TOKEN_HASHES"] = json.dumps(
            {
                name: hashlib.sha256(self.env[token_name(name)].encode()).hexdigest()
                for name in SERVICES
            }
        )
        env["DATABASE_URL"] = database_url(
            self.endpoints.database_url,
            service,
            self.env[password_name(service)],
            self.endpoints.database_socket,
        )
        for other in SERVICES:
            env[f"{other.upper()}_URL"] = self.url(other)
        return env

    def prepare(self) -> None:
        self.env = load_secrets(self.root, {**os.environ, **self.extra_env})
        passwords = {name: self.env[password_name(name)] for name in SERVICES}
        # Tests and tools speak to the services' employee routes as the gateway does.
        self.env["SERVICE_TOKEN"] = self.env[token_name("gateway")]
        asyncio.run(create_databases(self.endpoints.database_url, passwords))
        self.env["MAIL_DIR"] = str(self.endpoints.mail_dir or "")

    def start(self, only: list[str] | None = None) -> None:
        if not self.env:
            self.prepare()
        names = only or list(SERVICES)
        for name in names:
            self.spawn(name)
        for name in names:
            self.wait_healthy(name)

    def spawn(self, name: str) -> None:
        logs = self.root / "logs"
        logs.mkdir(parents=True, exist_ok=True)
        with open(logs / f"{name}.log", "ab") as log:  # the child keeps its own copy
            self.procs[name] = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "uvicorn",
                    f"services.{name}.main:app",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(self.ports[name]),
                    "--no-access-log",
                ],
                env=self.service_env(name),
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                # A test run killed hard must not leave services running (and spinning).
                preexec_fn=death_signal_setter(signal.SIGTERM),
            )

    def wait_healthy(self, name: str, timeout: float = READY_TIMEOUT) -> None:
        deadline = time.monotonic() + timeout
        last = "no answer"
        while time.monotonic() < deadline:
            proc = self.procs.get(name)
            if proc is not None and proc.poll() is not None:
                raise RuntimeError(
                    f"{name} exited with {proc.returncode}; see {self.root / 'logs' / name}.log"
                )
            try:
                resp = httpx.get(f"{self.url(name)}/healthz", timeout=5)
                if resp.status_code == 200:
                    return
                last = resp.text
            except httpx.HTTPError as exc:
                last = type(exc).__name__
            time.sleep(0.2)
        raise RuntimeError(f"{name} not healthy after {timeout:.0f}s ({last})")

    def kill(self, name: str) -> None:
        """kill -9, for fault tests."""
        proc = self.procs.pop(name)
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()

    def stop(self, name: str | None = None, timeout: float = 10.0) -> None:
        names = [name] if name else list(reversed(list(self.procs)))
        for n in names:
            proc = self.procs.get(n)
            if proc and proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for n in names:
            proc = self.procs.pop(n, None)
            if proc is None:
                continue
            try:
                proc.wait(timeout)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
