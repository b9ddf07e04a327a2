"""The erasure verification scan: given identifiers the officer types in again (held in memory
for the scan only, never stored or logged), look everywhere a trace could be left:

- every data service's database, by asking it (`POST /internal/scan` with keyed hashes);
- every bucket, every object version: the subject id in a name, the plaintext in a content;
- every topic and dead-letter topic from the beginning: the plaintext in a record, and every
  sealed payload that still opens (a subject key that was not shredded) searched again.

The answer lists each hit (where, what, how many), never the data itself. It runs as a job
(scanjobs.py); `progress` tells the officer which part is being searched.
"""

import asyncio
import contextlib
import time
from collections import Counter
from typing import Any

import asyncpg
import httpx
from aiokafka import AIOKafkaConsumer

from services.common.envelope import Envelope
from services.common.keys import blind_index, normalise, open_sealed
from services.common.topics import DATA_SERVICES, all_topic_names, partitions_on_broker

from . import keystore
from .bootstrap import service, settings

TOPIC_SCAN_SECONDS = 60.0


def needles(email: str | None, phone: str | None) -> list[bytes]:
    """The forms an identifier takes in stored bytes, lower-cased (haystacks are too)."""
    found: set[str] = set()
    if email:
        found |= {email.strip().lower(), normalise("email", email)}
    if phone:
        digits = "".join(ch for ch in phone if ch.isdigit())
        national = "0" + digits[2:] if digits.startswith("31") else digits
        found |= {phone.strip().lower(), digits, normalise("phone", phone), national}
        if national.startswith("06") and len(national) == 10:
            found.add(f"{national[:2]} {national[2:]}")  # "06 12345678"
    return [n.encode() for n in found if len(n) >= 6]


def contains(haystack: bytes, wanted: list[bytes]) -> bool:
    low = haystack.lower()
    return any(n in low for n in wanted)


async def run(
    pool: asyncpg.Pool,
    *,
    email: str | None,
    phone: str | None,
    subject: str | None,
    progress: dict[str, Any] | None = None,
) -> dict[str, Any]:
    progress = {} if progress is None else progress
    wanted = needles(email, phone)
    hits: list[dict[str, Any]] = []
    checked: dict[str, Any] = {}
    not_checked: list[str] = []
    started = time.monotonic()

    progress["phase"] = "privacy"
    await _privacy_itself(pool, subject, hits)
    progress["phase"] = "databases"
    checked["services"] = await _services(email, phone, subject, hits, not_checked)
    progress["phase"] = "buckets"
    try:
        checked["buckets"] = await asyncio.to_thread(_buckets, subject, wanted, hits, not_checked)
    except Exception as exc:  # the object store is down: say so, never pretend it is clean
        not_checked.append(f"buckets: {type(exc).__name__}")
    # Declared in the catalogue as unable to hold personal data (heartbeats): not read.
    personal = {name for name, _ in all_topic_names(personal_only=True)}
    checked["topics_without_personal_data"] = sorted(
        name for name, _ in all_topic_names() if name not in personal
    )
    progress["phase"] = "topics"
    try:
        checked["topics"] = await _topics(pool, subject, wanted, hits, not_checked, progress)
    except Exception as exc:
        not_checked.append(f"topics: {type(exc).__name__}")
    return {
        "clean": not hits and not not_checked,  # proven clean: nothing found, nothing skipped
        "complete": not not_checked,
        "hits": hits,
        "checked": checked,
        "not_checked": not_checked,
        "seconds": round(time.monotonic() - started, 2),
    }


async def _privacy_itself(pool: asyncpg.Pool, subject: str | None, hits: list[dict]) -> None:
    """The suppression list and the kept request are meant to stay; a live key is a hit."""
    if subject is None:
        return
    async with pool.acquire() as conn:
        if await conn.fetchval("SELECT true FROM subject_keys WHERE subject = $1", subject):
            hits.append({"where": "privacy:subject_keys", "what": "subject key", "count": 1})
        if await conn.fetchval("SELECT true FROM subject_index WHERE subject = $1", subject):
            hits.append({"where": "privacy:subject_index", "what": "hashes", "count": 1})
        former = await conn.fetchval(
            "SELECT count(*) FROM subject_former_hashes WHERE subject = $1", subject
        )
        if former:
            hits.append(
                {"where": "privacy:subject_former_hashes", "what": "hashes", "count": former}
            )
        if await conn.fetchval(
            "SELECT true FROM exports WHERE subject = $1 AND deleted_at IS NULL", subject
        ):
            hits.append({"where": "privacy:exports", "what": "access export", "count": 1})
        held = await conn.fetchval(
            "SELECT count(*) FROM selfservice_sealed s JOIN requests r ON r.id = s.request_id"
            " WHERE r.subject = $1",
            subject,
        )
        if held:  # sealed, but the master key opens it: only until the completion mail
            hits.append({"where": "privacy:selfservice_sealed", "what": "address", "count": held})


async def _services(
    email: str | None,
    phone: str | None,
    subject: str | None,
    hits: list[dict],
    not_checked: list[str],
) -> dict[str, str]:
    body = {
        "email_hash": blind_index(settings.blind_index_key, "email", email) if email else None,
        "phone_hash": blind_index(settings.blind_index_key, "phone", phone) if phone else None,
        "subject": subject,
    }
    answers: dict[str, str] = {}
    for name in DATA_SERVICES:
        url = getattr(settings, f"{name}_url") + "/internal/scan"
        try:
            resp = await service.http.post(url, json=body, timeout=20.0)
        except httpx.HTTPError:
            answers[name] = "unreachable"
            not_checked.append(f"database:{name}")
            continue
        if resp.status_code != 200:
            answers[name] = f"no scan ({resp.status_code})"
            not_checked.append(f"database:{name}")
            continue
        answers[name] = "scanned"
        for hit in resp.json().get("hits", []):
            hits.append(
                {
                    "where": f"database:{name}:{hit.get('where', '?')}",
                    "what": "record",
                    "count": int(hit.get("count", 1)),
                }
            )
    return answers


def _buckets(
    subject: str | None, wanted: list[bytes], hits: list[dict], not_checked: list[str]
) -> dict[str, int]:
    s3 = service.s3
    seen: dict[str, int] = {}
    for bucket in s3.list_buckets():
        found: Counter[str] = Counter()
        versions = 0
        for obj in s3.list_objects(bucket.name, recursive=True, include_version=True):
            name = obj.object_name or ""
            versions += 1
            if subject and subject in name:
                found["subject id in object name"] += 1
            if not wanted or obj.is_delete_marker or obj.is_dir:
                continue
            if (obj.size or 0) > settings.scan_max_object_bytes:
                not_checked.append(f"bucket:{bucket.name}: an object over the size limit")
                continue
            try:
                resp = s3.get_object(bucket.name, name, version_id=obj.version_id)
            except Exception:  # noqa: S112 - e.g. SSE-C objects whose key is gone: unreadable
                continue
            try:
                if contains(resp.read(), wanted):
                    found["identifier in content"] += 1
            finally:
                resp.close()
                resp.release_conn()
        seen[bucket.name] = versions
        for what, count in found.items():
            if count:
                hits.append({"where": f"bucket:{bucket.name}", "what": what, "count": count})
    return seen


async def _topics(
    pool: asyncpg.Pool,
    subject: str | None,
    wanted: list[bytes],
    hits: list[dict],
    not_checked: list[str],
    progress: dict[str, Any],
) -> dict[str, int]:
    consumer = AIOKafkaConsumer(
        **settings.kafka_client(),
        group_id=None,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        client_id="privacy-scan",
    )
    await consumer.start()
    records: Counter[str] = Counter()
    found: Counter[tuple[str, str]] = Counter()
    key_cache: dict[str, bytes | None] = {}
    try:
        personal = [name for name, _ in all_topic_names(personal_only=True)]
        partitions = await partitions_on_broker(settings.kafka_client(), personal)
        if not partitions:
            return {}
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        # What was on the bus when the scan began; later records are read if they arrive in
        # a batch, but not waited for.
        ends = await consumer.end_offsets(partitions)
        todo = {tp for tp in partitions if await consumer.position(tp) < ends[tp]}
        progress |= {
            "partitions": len(partitions),
            "records_to_read": sum(ends.values()),
            "partitions_left": len(todo),
            "records_read": 0,
        }
        deadline = time.monotonic() + TOPIC_SCAN_SECONDS
        while todo and time.monotonic() < deadline:
            batch = await consumer.getmany(*todo, timeout_ms=1000, max_records=2000)
            for tp, messages in batch.items():
                for msg in messages:
                    records[tp.topic] += 1
                    what = await _inspect(pool, msg.value or b"", subject, wanted, key_cache)
                    if what:
                        found[(tp.topic, what)] += 1
            for tp in list(todo):
                if await consumer.position(tp) >= ends[tp]:
                    todo.discard(tp)
            progress |= {"partitions_left": len(todo), "records_read": sum(records.values())}
            # Read partitions are no longer fetched: every fetch costs the broker per partition.
            consumer.pause(*(set(partitions) - todo))
        for tp in todo:
            not_checked.append(f"topic:{tp.topic}[{tp.partition}] not read to the end in time")
    finally:
        with contextlib.suppress(Exception):
            await consumer.stop()
    for (topic, what), count in found.items():
        hits.append({"where": f"topic:{topic}", "what": what, "count": count})
    return dict(records)


async def _inspect(
    pool: asyncpg.Pool,
    raw: bytes,
    subject: str | None,
    wanted: list[bytes],
    key_cache: dict[str, bytes | None],
) -> str | None:
    if wanted and contains(raw, wanted):
        return "identifier in plaintext"
    try:
        event = Envelope.from_bytes(raw)
    except ValueError:
        return None
    if not (event.sealed and event.subject):
        return None
    if event.subject not in key_cache:
        async with pool.acquire() as conn:
            key_cache[event.subject] = await keystore.get(conn, settings.master_key, event.subject)
    key = key_cache[event.subject]
    if key is None:
        return None  # shredded: this copy is unreadable for good
    if subject and event.subject == subject:
        return "sealed data of the subject still opens"
    if wanted:
        try:
            opened = open_sealed(key, event.sealed, event.subject)
        except ValueError:
            return None
        if contains(repr(opened).encode(), wanted):
            return "identifier in sealed data that still opens"
    return None
