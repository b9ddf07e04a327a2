"""Timing helpers shared by the benchmarks."""

import asyncio
import sys
import time
from collections.abc import Awaitable, Callable
from typing import Any


def say(msg: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def pct(values: list[float], p: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    k = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return round(ordered[k] * 1000, 1)  # milliseconds


def summary(latencies: list[float], elapsed: float, errors: int = 0) -> dict[str, Any]:
    return {
        "requests": len(latencies) + errors,
        "errors": errors,
        "rate_per_s": round(len(latencies) / elapsed, 1) if elapsed else None,
        "p50_ms": pct(latencies, 50),
        "p95_ms": pct(latencies, 95),
        "p99_ms": pct(latencies, 99),
    }


async def load(
    send: Callable[[int], Awaitable[None]], n: int, concurrency: int
) -> tuple[list[float], float, int]:
    """Run `send(i)` n times with `concurrency` in flight; latencies, wall time, errors."""
    latencies: list[float] = []
    errors = 0
    queue: asyncio.Queue[int] = asyncio.Queue()
    for i in range(n):
        queue.put_nowait(i)

    async def worker() -> None:
        nonlocal errors
        while not queue.empty():
            i = queue.get_nowait()
            started = time.perf_counter()
            try:
                await send(i)
                latencies.append(time.perf_counter() - started)
            except Exception:
                errors += 1

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return latencies, time.perf_counter() - started, errors
