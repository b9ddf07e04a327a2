"""Helpers for the crm tests: a recruiter's client and small builders with unique data."""

import uuid
from datetime import date
from typing import Any

import httpx

from tests.helpers import as_employee


def unique(prefix: str) -> str:
    return f"{prefix} {uuid.uuid4().hex[:10]}"


def recruiter(platform, user: str = "recruiter-1") -> httpx.AsyncClient:
    return httpx.AsyncClient(
        base_url=platform.url("crm"), headers=as_employee(platform, "recruiter", user), timeout=30
    )


def internal(platform) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        base_url=platform.url("crm"),
        headers={"X-Service-Token": platform.env["SERVICE_TOKEN"]},
        timeout=30,
    )


async def organisation(client: httpx.AsyncClient, kind: str = "client", name: str = "") -> dict:
    resp = await client.post(
        "/api/crm/organisations", json={"name": name or unique("Bedrijf"), "kind": kind}
    )
    assert resp.status_code == 201, resp.text
    return resp.json()


async def contact(client: httpx.AsyncClient, org_id: str, **fields: Any) -> dict:
    tag = uuid.uuid4().hex[:8]
    body = {
        "name": f"Marieke Jansen{tag}",
        "email": f"marieke.{tag}@klant.example.nl",
        "phone": "+31 6 1234 5678",
        "function": "HR-manager",
    } | fields
    resp = await client.post(f"/api/crm/organisations/{org_id}/contacts", json=body)
    assert resp.status_code == 201, resp.text
    return resp.json()


async def assignment(
    client: httpx.AsyncClient, org_id: str, opened_on: date | None = None, **fields: Any
) -> dict:
    body: dict[str, Any] = {
        "organisation_id": org_id,
        "vacancy": unique("Directiesecretaresse"),
        "function_type": "executive_secretary",
    } | fields
    if opened_on:
        body["opened_on"] = opened_on.isoformat()
    resp = await client.post("/api/crm/assignments", json=body)
    assert resp.status_code == 201, resp.text
    return resp.json()


def fields_named(resp: httpx.Response) -> set[str]:
    return {e["field"] for e in resp.json().get("errors", [])}
