"""Security headers on every kind of answer, and no personal data in URLs."""

import httpx

from tests.helpers import csrf_of, example


def assert_protected(resp: httpx.Response) -> None:
    csp = resp.headers.get("content-security-policy", "")
    assert "frame-ancestors 'none'" in csp and "default-src 'self'" in csp
    assert "'unsafe-inline'" not in csp
    assert resp.headers.get("x-content-type-options") == "nosniff"
    assert resp.headers.get("referrer-policy") == "no-referrer"
    assert resp.headers.get("x-frame-options") == "DENY"


async def test_pages_api_errors_and_forwarded_answers_carry_security_headers(platform, signed_in):
    async with httpx.AsyncClient(base_url=platform.url("gateway")) as anonymous:
        for path in ("/login", "/register", "/privacy", "/api/auth/me", "/nope", "/static/app.css"):
            assert_protected(await anonymous.get(path))
    recruiter = await signed_in("recruiter")
    forwarded = await recruiter.get("/api/candidates/0190c0de-0000-7000-8000-000000000000")
    assert_protected(forwarded)
    assert forwarded.headers.get("cache-control") == "no-store"
    assert_protected(await recruiter.get("/candidates"))


async def test_search_terms_are_posted_never_in_the_url(signed_in):
    recruiter = await signed_in("recruiter")
    page = await recruiter.get("/candidates")
    assert page.status_code == 200
    assert '<form method="post" action="/candidates"' in page.text
    name = example("registration-accepted")["last_name"]
    token = csrf_of(page)
    result = await recruiter.post("/candidates", data={"query": name, "csrf_token": token})
    assert result.status_code == 200
    assert name not in str(result.url)
    title = result.text.split("<title>")[1].split("</title>")[0]
    assert name not in title


async def test_the_language_switch_is_not_an_open_redirect(platform):
    async with httpx.AsyncClient(base_url=platform.url("gateway")) as anonymous:
        for target in ("//evil.example", "/\\evil.example", "https://evil.example", "/x?y=1"):
            resp = await anonymous.get("/lang/en", params={"next": target})
            assert resp.status_code == 303 and resp.headers["location"] == "/"
        resp = await anonymous.get("/lang/en", params={"next": "/register"})
        assert resp.headers["location"] == "/register" and "lang=en" in resp.headers["set-cookie"]
