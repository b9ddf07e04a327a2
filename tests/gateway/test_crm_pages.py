"""Who reaches the recruiter's business-relations pages (the browser journeys are in
test_browser_crm.py)."""

import uuid


async def test_only_recruiters_reach_the_crm_pages(signed_in):
    """The privacy officer and the admin neither see nor change assignments or the register."""
    recruiter = await signed_in("recruiter")
    org = (
        await recruiter.post(
            "/api/crm/organisations",
            json={"name": f"Klant {uuid.uuid4().hex[:8]}", "kind": "client"},
        )
    ).json()
    job = await recruiter.post(
        "/api/crm/assignments",
        json={"organisation_id": org["id"], "vacancy": "PA", "function_type": "office_manager"},
    )
    url = f"/crm/assignments/{job.json()['id']}"
    html = {"Accept": "text/html"}
    assert (await recruiter.get(url, headers=html)).status_code == 200
    for role in ("privacy_officer", "admin"):
        other = await signed_in(role)
        for path in (url, f"/crm/organisations/{org['id']}", "/crm"):
            assert (await other.get(path, headers=html)).status_code == 403
        for path in (f"{url}/edit", f"{url}/export/{uuid.uuid4()}", "/crm/organisations"):
            resp = await other.post(path, data={"csrf_token": "x"}, headers=html)
            assert resp.status_code == 403, (role, path)
