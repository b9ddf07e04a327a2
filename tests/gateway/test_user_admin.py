"""Managing employees: an admin never disables themselves or changes their own role, the last
active admin stays, a recruiter cannot do any of it, and every change is audited."""

import asyncio
import contextlib
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import httpx

from services.common import db
from services.gateway import security
from services.gateway.__main__ import MIGRATIONS
from tests.gateway.conftest import Employee, add_employee, sign_in
from tests.gateway.test_employee_audit import entries
from tests.helpers import csrf_of


@contextlib.asynccontextmanager
async def fresh_gateway_database(platform) -> AsyncIterator[str]:
    """A gateway database of its own (no other test's admins in it); its URL."""
    server = platform.endpoints.database_url
    name = f"gw_users_{uuid.uuid4().hex[:10]}"
    admin = await asyncpg.connect(server)
    await admin.execute(f'CREATE DATABASE "{name}"')
    url = urlunsplit(urlsplit(server)._replace(path=f"/{name}"))
    try:
        yield url
    finally:
        await admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        await admin.close()


async def test_the_last_active_admin_cannot_be_disabled_or_demoted_from_the_command_line(
    platform,
):
    async with fresh_gateway_database(platform) as url:
        env = {"DATABASE_URL": url}

        def run(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
            return subprocess.run(
                [sys.executable, "-m", "services.gateway", *args],
                input=stdin,
                env=platform.service_env("gateway") | env,
                capture_output=True,
                text=True,
                timeout=60,
                check=False,
            )

        assert run("ensure-admin").returncode == 0
        refused = run("users", "disable", "admin")
        assert refused.returncode == 2 and "last active admin" in refused.stderr
        refused = run("users", "set-role", "admin", "--role", "recruiter")
        assert refused.returncode == 2 and "last active admin" in refused.stderr
        made = run("users", "add", "tweede", "--role", "admin", stdin="een lang wachtwoord 1\n")
        assert made.returncode == 0, made.stderr
        assert run("users", "disable", "admin").returncode == 0
        refused = run("users", "disable", "tweede")
        assert refused.returncode == 2 and "last active admin" in refused.stderr
        assert run("users", "enable", "admin").returncode == 0
        listing = run("users", "list").stdout
        assert "admin\tadmin\n" in listing and "tweede\tadmin\n" in listing


async def test_two_admins_disabling_each_other_at_once_leave_one_admin(platform):
    async with fresh_gateway_database(platform) as url:
        pool = await db.create_pool(url, max_size=4)
        try:
            await db.migrate(pool, MIGRATIONS)
            async with pool.acquire() as conn:
                ids = {
                    name: await security.create_user(
                        conn, name, "admin", "een lang wachtwoord 2", security.OPERATOR
                    )
                    for name in ("anna", "bert")
                }

            async def disable(name: str, by: str) -> bool:
                async with pool.acquire() as conn:
                    try:
                        await security.set_disabled(
                            conn, name, True, security.Actor(ids[by], "admin")
                        )
                    except security.UserError as exc:
                        assert exc.key == "last_admin"
                        return False
                    return True

            for _ in range(5):
                done = await asyncio.gather(disable("anna", "bert"), disable("bert", "anna"))
                assert sorted(done) == [False, True]
                async with pool.acquire() as conn:
                    await conn.execute("UPDATE users SET disabled = false")
        finally:
            await pool.close()


async def test_an_admin_cannot_disable_or_demote_themselves_and_a_recruiter_cannot_at_all(
    platform, signed_in, employees
):
    admin = await signed_in("admin")
    me = employees["admin"].name
    token = csrf_of(await admin.get("/users", headers={"Accept": "text/html"}))
    for change, data in (("disable", {}), ("role", {"role": "recruiter"})):
        page = await admin.post(
            f"/users/{me}/{change}",
            data=data | {"csrf_token": token},
            headers={"Accept": "text/html"},
        )
        assert page.status_code == 409
        assert "Je kunt jezelf niet uitschakelen" in page.text
    api = await admin.put(f"/api/gateway/users/{me}/disabled", json={"disabled": True})
    assert api.status_code == 409
    assert (await admin.get("/api/auth/me")).status_code == 200  # still signed in, still admin
    gone = await admin.post(
        "/users/niemand-hier/disable", data={"csrf_token": token}, headers={"Accept": "text/html"}
    )
    assert gone.status_code == 404 and "Er is geen gebruiker met deze naam" in gone.text
    forged = await admin.post(f"/users/{me}/disable", data={"csrf_token": "wrong"})
    assert forged.status_code == 403

    target = add_employee(platform, "recruiter")
    recruiter = await signed_in("recruiter")
    own = csrf_of(await recruiter.get("/candidates", headers={"Accept": "text/html"}))
    for path, data in (
        (f"/users/{target.name}/disable", {}),
        (f"/users/{target.name}/role", {"role": "admin"}),
        ("/users", {"username": "indringer", "role": "admin", "password": "x" * 20}),
    ):
        refused = await recruiter.post(path, data=data | {"csrf_token": own})
        assert refused.status_code == 403
    api = await recruiter.put(f"/api/gateway/users/{target.name}/disabled", json={"disabled": True})
    assert api.status_code == 403
    still = await sign_in(platform, target)  # nothing happened to the target
    await still.aclose()


async def test_disabling_and_enabling_are_audited_and_end_the_sessions(
    platform, signed_in, employees
):
    who = add_employee(platform, "recruiter")
    session = await sign_in(platform, who)
    admin = await signed_in("admin")
    off = await admin.put(f"/api/gateway/users/{who.name}/disabled", json={"disabled": True})
    assert off.status_code == 200 and off.json()["disabled"] is True
    assert (await session.get("/api/auth/me")).status_code == 401
    await session.aclose()
    async with httpx.AsyncClient(base_url=platform.url("gateway")) as http:
        refused = await http.post(
            "/api/auth/login", json={"username": who.name, "password": who.password}
        )
        assert refused.status_code == 401
    on = await admin.put(f"/api/gateway/users/{who.name}/disabled", json={"disabled": False})
    assert on.status_code == 200 and on.json()["disabled"] is False
    again = await sign_in(platform, Employee(who.name, who.password, who.role))
    await again.aclose()
    target = "user:" + off.json()["id"]
    for action in ("user.disable", "user.enable"):
        [entry] = await entries(admin, action, target, user=employees["admin"].name)
        assert entry["role"] == "admin"
