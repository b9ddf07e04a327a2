"""Every rule of the role matrix, walked with every role and with no session at all."""

import httpx

from services.gateway import domain
from services.gateway.access import DENIED
from tests.gateway.conftest import sign_in

SAMPLE_ID = "0190c0de-0000-7000-8000-00000000beef"


def sample(pattern: str) -> str:
    if pattern == "/static/**":
        return "/static/app.css"
    path = pattern.replace("/**", f"/{SAMPLE_ID}") if pattern.endswith("/**") else pattern
    parts = [SAMPLE_ID if p.startswith("{") else p for p in path.split("/")]
    if pattern == "/lang/{code}":
        return "/lang/en"
    return "/".join(parts)


def denied_by_gateway(resp: httpx.Response) -> bool:
    return resp.status_code == 403 and DENIED in resp.text


async def test_every_route_answers_every_role_as_the_matrix_says(platform, employees):
    clients: dict[str | None, httpx.AsyncClient] = {
        None: httpx.AsyncClient(base_url=platform.url("gateway"), timeout=30)
    }
    for role in domain.ROLES:
        client = await sign_in(platform, employees[role])
        client.headers.pop("X-CSRF-Token")  # walk without side effects: writes stop at CSRF
        clients[role] = client
    wrong: list[str] = []
    checked = 0
    try:
        for rule in domain.MATRIX:
            path = sample(rule.pattern)
            assert domain.rule_for("GET" if "GET" in rule.methods else "POST", path) is not None
            for method in sorted(rule.methods - {"HEAD"}):
                if domain.rule_for(method, path) is not rule:
                    continue  # an earlier, more specific rule governs this sample
                for role, client in clients.items():
                    body = {"json": {}} if method in ("POST", "PUT", "PATCH") else {}
                    resp = await client.request(method, path, **body)
                    checked += 1
                    got = f"{method} {path} as {role}: {resp.status_code}"
                    if domain.allows(rule, role):
                        if (
                            resp.status_code == 401
                            or denied_by_gateway(resp)
                            or (
                                resp.status_code == 303
                                and resp.headers["location"] == "/login"
                                and role is not None
                            )
                        ):
                            wrong.append(got + " (should be allowed)")
                        if resp.status_code >= 500 and resp.status_code not in (502, 503, 504):
                            wrong.append(got + " (server error)")
                    elif role is None:
                        page_get = not path.startswith("/api/") and method == "GET"
                        ok = (
                            resp.status_code == 303 and resp.headers["location"] == "/login"
                            if page_get
                            else resp.status_code == 401
                        )
                        if not ok:
                            wrong.append(got + " (should ask to sign in)")
                    elif not denied_by_gateway(resp):
                        wrong.append(got + " (should be denied)")
    finally:
        for client in clients.values():
            await client.aclose()
    assert wrong == []
    assert checked > 250


async def test_paths_outside_the_matrix_are_not_found_for_everyone(platform, signed_in):
    admin = await signed_in("admin")
    for path in ("/internal/keys/abc", "/api/unknown/x", "/docs", "/openapi.json", "/admin"):
        assert (await admin.get(path)).status_code == 404
    async with httpx.AsyncClient(base_url=platform.url("gateway")) as anonymous:
        assert (await anonymous.get("/internal/keys/abc")).status_code == 404
        resp = await anonymous.get("/api/privacy/self-service/%2e%2e/requests")
        assert resp.status_code in (400, 404)


async def test_a_recruiter_cannot_reach_the_privacy_officers_work(signed_in):
    recruiter = await signed_in("recruiter")
    resp = await recruiter.get(f"/api/privacy/requests/{SAMPLE_ID}")
    assert resp.status_code == 403 and resp.json()["detail"] == DENIED
    page = await recruiter.get("/requests", headers={"Accept": "text/html"})
    assert page.status_code == 403 and "text/html" in page.headers["content-type"]
