"""Placement statistics over a generated history, checked against answers computed here,
independently of the service, from the history the test itself generated."""

import random
import statistics
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta

from .support import (
    assignment,
    organisation,
    record_consent,
    recruiter,
    registered_candidate,
    unique,
)

FUNCTIONS = ("personal_assistant", "office_manager", "executive_secretary")


@dataclass
class Planned:
    client: int
    function: str
    opened: date
    proposed: list[int]  # which candidates
    placed: date | None = None
    cancelled: bool = False
    id: str = ""
    extra: dict = field(default_factory=dict)


def expected(history: list[Planned], names: list[str], ids: list[str], start: date, end: date):
    """The statistics, computed straightforwardly from the plan."""
    placed = [p for p in history if p.placed and start <= p.placed <= end]
    clients = Counter(p.client for p in placed)
    days = [(p.placed - p.opened).days for p in placed]
    opened = [p for p in history if start <= p.opened <= end]
    filled = [p for p in opened if p.placed and p.placed <= end]
    return {
        "period": {"from": start.isoformat(), "to": end.isoformat()},
        "placements": len(placed),
        "per_client": sorted(
            (
                {"organisation_id": ids[c], "name": names[c], "placements": n}
                for c, n in clients.items()
            ),
            key=lambda row: (-row["placements"], row["name"]),
        ),
        "per_function_type": dict(sorted(Counter(p.function for p in placed).items())),
        "time_to_fill_days": {
            "average": round(sum(days) / len(days), 2),
            "median": round(float(statistics.median(days)), 2),
            "min": min(days),
            "max": max(days),
        }
        if days
        else None,
        "fill_rate": {
            "opened": len(opened),
            "filled": len(filled),
            "rate": round(len(filled) / len(opened), 4) if opened else None,
        },
        "proposals_per_placement": round(sum(len(p.proposed) for p in placed) / len(placed), 2)
        if placed
        else None,
    }


def plan(seed: int, year: int, candidates: int) -> list[Planned]:
    """Assignments opened around the year, some placed (some after the year), some cancelled."""
    rnd = random.Random(seed)
    history = []
    for _ in range(14):
        opened = date(year, 1, 1) + timedelta(days=rnd.randint(-40, 364))
        item = Planned(
            client=rnd.randrange(3),
            function=rnd.choice(FUNCTIONS),
            opened=opened,
            proposed=rnd.sample(range(candidates), rnd.randint(1, candidates)),
        )
        fate = rnd.random()
        if fate < 0.6:
            item.placed = opened + timedelta(days=rnd.randint(3, 90))
        elif fate < 0.8:
            item.cancelled = True
        history.append(item)
    # Make sure the boundaries are exercised: a fill on the last day, one the day after.
    history[0].opened, history[0].placed = date(year, 12, 1), date(year, 12, 31)
    history[1].opened, history[1].placed = date(year, 12, 1), date(year + 1, 1, 1)
    return history


async def test_placement_statistics_over_a_generated_history_match_an_independent_count(
    platform,
):
    # A year of its own, far in the past, so other tests' assignments (opened today) stay out.
    seed = random.randrange(10**6)
    year = random.Random(seed).randint(1995, 2015)
    candidate_ids = [await registered_candidate(platform) for _ in range(3)]
    history = plan(seed, year, len(candidate_ids))
    slot = date.today() + timedelta(days=30)  # each placement its own week: never overlapping

    async with recruiter(platform) as client:
        names = [unique(f"Klant {i}") for i in range(3)]
        orgs = [(await organisation(client, name=n))["id"] for n in names]
        for item in history:
            created = await assignment(
                client, orgs[item.client], opened_on=item.opened, function_type=item.function
            )
            item.id = created["id"]
            url = f"/api/crm/assignments/{item.id}"
            for who in item.proposed:
                await record_consent(platform, candidate_ids[who], item.id)
                resp = await client.post(
                    f"{url}/proposals",
                    json={
                        "candidate_id": candidate_ids[who],
                        "proposed_on": item.opened.isoformat(),
                    },
                )
                assert resp.status_code == 201, resp.text
            if item.placed:
                resp = await client.post(
                    f"{url}/placements",
                    json={
                        "candidate_id": candidate_ids[item.proposed[0]],
                        "placed_on": item.placed.isoformat(),
                        "starts_on": slot.isoformat(),
                        "ends_on": (slot + timedelta(days=6)).isoformat(),
                    },
                )
                assert resp.status_code == 201, resp.text
                slot += timedelta(days=7)
            elif item.cancelled:
                resp = await client.patch(url, json={"status": "cancelled"})
                assert resp.status_code == 200

        for start, end in (
            (date(year, 1, 1), date(year, 12, 31)),
            (date(year, 3, 1), date(year, 8, 31)),
            (date(year - 1, 11, 1), date(year + 1, 6, 30)),
        ):
            resp = await client.get(
                "/api/crm/statistics", params={"from": start.isoformat(), "to": end.isoformat()}
            )
            assert resp.status_code == 200
            assert resp.json() == expected(history, names, orgs, start, end), f"seed {seed}"

        body = resp.text
        assert not any(c in body for c in candidate_ids), "statistics carry no candidate ids"


async def test_fill_rate_counts_open_and_cancelled_agreements_of_the_period(platform):
    """Without any placement yet: every agreement opened in the period counts, none is filled."""
    seed = random.randrange(10**6)
    rnd = random.Random(seed)
    year = rnd.randint(1991, 1992)  # apart from the other statistics test's years (1995 on)
    async with recruiter(platform) as client:
        org = await organisation(client, name=unique("Klant"))
        history = []
        for _ in range(6):
            item = Planned(
                0, rnd.choice(FUNCTIONS), date(year, 1, 1) + timedelta(rnd.randint(0, 500)), []
            )
            created = await assignment(
                client, org["id"], opened_on=item.opened, function_type=item.function
            )
            if rnd.random() < 0.5:
                resp = await client.patch(
                    f"/api/crm/assignments/{created['id']}", json={"status": "cancelled"}
                )
                assert resp.status_code == 200
            history.append(item)
        start, end = date(year, 1, 1), date(year, 12, 31)
        resp = await client.get(
            "/api/crm/statistics", params={"from": start.isoformat(), "to": end.isoformat()}
        )
        assert resp.status_code == 200
        assert resp.json() == expected(history, [org["name"]], [org["id"]], start, end), seed


async def test_statistics_need_a_sensible_period(platform):
    async with recruiter(platform) as client:
        resp = await client.get(
            "/api/crm/statistics", params={"from": "2024-02-01", "to": "2024-01-01"}
        )
        assert resp.status_code == 422 and resp.json()["errors"][0]["field"] == "to"
        resp = await client.get("/api/crm/statistics", params={"from": "gisteren"})
        assert resp.status_code == 422 and resp.json()["errors"][0]["field"] == "from"
        resp = await client.get("/api/crm/statistics", params={"from": "0001-01-01"})
        assert resp.status_code == 422
        resp = await client.get("/api/crm/statistics")
        assert resp.status_code == 200 and set(resp.json()) >= {"placements", "fill_rate"}
