"""The audit trail of the employees' own side: sign-ins, failed sign-ins, users created, whose
password was reset and whose role changed, and reads of the intake review queue."""

import json
import uuid

import httpx

from tests.gateway.conftest import add_employee, cli
from tests.helpers import eventually
from tests.intake.helpers import needs_review, post


async def user_id(admin: httpx.AsyncClient, name: str) -> str:
    users = (await admin.get("/api/gateway/users")).json()
    return next(u["id"] for u in users if u["username"] == name)


async def audit_of(admin: httpx.AsyncClient, **params: str) -> list[dict]:
    got = await admin.get("/api/gateway/audit", params=params | {"limit": "500"})
    assert got.status_code == 200, got.text
    return got.json()["items"]


async def entries(admin: httpx.AsyncClient, action: str, resource: str, **params: str) -> list:
    """Wait until the audit holds `action` on `resource` (events travel through ops.audit)."""

    async def found() -> list:
        return [
            e
            for e in await audit_of(admin, **params)
            if e["action"] == action and e["resource"] == resource
        ]

    return await eventually(found, timeout=90, interval=1.0)


async def test_sign_ins_and_failed_sign_ins_are_audited_without_the_password(platform, signed_in):
    who = add_employee(platform, "recruiter")
    async with httpx.AsyncClient(base_url=platform.url("gateway")) as http:
        wrong = await http.post(
            "/api/auth/login", json={"username": who.name, "password": "not-it-at-all"}
        )
        right = await http.post(
            "/api/auth/login", json={"username": who.name, "password": who.password}
        )
    assert wrong.status_code == 401 and right.status_code == 200
    admin = await signed_in("admin")
    me = right.json()["id"]
    [failed] = await entries(admin, "sign-in.failed", "user:" + me, user=who.name)
    [ok] = await entries(admin, "sign-in", "user:" + me, user=who.name)
    assert failed["actor"] == ok["actor"] == me and ok["role"] == "recruiter"
    trail = json.dumps(await audit_of(admin, user=who.name))
    assert "not-it-at-all" not in trail and who.password not in trail


async def test_users_made_passwords_reset_and_roles_changed_are_audited_with_whose(
    platform, signed_in, employees
):
    admin = await signed_in("admin")
    admin_id = (await admin.get("/api/auth/me")).json()["id"]
    name = f"new-{uuid.uuid4().hex[:8]}"
    made = await admin.post(
        "/api/gateway/users",
        json={"username": name, "role": "recruiter", "password": "a long first password"},
    )
    assert made.status_code == 201, made.text
    target = "user:" + made.json()["id"]
    reset = await admin.post(
        f"/api/gateway/users/{name}/password", json={"password": "a long second password"}
    )
    assert reset.status_code == 204
    changed = await admin.put(f"/api/gateway/users/{name}/role", json={"role": "privacy_officer"})
    assert changed.status_code == 200 and changed.json()["role"] == "privacy_officer"
    for action in ("user.create", "user.password-reset", "user.role-change"):
        [entry] = await entries(admin, action, target, user=employees["admin"].name)
        assert entry["actor"] == admin_id and entry["role"] == "admin"
    # The command line is audited too, as the operator at the machine.
    again = cli(platform, "users", "reset-password", name, stdin="a long third password\n")
    assert again.returncode == 0, again.stderr
    moved = cli(platform, "users", "set-role", name, "--role", "recruiter")
    assert moved.returncode == 0, moved.stderr
    by_cli = await entries(admin, "user.role-change", target, user="command-line")
    assert by_cli[0]["role"] == "operator"
    await entries(admin, "user.password-reset", target, user="command-line")


async def test_a_role_change_takes_effect_at_once_and_ends_no_one_elses_session(
    platform, signed_in
):
    who = add_employee(platform, "recruiter")
    async with httpx.AsyncClient(base_url=platform.url("gateway")) as http:
        resp = await http.post(
            "/api/auth/login", json={"username": who.name, "password": who.password}
        )
        assert resp.status_code == 200
        assert (await http.get("/api/gateway/audit")).status_code == 403
        admin = await signed_in("admin")
        bad = await admin.put(f"/api/gateway/users/{who.name}/role", json={"role": "root"})
        assert bad.status_code == 422
        missing = await admin.put("/api/gateway/users/no-such-user/role", json={"role": "admin"})
        assert missing.status_code == 404
        moved = await admin.put(
            f"/api/gateway/users/{who.name}/role", json={"role": "privacy_officer"}
        )
        assert moved.status_code == 200
        # The session ends: the employee signs in again under the new role.
        assert (await http.get("/api/auth/me")).status_code == 401
    assert (await admin.get("/api/auth/me")).status_code == 200


async def test_reads_of_the_intake_review_queue_and_its_files_are_audited(platform, signed_in):
    reg = needs_review()
    sent = await post(platform, reg)
    assert sent.status_code == 202, sent.text
    reg_id = sent.json()["id"]
    recruiter = await signed_in("recruiter")
    me = (await recruiter.get("/api/auth/me")).json()

    async def in_queue() -> dict:
        queue = (await recruiter.get("/api/intake/review", params={"limit": 200})).json()
        return next((i for i in queue["items"] if i["id"] == reg_id), {})

    item = await eventually(in_queue, timeout=60)
    one = await recruiter.get(f"/api/intake/review/{reg_id}")
    assert one.status_code == 200
    cv = item["files"][0]["file_id"]
    got = await recruiter.get(f"/api/intake/review/{reg_id}/files/{cv}")
    assert got.status_code == 200
    page = await recruiter.get("/intake")
    assert page.status_code == 200
    admin = await signed_in("admin")
    for resource in (
        "/api/intake/review",
        f"/api/intake/review/{reg_id}",
        f"/api/intake/review/{reg_id}/files/{cv}",
    ):
        found = await entries(admin, "intake.review.read", resource, user=me["username"])
        assert found[0]["actor"] == me["id"]
