"""Search, forget-me and access-export measurements (run by `python -m bench`)."""

import argparse
import asyncio
import importlib
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any

import httpx

from devstack.services import Platform, database_url

from . import hops
from .stats import pct


def officer(plat: Platform) -> dict[str, str]:
    return {
        "X-Service-Token": plat.env["SERVICE_TOKEN"],
        "X-Actor-Id": "bench",
        "X-Actor-Role": "privacy_officer",
    }


async def timed_requests(
    plat: Platform,
    kind: str,
    subjects: list[str],
    per_second: float,
    give_up_after: float,
    filed: list[str] | None = None,
) -> dict[str, Any]:
    """File one request per subject at `per_second`; latency from receipt to `complete`.
    The ids of the requests filed are appended to `filed`."""
    latencies: list[float] = []
    filed = [] if filed is None else filed
    failed = 0
    async with httpx.AsyncClient(
        base_url=plat.url("privacy"), headers=officer(plat), timeout=30
    ) as client:

        async def one(subject: str) -> None:
            nonlocal failed
            started = time.perf_counter()
            r = await client.post(
                "/api/privacy/requests", json={"type": kind, "subject": {"candidate_id": subject}}
            )
            if r.status_code >= 300:
                failed += 1
                return
            request_id = r.json()["id"]
            filed.append(request_id)
            deadline = started + give_up_after
            # Polled gently (hard polling would load the service being measured); the latency
            # is the service's own record, from receipt to completion.
            while time.perf_counter() < deadline:
                await asyncio.sleep(0.5)
                status = (await client.get(f"/api/privacy/requests/{request_id}")).json()
                if status["status"] == "complete":
                    done = datetime.fromisoformat(status["completed_at"])
                    latencies.append(
                        (done - datetime.fromisoformat(status["received_at"])).total_seconds()
                    )
                    return
                if status["status"] == "error":
                    break
            failed += 1

        tasks = []
        for subject in subjects:
            tasks.append(asyncio.create_task(one(subject)))
            await asyncio.sleep(1 / per_second)
        await asyncio.gather(*tasks)
    return {
        "requests": len(subjects),
        "failed": failed,
        "p50_ms": pct(latencies, 50),
        "p99_ms": pct(latencies, 99),
    }


async def run(
    plat: Platform,
    args: argparse.Namespace,
    report: dict[str, Any],
    measure: Callable,
    say: Callable[[str], None],
) -> None:
    search = importlib.import_module("bench.search_bench")
    dsn = database_url(plat.endpoints.database_url, "candidates")
    say(f"loading {args.candidates} generated candidates")
    ids: list[str] = await search.load_candidates(dsn, args.candidates)
    if wanted(args, "search"):
        await measure("search", report, search.measure(plat.url("candidates"), recruiter(plat)))
        report["search"]["goal_p95_under_50ms"] = (report["search"].get("p95_ms") or 1e9) < 50

    if wanted(args, "forget_me"):
        victims = ids[: min(args.erasures, len(ids))]
        filed: list[str] = []
        await measure("forget_me", report, timed_requests(plat, "erasure", victims, 10, 30, filed))
        p99 = report["forget_me"].get("p99_ms") or 1e9
        report["forget_me"]["goal_p99_under_1s"] = p99 < 1000
        report["forget_me"]["goal_p99_under_250ms"] = p99 < 250
        await measure("forget_me_hops", report, hops.breakdown(plat, filed))
    if wanted(args, "access_export"):
        readers = ids[-20:]
        await measure("access_export", report, timed_requests(plat, "access", readers, 2, 30))
        report["access_export"]["goal_p99_under_3s"] = (
            report["access_export"].get("p99_ms") or 1e9
        ) < 3000


def wanted(args: argparse.Namespace, name: str) -> bool:
    return not args.only or name in args.only


def recruiter(plat: Platform) -> dict[str, str]:
    return {
        "X-Service-Token": plat.env["SERVICE_TOKEN"],
        "X-Actor-Id": "bench",
        "X-Actor-Role": "recruiter",
    }
