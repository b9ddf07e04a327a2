"""Least privilege on the local stack: each service reaches only its own database, and calls
only the other services' routes listed for it, with its own credential."""

import uuid
from urllib.parse import urlsplit

import asyncpg
import httpx
import pytest

from devstack.services import SERVICES, create_databases, database_url, password_name
from services.common.topics import DATA_SERVICES
from tests.helpers import as_service


async def test_each_service_role_owns_its_database_and_cannot_open_another(platform):
    for name in SERVICES:
        url = platform.service_env(name)["DATABASE_URL"]
        assert urlsplit(url).username == f"talent_{name}"
        conn = await asyncpg.connect(url)
        try:
            powers = await conn.fetchrow(
                "SELECT rolsuper, rolcreatedb, rolcreaterole, rolbypassrls FROM pg_roles"
                " WHERE rolname = current_user"
            )
            assert not any(powers.values()), f"{name}: {dict(powers)}"
            owners = {
                r["tableowner"]
                for r in await conn.fetch(
                    "SELECT tableowner FROM pg_tables WHERE schemaname='public'"
                )
            }
            assert owners == {f"talent_{name}"}  # its migrations ran as its own role
        finally:
            await conn.close()
        others = [f"talent_{s}" for s in SERVICES if s != name]
        for database in [*others, "postgres"]:
            foreign = urlsplit(url)._replace(path=f"/{database}").geturl()
            with pytest.raises(asyncpg.InsufficientPrivilegeError, match="permission denied"):
                await asyncpg.connect(foreign)


async def test_a_service_gets_no_other_services_database_password(platform):
    env = platform.service_env("intake")
    assert not [k for k in env if k.endswith("_DATABASE_PASSWORD")]


async def test_tables_an_older_data_directory_made_as_superuser_pass_to_the_service(platform):
    """`make run` data from before per-service roles: the superuser owns the tables."""
    server = platform.endpoints.database_url
    conn = await asyncpg.connect(database_url(server, "crm"))  # as the superuser
    table = f"legacy_{uuid.uuid4().hex[:8]}"
    await conn.execute(f'CREATE TABLE "{table}" (id bigserial PRIMARY KEY)')
    try:
        passwords = {s: platform.env[password_name(s)] for s in SERVICES}
        await create_databases(server, passwords)
        owners = await conn.fetch(
            "SELECT c.relname, r.rolname FROM pg_class c JOIN pg_roles r ON r.oid = c.relowner"
            " WHERE c.relname LIKE $1 AND c.relkind IN ('r', 'S')",
            f"{table}%",
        )
        assert {r["rolname"] for r in owners} == {"talent_crm"} and len(owners) == 2
    finally:
        await conn.execute(f'DROP TABLE "{table}"')
        await conn.close()


async def test_only_the_data_services_may_ask_privacy_for_subject_keys(platform):
    body = {"subjects": [str(uuid.uuid4())], "create": False}
    async with httpx.AsyncClient(base_url=platform.url("privacy")) as http:
        for name in SERVICES:
            resp = await http.post("/internal/keys", json=body, headers=as_service(platform, name))
            assert resp.status_code == (200 if name in DATA_SERVICES else 403), (name, resp.text)
        guess = {"X-Service-Token": "guess"}
        assert (await http.post("/internal/keys", json=body, headers=guess)).status_code == 401


async def test_a_service_calls_only_the_routes_listed_for_it(platform):
    scan = {"subject": str(uuid.uuid4())}
    async with httpx.AsyncClient(base_url=platform.url("intake")) as http:
        for name in SERVICES:  # only privacy checks what intake still holds of a person
            resp = await http.post("/internal/scan", json=scan, headers=as_service(platform, name))
            assert resp.status_code == (200 if name == "privacy" else 403), (name, resp.text)
    # The employees' API is the gateway's to call on their behalf, no other service's.
    search = {"query": "niemand"}
    async with httpx.AsyncClient(base_url=platform.url("candidates")) as http:
        for name in SERVICES:
            headers = as_service(platform, name) | {"X-Actor-Id": "u1", "X-Actor-Role": "recruiter"}
            resp = await http.post("/api/candidates/search", json=search, headers=headers)
            assert resp.status_code == (200 if name == "gateway" else 403), (name, resp.text)
