"""Signing in and out, the session cookie, lockout, CSRF and the users command line."""

import asyncio
import uuid

import httpx

from tests.gateway.conftest import add_employee, cli, sign_in
from tests.helpers import csrf_of, fetch


async def test_sign_in_gives_an_httponly_samesite_session_cookie(platform, employees):
    who = employees["recruiter"]
    async with httpx.AsyncClient(base_url=platform.url("gateway")) as client:
        resp = await client.post(
            "/api/auth/login", json={"username": who.name, "password": who.password}
        )
        assert resp.status_code == 200, resp.text
        body = resp.json()
        assert body["role"] == "recruiter" and body["home"] == "/candidates"
        cookie = resp.headers["set-cookie"].lower()
        assert "session=" in cookie and "httponly" in cookie and "samesite=lax" in cookie
        assert "secure" not in cookie  # ENVIRONMENT=local in tests: plain http works
        assert who.password not in resp.text
        me = await client.get("/api/auth/me")
        assert me.status_code == 200 and me.json()["username"] == who.name


async def test_only_a_hash_of_the_session_token_is_stored(platform, employees):
    client = await sign_in(platform, employees["recruiter"])
    token = client.cookies["session"]
    await client.aclose()
    rows = await fetch(platform, "gateway", "SELECT token_hash FROM sessions")
    assert rows and all(r["token_hash"] != token for r in rows)


async def test_wrong_password_and_unknown_user_get_the_same_answer(platform, employees):
    async with httpx.AsyncClient(base_url=platform.url("gateway")) as client:
        wrong = await client.post(
            "/api/auth/login",
            json={"username": employees["admin"].name, "password": "not-the-password"},
        )
        unknown = await client.post(
            "/api/auth/login", json={"username": f"nobody-{uuid.uuid4().hex}", "password": "x"}
        )
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json()
    assert "session" not in wrong.cookies


async def test_sign_in_must_be_json_so_a_foreign_form_cannot_post_it(platform, employees):
    who = employees["recruiter"]
    async with httpx.AsyncClient(base_url=platform.url("gateway")) as client:
        resp = await client.post(
            "/api/auth/login", data={"username": who.name, "password": who.password}
        )
    assert resp.status_code in (415, 422)
    assert "session" not in resp.cookies


async def test_after_five_failures_that_address_waits_even_with_the_right_password(platform):
    who = add_employee(platform, "recruiter")
    async with httpx.AsyncClient(base_url=platform.url("gateway")) as client:
        for _ in range(5):
            resp = await client.post(
                "/api/auth/login", json={"username": who.name, "password": "wrong-password"}
            )
            assert resp.status_code == 401
        sixth = await client.post(
            "/api/auth/login", json={"username": who.name, "password": "wrong-password"}
        )
        assert sixth.status_code == 429
        assert int(sixth.headers["retry-after"]) > 0
        right = await client.post(
            "/api/auth/login", json={"username": who.name, "password": who.password}
        )
        assert right.status_code == 429
        assert "session" not in right.cookies
    # The command line's reset lifts the back-off.
    new_password = "a-fresh-password-" + uuid.uuid4().hex[:8]
    result = cli(platform, "users", "reset-password", who.name, stdin=new_password + "\n")
    assert result.returncode == 0, result.stderr
    async with httpx.AsyncClient(base_url=platform.url("gateway")) as client:
        resp = await client.post(
            "/api/auth/login", json={"username": who.name, "password": new_password}
        )
        assert resp.status_code == 200


async def test_unknown_names_are_held_back_too_so_it_reveals_nothing(platform):
    name = f"ghost-{uuid.uuid4().hex[:8]}"
    async with httpx.AsyncClient(base_url=platform.url("gateway")) as client:
        codes = [
            (
                await client.post("/api/auth/login", json={"username": name, "password": "x"})
            ).status_code
            for _ in range(6)
        ]
    assert codes == [401, 401, 401, 401, 401, 429]


async def test_parallel_guessing_does_not_get_past_the_back_off(platform):
    who = add_employee(platform, "recruiter")
    async with httpx.AsyncClient(base_url=platform.url("gateway"), timeout=60) as client:

        async def guess(i: int) -> int:
            resp = await client.post(
                "/api/auth/login", json={"username": who.name, "password": f"guess-{i}"}
            )
            return resp.status_code

        codes = await asyncio.gather(*(guess(i) for i in range(12)))
        assert set(codes) <= {401, 429} and codes.count(401) <= 5
        # Guesses held back were never checked: what the burst left unused, one at a time.
        while (code := await guess(99)) == 401:
            codes.append(code)
        assert code == 429 and codes.count(401) == 5
        resp = await client.post(
            "/api/auth/login", json={"username": who.name, "password": who.password}
        )
        assert resp.status_code == 429


async def test_logout_ends_the_session_on_the_server(platform, employees):
    client = await sign_in(platform, employees["privacy_officer"])
    stolen = client.cookies["session"]
    assert (await client.post("/api/auth/logout")).status_code == 204
    async with httpx.AsyncClient(
        base_url=platform.url("gateway"), cookies={"session": stolen}
    ) as replay:
        assert (await replay.get("/api/auth/me")).status_code == 401
    await client.aclose()


async def test_api_writes_need_the_csrf_token(platform, employees):
    client = await sign_in(platform, employees["privacy_officer"])
    token = client.headers.pop("X-CSRF-Token")
    body = {"type": "erasure", "subject": {"candidate_id": str(uuid.uuid4())}}
    missing = await client.post("/api/privacy/requests", json=body)
    assert missing.status_code == 403 and "CSRF" in missing.json()["detail"]
    forged = await client.post(
        "/api/privacy/requests", json=body, headers={"X-CSRF-Token": "forged"}
    )
    assert forged.status_code == 403
    logout = await client.post("/api/auth/logout")
    assert logout.status_code == 403  # even signing out cannot be forced on someone
    fine = await client.post("/api/auth/logout", headers={"X-CSRF-Token": token})
    assert fine.status_code == 204
    await client.aclose()


async def test_page_forms_need_the_csrf_token(platform, employees):
    client = await sign_in(platform, employees["recruiter"])
    client.headers.pop("X-CSRF-Token")
    resp = await client.post("/candidates", data={"query": "secretaresse"})
    assert resp.status_code == 403
    resp = await client.post("/logout", data={"csrf_token": "forged"})
    assert resp.status_code == 403
    assert (await client.get("/api/auth/me")).status_code == 200  # still signed in
    await client.aclose()
    async with httpx.AsyncClient(base_url=platform.url("gateway")) as anonymous:
        who = employees["recruiter"]
        resp = await anonymous.post("/login", data={"username": who.name, "password": who.password})
        assert resp.status_code == 403
        assert "session" not in resp.cookies


async def test_login_form_signs_in_with_its_token(platform, employees):
    who = employees["admin"]
    async with httpx.AsyncClient(base_url=platform.url("gateway")) as client:
        page = await client.get("/login")
        token = csrf_of(page)
        resp = await client.post(
            "/login", data={"username": who.name, "password": who.password, "csrf_token": token}
        )
        assert resp.status_code == 303 and resp.headers["location"] == "/operations"
        assert (await client.get("/api/auth/me")).json()["role"] == "admin"


def test_users_cli_reads_the_password_from_stdin_and_refuses_weak_ones(platform):
    name = f"cli-{uuid.uuid4().hex[:8]}"
    weak = cli(platform, "users", "add", name, "--role", "recruiter", stdin="short\n")
    assert weak.returncode != 0 and "at least" in weak.stderr
    bad_role = cli(platform, "users", "add", name, "--role", "root", stdin="x" * 20)
    assert bad_role.returncode != 0
    ok = cli(platform, "users", "add", name, "--role", "recruiter", stdin="a good long password\n")
    assert ok.returncode == 0 and "a good long password" not in ok.stdout
    again = cli(platform, "users", "add", name, "--role", "admin", stdin="another long password\n")
    assert again.returncode != 0 and "exists" in again.stderr
    listing = cli(platform, "users", "list")
    assert f"{name}\trecruiter" in listing.stdout


def test_ensure_admin_creates_nothing_once_users_exist(platform, employees):
    result = cli(platform, "ensure-admin")
    assert result.returncode == 0
    assert result.stdout == ""  # users exist: no admin made, no password printed


async def test_first_start_creates_admin_with_a_password_shown_once(platform):
    """Against a fresh, empty gateway database: the command migrates it itself."""
    import asyncpg
    from argon2 import PasswordHasher

    from devstack.services import database_url

    name = f"talent_gateway_fresh_{uuid.uuid4().hex[:8]}"
    server = await asyncpg.connect(platform.endpoints.database_url)
    await server.execute(f'CREATE DATABASE "{name}"')
    try:
        url = database_url(platform.endpoints.database_url, "x").rsplit("/", 1)[0] + "/" + name
        env_platform = type(
            "P",
            (),
            {
                "service_env": lambda self, _: {
                    **platform.service_env("gateway"),
                    "DATABASE_URL": url,
                }
            },
        )()
        first = cli(env_platform, "ensure-admin")
        assert first.returncode == 0, first.stderr
        password = first.stdout.split("password: ")[1].split()[0]
        assert len(password) >= 20
        second = cli(env_platform, "ensure-admin")
        assert second.returncode == 0 and second.stdout == ""
        conn = await asyncpg.connect(url)
        try:
            row = await conn.fetchrow("SELECT role, password_hash FROM users")
        finally:
            await conn.close()
        assert row["role"] == "admin" and password not in row["password_hash"]
        assert PasswordHasher().verify(row["password_hash"], password)
    finally:
        await server.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        await server.close()
