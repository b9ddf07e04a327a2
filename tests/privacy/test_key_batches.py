"""Subject keys as the services fetch them: many subjects in one call under load, each caller
with its own answer; an erased subject never gets a key back, not even a new one."""

import asyncio
import json

import asyncpg
import httpx
import pytest
from fastapi import HTTPException

from devstack.services import database_url
from services.common import identifiers, keys
from services.common.batching import MAX_ITEMS
from services.common.envelope import new_id
from services.privacy.store import SUBJECT_LOCK
from tests.helpers import as_service, fetch, subject_key


def key_client(platform, sent: list[list[str]]) -> tuple[httpx.AsyncClient, keys.KeyClient]:
    async def record(request: httpx.Request) -> None:
        sent.append(json.loads(request.content)["subjects"])

    http = httpx.AsyncClient(
        headers=as_service(platform, "documents"),
        event_hooks={"request": [record]},
    )
    return http, keys.KeyClient(http, platform.url("privacy"))


async def erased(platform) -> str:
    """A subject whose key was shredded, as an erasure leaves it."""
    subject = new_id()
    assert await subject_key(platform, subject, create=True)
    await fetch(platform, "privacy", "DELETE FROM subject_keys WHERE subject = $1", subject)
    await fetch(platform, "privacy", "INSERT INTO tombstones(subject) VALUES ($1)", subject)
    return subject


async def test_keys_wanted_at_once_go_in_one_request_and_each_caller_gets_its_own(platform):
    sent: list[list[str]] = []
    http, client = key_client(platform, sent)
    subjects = [new_id() for _ in range(30)]
    async with http:
        made = await asyncio.gather(*(client.get_or_create(s) for s in subjects))
        again = await asyncio.gather(*(client.get(s) for s in subjects))  # from the cache
    assert len(sent) < 5, sent  # not one request per subject
    assert sorted(s for batch in sent for s in batch) == sorted(subjects)
    assert made == again
    assert len(set(made)) == 30 and all(len(k) == 32 for k in made)
    for s, key in zip(subjects[:3], made, strict=False):  # the key privacy keeps for them
        assert await subject_key(platform, s) == key


async def test_an_erased_subject_gets_no_key_while_its_batch_neighbours_do(platform):
    gone = await erased(platform)
    fresh = new_id()
    sent: list[list[str]] = []
    http, client = key_client(platform, sent)
    async with http:
        results = await asyncio.gather(
            client.get_or_create(gone), client.get_or_create(fresh), return_exceptions=True
        )
        assert isinstance(results[0], keys.KeyShredded)
        assert isinstance(results[1], bytes)
        with pytest.raises(keys.KeyShredded):
            await client.get(gone)
        with pytest.raises(keys.KeyShredded):  # never keyed: nothing to open with
            await client.get(new_id())
    assert await subject_key(platform, gone, create=True) is None  # never made anew


async def test_one_caller_giving_up_does_not_cancel_the_others(platform):
    sent: list[list[str]] = []
    http, client = key_client(platform, sent)
    subject = new_id()
    async with http:
        impatient = asyncio.create_task(client.get_or_create(subject))
        patient = asyncio.create_task(client.get_or_create(subject))
        await asyncio.sleep(0)
        impatient.cancel()
        assert len(await patient) == 32
    assert impatient.cancelled()


async def test_privacy_unreachable_fails_every_waiting_caller_with_an_http_error():
    async with httpx.AsyncClient() as http:
        client = keys.KeyClient(http, "http://127.0.0.1:9")  # nothing listens on port 9
        results = await asyncio.gather(
            client.get(new_id()), client.get(new_id()), return_exceptions=True
        )
    assert all(isinstance(r, httpx.HTTPError) for r in results), results


async def test_key_batches_refuse_bad_input_with_a_clear_4xx(platform):
    token = as_service(platform, "crm")
    async with httpx.AsyncClient(base_url=platform.url("privacy"), headers=token) as http:
        for body in (
            {"subjects": []},
            {"subjects": [new_id() for _ in range(MAX_ITEMS + 1)]},
            {"subjects": ["x" * 65]},
            {"subjects": "not-a-list"},
            {"subjects": [new_id()], "unknown": 1},
        ):
            resp = await http.post("/internal/keys", json=body)
            assert resp.status_code == 422, (body, resp.text)
        resp = await http.post(
            "/internal/keys", content=b"{not json", headers={"content-type": "application/json"}
        )
        assert resp.status_code == 422


async def test_a_route_that_will_announce_identifiers_answers_503_without_the_key_service(
    platform,
):
    async with httpx.AsyncClient() as http:
        down = keys.KeyClient(http, "http://127.0.0.1:9")  # nothing listens on port 9
        with pytest.raises(HTTPException) as refused:
            await identifiers.key_at_hand(down, new_id())
        assert refused.value.status_code == 503
    gone = await erased(platform)
    sent: list[list[str]] = []
    http, client = key_client(platform, sent)
    async with http:  # an erased person: the route itself answers (404/410), not this check
        await identifiers.key_at_hand(client, gone)


async def test_a_key_asked_for_while_an_erasure_shreds_it_is_not_made_again(platform):
    """The erasure holds the person's lock from shredding the key until it commits: a key
    request meanwhile waits, then finds the tombstone, and no key comes back to life."""
    subject = new_id()
    assert await subject_key(platform, subject, create=True)
    erasure = await asyncpg.connect(database_url(platform.endpoints.database_url, "privacy"))
    try:
        tx = erasure.transaction()
        await tx.start()
        await erasure.execute(
            "SELECT pg_advisory_xact_lock($1, hashtext($2))", SUBJECT_LOCK, subject
        )
        await erasure.execute("DELETE FROM subject_keys WHERE subject = $1", subject)
        await erasure.execute("INSERT INTO tombstones(subject) VALUES ($1)", subject)
        asked = asyncio.create_task(subject_key(platform, subject, create=True))
        await asyncio.sleep(1.0)
        assert not asked.done()  # waiting for the erasure, not racing it
        await tx.commit()
        assert await asked is None
    finally:
        await erasure.close()
    assert not await fetch(
        platform, "privacy", "SELECT 1 FROM subject_keys WHERE subject = $1", subject
    )


async def test_a_subject_id_no_service_could_hold_fails_only_its_own_caller(platform):
    sent: list[list[str]] = []
    http, client = key_client(platform, sent)
    async with http:
        results = await asyncio.gather(
            client.get_or_create("x" * 65), client.get_or_create(new_id()), return_exceptions=True
        )
    assert isinstance(results[0], keys.KeyShredded)
    assert isinstance(results[1], bytes)
