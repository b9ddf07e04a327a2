"""The verification scan as a background job: the officer starts it (202 with a job id) and
polls; the scan's running time grows with the topics, so no request waits on it.

The identifiers typed in live only in the running job's coroutine, in this process's memory.
The `scan_jobs` row holds which kinds were given, the state, the progress and the result
(where a trace is, never the trace). Each instance touches its jobs' rows every tick; a job
whose instance stopped goes stale and is reported `interrupted`: nothing can resume it, since
the identifiers went with the process, so the officer starts it again.
"""

import asyncio
import contextlib
import logging
from typing import Any

import asyncpg

from services.common.envelope import new_id

from . import scan, store
from .bootstrap import service, settings

log = logging.getLogger(__name__)

# This instance's jobs: the task, and the progress it reports (no identifiers in either's
# visible state; the identifiers are the task's own arguments).
_tasks: dict[str, asyncio.Task[None]] = {}
_progress: dict[str, dict[str, Any]] = {}
_slots: asyncio.Semaphore | None = None


class Busy(Exception):
    """This instance already holds as many scans as it may: try again shortly."""


def _semaphore() -> asyncio.Semaphore:
    global _slots
    if _slots is None:
        _slots = asyncio.Semaphore(settings.scan_concurrency)
    return _slots


async def start(
    pool: asyncpg.Pool,
    *,
    started_by: str,
    request_id: str | None,
    email: str | None,
    phone: str | None,
    subject: str | None,
) -> str:
    """Record the job and run it in the background; returns its id."""
    if len(_tasks) >= settings.scan_max_jobs:
        raise Busy
    job_id = new_id()
    given = {"email": email, "phone": phone, "subject": subject}
    async with pool.acquire() as conn:
        await store.insert_scan_job(
            conn, job_id, request_id, started_by, [k for k, v in given.items() if v]
        )
    _progress[job_id] = {"phase": "queued"}
    task = asyncio.create_task(_run(pool, job_id, email, phone, subject))
    _tasks[job_id] = task
    task.add_done_callback(lambda _: _forget(job_id))
    return job_id


def _forget(job_id: str) -> None:
    _tasks.pop(job_id, None)
    _progress.pop(job_id, None)


async def _run(
    pool: asyncpg.Pool, job_id: str, email: str | None, phone: str | None, subject: str | None
) -> None:
    progress = _progress[job_id]
    try:
        # Each scan reads every topic and bucket: a few at a time, the rest wait their turn.
        async with _semaphore():
            async with pool.acquire() as conn:
                await store.scan_job_running(conn, job_id)
            progress["phase"] = "started"
            result = await scan.run(
                pool, email=email, phone=phone, subject=subject, progress=progress
            )
        progress["phase"] = "finished"
        async with pool.acquire() as conn:
            await store.finish_scan_job(conn, job_id, "done", progress, result)
        log.info(
            "verification scan done",
            extra={"job_id": job_id, "hits": len(result["hits"]), "seconds": result["seconds"]},
        )
    except asyncio.CancelledError:
        # The service is stopping: say so now rather than when the row goes stale.
        with contextlib.suppress(Exception):
            async with pool.acquire() as conn:
                await store.finish_scan_job(
                    conn, job_id, "interrupted", progress, error="the privacy service stopped"
                )
        raise
    except Exception as exc:
        # The kind of failure only: a message might quote what was searched for.
        log.error("verification scan failed", extra={"job_id": job_id, "error": type(exc).__name__})
        with contextlib.suppress(Exception):
            async with pool.acquire() as conn:
                await store.finish_scan_job(
                    conn, job_id, "failed", progress, error=type(exc).__name__
                )


async def refresh(job_id: str) -> None:
    """Before a job is read: a stale one is marked interrupted (any instance may answer)."""
    if job_id in _tasks:
        return
    async with service.pool.acquire() as conn:
        await store.interrupt_stale_scan_jobs(conn, settings.scan_stale_seconds, job_id)


async def loop() -> None:
    """Touch this instance's jobs (alive, progress) every tick; interrupt others' stale jobs.
    At shutdown, this instance's running jobs are cancelled (and recorded interrupted)."""
    try:
        while True:
            try:
                async with service.pool.acquire() as conn:
                    if _progress:
                        await store.scan_jobs_alive(
                            conn, {k: dict(v) for k, v in list(_progress.items())}
                        )
                    await store.interrupt_stale_scan_jobs(conn, settings.scan_stale_seconds)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning("scan jobs not touched", extra={"error": type(exc).__name__})
            await asyncio.sleep(settings.scan_tick_seconds)
    finally:
        running = list(_tasks.values())
        for task in running:
            task.cancel()
        for task in running:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
