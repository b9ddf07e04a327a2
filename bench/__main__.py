"""`make bench`: start the stack on free ports, load it, write bench-report.json.

Each measurement is independent: one that cannot run (a flow not built yet, an error) is
reported with its error and the others still run. Progress goes to stderr.
"""

import argparse
import asyncio
import json
import os
import platform as host
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import asyncpg
import httpx

from bench.stats import load, say, summary
from devstack.infra import LocalStack, free_ports
from devstack.services import Platform, database_url, free_service_ports
from tests.documents.files import pdf

MEASUREMENTS = ("ceiling", "intake_pipeline", "search", "forget_me", "access_export", "soak")
FLOWS = ("search", "forget_me", "access_export")  # these need the generated candidates
PIPELINE_GOAL = 0.35  # of the bare multipart + S3 + insert ceiling, measured in the same run
CPU_GOAL_MS = 35.0  # the whole stack's CPU per registration
EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "registration-accepted.json"


def fake_cv(size: int = 100 * 1024) -> bytes:
    """A well-formed PDF that passes documents' checks and yields its text, as a real CV does,
    padded to about `size` bytes with random bytes (real CVs do not compress)."""
    return pdf("Curriculum vitae management assistant", padding=os.urandom(max(0, size - 1200)))


Roots = Callable[[], dict[str, int]]  # the stack's processes by component: name -> pid


def tree(pid: int) -> list[int]:
    """The process and all its descendants."""
    out = [pid]
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return out
    for child in children:
        out += tree(int(child))
    return out


def cpu_seconds(roots: Roots) -> dict[str, float]:
    """CPU time (user + system) used so far by each component's processes."""
    tick = os.sysconf("SC_CLK_TCK")
    used: dict[str, float] = {}
    for name, root in roots().items():
        for pid in tree(root):
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            used[name] = used.get(name, 0.0) + (int(fields[11]) + int(fields[12])) / tick
    return used


class MemorySampler:
    """Peak memory of the whole stack (every process of ours and its children), as the sum of
    proportional set sizes: PostgreSQL's shared buffers count once, not once per backend (the
    sum of resident sizes counted them ~60 times and reported 4 GB for about 1.3)."""

    def __init__(self, roots: Roots) -> None:
        self.roots = roots
        self.peak_mib = 0.0
        self.peak_by_component_mib: dict[str, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    @staticmethod
    def _pss(pid: int) -> int:
        """kB; the resident size where the kernel has no smaps_rollup (before Linux 4.14)."""
        for path, field in (
            (f"/proc/{pid}/smaps_rollup", "Pss:"),
            (f"/proc/{pid}/status", "VmRSS:"),
        ):
            try:
                for line in Path(path).read_text().splitlines():
                    if line.startswith(field):
                        return int(line.split()[1])
            except OSError:
                continue
        return 0

    def _run(self) -> None:
        while not self._stop.wait(1.0):
            used = {
                name: sum(self._pss(p) for p in tree(root)) / 1024
                for name, root in self.roots().items()
            }
            self.peak_mib = max(self.peak_mib, sum(used.values()))
            for name, mib in used.items():
                self.peak_by_component_mib[name] = max(self.peak_by_component_mib.get(name, 0), mib)

    def __enter__(self) -> "MemorySampler":
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()


def start_ceiling(plat: Platform) -> tuple[subprocess.Popen[bytes], str]:
    """The bare endpoints in their own uvicorn process against the same infrastructure."""
    port = free_ports().kafka
    # As the services reach the database (its unix socket when devstack runs it): the same path.
    server = plat.endpoints
    env = plat.service_env("intake") | {
        "DATABASE_URL": database_url(server.database_url, "intake", socket=server.database_socket)
    }
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "bench.ceiling:app",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--no-access-log",
            "--log-level",
            "warning",
        ],
        env=env,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            httpx.post(f"{url}/ceiling/json", json={}, timeout=2)
            break
        except httpx.HTTPError:
            time.sleep(0.2)
    return proc, url


async def bench_ceiling(plat: Platform, n: int, concurrency: int) -> dict[str, Any]:
    proc, url = await asyncio.to_thread(start_ceiling, plat)
    try:
        cv = fake_cv()
        reg = EXAMPLE.read_text()
        async with httpx.AsyncClient(base_url=url, timeout=30) as client:

            async def multipart(i: int) -> None:
                r = await client.post(
                    "/ceiling/registrations",
                    data={"registration": reg},
                    files={"cv": ("cv.pdf", cv, "application/pdf")},
                )
                r.raise_for_status()

            async def plain(i: int) -> None:
                r = await client.post("/ceiling/json", json={"n": i, "name": "bench"})
                r.raise_for_status()

            say(f"ceiling: {n} multipart registrations with a 100 KB CV")
            lat, elapsed, err = await load(multipart, n, concurrency)
            multipart_result = summary(lat, elapsed, err)
            say(f"ceiling: {n} single-insert JSON requests")
            lat, elapsed, err = await load(plain, n, concurrency)
            return {
                "multipart_s3_insert": multipart_result,
                "json_single_insert": summary(lat, elapsed, err),
            }
    finally:
        proc.terminate()
        proc.wait(10)


async def bench_intake(
    plat: Platform, roots: Roots, n: int, concurrency: int, first: int = 0
) -> dict[str, Any]:
    """202 -> profile and documents stored, intake empty: per-registration completion times,
    and the CPU each component spent per registration (where the time goes)."""
    cv = fake_cv()
    base = json.loads(EXAMPLE.read_text())
    run = os.urandom(3).hex()
    submitted: dict[str, float] = {}
    accepted_lat: list[float] = []
    errors = 0
    sem = asyncio.Semaphore(concurrency)
    async with httpx.AsyncClient(base_url=plat.url("gateway"), timeout=60) as client:

        async def one(i: int) -> None:
            nonlocal errors
            # A phone of each registrant's own: a known phone sends a registration to review.
            phone = f"+31 6 {first + i:08d}"
            reg = base | {"email": f"bench.{run}.{i}@example.nl", "phone": phone}
            async with sem:
                started = time.perf_counter()
                r = await client.post(
                    "/api/intake/registrations",
                    data={"registration": json.dumps(reg)},
                    files={"cv": ("cv.pdf", cv, "application/pdf")},
                    headers={
                        "X-Forwarded-For": f"10.{i // 65536 % 256}.{i // 256 % 256}.{i % 256}"
                    },
                )
            if r.status_code != 202:
                errors += 1
                return
            accepted_lat.append(time.perf_counter() - started)
            submitted[r.json()["id"]] = started

        say(f"intake: {n} registrations through the gateway, then waiting for the hand-off")
        cpu_before = cpu_seconds(roots)
        t0 = time.perf_counter()
        await asyncio.gather(*(one(i) for i in range(n)))
        done: dict[str, float] = {}
        conn = await asyncpg.connect(database_url(plat.endpoints.database_url, "intake"))
        try:
            deadline = time.perf_counter() + max(60, n)
            while len(done) < len(submitted) and time.perf_counter() < deadline:
                left = {str(r["id"]) for r in await conn.fetch("SELECT id FROM registrations")}
                now = time.perf_counter()
                for reg_id in submitted:
                    if reg_id not in left and reg_id not in done:
                        done[reg_id] = now
                await asyncio.sleep(0.05)
        finally:
            await conn.close()
        cpu_after = cpu_seconds(roots)
        # Handed off means documents answered; check it stored the CVs rather than refused them.
        conn = await asyncpg.connect(database_url(plat.endpoints.database_url, "documents"))
        try:
            stored = await conn.fetchval(
                "SELECT count(*) FROM documents WHERE registration_id = ANY($1::uuid[])",
                list(done),
            )
        finally:
            await conn.close()
        end_to_end = [done[r] - submitted[r] for r in done]
        wall = (max(done.values()) - t0) if done else 0
        cpu_ms = {
            name: round(1000 * (cpu_after[name] - cpu_before.get(name, 0.0)) / max(1, len(done)), 1)
            for name in sorted(cpu_after, key=lambda k: cpu_before.get(k, 0.0) - cpu_after[k])
        }
        total = round(sum(cpu_ms.values()), 1)
        return {
            "accepted_202": summary(accepted_lat, time.perf_counter() - t0, errors),
            "end_to_end": summary(end_to_end, wall)
            | {
                "completed": len(done),
                "not_completed": len(submitted) - len(done),
                "cvs_stored_by_documents": stored,
            },
            "cpu_ms_per_registration": cpu_ms | {"total": total},
            f"goal_cpu_under_{CPU_GOAL_MS:.0f}ms": total <= CPU_GOAL_MS,
        }


async def measure(name: str, report: dict[str, Any], coro: Awaitable[dict[str, Any]]) -> None:
    started = time.perf_counter()
    try:
        report[name] = await coro
    except Exception as exc:  # one failed measurement must not hide the others
        report[name] = {"error": f"{type(exc).__name__}: {exc}"[:500]}
    report[name]["seconds"] = round(time.perf_counter() - started, 1)
    say(f"{name}: {json.dumps(report[name])}")


async def run_all(
    plat: Platform, roots: Roots, args: argparse.Namespace, report: dict[str, Any]
) -> None:
    from bench import flows  # the privacy and search measurements

    if flows.wanted(args, "ceiling"):
        await measure("ceiling", report, bench_ceiling(plat, args.n, args.concurrency))
    if flows.wanted(args, "intake_pipeline"):
        if args.warmup:
            # The same path once, unmeasured: the broker's JIT compiler and every pool warm up
            # (a fresh JVM spends seconds of CPU compiling), so the figures are steady state.
            say(f"intake: {args.warmup} registrations to warm up")
            await bench_intake(plat, roots, args.warmup, args.concurrency)
        intake = bench_intake(plat, roots, args.n, args.concurrency, first=args.warmup)
        await measure("intake_pipeline", report, intake)
    ceiling = report.get("ceiling", {}).get("multipart_s3_insert", {}).get("rate_per_s")
    pipeline = report.get("intake_pipeline", {}).get("end_to_end", {}).get("rate_per_s")
    if ceiling and pipeline:
        report["intake_pipeline"]["fraction_of_ceiling"] = round(pipeline / ceiling, 2)
        report["intake_pipeline"][f"goal_{PIPELINE_GOAL:.0%}_of_ceiling_met"] = (
            pipeline >= ceiling * PIPELINE_GOAL
        )
    if any(flows.wanted(args, m) for m in FLOWS):
        await flows.run(plat, args, report, measure, say)
    if flows.wanted(args, "soak"):
        from bench import soak

        def broker_cpu() -> float:
            return cpu_seconds(lambda: {"kafka": roots()["kafka"]}).get("kafka", 0.0)

        say(f"soak: {args.soak_messages} heartbeats onto ops.health")
        bootstrap = plat.endpoints.kafka_bootstrap
        await measure("soak", report, soak.measure(bootstrap, broker_cpu, args.soak_messages))


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--n", type=int, default=400, help="requests per load test")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument(
        "--warmup", type=int, default=200, help="registrations before the pipeline is measured"
    )
    parser.add_argument(
        "--candidates", type=int, default=100_000, help="store size for search/erasure"
    )
    parser.add_argument("--erasures", type=int, default=100, help="forget-me requests to time")
    parser.add_argument(
        "--soak-messages", type=int, default=200_000, help="heartbeats added for the soak"
    )
    parser.add_argument(
        "--only",
        type=lambda s: [m for m in s.split(",") if m],
        default=[],
        help="comma-separated measurements to run (default all): " + ",".join(MEASUREMENTS),
    )
    parser.add_argument("--out", type=Path, default=Path("bench-report.json"))
    args = parser.parse_args()
    if unknown := set(args.only) - set(MEASUREMENTS):
        parser.error(f"unknown measurements: {', '.join(sorted(unknown))}")

    report: dict[str, Any] = {
        "machine": {"cores": os.cpu_count(), "python": host.python_version()},
        "started_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "parameters": {
            "n": args.n,
            "concurrency": args.concurrency,
            "warmup": args.warmup,
            "candidates": args.candidates,
            "only": args.only,
        },
    }
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        root = Path(tmp)
        say("starting the stack on free ports")
        stack = LocalStack(root / "stack", free_ports(), env={})
        endpoints = stack.start()
        plat = Platform(
            root=root / "platform",
            endpoints=endpoints,
            ports=free_service_ports(),
        )
        try:
            plat.start()

            def roots() -> dict[str, int]:
                return stack.pids() | {name: p.pid for name, p in plat.procs.items()}

            with MemorySampler(roots) as memory:
                asyncio.run(run_all(plat, roots, args, report))
            report["peak_memory_mib"] = round(memory.peak_mib)
            report["peak_memory_by_component_mib"] = {
                name: round(mib) for name, mib in sorted(memory.peak_by_component_mib.items())
            }
        finally:
            plat.stop()
            stack.stop()
    args.out.write_text(json.dumps(report, indent=2))
    say(f"report written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
